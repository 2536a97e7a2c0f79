//! SORT / UID SORT (RFC 5256, RFC 5957 SORT=DISPLAY, RFC 5267 ESORT, PARTIAL and
//! CONTEXT=SORT's UPDATE, kept up to date by `context`) and THREAD / UID THREAD (RFC 5256). Both search first (SEARCH's evaluator), then read the
//! header block of each match, once, only when a key needs it (ARRIVAL and SIZE do not):
//! no SQL per message. Sessions run on a blocking thread, so the file reads are fine here.

use crate::imap::cmd::context;
use crate::imap::cmd::search::{Matches, matches, uses_modseq};
use crate::imap::command::{SearchKey, SearchReturn, SortCriterion, SortReturn, ThreadAlgorithm};
use crate::imap::search::charset_supported;
use crate::imap::session::{Action, Session};
use crate::imap::sort::update::Ordered;
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
    let update = a
        .returns
        .is_some_and(|r| r.opts.contains(&SearchReturn::Update));
    if update && context::tag_in_use(s, tag) {
        s.finish(
            tag,
            a.uid,
            "BAD tag in use by an updating search or sort",
            out,
        );
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
            if update {
                let sorted = sorted_by_uid(s, fields, a.criteria);
                context::start(s, tag, a.uid, a.key, &found.uids, Some(sorted), out);
            }
            if r.opts.contains(&SearchReturn::Save) {
                s.saved = found.uids;
            }
            sort::result::write_esort(out, tag, a.uid, &shown(r, update), &numbers, modseq);
        }
    }
    s.finish(tag, a.uid, "OK SORT completed", out);
    None
}

/// The return options to answer: UPDATE reports nothing itself, and without anything else
/// that reports (SAVE does not) it answers the starting result, as `RETURN ()` would and
/// as SEARCH does.
fn shown(r: &SortReturn, update: bool) -> SortReturn {
    let mut shown = r.clone();
    shown.opts.retain(|o| *o != SearchReturn::Update);
    let reports = shown.partial.is_some() || shown.opts.iter().any(|o| *o != SearchReturn::Save);
    if update && !reports {
        shown.opts.push(SearchReturn::All);
    }
    shown
}

/// The sorted result as a kept context holds it: each message's `seq` its UID.
fn sorted_by_uid(s: &Session, fields: Vec<Fields>, criteria: &[SortCriterion]) -> Ordered {
    let uid_of = |seq: u32| {
        s.selected
            .as_ref()
            .and_then(|sel| sel.messages.get(seq as usize - 1))
            .map_or(0, |m| m.uid)
    };
    let members = fields
        .into_iter()
        .map(|f| Fields {
            seq: uid_of(f.seq),
            ..f
        })
        .collect();
    Ordered::new(criteria, members)
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
    let fields = found
        .hits
        .iter()
        .filter_map(|&seq| {
            let m = sel.messages.get(seq as usize - 1)?;
            Some(fields_of(s, seq, if uid { m.uid } else { seq }, headers))
        })
        .collect();
    Some((fields, found))
}

/// The sort fields of message `seq`, shown as `number`; from its header when `headers`.
/// A file gone meanwhile (expunged elsewhere) still sorts, by its metadata.
pub(crate) fn fields_of(s: &Session, seq: u32, number: u32, headers: bool) -> Fields {
    let Some(m) = s
        .selected
        .as_ref()
        .and_then(|sel| sel.messages.get(seq as usize - 1))
    else {
        return Fields::new(seq, number, 0, 0);
    };
    let f = Fields::new(seq, number, m.internal_date, m.size);
    let header = match (headers, s.selected.as_ref(), s.account.as_deref()) {
        (true, Some(sel), Some(acc)) => acc.read_header(sel, seq).ok(),
        _ => None,
    };
    match header {
        Some(h) => f.from_header(&h),
        None => f,
    }
}
