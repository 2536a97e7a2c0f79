//! The header policy as the session applies it: spoofed trace/authentication fields removed
//! on every service, the header `From:` checked and `Date:`/`Message-ID:` added on submission.

use super::*;

fn submission_as_alice() -> T {
    let mut t = T::new(Service::Submissions);
    t.s.tls_started("TLSv1.3", "X");
    t.r("EHLO c\r\nAUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAc2VjcmV0\r\n");
    assert!(t.r("MAIL FROM:<alice@local.test>\r\n").starts_with("250"));
    assert!(t.r("RCPT TO:<bob@local.test>\r\n").starts_with("250"));
    assert!(t.r("DATA\r\n").starts_with("354"));
    t
}

#[test]
fn header_from_must_be_the_users() {
    for (msg, ok) in [
        ("From: alice@local.test\r\n", true),
        ("From: Alice <ALICE@local.test>, alias@local.test\r\n", true),
        ("From: boss@local.test\r\n", false),
        ("From: alice@local.test, boss@local.test\r\n", false),
        ("From: \"alice@local.test\" <boss@local.test>\r\n", false),
        (
            "From: alice@local.test\r\nSender: boss@local.test\r\n",
            false,
        ),
        ("From: alice@local.test\r\nFrom: boss@local.test\r\n", false),
        ("From: undisclosed:;\r\n", false),
        ("Subject: no from\r\n", false),
    ] {
        let mut t = submission_as_alice();
        let r = t.r(&format!("{msg}Subject: s\r\n\r\nbody\r\n.\r\n"));
        if ok {
            assert!(r.starts_with("250 2.0.0"), "{msg}: {r}");
        } else {
            assert!(r.starts_with("553 5.7.1"), "{msg}: {r}");
            assert_eq!(t.committed(), 0);
        }
        if r.contains("does not belong") {
            assert!(r.contains("allowed: alice@local.test"), "{r}");
        }
    }
}

#[test]
fn allow_any_sender_also_covers_the_header() {
    let mut c = cfg(Service::Submissions);
    c.allow_any_sender = true;
    let mut t = T::with(c, false);
    t.s.tls_started("TLSv1.3", "X");
    t.r("EHLO c\r\nAUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAc2VjcmV0\r\n");
    t.r("MAIL FROM:<alice@local.test>\r\nRCPT TO:<bob@local.test>\r\nDATA\r\n");
    assert!(
        t.r("From: boss@local.test\r\n\r\nx\r\n.\r\n")
            .starts_with("250 2.0.0")
    );
}

#[test]
fn submission_adds_date_and_message_id_port_25_does_not() {
    let mut t = submission_as_alice();
    assert!(
        t.r("From: alice@local.test\r\nReturn-Path: <x@y>\r\n\r\nbody\r\n.\r\n")
            .starts_with("250")
    );
    let body = String::from_utf8(t.body(0)).unwrap();
    assert!(
        body.contains("\r\nDate: ") && body.contains("\r\nMessage-ID: <"),
        "{body}"
    );
    assert!(!body.contains("Return-Path"), "{body}");
    let size = t.store.lock().unwrap().committed[0].0.size;
    assert_eq!(size, body.len() as u64, "size is what was stored");

    let mut t = T::new(Service::Mx);
    t.r("EHLO c\r\nMAIL FROM:<x@far.example>\r\nRCPT TO:<bob@local.test>\r\nDATA\r\n");
    let msg = "Return-Path: <x@y>\r\nAuthentication-Results: MX.LOCAL.TEST; spf=pass\r\n\
Authentication-Results: other.example; spf=pass\r\nSubject: s\r\n\r\nbody\r\n";
    assert!(t.r(&format!("{msg}.\r\n")).starts_with("250"));
    let body = String::from_utf8(t.body(0)).unwrap();
    assert!(
        body.ends_with(
            "Authentication-Results: other.example; spf=pass\r\nSubject: s\r\n\r\nbody\r\n"
        ),
        "{body}"
    );
    assert!(!body.contains("Return-Path") && !body.contains("MX.LOCAL") && !body.contains("Date:"));
}
