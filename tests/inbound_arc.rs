//! DMARC overridden by a trusted ARC chain (#20 point 5, receiving side; RFC 8617 §7.2):
//! a message from a `p=reject` domain, DKIM-signed by it, changed by a forwarder (a list
//! footer breaks the signature) and ARC-sealed by that forwarder with `dkim=pass` in its
//! ARC-Authentication-Results, sent to the MX over SMTP from the forwarder's address, with
//! a DNS server on loopback serving both domains' records.

mod common;
#[path = "outbound/dns.rs"]
#[allow(dead_code)]
mod dns;

use std::path::Path;

use mail_auth::arc::ArcSealer;
use mail_auth::common::crypto::Ed25519Key;
use mail_auth::common::headers::HeaderWriter;
use mail_auth::dkim::{Canonicalization, Done};
use mail_auth::{ArcOutput, AuthenticatedMessage, AuthenticationResults};
use mailctl::core::Domain;
use mailctl::dkim::{Algorithm, generate};
use rustls_pki_types::PrivateKeyDer;
use rustls_pki_types::pem::PemObject;

use common::cli::{mailctl, ok};
use common::maildir;
use common::tools::python_text;
use common::users::add_user;

/// An Ed25519 key for `domain` under selector `sel`: (PEM, TXT record value).
fn key(dir: &Path, domain: &str) -> (String, String) {
    let k = generate(
        &mailctl::core::DataDir::new(dir),
        &Domain::parse(domain).unwrap(),
        "sel",
        Algorithm::Ed25519,
        false,
    )
    .unwrap();
    (std::fs::read_to_string(&k.path).unwrap(), k.record_value())
}

/// The forwarder's ARC set for `msg` (the first hop), its results saying `results`.
fn arc_seal(pem: &str, msg: &[u8], results: &str) -> Vec<u8> {
    let der = PrivateKeyDer::from_pem_slice(pem.as_bytes()).unwrap();
    let PrivateKeyDer::Pkcs8(p8) = der else {
        panic!("not PKCS#8")
    };
    let key = Ed25519Key::from_pkcs8_maybe_unchecked_der(p8.secret_pkcs8_der()).unwrap();
    let sealer: ArcSealer<Ed25519Key, Done> = ArcSealer::from_key(key)
        .domain("fwd.test")
        .selector("sel")
        .headers([
            "From",
            "To",
            "Subject",
            "Date",
            "Message-ID",
            "DKIM-Signature",
        ])
        .header_canonicalization(Canonicalization::Relaxed)
        .body_canonicalization(Canonicalization::Relaxed);
    let parsed = AuthenticatedMessage::parse(msg).unwrap();
    // The text goes in as the authserv-id: mail-auth writes it after `i=1; ` unchanged.
    let aar = AuthenticationResults::new(results);
    let set = sealer.seal(&parsed, &aar, &ArcOutput::default()).unwrap();
    [set.to_header().as_bytes(), msg].concat()
}

/// Signed by sender.test, given a footer by the forwarder (the DKIM body hash no longer
/// matches), then sealed by fwd.test, which saw the signature pass before its change.
fn forwarded(w: &World, token: &str) -> Vec<u8> {
    let original = format!(
        "From: Alice <alice@sender.test>\r\nTo: <list@fwd.test>\r\nSubject: hello\r\nDate: Sun, 06 Dec 2026 10:00:00 +0000\r\nMessage-ID: <{token}@sender.test>\r\n\r\n{token}\r\n"
    );
    let dkim =
        mailctl::dkim::sign(&w.sender_pem, "sender.test", "sel", original.as_bytes()).unwrap();
    let changed = format!("{dkim}{original}-- \r\nthe list footer\r\n");
    arc_seal(
        &w.fwd_pem,
        changed.as_bytes(),
        "mx.fwd.test; spf=pass smtp.mailfrom=alice@sender.test; dkim=pass header.d=sender.test header.s=sel",
    )
}

struct World {
    dns: dns::DnsServer,
    data: tempfile::TempDir,
    keys: tempfile::TempDir,
    sender_pem: String,
    fwd_pem: String,
}

/// sender.test (p=reject, SPF for another address), fwd.test (its SPF allows 127.0.0.1,
/// the forwarder's address here; its key seals), and the parent zone for DMARC's walk.
fn world() -> World {
    let keys = tempfile::tempdir().unwrap();
    let (sender_pem, sender_rec) = key(keys.path(), "sender.test");
    let (fwd_pem, fwd_rec) = key(keys.path(), "fwd.test");
    let sender = format!(
        "@ IN TXT \"v=spf1 ip4:192.0.2.7 -all\"\nsel._domainkey IN TXT \"{sender_rec}\"\n_dmarc IN TXT \"v=DMARC1; p=reject\"\n"
    );
    let fwd =
        format!("@ IN TXT \"v=spf1 ip4:127.0.0.1 -all\"\nsel._domainkey IN TXT \"{fwd_rec}\"\n");
    let dns = dns::DnsServer::start(&[("test", ""), ("sender.test", &sender), ("fwd.test", &fwd)]);
    let data = common::data_dir();
    let p = data.path();
    ok(p, &["domain", "add", "ours.test", "--create"]);
    ok(p, &["config", "set", "hostname", "mx.ours.test"]);
    ok(p, &["config", "set", "dnsbl.zones", ""]);
    add_user(p, "bob@ours.test", "a long test passphrase 42", &[]);
    common::mx::checks_on(p, &dns.addr());
    World {
        dns,
        data,
        keys,
        sender_pem,
        fwd_pem,
    }
}

/// Sends `msg` from the forwarder (127.0.0.1, MAIL FROM its own bounce address): `sent`, or
/// the DATA refusal's code and text.
fn send(w: &World, port: u16, msg: &[u8]) -> String {
    let file = w.keys.path().join("msg.eml");
    std::fs::write(&file, msg).unwrap();
    let script = format!(
        r#"
import smtplib
s = smtplib.SMTP("127.0.0.1", {port}, timeout=20)
s.ehlo("mail.fwd.test")
try:
    s.sendmail("list-bounces@fwd.test", ["bob@ours.test"], open("{file}", "rb").read())
    print("sent")
except smtplib.SMTPDataError as e:
    print(e.smtp_code, e.smtp_error.decode())
s.quit()
"#,
        file = file.display()
    );
    let (ran, text) = python_text(&script, &[]);
    assert!(ran, "{text}");
    text.trim().to_string()
}

#[test]
fn a_trusted_forwarders_arc_seal_overrides_dmarc_and_an_untrusted_one_does_not() {
    let w = world();
    let p = w.data.path();
    let srv = common::mx::start(p);
    let port = srv.port("smtp");

    // Nothing trusted (the default): the broken signature fails DMARC, p=reject refuses it.
    let said = send(&w, port, &forwarded(&w, "untrusted-token"));
    assert!(said.starts_with("550 5.7.1"), "{said}\n{}", srv.log());

    // Trusting another forwarder changes nothing either.
    ok(
        p,
        &["config", "set", "inbound.arc_trusted_sealers", "other.test"],
    );
    let said = send(&w, port, &forwarded(&w, "other-token"));
    assert!(said.starts_with("550 5.7.1"), "{said}\n{}", srv.log());

    // fwd.test trusted: the same kind of message goes to the inbox, DMARC still `fail`.
    ok(
        p,
        &[
            "config",
            "set",
            "inbound.arc_trusted_sealers",
            "other.test, FWD.test",
        ],
    );
    let said = send(&w, port, &forwarded(&w, "trusted-token"));
    assert_eq!(said, "sent", "{}", srv.log());
    let msgs = maildir::wait_messages(p, "bob", "ours.test", 1);
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    let m = &msgs[0];
    assert!(m.contains("trusted-token"), "{m}");
    let ar = m
        .split("\r\n\r\n")
        .next()
        .unwrap()
        .split("Authentication-Results: mx.ours.test;")
        .nth(1)
        .unwrap_or_else(|| panic!("no Authentication-Results of ours: {m}"));
    for part in [
        "arc=pass",
        "dkim=fail",
        "dmarc=fail reason=\"dmarc overridden by trusted ARC sealer fwd.test (dkim=pass header.d=sender.test)",
        "header.from=sender.test policy.arc-sealer=fwd.test",
    ] {
        assert!(ar.contains(part), "{part} missing: {ar}");
    }
    assert!(!m.contains("untrusted-token") && !m.contains("other-token"));
    let log = srv.log();
    assert!(
        log.contains("dmarc overridden by trusted ARC sealer fwd.test"),
        "{log}"
    );
    srv.stop();

    // `check message` says the same, in its table and in the header it shows.
    let file = w.keys.path().join("check.eml");
    std::fs::write(&file, forwarded(&w, "check-token")).unwrap();
    let ns = w.dns.addr();
    let args = [
        "check",
        "message",
        file.to_str().unwrap(),
        "--ip",
        "127.0.0.1",
        "--helo",
        "mail.fwd.test",
        "--from",
        "list-bounces@fwd.test",
        "--to",
        "bob@ours.test",
        "--nameserver",
        &ns,
    ];
    let o = mailctl(p, &args);
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(
        text.contains("dmarc overridden by trusted ARC sealer fwd.test"),
        "{text}"
    );
    let o = mailctl(p, &[&["--json"][..], &args].concat());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let dmarc = v["verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["method"] == "dmarc")
        .unwrap();
    assert_eq!(
        (&dmarc["result"], &dmarc["action"]),
        (&"fail".into(), &"accept".into()),
        "{v:#}"
    );
    assert!(
        dmarc["reason"]
            .as_str()
            .unwrap()
            .starts_with("dmarc overridden by trusted ARC sealer fwd.test (dkim=pass"),
        "{v:#}"
    );
}
