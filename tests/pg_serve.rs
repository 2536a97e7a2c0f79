//! `mailctl serve` on a PostgreSQL core (issue 21 points 1, 2, 5), against a real
//! PostgreSQL 15: two nodes (ids `a` and `b`, listeners on 127.0.0.2 and 127.0.0.3) sharing
//! the core and one data directory. A message delivered by SMTP through node B wakes an
//! IMAP client idling on node A within a second (the hubs of PostgreSQL nodes run without
//! inotify: only LISTEN/NOTIFY can wake it); SELECT, FETCH, STORE, APPEND and EXPUNGE through
//! either node agree on UIDs; no SQLite index file appears in any Maildir; the `maildir`
//! commands work on the PostgreSQL core; a node refuses a schema newer than it knows.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use common::cli::{mailctl, mailctl_ok};
use common::cluster::Core;
use common::users::PASSWORD;

/// A raw IMAP connection: commands in, the lines up to the tagged answer out.
struct Imap {
    r: BufReader<TcpStream>,
    w: TcpStream,
    n: u32,
}

impl Imap {
    fn connect(addr: &str) -> Imap {
        let s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let mut c = Imap {
            r: BufReader::new(s.try_clone().unwrap()),
            w: s,
            n: 0,
        };
        assert!(c.line().starts_with("* OK"));
        c
    }

    fn line(&mut self) -> String {
        let mut l = String::new();
        self.r.read_line(&mut l).unwrap();
        assert!(!l.is_empty(), "the server closed the connection");
        l
    }

    /// Sends `cmd` (a LITERAL+ literal may be in it) and returns every line through the
    /// tagged one, which must be OK.
    fn ok(&mut self, cmd: &str) -> Vec<String> {
        self.n += 1;
        let tag = format!("t{}", self.n);
        self.w
            .write_all(format!("{tag} {cmd}\r\n").as_bytes())
            .unwrap();
        let mut lines = Vec::new();
        loop {
            let l = self.line();
            let done = l.starts_with(&format!("{tag} "));
            lines.push(l);
            if done {
                break;
            }
        }
        let last = lines.last().unwrap();
        assert!(last.starts_with(&format!("{tag} OK")), "{cmd}: {lines:?}");
        lines
    }

    fn login(addr: &str) -> Imap {
        let mut c = Imap::connect(addr);
        c.ok(&format!("LOGIN alice@example.test \"{PASSWORD}\""));
        c
    }

    /// `UID FETCH 1:* (FLAGS)` as (UID, flags) pairs; \Recent, which is per session, left out.
    fn uids(&mut self) -> Vec<(u32, String)> {
        self.ok("UID FETCH 1:* (FLAGS)")
            .iter()
            .filter(|l| l.starts_with("* ") && l.contains("FETCH"))
            .map(|l| {
                let uid = l.split("UID ").nth(1).unwrap();
                let uid = uid.split([' ', ')']).next().unwrap().parse().unwrap();
                let flags = l.split("FLAGS (").nth(1).unwrap();
                let flags = flags.split(')').next().unwrap();
                let flags: Vec<&str> = flags.split(' ').filter(|f| *f != "\\Recent").collect();
                (uid, flags.join(" ").trim().to_string())
            })
            .collect()
    }
}

/// One message to alice through the SMTP listener at `addr`, answered 250.
fn smtp_deliver(addr: &str, subject: &str) {
    let s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut r = BufReader::new(s.try_clone().unwrap());
    let mut w = s;
    let reply = |r: &mut BufReader<TcpStream>| loop {
        let mut l = String::new();
        r.read_line(&mut l).unwrap();
        assert!(l.len() >= 4, "short SMTP reply {l:?}");
        if l.as_bytes()[3] == b' ' {
            return l;
        }
    };
    assert!(reply(&mut r).starts_with("220"));
    for (cmd, want) in [
        ("EHLO client.example.org".to_string(), "250"),
        ("MAIL FROM:<someone@example.org>".to_string(), "250"),
        ("RCPT TO:<alice@example.test>".to_string(), "250"),
        ("DATA".to_string(), "354"),
        (
            format!(
                "From: someone@example.org\r\nTo: alice@example.test\r\nSubject: {subject}\r\n\r\nhello\r\n."
            ),
            "250",
        ),
    ] {
        w.write_all(format!("{cmd}\r\n").as_bytes()).unwrap();
        let got = reply(&mut r);
        assert!(got.starts_with(want), "{cmd}: {got}");
    }
    let _ = w.write_all(b"QUIT\r\n");
}

/// Files named `name` anywhere under `dir`.
fn find(dir: &Path, name: &str, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if e.file_name() == name {
            out.push(p.clone());
        }
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            find(&p, name, out);
        }
    }
}

fn alice_inbox_files(dir: &Path) -> usize {
    let md = common::maildir::of(dir, "alice", "example.test");
    ["new", "cur"]
        .iter()
        .map(|d| std::fs::read_dir(md.join(d)).map_or(0, |r| r.count()))
        .sum()
}

#[test]
fn two_nodes_on_one_core_serve_one_mailbox_and_idle_hears_the_other_node() {
    let Some(c) = Core::start() else { return };
    let a = c.node("a", "127.0.0.2", &["smtp", "imap"]);
    let b = c.node("b", "127.0.0.3", &["smtp", "imap"]);

    let mut on_a = Imap::login(a.addr("imap"));
    assert!(
        on_a.ok("SELECT INBOX")
            .iter()
            .any(|l| l == "* 0 EXISTS\r\n")
    );
    on_a.w.write_all(b"idle IDLE\r\n").unwrap();
    assert!(on_a.line().starts_with("+ "));

    smtp_deliver(b.addr("smtp"), "through b");
    // From the moment the file is in the Maildir, node A's session must hear of it within a
    // second: only node B's NOTIFY can tell it (no inotify on a PostgreSQL node).
    let deadline = Instant::now() + Duration::from_secs(30);
    while alice_inbox_files(c.path()) == 0 {
        assert!(Instant::now() < deadline, "no delivery: {}", b.log());
        std::thread::sleep(Duration::from_millis(20));
    }
    on_a.w
        .set_read_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    let mut l = String::new();
    let heard = on_a.r.read_line(&mut l);
    assert!(
        heard.is_ok() && l == "* 1 EXISTS\r\n",
        "IDLE on node A: {heard:?} {l:?}\nA: {}\nB: {}",
        a.log(),
        b.log()
    );
    on_a.w
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    on_a.w.write_all(b"DONE\r\n").unwrap();
    while !on_a.line().starts_with("idle OK") {}

    // Both nodes see the same UIDs, whoever changes what.
    let mut on_b = Imap::login(b.addr("imap"));
    on_b.ok("SELECT INBOX");
    let first = on_a.uids();
    assert_eq!(first.len(), 1, "{first:?}");
    assert_eq!(on_b.uids(), first);
    on_b.ok(&format!("UID STORE {} +FLAGS (\\Flagged)", first[0].0));
    on_a.ok("NOOP");
    assert!(on_a.uids()[0].1.contains("\\Flagged"), "{:?}", on_a.uids());
    let msg = "Subject: appended\r\n\r\nbody";
    let appended = on_a.ok(&format!("APPEND INBOX {{{}+}}\r\n{msg}", msg.len()));
    let appenduid = appended.last().unwrap().clone();
    on_b.ok("NOOP");
    let both = on_b.uids();
    assert_eq!(both.len(), 2, "{both:?}");
    assert!(
        appenduid.contains(&format!(" {}]", both[1].0)),
        "{appenduid} {both:?}"
    );
    assert!(both[1].0 > both[0].0);
    on_b.ok(&format!("UID STORE {} +FLAGS (\\Deleted)", both[0].0));
    on_b.ok("EXPUNGE");
    on_a.ok("NOOP");
    assert_eq!(on_a.uids(), on_b.uids());
    assert_eq!(on_a.uids().len(), 1);
    on_a.ok("LOGOUT");
    on_b.ok("LOGOUT");

    // No SQLite index anywhere: the index is in PostgreSQL.
    let mut found = Vec::new();
    find(c.path(), "mailctl.index.db", &mut found);
    assert!(found.is_empty(), "{found:?}");

    // The maildir commands work on the PostgreSQL core and see the same UIDs.
    let left = on_b_uid(&c);
    let shown = mailctl_ok(
        c.path(),
        &[
            "maildir",
            "show",
            &format!("alice@example.test:INBOX:{left}"),
        ],
    );
    assert!(shown.contains("appended"), "{shown}");
    mailctl_ok(c.path(), &["maildir", "check", "alice@example.test"]);
    mailctl_ok(c.path(), &["maildir", "reindex", "alice@example.test"]);
    assert_eq!(on_b_uid(&c), left, "reindex keeps the UID");
    let o = mailctl(
        c.path(),
        &[
            "maildir",
            "reindex",
            &common::maildir::of(c.path(), "alice", "example.test")
                .display()
                .to_string(),
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "a path names no account on PostgreSQL"
    );
    found.clear();
    find(c.path(), "mailctl.index.db", &mut found);
    assert!(found.is_empty(), "{found:?}");
    drop((a, b));
}

/// The one UID alice's INBOX has, read through a fresh IMAP login on a third node.
fn on_b_uid(c: &Core) -> u32 {
    let n = c.node("c", "127.0.0.4", &["imap"]);
    let mut s = Imap::login(n.addr("imap"));
    s.ok("EXAMINE INBOX");
    let uids = s.uids();
    assert_eq!(uids.len(), 1, "{uids:?}");
    uids[0].0
}

#[test]
fn a_node_refuses_a_core_schema_newer_than_it_knows() {
    let Some(c) = Core::start() else { return };
    let db = c.url.rsplit('/').next().unwrap();
    c.pg.client(db)
        .batch_execute("UPDATE mailctl_schema SET version = version + 1")
        .unwrap();
    let o = mailctl(
        c.path(),
        &[
            "serve",
            "imap",
            "--allow-root",
            "--listen",
            "imap=127.0.0.2:0",
        ],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("newer than this mailctl knows"), "{err}");
}

/// Sessions between commands hold no PostgreSQL connection: far more IMAP sessions than
/// the pool has connections (`POOL_MAX`) stay logged in with a folder selected, and each
/// still answers. Were a session to pin its connection, those past the pool's size would
/// wait for one and fail.
#[test]
fn many_imap_sessions_share_a_few_index_connections() {
    let Some(c) = Core::start() else { return };
    let n = mailctl::maildir::index::POOL_MAX + 10;
    for key in [
        "limits.max_connections_per_ip",
        "imap.max_connections_per_user",
    ] {
        mailctl_ok(c.path(), &["config", "set", key, &(2 * n).to_string()]);
    }
    let node = c.node("a", "127.0.0.2", &["imap"]);
    let mut sessions: Vec<Imap> = (0..n).map(|_| Imap::login(node.addr("imap"))).collect();
    for s in &mut sessions {
        s.ok("SELECT INBOX");
    }
    for s in &mut sessions {
        s.ok("NOOP");
    }
    let db = c.url.rsplit('/').next().unwrap();
    let open: i64 =
        c.pg.client(db)
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = $1",
                &[&db],
            )
            .unwrap()
            .get(0);
    assert!(open < n as i64 / 2, "{open} connections for {n} sessions");
}

/// Removing a user whose mail goes away (set aside or purged) drops its rows of the
/// PostgreSQL index too, as its SQLite index would go with its Maildir: a new user of the
/// address must not inherit the old folder list, subscriptions or UIDVALIDITY. With
/// `--keep-mail` the Maildir stays for a later `user add --reuse-maildir`, and its index
/// rows with it.
#[test]
fn removing_a_user_forgets_its_index_unless_its_mail_is_kept() {
    let Some(c) = Core::start() else { return };
    let node = c.node("a", "127.0.0.2", &["imap"]);
    for user in ["alice", "bob"] {
        let mut s = Imap::connect(node.addr("imap"));
        s.ok(&format!("LOGIN {user}@example.test \"{PASSWORD}\""));
        s.ok("CREATE Projects");
        s.ok("SUBSCRIBE Projects");
        s.ok("LOGOUT");
    }
    let db = c.url.rsplit('/').next().unwrap();
    let mut pg = c.pg.client(db);
    let mut rows = |account: &str| -> i64 {
        ["mailbox_folders", "mailbox_subscriptions", "mailbox_meta"]
            .iter()
            .map(|t| {
                pg.query_one(
                    &format!("SELECT count(*) FROM mailbox_index.{t} WHERE account = $1"),
                    &[&account],
                )
                .unwrap()
                .get::<_, i64>(0)
            })
            .sum()
    };
    assert!(rows("alice@example.test") > 0 && rows("bob@example.test") > 0);

    mailctl_ok(
        c.path(),
        &["user", "remove", "bob@example.test", "--keep-mail"],
    );
    mailctl_ok(c.path(), &["user", "remove", "alice@example.test"]);
    assert_eq!(rows("alice@example.test"), 0, "alice's index outlived her");
    assert!(
        rows("bob@example.test") > 0,
        "bob's kept mail lost its index"
    );
}

/// The longest a client may wait for any answer while PostgreSQL hangs (the node's default
/// bound is 7 s a round trip: a 5 s statement timeout plus 2 s, and 5 s to log in).
const HUNG_ANSWER: Duration = Duration::from_secs(15);

/// A line-based connection whose every answer is timed: read within [`HUNG_ANSWER`] (a
/// longer read timeout turns a hang into a failure instead of a stuck test).
struct Timed {
    r: BufReader<TcpStream>,
    w: TcpStream,
}

impl Timed {
    /// Connects and returns the greeting, which must come in time.
    fn connect(addr: &str) -> (Timed, String) {
        let s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(HUNG_ANSWER + Duration::from_secs(10)))
            .unwrap();
        let mut t = Timed {
            r: BufReader::new(s.try_clone().unwrap()),
            w: s,
        };
        let start = Instant::now();
        let g = t.line(start, "the greeting");
        (t, g)
    }

    fn line(&mut self, start: Instant, what: &str) -> String {
        let mut l = String::new();
        let r = self.r.read_line(&mut l);
        let took = start.elapsed();
        assert!(
            r.is_ok() && !l.is_empty() && took <= HUNG_ANSWER,
            "{what}: no answer within {HUNG_ANSWER:?} ({took:?}): {r:?} {l:?}"
        );
        l
    }

    /// Sends `cmd` and returns the last line of the answer: SMTP's final reply line (`NNN `),
    /// or the line starting with `until` (an IMAP tag, POP3's `+`/`-`).
    fn ask(&mut self, cmd: &str, until: &dyn Fn(&str) -> bool) -> String {
        self.w.write_all(format!("{cmd}\r\n").as_bytes()).unwrap();
        let start = Instant::now();
        loop {
            let l = self.line(start, cmd);
            if until(&l) {
                return l;
            }
        }
    }
}

fn smtp_final(l: &str) -> bool {
    l.len() >= 4 && l.as_bytes()[3] == b' '
}

/// A PostgreSQL that stops answering (SIGSTOP: its kernel still acknowledges, so neither
/// keepalives nor a closed socket tell the node) turns into prompt temporary failures: the
/// end of DATA and RCPT get `4xx`, IMAP and POP3 logins `NO [UNAVAILABLE]` and
/// `-ERR [SYS/TEMP]`, a selected IMAP session's STORE `NO [UNAVAILABLE]`, each within a bound, and new
/// connections are still greeted. Once PostgreSQL runs again, mail flows without a
/// restart, and what was acknowledged before is there while what got a 4xx is not.
#[test]
fn a_hung_postgresql_gets_prompt_temporary_failures_and_mail_flows_again() {
    let Some(c) = Core::start() else { return };
    let node = c.node("a", "127.0.0.2", &["smtp", "imap", "pop3"]);
    smtp_deliver(node.addr("smtp"), "before the outage");

    // A message whose final dot comes while PostgreSQL hangs.
    let smtp_final_ok = |want: &str, got: &str| assert!(got.starts_with(want), "{got}");
    let (mut data, g) = Timed::connect(node.addr("smtp"));
    smtp_final_ok("220", &g);
    for (cmd, want) in [
        ("EHLO client.example.org", "250"),
        ("MAIL FROM:<someone@example.org>", "250"),
        ("RCPT TO:<alice@example.test>", "250"),
        ("DATA", "354"),
    ] {
        smtp_final_ok(want, &data.ask(cmd, &smtp_final));
    }
    data.w
        .write_all(b"Subject: during the outage\r\n\r\nlost?\r\n")
        .unwrap();
    let mut imap_in = Imap::login(node.addr("imap"));
    imap_in.ok("SELECT INBOX");

    let frozen = c.pg.freeze();
    let dot = data.ask(".", &smtp_final);
    assert!(dot.starts_with('4'), "end of DATA: {dot}\n{}", node.log());

    let (mut s, g) = Timed::connect(node.addr("smtp"));
    smtp_final_ok("220", &g);
    smtp_final_ok("250", &s.ask("EHLO client.example.org", &smtp_final));
    // Refused at MAIL or RCPT, or — the recipient known from the node's directory cache
    // (`core::dircache`), which a hung LISTEN connection keeps for up to its maximum age —
    // at the end of DATA: never acknowledged.
    let mail = s.ask("MAIL FROM:<someone@example.org>", &smtp_final);
    if mail.starts_with("250") {
        let rcpt = s.ask("RCPT TO:<alice@example.test>", &smtp_final);
        if rcpt.starts_with("250") {
            smtp_final_ok("354", &s.ask("DATA", &smtp_final));
            s.w.write_all(b"Subject: also during the outage\r\n\r\nlost?\r\n")
                .unwrap();
            let dot = s.ask(".", &smtp_final);
            assert!(dot.starts_with('4'), "end of DATA: {dot}\n{}", node.log());
        } else {
            assert!(rcpt.starts_with("4"), "RCPT: {rcpt}\n{}", node.log());
        }
    } else {
        assert!(mail.starts_with('4'), "MAIL: {mail}");
    }

    let tagged = |tag: &'static str| move |l: &str| l.starts_with(tag);
    imap_in
        .w
        .write_all(b"f1 STORE 1 +FLAGS (\\Flagged)\r\n")
        .unwrap();
    let start = Instant::now();
    let mut got = String::new();
    while !got.starts_with("f1 ") {
        got.clear();
        imap_in.r.read_line(&mut got).unwrap();
        assert!(start.elapsed() <= HUNG_ANSWER, "STORE: no answer in time");
    }
    assert!(got.starts_with("f1 NO [UNAVAILABLE]"), "STORE: {got}");
    let (mut i, g) = Timed::connect(node.addr("imap"));
    assert!(g.starts_with("* OK"), "{g}");
    let login = i.ask(
        &format!("l1 LOGIN alice@example.test \"{PASSWORD}\""),
        &tagged("l1 "),
    );
    assert!(login.starts_with("l1 NO [UNAVAILABLE]"), "{login}");
    let (mut p, g) = Timed::connect(node.addr("pop3"));
    assert!(g.starts_with("+OK"), "{g}");
    let pop = |l: &str| l.starts_with('+') || l.starts_with('-');
    assert!(p.ask("USER alice@example.test", &pop).starts_with("+OK"));
    let pass = p.ask(&format!("PASS {PASSWORD}"), &pop);
    assert!(pass.starts_with("-ERR [SYS/TEMP]"), "{pass}");

    drop(frozen);
    // No restart: the node's next connections work.
    smtp_deliver(node.addr("smtp"), "after the outage");
    let deadline = Instant::now() + Duration::from_secs(60);
    while alice_inbox_files(c.path()) < 2 {
        assert!(
            Instant::now() < deadline,
            "no delivery after: {}",
            node.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut after = Imap::login(node.addr("imap"));
    after.ok("SELECT INBOX");
    let subjects = after
        .ok("FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        .concat();
    assert!(subjects.contains("before the outage"), "{subjects}");
    assert!(subjects.contains("after the outage"), "{subjects}");
    assert!(!subjects.contains("during the outage"), "{subjects}");
    assert_eq!(after.uids().len(), 2);
}
