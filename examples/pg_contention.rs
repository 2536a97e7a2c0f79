//! Where nodes sharing one PostgreSQL database wait for each other (issue 21.6's figures):
//! UID assignment, which takes the mailbox's folder row lock (`FOR UPDATE`) for each
//! placement, from 1, 3 and 10 connections on one mailbox and on a mailbox each; and queue
//! claims (`FOR UPDATE SKIP LOCKED`) from 1, 3 and 10 connections. Each connection stands
//! for one node. Prints operations per second. No files are written: this is the
//! database's share only.
//!
//!   cargo run --release --example pg_contention -- --url postgres://USER@127.0.0.1:PORT/DB
//!
//! examples/pg-vs-sqlite.sh runs it against the PostgreSQL it starts. Bounded: a fixed
//! number of operations per connection.

use std::path::Path;
use std::sync::Barrier;
use std::time::Instant;

use mailctl::core::dsn::MessageDsn;
use mailctl::core::queue::NewMessage as QueuedMessage;
use mailctl::core::{DataDir, Db};
use mailctl::maildir::index::{Index, IndexError, NewMessage};

/// Placements per connection, and queued messages claimed per connection.
const PLACES: usize = 300;
const CLAIMS: usize = 600;
/// Recipients one claim takes (the outbound runner takes up to 500 when that many are due).
const BATCH: usize = 20;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    let i = args.iter().position(|a| a == name)?;
    args.get(i + 1).cloned()
}

fn message(unique: String) -> NewMessage {
    NewMessage {
        unique,
        letters: String::new(),
        keywords: String::new(),
        size: 4096,
        internal_date: 1_700_000_000,
        email_id: None,
    }
}

/// `nodes` connections place [`PLACES`] messages each, one per step, into one shared
/// mailbox (`shared`) or a mailbox each; placements per second.
fn places(url: &str, root: &Path, nodes: usize, shared: bool, run: usize) -> f64 {
    let start = Barrier::new(nodes + 1);
    let t = std::thread::scope(|s| {
        for n in 0..nodes {
            let start = &start;
            s.spawn(move || {
                let account = if shared {
                    format!("run{run}@bench.test")
                } else {
                    format!("run{run}-{n}@bench.test")
                };
                let mut ix = Index::open_postgres(url, &account, root).expect("open index");
                start.wait();
                for i in 0..PLACES {
                    let m = message(format!("{run}.{n}.{i}.bench"));
                    ix.place::<IndexError>("INBOX", &[&m], |_| Ok(()))
                        .expect("place");
                }
            });
        }
        start.wait();
        Instant::now()
    });
    (nodes * PLACES) as f64 / t.elapsed().as_secs_f64()
}

/// Queues `nodes` x [`CLAIMS`] messages with one outbound recipient each, then `nodes`
/// connections claim them [`BATCH`] at a time until none is left; recipients per second.
fn claims(dir: &Path, nodes: usize, run: usize) -> f64 {
    let data = DataDir::new(dir);
    let mut db = Db::open(&data).expect("open core");
    let ids: Vec<String> = (0..nodes * CLAIMS).map(|i| format!("B{run}x{i}")).collect();
    let rcpts: Vec<Vec<(String, bool)>> = ids
        .iter()
        .map(|id| vec![(format!("{id}@far.test"), false)])
        .collect();
    let msgs: Vec<QueuedMessage> = ids
        .iter()
        .map(|id| QueuedMessage {
            id,
            mail_from: "bench@bench.test",
            auth_user: None,
            remote_ip: "192.0.2.1",
            helo: "bench.test",
            smtputf8: false,
            size: 4096,
            spool: None,
            dsn: MessageDsn::default(),
            rcpt_dsn: &[],
            folder: "",
            rcpt_folders: &[],
            local_lease: None,
        })
        .collect();
    let batch: Vec<_> = msgs
        .iter()
        .cloned()
        .zip(rcpts.iter().map(Vec::as_slice))
        .collect();
    for chunk in batch.chunks(500) {
        db.queue_insert_many(chunk).expect("queue insert");
    }
    let start = Barrier::new(nodes + 1);
    let t = std::thread::scope(|s| {
        for n in 0..nodes {
            let (start, data) = (&start, &data);
            s.spawn(move || {
                let mut db = Db::open(data).expect("open core");
                let owner = format!("bench-{n}-0@node{n}");
                start.wait();
                // Bounded: every claim takes at least one of a fixed number of rows.
                for _ in 0..nodes * CLAIMS {
                    let got = db.outbound_claim(&owner, BATCH, 600, false).expect("claim");
                    if got.is_empty() {
                        break;
                    }
                }
            });
        }
        start.wait();
        Instant::now()
    });
    (nodes * CLAIMS) as f64 / t.elapsed().as_secs_f64()
}

fn main() {
    let Some(url) = arg("--url") else {
        eprintln!("usage: pg_contention --url postgres://USER@HOST:PORT/DATABASE");
        std::process::exit(2);
    };
    let tmp = std::env::temp_dir().join(format!("pg-contention-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("temp dir");
    std::fs::write(tmp.join("database.url"), format!("{url}\n")).expect("database.url");
    let mut run = 0;
    for nodes in [1, 3, 10] {
        run += 1;
        let one = places(&url, &tmp, nodes, true, run);
        run += 1;
        let each = places(&url, &tmp, nodes, false, run);
        run += 1;
        let claimed = claims(&tmp, nodes, run);
        println!(
            "{nodes:>2} connections: UIDs on one mailbox {one:>6.0}/s, on a mailbox each {each:>6.0}/s; queue claims {claimed:>6.0} recipients/s"
        );
    }
    let _ = std::fs::remove_dir_all(&tmp);
}
