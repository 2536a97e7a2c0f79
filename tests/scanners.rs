//! The content scanners of the inbound pipeline against the real daemons (#18): ClamAV's
//! clamd refusing a virus, rspamd's and SpamAssassin's spamd's scores sending mail to Junk
//! or refusing it (GTUBE), each scanner down giving its configured behaviour, through
//! `check message` and through the MX itself.

mod common;
#[path = "outbound/dns.rs"]
#[allow(dead_code)]
mod dns;

use std::path::Path;

use serde_json::Value;

use common::cli::{mailctl, ok};
use common::scanners::{self, EICAR, GTUBE};

fn message(subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: <alice@sender.test>\r\nTo: <bob@ours.test>\r\nSubject: {subject}\r\nDate: Sun, 06 Dec 2026 10:00:00 +0000\r\nMessage-ID: <{subject}@sender.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

const SLOPPY: &[u8] =
    b"From: <alice@sender.test>\r\nTo: <bob@ours.test>\r\nSubject: hi\r\n\r\nhello\r\n";

/// `check message --json` on `msg`: (exit code, document).
fn check(p: &Path, ns: &str, msg: &[u8]) -> (i32, Value) {
    let file = p.join("msg.eml");
    std::fs::write(&file, msg).unwrap();
    let o = mailctl(
        p,
        &[
            "--json",
            "check",
            "message",
            file.to_str().unwrap(),
            "--ip",
            "192.0.2.7",
            "--helo",
            "mail.sender.test",
            "--from",
            "alice@sender.test",
            "--to",
            "bob@ours.test",
            "--nameserver",
            ns,
        ],
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    (o.status.code().unwrap(), v)
}

fn verdict<'a>(v: &'a Value, method: &str) -> &'a Value {
    v["verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["method"] == method)
        .unwrap_or_else(|| panic!("no {method} verdict in {v:#}"))
}

/// A port nothing listens on.
fn closed_port() -> String {
    format!("127.0.0.1:{}", common::net::free_port())
}

#[test]
fn scanners_refuse_viruses_junk_or_refuse_spam_and_fail_as_configured() {
    let dns = dns::DnsServer::start(&[
        ("test", ""),
        (
            "sender.test",
            "@ IN TXT \"v=spf1 ip4:192.0.2.7 ip4:127.0.0.1 -all\"\n@ IN MX 10 mail.sender.test.\nmail IN A 192.0.2.7\n",
        ),
        ("2.0.192.in-addr.arpa", "7 IN PTR mail.sender.test.\n"),
    ]);
    let ns = dns.addr();
    let clamd = scanners::clamd();
    let rspamd = scanners::rspamd(&ns);
    let data = common::data_dir();
    let p = data.path();
    ok(p, &["domain", "add", "ours.test", "--create"]);
    ok(p, &["config", "set", "hostname", "mx.ours.test"]);
    ok(p, &["config", "set", "dnsbl.zones", ""]);
    ok(p, &["config", "set", "inbound.clamd", &clamd.addr]);
    ok(p, &["config", "set", "inbound.rspamd", &rspamd.addr]);

    // A plain message: both scanners asked, both pass, accepted.
    let (code, v) = check(p, &ns, &message("hello", "Lunch on Friday?"));
    assert_eq!((code, v["decision"].as_str()), (0, Some("accept")), "{v:#}");
    assert_eq!(verdict(&v, "clamd")["result"], "pass", "{v:#}");
    assert_eq!(
        verdict(&v, "rspamd")["result"],
        "pass",
        "{v:#}\n{}",
        rspamd.log()
    );

    // EICAR: refused, naming the signature.
    let (code, v) = check(p, &ns, &message("eicar", EICAR));
    assert_eq!((code, v["decision"].as_str()), (1, Some("reject")), "{v:#}");
    let c = verdict(&v, "clamd");
    assert_eq!(c["result"], "fail", "{v:#}");
    assert!(
        c["reason"].as_str().unwrap().contains("Test.EICAR"),
        "{v:#}"
    );

    // GTUBE: rspamd's action is reject whatever our thresholds.
    let (code, v) = check(p, &ns, &message("gtube", GTUBE));
    assert_eq!((code, v["decision"].as_str()), (1, Some("reject")), "{v:#}");
    assert!(v["reason"].as_str().unwrap().starts_with("rspamd"), "{v:#}");

    // Our junk threshold below a sloppy message's score (no Date, no Message-ID: rspamd's
    // MISSING_DATE and MISSING_MID) but above the plain one's: Junk and accept.
    ok(p, &["config", "set", "inbound.spam_junk_score", "2"]);
    let (code, v) = check(p, &ns, SLOPPY);
    assert_eq!((code, v["decision"].as_str()), (1, Some("junk")), "{v:#}");
    let (code, v) = check(p, &ns, &message("hello", "Lunch on Friday?"));
    assert_eq!((code, v["decision"].as_str()), (0, Some("accept")), "{v:#}");
    ok(p, &["config", "set", "inbound.spam_junk_score", "6"]);

    // Scanners down: clamd defers (tempfail), rspamd lets mail through, unless configured.
    ok(p, &["config", "set", "inbound.clamd", &closed_port()]);
    let (_, v) = check(p, &ns, &message("hello", "Lunch on Friday?"));
    assert_eq!(v["decision"], "tempfail", "{v:#}");
    assert_eq!(verdict(&v, "clamd")["result"], "temperror", "{v:#}");
    ok(p, &["config", "set", "inbound.clamd_down", "accept"]);
    ok(p, &["config", "set", "inbound.rspamd", &closed_port()]);
    let (_, v) = check(p, &ns, &message("hello", "Lunch on Friday?"));
    assert_eq!(v["decision"], "accept", "{v:#}");
    assert_eq!(verdict(&v, "rspamd")["result"], "temperror", "{v:#}");
    ok(p, &["config", "set", "inbound.rspamd_down", "tempfail"]);
    let (_, v) = check(p, &ns, &message("hello", "Lunch on Friday?"));
    assert_eq!(v["decision"], "tempfail", "{v:#}");

    // A bad endpoint is refused when set, not discovered when mail arrives.
    let o = mailctl(p, &["config", "set", "inbound.clamd", "not-an-endpoint"]);
    assert!(!o.status.success(), "{o:?}");
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("HOST:PORT"),
        "{o:?}"
    );

    // Through the MX: a virus gets 554 5.7.1 naming it; spam over the junk score lands in
    // Junk with X-Spam headers.
    ok(p, &["config", "set", "inbound.clamd", &clamd.addr]);
    ok(p, &["config", "set", "inbound.rspamd", &rspamd.addr]);
    ok(p, &["config", "set", "inbound.spam_junk_score", "2"]);
    common::mx::checks_on(p, &ns);
    let o = mailctl(p, &["user", "add", "bob@ours.test", "--random-password"]);
    assert!(o.status.success(), "{o:?}");
    let srv = common::mx::start(p);
    let port = srv.port("smtp");
    let eicar = p.join("eicar.eml");
    let plain = p.join("plain.eml");
    std::fs::write(&eicar, message("eicar", EICAR)).unwrap();
    std::fs::write(&plain, SLOPPY).unwrap();
    let script = format!(
        r#"
import smtplib
s = smtplib.SMTP("127.0.0.1", {port}, timeout=60)
s.ehlo("mail.sender.test")
try:
    s.sendmail("alice@sender.test", ["bob@ours.test"], open("{eicar}", "rb").read())
    print("virus accepted")
except smtplib.SMTPDataError as e:
    print("virus", e.smtp_code, e.smtp_error.decode())
print("plain", s.sendmail("alice@sender.test", ["bob@ours.test"], open("{plain}", "rb").read()))
s.quit()
"#,
        eicar = eicar.display(),
        plain = plain.display()
    );
    let o = std::process::Command::new("python3")
        .args(["-c", &script])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("virus 554 5.7.1") && out.contains("Test.EICAR"),
        "{out}\n{}\n{}",
        String::from_utf8_lossy(&o.stderr),
        srv.log()
    );
    assert!(out.contains("plain {}"), "{out}\n{}", srv.log());
    let junk = p.join("mail/ours.test/bob/.Junk");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let found = loop {
        let files: Vec<_> = ["new", "cur"]
            .iter()
            .flat_map(|d| {
                std::fs::read_dir(junk.join(d))
                    .into_iter()
                    .flatten()
                    .flatten()
            })
            .map(|e| std::fs::read_to_string(e.path()).unwrap())
            .collect();
        if !files.is_empty() || std::time::Instant::now() > deadline {
            break files;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert_eq!(found.len(), 1, "{}", srv.log());
    // One log line per message says why, with what the scanners said.
    let log = srv.log();
    assert!(log.contains("clamd=fail(Test.EICAR"), "{log}");
    assert!(log.contains("rspamd=fail("), "{log}");
    assert!(
        found[0].contains("X-Spam-Status: Yes, score="),
        "{}",
        found[0]
    );
    assert!(found[0].contains("X-Spam: Yes\r\n"), "{}", found[0]);
}

#[test]
fn spamd_refuses_gtube_passes_plain_mail_and_fails_as_configured() {
    let dns = dns::DnsServer::start(&[
        ("test", ""),
        ("sender.test", "@ IN TXT \"v=spf1 ip4:192.0.2.7 -all\"\n"),
    ]);
    let ns = dns.addr();
    let spamd = scanners::spamd();
    let data = common::data_dir();
    let p = data.path();
    ok(p, &["domain", "add", "ours.test", "--create"]);
    ok(p, &["config", "set", "hostname", "mx.ours.test"]);
    ok(p, &["config", "set", "dnsbl.zones", ""]);
    ok(p, &["config", "set", "inbound.spamd", &spamd.addr]);

    // `status` asks spamd.
    let o = mailctl(p, &["--json", "status"]);
    let st: Value = serde_json::from_slice(&o.stdout).unwrap();
    let sc = &st["inbound"]["scanners"][0];
    assert_eq!(
        (&sc["name"], &sc["ok"]),
        (&"spamd".into(), &true.into()),
        "{st:#}"
    );

    // A plain message passes.
    let (code, v) = check(p, &ns, &message("hello", "Lunch on Friday?"));
    assert_eq!(
        (code, v["decision"].as_str()),
        (0, Some("accept")),
        "{v:#}\n{}",
        spamd.log()
    );
    assert_eq!(verdict(&v, "spamd")["result"], "pass", "{v:#}");

    // GTUBE scores 1000 and more: over inbound.spam_reject_score, refused.
    let (code, v) = check(p, &ns, &message("gtube", GTUBE));
    assert_eq!((code, v["decision"].as_str()), (1, Some("reject")), "{v:#}");
    let s = verdict(&v, "spamd");
    let reason = s["reason"].as_str().unwrap();
    let score: f64 = reason["score ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(score >= 1000.0 && reason.contains("GTUBE"), "{v:#}");

    // spamd down: accepted by default, deferred when configured so; `status` says so.
    ok(p, &["config", "set", "inbound.spamd", &closed_port()]);
    let (code, v) = check(p, &ns, &message("hello", "Lunch on Friday?"));
    assert_eq!((code, v["decision"].as_str()), (0, Some("accept")), "{v:#}");
    assert_eq!(verdict(&v, "spamd")["result"], "temperror", "{v:#}");
    ok(p, &["config", "set", "inbound.spamd_down", "tempfail"]);
    let (_, v) = check(p, &ns, &message("hello", "Lunch on Friday?"));
    assert_eq!(v["decision"], "tempfail", "{v:#}");
    let o = mailctl(p, &["--json", "status"]);
    let st: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(st["inbound"]["scanners"][0]["ok"], false, "{st:#}");
}
