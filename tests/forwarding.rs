//! Forwarding that arrives (#20.5), end to end between two mailctl instances found through a
//! loopback DNS server: sender.test publishes SPF `-all` (only 127.0.0.9, where the test's
//! client sends from) and DMARC `p=reject`, and DKIM-signs its mail. Instance A (a.test)
//! forwards to instance B (b.test, which also hosts sender.test's mailboxes):
//! - the copy at B has an SRS envelope sender in a.test, so SPF passes there, and an ARC seal
//!   by a.test that B verifies; DKIM and DMARC still pass;
//! - a bounce to that SRS address at A reaches the original sender; a forged one gets 550;
//! - an alias loop A → B → A stops with a bounce (554 5.4.6) to the original sender.

mod common;
#[path = "outbound/dns.rs"]
mod dns;
// Shared with tests/outbound.rs, which uses the rest of it.
#[allow(dead_code, unused_imports)]
#[path = "outbound/harness.rs"]
mod harness;

use std::net::SocketAddr;

use harness::*;
use mailctl::core::Domain;
use mailctl::dkim::Algorithm;

/// Where the test's client sends from: the only address sender.test's SPF allows.
const CLIENT_IP: &str = "127.0.0.9";

struct World {
    _dns: dns::DnsServer,
    a: Instance,
    b: Instance,
    _keys: tempfile::TempDir,
    sender_pem: String,
}

fn world() -> World {
    let port = common_port(&["127.0.0.2", "127.0.0.3"]);
    let a = Instance::new(
        "127.0.0.2",
        port,
        "mail.a.test",
        "a.test",
        &["carol"],
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
    ok(b.path(), &["domain", "add", "sender.test"]);
    ok(
        b.path(),
        &[
            "user",
            "add",
            "alice@sender.test",
            "--password-hash",
            "$2y$05$fdDzU/K/PETLXAePxymtHuoOEnmtT7NQtAfjRyI9ujlp3altqOCSm",
        ],
    );
    // A seals with its a.test key, an RSA one as RFC 8617 asks.
    let a_key = json(
        a.path(),
        &[
            "dkim",
            "generate",
            "a.test",
            "--algorithm",
            "rsa",
            "--selector",
            "rsa",
        ],
    );
    let mut a_rec = a_key[0]["zone"].as_str().unwrap().to_string();
    // A's bounces (From: MAILER-DAEMON@mail.a.test) are signed and pass DMARC, as its own
    // inbound checks require when one of them comes back through B.
    ok(a.path(), &["domain", "add", "mail.a.test"]);
    let bounce_key = json(a.path(), &["dkim", "generate", "mail.a.test"]);
    a_rec = format!(
        "{a_rec}\n{}\n_dmarc IN TXT \"v=DMARC1; p=none\"",
        bounce_key[0]["zone"].as_str().unwrap()
    );
    let keys = tempfile::tempdir().unwrap();
    let k = mailctl::dkim::generate(
        &mailctl::core::DataDir::new(keys.path()),
        &Domain::parse("sender.test").unwrap(),
        "sel",
        Algorithm::Ed25519,
        false,
    )
    .unwrap();
    let sender_pem = std::fs::read_to_string(&k.path).unwrap();
    let sender = format!(
        "@ IN MX 10 mail.b.test.\n@ IN TXT \"v=spf1 ip4:{CLIENT_IP} -all\"\n_dmarc IN TXT \"v=DMARC1; p=reject\"\nsel._domainkey IN TXT \"{}\"\n",
        k.record_value()
    );
    let a_zone = format!(
        "@ IN MX 10 mail.a.test.\nmail IN A 127.0.0.2\n@ IN TXT \"v=spf1 ip4:127.0.0.0/8 -all\"\n{a_rec}\n"
    );
    let b_zone =
        "@ IN MX 10 mail.b.test.\nmail IN A 127.0.0.3\n@ IN TXT \"v=spf1 ip4:127.0.0.0/8 -all\"\n";
    // The parent zone, so DMARC's tree walk gets NXDOMAIN rather than REFUSED.
    let zones = [
        ("test", ""),
        ("a.test", a_zone.as_str()),
        ("b.test", b_zone),
        ("sender.test", sender.as_str()),
    ];
    let dns = dns::DnsServer::start(&zones);
    for i in [&a, &b] {
        i.set("dns.nameserver", &dns.addr());
        ok(i.path(), &["config", "unset", "inbound.checks"]);
        // The checks are the point here: nobody is exempt.
        i.set("mynetworks", "");
    }
    World {
        _dns: dns,
        a,
        b,
        _keys: keys,
        sender_pem,
    }
}

/// A message from alice@sender.test, DKIM-signed by sender.test.
fn signed_message(w: &World, to: &str, subject: &str) -> Vec<u8> {
    let msg = format!(
        "From: Alice <alice@sender.test>\r\nTo: <{to}>\r\nSubject: {subject}\r\nDate: Sun, 06 Dec 2026 10:00:00 +0000\r\nMessage-ID: <{subject}@sender.test>\r\n\r\nHello from sender.test.\r\n"
    );
    let h = mailctl::dkim::sign(&w.sender_pem, "sender.test", "sel", msg.as_bytes()).unwrap();
    [h.as_bytes(), msg.as_bytes()].concat()
}

/// One SMTP transaction from [`CLIENT_IP`] with python's smtplib: the last reply, "CODE text".
fn send(server: SocketAddr, from: &str, to: &str, message: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.eml");
    std::fs::write(&path, message).unwrap();
    let script = r#"
import smtplib, sys
host, port, frm, to, path, src = sys.argv[1:7]
s = smtplib.SMTP(host, int(port), source_address=(src, 0), timeout=30)
s.ehlo("client.sender.test")
for step in (lambda: s.mail(frm), lambda: s.rcpt(to), lambda: s.data(open(path, "rb").read())):
    code, text = step()
    if code >= 400:
        break
print(code, text.decode())
s.quit()
"#;
    let (ip, port) = (server.ip().to_string(), server.port().to_string());
    let path = path.to_str().unwrap();
    common::tools::python(script, &[&ip, &port, from, to, path, CLIENT_IP])
}

fn header<'a>(msg: &'a str, name: &str) -> Vec<&'a str> {
    let head = msg.split("\r\n\r\n").next().unwrap_or(msg);
    let mut out = Vec::new();
    for (i, line) in head.split("\r\n").enumerate() {
        if line.len() > name.len()
            && line[..name.len()].eq_ignore_ascii_case(name)
            && line.as_bytes()[name.len()] == b':'
        {
            // The value with its folded continuation lines, as one string slice of `head`.
            let start = head
                .split("\r\n")
                .take(i)
                .map(|l| l.len() + 2)
                .sum::<usize>()
                + name.len()
                + 1;
            let mut end = start + line.len() - name.len() - 1;
            for cont in head[end..].split("\r\n").skip(1) {
                if cont.starts_with([' ', '\t']) {
                    end += cont.len() + 2;
                } else {
                    break;
                }
            }
            out.push(head[start..end].trim());
        }
    }
    out
}

#[test]
fn forwarded_mail_passes_spf_by_srs_and_arc_and_its_bounce_goes_home() {
    let mut w = world();
    ok(w.a.path(), &["alias", "add", "fwd@a.test", "bob@b.test"]);
    w.a.start();
    w.b.start();
    let r = send(
        w.a.addr(),
        "alice@sender.test",
        "fwd@a.test",
        &signed_message(&w, "fwd@a.test", "fwd1"),
    );
    assert!(r.starts_with("250"), "{r}\n{}", w.a.log());
    let got = w.b.wait_mail("bob", "b.test", 1, 30).remove(0);
    let rp = header(&got, "Return-Path")[0]
        .trim_matches(['<', '>'])
        .to_string();
    // (The receiver may change its case: SRS verifies regardless.)
    let lower = rp.to_ascii_lowercase();
    assert!(
        lower.starts_with("srs0=") && lower.ends_with("=sender.test=alice@a.test"),
        "{rp}\n{got}"
    );
    assert_eq!(
        header(&got, "Delivered-To"),
        ["bob@b.test", "fwd@a.test"],
        "{got}"
    );
    assert!(
        header(&got, "ARC-Seal")
            .iter()
            .any(|s| s.contains("i=1") && s.contains("d=a.test")),
        "{got}"
    );
    let aar = header(&got, "ARC-Authentication-Results").join(" ");
    assert!(
        aar.contains("mail.a.test;") && aar.contains("dkim=pass"),
        "A's verdicts in the seal: {aar}"
    );
    let ar: String = header(&got, "Authentication-Results")
        .into_iter()
        .find(|v| v.starts_with("mail.b.test"))
        .unwrap_or_else(|| panic!("no results by B:\n{got}"))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for want in [
        "spf=pass smtp.mailfrom=",
        "arc=pass",
        "dkim=pass",
        "dmarc=pass",
    ] {
        assert!(ar.contains(want), "{want} missing at B: {ar}");
    }
    assert!(
        ar.to_ascii_lowercase().contains(&lower),
        "SPF judged the SRS sender: {ar}"
    );

    // A Sieve redirect (here the one `forward set` writes) forwards the same way.
    ok(
        w.a.path(),
        &["forward", "set", "carol@a.test", "bob@b.test"],
    );
    let m = signed_message(&w, "carol@a.test", "redirect1");
    let r = send(w.a.addr(), "alice@sender.test", "carol@a.test", &m);
    assert!(r.starts_with("250"), "{r}\n{}", w.a.log());
    let got = w.b.wait_mail("bob", "b.test", 2, 30);
    let got = got
        .iter()
        .find(|m| m.contains("Subject: redirect1"))
        .unwrap();
    let rp2 = header(got, "Return-Path")[0].to_ascii_lowercase();
    assert!(
        rp2.starts_with("<srs0=") && rp2.ends_with("=sender.test=alice@a.test>"),
        "{got}"
    );
    assert_eq!(
        header(got, "Delivered-To"),
        ["bob@b.test", "carol@a.test"],
        "{got}"
    );
    assert!(
        header(got, "Authentication-Results")
            .iter()
            .any(|v| v.contains("arc=pass")),
        "{got}"
    );

    // A script that edits the header and redirects sends the edited message (RFC 5293 §6).
    let script = w.a.path().join("edit-and-redirect.sieve");
    std::fs::write(
        &script,
        "require [\"editheader\"];\naddheader \"X-Sieve-Edited\" \"by carol\";\nredirect \"bob@b.test\";\n",
    )
    .unwrap();
    let script = script.to_str().unwrap();
    ok(
        w.a.path(),
        &["sieve", "put", "carol@a.test", "edit", script, "--activate"],
    );
    let m = signed_message(&w, "carol@a.test", "redirect2");
    let r = send(w.a.addr(), "alice@sender.test", "carol@a.test", &m);
    assert!(r.starts_with("250"), "{r}\n{}", w.a.log());
    let got = w.b.wait_mail("bob", "b.test", 3, 30);
    let got = got
        .iter()
        .find(|m| m.contains("Subject: redirect2"))
        .unwrap();
    assert_eq!(header(got, "X-Sieve-Edited"), ["by carol"], "{got}");

    // A bounce to the SRS address at A goes on to the original sender (hosted at B).
    let bounce = "From: MAILER-DAEMON@elsewhere.test\r\nTo: <x>\r\nSubject: bounce of fwd1\r\n\r\nundeliverable\r\n";
    let r = send(w.a.addr(), "", &rp, bounce.as_bytes());
    assert!(r.starts_with("250"), "{r}\n{}", w.a.log());
    let home = w.b.wait_mail("alice", "sender.test", 1, 30).remove(0);
    assert!(home.contains("Subject: bounce of fwd1"), "{home}");
    assert_eq!(header(&home, "Return-Path"), ["<>"], "{home}");

    // A forged one (wrong hash) and an altered one (other destination) are refused.
    let forged = "SRS0=abcd=AA=sender.test=alice@a.test";
    let r = send(w.a.addr(), "", forged, bounce.as_bytes());
    assert!(
        r.starts_with("550") && r.contains("5.1.1") && r.contains("SRS"),
        "{r}"
    );
    let altered = rp.replace("=alice@", "=mallory@");
    let r = send(w.a.addr(), "", &altered, bounce.as_bytes());
    assert!(r.starts_with("550") && r.contains("SRS"), "{r}");

    // DMARC by ARC (RFC 8617 §7.2): A changes a signed header on the way, which breaks the
    // author's DKIM signature, so DMARC (p=reject) fails at B; B trusts A's seal, whose
    // results say dkim=pass, and delivers. (sender.test stops being B's own domain first:
    // the own-domain rule never lets a DMARC failure through, rightly.)
    ok(w.b.path(), &["domain", "remove", "sender.test", "--force"]);
    w.b.set("inbound.arc_trusted_sealers", "a.test");
    let script = w.a.path().join("retag.sieve");
    std::fs::write(
        &script,
        "require [\"editheader\"];\ndeleteheader \"Subject\";\naddheader \"Subject\" \"[fwd] redirect3\";\nredirect \"bob@b.test\";\n",
    )
    .unwrap();
    let script = script.to_str().unwrap();
    ok(
        w.a.path(),
        &[
            "sieve",
            "put",
            "carol@a.test",
            "retag",
            script,
            "--activate",
        ],
    );
    let m = signed_message(&w, "carol@a.test", "redirect3");
    let r = send(w.a.addr(), "alice@sender.test", "carol@a.test", &m);
    assert!(r.starts_with("250"), "{r}\n{}", w.a.log());
    let got = w.b.wait_mail("bob", "b.test", 4, 30);
    let got = got
        .iter()
        .find(|m| m.contains("Subject: [fwd] redirect3"))
        .unwrap_or_else(|| panic!("not delivered at B:\n{}", w.b.log()));
    let ar = header(got, "Authentication-Results").join("\n");
    assert!(
        ar.contains("dkim=fail") && ar.contains("arc=pass"),
        "the edit broke DKIM, the seal holds: {ar}"
    );
    assert!(
        ar.contains("dmarc=fail") && ar.contains("policy.arc-sealer=a.test"),
        "DMARC overridden by A's seal: {ar}"
    );
}

#[test]
fn an_alias_loop_between_two_servers_stops_with_a_bounce() {
    let mut w = world();
    ok(w.a.path(), &["alias", "add", "loop@a.test", "loop@b.test"]);
    ok(w.b.path(), &["alias", "add", "loop@b.test", "loop@a.test"]);
    w.a.start();
    w.b.start();
    let r = send(
        w.a.addr(),
        "alice@sender.test",
        "loop@a.test",
        &signed_message(&w, "loop@a.test", "loop1"),
    );
    assert!(r.starts_with("250"), "{r}");
    // A sees its own Delivered-To on the way back and bounces; the bounce finds its way to
    // the sender through both servers' SRS addresses (SRS1 at B, SRS0 at A).
    let got = w.b.wait_mail("alice", "sender.test", 1, 60).remove(0);
    assert!(
        got.contains("5.4.6") && got.contains("loop@a.test"),
        "{got}"
    );
    assert!(
        got.contains("Subject: loop1") || got.contains("loop1@sender.test"),
        "the bounce names the message:\n{got}"
    );
    let log = w.a.log();
    assert_eq!(
        log.matches("via=loop@a.test").count(),
        1,
        "A forwarded once:\n{log}"
    );
    assert!(log.contains("554 5.4.6 mail forwarding loop"), "{log}");
}
