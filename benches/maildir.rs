//! The Maildir toolkit at scale: `walk` statistics and `ls`-style listing over 100,000
//! messages, an index sync of them, and mbox import throughput with memory that stays flat.
//! Run with `cargo bench --bench maildir` (generates its data in a temp dir first).

use std::io::Write;

use criterion::{Criterion, criterion_group, criterion_main};
use mailctl::maildir::{folder, index::Index, mbox};

const MESSAGES: usize = 100_000;

fn make_maildir(root: &std::path::Path) {
    for d in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
    }
    let body = "From: someone@example.org\nSubject: message\nDate: Tue, 14 Nov 2023 22:13:20 +0000\n\nhello\n";
    for i in 0..MESSAGES {
        let name = format!(
            "{}.M{i}P1Q1.host,S={}:2,{}",
            1_700_000_000 + i,
            body.len(),
            if i % 3 == 0 { "" } else { "S" }
        );
        std::fs::write(root.join("cur").join(name), body).unwrap();
    }
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("Maildir");
    make_maildir(&root);
    let mut g = c.benchmark_group("maildir");
    g.sample_size(10);
    g.bench_function(
        "walk: stats of 100k messages (directory entries only)",
        |b| b.iter(|| folder::stats(&root).cur),
    );
    g.bench_function("ls: headers of 100k messages parsed", |b| {
        b.iter(|| {
            let mut n = 0;
            for e in folder::entries(&root) {
                let buf = std::fs::read(&e.path).unwrap();
                if mail_parser::MessageParser::default()
                    .parse_headers(&buf)
                    .is_some()
                {
                    n += 1;
                }
            }
            n
        })
    });
    g.bench_function("index: first sync of 100k messages", |b| {
        b.iter(|| {
            let _ = std::fs::remove_file(Index::path(&root));
            let mut ix = Index::open(&root).unwrap();
            ix.sync("INBOX", &root).unwrap().added
        })
    });
    // 100 MiB of mbox (25,600 messages of 4 KiB); the importer holds one header at a time.
    let mbox_path = dir.path().join("big.mbox");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&mbox_path).unwrap());
        let line = "x".repeat(76);
        for i in 0..25_600 {
            writeln!(f, "From sender@example.org Thu Nov 20 10:00:00 2025\nFrom: sender@example.org\nSubject: m{i}\n").unwrap();
            for _ in 0..52 {
                writeln!(f, "{line}").unwrap();
            }
            writeln!(f).unwrap();
        }
    }
    g.bench_function("import-mbox: 100 MiB, 25,600 messages", |b| {
        b.iter(|| {
            let target = tempfile::tempdir().unwrap();
            mbox::import(
                &mbox_path,
                &target.path().join("M"),
                mbox::Format::Mboxrd,
                |_, _| {},
            )
            .unwrap()
            .messages
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
