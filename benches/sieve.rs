//! Sieve: compiling a 200-rule script (the kind a years-old Roundcube filter set becomes),
//! and running it on a 50 KiB multipart message, once with header rules only and once with
//! a body test at the end so the MIME parts are decoded too.
//! Run with `cargo bench --bench sieve`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mailctl::sieve::{self, Envelope, Environment, Limits, Message};

fn script(rules: usize, body: bool) -> String {
    let mut s = String::from(
        "require [\"fileinto\",\"imap4flags\",\"variables\",\"envelope\",\"subaddress\",\"body\",\"relational\",\"regex\"];\n",
    );
    for i in 0..rules {
        let rule = match i % 5 {
            0 => format!(
                "if header :contains \"Subject\" \"project-{i}\" {{ fileinto \"Projects/{i}\"; stop; }}\n"
            ),
            1 => format!(
                "if address :domain :is \"From\" \"sender{i}.example\" {{ fileinto \"Senders\"; addflag \"s{i}\"; }}\n"
            ),
            2 => format!(
                "if header :matches \"List-Id\" \"*list{i}.example*\" {{ fileinto \"Lists/${{1}}\"; stop; }}\n"
            ),
            3 => format!("if envelope :detail \"to\" \"tag{i}\" {{ fileinto \"Tags\"; }}\n"),
            _ => format!(
                "if header :regex \"X-Mailer\" \"^tool{i}( [0-9.]+)?$\" {{ discard; stop; }}\n"
            ),
        };
        s.push_str(&rule);
    }
    if body {
        s.push_str("if body :text :contains \"unsubscribe-nowhere\" { discard; }\n");
    }
    s
}

fn message() -> Vec<u8> {
    let mut m = String::from(
        "From: Alice <alice@example.org>\r\nTo: bob+news@example.com\r\nSubject: Weekly numbers\r\n\
         List-Id: <weekly.example.org>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n",
    );
    let line = "The quarterly numbers are attached, please review before the meeting.\r\n";
    while m.len() < 25 * 1024 {
        m.push_str(line);
    }
    m.push_str("--b\r\nContent-Type: text/html\r\n\r\n<html><body>");
    while m.len() < 50 * 1024 {
        m.push_str("<p>The quarterly numbers are attached.</p>\r\n");
    }
    m.push_str("</body></html>\r\n--b--\r\n");
    m.into_bytes()
}

fn bench(c: &mut Criterion) {
    let limits = Limits::default();
    let headers_only = script(200, false);
    let with_body = script(200, true);
    c.bench_function("sieve compile 200 rules", |b| {
        b.iter(|| sieve::compile(black_box(&headers_only), &limits, None).expect("compiles"))
    });
    let raw = message();
    let env = Envelope {
        from: "alice@example.org".into(),
        to: "bob+news@example.com".into(),
        auth: None,
    };
    let environment = Environment::default();
    for (name, src) in [("headers", &headers_only), ("headers+body", &with_body)] {
        let prog = sieve::compile(src, &limits, None).expect("compiles");
        c.bench_function(
            &format!("sieve run 200 rules ({name}) on 50 KiB multipart"),
            |b| {
                b.iter(|| {
                    let msg = Message::new(black_box(&raw));
                    prog.run(&msg, &env, &environment, None, &limits)
                        .expect("runs")
                })
            },
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
