//! The directory cache (issue 21, `core::dircache`): a running `serve` no longer reads
//! domains, users, aliases and settings for every message, yet what `mailctl` commands run
//! as separate processes change there — `alias add/remove`, `user add/remove`,
//! `domain add/remove`, `config set/unset` — takes effect in it within a second: on SQLite,
//! and on a PostgreSQL core for each of two nodes (ids `a`, `b` on 127.0.0.2 and .3), whose
//! caches only hear of another process's change through LISTEN/NOTIFY. Each answer is asked
//! for (and so cached) before the change that must turn it.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use common::cli::mailctl_ok;
use common::cluster::Core;
use common::serve::Serve;
use common::users::{PASSWORD, add_user, example_test};

/// The reply to `RCPT TO:<to>` in a fresh port-25 session at `addr`.
fn rcpt(addr: &str, to: &str) -> String {
    let s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut r = BufReader::new(s.try_clone().unwrap());
    let mut w = s;
    let mut reply = move || {
        let mut last = String::new();
        // A reply's last line has a space after the code (RFC 5321 §4.2.1).
        while last.len() < 4 || last.as_bytes()[3] == b'-' {
            last.clear();
            r.read_line(&mut last).unwrap();
            assert!(!last.is_empty(), "the server closed the connection");
        }
        last
    };
    reply();
    for cmd in ["EHLO client.example.org", "MAIL FROM:<someone@example.org>"] {
        w.write_all(format!("{cmd}\r\n").as_bytes()).unwrap();
        assert!(reply().starts_with("250"), "{cmd}");
    }
    w.write_all(format!("RCPT TO:<{to}>\r\n").as_bytes())
        .unwrap();
    let answer = reply();
    let _ = w.write_all(b"QUIT\r\n");
    answer
}

/// Every node answers `RCPT TO:<to>` with a reply starting `want` within a second from now.
fn within_a_second(nodes: &[&str], to: &str, want: &str) {
    let start = Instant::now();
    for node in nodes {
        loop {
            let got = rcpt(node, to);
            if got.starts_with(want) {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(1),
                "{node}: RCPT TO:<{to}> still answered {got:?} a second after the change (want {want})"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Each change made by a `mailctl` process in `dir` is seen by every node within a second.
fn changes_take_effect(dir: &Path, nodes: &[&str]) {
    let unknown = "550 5.1.1";
    within_a_second(nodes, "list@example.test", unknown);
    mailctl_ok(dir, &["alias", "add", "list@example.test", "alice@example.test"]);
    within_a_second(nodes, "list@example.test", "250");
    mailctl_ok(dir, &["alias", "remove", "list@example.test"]);
    within_a_second(nodes, "list@example.test", unknown);

    within_a_second(nodes, "carol@example.test", unknown);
    add_user(dir, "carol@example.test", PASSWORD, &[]);
    within_a_second(nodes, "carol@example.test", "250");
    mailctl_ok(dir, &["user", "remove", "carol@example.test"]);
    within_a_second(nodes, "carol@example.test", unknown);

    // `alice-bob` is alice's sub-address only once `-` separates sub-addresses.
    within_a_second(nodes, "alice-bob@example.test", unknown);
    mailctl_ok(dir, &["config", "set", "smtp.recipient_delimiter", "-"]);
    within_a_second(nodes, "alice-bob@example.test", "250");
    mailctl_ok(dir, &["config", "unset", "smtp.recipient_delimiter"]);
    within_a_second(nodes, "alice-bob@example.test", unknown);

    // A domain not served is relaying (refused, but not as an unknown user of ours).
    let relaying = rcpt(nodes[0], "dave@other.test");
    assert!(relaying.starts_with('5') && !relaying.starts_with(unknown), "{relaying}");
    let relaying = &relaying[..9];
    within_a_second(nodes, "dave@other.test", relaying);
    mailctl_ok(dir, &["domain", "add", "other.test"]);
    within_a_second(nodes, "dave@other.test", unknown);
    mailctl_ok(dir, &["domain", "remove", "other.test"]);
    within_a_second(nodes, "dave@other.test", relaying);
}

#[test]
fn changes_by_other_processes_take_effect_within_a_second_on_sqlite() {
    let dir = example_test("", &["localhost"]);
    let srv = Serve::start(dir.path(), &["smtp", "--allow-root"], &["smtp"]);
    changes_take_effect(dir.path(), &[srv.addr("smtp")]);
    srv.stop();
}

#[test]
fn changes_by_other_processes_take_effect_within_a_second_on_both_postgresql_nodes() {
    let Some(core) = Core::start() else { return };
    let a = core.node("a", "127.0.0.2", &["smtp"]);
    let b = core.node("b", "127.0.0.3", &["smtp"]);
    // Each node's LISTEN connection is up (until then its cache reads through).
    std::thread::sleep(Duration::from_millis(500));
    changes_take_effect(core.path(), &[a.addr("smtp"), b.addr("smtp")]);
    a.stop();
    b.stop();
}
