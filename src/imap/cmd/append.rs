//! APPEND (RFC 3501 §6.3.11), MULTIAPPEND (RFC 3502), CATENATE (RFC 4469, built by
//! [`super::catenate`]) and RFC 6855's `UTF8 (...)` data, with UIDPLUS's APPENDUID.
//!
//! All or nothing: every message of the command is built and checked (flags, URLs, sizes)
//! before the store is asked, and the store writes them all or none
//! ([`crate::imap::mailstore::MailStore::append_all`]). Sizes: each message at most
//! APPENDLIMIT, the command's messages together at most what the framer lets one command
//! hold (APPENDLIMIT plus a line), so URL parts cannot make one APPEND hold more memory than
//! literals could.

use std::borrow::Cow;

use super::catenate::{self, Owner};
use super::mailbox::name_or_no;
use crate::imap::command::{AppendMessage, CatPart, Flag};
use crate::imap::flags::Flags;
use crate::imap::mailstore::NewMail;
use crate::imap::parse::Limits;
use crate::imap::session::{Action, Session};

pub(crate) fn append(
    s: &mut Session,
    tag: &str,
    wire: &str,
    messages: Vec<AppendMessage>,
    out: &mut Vec<u8>,
) -> Option<Action> {
    let name = name_or_no(s, tag, wire, out)?;
    let flag_sets = match flag_sets(&messages) {
        Ok(f) => f,
        Err(why) => {
            Session::tagged(out, tag, why);
            return None;
        }
    };
    if !s.enabled.utf8 && messages.iter().any(sends_utf8) {
        Session::tagged(out, tag, "BAD UTF8 data needs ENABLE UTF8=ACCEPT first");
        return None;
    }
    let datas = match build_all(s, &name, &messages) {
        Ok(d) => d,
        Err(reply) => {
            s.finish(tag, true, &reply, out);
            return None;
        }
    };
    let mails: Vec<NewMail<'_>> = messages
        .iter()
        .zip(&datas)
        .zip(&flag_sets)
        .map(|((m, data), flags)| NewMail {
            data,
            flags,
            internal_date: m.internal_date,
        })
        .collect();
    let acc = s.account.as_mut()?;
    let (validity, uids) = match acc.append_all(&name, &mails) {
        Ok(r) => r,
        Err(e) => {
            let msg = super::store_error(&e);
            s.finish(tag, true, &msg, out);
            return None;
        }
    };
    drop(mails);
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

/// Each message's flags, `\Recent` dropped (only the server sets it).
fn flag_sets(messages: &[AppendMessage]) -> Result<Vec<Flags>, &'static str> {
    let mut sets = Vec::with_capacity(messages.len());
    for m in messages {
        let mut f = Flags::default();
        for fl in m.flags.iter().filter(|f| **f != Flag::Recent) {
            if !f.insert(fl) {
                return Err("NO [LIMIT] too many or too long keywords");
            }
        }
        sets.push(f);
    }
    Ok(sets)
}

fn sends_utf8(m: &AppendMessage) -> bool {
    m.utf8
        || m.catenate
            .iter()
            .flatten()
            .any(|p| matches!(p, CatPart::Text(_, true)))
}

/// Every message's bytes, CATENATE resolved; the error is the tagged reply.
fn build_all<'m>(
    s: &mut Session,
    name: &str,
    messages: &'m [AppendMessage],
) -> Result<Vec<Cow<'m, [u8]>>, String> {
    let limit = s.cfg.append_limit;
    let total_limit = limit.saturating_add(Limits::default().max_line as u64);
    let user = s.user().unwrap_or_default().to_string();
    let hostname = s.cfg.hostname.clone();
    let owner = Owner {
        user: &user,
        hostname: &hostname,
    };
    let acc = s.account.as_mut().ok_or("NO not logged in")?;
    if messages.iter().any(|m| m.catenate.is_some()) {
        // [TRYCREATE] for a missing destination comes before any complaint about URLs.
        acc.status(name).map_err(|e| super::store_error(&e))?;
    }
    let mut datas = Vec::with_capacity(messages.len());
    let mut total = 0u64;
    for m in messages {
        let data = match &m.catenate {
            None => Cow::Borrowed(&m.data[..]),
            Some(parts) => Cow::Owned(catenate::build(acc.as_mut(), &owner, parts, limit)?),
        };
        total = total.saturating_add(data.len() as u64);
        if total > total_limit {
            return Err(format!(
                "NO [TOOBIG] the messages of one APPEND may hold at most {total_limit} bytes"
            ));
        }
        datas.push(data);
    }
    Ok(datas)
}
