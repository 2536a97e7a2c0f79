//! Keys on the file: decoded header text, header presence, decoded bodies, TEXT.

use super::*;
use crate::imap::command::SearchKey as K;

const ENCODED: &str = "From: =?UTF-8?B?SsO2cmcgTcO8bGxlcg==?= <jm@example.de>\r\n\
To: Friends: a@x.org, b@y.org;\r\n\
Cc: Carol <carol@example.net>\r\n\
Bcc: dave@example.net\r\n\
Subject: =?ISO-8859-1?Q?Caf=E9_cr=E8me?=\r\n\
X-Spam-Flag: YES\r\n\
MIME-Version: 1.0\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
R3LDvMOfZSBhdXMgS8O2bG4sIHRoZSBORUVETEUgaXMgaGVyZS4NCg==\r\n";

const QP_LATIN1: &str = "From: someone@example.org\n\
Subject: a very\n long subject\n\
Content-Type: text/plain; charset=iso-8859-1\n\
Content-Transfer-Encoding: quoted-printable\n\
\n\
Sch=F6ne Gr=FC=DFe, soft=\n\
break here\n";

const MULTIPART: &str = "From: x@example.org\r\n\
Subject: parts\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b1\"\r\n\
\r\n\
--b1\r\n\
Content-Type: multipart/alternative; boundary=\"b2\"\r\n\
\r\n\
--b2\r\n\
Content-Type: text/plain\r\n\
\r\n\
plain words\r\n\
--b2\r\n\
Content-Type: text/html\r\n\
\r\n\
<p><b>bold</b> words</p>\r\n\
--b2--\r\n\
--b1\r\n\
Content-Type: application/octet-stream\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
c2VjcmV0bmVlZGxlIGluIGEgYmluYXJ5\r\n\
--b1\r\n\
Content-Type: message/rfc822\r\n\
\r\n\
From: inner@example.org\r\n\
Subject: inner subject\r\n\
\r\n\
inner body text\r\n\
--b1--\r\n";

fn mailbox() -> Vec<Msg> {
    vec![
        Msg::new(PLAIN),
        Msg::new(ENCODED),
        Msg::new(QP_LATIN1),
        Msg::new(MULTIPART),
    ]
}

fn s(x: &str) -> String {
    x.to_string()
}

#[test]
fn address_keys_see_display_names_decoded_and_addresses() {
    let m = mailbox();
    assert_eq!(run(&K::From(s("joe bloggs")), &m), [1]);
    assert_eq!(run(&K::From(s("<joe@EXAMPLE.org>")), &m), [1]);
    assert_eq!(run(&K::From(s("JÖRG MÜLLER")), &m), [2]);
    assert_eq!(run(&K::From(s("jm@example.de")), &m), [2]);
    assert_eq!(run(&K::From(s("=?UTF-8?")), &m), Vec::<u32>::new());
    assert_eq!(run(&K::To(s("friends")), &m), [2]);
    assert_eq!(run(&K::To(s("b@y.org")), &m), [2]);
    assert_eq!(run(&K::To(s("ann@")), &m), [1]);
    assert_eq!(run(&K::Cc(s("carol <carol")), &m), [2]);
    assert_eq!(run(&K::Bcc(s("dave")), &m), [2]);
    assert_eq!(run(&K::Bcc(s("joe")), &m), Vec::<u32>::new());
}

#[test]
fn subjects_are_rfc2047_decoded_unfolded_and_unicode_case_folded() {
    let m = mailbox();
    assert_eq!(run(&K::Subject(s("CAFÉ CRÈME")), &m), [2]);
    assert_eq!(run(&K::Subject(s("lunch")), &m), [1]);
    assert_eq!(run(&K::Subject(s("very long")), &m), [3]);
    assert_eq!(run(&K::Subject(s("inner")), &m), Vec::<u32>::new());
    // An empty string asks for the header: every message here has a Subject.
    assert_eq!(run(&K::Subject(s("")), &m), [1, 2, 3, 4]);
    assert_eq!(run(&K::Cc(s("")), &m), [2]);
}

#[test]
fn header_key_matches_any_field_and_empty_means_present() {
    let m = mailbox();
    assert_eq!(run(&K::Header(s("x-spam-flag"), s("")), &m), [2]);
    assert_eq!(run(&K::Header(s("X-SPAM-FLAG"), s("yes")), &m), [2]);
    assert_eq!(
        run(&K::Header(s("X-Spam-Flag"), s("no")), &m),
        Vec::<u32>::new()
    );
    assert_eq!(run(&K::Header(s("Received"), s("")), &m), Vec::<u32>::new());
    assert_eq!(run(&K::Header(s("subject"), s("café")), &m), [2]);
    assert_eq!(
        run(&K::Header(s("Content-Type"), s("multipart/mixed")), &m),
        [4]
    );
    assert_eq!(run(&K::Header(s("Date"), s("10 Mar 2024")), &m), [1]);
    // A header is not found in the body, nor a body line in the header.
    assert_eq!(
        run(&K::Header(s("From"), s("inner@")), &m),
        Vec::<u32>::new()
    );
}

#[test]
fn body_is_the_decoded_text_of_text_parts() {
    let m = mailbox();
    // base64, UTF-8
    assert_eq!(run(&K::Body(s("grüße aus köln")), &m), [2]);
    assert_eq!(run(&K::Body(s("needle")), &m), [2]);
    // quoted-printable, Latin-1, with a soft line break
    assert_eq!(run(&K::Body(s("SCHÖNE GRÜßE")), &m), [3]);
    assert_eq!(run(&K::Body(s("softbreak here")), &m), [3]);
    assert_eq!(run(&K::Body(s("=FC")), &m), Vec::<u32>::new());
    // text/plain and text/html alternatives; never an application/* part
    assert_eq!(run(&K::Body(s("plain words")), &m), [4]);
    assert_eq!(run(&K::Body(s("<b>bold</b>")), &m), [4]);
    assert_eq!(run(&K::Body(s("secretneedle")), &m), Vec::<u32>::new());
    // a forwarded message is body, its header included
    assert_eq!(run(&K::Body(s("inner body text")), &m), [4]);
    assert_eq!(run(&K::Body(s("inner subject")), &m), [4]);
    // the outer header is not body
    assert_eq!(run(&K::Body(s("lunch")), &m), Vec::<u32>::new());
    assert_eq!(run(&K::Body(s("noon")), &m), [1]);
    assert_eq!(run(&K::Body(s("")), &m), [1, 2, 3, 4]);
}

#[test]
fn text_is_header_or_body() {
    let m = mailbox();
    assert_eq!(run(&K::Text(s("lunch")), &m), [1]);
    assert_eq!(run(&K::Text(s("NOON")), &m), [1]);
    assert_eq!(run(&K::Text(s("x-spam-flag: yes")), &m), [2]);
    assert_eq!(run(&K::Text(s("café")), &m), [2]);
    assert_eq!(run(&K::Text(s("inner@example.org")), &m), [4]);
    assert_eq!(run(&K::Text(s("nowhere")), &m), Vec::<u32>::new());
}

#[test]
fn lf_and_crlf_files_search_alike() {
    let lf = PLAIN.replace("\r\n", "\n");
    let m = vec![Msg::new(PLAIN), Msg::new(&lf)];
    assert_eq!(run(&K::Subject(s("lunch plans")), &m), [1, 2]);
    assert_eq!(run(&K::Body(s("shall we meet")), &m), [1, 2]);
    assert_eq!(run(&K::SentOn(day(2024, 3, 10)), &m), [1, 2]);
}

#[test]
fn a_file_without_a_header_is_all_body() {
    let m = vec![
        Msg::new("\r\nno header here, just a needle\r\n"),
        Msg::new(""),
    ];
    assert_eq!(run(&K::Body(s("needle")), &m), [1]);
    assert_eq!(run(&K::Text(s("just a")), &m), [1]);
    assert_eq!(run(&K::From(s("")), &m), Vec::<u32>::new());
}

#[test]
fn file_keys_combine_with_metadata_keys() {
    let mut m = mailbox();
    m[1].flags = crate::imap::flags::Flags::from_maildir("S", "");
    let key = K::And(vec![
        K::Unseen,
        K::Or(b(K::Body(s("needle"))), b(K::Subject(s("parts")))),
    ]);
    assert_eq!(run(&key, &m), [4]);
    let key = K::Or(b(K::Seen), b(K::Not(b(K::Text(s("example.org"))))));
    assert_eq!(run(&key, &m), [2]);
}

#[test]
fn headers_only_parse_is_enough_for_header_keys() {
    // A header query handed only the header bytes decides the same.
    let q = Query::new(&K::And(vec![
        K::From(s("joe")),
        K::SentOn(day(2024, 3, 10)),
    ]));
    let m = Msg::new(PLAIN);
    let cut = PLAIN.find("\r\n\r\n").map(|i| i + 4).unwrap_or(PLAIN.len());
    let cx = ctx(1, &[], 0);
    assert!(q.matches(&candidate(0, &m), &cx, Some(&PLAIN.as_bytes()[..cut])));
}
