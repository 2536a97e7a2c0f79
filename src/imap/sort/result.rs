//! Rendering a SORT result: `* SORT 2 84 882` (RFC 5256 §4, with RFC 7162 §3.1.5's
//! `(MODSEQ n)`) and, for `SORT RETURN (...)`, the `* ESEARCH` line of RFC 5267 §3 and §4.4,
//! whose ALL and PARTIAL sets keep the sort order (`5,3:4,2,1`).
//!
//! Not here: sorting, or deciding which messages match.

use crate::imap::command::{SearchReturn, SortReturn};
use crate::imap::search::compact_set;
use crate::imap::wire;

/// `* SORT 2 84 882\r\n`; `* SORT\r\n` when nothing matched.
pub fn write_sort(out: &mut Vec<u8>, numbers: &[u32], modseq: Option<u64>) {
    out.extend_from_slice(b"* SORT");
    for n in numbers {
        out.push(b' ');
        out.extend_from_slice(n.to_string().as_bytes());
    }
    if let (Some(m), false) = (modseq, numbers.is_empty()) {
        out.extend_from_slice(format!(" (MODSEQ {m})").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
}

/// `* ESEARCH (TAG "t") [UID] MIN a MAX b COUNT n ALL set PARTIAL (lo:hi set) MODSEQ m`
/// for numbers in sort order: MIN and MAX are the first and last in that order. Nothing is
/// written for a RETURN of SAVE alone.
pub fn write_esort(
    out: &mut Vec<u8>,
    tag: &str,
    uid: bool,
    returns: &SortReturn,
    numbers: &[u32],
    modseq: Option<u64>,
) {
    let has = |r: SearchReturn| returns.opts.contains(&r);
    if returns.partial.is_none() && returns.opts.iter().all(|r| *r == SearchReturn::Save) {
        return;
    }
    out.extend_from_slice(b"* ESEARCH (TAG ");
    wire::string(out, tag.as_bytes());
    out.push(b')');
    if uid {
        out.extend_from_slice(b" UID");
    }
    let mut put = |name: &str, value: &str| {
        out.push(b' ');
        out.extend_from_slice(name.as_bytes());
        out.push(b' ');
        out.extend_from_slice(value.as_bytes());
    };
    if let (true, Some(min)) = (has(SearchReturn::Min), numbers.first()) {
        put("MIN", &min.to_string());
    }
    if let (true, Some(max)) = (has(SearchReturn::Max), numbers.last()) {
        put("MAX", &max.to_string());
    }
    if has(SearchReturn::Count) {
        put("COUNT", &numbers.len().to_string());
    }
    if has(SearchReturn::All) && !numbers.is_empty() {
        put("ALL", &compact_set(numbers));
    }
    if let Some((lo, hi)) = returns.partial {
        // Positions are 1-based and inclusive; past the end there is nothing (NIL).
        let from = (lo as usize - 1).min(numbers.len());
        let to = (hi as usize).min(numbers.len());
        let set = compact_set(&numbers[from..to]);
        let set = if set.is_empty() { "NIL" } else { &set };
        put("PARTIAL", &format!("({lo}:{hi} {set})"));
    }
    if let (Some(m), false) = (modseq, numbers.is_empty()) {
        put("MODSEQ", &m.to_string());
    }
    out.extend_from_slice(b"\r\n");
}
