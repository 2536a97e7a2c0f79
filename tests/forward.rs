//! Forwarding without writing Sieve (#20 point 6): `mailctl forward set|off` writes and
//! removes an ordinary Sieve script (read back with `mailctl sieve get`), SMTP deliveries
//! (smtplib) follow it, and vacation and forwarding set one after the other run together:
//! the script written last carries the other's rules.
//!
//! Forwarded copies go to a domain nobody answers for here (DNS points at a dead loopback
//! port), so they wait in the queue where `mailctl queue list` shows them; how their
//! envelope is rewritten (SRS) is tests/outbound's business, not this file's.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::cli::{json, mailctl, mailctl_ok};
use common::maildir;
use common::serve::Serve;
use common::tools::python;
use common::users::example_test;

/// Every listener `serve smtp` opens, on ephemeral ports: the tests here run at once.
const LISTENERS: &[&str] = &["smtp", "submission", "submissions"];

/// Sends one message per subject from alice to bob over SMTP.
fn send(srv: &Serve, subjects: &[&str]) {
    let out = python(
        r#"
import smtplib, sys
c = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=30)
for i, subj in enumerate(sys.argv[2:]):
    c.sendmail("alice@example.test", ["bob@example.test"],
        "From: alice@example.test\r\nTo: bob@example.test\r\nSubject: %s\r\n"
        "Message-ID: <f%d.%s@example.test>\r\n\r\nbody\r\n" % (subj, i, subj.replace(" ", "")))
c.quit()
print("sent")
"#,
        &[&[srv.port("smtp").to_string().as_str()], subjects].concat(),
    );
    assert_eq!(out.trim(), "sent", "{}", srv.log());
}

/// Queue recipients addressed to `to`, waiting (bounded) until there are `n`.
fn queued_for(dir: &Path, to: &str, n: usize) -> usize {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let q = json(dir, &["queue", "list"]);
        let count = q
            .as_array()
            .map(|a| {
                a.iter()
                    .flat_map(|m| m["recipients"].as_array().cloned().unwrap_or_default())
                    .filter(|r| r["address"] == to)
                    .count()
            })
            .unwrap_or(0);
        if count >= n || Instant::now() > deadline {
            return count;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn forward_set_and_off_write_sieve_that_delivery_follows() {
    let dir = example_test("", &["localhost"]);
    let p = dir.path();
    // --keep: a redirect :copy, the message stays in the mailbox too.
    let v = json(
        p,
        &[
            "forward",
            "set",
            "bob@example.test",
            "carol@elsewhere.test",
            "--keep",
        ],
    );
    assert_eq!(v["active"], true, "{v}");
    let script = mailctl_ok(p, &["sieve", "get", "bob@example.test", "mailctl-forward"]);
    assert!(
        script.contains("redirect :copy \"carol@elsewhere.test\";"),
        "{script}"
    );
    let list = json(p, &["sieve", "list", "bob@example.test"]);
    assert_eq!(list[0]["name"], "mailctl-forward", "{list}");
    assert_eq!(list[0]["active"], true, "{list}");
    // Too many destinations, or not an address: refused, nothing changed.
    let five: Vec<String> = (0..5).map(|i| format!("d{i}@elsewhere.test")).collect();
    let mut args = vec!["forward", "set", "bob@example.test"];
    args.extend(five.iter().map(String::as_str));
    assert_eq!(mailctl(p, &args).status.code(), Some(1));
    let out = mailctl(p, &["forward", "set", "bob@example.test", "not an address"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        mailctl_ok(p, &["sieve", "get", "bob@example.test", "mailctl-forward"]),
        script
    );

    let srv = Serve::start(p, &["smtp", "--allow-root"], LISTENERS);
    send(&srv, &["kept and forwarded"]);
    let bob = maildir::wait_messages(p, "bob", "example.test", 1);
    assert_eq!(bob.len(), 1, "{}", srv.log());
    assert!(bob[0].contains("kept and forwarded"));
    assert_eq!(queued_for(p, "carol@elsewhere.test", 1), 1, "{}", srv.log());

    // Without --keep the mailbox gets nothing; off: plain delivery again.
    mailctl_ok(
        p,
        &["forward", "set", "bob@example.test", "carol@elsewhere.test"],
    );
    let script = mailctl_ok(p, &["sieve", "get", "bob@example.test", "mailctl-forward"]);
    assert!(
        script.contains("redirect \"carol@elsewhere.test\";"),
        "{script}"
    );
    send(&srv, &["only forwarded"]);
    assert_eq!(queued_for(p, "carol@elsewhere.test", 2), 2, "{}", srv.log());
    mailctl_ok(p, &["forward", "off", "bob@example.test"]);
    assert_eq!(
        json(p, &["sieve", "list", "bob@example.test"]),
        serde_json::json!([])
    );
    // A second `off` has nothing to remove: exit 1 with a hint.
    assert_eq!(
        mailctl(p, &["forward", "off", "bob@example.test"])
            .status
            .code(),
        Some(1)
    );
    send(&srv, &["after off"]);
    let bob = maildir::wait_messages(p, "bob", "example.test", 2);
    assert_eq!(bob.len(), 2, "{}", srv.log());
    assert!(bob.iter().all(|m| !m.contains("only forwarded")), "{bob:?}");
    assert!(bob.iter().any(|m| m.contains("after off")), "{bob:?}");
    // Delivered to the mailbox, so its plan is made: no new forward.
    assert_eq!(queued_for(p, "carol@elsewhere.test", 2), 2, "{}", srv.log());
    srv.stop();
}

#[test]
fn vacation_and_forward_together_whichever_is_written_last() {
    let dir = example_test("", &["localhost"]);
    let p = dir.path();
    std::fs::write(p.join("away.txt"), "Away this week.\n").unwrap();
    let body = p.join("away.txt");
    mailctl_ok(
        p,
        &[
            "vacation",
            "set",
            "bob@example.test",
            "--body-file",
            body.to_str().unwrap(),
        ],
    );
    mailctl_ok(
        p,
        &["forward", "set", "bob@example.test", "carol@elsewhere.test"],
    );
    // The forward script, written last, is the active one and carries the vacation rules.
    let list = json(p, &["sieve", "list", "bob@example.test"]);
    let active: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["active"] == true)
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(active, ["mailctl-forward"], "{list}");
    let script = mailctl_ok(p, &["sieve", "get", "bob@example.test", "mailctl-forward"]);
    assert!(
        script.contains("# begin mailctl-forward") && script.contains("# begin mailctl-vacation"),
        "{script}"
    );
    assert!(
        script.contains("redirect \"carol@elsewhere.test\";") && script.contains("vacation"),
        "{script}"
    );

    let srv = Serve::start(p, &["smtp", "--allow-root"], LISTENERS);
    send(&srv, &["lunch"]);
    // Forwarded, not kept; and answered once by the vacation rules.
    assert_eq!(queued_for(p, "carol@elsewhere.test", 1), 1, "{}", srv.log());
    let replies = maildir::wait_messages(p, "alice", "example.test", 1);
    assert_eq!(replies.len(), 1, "{}", srv.log());
    assert!(replies[0].contains("Away this week."), "{}", replies[0]);
    assert!(
        maildir::files(&maildir::of(p, "bob", "example.test")).is_empty(),
        "forwarded without --keep"
    );

    // Vacation written again (last now): it carries the forward rules in turn.
    mailctl_ok(
        p,
        &[
            "vacation",
            "set",
            "bob@example.test",
            "--body-file",
            body.to_str().unwrap(),
            "--subject",
            "Out",
        ],
    );
    let script = mailctl_ok(p, &["sieve", "get", "bob@example.test", "mailctl-vacation"]);
    assert!(
        script.contains("redirect \"carol@elsewhere.test\";") && script.contains("Out"),
        "{script}"
    );
    // Forward off: the vacation script alone, active, still answering; nothing forwarded.
    mailctl_ok(p, &["forward", "off", "bob@example.test"]);
    let script = mailctl_ok(p, &["sieve", "get", "bob@example.test", "mailctl-vacation"]);
    assert!(
        !script.contains("redirect") && script.contains("vacation"),
        "{script}"
    );
    let list = json(p, &["sieve", "list", "bob@example.test"]);
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(list[0]["active"], true, "{list}");
    send(&srv, &["dinner"]);
    let bob = maildir::wait_messages(p, "bob", "example.test", 1);
    assert_eq!(bob.len(), 1, "{}", srv.log());
    assert!(bob[0].contains("dinner"));
    assert_eq!(queued_for(p, "carol@elsewhere.test", 1), 1, "{}", srv.log());
    srv.stop();
}
