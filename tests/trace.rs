//! `mailctl trace` end to end: mail goes through the real queue to scripted loopback
//! receivers (found through MX records served by a real DNS server on loopback) that answer
//! with the replies people actually get; the timeline and the diagnosis are read back with
//! `trace --json` after the queue rows are gone, and expire after the retention.

mod common;
#[path = "outbound/dns.rs"]
mod dns;
#[path = "outbound/fake.rs"]
mod fake;
#[path = "outbound/harness.rs"]
#[allow(dead_code)]
mod harness;

use fake::{Script, fake_mx};
use harness::*;

/// (recipient domain label, its MX address, the receiver's RCPT reply, the diagnosis code,
/// whether the reply is final).
const CASES: &[(&str, &str, &str, &str, bool)] = &[
    (
        "ms",
        "127.0.0.20",
        "550 5.7.1 Unfortunately, messages from [127.0.0.2] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3140).\r\n",
        "microsoft_blocklist",
        true,
    ),
    (
        "gmail",
        "127.0.0.21",
        "550 5.7.26 This mail has been blocked because the sender is unauthenticated. Authentication results: DKIM = did not pass SPF [a.test] with ip: [127.0.0.2] = did not pass\r\n",
        "gmail_unauthenticated",
        true,
    ),
    (
        "spamhaus",
        "127.0.0.22",
        "554 5.7.1 Service unavailable; Client host [127.0.0.2] blocked using zen.spamhaus.org\r\n",
        "blocklisted",
        true,
    ),
    (
        "grey",
        "127.0.0.23",
        "450 4.2.0 <x@grey.t.test>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/\r\n",
        "greylisted",
        false,
    ),
    (
        "tls",
        "127.0.0.24",
        "530 5.7.0 Must issue a STARTTLS command first\r\n",
        "tls_required",
        true,
    ),
    (
        "full",
        "127.0.0.25",
        "552 5.2.2 The email account that you tried to reach is over quota.\r\n",
        "mailbox_full",
        true,
    ),
    (
        "unknown",
        "127.0.0.26",
        "550 5.1.1 The email account that you tried to reach does not exist.\r\n",
        "user_unknown",
        true,
    ),
];

fn trace(dir: &std::path::Path, target: &str) -> serde_json::Value {
    json(dir, &["trace", target])
}

#[test]
fn each_real_world_reply_is_traced_and_diagnosed_after_the_queue_forgets_it() {
    let mut ips = vec!["127.0.0.2"];
    ips.extend(CASES.iter().map(|c| c.1));
    let port = common_port(&ips);
    let mut zone = String::new();
    for (label, ip, ..) in CASES {
        zone.push_str(&format!(
            "{label} IN MX 10 h-{label}.t.test.\nh-{label} IN A {ip}\n"
        ));
    }
    let dns = dns::DnsServer::start(&[("t.test", zone.as_str())]);
    let a = Instance::new(
        "127.0.0.2",
        port,
        "mail.a.test",
        "a.test",
        &["alice"],
        &dns.addr(),
    );
    for (label, ip, reply, ..) in CASES {
        fake_mx(
            ip,
            port,
            vec![Script {
                rcpt: reply,
                ..Default::default()
            }],
        );
        sendmail_message(
            a.path(),
            "alice@a.test",
            &format!("x@{label}.t.test"),
            &format!("Subject: {label}\nMessage-ID: <{label}-1@a.test>\n\nbody\n"),
        );
    }
    let j = json(a.path(), &["queue", "flush"]);
    assert_eq!(j["outbound"]["failed"].as_u64(), Some(6), "{j}");
    // The bounces went to alice; only the greylisted message is still queued.
    a.wait_mail("alice", "a.test", 6, 20);
    let queued = json(a.path(), &["queue", "list"]);
    let queued = queued.as_array().unwrap();
    assert_eq!(queued.len(), 1, "{queued:?}");

    for (label, _, reply, code, fatal) in CASES {
        let rcpt = format!("x@{label}.t.test");
        let j = trace(a.path(), &rcpt);
        let msgs = j["messages"].as_array().unwrap();
        assert_eq!(msgs.len(), 1, "{label}: {j}");
        let m = &msgs[0];
        assert_eq!(m["diagnosis"]["code"], *code, "{label}: {m}");
        assert!(!m["diagnosis"]["fix"].as_str().unwrap().is_empty());
        assert!(
            m["attempts"][0]["host"].as_str().unwrap().contains(label),
            "{m}"
        );
        let got = m["attempts"][0]["reply"].as_str().unwrap();
        assert!(got.contains(reply.trim_end()), "{label}: {got}");
        assert_eq!(m["sender"], "alice@a.test");
        assert_eq!(m["message_id"], format!("<{label}-1@a.test>"), "{m}");
        if *fatal {
            assert_eq!(
                m["live"], false,
                "{label}: kept after the queue rows went: {m}"
            );
            assert_eq!(m["outcome"], "bounced", "{m}");
            assert_eq!(m["bounce_sent"], true, "{m}");
            assert_eq!(m["recipients"][0]["status"], "bounced", "{m}");
        } else {
            assert_eq!(m["live"], true, "{m}");
        }
        // The same message by its Message-ID (with and without <>) and by its queue id.
        let id = m["queue_id"].as_str().unwrap();
        for q in [
            format!("<{label}-1@a.test>"),
            format!("{label}-1@a.test"),
            id.into(),
        ] {
            let again = trace(a.path(), &q);
            assert_eq!(again["messages"][0]["queue_id"], id, "{q}: {again}");
        }
    }

    // The administrator deletes the deferred one: its history says so.
    let grey = trace(a.path(), "x@grey.t.test");
    let id = grey["messages"][0]["queue_id"]
        .as_str()
        .unwrap()
        .to_string();
    ok(a.path(), &["queue", "delete", &id]);
    let j = trace(a.path(), &id);
    assert_eq!(j["messages"][0]["outcome"], "deleted", "{j}");
    assert_eq!(j["messages"][0]["live"], false, "{j}");

    // Plain text for people names the cause and the fix.
    let out = mailctl(a.path(), &["trace", "x@unknown.t.test"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        text.contains("why: ") && text.contains("fix: ") && text.contains("550 5.1.1"),
        "{text}"
    );
    // --since: received long enough ago falls out.
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert!(
        !mailctl(a.path(), &["trace", "x@unknown.t.test", "--since", "1s"])
            .status
            .success()
    );

    // Retention: the queue runner's pass forgets what is older.
    a.set("queue.history_retention", "1s");
    ok(a.path(), &["queue", "flush"]);
    let out = mailctl(a.path(), &["trace", "x@unknown.t.test"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("queue.history_retention"));
}

/// Port 25 blocked by the hosting provider: run in a network namespace of our own (`unshare
/// -rn`) where the MX hosts sit behind an interface that swallows every packet, so each
/// connection times out while the DNS server on loopback answers. The body runs in the test
/// binary re-executed inside the namespace.
#[test]
fn every_mx_timing_out_on_port_25_is_called_a_blocked_port() {
    let probe = std::process::Command::new("unshare")
        .args(["-rn", "true"])
        .status();
    if !probe.is_ok_and(|s| s.success()) {
        eprintln!("SKIPPED: unprivileged network namespaces (unshare -rn) are not available here");
        return;
    }
    let exe = std::env::current_exe().unwrap();
    // A veth pair whose far end has no address and a MAC nobody owns (static neighbours):
    // SYNs to the MX hosts leave and vanish, as behind a provider's filter.
    let setup = "ip link set lo up && ip link add v0 type veth peer name v1 \
                 && ip addr add 10.9.0.1/24 dev v0 && ip link set v0 up && ip link set v1 up \
                 && ip neigh add 10.9.0.2 lladdr 02:00:00:00:00:02 dev v0 nud permanent \
                 && ip neigh add 10.9.0.3 lladdr 02:00:00:00:00:03 dev v0 nud permanent \
                 && exec \"$0\" --exact port25_blocked_inside_a_namespace --ignored --nocapture";
    let out = std::process::Command::new("unshare")
        .args(["-rn", "sh", "-c", setup])
        .arg(&exe)
        .env("MAILCTL_TRACE_NETNS", "1")
        // SQLite inside: a user namespace has no `postgres` account to run PostgreSQL as,
        // and its network cannot reach a server outside.
        .env("MAILCTL_TEST_ENGINE", "sqlite")
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("1 passed"), "{text}");
}

#[test]
#[ignore = "run by every_mx_timing_out_on_port_25_is_called_a_blocked_port inside its namespace"]
fn port25_blocked_inside_a_namespace() {
    if std::env::var_os("MAILCTL_TRACE_NETNS").is_none() {
        // Outside its namespace (--include-ignored) it would try real addresses: not here.
        return;
    }
    let dns = dns::DnsServer::start(&[(
        "far.test",
        "@ IN MX 10 mx1.far.test.\n@ IN MX 20 mx2.far.test.\nmx1 IN A 10.9.0.2\nmx2 IN A 10.9.0.3\n",
    )]);
    let a = Instance::new(
        "127.0.0.2",
        25,
        "mail.a.test",
        "a.test",
        &["alice"],
        &dns.addr(),
    );
    a.set("delivery.timeout", "1s");
    sendmail(a.path(), "alice@a.test", "bob@far.test", "blocked");
    let j = json(a.path(), &["queue", "flush"]);
    assert_eq!(j["outbound"]["deferred"].as_u64(), Some(1), "{j}");
    let j = trace(a.path(), "bob@far.test");
    let m = &j["messages"][0];
    assert_eq!(m["live"], true, "{m}");
    assert!(
        m["attempts"][0]["reply"]
            .as_str()
            .unwrap()
            .contains("4.4.1"),
        "{m}"
    );
    assert_eq!(m["diagnosis"]["code"], "port25_blocked", "{m}");
    let fix = m["diagnosis"]["fix"].as_str().unwrap();
    assert!(
        fix.contains("relay.mode") && fix.contains("provider"),
        "{fix}"
    );
}

/// `test delivery` sends a real message through the running server and follows it: to a
/// receiver that takes it, it says delivered; to one that refuses, it says why (exit 1).
#[test]
fn test_delivery_follows_a_real_message() {
    let port = common_port(&["127.0.0.2", "127.0.0.30", "127.0.0.31"]);
    let dns = dns::DnsServer::start(&[(
        "d.test",
        "ok IN MX 10 h-ok.d.test.\nh-ok IN A 127.0.0.30\nno IN MX 10 h-no.d.test.\nh-no IN A 127.0.0.31\n",
    )]);
    let mut a = Instance::new(
        "127.0.0.2",
        port,
        "mail.a.test",
        "a.test",
        &["alice"],
        &dns.addr(),
    );
    let took = fake_mx("127.0.0.30", port, vec![Script::default()]);
    fake_mx(
        "127.0.0.31",
        port,
        vec![Script {
            rcpt: "550 5.1.1 no such user\r\n",
            ..Default::default()
        }],
    );
    a.start();
    let j = json(
        a.path(),
        &["test", "delivery", "x@ok.d.test", "--timeout", "30"],
    );
    let m = &j["messages"][0];
    assert_eq!(m["outcome"], "delivered", "{j}");
    assert_eq!(m["sender"], "postmaster@a.test", "{j}");
    assert!(
        took.lock()
            .unwrap()
            .iter()
            .any(|t| t.contains("mailctl delivery test"))
    );
    let out = mailctl(
        a.path(),
        &[
            "--json",
            "test",
            "delivery",
            "y@no.d.test",
            "--from",
            "alice@a.test",
            "--timeout",
            "30",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["messages"][0]["outcome"], "bounced", "{j}");
    assert_eq!(j["messages"][0]["diagnosis"]["code"], "user_unknown", "{j}");
    a.stop();
}
