//! DNS blocklists at connect (#18.1) over real SMTP with Python's smtplib against a real
//! `mailctl serve` and a loopback DNS server: a listed client is refused at RCPT with
//! Postfix's wording, an allowlisted one and one whose list cannot answer are not; then
//! `mailctl dnsbl test` (#18.7) on the same lists, its output and exit codes.

mod common;
#[path = "outbound/dns.rs"]
#[allow(dead_code)]
mod dns;

use common::cli::{mailctl, ok, text};
use common::mx::attempt;
use common::tools::python_text;

/// 127.0.0.1 on a blocklist (bl.test), an allowlist (wl.test), a list answering its
/// error code (err.test); down.example is not served (REFUSED).
fn lists() -> dns::DnsServer {
    dns::DnsServer::start(&[
        ("test", ""),
        ("sender.test", "@ IN TXT \"v=spf1 ip4:127.0.0.1 -all\"\n"),
        ("bl.test", "1.0.0.127 IN A 127.0.0.2\n"),
        ("clean.test", ""),
        ("wl.test", "1.0.0.127 IN A 127.0.10.1\n"),
        ("err.test", "1.0.0.127 IN A 127.255.255.254\n"),
    ])
}

#[test]
fn a_listed_client_is_refused_at_rcpt_unless_allowlisted_or_the_list_fails() {
    let dns = lists();
    let data = common::data_dir();
    let p = data.path();
    ok(p, &["domain", "add", "ours.test", "--create"]);
    ok(p, &["config", "set", "hostname", "mx.ours.test"]);
    ok(p, &["config", "set", "dnsbl.zones", "clean.test,bl.test"]);
    common::mx::checks_on(p, &dns.addr());
    ok(p, &["user", "add", "bob@ours.test", "--random-password"]);
    let srv = common::mx::start(p);
    let port = srv.port("smtp");

    // Listed: 554 at RCPT, in Postfix's words, naming the list and what its code means.
    let refused = attempt(port, "a@sender.test", "bob@ours.test");
    assert_eq!(
        refused,
        "554 5.7.1 Service unavailable; client [127.0.0.1] blocked using bl.test: 127.0.0.2",
        "{}",
        srv.log()
    );
    assert!(
        srv.log().contains("client refused at RCPT"),
        "{}",
        srv.log()
    );

    // On an allowlist too: it passes (each connection reads the lists anew).
    ok(p, &["config", "set", "dnswl.zones", "wl.test"]);
    assert_eq!(
        attempt(port, "a@sender.test", "bob@ours.test"),
        "sent",
        "{}",
        srv.log()
    );
    let got = common::maildir::wait_messages(p, "bob", "ours.test", 1);
    // The end of data reuses the connect verdicts: the allowlisting is in the header.
    assert!(got[0].contains("dnswl=pass"), "{}", got[0]);
    assert!(got[0].contains("iprev="), "{}", got[0]);

    // Lists that answer an error code or cannot be asked refuse nobody.
    ok(p, &["config", "set", "dnswl.zones", ""]);
    ok(
        p,
        &["config", "set", "dnsbl.zones", "err.test,down.example"],
    );
    assert_eq!(
        attempt(port, "a@sender.test", "bob@ours.test"),
        "sent",
        "{}",
        srv.log()
    );
    assert_eq!(
        common::maildir::wait_messages(p, "bob", "ours.test", 2).len(),
        2
    );

    // Listed, but the action is junk: no refusal at RCPT.
    ok(p, &["config", "set", "dnsbl.zones", "bl.test"]);
    ok(p, &["config", "set", "inbound.dnsbl_action", "junk"]);
    assert_eq!(
        attempt(port, "a@sender.test", "bob@ours.test"),
        "sent",
        "{}",
        srv.log()
    );
}

#[test]
fn dnsbl_test_reports_each_list_and_fails_when_listed_or_unknown() {
    let dns = lists();
    let data = common::data_dir();
    let p = data.path();
    ok(p, &["domain", "add", "ours.test", "--create"]);
    ok(p, &["config", "set", "dnsbl.zones", "clean.test,bl.test"]);
    ok(p, &["config", "set", "dnswl.zones", "wl.test"]);
    let ns = dns.addr();
    let run = |ip: &str, json: bool| {
        let mut args = vec!["dnsbl", "test", ip, "--nameserver", &ns];
        if json {
            args.insert(0, "--json");
        }
        let o = mailctl(p, &args);
        (o.status.code(), text(&o))
    };

    // Listed on bl.test (and allowlisted on wl.test): exit 1, each list on its own row.
    let (code, out) = run("127.0.0.1", false);
    assert_eq!(code, Some(1), "{out}");
    for want in [
        "bl.test",
        "LISTED",
        "127.0.0.2",
        "clean.test",
        "not listed",
        "wl.test",
    ] {
        assert!(out.contains(want), "{want}: {out}");
    }
    let (code, out) = run("127.0.0.1", true);
    assert_eq!(code, Some(1), "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["listed"], true, "{v:#}");
    let by_zone = |z: &str| {
        v["lists"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["zone"] == z)
            .unwrap_or_else(|| panic!("{z}: {v:#}"))
            .clone()
    };
    assert_eq!(by_zone("bl.test")["result"], "listed");
    assert_eq!(by_zone("bl.test")["meaning"][0], "127.0.0.2");
    assert_eq!(by_zone("wl.test")["kind"], "dnswl");
    assert_eq!(by_zone("wl.test")["result"], "listed");
    assert_eq!(by_zone("clean.test")["result"], "not listed");

    // On no list: exit 0.
    let (code, out) = run("127.0.0.9", false);
    assert_eq!(code, Some(0), "{out}");
    assert!(!out.contains("LISTED"), "{out}");

    // A list answering its error code, and one that cannot be asked: errors, not "not
    // listed", with what to do; exit 1.
    ok(
        p,
        &["config", "set", "dnsbl.zones", "err.test,down.example"],
    );
    ok(p, &["config", "set", "dnswl.zones", ""]);
    let (code, out) = run("127.0.0.1", false);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("ERROR") && out.contains("->"), "{out}");
    assert!(!out.contains("not listed"), "{out}");
    let (_, out) = run("127.0.0.1", true);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["listed"], false, "{v:#}");
    assert_eq!(v["errors"], true, "{v:#}");
    for l in v["lists"].as_array().unwrap() {
        assert_eq!(l["result"], "error", "{v:#}");
        assert_ne!(l["hint"], "", "{v:#}");
    }

    // Nothing configured: a failure that says what to set.
    ok(p, &["config", "set", "dnsbl.zones", ""]);
    let (code, out) = run("127.0.0.1", false);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("dnsbl.zones"), "{out}");
}

#[test]
fn a_resolver_that_never_answers_delays_neither_the_banner_nor_refuses() {
    // A "resolver" that takes queries and never answers.
    let hole = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let hole_addr = hole.local_addr().unwrap().to_string();
    let data = common::data_dir();
    let p = data.path();
    ok(p, &["domain", "add", "ours.test", "--create"]);
    ok(p, &["config", "set", "hostname", "mx.ours.test"]);
    ok(p, &["config", "set", "dnsbl.zones", "bl.test"]);
    common::mx::checks_on(p, &hole_addr);
    ok(p, &["user", "add", "bob@ours.test", "--random-password"]);
    let srv = common::mx::start(p);
    let port = srv.port("smtp");
    // The banner comes while the lookups hang (an upper bound, not a speed claim); the
    // RCPT waits for them to fail, and a failed list refuses nobody.
    let (ran, out) = python_text(
        &format!(
            r#"
import smtplib, socket
s = socket.create_connection(("127.0.0.1", {port}), timeout=3)
print(s.recv(512).decode().split()[0])
s.close()
c = smtplib.SMTP("127.0.0.1", {port}, timeout=60)
c.ehlo("mail.sender.test")
c.mail("a@sender.test")
print(c.rcpt("bob@ours.test")[0])
c.quit()
"#
        ),
        &[],
    );
    assert!(ran, "{out}\n{}", srv.log());
    assert_eq!(
        out.split_whitespace().collect::<Vec<_>>(),
        ["220", "250"],
        "{out}"
    );
    drop(hole);
}
