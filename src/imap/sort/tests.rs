//! Sort fields from real header blocks, and the ordering rules of RFC 5256 §3 / RFC 5957.

use proptest::prelude::*;

use super::{Fields, casemap, sort};
use crate::imap::command::{SortCriterion, SortKey};

fn msg(seq: u32, arrival: i64, size: u64, header: &str) -> Fields {
    Fields::new(seq, seq, arrival, size).from_header(header.replace('\n', "\r\n").as_bytes())
}

fn order(msgs: &[Fields], criteria: &[(SortKey, bool)]) -> Vec<u32> {
    let criteria: Vec<SortCriterion> = criteria
        .iter()
        .map(|&(key, reverse)| SortCriterion { key, reverse })
        .collect();
    let mut v = msgs.to_vec();
    sort(&mut v, &criteria);
    v.iter().map(|f| f.number).collect()
}

#[test]
fn address_keys_are_the_first_local_part_or_group_name() {
    let m = msg(
        1,
        0,
        0,
        "From: Foo Bar <User2@Domain2.org>\nTo: list: blah@x.org;\nCc: c@d (comment)\n\n",
    );
    assert_eq!(m.from, "USER2");
    assert_eq!(m.display_from, "FOO BAR");
    assert_eq!(m.to, "LIST");
    assert_eq!(m.display_to, "LIST");
    assert_eq!(m.cc, "C");
}

#[test]
fn display_names_are_decoded_and_fall_back_to_the_address() {
    let m = msg(
        1,
        0,
        0,
        "From: =?iso-8859-1?q?J=F6rg_Z?= <j@x.org>\nTo: b@c.d\n\n",
    );
    assert_eq!(m.display_from, "JÖRG Z");
    assert_eq!(m.display_to, "B@C.D");
}

#[test]
fn date_is_utc_and_falls_back_to_the_internal_date() {
    let m = msg(1, 42, 0, "Date: Fri, 22 Feb 2008 02:00:00 +0200\n\n");
    assert_eq!(m.sent, 1_203_638_400);
    assert_eq!(msg(1, 42, 0, "Subject: x\n\n").sent, 42);
    assert_eq!(msg(1, 42, 0, "Date: yesterday-ish\n\n").sent, 42);
    // An unreadable file sorts by metadata.
    assert_eq!(Fields::new(1, 1, 42, 0).sent, 42);
}

#[test]
fn subject_is_the_case_mapped_base_subject() {
    let m = msg(1, 0, 0, "Subject: =?utf-8?q?Re:_[fwd:_h=C3=A9llo]?=\n\n");
    assert_eq!(m.subject, "HÉLLO");
    assert!(m.reply);
    assert!(!msg(1, 0, 0, "Subject: hello\n\n").reply);
}

#[test]
fn references_or_else_in_reply_to() {
    let m = msg(
        1,
        0,
        0,
        "Message-ID: <a@b>\nReferences: <r1@b> <bad> <r2@b>\nIn-Reply-To: <x@y>\n\n",
    );
    assert_eq!(m.message_id.as_deref(), Some("a@b"));
    assert_eq!(m.references, ["r1@b", "r2@b"]);
    let m = msg(1, 0, 0, "In-Reply-To: <p@q> <z@y>\n\n");
    assert_eq!(m.references, ["p@q"]);
    assert_eq!(msg(1, 0, 0, "Message-ID: nonsense\n\n").message_id, None);
}

#[test]
fn ties_keep_mailbox_order_even_reversed() {
    let msgs = vec![
        msg(1, 10, 5, "\n"),
        msg(2, 30, 5, "\n"),
        msg(3, 20, 7, "\n"),
        msg(4, 30, 5, "\n"),
    ];
    assert_eq!(order(&msgs, &[(SortKey::Arrival, false)]), [1, 3, 2, 4]);
    assert_eq!(order(&msgs, &[(SortKey::Arrival, true)]), [2, 4, 3, 1]);
    assert_eq!(
        order(&msgs, &[(SortKey::Size, false), (SortKey::Arrival, true)]),
        [2, 4, 1, 3]
    );
}

#[test]
fn subject_order_is_ascii_casemap() {
    let msgs = vec![
        msg(1, 0, 0, "Subject: b\n\n"),
        msg(2, 0, 0, "Subject: _\n\n"),
        msg(3, 0, 0, "Subject: Re: A\n\n"),
        msg(4, 0, 0, "\n"),
    ];
    // Upper-casing puts letters before `_` (0x5F); no subject sorts first.
    assert_eq!(order(&msgs, &[(SortKey::Subject, false)]), [4, 3, 1, 2]);
}

#[test]
fn casemap_folds_ascii_and_beyond() {
    assert_eq!(casemap("abc_Z"), "ABC_Z");
    assert_eq!(casemap("éa"), "ÉA");
}

proptest! {
    /// SORT answers a permutation of the matches, and an order consistent with each key.
    #[test]
    fn sort_is_a_permutation(
        rows in proptest::collection::vec((0i64..5, 0u64..4, "[a-cA-C ]{0,4}"), 0..40),
        keys in proptest::collection::vec((0usize..9, any::<bool>()), 1..4),
    ) {
        let all = [
            SortKey::Arrival, SortKey::Cc, SortKey::Date, SortKey::From, SortKey::Size,
            SortKey::Subject, SortKey::To, SortKey::DisplayFrom, SortKey::DisplayTo,
        ];
        let msgs: Vec<Fields> = rows
            .iter()
            .enumerate()
            .map(|(i, (arr, size, subj))| {
                let h = format!("Subject: {subj}\nFrom: {subj}@x\n\n");
                msg(i as u32 + 1, *arr, *size, &h)
            })
            .collect();
        let criteria: Vec<(SortKey, bool)> = keys.iter().map(|&(k, r)| (all[k], r)).collect();
        let mut got = order(&msgs, &criteria);
        got.sort_unstable();
        let want: Vec<u32> = (1..=msgs.len() as u32).collect();
        prop_assert_eq!(got, want);
    }
}
