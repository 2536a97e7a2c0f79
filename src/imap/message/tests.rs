//! Rendering tests on real-looking messages, with every output parsed back by
//! [`super::syntax`] (quotes, parentheses, exact literal lengths).

use super::syntax::{V, parse_value};
use super::*;
use crate::imap::command::{Section, SectionText};

fn envelope(raw: &[u8]) -> (String, V) {
    let mut out = Vec::new();
    Message::new(raw).envelope(&mut out);
    let v = parse_value(&out).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out)));
    (String::from_utf8_lossy(&out).into_owned(), v)
}

fn structure(raw: &[u8], ext: bool) -> String {
    let mut out = Vec::new();
    Message::new(raw).body_structure(&mut out, ext);
    if let Err(e) = parse_value(&out) {
        panic!("{e}: {}", String::from_utf8_lossy(&out));
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn sec(part: &[u32], text: Option<SectionText>) -> Section {
    Section {
        part: part.to_vec(),
        text,
    }
}

fn get(m: &Message, part: &[u32], text: Option<SectionText>) -> Option<String> {
    m.section(&sec(part, text))
        .map(|c| String::from_utf8_lossy(&c).into_owned())
}

const PLAIN: &[u8] = b"Return-Path: <alice@example.org>\n\
Date: Tue, 14 Nov 2023 22:13:20 +0100\n\
From: Alice Example <alice@example.org>\n\
To: bob@example.com, \"Carol, C.\" <carol@example.net>\n\
Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?= and\n\
\x20a folded line\n\
Message-ID: <1234@example.org>\n\
\n\
Hello Bob,\n\
see you.\n";

#[test]
fn canonical_borrows_crlf_and_converts_lf() {
    assert!(matches!(canonical(b"a\r\nb\r\n"), Cow::Borrowed(_)));
    assert_eq!(&*canonical(b"a\nb\r\nc\n"), b"a\r\nb\r\nc\r\n");
    assert_eq!(&*canonical(b"\n"), b"\r\n");
    // A message in wire form keeps the bare LFs of its binary content (RFC 3516 literal8;
    // imaptest's append-binary): BINARY.SIZE counts the bytes APPEND sent.
    let raw = b"Content-Transfer-Encoding: binary\r\n\r\n\0-\xe4\n\r\n\n";
    assert!(matches!(canonical(raw), Cow::Borrowed(_)));
    assert_eq!(canonical_len(raw), raw.len());
    let m = Message::new(raw);
    assert_eq!(m.binary_size(&[1]), Ok(7));
    assert_eq!(&*m.binary(&[1]).unwrap(), b"\0-\xe4\n\r\n\n");
    assert_eq!(Message::new(PLAIN).size(), PLAIN.len() + 10);
}

#[test]
fn plain_text_envelope_and_structure() {
    let (s, _) = envelope(PLAIN);
    assert_eq!(
        s,
        "(\"Tue, 14 Nov 2023 22:13:20 +0100\" \"=?utf-8?q?Gr=C3=BC=C3=9Fe?= and a folded line\" \
         ((\"Alice Example\" NIL \"alice\" \"example.org\")) \
         ((\"Alice Example\" NIL \"alice\" \"example.org\")) \
         ((\"Alice Example\" NIL \"alice\" \"example.org\")) \
         ((NIL NIL \"bob\" \"example.com\")(\"Carol, C.\" NIL \"carol\" \"example.net\")) \
         NIL NIL NIL \"<1234@example.org>\")"
    );
    assert_eq!(
        structure(PLAIN, false),
        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 22 2)"
    );
    assert_eq!(
        structure(PLAIN, true),
        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 22 2 NIL NIL NIL NIL)"
    );
    let m = Message::new(PLAIN);
    assert_eq!(
        get(&m, &[1], None).as_deref(),
        Some("Hello Bob,\r\nsee you.\r\n")
    );
    assert_eq!(get(&m, &[2], None), None);
    assert_eq!(get(&m, &[1, 1], None), None);
    assert!(
        get(&m, &[], Some(SectionText::Header))
            .unwrap()
            .ends_with("\r\n\r\n")
    );
    assert_eq!(get(&m, &[], Some(SectionText::Text)), get(&m, &[1], None));
    assert_eq!(
        m.header_value("message-id"),
        Some(&b" <1234@example.org>"[..])
    );
    assert_eq!(m.date(), Some(1_699_996_400));
}

#[test]
fn lf_and_crlf_files_render_identically() {
    let crlf = canonical(PLAIN).into_owned();
    for ext in [false, true] {
        assert_eq!(structure(PLAIN, ext), structure(&crlf, ext));
    }
    assert_eq!(envelope(PLAIN).0, envelope(&crlf).0);
    assert_eq!(Message::new(PLAIN).as_bytes(), &crlf[..]);
    assert_eq!(
        Message::new(MIXED).section(&sec(&[2], Some(SectionText::Mime))),
        Message::new(&canonical(MIXED)).section(&sec(&[2], Some(SectionText::Mime)))
    );
}

const ALTERNATIVE: &[u8] = b"From: a@example.org\n\
Subject: alt\n\
MIME-Version: 1.0\n\
Content-Type: multipart/alternative; boundary=\"b1\"\n\
\n\
preamble\n\
--b1\n\
Content-Type: text/plain; charset=utf-8\n\
Content-Transfer-Encoding: quoted-printable\n\
\n\
caf=C3=A9\n\
--b1\n\
Content-Type: text/html; charset=utf-8\n\
\n\
<p>caf\xc3\xa9</p>\n\
\n\
--b1--\n\
epilogue\n";

#[test]
fn multipart_alternative() {
    assert_eq!(
        structure(ALTERNATIVE, false),
        "((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 9 1)\
         (\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"7BIT\" 14 1) \"alternative\")"
    );
    assert_eq!(
        structure(ALTERNATIVE, true),
        "((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 9 1 NIL NIL NIL NIL)\
         (\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"7BIT\" 14 1 NIL NIL NIL NIL) \
         \"alternative\" (\"boundary\" \"b1\") NIL NIL NIL)"
    );
    let m = Message::new(ALTERNATIVE);
    assert_eq!(get(&m, &[1], None).as_deref(), Some("caf=C3=A9"));
    assert_eq!(m.binary(&[1]).unwrap().as_ref(), "café".as_bytes());
    assert_eq!(m.binary_size(&[1]), Ok(5));
    assert_eq!(get(&m, &[2], None).as_deref(), Some("<p>café</p>\r\n"));
    assert_eq!(
        get(&m, &[2], Some(SectionText::Mime)).as_deref(),
        Some("Content-Type: text/html; charset=utf-8\r\n\r\n")
    );
    assert_eq!(get(&m, &[3], None), None);
    assert_eq!(get(&m, &[1], Some(SectionText::Header)), None);
}

const MIXED: &[u8] = b"From: Sender <s@example.org>\n\
To: undisclosed-recipients:;\n\
Subject: report\n\
Content-Type: multipart/mixed; boundary=\"=_outer\"\n\
\n\
--=_outer\n\
Content-Type: text/plain\n\
Content-Language: en, de\n\
\n\
See attached.\n\
--=_outer\n\
Content-Type: application/pdf; name=\"report.pdf\"\n\
Content-Transfer-Encoding: base64\n\
Content-Disposition: attachment; filename=\"report.pdf\"\n\
Content-ID: <att1@example.org>\n\
Content-Description: The report\n\
Content-Location: http://example.org/r.pdf\n\
\n\
JVBERi0xLjQK\n\
aGVsbG8=\n\
--=_outer--\n";

#[test]
fn multipart_mixed_with_base64_attachment() {
    assert_eq!(
        structure(MIXED, true),
        "((\"text\" \"plain\" NIL NIL NIL \"7BIT\" 13 1 NIL NIL (\"en\" \"de\") NIL)\
         (\"application\" \"pdf\" (\"name\" \"report.pdf\") \"<att1@example.org>\" \"The report\" \
         \"base64\" 22 NIL (\"attachment\" (\"filename\" \"report.pdf\")) NIL \
         \"http://example.org/r.pdf\") \"mixed\" (\"boundary\" \"=_outer\") NIL NIL NIL)"
    );
    let m = Message::new(MIXED);
    assert_eq!(m.binary(&[2]).unwrap().as_ref(), b"%PDF-1.4\nhello");
    assert_eq!(m.binary_size(&[2]), Ok(14));
    assert_eq!(m.binary(&[3]), Err(BinaryError::NoSuchPart));
    assert_eq!(m.binary(&[]).unwrap().len(), m.size());
    let (_, env) = envelope(MIXED);
    assert_eq!(
        env.list()[5],
        V::List(vec![
            V::List(vec![
                V::Nil,
                V::Nil,
                V::Str(b"undisclosed-recipients".to_vec()),
                V::Nil
            ]),
            V::List(vec![V::Nil, V::Nil, V::Nil, V::Nil]),
        ])
    );
}

const NESTED: &[u8] = b"From: fwd@example.org\n\
Subject: Fwd: hello\n\
Content-Type: multipart/mixed; boundary=xx\n\
\n\
--xx\n\
\n\
forwarding\n\
--xx\n\
Content-Type: message/rfc822\n\
\n\
From: orig@example.com\n\
Subject: hello\n\
Content-Type: multipart/alternative; boundary=yy\n\
\n\
--yy\n\
\n\
one\n\
--yy\n\
Content-Type: text/html\n\
\n\
<b>two</b>\n\
--yy--\n\
\n\
--xx--\n";

#[test]
fn nested_message_rfc822_sections() {
    let s = structure(NESTED, false);
    assert_eq!(
        s,
        "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 10 1)\
         (\"message\" \"rfc822\" NIL NIL NIL \"7BIT\" 158 \
         (NIL \"hello\" ((NIL NIL \"orig\" \"example.com\")) ((NIL NIL \"orig\" \"example.com\")) \
         ((NIL NIL \"orig\" \"example.com\")) NIL NIL NIL NIL NIL) \
         ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3 1)\
         (\"text\" \"html\" NIL NIL NIL \"7BIT\" 10 1) \"alternative\") 12) \"mixed\")"
    );
    let m = Message::new(NESTED);
    assert_eq!(
        get(&m, &[2], Some(SectionText::Header)).as_deref(),
        Some(
            "From: orig@example.com\r\nSubject: hello\r\n\
             Content-Type: multipart/alternative; boundary=yy\r\n\r\n"
        )
    );
    assert!(
        get(&m, &[2], Some(SectionText::Text))
            .unwrap()
            .starts_with("--yy\r\n")
    );
    assert_eq!(get(&m, &[2, 1], None).as_deref(), Some("one"));
    assert_eq!(get(&m, &[2, 2], None).as_deref(), Some("<b>two</b>"));
    assert_eq!(
        get(&m, &[2, 2], Some(SectionText::Mime)).as_deref(),
        Some("Content-Type: text/html\r\n\r\n")
    );
    assert_eq!(
        get(&m, &[2], Some(SectionText::Mime)).as_deref(),
        Some("Content-Type: message/rfc822\r\n\r\n")
    );
    assert!(
        get(&m, &[2], None)
            .unwrap()
            .starts_with("From: orig@example.com\r\n")
    );
    assert_eq!(
        get(
            &m,
            &[2],
            Some(SectionText::HeaderFields(vec!["SUBJECT".into()]))
        )
        .as_deref(),
        Some("Subject: hello\r\n\r\n")
    );
    assert_eq!(get(&m, &[2, 3], None), None);
    assert_eq!(get(&m, &[1, 1], None), None);
    assert_eq!(get(&m, &[0], None), None);
}

/// The shape of RFC 3501 §7.4.2's example: two text parts, the second named, with an ID,
/// description and base64 encoding.
#[test]
fn rfc3501_example_shape() {
    let raw = b"Content-Type: MULTIPART/MIXED; BOUNDARY=\"cut\"\r\n\r\n\
--cut\r\nContent-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\r\nline\r\n\
--cut\r\nContent-Type: TEXT/PLAIN; CHARSET=US-ASCII; NAME=cc.diff\r\n\
Content-ID: <960723163407.20117h@cac.washington.edu>\r\n\
Content-Description: Compiler diff\r\nContent-Transfer-Encoding: BASE64\r\n\r\n\
ZGlmZgo=\r\n--cut--\r\n";
    assert_eq!(
        structure(raw, false),
        "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 4 1)\
         (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") \
         \"<960723163407.20117h@cac.washington.edu>\" \"Compiler diff\" \"BASE64\" 8 1) \"MIXED\")"
    );
}

#[test]
fn eight_bit_headers_go_as_literals() {
    let raw = "Subject: Grüße\nFrom: Jörg <j@example.de>\n\nx\n".as_bytes();
    let (s, v) = envelope(raw);
    assert!(s.contains("{7}\r\nGrüße"), "{s}");
    assert_eq!(v.list()[1], V::Str("Grüße".as_bytes().to_vec()));
    assert_eq!(
        v.list()[2].list()[0].list()[0],
        V::Str("Jörg".as_bytes().to_vec())
    );
}

#[test]
fn missing_headers_are_nil() {
    let (s, _) = envelope(b"\nbody only\n");
    assert_eq!(s, "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)");
    let (s, _) = envelope(b"Reply-To:\nSender: \nFrom: a@b.c\n\n");
    assert!(s.contains(
        "NIL NIL ((NIL NIL \"a\" \"b.c\")) ((NIL NIL \"a\" \"b.c\")) ((NIL NIL \"a\" \"b.c\")) NIL"
    ));
}

#[test]
fn header_only_matches_full_header() {
    for raw in [
        PLAIN,
        MIXED,
        NESTED,
        b"\nbody",
        b"\r\nbody",
        b"no header end",
        b"",
    ] {
        let full = Message::new(raw);
        let head = Message::header_only(raw);
        assert_eq!(full.header(), head.header());
        assert_eq!(envelope(raw).0, {
            let mut out = Vec::new();
            head.envelope(&mut out);
            String::from_utf8_lossy(&out).into_owned()
        });
        assert_eq!(canonical_len(raw), full.size());
    }
}

/// Walks a parsed BODYSTRUCTURE and checks every part's size against its BODY[part].
fn check_sizes(m: &Message, v: &V, path: &mut Vec<u32>) {
    let l = v.list();
    if matches!(l.first(), Some(V::List(_))) {
        for (i, child) in l.iter().take_while(|c| matches!(c, V::List(_))).enumerate() {
            path.push(i as u32 + 1);
            check_sizes(m, child, path);
            path.pop();
        }
        return;
    }
    let size = match l.get(6) {
        Some(V::Num(n)) => *n as usize,
        other => panic!("size {other:?}"),
    };
    let body = m.section(&sec(path, None)).expect("part exists");
    assert_eq!(size, body.len(), "part {path:?}");
    if let (Some(V::List(_)), Some(inner @ V::List(il))) = (l.get(7), l.get(8)) {
        // message/rfc822: the nested body's parts go on below this number; a non-multipart
        // nested body is part 1.
        if !matches!(il.first(), Some(V::List(_))) {
            path.push(1);
            check_sizes(m, inner, path);
            path.pop();
        } else {
            check_sizes(m, inner, path);
        }
    }
}

#[test]
fn structure_sizes_match_sections() {
    for raw in [PLAIN, ALTERNATIVE, MIXED, NESTED] {
        let m = Message::new(raw);
        let mut out = Vec::new();
        m.body_structure(&mut out, true);
        let v = parse_value(&out).unwrap();
        // A non-multipart message's body is part 1.
        let mut path = if matches!(v.list().first(), Some(V::List(_))) {
            vec![]
        } else {
            vec![1]
        };
        check_sizes(&m, &v, &mut path);
    }
}

#[test]
fn partial_ranges() {
    assert_eq!(partial(b"hello", 1, 3), b"ell");
    assert_eq!(partial(b"hello", 3, 100), b"lo");
    assert_eq!(partial(b"hello", 5, 1), b"");
    assert_eq!(partial(b"hello", 9, 1), b"");
    assert_eq!(partial(b"hello", u32::MAX, u32::MAX), b"");
    let m = Message::new(PLAIN);
    // Offsets count the CRLF form.
    let body = m.section(&sec(&[], Some(SectionText::Text))).unwrap();
    assert_eq!(partial(&body, 10, 4), b"\r\nse");
}

#[test]
fn header_fields_and_not() {
    let m = Message::new(PLAIN);
    let f = get(
        &m,
        &[],
        Some(SectionText::HeaderFields(vec![
            "subject".into(),
            "X-None".into(),
            "TO".into(),
        ])),
    );
    assert_eq!(
        f.as_deref(),
        Some(
            "To: bob@example.com, \"Carol, C.\" <carol@example.net>\r\n\
             Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?= and\r\n a folded line\r\n\r\n"
        )
    );
    let n = get(
        &m,
        &[],
        Some(SectionText::HeaderFieldsNot(vec![
            "Return-Path".into(),
            "subject".into(),
            "to".into(),
            "date".into(),
        ])),
    );
    assert_eq!(
        n.as_deref(),
        Some("From: Alice Example <alice@example.org>\r\nMessage-ID: <1234@example.org>\r\n\r\n")
    );
    let empty = get(&m, &[], Some(SectionText::HeaderFields(vec!["x".into()])));
    assert_eq!(empty.as_deref(), Some("\r\n"));
}

#[test]
fn binary_quoted_printable_and_unknown_cte() {
    let raw = b"Content-Transfer-Encoding: Quoted-Printable\n\nso=\nft =3D\n";
    assert_eq!(
        Message::new(raw).binary(&[1]).unwrap().as_ref(),
        b"soft =\r\n"
    );
    let raw = b"Content-Transfer-Encoding: x-uuencode\n\nbegin 644 a\n";
    assert_eq!(
        Message::new(raw).binary(&[1]),
        Err(BinaryError::UnknownCte("x-uuencode".into()))
    );
    let raw = b"Content-Transfer-Encoding: 8BIT\n\n\xc3\xa9\n";
    assert_eq!(
        Message::new(raw).binary(&[1]).unwrap().as_ref(),
        b"\xc3\xa9\r\n"
    );
}

#[test]
fn malformed_messages_still_render() {
    let cases: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"no blank line at all".to_vec(),
        b"Subject: x".to_vec(),
        b"Content-Type: multipart/mixed; boundary=q\n\n--q\nunterminated".to_vec(),
        b"Content-Type: multipart/mixed\n\nno boundary".to_vec(),
        b"Content-Type: multipart/mixed; boundary=q\n\nno delimiters".to_vec(),
        b"Content-Type: multipart/mixed; boundary=q\n\n--q--\n".to_vec(),
        b"Content-Type: message/rfc822\n\n".to_vec(),
        b"Content-Type: text\nFrom: \"\x00\xff\" <\x00@\xfe>\nSubject: \x00\n\n\x00".to_vec(),
        b"From: (((unclosed <a@b\nTo: \"open\nCc: <>\nBcc: @,:;<>\n\n".to_vec(),
        b"Content-Type: multipart/mixed; boundary=\"\"\n\n--\n--\n".to_vec(),
        b"\r\r\n\n\r".to_vec(),
        b"Content-Type: multipart/mixed; boundary=\"a\\\n b\"\n\n--a\nb\n\nx\n--a\nb--\n".to_vec(),
    ];
    for raw in cases {
        let m = Message::new(&raw);
        for ext in [false, true] {
            structure(&raw, ext);
        }
        envelope(&raw);
        for p in [&[][..], &[1], &[1, 1], &[2]] {
            for t in [None, Some(SectionText::Header), Some(SectionText::Text)] {
                let _ = m.section(&sec(p, t));
            }
            let _ = m.binary(p);
        }
    }
    // NUL cannot be sent; it goes out as 0x80 in a literal.
    let mut out = Vec::new();
    Message::new(b"Subject: a\x00b\n\n").envelope(&mut out);
    assert!(out.windows(8).any(|w| w == b"{3}\r\na\x80b"));
}

#[test]
fn nesting_and_part_limits_hold() {
    // 300 levels of message/rfc822 and of multipart: the walk stops at MAX_DEPTH.
    let mut deep = Vec::new();
    for _ in 0..300 {
        deep.extend_from_slice(b"Content-Type: message/rfc822\n\n");
    }
    deep.extend_from_slice(b"bottom\n");
    let s = structure(&deep, true);
    assert!(s.contains("APPLICATION"));
    let mut mp = Vec::new();
    for i in 0..300 {
        mp.extend_from_slice(
            format!("Content-Type: multipart/mixed; boundary=b{i}\n\n--b{i}\n").as_bytes(),
        );
    }
    structure(&mp, true);
    // Many parts: capped at MAX_PARTS.
    let mut many = b"Content-Type: multipart/mixed; boundary=z\n\n".to_vec();
    for _ in 0..(MAX_PARTS + 50) {
        many.extend_from_slice(b"--z\n\nx\n");
    }
    let m = Message::new(&many);
    match &m.tree().kind {
        Kind::Multipart(c) => assert!(c.len() <= MAX_PARTS),
        other => panic!("{other:?}"),
    }
    assert!(m.section(&sec(&[MAX_PARTS as u32 + 1], None)).is_none());
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    fn check_all(raw: &[u8]) {
        let m = Message::new(raw);
        let mut out = Vec::new();
        m.envelope(&mut out);
        parse_value(&out).unwrap();
        for ext in [false, true] {
            out.clear();
            m.body_structure(&mut out, ext);
            parse_value(&out).unwrap();
        }
        for p in [&[][..], &[1], &[2, 1], &[1, 2, 3]] {
            let _ = m.section(&sec(p, Some(SectionText::Mime)));
            let _ = m.section(&sec(
                p,
                Some(SectionText::HeaderFieldsNot(vec!["a".into()])),
            ));
            let _ = m.binary(p);
        }
    }

    /// Fragments that steer random input into MIME structure.
    fn mimeish() -> impl Strategy<Value = Vec<u8>> {
        let frag = prop_oneof![
            Just(b"Content-Type: multipart/mixed; boundary=b\n".to_vec()),
            Just(b"Content-Type: message/rfc822\n".to_vec()),
            Just(b"Content-Transfer-Encoding: base64\n".to_vec()),
            Just(b"From: \"x\" <a@b>, g: c@d;\n".to_vec()),
            Just(b"\n".to_vec()),
            Just(b"\r\n".to_vec()),
            Just(b"--b\n".to_vec()),
            Just(b"--b--\n".to_vec()),
            proptest::collection::vec(any::<u8>(), 0..20),
        ];
        proptest::collection::vec(frag, 0..40).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(raw in proptest::collection::vec(any::<u8>(), 0..2000)) {
            check_all(&raw);
        }

        #[test]
        fn mime_like_input_never_panics(raw in mimeish()) {
            check_all(&raw);
            let m = Message::new(&raw);
            let mut out = Vec::new();
            m.body_structure(&mut out, false);
            let v = parse_value(&out).unwrap();
            let multi = matches!(v.list().first(), Some(V::List(_)));
            check_sizes(&m, &v, &mut if multi { vec![] } else { vec![1] });
        }
    }
}
