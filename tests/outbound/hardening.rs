//! Issue 15 points 15 and 16: next hops that refuse, lie or break TLS, and DSN (RFC 3461)
//! end to end. Each receiver is a scripted fake on its own loopback address (fake.rs),
//! found through the test DNS zone `fake.test`.

use std::process::Command;
use std::time::{Duration, Instant};

use super::fake::{Script, Transcript, fake_mx};
use super::harness::*;
use super::{dsn_status, world};

fn sendmail(dir: &std::path::Path, to: &str, subject: &str) {
    let message = format!("Subject: {subject}\n\nhello\n");
    sendmail_message(dir, "alice@a.test", to, &message);
}

fn transcript(t: &Transcript) -> Vec<String> {
    t.lock().unwrap().clone()
}

fn last_error(dir: &std::path::Path) -> String {
    json(dir, &["queue", "list"])[0]["recipients"][0]["last_error"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Sends one message through SMTP with DSN parameters, using python3's smtplib.
fn smtp_with_dsn(
    server: std::net::SocketAddr,
    mail_options: &[&str],
    rcpts: &[(&str, &[&str])],
    body: &str,
) -> String {
    let script = r#"
import json, smtplib, sys
host, port, mail_opts, rcpts, body = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3]), json.loads(sys.argv[4]), sys.argv[5]
s = smtplib.SMTP(host, port, timeout=20)
code, ehlo = s.ehlo("client.test")
print(ehlo.decode())
c, r = s.mail("alice@a.test", mail_opts)
assert c == 250, (c, r)
for to, opts in rcpts:
    c, r = s.rcpt(to, opts)
    assert c == 250, (c, r)
c, r = s.data(body.encode())
assert c == 250, (c, r)
s.quit()
"#;
    let rcpts_json = serde_json::to_string(rcpts).unwrap();
    let o = Command::new("python3")
        .args([
            "-c",
            script,
            &server.ip().to_string(),
            &server.port().to_string(),
        ])
        .arg(serde_json::to_string(mail_options).unwrap())
        .arg(rcpts_json)
        .arg(body)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

fn wait_for(what: &str, secs: u64, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < Duration::from_secs(secs), "{what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn refusals_from_the_mx_are_final_even_with_a_relay() {
    let w = world();
    let h9 = fake_mx(
        "127.0.0.9",
        w.a.port,
        vec![Script {
            greeting: "554 5.7.1 go away\r\n",
            ..Default::default()
        }],
    );
    let h10 = fake_mx(
        "127.0.0.10",
        w.a.port,
        vec![Script {
            greeting: "554 5.3.2 not now either\r\n",
            ..Default::default()
        }],
    );
    fake_mx(
        "127.0.0.11",
        w.a.port,
        vec![Script {
            rcpt: "550 5.1.1 no such user\r\n",
            ..Default::default()
        }],
    );
    // The relay (B) is not running: anything sent its way would come back deferred.
    w.a.set("relay.mode", "direct-then-relay");
    w.a.set("relay.host", "127.0.0.3");
    w.a.set("relay.port", &w.b.port.to_string());
    w.a.set("relay.tls", "none");
    sendmail(w.a.path(), "x@g554.fake.test", "greeting");
    sendmail(w.a.path(), "y@reject.fake.test", "rcpt");
    let j = json(w.a.path(), &["queue", "flush"]);
    assert_eq!(
        (
            j["outbound"]["failed"].as_u64(),
            j["outbound"]["deferred"].as_u64()
        ),
        (Some(2), Some(0)),
        "{j}"
    );
    // RFC 5321 §3.1: both MX hosts of g554 were tried, each was sent QUIT.
    for t in [&h9, &h10] {
        let t = transcript(t);
        assert_eq!(t.len(), 1, "{t:?}");
        assert!(t[0].starts_with("QUIT"), "{t:?}");
    }
    let bounces = w.a.wait_mail("alice", "a.test", 2, 20);
    let mut seen: Vec<(String, String)> = bounces.iter().map(|b| dsn_status(b)).collect();
    seen.sort();
    assert_eq!(seen[0].0, "5.1.1", "{seen:?}");
    assert!(seen[0].1.starts_with("550 5.1.1"), "{seen:?}");
    assert_eq!(seen[1].0, "5.3.2", "{seen:?}");
    assert!(
        seen[1].1.contains("greeting from h10.fake.test"),
        "{seen:?}"
    );
}

#[test]
fn a_reply_with_mixed_codes_is_no_success_and_expiry_says_4_4_7() {
    let w = world();
    let t = fake_mx(
        "127.0.0.12",
        w.a.port,
        vec![Script {
            rcpt: "550-5.1.1 no\r\n250 2.1.5 ok\r\n",
            ..Default::default()
        }],
    );
    sendmail(w.a.path(), "z@mixed.fake.test", "mixed");
    let j = json(w.a.path(), &["queue", "flush"]);
    assert_eq!(j["outbound"]["deferred"], 1, "{j}");
    assert!(last_error(w.a.path()).contains("different codes"), "{j}");
    assert!(
        !transcript(&t).concat().contains("DATA"),
        "{:?}",
        transcript(&t)
    );
    // Past its lifetime, the same failure bounces with RFC 3463's "message expired".
    w.a.set("queue.max_lifetime", "0s");
    let id = json(w.a.path(), &["queue", "list"])[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    ok(w.a.path(), &["queue", "retry", &id]);
    let j = json(w.a.path(), &["queue", "flush"]);
    assert_eq!(j["outbound"]["failed"], 1, "{j}");
    let b = &w.a.wait_mail("alice", "a.test", 1, 20)[0];
    assert!(b.contains("Action: failed\r\nStatus: 4.4.7\r\n"), "{b}");
    let (_, diag) = dsn_status(b);
    assert!(
        diag.starts_with("451 4.4.2") && diag.contains("different codes"),
        "{b}"
    );
}

#[test]
fn a_failed_starttls_is_never_followed_by_plaintext() {
    let w = world();
    let t = fake_mx(
        "127.0.0.13",
        w.a.port,
        vec![
            // Plaintext injected behind the 220, as an attacker on the path would.
            Script {
                ehlo: "250-fake.test\r\n250-STARTTLS\r\n250 PIPELINING\r\n",
                starttls: "220 2.0.0 go ahead\r\n250 injected\r\n",
                ..Default::default()
            },
            // Then STARTTLS is stripped from the EHLO reply.
            Script::default(),
        ],
    );
    sendmail(w.a.path(), "t@tls.fake.test", "tls");
    let j = json(w.a.path(), &["queue", "flush"]);
    assert_eq!(j["outbound"]["deferred"], 1, "{j}");
    assert!(last_error(w.a.path()).contains("STARTTLS failed"), "{j}");
    let id = json(w.a.path(), &["queue", "list"])[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    ok(w.a.path(), &["queue", "retry", &id]);
    let j = json(w.a.path(), &["queue", "flush"]);
    assert_eq!(j["outbound"]["deferred"], 1, "{j}");
    let e = last_error(w.a.path());
    assert!(
        e.starts_with("451 4.7.4") && e.contains("no longer offers STARTTLS"),
        "{e}"
    );
    let all = transcript(&t).concat();
    assert!(!all.contains("MAIL FROM"), "sent in plaintext: {all}");
    // The administrator's per-destination policy allows the fallback.
    w.a.set("delivery.plaintext_fallback", "fake.test");
    ok(w.a.path(), &["queue", "retry", &id]);
    let j = json(w.a.path(), &["queue", "flush"]);
    assert_eq!(j["outbound"]["delivered"], 1, "{j}");
    assert!(transcript(&t).concat().contains("Subject: tls"));
}

#[test]
fn an_mx_target_that_looks_like_an_ip_is_not_connected_to() {
    let w = world();
    let t = fake_mx("127.0.0.15", w.a.port, vec![Script::default()]);
    sendmail(w.a.path(), "i@ipmx.fake.test", "ip mx");
    let j = json(w.a.path(), &["queue", "flush"]);
    assert_eq!(j["outbound"]["delivered"], 0, "{j}");
    std::thread::sleep(Duration::from_millis(300));
    assert!(transcript(&t).is_empty(), "{:?}", transcript(&t));
}

#[test]
fn dsn_parameters_travel_and_8bit_is_converted_for_an_old_next_hop() {
    let mut w = world();
    // DSN but no 8BITMIME.
    let t = fake_mx(
        "127.0.0.14",
        w.a.port,
        vec![Script {
            ehlo: "250-fake.test\r\n250-DSN\r\n250 PIPELINING\r\n",
            ..Default::default()
        }],
    );
    w.a.start();
    let ehlo = smtp_with_dsn(
        w.a.addr(),
        &["BODY=8BITMIME", "RET=HDRS", "ENVID=env+2B1"],
        &[(
            "d@old.fake.test",
            &["NOTIFY=SUCCESS,FAILURE", "ORCPT=rfc822;Orig@old.fake.test"],
        )],
        "Subject: 8bit\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nGr\u{fc}\u{df}e\r\n",
    );
    assert!(ehlo.lines().any(|l| l.trim() == "DSN"), "{ehlo}");
    wait_for("the next hop never got the message", 30, || {
        transcript(&t).concat().contains("\r\n.\r\n")
    });
    let all = transcript(&t).concat();
    let mail = all.lines().find(|l| l.starts_with("MAIL")).unwrap();
    assert!(
        mail.contains(" RET=HDRS") && mail.contains(" ENVID=env+2B1"),
        "{mail}"
    );
    assert!(!mail.contains("BODY=8BITMIME"), "{mail}");
    let rcpt = all.lines().find(|l| l.starts_with("RCPT")).unwrap();
    assert!(
        rcpt.contains(" NOTIFY=SUCCESS,FAILURE")
            && rcpt.contains(" ORCPT=rfc822;Orig@old.fake.test"),
        "{rcpt}"
    );
    assert!(all.is_ascii(), "8-bit octets crossed: {all}");
    assert!(
        all.contains("Content-Transfer-Encoding: quoted-printable")
            && all.contains("Gr=C3=BC=C3=9Fe"),
        "{all}"
    );
    // The next hop offers DSN: reporting success is its job, not ours.
    std::thread::sleep(Duration::from_secs(1));
    assert!(
        !w.a.maildir_new("alice", "a.test").exists()
            || std::fs::read_dir(w.a.maildir_new("alice", "a.test"))
                .unwrap()
                .count()
                == 0
    );
}

#[test]
fn notify_never_means_no_bounce_and_success_through_an_old_hop_is_reported() {
    let mut w = world();
    fake_mx(
        "127.0.0.11",
        w.a.port,
        vec![Script {
            rcpt: "550 5.1.1 no such user\r\n",
            ..Default::default()
        }],
    );
    fake_mx("127.0.0.14", w.a.port, vec![Script::default()]);
    w.a.start();
    smtp_with_dsn(
        w.a.addr(),
        &["ENVID=e42"],
        &[
            ("n@reject.fake.test", &["NOTIFY=NEVER"]),
            (
                "s@old.fake.test",
                &["NOTIFY=SUCCESS", "ORCPT=rfc822;S@old.fake.test"],
            ),
        ],
        "Subject: dsn\r\n\r\nhello\r\n",
    );
    let got = w.a.wait_mail("alice", "a.test", 1, 30);
    let n = &got[0];
    assert!(
        n.contains("Action: relayed") && n.contains("Status: 2.0.0"),
        "{n}"
    );
    assert!(n.contains("Original-Envelope-Id: e42"), "{n}");
    assert!(
        n.contains("Original-Recipient: rfc822; S@old.fake.test"),
        "{n}"
    );
    assert!(!n.contains("n@reject.fake.test"), "{n}");
    wait_for("the queue never emptied", 20, || {
        json(w.a.path(), &["queue", "list"])
            .as_array()
            .unwrap()
            .is_empty()
    });
    // No bounce for the NOTIFY=NEVER recipient, even after the runner had its chances.
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        std::fs::read_dir(w.a.maildir_new("alice", "a.test"))
            .unwrap()
            .count(),
        1,
        "{}",
        w.a.log()
    );
}

#[test]
fn notify_success_on_local_delivery_gets_a_delivered_notice() {
    let mut w = world();
    w.a.start();
    smtp_with_dsn(
        w.a.addr(),
        &["ENVID=local1"],
        &[
            ("alice@a.test", &["NOTIFY=SUCCESS"]),
            // Without NOTIFY=SUCCESS: no notice about this one.
            ("alice+tag@a.test", &[]),
        ],
        "Subject: local\r\n\r\nhello\r\n",
    );
    // One copy (both addresses are one mailbox) and one notice.
    let got = w.a.wait_mail("alice", "a.test", 2, 30);
    let notices: Vec<&String> = got
        .iter()
        .filter(|m| m.contains("Action: delivered"))
        .collect();
    assert_eq!(notices.len(), 1, "{got:?}");
    let n = notices[0];
    assert!(
        n.contains("Final-Recipient: rfc822; alice@a.test\r\n")
            && n.contains("Status: 2.0.0")
            && n.contains("Original-Envelope-Id: local1")
            && !n.contains("alice+tag"),
        "{n}"
    );
    // The notice itself (sender <>) asks for nothing more.
    std::thread::sleep(Duration::from_secs(2));
    let all: Vec<String> = std::fs::read_dir(w.a.maildir_new("alice", "a.test"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert_eq!(all.len(), 2, "{all:#?}\n{}", w.a.log());
}

#[test]
fn an_8bit_multipart_for_an_old_next_hop_bounces_5_6_3_with_the_full_message() {
    let mut w = world();
    // Neither 8BITMIME nor DSN.
    let t = fake_mx("127.0.0.14", w.a.port, vec![Script::default()]);
    w.a.start();
    smtp_with_dsn(
        w.a.addr(),
        &["BODY=8BITMIME", "RET=FULL"],
        &[("m@old.fake.test", &[])],
        "Subject: parts\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nna\u{ef}ve body\r\n--b--\r\n",
    );
    let b = &w.a.wait_mail("alice", "a.test", 1, 30)[0];
    let (status, diag) = dsn_status(b);
    assert_eq!(status, "5.6.3", "{b}");
    assert!(diag.contains("does not offer 8BITMIME"), "{b}");
    // RET=FULL: the whole message comes back, body included.
    assert!(
        b.contains("Content-Type: message/rfc822") && b.contains("ve body"),
        "{b}"
    );
    assert!(
        !transcript(&t).concat().contains("MAIL FROM"),
        "{:?}",
        transcript(&t)
    );
}
