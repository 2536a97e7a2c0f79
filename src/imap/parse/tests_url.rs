//! IMAP URL parsing (RFC 5092) for CATENATE, including hostile URLs.

use super::url::parse_url;
use crate::imap::command::{Section, SectionText};

#[test]
fn relative_urls_with_uidvalidity_section_and_partial() {
    let u = parse_url("/INBOX;UIDVALIDITY=7/;UID=3/;SECTION=1.MIME/;PARTIAL=5.10").unwrap();
    assert_eq!(u.mailbox, "INBOX");
    assert_eq!((u.uidvalidity, u.uid), (Some(7), 3));
    assert_eq!(
        u.section,
        Some(Section {
            part: vec![1],
            text: Some(SectionText::Mime)
        })
    );
    assert_eq!(u.partial, Some((5, Some(10))));
    let u = parse_url("/a%20b/c/;uid=9/;section=header.fields%20(subject)").unwrap();
    assert_eq!((u.mailbox.as_str(), u.uid), ("a b/c", 9));
    assert_eq!(
        u.section.unwrap().text,
        Some(SectionText::HeaderFields(vec!["subject".into()]))
    );
    let u = parse_url("/Sent/;UID=1/;PARTIAL=100000").unwrap();
    assert_eq!((u.section, u.partial), (None, Some((100000, None))));
    // Percent-encoded UTF-8 mailbox names (RFC 5092 §3.3).
    assert_eq!(parse_url("/%C3%A9t%C3%A9/;UID=1").unwrap().mailbox, "été");
}

#[test]
fn absolute_urls_carry_user_and_host_for_the_session_to_judge() {
    let u =
        parse_url("imap://alice%40example.test;AUTH=*@Mail.Example.test:143/INBOX/;UID=2").unwrap();
    assert_eq!(
        u.authority,
        Some(("alice@example.test".into(), "mail.example.test".into()))
    );
    assert_eq!((u.mailbox.as_str(), u.uid), ("INBOX", 2));
}

#[test]
fn hostile_urls_are_refused() {
    for bad in [
        "",
        "INBOX/;UID=1",
        "/INBOX",
        "/INBOX/;UID=0",
        "/INBOX/;UID=-1",
        "/INBOX/;UID=+1",
        "/INBOX/;UID=99999999999999999999",
        "/INBOX;UIDVALIDITY=x/;UID=1",
        "/;UID=1",
        "/INBOX/;UID=1/;SECTION=1.2.",
        "/INBOX/;UID=1/;SECTION=%zz",
        "/INBOX/;UID=1/;SECTION=HEADER]x",
        "/INBOX/;UID=1/;PARTIAL=1.",
        "/INBOX/;UID=1/;PARTIAL=1.2.3",
        "/INBOX/;UID=1/;EXPIRE=2030-01-01T00:00:00Z/;URLAUTH=anonymous",
        "/INBOX/;UID=1/;FOO=1",
        "/INBOX/;UID=1/;SECTION=1/;SECTION=2",
        "/%ff%fe/;UID=1",
        "/INBOX%/;UID=1",
        "imap://host/INBOX/;UID=1",
        "imap://@host/INBOX/;UID=1",
        "imap://bob;AUTH=foo;x@host/INBOX/;UID=1",
        "imap://bob@host:99999/INBOX/;UID=1",
        "imap://bob@host",
    ] {
        assert!(
            parse_url(bad).is_err(),
            "{bad:?} accepted: {:?}",
            parse_url(bad)
        );
    }
    assert!(parse_url(&format!("/{}/;UID=1", "a".repeat(5000))).is_err());
}

proptest::proptest! {
    /// Whatever the bytes, parsing answers (no panic, no hang).
    #[test]
    fn any_url_parses_or_is_refused(s in "\\PC{0,80}") {
        let _ = parse_url(&s);
        let _ = parse_url(&format!("/INBOX/;UID=1/;SECTION={s}"));
        let _ = parse_url(&format!("imap://{s}/INBOX/;UID=1"));
    }
}
