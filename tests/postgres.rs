//! The PostgreSQL core (issue 21) against a real PostgreSQL 15: the same administration
//! commands give the same answers on SQLite and on PostgreSQL, both schemas hold the same
//! tables and columns, an older binary refuses a newer schema on both engines, and the
//! commands not yet ported refuse clearly on PostgreSQL instead of touching a SQLite file.
//! Bans, greylisting, Sieve scripts, vacation and forwarding answer the same on both
//! engines, and two nodes on one PostgreSQL database share bans, greylisting, send limits
//! and vacation replies.

mod common;

use std::path::Path;
use std::process::Output;

use common::cli::{command, run, text};
use common::postgres::PgServer;
use serde_json::Value;

/// One mailctl installation: a data directory (whose `database.url` may name PostgreSQL).
struct Node {
    dir: tempfile::TempDir,
}

impl Node {
    fn sqlite() -> Node {
        Node {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// A data directory whose `database.url` file names `url`: how a node is configured,
    /// so the commands below need no flag.
    fn postgres(url: &str) -> Node {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("database.url"), format!("{url}\n")).unwrap();
        Node { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut c = command(self.path());
        c.arg("--json").args(args);
        run(
            c,
            stdin.map(|s| s.as_bytes().to_vec()),
            std::time::Duration::from_secs(120),
        )
    }

    /// Exit code, stdout as JSON (timestamps and paths made comparable), stderr.
    fn answer(&self, args: &[&str], stdin: Option<&str>) -> (i32, Value, String) {
        let o = self.run(args, stdin);
        let dir = self.path().display().to_string();
        let out = String::from_utf8_lossy(&o.stdout).replace(&dir, "<dir>");
        let json = if out.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
        };
        let err = String::from_utf8_lossy(&o.stderr).replace(&dir, "<dir>");
        (o.status.code().unwrap_or(-1), normalise(json), err)
    }
}

/// Creation times differ between two runs; everything else must not.
fn normalise(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| match k.as_str() {
                    "created" | "moved_to" | "updated" | "first_seen" | "last_seen" | "until"
                        if !v.is_null() =>
                    {
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

const PW: Option<&str> = Some("correct horse\n");

/// The administration sequence both engines go through: successes and refusals alike.
const SEQUENCE: &[(&[&str], Option<&str>)] = &[
    (&["domain", "add", "example.org", "--create"], None),
    (&["domain", "add", "example.org"], None),
    (&["domain", "add", "example.net"], None),
    (&["config", "set", "auth.argon2_memory", "1M"], None),
    (&["config", "set", "auth.argon2_iterations", "1"], None),
    (
        &["user", "add", "alice@example.org", "--password-stdin"],
        PW,
    ),
    (
        &[
            "user",
            "add",
            "bob@example.org",
            "--password-stdin",
            "--quota",
            "1G",
        ],
        PW,
    ),
    (
        &["user", "add", "carol@example.net", "--password-stdin"],
        PW,
    ),
    (
        &["user", "add", "alice@example.org", "--password-stdin"],
        PW,
    ),
    (
        &["user", "add", "dave@nowhere.example", "--password-stdin"],
        PW,
    ),
    (&["user", "test-password", "alice@example.org"], PW),
    (
        &["user", "passwd", "alice@example.org", "--password-stdin"],
        Some("battery staple\n"),
    ),
    (&["user", "test-password", "alice@example.org"], PW),
    (
        &["user", "test-password", "alice@example.org"],
        Some("battery staple\n"),
    ),
    (&["user", "set", "bob@example.org", "--quota", "2G"], None),
    (&["user", "set", "bob@example.org", "--disable"], None),
    (
        &["user", "set", "bob@example.org", "--send-limit", "10"],
        None,
    ),
    (
        &[
            "user",
            "set",
            "alice@example.org",
            "--spam-junk-score",
            "4.5",
        ],
        None,
    ),
    (&["user", "test-password", "bob@example.org"], PW),
    (&["user", "list"], None),
    (&["user", "list", "example.net"], None),
    (
        &[
            "alias",
            "add",
            "info@example.org",
            "alice@example.org",
            "bob@example.org",
        ],
        None,
    ),
    (&["alias", "add", "@example.net", "carol@example.net"], None),
    (&["alias", "add", "x@example.org", "y@example.org"], None),
    (&["alias", "add", "y@example.org", "x@example.org"], None),
    (&["alias", "list"], None),
    (
        &["alias", "remove", "info@example.org", "bob@example.org"],
        None,
    ),
    (&["alias", "remove", "nobody@example.org"], None),
    (&["alias", "list", "example.org"], None),
    (&["config", "set", "smtp.max_message_size", "10M"], None),
    (&["config", "set", "smtp.max_message_size", "big"], None),
    (&["config", "get", "smtp.max_message_size"], None),
    (&["config", "list"], None),
    (&["domain", "list"], None),
    (&["domain", "remove", "example.net"], None),
    (&["domain", "remove", "example.net", "--force"], None),
    (&["user", "remove", "alice@example.org"], None),
    (&["user", "remove", "alice@example.org"], None),
    (&["domain", "list"], None),
    (&["user", "list"], None),
    (&["alias", "list"], None),
    (&["cluster", "status"], None),
];

#[test]
fn the_same_commands_give_the_same_answers_on_sqlite_and_postgres() {
    let Some(pg) = PgServer::start() else { return };
    let lite = Node::sqlite();
    let post = Node::postgres(&pg.database());
    for (args, stdin) in SEQUENCE {
        let a = lite.answer(args, *stdin);
        let b = post.answer(args, *stdin);
        assert_eq!(
            a, b,
            "mailctl {args:?}: SQLite (left) and PostgreSQL differ"
        );
    }
    // The sequence really did things (not two identical failures all along).
    let (code, users, _) = lite.answer(&["user", "list"], None);
    assert_eq!(code, 0);
    assert_eq!(users.as_array().map(Vec::len), Some(1), "{users}");
    // PostgreSQL held everything: no SQLite database appeared beside the URL file.
    assert!(!post.path().join("mailctl.db").exists());
}

/// `backup` copies SQLite files: on a PostgreSQL core it refuses and says what to use,
/// rather than claiming there is no database (found by the suite on PostgreSQL).
#[test]
fn backup_refuses_a_postgres_core_and_names_what_backs_it_up() {
    let Some(pg) = PgServer::start() else { return };
    let post = Node::postgres(&pg.database());
    assert_eq!(post.answer(&["domain", "add", "example.org"], None).0, 0);
    let dest = tempfile::tempdir().unwrap();
    let to = dest.path().join("b");
    let (code, _, err) = post.answer(&["backup", to.to_str().unwrap()], None);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("is on PostgreSQL") && err.contains("pg_dump"),
        "{err}"
    );
    assert!(!to.exists());
}

#[test]
fn the_url_can_come_from_the_environment_and_is_never_printed_with_its_password() {
    let Some(pg) = PgServer::start() else { return };
    let url = pg.database();
    let dir = tempfile::tempdir().unwrap();
    let env_run = |url: &str, args: &[&str]| {
        let mut c = command(dir.path());
        c.env("MAILCTL_DATABASE_URL", url).args(args);
        run(c, None, std::time::Duration::from_secs(120))
    };
    let o = env_run(&url, &["domain", "add", "example.org"]);
    assert!(o.status.success(), "{}", text(&o));
    // A wrong password fails with a hint that names where the URL comes from, without
    // echoing the password.
    let bad = url.replace("mailctl-test-pw", "wrong-secret");
    let o = env_run(&bad, &["domain", "list"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let t = text(&o);
    assert!(t.contains("cannot open the PostgreSQL core"), "{t}");
    assert!(t.contains("hint: check MAILCTL_DATABASE_URL"), "{t}");
    assert!(!t.contains("wrong-secret"), "{t}");
    let o = env_run(&url, &["--json", "domain", "list"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["domain"], "example.org", "{v}");
    assert!(!dir.path().join("mailctl.db").exists());
}

#[test]
fn an_older_binary_refuses_a_newer_schema_on_both_engines() {
    let Some(pg) = PgServer::start() else { return };
    let lite = Node::sqlite();
    assert_eq!(
        lite.answer(&["domain", "add", "a.example", "--create"], None)
            .0,
        0
    );
    let conn = rusqlite::Connection::open(lite.path().join("mailctl.db")).unwrap();
    let v: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    conn.pragma_update(None, "user_version", v + 1).unwrap();
    drop(conn);

    let url = pg.database();
    let post = Node::postgres(&url);
    assert_eq!(post.answer(&["domain", "add", "a.example"], None).0, 0);
    let db = url.rsplit('/').next().unwrap();
    pg.client(db)
        .batch_execute("UPDATE mailctl_schema SET version = version + 1")
        .unwrap();

    for node in [&lite, &post] {
        let (code, out, err) = node.answer(&["domain", "list"], None);
        assert_eq!(code, 1, "{err}");
        assert_eq!(out, Value::Null);
        assert!(err.contains("newer than this mailctl knows"), "{err}");
        assert!(
            err.contains("hint: a newer mailctl migrated this database"),
            "{err}"
        );
        assert!(!err.contains("mailctl-test-pw"), "{err}");
    }
}

/// The columns of every table, engine-neutral: name and whether it may be NULL.
fn sqlite_columns(path: &Path) -> Vec<(String, String, bool)> {
    let c = rusqlite::Connection::open(path).unwrap();
    let mut tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    tables.sort();
    let mut out = Vec::new();
    for t in tables {
        let mut s = c.prepare(&format!("PRAGMA table_info({t})")).unwrap();
        let cols = s
            .query_map([], |r| {
                let pk: i64 = r.get(5)?;
                Ok((
                    t.clone(),
                    r.get::<_, String>(1)?,
                    r.get::<_, bool>(3)? || pk > 0,
                ))
            })
            .unwrap();
        out.extend(cols.map(Result::unwrap));
    }
    out.sort();
    out
}

#[test]
fn migrations_give_postgres_the_same_tables_and_columns_as_sqlite() {
    let Some(pg) = PgServer::start() else { return };
    let lite = Node::sqlite();
    lite.answer(&["domain", "add", "a.example", "--create"], None);
    let url = pg.database();
    // Two nodes starting against one fresh database at once: one migrates, the other
    // waits for it and finds nothing left to do.
    let nodes = [Node::postgres(&url), Node::postgres(&url)];
    std::thread::scope(|s| {
        for n in &nodes {
            s.spawn(|| {
                let (code, _, err) = n.answer(&["domain", "list"], None);
                assert_eq!(code, 0, "{err}");
            });
        }
    });
    let db = url.rsplit('/').next().unwrap();
    let mut client = pg.client(db);
    let mut pg_cols: Vec<(String, String, bool)> = client
        .query(
            "SELECT table_name::text, column_name::text, is_nullable = 'NO'
             FROM information_schema.columns WHERE table_schema = 'public'
             AND table_name <> 'mailctl_schema'",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    pg_cols.sort();
    let lite_cols = sqlite_columns(&lite.path().join("mailctl.db"));
    assert_eq!(lite_cols, pg_cols);
    let version: i64 = client
        .query_one("SELECT version FROM mailctl_schema", &[])
        .unwrap()
        .get(0);
    let rows = client
        .query("SELECT version FROM mailctl_schema", &[])
        .unwrap()
        .len();
    assert_eq!(rows, 1, "one version row, however many nodes started");
    let lite_version: i64 = rusqlite::Connection::open(lite.path().join("mailctl.db"))
        .unwrap()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, lite_version);
}

#[test]
fn tls_to_postgres_is_verified_against_the_ca_the_url_names() {
    let Some(pg) = PgServer::start_tls() else {
        return;
    };
    // The server takes TCP logins over TLS only: success proves the connection was TLS.
    let url = pg.database_on("localhost");
    let ca = pg.ca();
    let ca = ca.display();
    let verified = Node::postgres(&format!("{url}&sslmode=verify-full&sslrootcert={ca}"));
    let (code, _, err) = verified.answer(&["domain", "add", "example.org"], None);
    assert_eq!(code, 0, "{err}");
    let (_, list, _) = verified.answer(&["domain", "list"], None);
    assert_eq!(list[0]["domain"], "example.org", "{list}");

    // Without the CA the certificate is not trusted; under another name it does not match;
    // without sslmode there is no TLS, which this server refuses.
    for (url, why) in [
        (format!("{url}&sslmode=require"), "invalid peer certificate"),
        (
            format!(
                "{}&sslmode=require&sslrootcert={ca}",
                url.replace("@localhost:", "@127.0.0.1:")
            ),
            "certificate not valid for name",
        ),
        (url.clone(), "no pg_hba.conf entry"),
    ] {
        let (code, _, err) = Node::postgres(&url).answer(&["domain", "list"], None);
        assert_eq!(code, 1, "{url}: {err}");
        assert!(err.contains("cannot connect to PostgreSQL"), "{url}: {err}");
        assert!(err.contains(why), "{url}: {err}");
    }
}

const KEEP: Option<&str> = Some(
    "require \"fileinto\";\nif header :contains \"subject\" \"x\" { fileinto \"X\"; }\nkeep;\n",
);

/// Bans, greylisting, Sieve scripts, vacation and forwarding: what both engines go through.
const STATE_SEQUENCE: &[(&[&str], Option<&str>)] = &[
    (&["domain", "add", "example.org", "--create"], None),
    (&["config", "set", "auth.argon2_memory", "1M"], None),
    (&["config", "set", "auth.argon2_iterations", "1"], None),
    (&["user", "add", "ann@example.org", "--password-stdin"], PW),
    (&["ban", "list"], None),
    (&["ban", "remove", "192.0.2.7"], None),
    (&["ban", "remove", "not-an-ip"], None),
    (&["greylist", "allow", "192.0.2.0/24"], None),
    (&["greylist", "allow", "192.0.2.9/24"], None),
    // In the order the list sorts them by, whether or not a second passes in between.
    (&["greylist", "allow", "2001:db8::/48"], None),
    (&["greylist", "allow", "example.com"], None),
    (&["greylist", "allow", "not a domain"], None),
    (&["greylist", "list"], None),
    (&["greylist", "remove", "example.com"], None),
    (&["greylist", "remove", "198.51.100.0/24"], None),
    (&["greylist", "list"], None),
    (&["sieve", "put", "ann@example.org", "one", "-"], KEEP),
    (
        &["sieve", "put", "ann@example.org", "two", "-"],
        Some("discard;\n"),
    ),
    (
        &["sieve", "put", "ann@example.org", "bad", "-"],
        Some("fileinto \"X\";\n"),
    ),
    (&["sieve", "put", "ghost@example.org", "one", "-"], KEEP),
    (&["sieve", "check", "ann@example.org", "-"], KEEP),
    (&["sieve", "list", "ann@example.org"], None),
    (&["sieve", "activate", "ann@example.org", "one"], None),
    (&["sieve", "activate", "ann@example.org", "two"], None),
    (&["sieve", "activate", "ann@example.org", "none"], None),
    (&["sieve", "get", "ann@example.org", "two"], None),
    (&["sieve", "delete", "ann@example.org", "two"], None),
    (&["sieve", "deactivate", "ann@example.org"], None),
    (&["sieve", "delete", "ann@example.org", "two"], None),
    (&["sieve", "list", "ann@example.org"], None),
    (
        &[
            "vacation",
            "set",
            "ann@example.org",
            "--subject",
            "Away",
            "--days",
            "3",
            "--body-file",
            "-",
        ],
        Some("Back on Monday.\n"),
    ),
    (
        &[
            "forward",
            "set",
            "ann@example.org",
            "bob@example.net",
            "--keep",
        ],
        None,
    ),
    (&["sieve", "list", "ann@example.org"], None),
    (
        &["sieve", "get", "ann@example.org", "mailctl-forward"],
        None,
    ),
    (&["vacation", "off", "ann@example.org"], None),
    (
        &["sieve", "get", "ann@example.org", "mailctl-forward"],
        None,
    ),
    (&["forward", "off", "ann@example.org"], None),
    (&["sieve", "activate", "ann@example.org", "one"], None),
    (
        &["vacation", "set", "ann@example.org", "--body-file", "-"],
        Some("Away.\n"),
    ),
    (&["sieve", "list", "ann@example.org"], None),
    (
        &[
            "sieve",
            "test",
            "ann@example.org",
            "--from",
            "bob@example.net",
            "--message",
            "-",
        ],
        Some("From: bob@example.net\r\nSubject: x marks\r\n\r\nHi.\r\n"),
    ),
    (
        &["user", "set", "ann@example.org", "--send-limit", "10,100"],
        None,
    ),
    (&["user", "show", "ann@example.org"], None),
    (&["user", "remove", "ann@example.org"], None),
    (&["sieve", "list", "ann@example.org"], None),
];

#[test]
fn bans_greylisting_sieve_vacation_and_forwarding_answer_the_same_on_both_engines() {
    let Some(pg) = PgServer::start() else { return };
    let lite = Node::sqlite();
    let post = Node::postgres(&pg.database());
    let mut worked = 0;
    for (args, stdin) in STATE_SEQUENCE {
        let a = lite.answer(args, *stdin);
        let b = post.answer(args, *stdin);
        assert_eq!(
            a, b,
            "mailctl {args:?}: SQLite (left) and PostgreSQL differ"
        );
        worked += usize::from(a.0 == 0);
    }
    // Most steps succeeded on both (the refusals are there on purpose, a few of them).
    assert!(worked >= STATE_SEQUENCE.len() - 12, "{worked}");
    let (_, list, _) = post.answer(&["greylist", "list"], None);
    assert!(list.to_string().contains("2001:db8::/48"), "{list}");
    assert!(!post.path().join("mailctl.db").exists());
}

/// The core of one node: its own data directory naming the shared database.
fn open_node(url: &str) -> (Node, mailctl::core::Db) {
    let node = Node::postgres(url);
    let db = mailctl::core::Db::open(&mailctl::core::DataDir::new(node.path())).unwrap();
    (node, db)
}

#[test]
fn two_nodes_on_one_database_see_the_same_bans_and_greylisting() {
    use mailctl::core::greylist::{Outcome, Pass, Timing, Triplet};
    let Some(pg) = PgServer::start() else { return };
    let url = pg.database();
    let (_a_dir, a) = open_node(&url);
    let (b_dir, mut b) = open_node(&url);

    // A ban decided on node A refuses the client on node B, and B's CLI lists it.
    a.set_setting("ban.threshold", "3").unwrap();
    assert!(!a.record_auth_failure("192.0.2.7").unwrap());
    assert!(!a.record_auth_failure("192.0.2.7").unwrap());
    assert!(b.ban_until("192.0.2.7").unwrap().is_none());
    assert!(a.record_auth_failure("192.0.2.7").unwrap());
    assert!(b.ban_until("192.0.2.7").unwrap().is_some());
    let (code, bans, err) = b_dir.answer(&["ban", "list"], None);
    assert_eq!(code, 0, "{err}");
    assert_eq!(bans[0]["ip"], "192.0.2.7", "{bans}");
    // Failures on both nodes add up to one count.
    assert!(!a.record_auth_failure("192.0.2.8").unwrap());
    assert!(!b.record_auth_failure("192.0.2.8").unwrap());
    assert!(b.record_auth_failure("192.0.2.8").unwrap());
    assert!(a.ban_until("192.0.2.8").unwrap().is_some());
    // Lifted on B, lifted everywhere.
    assert!(b.remove_ban("192.0.2.7").unwrap());
    assert!(a.ban_until("192.0.2.7").unwrap().is_none());

    // A triplet first seen by A is deferred on B until the delay has passed, then passes
    // there, and A remembers the pass.
    let timing = Timing {
        delay: 300,
        retry_window: 2 * 86400,
        max_age: 35 * 86400,
        auto_clients: 2,
    };
    let t = Triplet {
        client: "192.0.2.0/24",
        sender: "a@sender.test",
        recipient: "u@example.org",
    };
    let mut a = a;
    let now = 1_800_000_000;
    assert_eq!(
        a.greylist_check(&t, None, now, &timing).unwrap(),
        Outcome::Defer { retry_in: 300 }
    );
    assert_eq!(
        b.greylist_check(&t, None, now + 100, &timing).unwrap(),
        Outcome::Defer { retry_in: 200 }
    );
    assert_eq!(
        b.greylist_check(&t, None, now + 400, &timing).unwrap(),
        Outcome::Pass(Pass::Triplet)
    );
    let seen = a.greylist_triplets(10).unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!((seen[0].first_seen, seen[0].passes), (now, 1));
    assert_eq!(a.greylist_clients().unwrap()[0].passes, 1);
}

#[test]
fn nodes_submitting_at_once_never_pass_a_send_limit_together() {
    let Some(pg) = PgServer::start() else { return };
    let url = pg.database();
    let (_dir, db) = open_node(&url);
    db.add_domain(&mailctl::core::Domain::parse("example.org").unwrap())
        .unwrap();
    let user = mailctl::core::Address::parse("u@example.org").unwrap();
    db.add_user(&mailctl::core::users::NewUser {
        address: user.clone(),
        password_hash: "x".into(),
        quota: 0,
    })
    .unwrap();
    db.set_setting("submission.max_messages_per_hour", "5")
        .unwrap();
    let now = 1_800_000_000;
    // Four nodes, each trying three messages and three vacation replies to one sender at
    // the same moment: five messages are counted, one reply is sent.
    let (recorded, replies) = std::thread::scope(|s| {
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let (url, user) = (&url, &user);
                s.spawn(move || {
                    let (_dir, mut db) = open_node(url);
                    let sent = (0..3)
                        .filter(|_| db.send_record(user, 1, now).unwrap().is_none())
                        .count();
                    let replied = (0..3)
                        .filter(|_| {
                            db.vacation_claim(user, "bob@x.test", "h", now, 86_400)
                                .unwrap()
                        })
                        .count();
                    (sent, replied)
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|t| t.join().unwrap())
            .fold((0, 0), |(a, b), (c, d)| (a + c, b + d))
    });
    assert_eq!((recorded, replies), (5, 1));
    assert_eq!(db.send_usage(&user, now).unwrap().messages_last_hour, 5);
}

#[test]
fn two_nodes_share_screen_passes_sieve_scripts_and_expiry() {
    use mailctl::core::greylist::{Timing, Triplet};
    let Some(pg) = PgServer::start() else { return };
    let url = pg.database();
    let (_a_dir, mut a) = open_node(&url);
    let (_b_dir, b) = open_node(&url);
    let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();

    // Pre-greeting passes written on A are what B loads; only forward in time.
    a.screen_pass(ip("192.0.2.1"), 1000).unwrap();
    a.screen_pass(ip("2001:db8::1"), 2000).unwrap();
    b.screen_pass(ip("2001:db8::1"), 1500).unwrap();
    assert_eq!(
        b.screen_passes(0, 10).unwrap(),
        vec![(ip("2001:db8::1"), 2000), (ip("192.0.2.1"), 1000)]
    );
    assert_eq!(b.screen_expire(1001, 10).unwrap(), 1);
    assert!(a.screen_forget(ip("2001:db8::1")).unwrap());
    assert!(b.screen_passes(0, 10).unwrap().is_empty());

    // A script stored and activated on A is what delivery on B runs, with the
    // administrator's before-script.
    a.add_domain(&mailctl::core::Domain::parse("example.org").unwrap())
        .unwrap();
    let ann = mailctl::core::Address::parse("ann@example.org").unwrap();
    a.add_user(&mailctl::core::users::NewUser {
        address: ann.clone(),
        password_hash: "x".into(),
        quota: 0,
    })
    .unwrap();
    assert_eq!(b.delivery_sieve(&ann).unwrap().active, None);
    a.put_sieve_script(&ann, "main", "keep;").unwrap();
    a.activate_sieve_script(&ann, Some("main")).unwrap();
    a.set_setting("sieve.before", "/etc/before.sieve").unwrap();
    let d = b.delivery_sieve(&ann).unwrap();
    assert_eq!(d.active, Some(("main".into(), "keep;".into())));
    assert_eq!(
        (d.before.as_str(), d.after.as_str()),
        ("/etc/before.sieve", "")
    );

    // Greylisting's expiry on one node forgets for all.
    let timing = Timing {
        delay: 300,
        retry_window: 100,
        max_age: 1000,
        auto_clients: 1,
    };
    let t = Triplet {
        client: "192.0.2.0/24",
        sender: "a@sender.test",
        recipient: "ann@example.org",
    };
    a.greylist_check(&t, None, 0, &timing).unwrap();
    assert_eq!(b.greylist_expire(200, &timing).unwrap(), 1);
    assert!(a.greylist_triplets(10).unwrap().is_empty());
    // Removing a sender domain matches it after the `@` only, wildcards as themselves.
    a.greylist_check(&t, None, 300, &timing).unwrap();
    assert_eq!(b.greylist_remove("%").unwrap().total(), 0);
    assert_eq!(b.greylist_remove("sender.test").unwrap().triplets, 1);
    assert!(a.greylist_triplets(10).unwrap().is_empty());
}

/// A write deferred to travel with the transaction's next round trip (`Sql::defer`, what the
/// mailbox index's last write before COMMIT uses): committed with the transaction, seen by
/// the transaction's own next statement, dropped by a rollback, and when it fails, the
/// transaction fails and nothing of it stays, the writes before it neither.
#[test]
fn a_deferred_write_commits_with_its_transaction_or_not_at_all() {
    use mailctl::core::sql::Value;
    let kv = |k: &str, v: &str| [Value::from(k), Value::from(v)];
    let Some(pg) = PgServer::start() else { return };
    let (_node, db) = open_node(&pg.database());
    let sql = db.sql();
    let put = "INSERT INTO settings (key, value) VALUES (?1, ?2)";
    let value = |key: &str| -> Option<String> {
        sql.query_opt(
            "SELECT value FROM settings WHERE key = ?1",
            &[Value::from(key)],
        )
        .unwrap()
        .map(|r| r.get(0).unwrap())
    };
    // Prepared once per connection (a round trip of its own): not what is counted.
    sql.transaction(|| sql.defer(put, &kv("t.zero", "0")))
        .unwrap();
    let before = mailctl::maildir::index::Index::round_trips();
    sql.transaction(|| {
        sql.execute(put, &kv("t.first", "1"))?;
        sql.defer(put, &kv("t.second", "2"))?;
        sql.defer(put, &kv("t.third", "3"))
    })
    .unwrap();
    assert_eq!(
        mailctl::maildir::index::Index::round_trips() - before,
        2,
        "BEGIN with the first write; the deferred two with COMMIT"
    );
    assert_eq!(value("t.second").as_deref(), Some("2"));
    assert_eq!(value("t.third").as_deref(), Some("3"));

    // The transaction's next statement sees it.
    let seen = sql
        .transaction(|| {
            sql.defer(put, &kv("t.fourth", "4"))?;
            sql.query_one(
                "SELECT count(*) FROM settings WHERE key = ?1",
                &[Value::from("t.fourth")],
            )?
            .get::<i64>(0)
        })
        .unwrap();
    assert_eq!(seen, 1);

    // Rolled back: never sent.
    let failed: mailctl::core::Result<()> = sql.transaction(|| {
        sql.defer(put, &kv("t.fifth", "5"))?;
        Err(mailctl::core::CoreError::Invalid(
            "the caller gave up".into(),
        ))
    });
    assert!(failed.is_err());
    assert_eq!(value("t.fifth"), None);

    // Failing (the key exists): the COMMIT's round trip reports it, nothing stays.
    let failed = sql.transaction(|| {
        sql.execute(put, &kv("t.sixth", "6"))?;
        sql.defer(put, &kv("t.first", "again"))
    });
    let err = failed.expect_err("a duplicate key must fail the transaction");
    assert!(err.to_string().contains("duplicate key"), "{err}");
    assert_eq!(value("t.sixth"), None, "the write before it is rolled back");
    assert_eq!(value("t.first").as_deref(), Some("1"));
    // And the connection goes on working.
    sql.transaction(|| sql.defer(put, &[Value::from("t.seventh"), Value::Null]))
        .unwrap_err();
    sql.transaction(|| sql.defer(put, &kv("t.seventh", "7")))
        .unwrap();
    assert_eq!(value("t.seventh").as_deref(), Some("7"));
}
