//! Property tests: arbitrary input never panics; DATA and BDAT round-trip in any chunking.

use super::*;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn arbitrary_bytes_never_panic(chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 0..8)) {
        let mut t = T::new(Service::Submission);
        for c in &chunks {
            let mut out = Vec::new();
            if t.s.feed(c, &mut out).is_some() { break; }
        }
    }

    #[test]
    fn data_roundtrips_through_dot_stuffing_in_any_chunking(
        lines in proptest::collection::vec("[.]{0,2}[ -~]{0,60}", 0..30),
        cuts in proptest::collection::vec(1usize..50, 1..20),
    ) {
        let original: String = lines.iter().map(|l| format!("{l}\r\n")).collect();
        // What a client sends: every line starting with '.' gets one more.
        let stuffed: String = lines.iter().map(|l| if l.starts_with('.') { format!(".{l}\r\n") } else { format!("{l}\r\n") }).collect();
        let wire = format!("EHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<alice@local.test>\r\nDATA\r\n{stuffed}.\r\n");
        let mut t = T::new(Service::Mx);
        let mut rest = wire.as_bytes();
        let mut i = 0;
        while !rest.is_empty() {
            let n = cuts[i % cuts.len()].min(rest.len());
            t.send_bytes(&rest[..n]);
            rest = &rest[n..];
            i += 1;
        }
        prop_assert_eq!(t.committed(), 1);
        let body = t.body(0);
        prop_assert!(body.ends_with(original.as_bytes()), "{:?}", String::from_utf8_lossy(&body));
    }

    #[test]
    fn bdat_roundtrips_in_any_chunking(
        lines in proptest::collection::vec("[ -~]{0,60}", 0..30),
        sizes in proptest::collection::vec(0usize..200, 1..6),
        cuts in proptest::collection::vec(1usize..70, 1..20),
    ) {
        let content: String = lines.iter().map(|l| format!("{l}\r\n")).collect();
        let mut wire = b"EHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<alice@local.test>\r\n".to_vec();
        let mut rest = content.as_bytes();
        for (i, &sz) in sizes.iter().enumerate() {
            let n = if i + 1 == sizes.len() { rest.len() } else { sz.min(rest.len()) };
            let last = if i + 1 == sizes.len() { " LAST" } else { "" };
            wire.extend_from_slice(format!("BDAT {n}{last}\r\n").as_bytes());
            wire.extend_from_slice(&rest[..n]);
            rest = &rest[n..];
        }
        let mut t = T::new(Service::Mx);
        let mut replies = String::new();
        let mut w = &wire[..];
        let mut i = 0;
        while !w.is_empty() {
            let n = cuts[i % cuts.len()].min(w.len());
            replies += &t.send_bytes(&w[..n]).0;
            w = &w[n..];
            i += 1;
        }
        prop_assert_eq!(t.committed(), 1, "{}", replies);
        prop_assert!(t.body(0).ends_with(content.as_bytes()));
        prop_assert!(replies.ends_with("250 2.0.0 Ok: queued as QID1\r\n"), "{}", replies);
    }

    #[test]
    fn command_soup_never_panics(cmds in proptest::collection::vec(prop_oneof![
        Just("EHLO c\r\n".to_string()), Just("MAIL FROM:<>\r\n".to_string()),
        Just("RCPT TO:<alice@local.test>\r\n".to_string()), Just("DATA\r\n".to_string()),
        Just(".\r\n".to_string()), Just("BDAT 3\r\n".to_string()), Just("BDAT 0 LAST\r\n".to_string()),
        Just("RSET\r\n".to_string()), Just("AUTH LOGIN\r\n".to_string()), "[ -~]{0,40}\r\n",
    ], 0..40)) {
        let mut t = T::new(Service::Mx);
        for c in &cmds {
            let mut out = Vec::new();
            if t.s.feed(c.as_bytes(), &mut out).is_some() { break; }
            // Every reply line is well-formed.
            for line in String::from_utf8_lossy(&out).split_terminator("\r\n") {
                prop_assert!(line.len() >= 3 && line[..3].bytes().all(|b| b.is_ascii_digit()), "{line:?}");
            }
        }
    }
}
