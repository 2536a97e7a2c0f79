//! `mailctl backup`, `backup --verify`, `restore` and `upgrade` against the real binary:
//! a backup taken while SMTP delivers, restored onto a fresh data directory and served on
//! other ports, must hold every message acknowledged before it began, none torn, with the
//! same UIDVALIDITY and UIDs and passwords (issue 22.1); upgrades keep a copy of the core
//! and refuse a schema newer than the binary with the command that goes back (22.2).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::cli::{json, mailctl, mailctl_ok, text};
use common::postgres::PgServer;
use common::serve::Serve;
use common::tools::python;
use common::users::{PASSWORD, example_test_in};

const LISTENERS: [&str; 5] = ["smtp", "submission", "submissions", "imap", "imaps"];

/// SQLite only, whatever `MAILCTL_TEST_ENGINE` says: `backup` snapshots the SQLite core and
/// mailbox indexes; a PostgreSQL core is backed up with PostgreSQL's own tools (pg_dump).
fn sqlite_server() -> tempfile::TempDir {
    let dir = common::engine::sqlite_data_dir();
    example_test_in(dir.path(), "", &["localhost"]);
    dir
}

/// Sends messages `first..first+n` to bob over SMTP, one session; prints `ACK subject time`
/// after each 250.
const LOAD: &str = r#"
import smtplib, sys, time
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=30)
first, n = int(sys.argv[2]), int(sys.argv[3])
for i in range(first, first + n):
    subj = "m%03d" % i
    body = ("Subject: %s\r\nFrom: alice@example.test\r\nTo: bob@example.test\r\n\r\n" % subj
            + ("line %d of a message long enough to take a moment\r\n" % i) * 300
            + "END-%s\r\n" % subj)
    s.sendmail("alice@example.test", ["bob@example.test"], body.encode())
    print("ACK", subj, time.time(), flush=True)
s.quit()
"#;

/// Logs in as bob and prints `UIDVALIDITY v`, then `uid subject complete|TORN` per message
/// of INBOX (complete: the body ends with its END line).
const LIST: &str = r#"
import imaplib, sys, re
c = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]), timeout=30)
c.login("bob@example.test", sys.argv[2])
typ, d = c.select("INBOX")
assert typ == "OK", d
print("UIDVALIDITY", c.response("UIDVALIDITY")[1][0].decode())
if int(d[0]) > 0:
    typ, data = c.fetch("1:*", "(UID BODY.PEEK[])")
    assert typ == "OK", data
    for item in data:
        if isinstance(item, tuple):
            uid = re.search(rb"UID (\d+)", item[0]).group(1).decode()
            subj = re.search(rb"Subject: (\S+)", item[1]).group(1).decode()
            ok = item[1].rstrip().endswith(b"END-" + subj.encode())
            print(uid, subj, "complete" if ok else "TORN")
c.logout()
"#;

struct Listing {
    uidvalidity: String,
    /// subject -> uids (a list: a duplicate would show).
    by_subject: BTreeMap<String, Vec<u32>>,
}

fn list(imap: u16) -> Listing {
    let out = python(LIST, &[&imap.to_string(), PASSWORD]);
    let mut lines = out.lines();
    let uidvalidity = lines
        .next()
        .and_then(|l| l.strip_prefix("UIDVALIDITY "))
        .unwrap_or_else(|| panic!("{out}"))
        .to_string();
    let mut by_subject: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for l in lines {
        let f: Vec<&str> = l.split_whitespace().collect();
        assert_eq!(f.get(2), Some(&"complete"), "a torn message: {l}\n{out}");
        by_subject
            .entry(f[1].to_string())
            .or_default()
            .push(f[0].parse().unwrap());
    }
    Listing {
        uidvalidity,
        by_subject,
    }
}

fn wait_queue_empty(dir: &Path) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let q = json(dir, &["queue", "list"]);
        let n = q.as_array().map_or(0, Vec::len);
        if n == 0 {
            return;
        }
        assert!(Instant::now() < deadline, "queue never emptied: {q:#}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

#[test]
fn backup_during_delivery_restores_every_acknowledged_message_with_its_uid() {
    common::tools::require("python3");
    let dir = sqlite_server();
    let p = dir.path();
    let srv = Serve::start(p, &["smtp", "imap", "--allow-root"], &LISTENERS);
    let smtp = srv.port("smtp").to_string();
    python(LOAD, &[&smtp, "0", "5"]);
    wait_queue_empty(p);
    // The index gives these UIDs now: the state an IMAP client caches.
    let before = list(srv.port("imap"));
    assert_eq!(before.by_subject.len(), 5, "{}", srv.log());

    let load = std::thread::spawn(move || python(LOAD, &[&smtp, "5", "40"]));
    let md = common::maildir::of(p, "bob", "example.test");
    common::maildir::wait(&md, 8);
    let backups = tempfile::tempdir().unwrap();
    let full = backups.path().join("full");
    let snapshot_point = now();
    let out = mailctl(p, &["backup", full.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let acks = load.join().unwrap();
    let acked_before: BTreeSet<String> = acks
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.first() == Some(&"ACK") && f[2].parse::<f64>().unwrap() < snapshot_point)
                .then(|| f[1].to_string())
        })
        .collect();
    // Whether the load really ran across the backup (it usually does; the assertions
    // below hold either way).
    eprintln!(
        "acknowledged before the backup: {} of the 40 sent meanwhile",
        acked_before.len()
    );
    let ok = mailctl_ok(p, &["backup", "--verify", full.to_str().unwrap()]);
    assert!(ok.contains("match the manifest"), "{ok}");

    // A restore onto the live data directory is refused, even with --force.
    for extra in [&[][..], &["--force"][..]] {
        let mut args = vec!["restore", full.to_str().unwrap()];
        args.extend_from_slice(extra);
        let out = mailctl(p, &args);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        assert!(text(&out).contains("is running"), "{}", text(&out));
    }

    let fresh = tempfile::tempdir().unwrap();
    let r = fresh.path().join("data");
    mailctl_ok(&r, &["restore", full.to_str().unwrap()]);
    let srv2 = Serve::start(&r, &["smtp", "imap", "--allow-root"], &LISTENERS);
    wait_queue_empty(&r);
    // bob logs in with his password (list() does), every message is complete.
    let after = list(srv2.port("imap"));
    assert_eq!(after.uidvalidity, before.uidvalidity);
    for (subject, uids) in &before.by_subject {
        assert_eq!(after.by_subject.get(subject), Some(uids), "{subject}");
    }
    for s in &acked_before {
        assert!(
            after.by_subject.contains_key(s),
            "{s} acknowledged before the backup is lost"
        );
    }
    let sent: BTreeSet<String> = (0..45).map(|i| format!("m{i:03}")).collect();
    assert!(after.by_subject.keys().all(|s| sent.contains(s)));
    // One SMTP session acknowledges in order, so what the snapshot holds is a prefix of
    // what was sent: a gap would be an acknowledged message missing while a later one is in.
    let n = after.by_subject.len();
    let prefix: BTreeSet<String> = (0..n).map(|i| format!("m{i:03}")).collect();
    assert_eq!(
        after.by_subject.keys().cloned().collect::<BTreeSet<_>>(),
        prefix,
        "not a prefix of the sent messages"
    );
    drop(srv2);

    // Incremental: only what arrived since; restorable through its base.
    wait_queue_empty(p);
    // IMAP gives the new messages their UIDs first, so the index snapshot holds them.
    let live = list(srv.port("imap"));
    let inc = backups.path().join("inc");
    let got = json(
        p,
        &[
            "backup",
            inc.to_str().unwrap(),
            "--incremental-from",
            full.to_str().unwrap(),
        ],
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(inc.join("manifest.json")).unwrap()).unwrap();
    let full_manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(full.join("manifest.json")).unwrap()).unwrap();
    let names = |m: &serde_json::Value, own: bool| -> BTreeSet<String> {
        m["files"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "message" && (!own || e.get("base").is_none()))
            .map(|e| {
                let name = e["path"].as_str().unwrap().rsplit('/').next().unwrap();
                name.split(':').next().unwrap().to_string()
            })
            .collect()
    };
    let in_full = names(&full_manifest, false);
    let own = names(&manifest, true);
    assert!(!own.is_empty(), "{got:#}");
    assert!(own.is_disjoint(&in_full), "{own:?} were in the full backup");
    assert_eq!(
        names(&manifest, false),
        in_full.union(&own).cloned().collect()
    );
    for e in manifest["files"].as_array().unwrap() {
        if e.get("base").is_some() {
            assert!(!inc.join(e["path"].as_str().unwrap()).exists(), "{e}");
        }
    }
    let r3 = fresh.path().join("inc-restored");
    mailctl_ok(&r3, &["restore", inc.to_str().unwrap()]);
    let srv3 = Serve::start(&r3, &["smtp", "imap", "--allow-root"], &LISTENERS);
    let restored = list(srv3.port("imap"));
    assert_eq!(restored.by_subject, live.by_subject);
    assert_eq!(restored.uidvalidity, live.uidvalidity);
    drop(srv3);
    drop(srv);

    // Restoring onto a non-empty directory needs --force, which moves it aside.
    let out = mailctl(&r, &["restore", full.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("--force"), "{}", text(&out));
    mailctl_ok(&r, &["restore", full.to_str().unwrap(), "--force"]);

    // A flipped byte in a copied file (not a hard link the live Maildir shares).
    let cert = full.join("data/tls/cert.pem");
    let mut bytes = std::fs::read(&cert).unwrap();
    bytes[40] ^= 0x20;
    std::fs::write(&cert, bytes).unwrap();
    let out = mailctl(p, &["backup", "--verify", full.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("data/tls/cert.pem"), "{}", text(&out));
    let out = mailctl(
        &fresh.path().join("other"),
        &["restore", full.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(!fresh.path().join("other/mailctl.db").exists());
}

#[test]
fn packed_backup_round_trips() {
    let dir = sqlite_server();
    let p = dir.path();
    let backups = tempfile::tempdir().unwrap();
    let packed = backups.path().join("b.tar.zst");
    let got = json(p, &["backup", packed.to_str().unwrap()]);
    assert_eq!(got["format"], "tar.zst", "{got:#}");
    mailctl_ok(p, &["backup", "--verify", packed.to_str().unwrap()]);
    let r = backups.path().join("restored");
    mailctl_ok(&r, &["restore", packed.to_str().unwrap()]);
    let users = json(&r, &["user", "list"]);
    assert_eq!(users.as_array().map(Vec::len), Some(2), "{users:#}");
}

#[test]
fn upgrade_keeps_a_copy_check_predicts_and_a_newer_schema_is_refused_with_the_way_back() {
    // SQLite only: the copy `upgrade` keeps is of the SQLite core.
    let dir = common::engine::sqlite_data_dir();
    let p = dir.path();
    // An older release's data directory: schema 10.
    let old = |args: &[&str]| {
        let mut cmd = common::cli::command(p);
        cmd.args(args).env("MAILCTL_TEST_SCHEMA_LIMIT", "10");
        common::cli::run(cmd, None, Duration::from_secs(60))
    };
    assert!(
        old(&["domain", "add", "example.test", "--create"])
            .status
            .success()
    );
    let plan = json(p, &["upgrade", "--check"]);
    assert_eq!(
        (plan["found"].as_i64(), plan["can"].as_bool()),
        (Some(10), Some(true))
    );
    let steps: Vec<i64> = plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["version"].as_i64().unwrap())
        .collect();
    let known = plan["known"].as_i64().unwrap();
    assert_eq!(steps, (11..=known).collect::<Vec<_>>());

    // A migration failing half-way leaves the database as it was, the copy taken.
    let mut cmd = common::cli::command(p);
    cmd.args(["domain", "list"])
        .env("MAILCTL_TEST_FAIL_MIGRATION", "12");
    let out = common::cli::run(cmd, None, Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(p.join("backups/pre-upgrade-v10.db").is_file());
    assert_eq!(json(p, &["upgrade", "--check"])["found"].as_i64(), Some(10));

    // The real upgrade: what --check predicted.
    let domains = json(p, &["domain", "list"]);
    assert_eq!(domains[0]["domain"], "example.test", "{domains:#}");
    let now = json(p, &["upgrade", "--check"]);
    assert_eq!(now["found"].as_i64(), Some(known));
    assert_eq!(now["steps"].as_array().map(Vec::len), Some(0));

    // Back to the old binary: refused, with the command that restores the copy.
    let out = old(&["domain", "list"]);
    assert_eq!(out.status.code(), Some(1));
    let msg = text(&out);
    assert!(msg.contains("newer than this mailctl knows"), "{msg}");
    assert!(
        msg.contains("mailctl upgrade --restore-snapshot --data-dir"),
        "{msg}"
    );
    assert!(old(&["upgrade", "--restore-snapshot"]).status.success());
    let out = old(&["domain", "list", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("example.test"));

    // Upgraded again, the copy stays until a daemon starts without migrating.
    mailctl_ok(p, &["domain", "list"]);
    let copy = p.join("backups/pre-upgrade-v10.db");
    assert!(copy.is_file());
    // As in common::users::example_test: the daemon runs as whoever starts it.
    mailctl_ok(p, &["config", "set", "server.user", ""]);
    mailctl::net::tls::write_self_signed(
        &["localhost".to_string()],
        &p.join("tls/cert.pem"),
        &p.join("tls/key.pem"),
    )
    .unwrap();
    let srv = Serve::start(p, &["imap", "--allow-root"], &["imap", "imaps"]);
    let deadline = Instant::now() + Duration::from_secs(20);
    while copy.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        !copy.exists(),
        "not pruned after a good start:\n{}",
        srv.log()
    );
}

/// The schema version row of a PostgreSQL core, moved by `by` (a database migrated by an
/// older or a newer mailctl); returns the new value.
fn shift_pg_schema(pg: &PgServer, url: &str, by: i64) -> i64 {
    let mut c = pg.client(url.rsplit('/').next().unwrap());
    c.execute("UPDATE mailctl_schema SET version = version + $1", &[&by])
        .unwrap();
    c.query_one("SELECT version FROM mailctl_schema", &[])
        .unwrap()
        .get(0)
}

/// `upgrade --check` on a PostgreSQL core (issue 21) reads the schema there, not a SQLite
/// file: up to date, what an older schema would get (and that a pg_dump, not a copy in
/// backups/, is the way back), exit 1 for a schema newer than this binary, and v0 for a
/// database mailctl never used; checking migrates nothing. Runs whatever `MAILCTL_TEST_ENGINE` says, on a PostgreSQL of its own.
#[test]
fn upgrade_check_on_a_postgres_core_reads_its_schema_there() {
    let Some(pg) = PgServer::start() else { return };
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let url = pg.database();
    std::fs::write(p.join("database.url"), format!("{url}\n")).unwrap();
    mailctl_ok(p, &["domain", "add", "example.test"]);

    let plan = json(p, &["upgrade", "--check"]);
    let known = plan["known"].as_i64().unwrap();
    assert_eq!(plan["found"].as_i64(), Some(known), "{plan:#}");
    assert_eq!(plan["steps"].as_array().map(Vec::len), Some(0), "{plan:#}");
    assert_eq!(plan["engine"], "postgres", "{plan:#}");
    assert!(plan["snapshot"].is_null(), "{plan:#}");
    let out = mailctl_ok(p, &["upgrade", "--check"]);
    assert!(
        out.contains(&format!("up to date: schema v{known}")),
        "{out}"
    );

    // Migrated by an older mailctl: the last step is what this one would run.
    assert_eq!(shift_pg_schema(&pg, &url, -1), known - 1);
    let plan = json(p, &["upgrade", "--check"]);
    assert_eq!(plan["found"].as_i64(), Some(known - 1), "{plan:#}");
    assert_eq!(
        plan["steps"][0]["version"].as_i64(),
        Some(known),
        "{plan:#}"
    );
    assert_eq!(plan["steps"].as_array().map(Vec::len), Some(1), "{plan:#}");
    let out = mailctl_ok(p, &["upgrade", "--check"]);
    assert!(
        out.contains(&format!("would migrate schema v{} to v{known}", known - 1)),
        "{out}"
    );
    assert!(out.contains("pg_dump"), "{out}");
    assert!(
        !out.contains("pre-upgrade"),
        "no copy is kept on PostgreSQL: {out}"
    );
    assert_eq!(shift_pg_schema(&pg, &url, 0), known - 1, "--check migrated");

    // Migrated by a newer mailctl: refused, with the way back.
    assert_eq!(shift_pg_schema(&pg, &url, 2), known + 1);
    let out = mailctl(p, &["upgrade", "--check"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let msg = text(&out);
    assert!(msg.contains("newer than this mailctl knows"), "{msg}");
    assert!(msg.contains("restore the pg_dump"), "{msg}");
    assert!(!msg.contains("mailctl-test-pw"), "{msg}");
    let out = mailctl(p, &["--json", "upgrade", "--check"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (plan["found"].as_i64(), plan["can"].as_bool()),
        (Some(known + 1), Some(false))
    );
    // Any other command names the way back too.
    let out = mailctl(p, &["domain", "list"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("restore the pg_dump"), "{}", text(&out));
    assert!(!p.join("mailctl.db").exists(), "a SQLite file was made");

    // A database mailctl never used: every step, and checking creates nothing there.
    let empty = pg.database();
    std::fs::write(p.join("database.url"), format!("{empty}\n")).unwrap();
    let plan = json(p, &["upgrade", "--check"]);
    assert_eq!(plan["found"].as_i64(), Some(0), "{plan:#}");
    assert_eq!(
        plan["steps"].as_array().map(Vec::len),
        Some(known as usize),
        "{plan:#}"
    );
    let tables: i64 = pg
        .client(empty.rsplit('/').next().unwrap())
        .query_one(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(tables, 0, "--check created tables");
}

/// `upgrade --restore-snapshot` on a PostgreSQL core (here named by MAILCTL_DATABASE_URL)
/// refuses: mailctl keeps no file copies of it, and the hint says to restore the pg_dump.
/// A data directory with neither a SQLite core nor a database URL is still "no database".
#[test]
fn upgrade_restore_snapshot_on_a_postgres_core_refuses_with_the_way_back() {
    let none = tempfile::tempdir().unwrap();
    let out = mailctl(none.path(), &["upgrade", "--check"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("no mailctl database"), "{}", text(&out));

    let Some(pg) = PgServer::start() else { return };
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let url = pg.database();
    let with_url = |args: &[&str]| {
        let mut cmd = common::cli::command(p);
        cmd.args(args).env("MAILCTL_DATABASE_URL", &url);
        common::cli::run(cmd, None, Duration::from_secs(60))
    };
    assert!(
        with_url(&["domain", "add", "example.test"])
            .status
            .success()
    );
    let out = with_url(&["upgrade", "--restore-snapshot"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let msg = text(&out);
    assert!(
        msg.contains("no file snapshots for a PostgreSQL core"),
        "{msg}"
    );
    assert!(msg.contains("hint:") && msg.contains("pg_dump"), "{msg}");
    assert!(!p.join("mailctl.db").exists(), "a SQLite file was made");
}

/// The far UIDVALIDITY mbsync keeps in each folder's sync state under `home/local`.
fn mbsync_uidvalidities(home: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(home.join("local")).unwrap().flatten() {
        let state = e.path().join(".mbsyncstate");
        if let Ok(text) = std::fs::read_to_string(&state) {
            let v = text
                .lines()
                .find_map(|l| l.strip_prefix("FarUidValidity "))
                .unwrap_or_else(|| panic!("{}: {text}", state.display()));
            out.insert(e.file_name().to_string_lossy().into_owned(), v.to_string());
        }
    }
    out
}

/// An mbsync state made against the server before the backup stays valid against the
/// restored copy: mbsync exits 0 (no UIDVALIDITY complaint), fetches nothing again, and after
/// a delivery to the restored server fetches that one message alone (#22's check).
#[test]
fn an_mbsync_state_from_before_the_backup_syncs_against_the_restored_server() {
    common::tools::require("python3");
    let dir = sqlite_server();
    let p = dir.path();
    let srv = Serve::start(p, &["smtp", "imap", "--allow-root"], &LISTENERS);
    python(LOAD, &[&srv.port("smtp").to_string(), "0", "4"]);
    wait_queue_empty(p);
    let home = tempfile::tempdir().unwrap();
    let bob = "bob@example.test";
    common::mbsync::pull(home.path(), srv.port("imap"), bob, PASSWORD);
    let cached = common::mbsync::local_messages(home.path());
    assert_eq!(cached.len(), 4, "{cached:?}");
    let validities = mbsync_uidvalidities(home.path());
    assert!(validities.contains_key("INBOX"), "{validities:?}");

    let backups = tempfile::tempdir().unwrap();
    let full = backups.path().join("full");
    mailctl_ok(p, &["backup", full.to_str().unwrap()]);
    drop(srv);
    let r = backups.path().join("restored");
    mailctl_ok(&r, &["restore", full.to_str().unwrap()]);
    let srv2 = Serve::start(&r, &["smtp", "imap", "--allow-root"], &LISTENERS);

    let log = common::mbsync::pull(home.path(), srv2.port("imap"), bob, PASSWORD);
    assert_eq!(
        common::mbsync::local_messages(home.path()),
        cached,
        "fetched again:\n{log}"
    );
    assert_eq!(mbsync_uidvalidities(home.path()), validities, "{log}");

    // Mail delivered after the restore is fetched, alone.
    python(LOAD, &[&srv2.port("smtp").to_string(), "4", "1"]);
    wait_queue_empty(&r);
    let log = common::mbsync::pull(home.path(), srv2.port("imap"), bob, PASSWORD);
    let now = common::mbsync::local_messages(home.path());
    let new: Vec<&String> = now.iter().filter(|f| !cached.contains(f)).collect();
    assert_eq!(new.len(), 1, "{new:?}\n{log}");
    assert!(cached.iter().all(|f| now.contains(f)), "{now:?}\n{log}");
    let body = std::fs::read_to_string(new[0]).unwrap();
    assert!(body.contains("Subject: m004"), "{body}");
    assert_eq!(mbsync_uidvalidities(home.path()), validities, "{log}");
}
