//! CONTEXT=SEARCH and CONTEXT=SORT (RFC 5267 §4): a `SEARCH` or `SORT` with
//! `RETURN (UPDATE)` is remembered by its tag and kept up to date as the selected mailbox
//! changes, reported as `* ESEARCH (TAG "t") [UID] ADDTO (pos set)` and `REMOVEFROM (pos
//! set)`; CANCELUPDATE ends it, and so does leaving the mailbox. A search's positions are 0
//! (no order to place them in); a sort's are the places in its order (`sort::update`).
//!
//! Incremental: each context remembers its matching UIDs, the highest UID it has judged and
//! the highest MODSEQ it has seen, so only new messages and messages whose MODSEQ moved
//! (flags changed) are evaluated again; a sort reads the header of a message only when it
//! enters. Expunged ones leave through [`expunged`], which runs before the EXPUNGE lines so
//! sequence numbers and positions still name them (§4.3.4); ADDTO comes after EXISTS
//! (§4.3.3).
//!
//! Contexts are per session, at most [`MAX_UPDATING`] of searches and sorts together; a tag
//! already naming a live context cannot start another (`BAD`, §4.3).
//!
//! Elsewhere: Dovecot 2.3 advertises CONTEXT=SEARCH only and Cyrus lists both CONTEXT
//! capabilities as not implemented; Trojitá is a client that keeps its sorted message list
//! through CONTEXT=SORT when a server offers it. Here both are offered, with exact positions
//! rather than a refusal of UPDATE on SORT, since a sort's order never reshuffles (see
//! `sort::update`) and the positions cost one binary search per message that enters.
//!
//! Not here: updates to MIN/MAX/COUNT/PARTIAL (RFC 5267 §4.3: UPDATE reports the whole
//! result's changes, whatever else was asked), THREAD contexts (no RFC defines them).

use std::collections::{BTreeMap, BTreeSet};

use super::search::Evaluator;
use crate::imap::command::SearchKey;
use crate::imap::mailstore::Changes;
use crate::imap::search::compact_set;
use crate::imap::session::Session;
use crate::imap::sort::Fields;
use crate::imap::sort::update::{Ordered, Pair};
use crate::imap::wire;

/// Updating searches and sorts per session; one more is answered `NO [NOUPDATE]`
/// (RFC 5267 §4.3.1).
pub const MAX_UPDATING: usize = 10;

/// One remembered search or sort.
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
    /// CONTEXT=SORT: the result in its sort order; `None` for a search.
    sorted: Option<Ordered>,
}

/// Whether `tag` names a live context: an UPDATE under the same tag is refused with BAD
/// (RFC 5267 §4.3), as the updates could not tell the two apart.
pub(crate) fn tag_in_use(s: &Session, tag: &str) -> bool {
    s.updating.iter().any(|u| u.tag == tag)
}

/// Starts keeping the search or sort `tag` up to date, its result now `uids` (mailbox
/// order), and for a sort also `sorted`.
pub(crate) fn start(
    s: &mut Session,
    tag: &str,
    uid: bool,
    key: &SearchKey,
    uids: &[u32],
    sorted: Option<Ordered>,
    out: &mut Vec<u8>,
) {
    let Some(sel) = s.selected.as_ref() else {
        return;
    };
    if s.updating.len() >= MAX_UPDATING {
        out.extend_from_slice(b"* NO [NOUPDATE ");
        wire::string(out, tag.as_bytes());
        out.extend_from_slice(
            format!("] at most {MAX_UPDATING} updating searches and sorts; CANCELUPDATE one\r\n")
                .as_bytes(),
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
        sorted,
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
/// went, by the numbers (and for a sort the positions) they had.
pub(crate) fn expunged(s: &mut Session, ch: &Changes, out: &mut Vec<u8>) {
    if s.updating.is_empty() || ch.vanished.is_empty() {
        return;
    }
    forget_other_mailboxes(s);
    // `expunged` is highest first, each also its number before any of them went.
    let seq_of: BTreeMap<u32, u32> = ch
        .vanished
        .iter()
        .zip(ch.expunged.iter().chain(std::iter::repeat(&0)))
        .map(|(&u, &q)| (u, q))
        .collect();
    for u in &mut s.updating {
        let gone: BTreeSet<u32> = seq_of
            .keys()
            .copied()
            .filter(|uid| u.result.remove(uid))
            .collect();
        let number = |uid: u32| if u.uid { uid } else { seq_of[&uid] };
        match u.sorted.as_mut() {
            Some(o) => {
                let pairs = o.remove(&gone);
                write_pairs(out, &u.tag, u.uid, "REMOVEFROM", &pairs, number);
            }
            None => {
                let mut removed: Vec<u32> = gone.iter().map(|&uid| number(uid)).collect();
                removed.retain(|&n| n != 0);
                removed.sort_unstable();
                write(out, &u.tag, u.uid, "REMOVEFROM", &removed);
            }
        }
    }
}

/// After a command's or a wakeup's updates: judges new and changed messages again for each
/// updating search and sort and reports what entered and left its result.
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
    // (seq, uid) of the messages that entered and left, in mailbox order.
    let (mut added, mut removed) = (Vec::new(), Vec::new());
    let (mut max_uid, mut modseq) = (u.max_uid, u.modseq);
    for (i, m) in sel.messages.iter().enumerate() {
        max_uid = max_uid.max(m.uid);
        modseq = modseq.max(m.modseq);
        if m.uid <= u.max_uid && m.modseq <= u.modseq {
            continue;
        }
        let seq = i as u32 + 1;
        match (u.result.contains(&m.uid), eval.hit(seq)) {
            (false, true) => {
                u.result.insert(m.uid);
                added.push((seq, m.uid));
            }
            (true, false) => {
                u.result.remove(&m.uid);
                removed.push((seq, m.uid));
            }
            _ => {}
        }
    }
    (u.max_uid, u.modseq) = (max_uid, modseq);
    // Expunges were reported by `expunged`; any the view lost otherwise just leave.
    let lost: BTreeSet<u32> = u
        .result
        .iter()
        .copied()
        .filter(|&uid| sel.seq_of_uid(uid).is_none())
        .collect();
    u.result.retain(|uid| !lost.contains(uid));
    let Some(o) = u.sorted.as_mut() else {
        let number = |&(seq, uid): &(u32, u32)| if u.uid { uid } else { seq };
        let removed: Vec<u32> = removed.iter().map(number).collect();
        let added: Vec<u32> = added.iter().map(number).collect();
        write(out, &u.tag, u.uid, "REMOVEFROM", &removed);
        write(out, &u.tag, u.uid, "ADDTO", &added);
        return;
    };
    o.remove(&lost);
    let number = |uid: u32| {
        if u.uid {
            uid
        } else {
            sel.seq_of_uid(uid).unwrap_or(0)
        }
    };
    let gone: BTreeSet<u32> = removed.iter().map(|&(_, uid)| uid).collect();
    write_pairs(out, &u.tag, u.uid, "REMOVEFROM", &o.remove(&gone), number);
    let new: Vec<Fields> = added
        .iter()
        .map(|&(seq, uid)| Fields {
            seq: uid,
            ..super::sort::fields_of(s, seq, uid, o.needs_header())
        })
        .collect();
    write_pairs(out, &u.tag, u.uid, "ADDTO", &o.insert(new), number);
}

/// `* ESEARCH (TAG "t") [UID] ADDTO (0 set)`; nothing for an empty set. The position is 0:
/// an unsorted result has no order to place it in (RFC 5267 §4.3.3).
fn write(out: &mut Vec<u8>, tag: &str, uid: bool, what: &str, numbers: &[u32]) {
    if numbers.is_empty() {
        return;
    }
    head(out, tag, uid, what);
    out.extend_from_slice(format!("0 {})\r\n", compact_set(numbers)).as_bytes());
}

/// A sort's `* ESEARCH (TAG "t") [UID] ADDTO (pos set pos set)`, each set in sort order
/// (ranges only where that order ascends, RFC 5267 §3.2); nothing for no pairs.
fn write_pairs(
    out: &mut Vec<u8>,
    tag: &str,
    uid: bool,
    what: &str,
    pairs: &[Pair],
    number: impl Fn(u32) -> u32,
) {
    if pairs.is_empty() {
        return;
    }
    head(out, tag, uid, what);
    for (i, p) in pairs.iter().enumerate() {
        let numbers: Vec<u32> = p.uids.iter().map(|&u| number(u)).collect();
        let sep = if i == 0 { "" } else { " " };
        out.extend_from_slice(format!("{sep}{} {}", p.position, compact_set(&numbers)).as_bytes());
    }
    out.extend_from_slice(b")\r\n");
}

/// `* ESEARCH (TAG "t") [UID] WHAT (`
fn head(out: &mut Vec<u8>, tag: &str, uid: bool, what: &str) {
    out.extend_from_slice(b"* ESEARCH (TAG ");
    wire::string(out, tag.as_bytes());
    out.push(b')');
    if uid {
        out.extend_from_slice(b" UID");
    }
    out.extend_from_slice(format!(" {what} (").as_bytes());
}
