//! Property tests: the parser never panics, framing does not depend on how the input is
//! split, resolved sequence sets are sorted and merged, and rendered search-key trees parse
//! back to themselves.

use proptest::prelude::*;

use super::{Frame, Framer, Limits, parse_command};
use crate::imap::command::{SearchKey, SeqNum, SequenceSet};

fn frames(limits: Limits, chunks: &[&[u8]]) -> Vec<Frame> {
    let mut f = Framer::new(limits);
    let mut out = Vec::new();
    for c in chunks {
        f.push(c);
        while let Some(x) = f.next() {
            out.push(x);
        }
    }
    out
}

/// Bytes that look like IMAP often enough to reach deep into the grammar.
fn imapish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(&b"A1 "[..]),
        Just(&b"UID "[..]),
        Just(&b"FETCH 1:* "[..]),
        Just(&b"SEARCH "[..]),
        Just(&b"STORE 1 +FLAGS "[..]),
        Just(&b"LIST "[..]),
        Just(&b"SELECT "[..]),
        Just(&b"APPEND "[..]),
        Just(&b"BODY.PEEK[1.2.HEADER.FIELDS (A)]<0.5>"[..]),
        Just(&b"(QRESYNC (1 2 1:5 (1 2)))"[..]),
        Just(&b"OR NOT ("[..]),
        Just(&b"RETURN (MIN) "[..]),
        Just(&b"{3}\r\n"[..]),
        Just(&b"~{2+}\r\n"[..]),
        Just(&b"\"q\\\"\" "[..]),
        Just(&b" "[..]),
        Just(&b")"[..]),
        Just(&b"\\Seen"[..]),
        Just(&b"*"[..]),
        Just(&b"$"[..]),
        Just(&b"\" 1-Jan-2000 00:00:00 +0000\""[..]),
        Just(&b"\xc3"[..]),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn parser_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = parse_command(&bytes);
    }

    #[test]
    fn parser_never_panics_on_imapish_input(bytes in imapish()) {
        let _ = parse_command(&bytes);
    }

    #[test]
    fn framing_does_not_depend_on_the_split(
        bytes in prop_oneof![imapish(), prop::collection::vec(any::<u8>(), 0..512)],
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..8),
        small in any::<bool>(),
    ) {
        let limits = if small {
            Limits { max_line: 16, max_literal: 8, max_literal_nonsync: 4, max_command: 48 }
        } else {
            Limits::default()
        };
        let whole = frames(limits, &[&bytes]);
        let mut at: Vec<usize> = cuts.iter().map(|i| i.index(bytes.len() + 1)).collect();
        at.sort_unstable();
        let mut chunks = Vec::new();
        let mut prev = 0;
        for a in at {
            chunks.push(&bytes[prev..a]);
            prev = a;
        }
        chunks.push(&bytes[prev..]);
        prop_assert_eq!(&frames(limits, &chunks), &whole);
        let single: Vec<&[u8]> = bytes.chunks(1).collect();
        prop_assert_eq!(&frames(limits, &single), &whole);
        for f in &whole {
            if let Frame::Line(l) = f {
                let _ = parse_command(l);
            }
        }
    }

    #[test]
    fn resolve_is_sorted_merged_and_matches_contains(
        ranges in prop::collection::vec((0u32..60, 0u32..60), 1..12),
        largest in 1u32..50,
    ) {
        let n = |x: u32| if x == 0 { SeqNum::Star } else { SeqNum::Value(x) };
        let set = SequenceSet {
            ranges: ranges.iter().map(|&(a, b)| (n(a), n(b))).collect(),
            saved: false,
        };
        let r = set.resolve(largest);
        for w in r.windows(2) {
            // Sorted, disjoint and not adjacent (else they would have been merged).
            prop_assert!(w[0].1.saturating_add(1) < w[1].0);
        }
        for x in 0..70 {
            let inside = r.iter().any(|&(a, b)| a <= x && x <= b);
            prop_assert_eq!(inside, set.contains(x, largest));
        }
    }

    #[test]
    fn parsed_sets_round_trip(ranges in prop::collection::vec((1u32..1000, 1u32..1000), 1..20)) {
        let text: Vec<String> = ranges.iter().map(|(a, b)| format!("{a}:{b}")).collect();
        let cmd = format!("A1 COPY {} x", text.join(","));
        let parsed = parse_command(cmd.as_bytes());
        prop_assert!(parsed.is_ok());
    }
}

/// Search keys and their wire form, for the round trip below.
fn search_key() -> impl Strategy<Value = SearchKey> {
    use SearchKey as K;
    let text = "[ -~]{0,12}";
    let date = (1i32..9999, 1u32..13, 1u32..29)
        .prop_map(|(y, m, d)| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default());
    let set = prop::collection::vec((0u32..100, 0u32..100), 1..4).prop_map(|r| {
        let n = |x: u32| {
            if x == 0 {
                SeqNum::Star
            } else {
                SeqNum::Value(x)
            }
        };
        SequenceSet {
            ranges: r.into_iter().map(|(a, b)| (n(a), n(b))).collect(),
            saved: false,
        }
    });
    let leaf = prop_oneof![
        Just(K::All),
        Just(K::Seen),
        Just(K::Unseen),
        Just(K::Deleted),
        Just(K::Recent),
        Just(K::New),
        Just(K::Undraft),
        "[a-zA-Z$]{1,8}".prop_map(K::Keyword),
        text.prop_map(K::Subject),
        text.prop_map(K::Text),
        ("[A-Za-z-]{1,8}", text).prop_map(|(f, v)| K::Header(f, v)),
        date.clone().prop_map(K::Since),
        date.prop_map(K::SentBefore),
        any::<u32>().prop_map(|n| K::Larger(u64::from(n))),
        (1u32..).prop_map(|n| K::Younger(u64::from(n))),
        (0u64..i64::MAX as u64).prop_map(K::ModSeq),
        set.clone().prop_map(K::SequenceSet),
        set.prop_map(K::Uid),
        Just(K::Uid(SequenceSet {
            ranges: vec![],
            saved: true
        })),
    ];
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|k| K::Not(Box::new(k))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| K::Or(Box::new(a), Box::new(b))),
            prop::collection::vec(inner, 2..4).prop_map(K::And),
        ]
    })
}

fn render(k: &SearchKey, out: &mut String) {
    use SearchKey as K;
    let q = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let set = |s: &SequenceSet| {
        if s.saved {
            return "$".to_string();
        }
        let n = |x: SeqNum| match x {
            SeqNum::Star => "*".to_string(),
            SeqNum::Value(v) => v.to_string(),
        };
        let r: Vec<String> = s
            .ranges
            .iter()
            .map(|&(a, b)| format!("{}:{}", n(a), n(b)))
            .collect();
        r.join(",")
    };
    let date = |d: &chrono::NaiveDate| d.format("%-d-%b-%Y").to_string();
    let s = match k {
        K::All => "ALL".into(),
        K::Seen => "SEEN".into(),
        K::Unseen => "unseen".into(),
        K::Deleted => "Deleted".into(),
        K::Recent => "RECENT".into(),
        K::New => "NEW".into(),
        K::Undraft => "UNDRAFT".into(),
        K::Keyword(w) => format!("KEYWORD {w}"),
        K::Subject(t) => format!("SUBJECT {}", q(t)),
        K::Text(t) => format!("TEXT {{{}}}\r\n{t}", t.len()),
        K::Header(f, v) => format!("HEADER {f} {}", q(v)),
        K::Since(d) => format!("SINCE {}", date(d)),
        K::SentBefore(d) => format!("SENTBEFORE \"{}\"", date(d)),
        K::Larger(n) => format!("LARGER {n}"),
        K::Younger(n) => format!("YOUNGER {n}"),
        K::ModSeq(n) => format!("MODSEQ \"/flags/\\\\Seen\" all {n}"),
        K::SequenceSet(s) => set(s),
        K::Uid(s) => format!("UID {}", set(s)),
        K::Not(k) => {
            out.push_str("NOT ");
            return render(k, out);
        }
        K::Or(a, b) => {
            out.push_str("OR ");
            render(a, out);
            out.push(' ');
            return render(b, out);
        }
        K::And(v) => {
            out.push('(');
            for (i, k) in v.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                render(k, out);
            }
            out.push(')');
            return;
        }
        other => unreachable!("not generated: {other:?}"),
    };
    out.push_str(&s);
}

proptest! {
    #[test]
    fn search_keys_round_trip(key in search_key(), uid in any::<bool>()) {
        let mut text = String::from(if uid { "T1 UID SEARCH " } else { "T1 SEARCH " });
        render(&key, &mut text);
        let parsed = parse_command(text.as_bytes());
        prop_assert!(parsed.is_ok(), "{text:?}: {parsed:?}");
        let Ok(cmd) = parsed else { unreachable!() };
        let crate::imap::command::CommandBody::Search { key: got, uid: u, .. } = cmd.body else {
            panic!("not a search")
        };
        prop_assert_eq!(u, uid);
        prop_assert_eq!(got, key);
    }
}
