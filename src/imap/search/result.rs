//! Rendering a search result: the classic `* SEARCH` line (RFC 3501 §7.2.5, with RFC 7162
//! §3.1.5's `(MODSEQ n)`), the RFC 4731 `* ESEARCH` line, and sequence-set compaction.
//!
//! For the session:
//! - `modseq` is the highest mod-sequence of the messages the line reports, and `Some` only
//!   when [`Query::uses_modseq`](super::Query::uses_modseq); RFC 7162 §3.1.5 has it cover the
//!   returned MIN/MAX message(s) when only those are returned, all matches otherwise. It is
//!   left out when nothing matched.
//! - SAVE (RFC 5182) is the session's: it stores the matching UIDs (or only the MIN/MAX
//!   one(s) when those are also asked for). When RETURN holds SAVE alone, no ESEARCH line is
//!   sent, and [`write_esearch`] writes nothing.
//! - IMAP4rev2 (RFC 9051) always answers with ESEARCH; a SEARCH without RETURN there means
//!   `RETURN (ALL)`, which is what an empty `returns` gives here.
//!
//! Not here: deciding which messages match, or which of SEARCH/ESEARCH a client gets.

use crate::imap::command::SearchReturn;
use crate::imap::wire;

/// `* SEARCH 2 5 9 (MODSEQ 917162500)\r\n`; `* SEARCH\r\n` when nothing matched.
pub fn write_search(out: &mut Vec<u8>, numbers: &[u32], modseq: Option<u64>) {
    out.extend_from_slice(b"* SEARCH");
    for n in numbers {
        out.push(b' ');
        out.extend_from_slice(n.to_string().as_bytes());
    }
    if let (Some(m), false) = (modseq, numbers.is_empty()) {
        out.extend_from_slice(format!(" (MODSEQ {m})").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
}

/// `* ESEARCH (TAG "A282") UID MIN 2 COUNT 3 ALL 2,10:11\r\n` (RFC 4731 §3.1). `numbers`
/// must be sorted ascending. Items follow a fixed order (MIN MAX COUNT ALL, then MODSEQ);
/// MIN, MAX and ALL are left out when nothing matched, COUNT is then `0`.
pub fn write_esearch(
    out: &mut Vec<u8>,
    tag: &str,
    uid: bool,
    returns: &[SearchReturn],
    numbers: &[u32],
    modseq: Option<u64>,
) {
    let has = |r: SearchReturn| returns.contains(&r);
    let only_save = !returns.is_empty() && returns.iter().all(|r| *r == SearchReturn::Save);
    if only_save {
        return;
    }
    // RFC 4731 §3.1: `RETURN ()` means `RETURN (ALL)`; so does a RETURN of SAVE plus nothing
    // that reports (already handled above), so only the empty list is special.
    let all = returns.is_empty() || has(SearchReturn::All);
    out.extend_from_slice(b"* ESEARCH (TAG ");
    wire::string(out, tag.as_bytes());
    out.push(b')');
    if uid {
        out.extend_from_slice(b" UID");
    }
    let put = |out: &mut Vec<u8>, name: &str, value: &str| {
        out.push(b' ');
        out.extend_from_slice(name.as_bytes());
        out.push(b' ');
        out.extend_from_slice(value.as_bytes());
    };
    if let (true, Some(min)) = (has(SearchReturn::Min), numbers.first()) {
        put(out, "MIN", &min.to_string());
    }
    if let (true, Some(max)) = (has(SearchReturn::Max), numbers.last()) {
        put(out, "MAX", &max.to_string());
    }
    if has(SearchReturn::Count) {
        put(out, "COUNT", &numbers.len().to_string());
    }
    if all && !numbers.is_empty() {
        put(out, "ALL", &compact_set(numbers));
    }
    if let Some(&SearchReturn::Partial(lo, hi)) = returns
        .iter()
        .find(|r| matches!(r, SearchReturn::Partial(..)))
    {
        let part = partial(numbers, lo, hi);
        let set = if part.is_empty() {
            "NIL".to_string()
        } else {
            compact_set(part)
        };
        put(out, "PARTIAL", &format!("({lo}:{hi} {set})"));
    }
    if let (Some(m), false) = (modseq, numbers.is_empty()) {
        put(out, "MODSEQ", &m.to_string());
    }
    out.extend_from_slice(b"\r\n");
}

/// The positions `lo..=hi` of a result (RFC 9394 §4.1: 1-based; negative ranges count from
/// the end, -1 being the last), clipped to what exists.
pub fn partial(numbers: &[u32], lo: i32, hi: i32) -> &[u32] {
    let n = numbers.len() as i64;
    let (lo, hi) = (i64::from(lo), i64::from(hi));
    // To 0-based, inclusive, in ascending order.
    let (a, b) = if lo < 0 {
        (n + hi, n + lo)
    } else {
        (lo - 1, hi - 1)
    };
    let (a, b) = (a.max(0), b.min(n - 1));
    if a > b {
        return &[];
    }
    &numbers[a as usize..=b as usize]
}

/// The shortest sequence-set for ascending numbers: `[1,2,3,5,7,8,9]` → `1:3,5,7:9`.
/// Duplicates are skipped; an unsorted input still yields a correct (longer) set, since
/// each run is written as it comes.
pub fn compact_set(numbers: &[u32]) -> String {
    let mut out = String::new();
    let mut iter = numbers.iter().copied();
    let Some(first) = iter.next() else {
        return out;
    };
    let (mut lo, mut hi) = (first, first);
    let flush = |out: &mut String, lo: u32, hi: u32| {
        if !out.is_empty() {
            out.push(',');
        }
        if lo == hi {
            out.push_str(&lo.to_string());
        } else {
            out.push_str(&format!("{lo}:{hi}"));
        }
    };
    for n in iter {
        if n == hi {
            continue;
        }
        if hi.checked_add(1) == Some(n) {
            hi = n;
        } else {
            flush(&mut out, lo, hi);
            (lo, hi) = (n, n);
        }
    }
    flush(&mut out, lo, hi);
    out
}
