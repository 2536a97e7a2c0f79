//! Backup MX (#21.4), end to end between two mailctl instances found through a loopback DNS
//! server: a.test's MX are mail.a.test (10, the primary on 127.0.0.2) and mx2.b.test (20, the
//! backup on 127.0.0.3, `relay.mode = backup-mx`, `backupmx.domains = a.test`).
//! - primary up: the backup verifies recipients by callout, accepts a known one (and hands
//!   the message on), refuses an unknown one with 550 5.1.1; it relays nothing else;
//! - primary down: a known recipient (cached) is accepted and queued, the unknown one gets
//!   550 (cached), one never seen 450 4.1.1;
//! - primary back: the queued mail arrives in the primary's Maildir, nothing lost.

mod common;
#[path = "outbound/dns.rs"]
mod dns;
// Shared with tests/outbound.rs, which uses the rest of it.
#[allow(dead_code, unused_imports)]
#[path = "outbound/harness.rs"]
mod harness;

use std::net::SocketAddr;

use harness::*;

struct World {
    _dns: dns::DnsServer,
    primary: Instance,
    backup: Instance,
}

fn world() -> World {
    let port = common_port(&["127.0.0.2", "127.0.0.3"]);
    let primary = Instance::new(
        "127.0.0.2",
        port,
        "mail.a.test",
        "a.test",
        &["bob"],
        "127.0.0.1:9",
    );
    let backup = Instance::new(
        "127.0.0.3",
        port,
        "mx2.b.test",
        "b.test",
        &[],
        "127.0.0.1:9",
    );
    let a_zone = "@ IN MX 10 mail.a.test.\n@ IN MX 20 mx2.b.test.\nmail IN A 127.0.0.2\n";
    let b_zone = "@ IN MX 10 mx2.b.test.\nmx2 IN A 127.0.0.3\n";
    let dns = dns::DnsServer::start(&[("a.test", a_zone), ("b.test", b_zone)]);
    for i in [&primary, &backup] {
        i.set("dns.nameserver", &dns.addr());
    }
    for (k, v) in [
        ("relay.mode", "backup-mx"),
        ("backupmx.domains", "a.test"),
        ("backupmx.callout_timeout", "3s"),
        // The test's client (127.0.0.1) may not relay: the backup must not be an open relay.
        ("mynetworks", ""),
        ("queue.retry_schedule", "1s"),
    ] {
        backup.set(k, v);
    }
    World {
        _dns: dns,
        primary,
        backup,
    }
}

/// One transaction from 127.0.0.1 with swaks: its whole transcript.
fn send(server: SocketAddr, to: &str, subject: &str) -> String {
    let (ip, port) = (server.ip().to_string(), server.port().to_string());
    let subject = format!("Subject: {subject}");
    let (_, out) = common::tools::swaks(&[
        "--server",
        &ip,
        "--port",
        &port,
        "--from",
        "alice@sender.test",
        "--to",
        to,
        "--header",
        &subject,
    ]);
    out
}

/// The reply line to RCPT in a swaks transcript.
fn rcpt_reply(transcript: &str) -> &str {
    let mut lines = transcript.lines();
    lines.find(|l| l.contains("RCPT TO:"));
    lines
        .next()
        .map(|l| l.trim_start_matches(['<', '-', '*', '~', ' ']))
        .unwrap_or("")
}

#[test]
fn the_backup_accepts_what_the_primary_knows_queues_while_it_is_down_and_hands_it_over() {
    let mut w = world();
    w.primary.start();
    w.backup.start();
    let b = w.backup.addr();

    // Primary up: verified by callout, accepted, handed on at once.
    let t = send(b, "bob@a.test", "while-up");
    assert!(rcpt_reply(&t).starts_with("250"), "{t}\n{}", w.backup.log());
    assert!(t.contains("250 2.0.0"), "{t}");
    let got = w.primary.wait_mail("bob", "a.test", 1, 30);
    assert!(got[0].contains("Subject: while-up"), "{}", got[0]);
    let t = send(b, "nobody@a.test", "unknown");
    assert!(rcpt_reply(&t).starts_with("550 5.1.1"), "{t}");
    // Not an open relay: another domain is refused, nothing is queued for it.
    let t = send(b, "someone@elsewhere.test", "relay");
    assert!(rcpt_reply(&t).starts_with("554 5.7.1"), "{t}");
    assert!(
        w.backup.log().contains("primary says"),
        "{}",
        w.backup.log()
    );

    // Primary down: the cache answers; what it never saw waits for the primary.
    w.primary.stop();
    let t = send(b, "bob@a.test", "while-down");
    assert!(rcpt_reply(&t).starts_with("250"), "{t}");
    assert!(t.contains("250 2.0.0"), "{t}");
    let t = send(b, "nobody@a.test", "unknown-again");
    assert!(rcpt_reply(&t).starts_with("550 5.1.1"), "{t}");
    let t = send(b, "carol@a.test", "never-seen");
    assert!(rcpt_reply(&t).starts_with("450 4.1.1"), "{t}");
    // The message waits in the backup's queue, not in any Maildir there.
    let queued = json(w.backup.path(), &["queue", "list"]);
    let queued = queued.as_array().expect("queue list is an array").clone();
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert!(!w.backup.path().join("mail/a.test").exists());
    std::thread::sleep(std::time::Duration::from_secs(3));
    assert_eq!(
        json(w.backup.path(), &["queue", "list"])
            .as_array()
            .map(Vec::len),
        Some(1),
        "a message for a primary that is down is kept, not bounced"
    );

    // Primary back: the queued message arrives, nothing lost, the queue empties.
    w.primary.start();
    let got = w.primary.wait_mail("bob", "a.test", 2, 60);
    assert!(
        got.iter().any(|m| m.contains("Subject: while-down")),
        "{got:?}"
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while std::time::Instant::now() < deadline {
        if json(w.backup.path(), &["queue", "list"])
            .as_array()
            .is_some_and(Vec::is_empty)
        {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    panic!("the backup's queue did not empty; log:\n{}", w.backup.log());
}

/// The findings of `dns mx DOMAIN` in `dir` against `ns`: exit code and findings.
fn dns_mx(dir: &std::path::Path, ns: &str, domain: &str) -> (i32, Vec<serde_json::Value>) {
    let o = mailctl(dir, &["--json", "dns", "mx", domain, "--nameserver", ns]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_default();
    let findings = v["findings"].as_array().cloned().unwrap_or_default();
    (o.status.code().unwrap_or(-1), findings)
}

#[test]
fn dns_records_and_check_know_the_backup_mx() {
    let zones = [
        (
            "a.test",
            "@ IN MX 10 mail\n@ IN MX 20 mx2.b.test.\nmail IN A 192.0.2.10\n",
        ),
        ("b.test", "mx2 IN A 192.0.2.20\n"),
        // The backup listed before the primary.
        ("c.test", "@ IN MX 5 mx2.b.test.\n@ IN MX 10 mail.a.test.\n"),
        // A second MX host without an address.
        (
            "d.test",
            "@ IN MX 10 mail.a.test.\n@ IN MX 20 mx3.b.test.\n",
        ),
    ];
    let dns = dns::DnsServer::start(&zones);
    let ns = dns.addr();

    // The primary: `dns records --backup-mx` gives both MX lines with their preferences.
    let primary = common::data_dir();
    let p = primary.path();
    ok(p, &["domain", "add", "a.test", "--create"]);
    ok(p, &["config", "set", "hostname", "mail.a.test"]);
    ok(p, &["config", "set", "public_ip", "192.0.2.10"]);
    let recs = json(
        p,
        &["dns", "records", "a.test", "--backup-mx", "mx2.b.test"],
    );
    let mx = mx_values(&recs);
    assert_eq!(mx, ["10 mail.a.test.", "20 mx2.b.test."], "{recs:#}");
    // Both hosts are checked; the one without an address is named.
    let (code, f) = dns_mx(p, &ns, "a.test");
    assert_eq!(code, 0, "{f:#?}");
    assert!(
        f[0]["found"]
            .as_str()
            .unwrap()
            .contains("10 mail.a.test, 20 mx2.b.test"),
        "{f:#?}"
    );
    let (code, f) = dns_mx(p, &ns, "d.test");
    assert_eq!(code, 1, "{f:#?}");
    let bad: Vec<&str> = f
        .iter()
        .filter(|x| x["status"] == "fail")
        .map(|x| x["found"].as_str().unwrap())
        .collect();
    assert_eq!(bad, ["MX mx3.b.test has no A/AAAA record"], "{f:#?}");

    // The backup: its records put it behind the primary, and the check wants it there.
    let backup = common::data_dir();
    let b = backup.path();
    ok(b, &["domain", "add", "b.test", "--create"]);
    for (k, v) in [
        ("hostname", "mx2.b.test"),
        ("public_ip", "192.0.2.20"),
        ("relay.mode", "backup-mx"),
        ("backupmx.domains", "a.test,c.test"),
        ("backupmx.primary", "mail.a.test:25"),
    ] {
        ok(b, &["config", "set", k, v]);
    }
    let recs = json(b, &["dns", "records", "a.test"]);
    let mx = mx_values(&recs);
    assert_eq!(mx, ["10 mail.a.test.", "20 mx2.b.test."], "{recs:#}");
    let (code, f) = dns_mx(b, &ns, "a.test");
    assert_eq!(code, 0, "{f:#?}");
    assert!(
        f.iter()
            .any(|x| x["check"] == "MX backup" && x["status"] == "pass"),
        "{f:#?}"
    );
    let (code, f) = dns_mx(b, &ns, "c.test");
    assert_eq!(code, 1, "{f:#?}");
    let backup_finding = f.iter().find(|x| x["check"] == "MX backup").unwrap();
    assert_eq!(backup_finding["status"], "fail");
    assert!(
        backup_finding["fix"]
            .as_str()
            .unwrap()
            .contains("c.test. IN MX 20 mx2.b.test."),
        "{f:#?}"
    );
    // A domain it does not back up is not judged as one.
    let (_, f) = dns_mx(b, &ns, "d.test");
    assert!(f.iter().all(|x| x["check"] != "MX backup"), "{f:#?}");
}

/// `backupmx.primary` (Postfix transport_maps): callouts and the queued mail go to that
/// HOST:PORT, whatever the domain's MX says (here it lists only the backup).
#[test]
fn a_configured_primary_is_asked_and_handed_the_mail() {
    let (port, primary_port) = loop {
        let (a, b) = (common_port(&["127.0.0.3"]), common_port(&["127.0.0.2"]));
        if a != b {
            break (a, b);
        }
    };
    let mut primary = Instance::new(
        "127.0.0.2",
        primary_port,
        "mail.a.test",
        "a.test",
        &["bob"],
        "127.0.0.1:9",
    );
    let mut backup = Instance::new(
        "127.0.0.3",
        port,
        "mx2.b.test",
        "b.test",
        &[],
        "127.0.0.1:9",
    );
    let dns = dns::DnsServer::start(&[("a.test", "@ IN MX 20 mx2.a.test.\nmx2 IN A 127.0.0.3\n")]);
    for (k, v) in [
        ("dns.nameserver", dns.addr()),
        ("relay.mode", "backup-mx".into()),
        ("backupmx.domains", "a.test".into()),
        ("backupmx.primary", format!("127.0.0.2:{primary_port}")),
        ("mynetworks", String::new()),
    ] {
        backup.set(k, &v);
    }
    primary.start();
    backup.start();
    let t = send(backup.addr(), "bob@a.test", "via-primary-setting");
    assert!(rcpt_reply(&t).starts_with("250"), "{t}\n{}", backup.log());
    let t = send(backup.addr(), "nobody@a.test", "unknown");
    assert!(rcpt_reply(&t).starts_with("550 5.1.1"), "{t}");
    let got = primary.wait_mail("bob", "a.test", 1, 30);
    assert!(
        got[0].contains("Subject: via-primary-setting"),
        "{}",
        got[0]
    );
}

/// The verify cache (`core::verify`) answers the same on both engines.
#[test]
fn the_verify_cache_is_the_same_on_sqlite_and_postgres() {
    use mailctl::core::verify::Ttl;
    use mailctl::core::{Address, DataDir, Db};
    let Some(pg) = common::postgres::PgServer::start() else {
        return;
    };
    let lite = tempfile::tempdir().unwrap();
    let post = tempfile::tempdir().unwrap();
    std::fs::write(
        post.path().join("database.url"),
        format!("{}\n", pg.database()),
    )
    .unwrap();
    let ttl = Ttl {
        positive: 86400,
        negative: 3600,
    };
    let a = |s: &str| Address::parse(s).unwrap();
    let answers = |dir: &std::path::Path| {
        let db = Db::open(&DataDir::new(dir)).unwrap();
        db.verify_store(&a("bob@a.test"), true, "250 2.1.5 Ok", 1000)
            .unwrap();
        db.verify_store(&a("nobody@a.test"), false, "550 5.1.1 no", 1000)
            .unwrap();
        db.verify_store(&a("bob@A.test"), true, "250 again", 2000)
            .unwrap();
        let expired = db.verify_expire(1500).unwrap();
        [
            ("bob@a.test", 2500),
            ("nobody@a.test", 2500),
            ("nobody@a.test", 1000 + 3600),
            ("bob@a.test", 2000 + 86400),
        ]
        .map(|(r, now)| format!("{:?}", db.verify_cached(&a(r), ttl, now).unwrap()))
        .to_vec()
        .into_iter()
        .chain([expired.to_string()])
        .collect::<Vec<_>>()
    };
    let l = answers(lite.path());
    assert_eq!(l, answers(post.path()));
    assert!(l[0].contains("250 again") && l[1] == "None", "{l:?}");
}

/// The values of the MX lines `dns records --json` printed.
fn mx_values(recs: &serde_json::Value) -> Vec<&str> {
    recs.as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"] == "MX")
        .map(|r| r["value"].as_str().unwrap())
        .collect()
}
