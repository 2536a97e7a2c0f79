//! SMTP smuggling (issue 15 point 1): after `354`, whatever the content holds (fake end
//! markers, bare CR/LF, commands, junk) and however it is cut into reads, the session reads
//! it all as one message up to the real `<CRLF>.<CRLF>`: at most one message is stored, it
//! has the envelope given before DATA, and no command inside the content gets a reply.

use super::*;
use proptest::prelude::*;

/// Pieces a smuggler puts in DATA: near-miss terminators, commands, junk.
fn piece() -> impl Strategy<Value = Vec<u8>> {
    let fixed: Vec<&'static str> = vec![
        "\r\n.\r\r\n",
        "\r\r\n.\r\r\n",
        "\n.\n",
        "\r.\r",
        "\n.\r\n",
        "\r\n.\n",
        "\r\n.\r",
        "\n.\r",
        "\r\n.",
        ".\r\n",
        "\r",
        "\n",
        ".",
        "\r\n",
        "MAIL FROM:<ceo@local.test>\r\n",
        "RCPT TO:<bob@local.test>\r\n",
        "DATA\r\n",
        "BDAT 4 LAST\r\n",
        "RSET\r\n",
        "QUIT\r\n",
        "STARTTLS\r\n",
    ];
    prop_oneof![
        4 => proptest::sample::select(fixed).prop_map(|s| s.as_bytes().to_vec()),
        1 => "[ -~]{0,30}".prop_map(String::into_bytes),
        1 => proptest::collection::vec(any::<u8>(), 0..6),
    ]
}

/// The content, ending in CRLF and free of any real `<CRLF>.<CRLF>` (counting the DATA
/// command's CRLF).
fn content(pieces: &[Vec<u8>]) -> Vec<u8> {
    let mut c = b"\r\n".to_vec();
    for p in pieces {
        c.extend_from_slice(p);
    }
    if !c.ends_with(b"\r\n") {
        c.extend_from_slice(b"\r\n");
    }
    while let Some(i) = memchr::memmem::find(&c, b"\r\n.\r\n") {
        c.insert(i + 2, b'.');
    }
    c.split_off(2)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]
    #[test]
    fn nothing_after_354_is_a_command_until_the_real_end(
        pieces in proptest::collection::vec(piece(), 0..24),
        cuts in proptest::collection::vec(1usize..40, 1..12),
    ) {
        let mut t = T::new(Service::Mx);
        let head = t.r("EHLO c\r\nMAIL FROM:<x@remote.example>\r\nRCPT TO:<alice@local.test>\r\nDATA\r\n");
        prop_assert!(head.ends_with("354 End data with <CR><LF>.<CR><LF>\r\n"));
        let mut wire = content(&pieces);
        // The real end and a command after it, which must be the only one answered.
        wire.extend_from_slice(b".\r\nNOOP\r\n");
        let mut replies = String::new();
        let mut rest = &wire[..];
        let mut i = 0;
        while !rest.is_empty() {
            let n = cuts[i % cuts.len()].min(rest.len());
            let (r, ev) = t.send_bytes(&rest[..n]);
            replies += &r;
            prop_assert_eq!(ev, None, "an event inside DATA: {}", replies);
            rest = &rest[n..];
            i += 1;
        }
        let lines: Vec<&str> = replies.split_terminator("\r\n").collect();
        prop_assert_eq!(lines.len(), 2, "{}", replies);
        prop_assert!(lines[1] == "250 2.0.0 Ok", "{}", replies);
        let store = t.store.lock().unwrap();
        prop_assert!(store.committed.len() <= 1);
        if let Some((env, _)) = store.committed.first() {
            prop_assert!(lines[0].starts_with("250 2.0.0 Ok: queued"), "{}", replies);
            prop_assert_eq!(env.mail_from.as_ref().map(|a| a.to_string()), Some("x@remote.example".to_string()));
            prop_assert_eq!(env.recipients.len(), 1);
        }
    }
}
