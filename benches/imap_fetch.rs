//! FETCH rendering cost: BODYSTRUCTURE and ENVELOPE of a typical three-part message (text,
//! HTML, a base64 attachment), and BODY[] of a 50 KiB message including the LF→CRLF
//! conversion a Maildir file needs and the literal encoding. Run with
//! `cargo bench --bench imap_fetch`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mailctl::imap::command::Section;
use mailctl::imap::message::Message;
use mailctl::imap::wire;

fn three_parts() -> Vec<u8> {
    let mut m = b"Return-Path: <alice@example.org>\n\
Date: Tue, 14 Nov 2023 22:13:20 +0100\n\
From: Alice Example <alice@example.org>\n\
To: Bob <bob@example.com>, \"Carol, C.\" <carol@example.net>\n\
Cc: team: dave@example.com, erin@example.com;\n\
Subject: =?utf-8?q?Quarterly_r=C3=A9port?=\n\
Message-ID: <1234.5678@example.org>\n\
In-Reply-To: <1111@example.com>\n\
MIME-Version: 1.0\n\
Content-Type: multipart/mixed; boundary=\"=_outer\"\n\
\n\
--=_outer\n\
Content-Type: multipart/alternative; boundary=\"=_alt\"\n\
\n\
--=_alt\n\
Content-Type: text/plain; charset=utf-8\n\
Content-Transfer-Encoding: quoted-printable\n\
\n"
    .to_vec();
    for _ in 0..40 {
        m.extend_from_slice(b"The quarterly numbers are attached, caf=C3=A9 as usual.\n");
    }
    m.extend_from_slice(b"--=_alt\nContent-Type: text/html; charset=utf-8\n\n");
    for _ in 0..40 {
        m.extend_from_slice(b"<p>The quarterly numbers are attached, caf&eacute;.</p>\n");
    }
    m.extend_from_slice(
        b"--=_alt--\n--=_outer\nContent-Type: application/pdf; name=\"q3.pdf\"\n\
Content-Disposition: attachment; filename=\"q3.pdf\"\nContent-Transfer-Encoding: base64\n\n",
    );
    for _ in 0..100 {
        m.extend_from_slice(
            b"JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVuZ3RoIDMgMCBSL0ZpbHRlci9G\n",
        );
    }
    m.extend_from_slice(b"--=_outer--\n");
    m
}

fn bench(c: &mut Criterion) {
    let typical = three_parts();
    let mut big = b"From: a@example.org\nSubject: big\n\n".to_vec();
    while big.len() < 50 * 1024 {
        big.extend_from_slice(
            b"0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ\n",
        );
    }
    let mut g = c.benchmark_group("imap_fetch");
    g.bench_function("BODYSTRUCTURE of a 3-part message", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            Message::new(black_box(&typical)).body_structure(&mut out, true);
            out.len()
        })
    });
    g.bench_function("ENVELOPE of a 3-part message", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            Message::new(black_box(&typical)).envelope(&mut out);
            out.len()
        })
    });
    let whole = Section {
        part: Vec::new(),
        text: None,
    };
    g.bench_function("BODY[] of a 50 KiB LF message", |b| {
        b.iter(|| {
            let m = Message::new(black_box(&big));
            let mut out = Vec::new();
            if let Some(data) = m.section(&whole) {
                wire::literal(&mut out, &data);
            }
            out.len()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
