//! SORT / UID SORT (RFC 5256, RFC 5957 SORT=DISPLAY, RFC 5267 ESORT and PARTIAL) and
//! THREAD / UID THREAD (RFC 5256). Both search first (SEARCH's evaluator), then read the
//! header block of each match, once, only when a key needs it (ARRIVAL and SIZE do not):
//! no SQL per message. Sessions run on a blocking thread, so the file reads are fine here.

use crate::imap::cmd::search::{Matches, matches, uses_modseq};
use crate::imap::command::{SearchKey, SearchReturn, SortCriterion, SortReturn, ThreadAlgorithm};
use crate::imap::search::charset_supported;
use crate::imap::session::{Action, Session};
use crate::imap::sort::{self, Fields};
use crate::imap::thread;

/// Arguments of one SORT command.
pub(crate) struct SortArgs<'a> {
    pub uid: bool,
    pub returns: Option<&'a SortReturn>,
    pub criteria: &'a [SortCriterion],
    pub charset: &'a str,
    pub key: &'a SearchKey,
}

pub(crate) fn sort(
    s: &mut Session,
    tag: &str,
    a: SortArgs<'_>,
    out: &mut Vec<u8>,
) -> Option<Action> {
    if !charset_ok(tag, a.charset, out) {
        return None;
    }
    let modseq_key = uses_modseq(a.key);
    if modseq_key {
        s.enable_condstore(out);
    }
    let (mut fields, found) = collect(s, a.key, a.uid, sort::needs_header(a.criteria))?;
    sort::sort(&mut fields, a.criteria);
    let numbers: Vec<u32> = fields.iter().map(|f| f.number).collect();
    let modseq = (modseq_key && !numbers.is_empty()).then_some(found.highest);
    match a.returns {
        None => sort::result::write_sort(out, &numbers, modseq),
        Some(r) => {
            if r.opts.contains(&SearchReturn::Save) {
                s.saved = found.uids;
            }
            sort::result::write_esort(out, tag, a.uid, r, &numbers, modseq);
        }
    }
    s.finish(tag, a.uid, "OK SORT completed", out);
    None
}

pub(crate) fn thread(
    s: &mut Session,
    tag: &str,
    uid: bool,
    algorithm: ThreadAlgorithm,
    charset: &str,
    key: &SearchKey,
    out: &mut Vec<u8>,
) -> Option<Action> {
    if !charset_ok(tag, charset, out) {
        return None;
    }
    let (fields, _) = collect(s, key, uid, true)?;
    let forest = match algorithm {
        ThreadAlgorithm::OrderedSubject => thread::ordered_subject(&fields),
        ThreadAlgorithm::References => thread::references(&fields),
    };
    thread::write(out, &forest, &fields);
    s.finish(tag, uid, "OK THREAD completed", out);
    None
}

fn charset_ok(tag: &str, charset: &str, out: &mut Vec<u8>) -> bool {
    if charset_supported(charset) {
        return true;
    }
    Session::tagged(
        out,
        tag,
        "NO [BADCHARSET (UTF-8 US-ASCII)] use CHARSET UTF-8",
    );
    false
}

/// The matching messages with their sort fields, in mailbox order. `None` when nothing
/// is selected.
fn collect(
    s: &Session,
    key: &SearchKey,
    uid: bool,
    headers: bool,
) -> Option<(Vec<Fields>, Matches)> {
    let found = matches(s, key, false)?;
    let sel = s.selected.as_ref()?;
    let acc = s.account.as_deref()?;
    let mut fields = Vec::with_capacity(found.hits.len());
    for &seq in &found.hits {
        let Some(m) = sel.messages.get(seq as usize - 1) else {
            continue;
        };
        let f = Fields::new(seq, if uid { m.uid } else { seq }, m.internal_date, m.size);
        // A file gone meanwhile (expunged elsewhere) still sorts, by its metadata.
        let f = match headers.then(|| acc.read_header(sel, seq)) {
            Some(Ok(h)) => f.from_header(&h),
            _ => f,
        };
        fields.push(f);
    }
    Some((fields, found))
}
