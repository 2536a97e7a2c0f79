//! CONTEXT=SEARCH (RFC 5267 §4): a `SEARCH RETURN (UPDATE)` is remembered by its tag and
//! kept up to date as the selected mailbox changes, reported as
//! `* ESEARCH (TAG "t") [UID] ADDTO (0 set)` and `REMOVEFROM (0 set)`; CANCELUPDATE ends
//! it, and so does leaving the mailbox.
//!
//! Incremental: each search remembers its matching UIDs, the highest UID it has judged and
//! the highest MODSEQ it has seen, so only new messages and messages whose MODSEQ moved
//! (flags changed) are evaluated again; expunged ones leave through [`expunged`], which
//! runs before the EXPUNGE lines so a sequence-number search can still name them.
//!
//! Not here: SORT contexts (CONTEXT=SORT), updates to MIN/MAX/COUNT (only the set is kept).

use std::collections::BTreeSet;

use super::search::Evaluator;
use crate::imap::command::SearchKey;
use crate::imap::mailstore::Changes;
use crate::imap::search::compact_set;
use crate::imap::session::Session;
use crate::imap::wire;

/// Updating searches per session; one more is answered `NO [NOUPDATE]` (RFC 5267 §4.2).
pub const MAX_UPDATING: usize = 10;

/// One remembered search.
pub(crate) struct Updating {
    tag: String,
    uid: bool,
    key: SearchKey,
    /// The mailbox it runs over (name, UIDVALIDITY): a different one ends it.
    mailbox: (String, u32),
    /// The UIDs that match now.
    result: BTreeSet<u32>,
    /// Messages above this UID have not been judged yet.
    max_uid: u32,
    /// Messages whose MODSEQ is above this changed since they were judged.
    modseq: u64,
}

/// Starts keeping the search `tag` up to date, its result now `uids`.
pub(crate) fn start(
    s: &mut Session,
    tag: &str,
    uid: bool,
    key: &SearchKey,
    uids: &[u32],
    out: &mut Vec<u8>,
) {
    let Some(sel) = s.selected.as_ref() else {
        return;
    };
    s.updating.retain(|u| u.tag != tag);
    if s.updating.len() >= MAX_UPDATING {
        out.extend_from_slice(b"* NO [NOUPDATE ");
        wire::string(out, tag.as_bytes());
        out.extend_from_slice(
            format!("] at most {MAX_UPDATING} updating searches; CANCELUPDATE one\r\n").as_bytes(),
        );
        return;
    }
    s.updating.push(Updating {
        tag: tag.to_string(),
        uid,
        key: key.clone(),
        mailbox: (sel.name.clone(), sel.uidvalidity),
        result: uids.iter().copied().collect(),
        max_uid: sel.messages.last().map(|m| m.uid).unwrap_or(0),
        modseq: sel.messages.iter().map(|m| m.modseq).max().unwrap_or(0),
    });
}

/// CANCELUPDATE: the named searches stop; unknown tags are an error (RFC 5267 §4.3 leaves
/// it open; a client naming a search it never started has a bug worth seeing).
pub(crate) fn cancel(s: &mut Session, tag: &str, tags: &[String], out: &mut Vec<u8>) {
    if let Some(t) = tags
        .iter()
        .find(|t| !s.updating.iter().any(|u| &u.tag == *t))
    {
        s.finish(
            tag,
            true,
            &format!("BAD no updating search with tag {t:?}"),
            out,
        );
        return;
    }
    s.updating.retain(|u| !tags.contains(&u.tag));
    s.finish(tag, true, "OK CANCELUPDATE completed", out);
}

/// Drops searches over a mailbox that is no longer the selected one.
fn forget_other_mailboxes(s: &mut Session) {
    let here = s
        .selected
        .as_ref()
        .map(|m| (m.name.as_str(), m.uidvalidity));
    s.updating
        .retain(|u| here == Some((u.mailbox.0.as_str(), u.mailbox.1)));
}

/// Before the EXPUNGE (or VANISHED) lines of `ch`: REMOVEFROM for matching messages that
/// went, by the numbers they had.
pub(crate) fn expunged(s: &mut Session, ch: &Changes, out: &mut Vec<u8>) {
    if s.updating.is_empty() || ch.vanished.is_empty() {
        return;
    }
    forget_other_mailboxes(s);
    // `expunged` is highest first, each also its number before any of them went.
    let gone: Vec<(u32, u32)> = ch
        .vanished
        .iter()
        .zip(ch.expunged.iter().chain(std::iter::repeat(&0)))
        .map(|(&u, &q)| (u, q))
        .collect();
    for u in &mut s.updating {
        let mut removed: Vec<u32> = Vec::new();
        for &(uid, seq) in &gone {
            if u.result.remove(&uid) {
                removed.push(if u.uid { uid } else { seq });
            }
        }
        removed.retain(|&n| n != 0);
        removed.sort_unstable();
        write(out, &u.tag, u.uid, "REMOVEFROM", &removed);
    }
}

/// After a command's or a wakeup's updates: judges new and changed messages again for each
/// updating search and reports what entered and left its result.
pub(crate) fn refresh(s: &mut Session, out: &mut Vec<u8>) {
    if s.updating.is_empty() {
        return;
    }
    forget_other_mailboxes(s);
    let mut updating = std::mem::take(&mut s.updating);
    for u in &mut updating {
        refresh_one(s, u, out);
    }
    s.updating = updating;
}

fn refresh_one(s: &Session, u: &mut Updating, out: &mut Vec<u8>) {
    let Some(sel) = s.selected.as_ref() else {
        return;
    };
    let Some(eval) = Evaluator::new(s, &u.key) else {
        return;
    };
    let (mut added, mut removed) = (Vec::new(), Vec::new());
    let (mut max_uid, mut modseq) = (u.max_uid, u.modseq);
    for (i, m) in sel.messages.iter().enumerate() {
        max_uid = max_uid.max(m.uid);
        modseq = modseq.max(m.modseq);
        if m.uid <= u.max_uid && m.modseq <= u.modseq {
            continue;
        }
        let seq = i as u32 + 1;
        let n = if u.uid { m.uid } else { seq };
        let was = u.result.contains(&m.uid);
        match (was, eval.hit(seq)) {
            (false, true) => {
                u.result.insert(m.uid);
                added.push(n);
            }
            (true, false) => {
                u.result.remove(&m.uid);
                removed.push(n);
            }
            _ => {}
        }
    }
    // Expunges were reported by `expunged`; any the view lost otherwise just leave.
    u.result.retain(|&uid| sel.seq_of_uid(uid).is_some());
    (u.max_uid, u.modseq) = (max_uid, modseq);
    write(out, &u.tag, u.uid, "REMOVEFROM", &removed);
    write(out, &u.tag, u.uid, "ADDTO", &added);
}

/// `* ESEARCH (TAG "t") [UID] ADDTO (0 set)`; nothing for an empty set. The position is 0:
/// an unsorted result has no order to place it in (RFC 5267 §4.3).
fn write(out: &mut Vec<u8>, tag: &str, uid: bool, what: &str, numbers: &[u32]) {
    if numbers.is_empty() {
        return;
    }
    out.extend_from_slice(b"* ESEARCH (TAG ");
    wire::string(out, tag.as_bytes());
    out.push(b')');
    if uid {
        out.extend_from_slice(b" UID");
    }
    out.extend_from_slice(format!(" {what} (0 {})\r\n", compact_set(numbers)).as_bytes());
}
