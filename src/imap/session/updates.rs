//! Untagged responses for changes made by others (RFC 3501 §7.3–7.4, RFC 7162 §3.2.10):
//! `EXPUNGE` — or `VANISHED` once QRESYNC is enabled — then `EXISTS`/`RECENT`, then `FETCH`
//! with the new flags (and UID and MODSEQ where CONDSTORE/QRESYNC ask for them).

use super::Session;
use crate::imap::mailstore::Changes;

pub(crate) fn write(s: &Session, ch: &Changes, out: &mut Vec<u8>) {
    let Some(sel) = s.selected.as_ref() else {
        return;
    };
    if s.enabled.qresync {
        if !ch.vanished.is_empty() {
            out.extend_from_slice(b"* VANISHED ");
            out.extend_from_slice(crate::imap::search::compact_set(&ch.vanished).as_bytes());
            out.extend_from_slice(b"\r\n");
        }
    } else {
        for n in &ch.expunged {
            out.extend_from_slice(format!("* {n} EXPUNGE\r\n").as_bytes());
        }
    }
    if let Some(n) = ch.exists {
        out.extend_from_slice(format!("* {n} EXISTS\r\n").as_bytes());
    }
    if let Some(n) = ch.recent
        && !s.enabled.rev2
    {
        out.extend_from_slice(format!("* {n} RECENT\r\n").as_bytes());
    }
    for &seq in &ch.flags {
        let Some(m) = sel.messages.get(seq as usize - 1) else {
            continue;
        };
        flags_fetch(s, seq, m, out);
    }
}

/// `* n FETCH (FLAGS (...) [UID u] [MODSEQ (m)])`.
pub(crate) fn flags_fetch(
    s: &Session,
    seq: u32,
    m: &crate::imap::mailstore::MessageMeta,
    out: &mut Vec<u8>,
) {
    out.extend_from_slice(format!("* {seq} FETCH (FLAGS ").as_bytes());
    m.flags.write_list(out, m.recent && !s.enabled.rev2);
    if s.enabled.qresync {
        out.extend_from_slice(format!(" UID {}", m.uid).as_bytes());
    }
    if s.enabled.condstore {
        out.extend_from_slice(format!(" MODSEQ ({})", m.modseq).as_bytes());
    }
    out.extend_from_slice(b")\r\n");
}
