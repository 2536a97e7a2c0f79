//! The queue on PostgreSQL (issue 21, points 1 and 3) against a real PostgreSQL 15: the same
//! queue operations (insert, local and outbound claims, outcomes, bounces, delay notices,
//! hold/retry/delete, quarantine, the delivery history and `trace`) give the same answers on
//! SQLite and on PostgreSQL, through the library and through `mailctl queue …`; two nodes
//! claiming from one PostgreSQL queue at once get disjoint recipients, each exactly once,
//! skip a claim in progress rather than wait for it, and take over a dead node's expired
//! leases.
//!
//! `mailctl queue flush` on a PostgreSQL node delivers outbound mail through its relay.
//!
//! Not here: the administration commands' comparison (`tests/postgres.rs`), the daemon's
//! queue runner over SMTP (`tests/outbound`).

mod common;
#[path = "outbound/fake.rs"]
mod fake;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, Barrier};
use std::time::Duration;

use common::cli::{command, run};
use common::postgres::PgServer;
use mailctl::core::dsn::{MessageDsn, Notify, RcptDsn, Ret};
use mailctl::core::outqueue::{AttemptOutcome, AttemptResult, Filter};
use mailctl::core::queue::{NewMessage, Outcome};
use mailctl::core::spool::Sum;
use mailctl::core::{DataDir, Db, now};
use serde_json::{Value, json};

/// A data directory whose database is PostgreSQL's `url` (a `database.url` file, as a node
/// is configured), or SQLite's when `url` is `None`.
fn open(dir: &Path, url: Option<&str>) -> Db {
    if let Some(url) = url {
        std::fs::write(dir.join("database.url"), format!("{url}\n")).unwrap();
    }
    Db::open(&DataDir::new(dir)).unwrap()
}

/// A plain message: `id` from `from`, the common case for every other field.
fn message<'a>(id: &'a str, from: &'a str, spool: Option<&'a Sum>) -> NewMessage<'a> {
    NewMessage {
        id,
        mail_from: from,
        auth_user: None,
        remote_ip: "192.0.2.1",
        helo: "client.test",
        smtputf8: false,
        size: 100,
        spool,
        dsn: MessageDsn::default(),
        rcpt_dsn: &[],
        folder: "",
        rcpt_folders: &[],
        local_lease: None,
    }
}

/// Writes a spool file with a `Message-ID:` (the history and `trace` read it).
fn spool(dir: &Path, id: &str) -> Sum {
    let q = dir.join("queue");
    std::fs::create_dir_all(&q).unwrap();
    let body = format!("From: a@x.test\r\nMessage-ID: <{id}@x.test>\r\nSubject: t\r\n\r\nbody\r\n");
    std::fs::write(q.join(id), &body).unwrap();
    Sum::of(body.as_bytes())
}

/// Times differ between two runs (and so do row ids after deletions); nothing else may.
fn normalise(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| match k.as_str() {
                    "created" | "next_attempt" | "at" | "received" | "finished" if !v.is_null() => {
                        (k, Value::String("<t>".into()))
                    }
                    _ => (k, normalise(v)),
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(normalise).collect()),
        v => v,
    }
}

/// `mailctl --json ARGS` on a data directory: exit code, output as JSON, stderr.
fn cli(dir: &Path, args: &[&str]) -> (i32, Value, String) {
    let mut c = command(dir);
    c.arg("--json").args(args);
    let o = run(c, None, Duration::from_secs(120));
    let d = dir.display().to_string();
    let out = String::from_utf8_lossy(&o.stdout).replace(&d, "<dir>");
    let json = if out.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
    };
    let err = String::from_utf8_lossy(&o.stderr).replace(&d, "<dir>");
    (o.status.code().unwrap_or(-1), normalise(json), err)
}

/// Answers recorded by name: what SQLite and PostgreSQL must agree on.
#[derive(Default)]
struct Answers(Vec<(String, Value)>);

impl Answers {
    fn note(&mut self, name: &str, v: Value) {
        self.0.push((name.to_string(), normalise(v)));
    }

    fn get(&self, name: &str) -> &Value {
        &self.0.iter().find(|(n, _)| n == name).unwrap().1
    }
}

/// The queue's life on one engine, every answer recorded: inserts and local delivery,
/// outbound attempts and bounces, then the administrator's side (library and `mailctl`).
fn scenario(db: &mut Db, dir: &Path) -> Answers {
    let mut out = Answers::default();
    let s1 = inserts(db, dir, &mut out);
    local_delivery(db, &s1, &mut out);
    outbound(db, &mut out);
    administration(db, dir, &mut out);
    out
}

/// Three messages (one alone, two in one group commit) with DSN parameters and folders.
fn inserts(db: &mut Db, dir: &Path, out: &mut Answers) -> Sum {
    let (s1, s2, s3) = (spool(dir, "M1"), spool(dir, "M2"), spool(dir, "M3"));
    let dsn = [
        RcptDsn::default(),
        RcptDsn {
            notify: Notify(Notify::SUCCESS | Notify::FAILURE),
            orcpt: Some("Orig@y.test".into()),
        },
    ];
    let m1 = NewMessage {
        dsn: MessageDsn {
            ret: Some(Ret::Hdrs),
            envid: Some("env-1".into()),
        },
        rcpt_dsn: &dsn,
        ..message("M1", "a@x.test", Some(&s1))
    };
    let rcpts1 = [
        ("l1@here.test".to_string(), true),
        ("o1@y.test".to_string(), false),
        ("o2@y.test".to_string(), false),
    ];
    db.queue_insert(&m1, &rcpts1).unwrap();
    let junk = ["Junk".to_string()];
    let m3 = NewMessage {
        folder: "Archive",
        rcpt_folders: &junk,
        smtputf8: true,
        ..message("M3", "b@x.test", Some(&s3))
    };
    let rcpts2 = [("o3@z.test".to_string(), false)];
    let rcpts3 = [("l2@here.test".to_string(), true)];
    db.queue_insert_many(&[
        (message("M2", "", Some(&s2)), &rcpts2[..]),
        (m3, &rcpts3[..]),
    ])
    .unwrap();

    let f = db.queue_figures().unwrap();
    out.note("figures", json!([f.messages, f.oldest_age < 60]));
    out.note(
        "ids",
        json!(db.queue_ids().unwrap().into_iter().collect::<BTreeSet<_>>()),
    );
    let rcpts: Vec<Value> = db
        .queue_recipients()
        .unwrap()
        .iter()
        .map(|r| json!([r.message_id, r.address, r.local, r.status, r.attempts]))
        .collect();
    out.note("recipients", json!(rcpts));
    let mut due = db.queue_local_due(10).unwrap();
    due.sort();
    out.note("local due", json!(due));
    out.note(
        "senders",
        json!([
            db.queue_sender("M1").unwrap(),
            db.queue_sender("M2").unwrap(),
            db.queue_sender("nope").unwrap()
        ]),
    );
    s1
}

fn local_delivery(db: &mut Db, s1: &Sum, out: &mut Answers) {
    // Local delivery of M1: claimed, not claimable by another, recorded with a forward.
    let claim = db
        .queue_local_claim("M1", "node-a", 600, false)
        .unwrap()
        .unwrap();
    let lines: Vec<Value> = claim
        .recipients
        .iter()
        .map(|r| json!([r.address, r.attempts, r.interrupted, r.folder]))
        .collect();
    out.note(
        "local claim",
        json!([
            claim.sender,
            claim.folder,
            claim.spool.as_ref() == Some(s1),
            lines
        ]),
    );
    out.note(
        "local claim by another",
        json!(
            db.queue_local_claim("M1", "node-b", 600, true)
                .unwrap()
                .is_none()
        ),
    );
    let l1 = claim.recipients[0].id;
    let done = db
        .queue_record(
            "M1",
            &[(l1, Outcome::Delivered)],
            &[("f@w.test".into(), "l1@here.test".into())],
        )
        .unwrap();
    out.note("local record", json!(done));
    let claim3 = db
        .queue_local_claim_many(&["M3".into(), "M2".into()], "node-a", 600, false)
        .unwrap();
    let got: Vec<Value> = claim3
        .iter()
        .map(|(id, c)| {
            json!([
                id,
                c.folder,
                c.recipients[0].address,
                c.recipients[0].folder
            ])
        })
        .collect();
    out.note("local claim many", json!(got));
    let l2 = claim3[0].1.recipients[0].id;
    db.queue_record(
        "M3",
        &[(
            l2,
            Outcome::Deferred {
                retry_in: 3600,
                error: "4.2.2 full".into(),
            },
        )],
        &[],
    )
    .unwrap();

    let (m, by_id) = db.queue_dsn("M1").unwrap();
    let by_addr: BTreeMap<String, (u8, Option<String>)> = db
        .queue_dsn_by_address("M1", &by_id)
        .unwrap()
        .into_iter()
        .map(|(a, d)| (a, (d.notify.0, d.orcpt)))
        .collect();
    out.note("dsn", json!([m.ret.map(|r| r.as_str()), m.envid, by_addr]));
}

fn outbound(db: &mut Db, out: &mut Answers) {
    // Outbound: one claimer gets everything due, the next nothing.
    let mut claimed = db.outbound_claim("node-a", 10, 600, false).unwrap();
    claimed.sort_by(|a, b| (&a.message_id, &a.address).cmp(&(&b.message_id, &b.address)));
    let c: Vec<Value> = claimed
        .iter()
        .map(|c| {
            json!([
                c.message_id,
                c.address,
                c.attempts,
                c.mail_from,
                c.size,
                c.smtputf8,
                c.spool.is_some()
            ])
        })
        .collect();
    out.note("outbound claim", json!(c));
    out.note(
        "outbound claim by another",
        json!(db.outbound_claim("node-b", 10, 600, true).unwrap().len()),
    );
    out.note(
        "next due while leased",
        json!(db.outbound_next_due().unwrap().map(|t| t > now() + 500)),
    );
    let id_of = |addr: &str| {
        claimed
            .iter()
            .find(|c| c.address == addr)
            .unwrap()
            .recipient_id
    };
    let result = |addr: &str, outcome, reply: &str| AttemptResult {
        recipient_id: id_of(addr),
        host: "mx.y.test".into(),
        outcome,
        reply: reply.into(),
    };
    let gone = db
        .outbound_record(&[
            (
                "M1".into(),
                vec![
                    result("o1@y.test", AttemptOutcome::Delivered, "250 ok"),
                    result(
                        "o2@y.test",
                        AttemptOutcome::Failed,
                        "550 5.1.1 no such user",
                    ),
                    result(
                        "f@w.test",
                        AttemptOutcome::Deferred(now() + 3600),
                        "451 4.3.0 later",
                    ),
                ],
            ),
            (
                "M2".into(),
                vec![result(
                    "o3@z.test",
                    AttemptOutcome::Failed,
                    "550 5.1.1 gone",
                )],
            ),
        ])
        .unwrap();
    out.note("outbound record", json!(gone));
    let mut bounces = db.bounces_due(10).unwrap();
    bounces.sort();
    out.note("bounces due", json!(bounces));
    let failed: Vec<Value> = db
        .failed_recipients("M1")
        .unwrap()
        .iter()
        .map(|(_, a, e)| json!([a, e]))
        .collect();
    out.note("failed recipients", json!(failed));
    out.note("attempts", json!(db.queue_attempts("M1").unwrap()));
    let o3 = db.failed_recipients("M2").unwrap()[0].0;
    out.note("bounced M2", json!(db.mark_bounced("M2", &[o3]).unwrap()));
    let o2 = db.failed_recipients("M1").unwrap()[0].0;
    out.note("bounced M1", json!(db.mark_bounced("M1", &[o2]).unwrap()));
    out.note("finish M1", json!(db.outbound_finish("M1").unwrap()));
    let warn: Vec<Value> = db
        .delay_warnings_due(now() + 10)
        .unwrap()
        .iter()
        .map(|d| json!([d.id, d.sender, d.recipients]))
        .collect();
    out.note("delay warnings", json!(warn));
    db.mark_warned("M1").unwrap();
    out.note(
        "delay warnings after",
        json!(db.delay_warnings_due(now() + 10).unwrap().len()),
    );
}

fn administration(db: &mut Db, dir: &Path, out: &mut Answers) {
    // The administrator's side, through the library and then the command line.
    out.note(
        "hold",
        json!(
            db.queue_set_held(&["M1".into(), "nope".into()], true)
                .unwrap()
        ),
    );
    out.note("held", json!(db.queue_entries(Filter::Held).unwrap()));
    out.note(
        "retry now",
        json!(db.queue_retry_now(&["M1".into()]).unwrap()),
    );
    out.note(
        "claim while held",
        json!(db.outbound_claim("node-a", 10, 600, false).unwrap().len()),
    );
    out.note(
        "release",
        json!(db.queue_set_held(&["M1".into()], false).unwrap()),
    );
    let again = db.outbound_claim("node-a", 10, 600, false).unwrap();
    out.note(
        "claim after release",
        json!(again.iter().map(|c| &c.address).collect::<Vec<_>>()),
    );
    let ids: Vec<i64> = again.iter().map(|c| c.recipient_id).collect();
    db.queue_renew_leases("node-a", &ids, now() + 900).unwrap();
    out.note("lease owners", json!(db.queue_lease_owners().unwrap()));
    out.note(
        "released",
        json!(db.queue_release_leases("node-a").unwrap()),
    );
    out.note("retry all", json!(db.queue_retry_now(&[]).unwrap()));
    db.queue_quarantine("M3", "sum mismatch").unwrap();
    out.note(
        "quarantined",
        json!(db.queue_entries(Filter::Quarantined).unwrap()),
    );
    out.note(
        "local due after quarantine",
        json!(db.queue_local_due(10).unwrap()),
    );
    db.record_tls_failure("MX.Y.test", "handshake").unwrap();
    out.note(
        "tls failures",
        json!(
            db.tls_failed_hosts(&["mx.y.test".into(), "z.test".into()])
                .unwrap()
        ),
    );
    for args in [
        &["queue", "list"][..],
        &["queue", "list", "--deferred"],
        &["queue", "list", "--quarantined"],
        &["queue", "show", "M1"],
        &["queue", "show", "nope"],
        &["queue", "hold", "M1"],
        &["queue", "list", "--held"],
        &["queue", "release", "M1"],
        &["queue", "retry", "M1"],
        &["trace", "A@X.test"],
        &["trace", "<M2@x.test>"],
        &["trace", "o3@z.test"],
        &["queue", "delete", "M3"],
        &["trace", "M3"],
    ] {
        out.note(&format!("mailctl {args:?}"), json!(cli(dir, args)));
    }
    for q in ["a@x.test", "B@x.test", "M2", "l1@here.test", "m2@x.test"] {
        out.note(&format!("trace {q}"), json!(db.trace(q, 0).unwrap()));
    }
    out.note("delete all", json!(db.queue_delete(None).unwrap()));
    out.note("expired", json!(db.history_expire(now() + 1).unwrap()));
    // An empty queue only: a flush with mail queued would look up its destinations (and its
    // local recipients need the Sieve and mailbox-index ports, not yet on PostgreSQL).
    out.note(
        "mailctl queue flush (empty queue)",
        json!(cli(dir, &["queue", "flush"])),
    );
    out.note(
        "figures at the end",
        json!(db.queue_figures().unwrap().messages),
    );
}

#[test]
fn the_same_queue_operations_give_the_same_answers_on_sqlite_and_postgres() {
    let Some(pg) = PgServer::start() else { return };
    let (lite_dir, post_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let lite = scenario(&mut open(lite_dir.path(), None), lite_dir.path());
    let url = pg.database();
    let post = scenario(&mut open(post_dir.path(), Some(&url)), post_dir.path());
    assert_eq!(lite.0.len(), post.0.len());
    for ((name, a), (_, b)) in lite.0.iter().zip(&post.0) {
        assert_eq!(a, b, "{name}: SQLite (left) and PostgreSQL differ");
    }
    // The scenario really did things: the commands succeeded (but the one about a message
    // that is not there), the history kept timelines.
    for (name, v) in &lite.0 {
        if name.starts_with("mailctl") {
            let want = if name.contains("nope") { 1 } else { 0 };
            assert_eq!(v[0], want, "{name}: {v}");
        }
    }
    assert_eq!(lite.get("trace a@x.test").as_array().map(Vec::len), Some(1));
    assert_eq!(lite.get("trace M2")[0]["outcome"], "bounced");
    assert_eq!(lite.get("expired"), &json!(3));
    assert!(!post_dir.path().join("mailctl.db").exists());
}

/// Queues `n` messages with `per` outbound and one local recipient each.
fn fill(db: &mut Db, n: usize, per: usize) -> BTreeSet<(String, String)> {
    let mut all = BTreeSet::new();
    for i in 0..n {
        let id = format!("C{i:03}");
        let mut rcpts: Vec<(String, bool)> = (0..per)
            .map(|j| (format!("r{j}@far{i}.test"), false))
            .collect();
        rcpts.push((format!("local{i}@here.test"), true));
        db.queue_insert(&message(&id, "s@x.test", None), &rcpts)
            .unwrap();
        all.extend(rcpts.into_iter().map(|(a, _)| (id.clone(), a)));
    }
    all
}

/// Two nodes (two `Db` handles on one PostgreSQL database) claim outbound and local
/// recipients at once, in small batches, as their queue runners do: together they claim
/// every recipient, and no recipient twice.
#[test]
fn two_nodes_claiming_at_once_get_every_recipient_exactly_once() {
    let Some(pg) = PgServer::start() else { return };
    let url = pg.database();
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let all = fill(&mut open(dirs[0].path(), Some(&url)), 60, 4);
    let ids: Vec<String> = (0..60).map(|i| format!("C{i:03}")).collect();
    let start = Arc::new(Barrier::new(2));
    let nodes: Vec<_> = dirs
        .iter()
        .enumerate()
        .map(|(n, dir)| {
            let (dir, url, start, ids) = (
                dir.path().to_path_buf(),
                url.clone(),
                start.clone(),
                ids.clone(),
            );
            std::thread::spawn(move || {
                let mut db = open(&dir, Some(&url));
                let owner = format!("node-{n}");
                let mut got = Vec::new();
                start.wait();
                // Local claims go by batches of 5 messages, as the deliverer takes them
                // (a node's claim also returns what it leased already, so each batch once);
                // outbound claims by 3 recipients until none is left. Bounded: 60 x 4
                // outbound recipients take far fewer rounds.
                let mut batches = ids.chunks(5);
                for _ in 0..400 {
                    let batch = db.outbound_claim(&owner, 3, 600, false).unwrap();
                    let chunk = batches.next();
                    if batch.is_empty() && chunk.is_none() {
                        break;
                    }
                    got.extend(batch.into_iter().map(|c| (c.message_id, c.address)));
                    let local =
                        db.queue_local_claim_many(chunk.unwrap_or_default(), &owner, 600, false);
                    for (id, c) in local.unwrap() {
                        got.extend(c.recipients.into_iter().map(|r| (id.clone(), r.address)));
                    }
                }
                got
            })
        })
        .collect();
    let got: Vec<Vec<(String, String)>> = nodes.into_iter().map(|t| t.join().unwrap()).collect();
    let mut seen = BTreeMap::new();
    for (n, claims) in got.iter().enumerate() {
        for c in claims {
            if let Some(other) = seen.insert(c.clone(), n) {
                panic!("{c:?} was claimed by node {other} and by node {n}");
            }
        }
    }
    assert_eq!(
        seen.keys().cloned().collect::<BTreeSet<_>>(),
        all,
        "every recipient claimed"
    );
    // Both nodes took part (the claims ran side by side, not one after the other).
    assert!(
        got.iter().all(|g| !g.is_empty()),
        "{:?}",
        got.iter().map(Vec::len).collect::<Vec<_>>()
    );
}

/// A node in the middle of a claim holds its rows locked until it commits: another node's
/// claim skips them at once (it neither waits nor claims them too). The database's
/// `lock_timeout` turns a claim that would wait into an error.
#[test]
fn a_claim_in_progress_on_another_node_is_skipped_not_waited_for() {
    let Some(pg) = PgServer::start() else { return };
    let url = pg.database();
    let name = url.rsplit('/').next().unwrap().to_string();
    pg.client("postgres")
        .batch_execute(&format!("ALTER DATABASE {name} SET lock_timeout = '3s'"))
        .unwrap();
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut node_b = open(b.path(), Some(&url));
    fill(&mut open(a.path(), Some(&url)), 2, 2);
    // Node A's claim transaction, stopped after its read (its locks held, its lease not yet
    // written): the first message's recipients.
    let mut node_a = pg.client(&name);
    let mut tx = node_a.transaction().unwrap();
    let locked = tx
        .query(
            "SELECT id FROM queue_recipients WHERE message_id = 'C000' FOR UPDATE SKIP LOCKED",
            &[],
        )
        .unwrap();
    assert_eq!(locked.len(), 3);
    let out = node_b.outbound_claim("node-b", 10, 600, false).unwrap();
    let mut got: Vec<(String, String)> =
        out.into_iter().map(|c| (c.message_id, c.address)).collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("C001".to_string(), "r0@far1.test".to_string()),
            ("C001".into(), "r1@far1.test".into())
        ]
    );
    let local = node_b
        .queue_local_claim_many(&["C000".into(), "C001".into()], "node-b", 600, false)
        .unwrap();
    assert_eq!(local.len(), 1);
    assert_eq!(local[0].0, "C001");
    tx.rollback().unwrap();
    // Node A gave up (or died) before writing its lease: the rows are free for anyone.
    assert_eq!(
        node_b
            .outbound_claim("node-b", 10, 600, false)
            .unwrap()
            .len(),
        2
    );
}

/// A node killed with its leases held (`kill -9`) loses nothing: once its leases run out
/// the other node claims the recipients, local ones marked as an interrupted attempt (the
/// copy may already be in the Maildir). A live lease of another node is never taken, and a
/// node never treats another node's lease owners as processes of its own.
#[test]
fn an_expired_lease_of_a_dead_node_is_taken_over_by_another() {
    let Some(pg) = PgServer::start() else { return };
    let url = pg.database();
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut node_a = open(a.path(), Some(&url));
    let mut node_b = open(b.path(), Some(&url));
    fill(&mut node_a, 2, 1);
    let dead = "outbound-4242-0badc0de@node-that-died";
    // C000 is leased by a live node; C001's lease ran out (its node died long ago).
    let live = node_a
        .outbound_claim("outbound-1-1@alive", 1, 600, false)
        .unwrap();
    assert_eq!(live[0].message_id, "C000");
    assert_eq!(
        node_a.outbound_claim(dead, 1, -1, false).unwrap()[0].message_id,
        "C001"
    );
    assert!(
        node_a
            .queue_local_claim("C000", "local-1-1@alive", 600, false)
            .unwrap()
            .is_some()
    );
    assert!(
        node_a
            .queue_local_claim("C001", dead, -1, false)
            .unwrap()
            .is_some()
    );
    let taken = node_b.outbound_claim("node-b", 10, 600, false).unwrap();
    assert_eq!(
        taken
            .iter()
            .map(|c| c.message_id.as_str())
            .collect::<Vec<_>>(),
        ["C001"],
        "the expired lease is taken over, the live one is not"
    );
    let local = node_b
        .queue_local_claim_many(&["C000".into(), "C001".into()], "node-b", 600, false)
        .unwrap();
    assert_eq!(local.len(), 1);
    assert_eq!(local[0].0, "C001");
    assert!(
        local[0].1.recipients[0].interrupted,
        "a taken-over local attempt is interrupted"
    );
    // Another node's owners are not this node's processes to judge.
    let owners = node_b.queue_lease_owners().unwrap();
    assert!(owners.iter().all(|o| !o.ends_with("@alive")), "{owners:?}");
    assert!(owners.contains(&"node-b".to_string()), "{owners:?}");
}

/// `mailctl queue flush` on a PostgreSQL node: the outbound runner claims, sends through the
/// relay (a scripted receiver on loopback, so no destination is looked up), records the
/// reply, and the message leaves the queue for the delivery history.
#[test]
fn queue_flush_on_a_postgresql_node_delivers_through_its_relay() {
    let Some(pg) = PgServer::start() else { return };
    let url = pg.database();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut db = open(d, Some(&url));
    let port = common::net::free_port();
    let relay = fake::fake_mx("127.0.0.1", port, vec![fake::Script::default()]);
    for (k, v) in [
        ("relay.mode", "relay"),
        ("relay.host", "127.0.0.1"),
        ("relay.port", &port.to_string()),
        ("relay.tls", "none"),
        ("delivery.timeout", "5s"),
    ] {
        db.set_setting(k, v).unwrap();
    }
    let sum = spool(d, "F1");
    db.queue_insert(
        &message("F1", "a@x.test", Some(&sum)),
        &[("far@y.test".into(), false)],
    )
    .unwrap();
    let (code, j, err) = cli(d, &["queue", "flush"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(j["outbound"]["delivered"], 1, "{j}");
    let sent = relay.lock().unwrap().concat();
    assert!(sent.contains("RCPT TO:<far@y.test>"), "{sent}");
    assert!(sent.contains("Message-ID: <F1@x.test>"), "{sent}");
    assert!(db.queue_ids().unwrap().is_empty());
    let t = db.trace("far@y.test", 0).unwrap();
    assert_eq!((t.len(), t[0].outcome.as_str()), (1, "delivered"));
    assert_eq!(t[0].attempts[0].reply, "250 2.0.0 queued");
}

/// The commit after which the SMTP server says 250 is one round trip on PostgreSQL: the
/// batch's inserts go with its BEGIN and COMMIT (`Sql::defer`). And all or none: a batch
/// whose second message repeats a queued id stores neither.
#[test]
fn a_queued_batch_is_one_round_trip_and_all_or_none_on_postgresql() {
    let Some(pg) = PgServer::start() else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut db = open(dir.path(), Some(&pg.database()));
    let rcpts = [
        ("a@remote.test".to_string(), false),
        ("b@local.test".to_string(), true),
    ];
    // Its statements prepared first (a round trip each, once per connection).
    db.queue_insert(&message("R0", "s@x.test", None), &rcpts)
        .unwrap();
    let before = mailctl::maildir::index::Index::round_trips();
    db.queue_insert(&message("R1", "s@x.test", None), &rcpts)
        .unwrap();
    assert_eq!(
        mailctl::maildir::index::Index::round_trips() - before,
        1,
        "BEGIN, both inserts and COMMIT in one round trip"
    );
    let batch = [
        (message("R2", "s@x.test", None), &rcpts[..]),
        (message("R1", "s@x.test", None), &rcpts[..]),
    ];
    let err = db.queue_insert_many(&batch).unwrap_err().to_string();
    assert!(err.contains("duplicate key"), "{err}");
    assert_eq!(
        db.queue_sender("R2").unwrap(),
        None,
        "R2 went with the failed batch"
    );
    assert_eq!(db.queue_sender("R1").unwrap().as_deref(), Some("s@x.test"));
    // The connection goes on.
    db.queue_insert(&message("R3", "s@x.test", None), &rcpts)
        .unwrap();
    assert_eq!(db.queue_figures().unwrap().messages, 3);
}
