//! IMAP SEARCH at mailbox scale: `SEARCH TEXT "needle"` over 10,000 in-memory messages of
//! about 4 KiB (a third multipart/alternative, a third base64 text, the rest plain), and a
//! flags-only search over 100,000 candidates that reads no message at all.
//! Run with `cargo bench --bench imap_search`.

use std::hint::black_box;

use base64::Engine;
use criterion::{Criterion, criterion_group, criterion_main};
use mailctl::imap::command::SearchKey;
use mailctl::imap::flags::Flags;
use mailctl::imap::search::{Candidate, Context, Needs, Query};

const TEXT_MESSAGES: usize = 10_000;
const FLAG_CANDIDATES: usize = 100_000;

/// Deterministic filler words so the bodies look like prose and compress like it.
fn paragraph(seed: usize, bytes: usize) -> String {
    const WORDS: [&str; 12] = [
        "meeting",
        "report",
        "quarterly",
        "numbers",
        "Grüße",
        "project",
        "deadline",
        "lunch",
        "attached",
        "review",
        "please",
        "thanks",
    ];
    let mut out = String::with_capacity(bytes + 16);
    let mut i = seed;
    while out.len() < bytes {
        out.push_str(WORDS[i % WORDS.len()]);
        i = i.wrapping_mul(31).wrapping_add(7);
        out.push(if i.is_multiple_of(11) { '\n' } else { ' ' });
    }
    out
}

fn message(i: usize) -> Vec<u8> {
    let mut body = paragraph(i, 3_400);
    // One message in a hundred holds the needle, in varying case.
    if i.is_multiple_of(100) {
        body.push_str("\nthe NeEdLe is here\n");
    }
    let head = format!(
        "From: Sender {i} <sender{i}@example.org>\r\nTo: user@example.com\r\n\
         Subject: message number {i}\r\nDate: Tue, 14 Nov 2023 22:13:20 +0000\r\n\
         Message-ID: <{i}@example.org>\r\nMIME-Version: 1.0\r\n"
    );
    let text = match i % 3 {
        0 => format!(
            "{head}Content-Type: multipart/alternative; boundary=\"b{i}\"\r\n\r\n\
             --b{i}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n\
             --b{i}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>{}</p>\r\n--b{i}--\r\n",
            body.chars().take(600).collect::<String>()
        ),
        1 => {
            let encoded = base64::engine::general_purpose::STANDARD.encode(body.as_bytes());
            let lines: Vec<&str> = encoded
                .as_bytes()
                .chunks(76)
                .map(|c| std::str::from_utf8(c).unwrap_or(""))
                .collect();
            format!(
                "{head}Content-Type: text/plain; charset=utf-8\r\n\
                 Content-Transfer-Encoding: base64\r\n\r\n{}\r\n",
                lines.join("\r\n")
            )
        }
        _ => format!("{head}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}"),
    };
    text.replace("\r\n", "\n")
        .replace('\n', "\r\n")
        .into_bytes()
}

struct Meta {
    flags: Flags,
    recent: bool,
    size: u64,
}

fn metas(n: usize) -> Vec<Meta> {
    (0..n)
        .map(|i| Meta {
            flags: Flags::from_maildir(
                match i % 4 {
                    0 => "",
                    1 => "S",
                    2 => "FS",
                    _ => "RST",
                },
                if i.is_multiple_of(7) { "Work" } else { "" },
            ),
            recent: i.is_multiple_of(50),
            size: 4_000,
        })
        .collect()
}

fn candidate(i: usize, m: &Meta) -> Candidate<'_> {
    Candidate {
        seq: i as u32 + 1,
        uid: i as u32 + 1,
        flags: &m.flags,
        recent: m.recent,
        modseq: i as u64 + 1,
        size: m.size,
        internal_date: 1_700_000_000 + i as i64,
        save_date: 1_700_000_000 + i as i64,
        email_id: i as u64,
    }
}

fn context(n: usize) -> Context<'static> {
    Context {
        largest_seq: n as u32,
        largest_uid: n as u32,
        saved: &[],
        now: 1_800_000_000,
        tz_offset_secs: 0,
    }
}

fn bench(c: &mut Criterion) {
    let files: Vec<Vec<u8>> = (0..TEXT_MESSAGES).map(message).collect();
    let meta = metas(TEXT_MESSAGES);
    let total: usize = files.iter().map(Vec::len).sum();
    eprintln!(
        "imap_search: {TEXT_MESSAGES} messages, {} KiB on average",
        total / TEXT_MESSAGES / 1024
    );
    let text = Query::new(&SearchKey::Text("needle".into()));
    assert_eq!(text.needs(), Needs::Full);
    let cx = context(TEXT_MESSAGES);
    let mut g = c.benchmark_group("imap_search");
    g.sample_size(10);
    g.throughput(criterion::Throughput::Bytes(total as u64));
    g.bench_function("SEARCH TEXT needle over 10k messages of ~4 KiB", |b| {
        b.iter(|| {
            let hits = files
                .iter()
                .zip(&meta)
                .enumerate()
                .filter(|(i, (f, m))| text.matches(&candidate(*i, m), &cx, Some(f)))
                .count();
            assert_eq!(hits, TEXT_MESSAGES / 100);
            black_box(hits)
        })
    });

    let many = metas(FLAG_CANDIDATES);
    let cx = context(FLAG_CANDIDATES);
    let flags = Query::new(&SearchKey::And(vec![
        SearchKey::Undeleted,
        SearchKey::Or(
            Box::new(SearchKey::Unseen),
            Box::new(SearchKey::Keyword("work".into())),
        ),
    ]));
    assert_eq!(flags.needs(), Needs::Metadata);
    g.throughput(criterion::Throughput::Elements(FLAG_CANDIDATES as u64));
    g.bench_function("SEARCH UNDELETED OR UNSEEN KEYWORD work over 100k", |b| {
        b.iter(|| {
            let hits = many
                .iter()
                .enumerate()
                .filter(|(i, m)| flags.matches(&candidate(*i, m), &cx, None))
                .count();
            black_box(hits)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
