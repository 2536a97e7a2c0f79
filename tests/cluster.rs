//! `mailctl cluster status` against running daemons (issue 21.5): a serving node shows up
//! with its real listeners, a `kill -9`ed one shows down once it misses its heartbeats, one
//! stopped with SIGTERM shows stopped. The heartbeat interval is shortened to 200 ms by
//! `MAILCTL_TEST_HEARTBEAT_MS` (down = three missed beats: 30 s at the default 10 s).
//! And three nodes sharing one PostgreSQL database under SMTP load, one killed (issue 21.3).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::cli::{json, mailctl_ok};
use common::cluster::{Cluster, LEASE_SECS, Sink};
use common::maildir;
use common::postgres::PgServer;
use common::serve::{Serve, command};
use common::users::example_test;

fn serve(dir: &Path) -> Serve {
    let mut cmd = command(dir, &["imap", "--allow-root"], &["imap", "imaps"]);
    cmd.env("MAILCTL_TEST_HEARTBEAT_MS", "200");
    Serve::spawn(cmd, 2)
}

/// Polls `cluster status --json` (at most 15 s) until the only node is in `state`.
fn until_state(dir: &Path, state: &str) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let nodes = json(dir, &["cluster", "status"]);
        let n = nodes.as_array().map_or(0, Vec::len);
        if (n == 1 && nodes[0]["state"] == state) || Instant::now() > deadline {
            assert_eq!(n, 1, "{nodes:#}");
            assert_eq!(nodes[0]["state"], state, "{nodes:#}");
            return nodes[0].clone();
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn status_shows_a_serving_node_up_and_a_killed_one_down() {
    let tmp = example_test("", &["localhost"]);
    let dir = tmp.path();
    let out = mailctl_ok(dir, &["cluster", "status"]);
    assert!(out.contains("no node"), "{out}");

    let mut srv = serve(dir);
    let node = until_state(dir, "up");
    let listeners: Vec<&str> = node["listeners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    for name in ["imap", "imaps"] {
        let want = format!("{name}={}", srv.addr(name));
        assert!(listeners.contains(&want.as_str()), "{want} in {node:#}");
    }
    assert_eq!(node["pid"], srv.id());
    assert_eq!(node["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(node["claims"], 0);
    assert_eq!(node["last_error"], "");
    let table = mailctl_ok(dir, &["cluster", "status"]);
    assert!(table.contains(" up "), "{table}");
    assert!(table.contains(srv.addr("imaps")), "{table}");
    assert!(table.lines().all(|l| l.chars().count() <= 80), "{table}");

    // kill -9: no goodbye; three missed beats later it is down.
    srv.kill();
    let killed = until_state(dir, "down");
    assert_eq!(killed["pid"], node["pid"]);
    let table = mailctl_ok(dir, &["cluster", "status"]);
    assert!(table.contains("down"), "{table}");

    // The same node comes back on its row, and a clean stop says so.
    let srv = serve(dir);
    let back = until_state(dir, "up");
    assert_eq!(back["node"], node["node"]);
    assert_eq!(back["pid"], srv.id());
    srv.stop();
    until_state(dir, "stopped");
}

/// The SMTP load (`BASE PER ADDR...`): one thread per node address, each sending PER
/// messages on one connection (a new one after any error), each message with its own
/// Message-ID `<cl-N@cluster.test>` (N from BASE on), to alice, bob or a remote recipient in turn. Prints
/// `ok N` for every `250` to the final dot, `fail N` otherwise; stops after 60 s whatever
/// is left.
const LOAD: &str = r#"
import smtplib, sys, threading, time
base, per, addrs = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
deadline = time.time() + 60
out = threading.Lock()
def say(s):
    with out:
        print(s, flush=True)
def node(k, addr):
    host, port = addr.rsplit(":", 1)
    s = None
    for j in range(per):
        n = base + k * per + j
        if time.time() > deadline:
            say(f"fail {n}")
            continue
        to = ["alice@example.test", "bob@example.test", f"r{n}@remote.test"][n % 3]
        msg = f"From: <load@sender.test>\r\nTo: <{to}>\r\nMessage-ID: <cl-{n}@cluster.test>\r\nSubject: load {n}\r\n\r\nmessage {n}\r\n"
        try:
            if s is None:
                s = smtplib.SMTP(host, int(port), timeout=15)
                s.ehlo("load.sender.test")
            s.sendmail("load@sender.test", [to], msg.encode())
            say(f"ok {n}")
        except Exception as e:
            say(f"fail {n} {e!r}")
            try:
                s.close()
            except Exception:
                pass
            s = None
            time.sleep(0.05)
    if s is not None:
        try:
            s.quit()
        except Exception:
            pass
ts = [threading.Thread(target=node, args=(k, a)) for k, a in enumerate(addrs)]
for t in ts: t.start()
for t in ts: t.join()
"#;

/// Messages per node in the load.
const PER_NODE: usize = 100;

/// How many copies of each `<cl-N@cluster.test>` arrived: in alice's and bob's Maildirs
/// (new/ and cur/) and at the sink.
fn copies(c: &Cluster, sink: &Sink) -> BTreeMap<String, usize> {
    let mut n = BTreeMap::new();
    for user in ["alice", "bob"] {
        let files = maildir::files(&maildir::of(c.path(), user, "example.test"));
        for text in maildir::read(&files) {
            let id = text
                .lines()
                .find_map(|l| {
                    l.strip_prefix("Message-ID:")
                        .or(l.strip_prefix("Message-Id:"))
                })
                .map(|v| v.trim().to_string())
                .unwrap_or_default();
            *n.entry(id).or_default() += 1;
        }
    }
    for id in sink.received() {
        *n.entry(id).or_default() += 1;
    }
    n
}

/// Waits (at most `limit`) until every id in `want` has arrived at least once.
fn wait_delivered(c: &Cluster, sink: &Sink, want: &BTreeSet<String>, limit: Duration) {
    let deadline = Instant::now() + limit;
    loop {
        let got = copies(c, sink);
        let missing: Vec<&String> = want.iter().filter(|id| !got.contains_key(*id)).collect();
        if missing.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{} of {} accepted messages never delivered, e.g. {:?}; queue: {}\nlogs:\n{}",
            missing.len(),
            want.len(),
            &missing[..missing.len().min(5)],
            mailctl_ok(c.path(), &["queue", "list"]),
            c.log()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Issue 21.3 and its check: three nodes on 127.0.0.2-4 share one PostgreSQL database and
/// one data directory; SMTP load spread over all three (local users and a remote domain
/// whose mail goes to a loopback sink); node 1 is `kill -9`ed while it holds queue claims
/// (the sink holds the final-dot replies meanwhile, so its outbound attempts are in
/// flight), then the others must deliver everything that got a `250`, its claims included
/// once their lease runs out, with node 1 still down; restarted, it takes mail again.
/// Every accepted message arrives once, or twice where node 1 died between the sink's
/// receipt and recording it; never lost.
#[test]
fn three_nodes_lose_nothing_when_one_is_killed_mid_load() {
    let Some(pg) = PgServer::start() else { return };
    let mut c = Cluster::new(&pg, 3);
    let sink = Sink::start("127.0.0.5", Duration::from_millis(50));
    c.relay_to(sink.addr);
    mailctl_ok(c.path(), &["config", "set", "mynetworks", "127.0.0.0/8"]);
    for i in 0..3 {
        c.start(i);
    }
    let addrs: Vec<String> = (0..3).map(|i| c.node(i).addr("smtp").to_string()).collect();
    let mut first = load(0, PER_NODE, &addrs);
    let lines = BufReader::new(first.stdout.take().unwrap()).lines();
    let (mut accepted, mut refused) = (BTreeSet::new(), 0);
    let mut killed = None;
    for line in lines.map_while(Result::ok) {
        let mut w = line.split(' ');
        match (w.next(), w.next()) {
            (Some("ok"), Some(n)) => {
                accepted.insert(format!("<cl-{n}@cluster.test>"));
            }
            _ => refused += 1,
        }
        if killed.is_none() && accepted.len() >= 3 * PER_NODE * 2 / 5 {
            killed = Some(kill_while_claiming(&mut c, &sink));
        }
    }
    let _ = first.wait();
    let (pid, held) = killed.expect("the load ran long enough to kill a node");
    assert!(held > 0, "node 1 held no claims when killed");
    // Node 1's messages were refused while it was down, the others' all accepted.
    assert!(refused > 0 && refused < PER_NODE, "{refused} refused");
    assert!(
        accepted.len() >= 2 * PER_NODE,
        "{} accepted",
        accepted.len()
    );

    // Everything accepted arrives with node 1 down: its claims went to the others.
    wait_delivered(&c, &sink, &accepted, Duration::from_secs(40));
    // A message can be in its Maildir while node 1's claim on its row is still there (killed
    // between the two): the row waits for its lease to expire, then another node takes it
    // (and delivers it once more, which the count below allows). So wait out the lease.
    let mut db = postgres_client(&c.url);
    let deadline = Instant::now() + Duration::from_secs(4 * LEASE_SECS + 10);
    loop {
        let left: i64 = db
            .query_one(
                "SELECT count(*) FROM queue_recipients WHERE lease_owner LIKE $1",
                &[&format!("%-{pid}-%")],
            )
            .unwrap()
            .get(0);
        if left == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the killed node still holds {left} claims long after its lease"
        );
        std::thread::sleep(Duration::from_millis(200));
    }

    // Restarted, node 1 takes and delivers mail again.
    c.start(1);
    let out = load(9000, 6, &[c.node(1).addr("smtp").to_string()])
        .wait_with_output()
        .unwrap();
    let again: BTreeSet<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("ok "))
        .map(|n| format!("<cl-{n}@cluster.test>"))
        .collect();
    assert_eq!(again.len(), 6, "{}", String::from_utf8_lossy(&out.stdout));
    wait_delivered(&c, &sink, &again, Duration::from_secs(20));

    let got = copies(&c, &sink);
    for id in accepted.iter().chain(&again) {
        let n = got[id];
        assert!((1..=2).contains(&n), "{id} arrived {n} times");
    }
    // Nothing arrived that nobody sent, and nothing three times.
    assert!(got.values().all(|n| *n <= 2), "{got:?}");
    let twice = got.values().filter(|n| **n == 2).count();
    eprintln!(
        "accepted {}, refused {refused}, killed node held {held} claims, {twice} delivered twice",
        accepted.len()
    );
}

/// Starts the [`LOAD`] script: `per` messages to each of `addrs`, numbered from `base`.
fn load(base: usize, per: usize, addrs: &[String]) -> std::process::Child {
    Command::new("python3")
        .arg("-c")
        .arg(LOAD)
        .arg(base.to_string())
        .arg(per.to_string())
        .args(addrs)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Holds the sink's replies until node 1 has outbound claims in flight, `kill -9`s it,
/// lets the sink answer again. Returns the killed pid and how many claims it held.
fn kill_while_claiming(c: &mut Cluster, sink: &Sink) -> (u32, i64) {
    let pid = c.node(1).id();
    let mut db = postgres_client(&c.url);
    sink.hold(true);
    let mut claims = || -> i64 {
        db.query_one(
            "SELECT count(*) FROM queue_recipients WHERE lease_owner LIKE $1 AND status = 'queued'",
            &[&format!("outbound-{pid}-%")],
        )
        .unwrap()
        .get(0)
    };
    let deadline = Instant::now() + Duration::from_secs(15);
    while claims() == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    // A moment more, so its attempts reach the sink and more mail is claimed meanwhile.
    std::thread::sleep(Duration::from_millis(500));
    let held = claims();
    c.kill(1);
    sink.hold(false);
    (pid, held)
}

fn postgres_client(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls).unwrap()
}

/// One message to `addr` with python's smtplib: `250` when accepted, else the code of the
/// refusal (any step), or 0 when the connection failed.
fn send_one(addr: &str, to: &str, n: usize) -> u16 {
    let out = common::tools::python(
        r#"
import smtplib, sys
host, port = sys.argv[1].rsplit(":", 1)
to, n = sys.argv[2], sys.argv[3]
msg = f"From: <s@sender.test>\r\nTo: <{to}>\r\nMessage-ID: <cl-{n}@cluster.test>\r\n\r\nbody\r\n"
try:
    s = smtplib.SMTP(host, int(port), timeout=30)
    s.sendmail("s@sender.test", [to], msg.encode())
    print(250)
    s.quit()
except smtplib.SMTPRecipientsRefused as e:
    print(list(e.recipients.values())[0][0])
except smtplib.SMTPResponseException as e:
    print(e.smtp_code)
except OSError:
    print(0)
"#,
        &[addr, to, &n.to_string()],
    );
    out.trim().parse().unwrap_or(0)
}

/// Issue 21.6: while PostgreSQL is down a node refuses mail with a 4xx (nothing is
/// acknowledged that could be lost), and once it is back the node takes mail again without
/// a restart: the pool drops the connections the restart closed.
#[test]
fn a_node_refuses_with_4xx_while_postgres_is_down_and_recovers_after() {
    let Some(pg) = PgServer::start() else { return };
    let mut c = Cluster::new(&pg, 1);
    c.start(0);
    let addr = c.node(0).addr("smtp").to_string();
    assert_eq!(send_one(&addr, "alice@example.test", 1), 250, "{}", c.log());
    maildir::wait_messages(c.path(), "alice", "example.test", 1);

    pg.stop_server();
    for n in 2..5 {
        let code = send_one(&addr, "alice@example.test", n);
        assert!(
            (400..500).contains(&code),
            "while down: {code}\n{}",
            c.log()
        );
    }
    pg.start_server();
    // The first attempts may meet pooled connections the restart closed (each a 4xx, then
    // dropped); a fresh one follows. Bounded: 40 tries.
    let mut codes = Vec::new();
    for n in 5..45 {
        let code = send_one(&addr, "alice@example.test", n);
        codes.push(code);
        if code == 250 {
            break;
        }
        assert!((400..500).contains(&code), "after restart: {codes:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(
        codes.last(),
        Some(&250),
        "never recovered: {codes:?}\n{}",
        c.log()
    );
    // Only what got a 250 arrives: the first message and the last.
    let got = maildir::wait_messages(c.path(), "alice", "example.test", 2);
    assert_eq!(got.len(), 2, "{got:?}");
}

/// Two nodes on one host with their own `MAILCTL_NODE_ID` (containers sharing a host name
/// look the same to leases): a node starting must not take the other's live outbound
/// leases for those of a dead process of its own. Node 0's claim is made to carry a pid
/// that does not exist here, as a pid of another container's namespace would not; node 1
/// starts and its release of dead leases must leave the claim alone (it released it while
/// lease owners named the host, and the message went out twice).
#[test]
fn a_starting_node_leaves_another_nodes_live_leases_alone() {
    let Some(pg) = PgServer::start() else { return };
    let mut c = Cluster::new(&pg, 2);
    let sink = Sink::start("127.0.0.5", Duration::from_millis(0));
    c.relay_to(sink.addr);
    mailctl_ok(c.path(), &["config", "set", "mynetworks", "127.0.0.0/8"]);
    sink.hold(true);
    c.start(0);
    let addr = c.node(0).addr("smtp").to_string();
    assert_eq!(
        send_one(&addr, "someone@remote.test", 1),
        250,
        "{}",
        c.log()
    );
    let mut db = postgres_client(&c.url);
    let owner = |db: &mut postgres::Client| -> Option<(String, i64)> {
        db.query_opt(
            "SELECT lease_owner, lease_until FROM queue_recipients
             WHERE status = 'queued' AND lease_owner LIKE 'outbound-%' AND lease_until > 1",
            &[],
        )
        .unwrap()
        .map(|r| (r.get(0), r.get(1)))
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    let held = loop {
        if let Some(o) = owner(&mut db) {
            break o.0;
        }
        assert!(
            Instant::now() < deadline,
            "node 0 never claimed: {}",
            c.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let pid = c.node(0).id();
    assert!(held.starts_with(&format!("outbound-{pid}-")), "{held}");
    // A pid no process here has: one that just ended.
    let mut gone = Command::new("true").spawn().unwrap();
    let dead = gone.id();
    gone.wait().unwrap();
    let moved = held.replacen(&format!("-{pid}-"), &format!("-{dead}-"), 1);
    let n = db
        .execute(
            "UPDATE queue_recipients SET lease_owner = $2, lease_until = lease_until + 600
             WHERE lease_owner = $1",
            &[&held, &moved],
        )
        .unwrap();
    assert_eq!(n, 1);

    c.start(1);
    // Its first heartbeat comes after its start's release of dead leases.
    let deadline = Instant::now() + Duration::from_secs(30);
    let beat = "SELECT count(*) FROM cluster_nodes WHERE node = 'node-1'";
    while db.query_one(beat, &[]).unwrap().get::<_, i64>(0) == 0 {
        assert!(Instant::now() < deadline, "node 1 never beat: {}", c.log());
        std::thread::sleep(Duration::from_millis(50));
    }
    let (now_owner, until) = owner(&mut db).expect("the lease is still held");
    assert_eq!(now_owner, moved);
    assert!(
        until
            > std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs() as i64
                + 300,
        "node 1 released node 0's lease at its start\n{}",
        c.log()
    );
    sink.hold(false);
}

/// Makes every commit that inserted a queue message take about 8 s on the server, past a
/// 2 s statement timeout (the cancel is caught): the node stops waiting at its bound, and
/// the server commits afterwards, an outcome the node cannot know.
const SLOW_COMMIT: &str = "
CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        PERFORM pg_sleep(8);
    EXCEPTION WHEN query_canceled THEN
        PERFORM pg_sleep(6);
    END;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON queue_messages
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION slow_commit();
";

/// A message whose queue commit the node gave up on (its outcome unknown: here the server
/// commits it after all) is answered 4xx and never delivered: its spool file went with the
/// 4xx, so the row that appears anyway is quarantined, not delivered behind the back of a
/// client that was told to retry (it would then arrive twice). The node takes mail again
/// right after, without a restart.
#[test]
fn a_queue_commit_of_unknown_outcome_is_refused_and_never_delivered() {
    let Some(pg) = PgServer::start() else { return };
    let mut c = Cluster::new(&pg, 1);
    let url = format!("{}?options=-c%20statement_timeout%3D2s", c.url);
    std::fs::write(c.path().join("database.url"), format!("{url}\n")).unwrap();
    c.start(0);
    let addr = c.node(0).addr("smtp").to_string();
    assert_eq!(send_one(&addr, "alice@example.test", 1), 250, "{}", c.log());
    maildir::wait_messages(c.path(), "alice", "example.test", 1);

    let mut db = postgres_client(&c.url);
    db.batch_execute(SLOW_COMMIT).unwrap();
    let code = send_one(&addr, "alice@example.test", 2);
    assert!((400..500).contains(&code), "{code}\n{}", c.log());
    let rows = "SELECT id FROM queue_messages";
    let deadline = Instant::now() + Duration::from_secs(30);
    let id: String = loop {
        if let Some(r) = db.query_opt(rows, &[]).unwrap() {
            break r.get(0);
        }
        assert!(Instant::now() < deadline, "the slow commit never landed");
        std::thread::sleep(Duration::from_millis(100));
    };
    db.batch_execute("DROP TRIGGER slow_commit ON queue_messages")
        .unwrap();
    // Once its lease runs out the deliverer takes the row, finds no spool file, and sets
    // it aside.
    let deadline = Instant::now() + Duration::from_secs(60);
    let quarantined = "SELECT quarantined FROM queue_messages WHERE id = $1";
    while db
        .query_one(quarantined, &[&id])
        .unwrap()
        .get::<_, Option<String>>(0)
        .is_none()
    {
        assert!(Instant::now() < deadline, "never set aside: {}", c.log());
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(send_one(&addr, "alice@example.test", 3), 250, "{}", c.log());
    let got = maildir::wait_messages(c.path(), "alice", "example.test", 2).concat();
    assert!(got.contains("<cl-1@cluster.test>") && got.contains("<cl-3@cluster.test>"));
    assert!(
        !got.contains("<cl-2@cluster.test>"),
        "delivered after a 4xx"
    );
}
