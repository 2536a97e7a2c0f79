//! Issue 15 points 6-10 on the sans-IO session: CRLF-only command lines, STARTTLS and AUTH
//! ordering, the failed-AUTH limit and delay, syntax reply codes, over-long lines.

use std::time::Duration;

use super::*;
use proptest::prelude::*;

const PLAIN_WRONG: &str = "AUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAd3Jvbmc=\r\n";

fn submission_after_tls() -> T {
    let mut t = T::new(Service::Submission);
    t.s.tls_started("TLSv1.3", "X");
    t
}

#[test]
fn bare_lf_or_cr_never_ends_a_command() {
    for line in [
        "NOOP\n",
        "NOOP\r\r\n",
        "NOOP\rRSET\r\n",
        "NO\nOP\r\n",
        "\n",
        "RSET\n\r\n",
    ] {
        let mut t = T::new(Service::Mx);
        t.r("EHLO c\r\n");
        let out = t.r(line);
        assert!(
            out.starts_with("500 5.5.2 Bare <CR> or <LF>"),
            "{line:?}: {out}"
        );
        assert!(!out.contains("250"), "{line:?}: {out}");
    }
    // The session is in step afterwards.
    let mut t = T::new(Service::Mx);
    assert_eq!(
        codes(&t.r("EHLO c\nEHLO c\r\nMAIL FROM:<>\nRCPT TO:<alice@local.test>\r\n")),
        ["500", "250", "500", "503"]
    );
    // A SASL response line too.
    let mut t = submission_after_tls();
    t.r("EHLO c\r\nAUTH LOGIN\r\n");
    assert!(t.r("YWxpY2VAbG9jYWwudGVzdA==\n").starts_with("500 5.5.2"));
    assert!(t.r("NOOP\r\n").starts_with("250"));
}

#[test]
fn starttls_inside_a_transaction_or_with_parameters() {
    let mut t = T::new(Service::Mx);
    t.r("EHLO c\r\n");
    assert!(t.r("STARTTLS now\r\n").starts_with("501 5.5.4"));
    t.r("MAIL FROM:<x@r.example>\r\n");
    let (out, ev) = t.send("STARTTLS\r\n");
    assert!(out.starts_with("503 5.5.1"), "{out}");
    assert_eq!(ev, None);
    // After a BDAT chunk too (the transaction holds content).
    t.r("RSET\r\nMAIL FROM:<x@r.example>\r\nRCPT TO:<alice@local.test>\r\nBDAT 3\r\nabc");
    assert!(t.r("STARTTLS\r\n").starts_with("503 5.5.1"));
    let (out, ev) = t.send("RSET\r\nSTARTTLS\r\n");
    assert!(out.ends_with("220 2.0.0 Ready to start TLS\r\n"), "{out}");
    assert_eq!(ev, Some(Event::StartTls));
}

#[test]
fn auth_after_starttls_needs_a_new_ehlo() {
    let mut t = T::new(Service::Submission);
    t.r("EHLO c\r\n");
    assert_eq!(t.send("STARTTLS\r\n").1, Some(Event::StartTls));
    t.s.tls_started("TLSv1.3", "X");
    let out = t.r("AUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAc2VjcmV0\r\n");
    assert!(out.starts_with("503 5.5.1"), "{out}");
    assert!(t.s.auth_user().is_none());
    t.r("EHLO c\r\n");
    assert!(
        t.r("AUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAc2VjcmV0\r\n")
            .starts_with("235")
    );
    // HELO does not bring AUTH either.
    let mut t = submission_after_tls();
    t.r("HELO c\r\n");
    assert!(t.r(PLAIN_WRONG).starts_with("503 5.5.1"));
}

#[test]
fn failed_auth_is_delayed_more_each_time_and_the_third_closes() {
    let mut t = submission_after_tls();
    t.r("EHLO c\r\n");
    assert_eq!(t.s.take_delay(), None);
    let mut delays = Vec::new();
    for i in 1..=3 {
        let (out, ev) = t.send(PLAIN_WRONG);
        delays.push(t.s.take_delay().unwrap_or_default());
        if i < 3 {
            assert_eq!(out, "535 5.7.8 Authentication credentials invalid\r\n");
            assert_eq!(ev, None);
        } else {
            assert!(out.starts_with("421 4.7.0 "), "{out}");
            assert_eq!(ev, Some(Event::Close));
        }
    }
    assert!(delays[0] > Duration::ZERO && delays[0] < delays[1] && delays[1] < delays[2]);
    // LOGIN counts the same, and a success does not need a delay.
    let mut t = submission_after_tls();
    t.r("EHLO c\r\nAUTH LOGIN\r\nYWxpY2VAbG9jYWwudGVzdA==\r\n");
    assert!(t.r("d3Jvbmc=\r\n").starts_with("535"));
    assert!(t.s.take_delay().is_some());
    t.r("AUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAc2VjcmV0\r\n");
    assert_eq!(t.s.take_delay(), None);
    assert!(t.s.auth_user().is_some());
}

#[test]
fn helo_argument_syntax() {
    for bad in [
        "[127.0.0.1",
        "127.0.0.1]",
        "[999.1.1.1]",
        "[IPv6:::g]",
        "a..b",
        ".a",
        "a b;c",
        "<x>",
    ] {
        let mut t = T::new(Service::Mx);
        let out = t.r(&format!("HELO {bad}\r\n"));
        assert!(out.starts_with("501"), "{bad}: {out}");
        assert!(t.r("MAIL FROM:<>\r\n").starts_with("503"), "{bad}");
    }
    for good in [
        "c",
        "mail.example.org",
        "mail.example.org.",
        "my_host",
        "[192.0.2.1]",
        "[IPv6:2001:db8::1]",
        "bücher.example",
    ] {
        let mut t = T::new(Service::Mx);
        assert!(
            t.r(&format!("EHLO {good}\r\n")).starts_with("250"),
            "{good}"
        );
    }
}

#[test]
fn mail_parameters_are_checked() {
    for params in [
        "SIZE=10 SIZE=20",
        "SIZE=99999999999999999999999",
        "SIZE=1x",
        "SIZE=",
        "BODY=8BITMIME body=8BITMIME",
    ] {
        let mut t = T::new(Service::Mx);
        let out = t.r(&format!("EHLO c\r\nMAIL FROM:<x@r.example> {params}\r\n"));
        assert!(
            out.ends_with("\r\n501 5.5.4 ") || out.contains("\r\n501 5.5.4"),
            "{params}: {out}"
        );
        assert!(
            t.r("RCPT TO:<alice@local.test>\r\n").starts_with("503"),
            "{params}"
        );
    }
    let mut t = T::new(Service::Mx);
    assert!(
        t.r("HELO c\r\nMAIL FROM:<x@r.example> SIZE=10\r\n")
            .ends_with("\r\n555 5.5.4 ESMTP parameters need EHLO, not HELO\r\n")
    );
    assert!(t.r("MAIL FROM:<x@r.example>\r\n").starts_with("250"));
    assert!(
        t.r("RCPT TO:<alice@local.test> NOTIFY=NEVER\r\n")
            .starts_with("555 5.5.4")
    );
    let mut t = T::new(Service::Mx);
    assert!(
        t.r("EHLO c\r\nMAIL FROM:<x@r.example> SIZE=100 BODY=8BITMIME\r\n")
            .ends_with("\r\n250 2.1.0 Ok\r\n")
    );
}

#[test]
fn a_line_far_over_the_limit_closes() {
    let mut t = T::new(Service::Mx);
    let mut closed = None;
    for _ in 0..20 {
        let (out, ev) = t.send(&"a".repeat(512));
        if ev.is_some() {
            closed = Some((out, ev));
            break;
        }
        assert_eq!(out, "");
    }
    let (out, ev) = closed.expect("closed");
    assert!(out.starts_with("500 5.5.2 Line too long"), "{out}");
    assert_eq!(ev, Some(Event::Close));
    // Somewhat over, with its CRLF: an error, and the session goes on.
    let mut t = T::new(Service::Mx);
    let (out, ev) = t.send(&format!("NOOP {}\r\nNOOP\r\n", "a".repeat(1000)));
    assert_eq!(ev, None);
    assert_eq!(codes(&out), ["500", "250"]);
}

#[test]
fn lines_done_counts_each_complete_line() {
    let mut t = T::new(Service::Mx);
    t.r("EHLO c\r\nNO");
    assert_eq!(t.s.lines_done(), 1);
    t.r("OP\r\nMAIL FROM:<>\r\nRCPT TO:<alice@local.test>\r\nDATA\r\nabc");
    assert_eq!(t.s.lines_done(), 5);
    assert!(t.s.in_content());
    t.r("\r\n.\r\n");
    assert!(!t.s.in_content());
}

/// Recipient paths that are not a well-formed address in someone else's domain.
fn garbage_path() -> impl Strategy<Value = String> {
    let junk = "[a-z0-9%!\"\\\\$\\{\\}:;,()@\\[\\]. +=#'-]{0,20}";
    let literal = "[0-9.:a-fA-FIPv6\\[]{0,20}";
    prop_oneof![
        junk.prop_map(|j| format!("<{j}@local.test>")),
        (junk, literal).prop_map(|(j, l)| format!("<{j}@[{l}]>")),
        (junk, literal).prop_map(|(j, l)| format!("<{j}@[{l}>")),
        junk.prop_map(|j| format!("<{j}>")),
        junk.prop_map(|j| format!("<${{{j}}}@local.test>")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn address_garbage_is_never_relay_denied(path in garbage_path(), params in "( [A-Za-z]{1,6}(=[ -~&&[^ ]]{0,8})?){0,3}") {
        let mut t = T::new(Service::Mx);
        t.r("EHLO c\r\nMAIL FROM:<x@r.example>\r\n");
        let out = t.r(&format!("RCPT TO:{path}{params}\r\n"));
        prop_assert!(!out.starts_with("554"), "{path}{params}: {out}");
        let mut t = T::new(Service::Mx);
        t.r("EHLO c\r\n");
        let out = t.r(&format!("MAIL FROM:{path}{params}\r\n"));
        prop_assert!(!out.starts_with("554"), "{path}{params}: {out}");
    }

    #[test]
    fn size_garbage_is_501(value in "[0-9]{21,30}|[0-9]{0,5}[!-~&&[^0-9]][!-~]{0,5}", twice in any::<bool>()) {
        let mut t = T::new(Service::Mx);
        t.r("EHLO c\r\n");
        let extra = if twice { " SIZE=1" } else { "" };
        let out = t.r(&format!("MAIL FROM:<x@r.example> SIZE={value}{extra}\r\n"));
        prop_assert!(out.starts_with("501 5.5.4"), "{value}: {out}");
    }

    #[test]
    fn a_command_line_with_a_bare_cr_or_lf_is_never_run(
        before in "[ -~]{0,20}", after in "[ -~]{0,20}", bare in prop_oneof![Just("\r"), Just("\n")],
        cuts in proptest::collection::vec(1usize..9, 1..6),
    ) {
        // RSET would answer 250; nothing before the CRLF may.
        let line = format!("RSET{before}{bare}{after}\r\n");
        prop_assume!(!(bare == "\r" && after.is_empty()));
        let mut t = T::new(Service::Mx);
        t.r("EHLO c\r\n");
        let mut replies = String::new();
        let mut rest = line.as_bytes();
        let mut i = 0;
        while !rest.is_empty() {
            let n = cuts[i % cuts.len()].min(rest.len());
            replies += &t.send_bytes(&rest[..n]).0;
            rest = &rest[n..];
            i += 1;
        }
        prop_assert!(!replies.contains("250"), "{:?}: {}", line, replies);
        prop_assert!(replies.contains("500 5.5.2 Bare"), "{:?}: {}", line, replies);
    }
}
