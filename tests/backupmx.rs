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
    let backup = Instance::new("127.0.0.3", port, "mx2.b.test", "b.test", &[], "127.0.0.1:9");
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
    assert!(w.backup.log().contains("primary says"), "{}", w.backup.log());

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
