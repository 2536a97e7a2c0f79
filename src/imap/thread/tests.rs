//! THREAD: RFC 5256's REFERENCES corner cases (missing parents, loops, duplicate
//! Message-IDs, subject merging), ORDEREDSUBJECT, the wire form, and depth.

use proptest::prelude::*;

use super::{Forest, ordered_subject, references, write};
use crate::imap::sort::Fields;

/// A message from `(Message-ID, References, Subject)` sent at `date` (seconds).
fn m(seq: u32, date: i64, id: &str, refs: &str, subject: &str) -> Fields {
    let mut h = String::new();
    if !id.is_empty() {
        h.push_str(&format!("Message-ID: <{id}>\r\n"));
    }
    if !refs.is_empty() {
        h.push_str(&format!("References: {refs}\r\n"));
    }
    if !subject.is_empty() {
        h.push_str(&format!("Subject: {subject}\r\n"));
    }
    h.push_str("\r\n");
    Fields::new(seq, seq, date, 0).from_header(h.as_bytes())
}

fn line(f: &Forest, msgs: &[Fields]) -> String {
    let mut out = Vec::new();
    write(&mut out, f, msgs);
    String::from_utf8(out).unwrap()
}

fn refs(msgs: &[Fields]) -> String {
    line(&references(msgs), msgs)
}

#[test]
fn a_chain_and_a_lone_message() {
    let msgs = [
        m(1, 10, "a@x", "", "one"),
        m(2, 20, "b@x", "<a@x>", "Re: one"),
        m(3, 30, "c@x", "<a@x> <b@x>", "Re: one"),
        m(4, 5, "d@x", "", "other"),
    ];
    assert_eq!(refs(&msgs), "* THREAD (4)(1 2 3)\r\n");
}

#[test]
fn siblings_are_parenthesised_and_ordered_by_date() {
    let msgs = [
        m(1, 10, "a@x", "", "s"),
        m(2, 40, "b@x", "<a@x>", "Re: s"),
        m(3, 30, "c@x", "<a@x>", "Re: s"),
        m(4, 50, "d@x", "<a@x> <c@x>", "Re: s"),
    ];
    assert_eq!(refs(&msgs), "* THREAD (1 (3 4)(2))\r\n");
}

#[test]
fn missing_parent_becomes_a_dummy_only_when_it_joins_siblings() {
    // Two replies to a message not in the mailbox: siblings under a dummy.
    let msgs = [
        m(1, 10, "b@x", "<gone@x>", "Re: t"),
        m(2, 20, "c@x", "<gone@x>", "Re: t"),
    ];
    assert_eq!(refs(&msgs), "* THREAD ((1)(2))\r\n");
    // One reply alone: the dummy is pruned, the reply is a root.
    let msgs = [m(1, 10, "b@x", "<gone@x> <gone2@x>", "Re: u")];
    assert_eq!(refs(&msgs), "* THREAD (1)\r\n");
    // A dummy in the middle of a chain disappears, its child moves up.
    let msgs = [
        m(1, 10, "a@x", "", "v"),
        m(2, 20, "c@x", "<a@x> <gone@x>", "Re: v"),
    ];
    assert_eq!(refs(&msgs), "* THREAD (1 2)\r\n");
}

#[test]
fn loops_in_references_are_not_followed() {
    // imaptest's `thread`: b says a, c; c says b. c's own References win over b's.
    let msgs = [
        m(1, 30, "a@b", "", ""),
        m(2, 20, "b@b", "<a@b> <c@b>", ""),
        m(3, 10, "c@b", "<b@b>", ""),
    ];
    assert_eq!(refs(&msgs), "* THREAD (3 2)(1)\r\n");
    // A message referencing itself, and two messages referencing each other.
    let msgs = [
        m(1, 10, "a@x", "<a@x>", ""),
        m(2, 20, "p@x", "<q@x>", ""),
        m(3, 30, "q@x", "<p@x>", ""),
    ];
    // p hangs under q (a dummy then); q's own reference to p would close a loop.
    assert_eq!(refs(&msgs), "* THREAD (1)(3 2)\r\n");
}

#[test]
fn duplicate_message_ids_are_separate_messages() {
    let msgs = [m(1, 10, "a@b", "", ""), m(2, 20, "a@b", "", "")];
    assert_eq!(refs(&msgs), "* THREAD (1)(2)\r\n");
    // A reply to the duplicated id hangs under the first one.
    let msgs = [
        m(1, 10, "a@b", "", ""),
        m(2, 20, "a@b", "", ""),
        m(3, 30, "r@b", "<a@b>", ""),
    ];
    assert_eq!(refs(&msgs), "* THREAD (1 3)(2)\r\n");
}

#[test]
fn roots_with_the_same_subject_are_merged() {
    // A reply whose References are lost joins the original by subject.
    let msgs = [
        m(1, 10, "a@x", "", "Lunch"),
        m(2, 20, "b@x", "", "Re: lunch"),
        m(3, 30, "c@x", "", "Other"),
    ];
    assert_eq!(refs(&msgs), "* THREAD (1 2)(3)\r\n");
    // Two originals with one subject become siblings under a dummy.
    let msgs = [m(1, 10, "a@x", "", "Same"), m(2, 20, "b@x", "", "same")];
    assert_eq!(refs(&msgs), "* THREAD ((1)(2))\r\n");
    // Empty subjects are never merged.
    let msgs = [m(1, 10, "a@x", "", ""), m(2, 20, "b@x", "", "Re: ")];
    assert_eq!(refs(&msgs), "* THREAD (1)(2)\r\n");
}

#[test]
fn ordered_subject_groups_by_base_subject() {
    let msgs = [
        m(1, 30, "", "", "b"),
        m(2, 10, "", "", "a"),
        m(3, 40, "", "", "Re: a"),
        m(4, 20, "", "", "Re: b"),
        m(5, 50, "", "", "re: a"),
        m(6, 60, "", "", "c"),
    ];
    let f = ordered_subject(&msgs);
    assert_eq!(line(&f, &msgs), "* THREAD (2 (3)(5))(4 1)(6)\r\n");
}

#[test]
fn nothing_to_thread() {
    assert_eq!(refs(&[]), "* THREAD\r\n");
    assert_eq!(line(&ordered_subject(&[]), &[]), "* THREAD\r\n");
}

#[test]
fn a_very_deep_thread_does_not_exhaust_the_stack() {
    let n = 100_000;
    let msgs: Vec<Fields> = (0..n)
        .map(|i| {
            let mut f = Fields::new(i + 1, i + 1, i64::from(i), 0);
            f.message_id = Some(format!("{i}@x"));
            if i > 0 {
                f.references = vec![format!("{}@x", i - 1)];
            }
            f
        })
        .collect();
    let f = references(&msgs);
    assert_eq!(f.roots.len(), 1);
    assert_eq!(f.messages().len(), n as usize);
    let out = line(&f, &msgs);
    assert!(out.starts_with("* THREAD (1 2 3 "));
    assert!(out.ends_with(" 100000)\r\n"));
}

/// The numbers a `* THREAD` line holds, in order.
fn numbers(line: &str) -> Vec<u32> {
    line.trim_start_matches("* THREAD")
        .split(|c: char| !c.is_ascii_digit())
        .filter(|t| !t.is_empty())
        .map(|t| t.parse().unwrap())
        .collect()
}

proptest! {
    /// Whatever the References (loops, self-references, duplicates, missing parents),
    /// THREAD lists every message exactly once and its parentheses balance.
    #[test]
    fn every_message_exactly_once(
        rows in proptest::collection::vec(
            (0u8..8, proptest::collection::vec(0u8..10, 0..4), 0u8..3, 0i64..4),
            0..30,
        ),
    ) {
        let msgs: Vec<Fields> = rows
            .iter()
            .enumerate()
            .map(|(i, (id, rs, subj, date))| {
                let refs: Vec<String> = rs.iter().map(|r| format!("<{r}@x>")).collect();
                let subject = ["", "s", "Re: s"][*subj as usize];
                m(i as u32 + 1, *date, &format!("{id}@x"), &refs.join(" "), subject)
            })
            .collect();
        let want: Vec<u32> = (1..=msgs.len() as u32).collect();
        for f in [references(&msgs), ordered_subject(&msgs)] {
            let out = line(&f, &msgs);
            let mut got = numbers(&out);
            got.sort_unstable();
            prop_assert_eq!(&got, &want, "{}", out);
            let opens = out.matches('(').count();
            prop_assert_eq!(opens, out.matches(')').count());
            prop_assert!(!out.contains("()"), "{}", out);
        }
    }
}
