//! `* SEARCH`, `* ESEARCH` (RFC 4731 §3.1 examples) and sequence-set compaction.

use proptest::prelude::*;

use crate::imap::command::SearchReturn::{self, All, Count, Max, Min, Save};
use crate::imap::search::{compact_set, write_esearch, write_search};

fn search(numbers: &[u32], modseq: Option<u64>) -> String {
    let mut out = Vec::new();
    write_search(&mut out, numbers, modseq);
    String::from_utf8(out).expect("ascii")
}

fn esearch(tag: &str, uid: bool, r: &[SearchReturn], numbers: &[u32], m: Option<u64>) -> String {
    let mut out = Vec::new();
    write_esearch(&mut out, tag, uid, r, numbers, m);
    String::from_utf8(out).expect("ascii")
}

#[test]
fn classic_search_lines() {
    assert_eq!(search(&[2, 5, 9], None), "* SEARCH 2 5 9\r\n");
    assert_eq!(
        search(&[2, 5, 9], Some(917_162_500)),
        "* SEARCH 2 5 9 (MODSEQ 917162500)\r\n"
    );
    assert_eq!(search(&[], None), "* SEARCH\r\n");
    // RFC 7162 §3.1.5: no MODSEQ when nothing matched.
    assert_eq!(search(&[], Some(5)), "* SEARCH\r\n");
}

#[test]
fn esearch_matches_the_rfc_4731_examples() {
    let hits = [2, 10, 11];
    assert_eq!(
        esearch("A282", false, &[Min, Count], &hits, None),
        "* ESEARCH (TAG \"A282\") MIN 2 COUNT 3\r\n"
    );
    assert_eq!(
        esearch("A283", false, &[All], &hits, None),
        "* ESEARCH (TAG \"A283\") ALL 2,10:11\r\n"
    );
    assert_eq!(
        esearch("A284", false, &[Min], &[4, 9], None),
        "* ESEARCH (TAG \"A284\") MIN 4\r\n"
    );
    assert_eq!(
        esearch("A285", true, &[Min, Max], &[7, 100, 3800], None),
        "* ESEARCH (TAG \"A285\") UID MIN 7 MAX 3800\r\n"
    );
    let fifteen: Vec<u32> = (1..=15).collect();
    assert_eq!(
        esearch("A286", false, &[Count], &fifteen, None),
        "* ESEARCH (TAG \"A286\") COUNT 15\r\n"
    );
    assert_eq!(
        esearch("A282", true, &[Min, Count, All], &hits, None),
        "* ESEARCH (TAG \"A282\") UID MIN 2 COUNT 3 ALL 2,10:11\r\n"
    );
}

#[test]
fn esearch_empty_return_means_all_and_nothing_found_drops_min_max_all() {
    assert_eq!(
        esearch("t", true, &[], &[1, 2, 3, 7], None),
        "* ESEARCH (TAG \"t\") UID ALL 1:3,7\r\n"
    );
    assert_eq!(
        esearch("t", false, &[], &[], None),
        "* ESEARCH (TAG \"t\")\r\n"
    );
    assert_eq!(
        esearch("t", false, &[Min, Max, All, Count], &[], Some(9)),
        "* ESEARCH (TAG \"t\") COUNT 0\r\n"
    );
    assert_eq!(
        esearch("t", true, &[All], &[4, 5], Some(1236)),
        "* ESEARCH (TAG \"t\") UID ALL 4:5 MODSEQ 1236\r\n"
    );
}

#[test]
fn save_alone_sends_no_esearch_and_save_with_others_changes_nothing() {
    assert_eq!(esearch("t", false, &[Save], &[1, 2], None), "");
    assert_eq!(
        esearch("t", false, &[Save, Min], &[1, 2], None),
        "* ESEARCH (TAG \"t\") MIN 1\r\n"
    );
}

#[test]
fn compact_set_examples() {
    assert_eq!(compact_set(&[]), "");
    assert_eq!(compact_set(&[5]), "5");
    assert_eq!(compact_set(&[1, 2, 3, 5, 7, 8, 9]), "1:3,5,7:9");
    assert_eq!(compact_set(&[1, 1, 2, 2, 4]), "1:2,4");
    assert_eq!(
        compact_set(&[u32::MAX - 1, u32::MAX]),
        "4294967294:4294967295"
    );
}

/// Expands a sequence set as the parser's grammar writes it (numbers only, no `*`).
fn expand(set: &str) -> Vec<u32> {
    let mut out = Vec::new();
    for part in set.split(',').filter(|p| !p.is_empty()) {
        let (a, b) = match part.split_once(':') {
            Some((a, b)) => (
                a.parse::<u32>().expect("num"),
                b.parse::<u32>().expect("num"),
            ),
            None => {
                let n = part.parse::<u32>().expect("num");
                (n, n)
            }
        };
        out.extend(a.min(b)..=a.max(b));
    }
    out
}

proptest! {
    #[test]
    fn compact_set_round_trips_and_is_minimal(mut v in proptest::collection::vec(0u32..400, 0..120)) {
        v.sort_unstable();
        let set = compact_set(&v);
        v.dedup();
        prop_assert_eq!(expand(&set), v.clone());
        // Minimal: one element per run of consecutive numbers.
        let runs = v.windows(2).filter(|w| w[1] != w[0] + 1).count() + usize::from(!v.is_empty());
        prop_assert_eq!(set.split(',').filter(|p| !p.is_empty()).count(), runs);
    }
}
