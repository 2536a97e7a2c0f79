//! Property tests: the parser never panics, framing does not depend on how the input is
//! split, and resolved sequence sets are sorted and merged.

use proptest::prelude::*;

use super::{Frame, Framer, Limits, parse_command};
use crate::imap::command::{SeqNum, SequenceSet};

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
