//! APPEND (RFC 3501 §6.3.11) and MULTIAPPEND (RFC 3502) with UIDPLUS's APPENDUID. The size
//! limit (APPENDLIMIT) is the framer's: a larger literal never reaches this. Each
//! message is on disk and fsynced before the tagged OK; MULTIAPPEND is not atomic across
//! messages: a failure part-way leaves the earlier ones in place (and logs it), where
//! RFC 3502 asks for all or nothing.

use super::mailbox::name_or_no;
use crate::imap::command::{AppendMessage, Flag};
use crate::imap::flags::Flags;
use crate::imap::session::{Action, Session};

pub(crate) fn append(
    s: &mut Session,
    tag: &str,
    wire: &str,
    messages: Vec<AppendMessage>,
    out: &mut Vec<u8>,
) -> Option<Action> {
    let name = name_or_no(s, tag, wire, out)?;
    let mut flag_sets = Vec::with_capacity(messages.len());
    for m in &messages {
        let mut f = Flags::default();
        for fl in &m.flags {
            if *fl == Flag::Recent {
                continue;
            }
            if !f.insert(fl) {
                Session::tagged(out, tag, "NO [LIMIT] too many or too long keywords");
                return None;
            }
        }
        flag_sets.push(f);
    }
    let acc = s.account.as_mut()?;
    let mut uids = Vec::new();
    let mut validity = 0;
    for (m, f) in messages.iter().zip(&flag_sets) {
        match acc.append(&name, &m.data, f, m.internal_date) {
            Ok((v, uid)) => {
                validity = v;
                uids.push(uid);
            }
            Err(e) => {
                if !uids.is_empty() {
                    tracing::warn!(
                        "MULTIAPPEND to {name} failed after {} message(s): {e}",
                        uids.len()
                    );
                }
                let msg = super::store_error(&e);
                s.finish(tag, true, &msg, out);
                return None;
            }
        }
    }
    if let Some(dir) = s.account.as_ref().and_then(|a| a.watch_path(&name)) {
        s.touched = Some(dir);
    }
    let set = crate::imap::search::compact_set(&uids);
    s.finish(
        tag,
        true,
        &format!("OK [APPENDUID {validity} {set}] APPEND completed"),
        out,
    );
    None
}
