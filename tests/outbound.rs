//! Outbound delivery end to end: two mailctl instances on their own loopback addresses find
//! each other through MX records served by a real DNS server on loopback; bounces, null MX,
//! mail loops, retries after the receiver comes back, relay fallback, hostile receivers, the
//! queue commands and the sendmail/mailq personalities.

mod common;
#[path = "outbound/dns.rs"]
mod dns;
#[path = "outbound/fake.rs"]
mod fake;
#[path = "outbound/hardening.rs"]
mod hardening;
#[path = "outbound/harness.rs"]
mod harness;
#[path = "outbound/queue.rs"]
mod queue;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use harness::*;
use mail_parser::MimeHeaders;

fn zones(dkim_records: &str) -> Vec<(&'static str, String)> {
    vec![
        ("a.test", format!("@ IN MX 10 mail.a.test.
mail IN A 127.0.0.2
{dkim_records}
")),
        ("b.test", "@ IN MX 10 mail.b.test.\nmail IN A 127.0.0.3\n".into()),
        ("c.test", "@ IN MX 10 mail.c.test.\nmail IN A 127.0.0.4\n".into()),
        ("null.test", "@ IN MX 0 .\n".into()),
        ("cname.test", "@ IN MX 10 alias.cname.test.\nalias IN CNAME mail.b.test.\n".into()),
        ("loop.test", "@ IN MX 10 mail.a.test.\n".into()),
        ("fake.test", "g554 IN MX 10 h9.fake.test.\ng554 IN MX 20 h10.fake.test.\nreject IN MX 10 h11.fake.test.\nmixed IN MX 10 h12.fake.test.\ntls IN MX 10 h13.fake.test.\nold IN MX 10 h14.fake.test.\nipmx IN MX 10 127.0.0.15.\nh9 IN A 127.0.0.9\nh10 IN A 127.0.0.10\nh11 IN A 127.0.0.11\nh12 IN A 127.0.0.12\nh13 IN A 127.0.0.13\nh14 IN A 127.0.0.14\n".into()),
        ("hostile.test", "silent IN MX 10 h1.hostile.test.\nendless IN MX 10 h2.hostile.test.\ndrop IN MX 10 h3.hostile.test.\ngarbage IN MX 10 h4.hostile.test.\nh1 IN A 127.0.0.5\nh2 IN A 127.0.0.6\nh3 IN A 127.0.0.7\nh4 IN A 127.0.0.8\n".into()),
    ]
}

struct World {
    _dns: dns::DnsServer,
    a: Instance,
    b: Instance,
    dkim_public: String,
    dns_port: u16,
}

fn world() -> World {
    let port = common_port(&[
        "127.0.0.2",
        "127.0.0.3",
        "127.0.0.4",
        "127.0.0.5",
        "127.0.0.6",
        "127.0.0.7",
        "127.0.0.8",
        "127.0.0.9",
        "127.0.0.10",
        "127.0.0.11",
        "127.0.0.12",
        "127.0.0.13",
        "127.0.0.14",
        "127.0.0.15",
    ]);
    // The DNS server needs the DKIM records, which need the keys: make the instances first
    // and point them at the server once it runs.
    let a = Instance::new(
        "127.0.0.2",
        port,
        "mail.a.test",
        "a.test",
        &["alice"],
        "127.0.0.1:9",
    );
    let b = Instance::new(
        "127.0.0.3",
        port,
        "mail.b.test",
        "b.test",
        &["bob"],
        "127.0.0.1:9",
    );
    // Both algorithms, as `mailctl dkim generate` makes and publishes them (RFC 8463 dual
    // signing). The zone lines are pasted exactly as printed.
    let mut records = String::new();
    for args in [
        &["dkim", "generate", "a.test"][..],
        &[
            "dkim",
            "generate",
            "a.test",
            "--algorithm",
            "rsa",
            "--selector",
            "rsa",
        ][..],
    ] {
        let j = json(a.path(), args);
        records.push_str(j[0]["zone"].as_str().unwrap());
        records.push('\n');
    }
    let z = zones(&records);
    let zr: Vec<(&str, &str)> = z.iter().map(|(o, r)| (*o, r.as_str())).collect();
    let dns = dns::DnsServer::start(&zr);
    a.set("dns.nameserver", &dns.addr());
    b.set("dns.nameserver", &dns.addr());
    // The default a fresh server runs with: SPF, DKIM, DMARC and the default DNSBLs, all asked
    // of the loopback DNS server (which knows no blocklist zone, so nothing is listed).
    for i in [&a, &b] {
        ok(i.path(), &["config", "unset", "inbound.checks"]);
    }
    World {
        dns_port: dns.port,
        _dns: dns,
        a,
        b,
        dkim_public: records,
    }
}

/// Verifies a message's DKIM signature against the test DNS server with mail-auth.
fn dkim_passes(raw: &str, dns_port: u16) -> bool {
    use hickory_resolver::config::{
        ConnectionConfig, NameServerConfig, ResolverConfig, ResolverOpts,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut udp = ConnectionConfig::udp();
        udp.port = dns_port;
        let mut tcp = ConnectionConfig::tcp();
        tcp.port = dns_port;
        let ns = NameServerConfig::new("127.0.0.1".parse().unwrap(), true, vec![udp, tcp]);
        let auth = mail_auth::MessageAuthenticator::new(
            ResolverConfig::from_parts(None, vec![], vec![ns]),
            ResolverOpts::default(),
        )
        .unwrap();
        let msg = mail_auth::AuthenticatedMessage::parse(raw.as_bytes()).unwrap();
        let out = auth.verify_dkim(&msg).await;
        !out.is_empty()
            && out
                .iter()
                .all(|o| o.result() == &mail_auth::DkimResult::Pass)
    })
}

fn dsn_status(raw: &str) -> (String, String) {
    let msg = mail_parser::MessageParser::default()
        .parse(raw.as_bytes())
        .unwrap();
    let ct = msg.content_type().unwrap();
    assert_eq!(
        (ct.ctype(), ct.subtype()),
        ("multipart", Some("report")),
        "{raw}"
    );
    assert_eq!(ct.attribute("report-type"), Some("delivery-status"));
    let status = raw
        .lines()
        .find_map(|l| l.strip_prefix("Status: "))
        .unwrap_or_default()
        .to_string();
    let diag = raw
        .lines()
        .find_map(|l| l.strip_prefix("Diagnostic-Code: smtp; "))
        .unwrap_or_default()
        .to_string();
    (status, diag)
}

#[test]
fn mail_crosses_between_instances_signed_and_bounces_come_back() {
    let mut w = world();
    w.a.start();
    w.b.start();
    swaks(w.a.addr(), "alice@a.test", "bob@b.test", "across");
    let got = w.b.wait_mail("bob", "b.test", 1, 30);
    let m = &got[0];
    assert!(m.contains("Subject: across"), "{m}");
    assert!(
        m.contains("DKIM-Signature:") && m.contains("d=a.test"),
        "{m}"
    );
    assert!(
        m.contains("by mail.b.test") && m.contains("ESMTPS"),
        "the hop between instances must use STARTTLS: {m}"
    );
    assert!(
        dkim_passes(m, w.dns_port),
        "DKIM does not verify against the published key: {m}"
    );
    // B judged it with the default inbound checks: A's signature verified, nothing refused.
    assert!(
        m.contains("Authentication-Results: mail.b.test;")
            && m.contains("dkim=pass")
            && m.contains("header.d=a.test"),
        "{m}\n{}",
        w.b.log()
    );
    // The check has teeth: a changed body fails it.
    assert!(!dkim_passes(
        &m.replace("This is a test mailing", "This is a forged mailing"),
        w.dns_port
    ));
    assert!(!w.dkim_public.is_empty());

    // A 5xx from the receiver, a null MX and an MX pointing back at us each bounce to the sender.
    swaks(w.a.addr(), "alice@a.test", "nobody@b.test", "unknown user");
    swaks(w.a.addr(), "alice@a.test", "someone@null.test", "null mx");
    swaks(w.a.addr(), "alice@a.test", "someone@loop.test", "loop");
    let bounces = w.a.wait_mail("alice", "a.test", 3, 30);
    let mut seen: Vec<(String, String)> = bounces.iter().map(|b| dsn_status(b)).collect();
    seen.sort();
    let text = format!("{seen:?}");
    assert!(
        seen.iter()
            .any(|(s, d)| s == "5.1.1" && d.starts_with("550")),
        "{text}"
    );
    assert!(
        seen.iter()
            .any(|(s, d)| s == "5.1.10" && d.contains("null MX")),
        "{text}"
    );
    assert!(
        seen.iter()
            .any(|(s, d)| s == "5.4.6" && d.contains("loops back to myself")),
        "{text}"
    );
    for b in &bounces {
        assert!(
            b.contains("Return-Path: <>")
                && b.contains("From: \"Mail Delivery System\" <MAILER-DAEMON@mail.a.test>"),
            "{b}"
        );
        assert!(b.contains("Content-Type: text/rfc822-headers"), "{b}");
    }
    // Nothing is left in either queue.
    let start = Instant::now();
    while !json(w.a.path(), &["queue", "list"])
        .as_array()
        .unwrap()
        .is_empty()
    {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{}",
            ok(w.a.path(), &["queue", "list"])
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn deferred_while_the_receiver_is_down_then_delivered_by_flush() {
    let mut w = world();
    w.a.start();
    swaks(w.a.addr(), "alice@a.test", "bob@b.test", "patience");
    // The attempt fails (nothing listens) and the recipient waits for its retry.
    let start = Instant::now();
    let entry = loop {
        let q = json(w.a.path(), &["queue", "list", "--deferred"]);
        if let Some(e) = q.as_array().unwrap().first() {
            break e.clone();
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "never deferred: {}",
            w.a.log()
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    let r = &entry["recipients"][0];
    assert_eq!(r["address"], "bob@b.test");
    assert_eq!(r["status"], "queued");
    assert!(r["attempts"].as_u64().unwrap() >= 1);
    assert!(
        r["last_error"].as_str().unwrap().contains("mail.b.test"),
        "{r}"
    );
    let id = entry["id"].as_str().unwrap().to_string();
    let show = ok(w.a.path(), &["queue", "show", &id]);
    assert!(
        show.contains("deferred") && show.contains("Subject: patience"),
        "{show}"
    );

    // hold keeps a flush away from it; release gives it back.
    ok(w.a.path(), &["queue", "hold", &id]);
    assert_eq!(
        json(w.a.path(), &["queue", "list", "--held"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    w.b.start();
    let j = json(w.a.path(), &["queue", "flush"]);
    assert_eq!(j["outbound"]["delivered"], 0);
    ok(w.a.path(), &["queue", "release", &id]);
    w.a.stop(); // flush alone must do it, as `postqueue -f` on a box whose daemon is down
    let j = json(w.a.path(), &["queue", "flush"]);
    assert_eq!(j["outbound"]["delivered"], 1, "{j}");
    let got = w.b.wait_mail("bob", "b.test", 1, 20);
    assert!(got[0].contains("Subject: patience"));
    assert!(
        json(w.a.path(), &["queue", "list"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        mailctl(w.a.path(), &["queue", "show", &id]).status.code(),
        Some(1)
    );
}

#[test]
fn direct_then_relay_falls_back_to_the_relay_host() {
    let mut w = world();
    // c.test's MX (127.0.0.4) has nothing listening: direct fails, the relay (B) takes it.
    w.a.set("relay.mode", "direct-then-relay");
    w.a.set("relay.host", "127.0.0.3");
    w.a.set("relay.port", &w.b.port.to_string());
    w.a.set("relay.tls", "none");
    w.a.start();
    w.b.start();
    swaks(w.a.addr(), "alice@a.test", "carol@c.test", "via relay");
    let start = Instant::now();
    loop {
        let q = json(w.b.path(), &["queue", "list"]);
        if q.as_array()
            .unwrap()
            .iter()
            .any(|e| e["recipients"][0]["address"] == "carol@c.test")
        {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the relay never got it; A's log:\n{}",
            w.a.log()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(w.a.log().contains("trying the relay host"), "{}", w.a.log());
}

/// A receiver that misbehaves in one way, on `ip:port`.
fn hostile(ip: &str, port: u16, kind: &'static str) {
    let l = TcpListener::bind((ip, port)).unwrap();
    std::thread::spawn(move || {
        for conn in l.incoming().take(20) {
            let Ok(mut s) = conn else { continue };
            std::thread::spawn(move || {
                let _ = s.set_write_timeout(Some(Duration::from_secs(10)));
                match kind {
                    "silent" => std::thread::sleep(Duration::from_secs(15)),
                    "endless" => {
                        let _ = s.write_all(b"220-hello\r\n");
                        let start = Instant::now();
                        while start.elapsed() < Duration::from_secs(15) {
                            if s.write_all(&b"220-more and more and more\r\n".repeat(64))
                                .is_err()
                            {
                                break;
                            }
                        }
                    }
                    "drop" => {
                        let _ = s.write_all(b"220 drop.test ESMTP\r\n");
                        let mut r = BufReader::new(s.try_clone().unwrap());
                        let mut line = String::new();
                        while r.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
                            let up = line.to_ascii_uppercase();
                            let reply: &[u8] = if up.starts_with("EHLO") {
                                b"250-drop.test\r\n250 PIPELINING\r\n"
                            } else if up.starts_with("DATA") {
                                b"354 go\r\n"
                            } else if line == ".\r\n" {
                                return; // hang up instead of answering the message
                            } else if up.starts_with("MAIL") || up.starts_with("RCPT") {
                                b"250 ok\r\n"
                            } else {
                                b""
                            };
                            let _ = s.write_all(reply);
                            line.clear();
                        }
                    }
                    _ => {
                        let _ = s.write_all(b"HELLO THERE this is not SMTP\r\n\0\0\0garbage\r\n");
                        std::thread::sleep(Duration::from_secs(2));
                    }
                }
            });
        }
    });
}

#[test]
fn hostile_receivers_defer_and_never_hang_the_runner() {
    let w = world();
    for (ip, kind) in [
        ("127.0.0.5", "silent"),
        ("127.0.0.6", "endless"),
        ("127.0.0.7", "drop"),
        ("127.0.0.8", "garbage"),
    ] {
        hostile(ip, w.a.port, kind);
    }
    for sub in ["silent", "endless", "drop", "garbage"] {
        sendmail_message(
            w.a.path(),
            "alice@a.test",
            &format!("x@{sub}.hostile.test"),
            &format!("Subject: {sub}\n\nhello\n"),
        );
    }
    // delivery.timeout is 3s: every step against these peers ends within it.
    let j = json(w.a.path(), &["queue", "flush"]);
    assert_eq!(j["outbound"]["deferred"], 4, "{j}");
    let q = json(w.a.path(), &["queue", "list"]);
    let errors: Vec<String> = q
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            e["recipients"][0]["last_error"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let all = errors.join("\n");
    assert!(errors.iter().all(|e| e.starts_with("451 4.")), "{all}");
    assert!(all.contains("no answer within"), "silent peer: {all}");
    assert!(
        all.contains("longer than"),
        "endless continuation lines: {all}"
    );
    assert!(
        all.contains("lost during the message transfer"),
        "dropped after DATA: {all}"
    );
    assert!(all.contains("malformed reply"), "garbage: {all}");
}

#[test]
fn sendmail_and_mailq_personalities() {
    let w = world();
    let links = tempfile::tempdir().unwrap();
    ok(
        w.a.path(),
        &["install-links", links.path().to_str().unwrap()],
    );
    let sendmail = links.path().join("sendmail");
    let run = |args: &[&str], input: &str| {
        let mut c = Command::new(&sendmail)
            .args(args)
            .env("MAILCTL_DATA_DIR", w.a.path())
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        c.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        let o = c.wait_with_output().unwrap();
        assert!(
            o.status.success(),
            "sendmail {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    // PHP mail() / msmtp-style: recipients from the headers, Bcc removed.
    run(
        &["-t", "-i"],
        "To: alice@a.test\nBcc: bob@b.test\nSubject: from php\n\nhi\n",
    );
    // mutt-style: explicit sender and recipients after --.
    run(
        &["-oem", "-oi", "-f", "alice@a.test", "--", "bob@b.test"],
        "Subject: from mutt\n\nhi\n",
    );
    // cron-style: full name, no From header.
    run(
        &["-FCron Daemon", "-i", "bob@b.test"],
        "Subject: cron\n\noutput\n",
    );
    let mailq = Command::new(links.path().join("mailq"))
        .env("MAILCTL_DATA_DIR", w.a.path())
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&mailq.stdout);
    assert!(
        mailq.status.success()
            && listing.contains("bob@b.test")
            && listing.contains("3 message(s)"),
        "{listing}"
    );
    let q = json(w.a.path(), &["queue", "list"]);
    let php = q
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["recipients"].as_array().unwrap().len() == 2)
        .unwrap();
    let id = php["id"].as_str().unwrap();
    let spooled = std::fs::read_to_string(w.a.path().join("queue").join(id)).unwrap();
    assert!(
        !spooled.contains("Bcc:")
            && spooled.contains("Subject: from php")
            && spooled.contains("Message-ID:"),
        "{spooled}"
    );
    let cron = q
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            std::fs::read_to_string(w.a.path().join("queue").join(e["id"].as_str().unwrap()))
                .unwrap()
        })
        .find(|s| s.contains("Subject: cron"))
        .unwrap();
    assert!(cron.contains("From: Cron Daemon <"), "{cron}");
    // delete --all empties it, spool files included.
    ok(w.a.path(), &["queue", "delete", "--all"]);
    assert!(
        json(w.a.path(), &["queue", "list"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        std::fs::read_dir(w.a.path().join("queue")).unwrap().count(),
        0
    );
}

#[test]
fn the_sender_hears_about_a_delay_once() {
    let w = world();
    w.a.set("queue.delay_warning", "1s");
    sendmail_message(
        w.a.path(),
        "alice@a.test",
        "bob@b.test",
        "Subject: slow\n\nhello\n",
    );
    // B is not running: the first attempt defers.
    let j = json(w.a.path(), &["queue", "flush"]);
    assert_eq!(j["outbound"]["deferred"], 1, "{j}");
    std::thread::sleep(Duration::from_millis(2100));
    json(w.a.path(), &["queue", "flush"]);
    json(w.a.path(), &["queue", "flush"]);
    let notices = w.a.wait_mail("alice", "a.test", 1, 10);
    assert_eq!(notices.len(), 1, "exactly one notice");
    let n = &notices[0];
    assert!(
        n.contains("Subject: Delayed Mail (still being retried)")
            && n.contains("Action: delayed")
            && n.contains("Status: 4."),
        "{n}"
    );
    // The message itself is still queued for bob.
    let q = json(w.a.path(), &["queue", "list"]);
    assert!(
        q.as_array()
            .unwrap()
            .iter()
            .any(|e| e["recipients"][0]["address"] == "bob@b.test"),
        "{q}"
    );
}

#[test]
fn an_unencrypted_relay_must_be_on_loopback() {
    let w = world();
    w.a.set("relay.mode", "relay");
    w.a.set("relay.host", "192.0.2.1"); // never contacted: refused before connecting
    w.a.set("relay.tls", "none");
    sendmail_message(
        w.a.path(),
        "alice@a.test",
        "bob@b.test",
        "Subject: x\n\nhello\n",
    );
    json(w.a.path(), &["queue", "flush"]);
    let q = json(w.a.path(), &["queue", "list"]);
    let err = q[0]["recipients"][0]["last_error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        err.contains("relay.tls = none is allowed only for a relay on loopback"),
        "{err}"
    );
}

#[test]
fn an_mx_that_is_a_cname_is_tolerated_and_logged() {
    let mut w = world();
    ok(w.b.path(), &["domain", "add", "cname.test"]);
    ok(
        w.b.path(),
        &["alias", "add", "carol@cname.test", "bob@b.test"],
    );
    w.a.start();
    w.b.start();
    swaks(w.a.addr(), "alice@a.test", "carol@cname.test", "via cname");
    let got = w.b.wait_mail("bob", "b.test", 1, 30);
    assert!(got[0].contains("Subject: via cname"));
    assert!(w.a.log().contains("MX target is a CNAME"), "{}", w.a.log());
}

#[test]
fn a_bounce_that_fails_is_never_bounced_but_can_go_to_the_postmaster() {
    let mut w = world();
    w.b.start();
    let send_null = |to: &str| {
        sendmail_message(w.a.path(), "", to, "Subject: a bounce\n\nundeliverable\n");
    };
    // Without queue.double_bounce_to: dropped, nothing bounced, the queue empties.
    send_null("nobody@b.test");
    let j = json(w.a.path(), &["queue", "flush"]);
    assert_eq!(j["outbound"]["failed"], 1, "{j}");
    assert_eq!(j["outbound"]["bounces"], 0, "{j}");
    assert!(
        json(w.a.path(), &["queue", "list"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    // With it: the report goes to the postmaster.
    w.a.set("queue.double_bounce_to", "alice@a.test");
    send_null("nobody@b.test");
    json(w.a.path(), &["queue", "flush"]);
    json(w.a.path(), &["queue", "flush"]);
    let got = w.a.wait_mail("alice", "a.test", 1, 10);
    assert!(
        got[0].contains("Final-Recipient: rfc822; nobody@b.test"),
        "{}",
        got[0]
    );
    w.b.stop();
}
