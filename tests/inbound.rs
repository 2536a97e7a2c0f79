//! The inbound pipeline through `mailctl check message`, against a real DNS server on
//! loopback (hickory-server) serving SPF, DKIM and DMARC records, with messages signed by
//! test keys: pass, fail, temperror and permerror for each method, the decision and its
//! exit status, DNSBL return codes and the own-domain rule.

mod common;
#[path = "outbound/dns.rs"]
#[allow(dead_code)]
mod dns;

use std::path::Path;

use mailctl::core::Domain;
use mailctl::dkim::{Algorithm, generate};
use serde_json::Value;

use common::cli::{mailctl, ok};
use common::maildir;
use common::tools::{python, python_text};
use common::users::add_user;

/// A signing key for `domain` under selector `sel`: (PEM, TXT record value).
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

fn message(from: &str, body: &str) -> Vec<u8> {
    format!(
        "From: <{from}>\r\nTo: <bob@ours.test>\r\nSubject: test\r\nDate: Sun, 06 Dec 2026 10:00:00 +0000\r\nMessage-ID: <1@x>\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

fn signed(pem: &str, domain: &str, msg: &[u8]) -> Vec<u8> {
    let h = mailctl::dkim::sign(pem, domain, "sel", msg).unwrap();
    [h.as_bytes(), msg].concat()
}

struct World {
    dns: dns::DnsServer,
    data: tempfile::TempDir,
    keys: tempfile::TempDir,
    good_pem: String,
    perm_pem: String,
    temp_pem: String,
    fwd_pem: String,
}

/// The zones: good.test (everything right, p=reject), quar.test (p=quarantine, SPF
/// elsewhere), pct.test (p=reject pct=50), perm.test (broken SPF and DKIM records),
/// ours.test (a domain served here), a blocklist, the reverse zone and the parent `test`
/// zone (so DMARC's tree walk gets NXDOMAIN). tempfail.example is not served: REFUSED.
fn world() -> World {
    let keys = tempfile::tempdir().unwrap();
    let (good_pem, good_rec) = key(keys.path(), "good.test");
    let (perm_pem, _) = key(keys.path(), "perm.test");
    let (temp_pem, _) = key(keys.path(), "tempfail.example");
    let good = format!(
        "@ IN TXT \"v=spf1 ip4:192.0.2.7 ip4:192.0.2.66 ip4:127.0.0.1 -all\"\nmail IN A 192.0.2.7\nsel._domainkey IN TXT \"{good_rec}\"\n_dmarc IN TXT \"v=DMARC1; p=reject; sp=quarantine\"\n"
    );
    let (fwd_pem, fwd_rec) = key(keys.path(), "forwarder.test");
    let fwd = format!("sel._domainkey IN TXT \"{fwd_rec}\"\n");
    let dns = dns::DnsServer::start(&[
        ("test", ""),
        ("good.test", &good),
        (
            "quar.test",
            "@ IN TXT \"v=spf1 ip4:198.51.100.1 -all\"\n_dmarc IN TXT \"v=DMARC1; p=quarantine\"\n",
        ),
        (
            "pct.test",
            "@ IN TXT \"v=spf1 ip4:198.51.100.1 -all\"\n_dmarc IN TXT \"v=DMARC1; p=reject; pct=50\"\n",
        ),
        (
            "perm.test",
            "@ IN TXT \"v=spf1 ip4:not-an-address -all\"\nsel._domainkey IN TXT \"v=DKIM1; k=ed25519; p=@@@notbase64@@@\"\n_dmarc IN TXT \"v=DMARC1; p=bogus\"\n",
        ),
        (
            "ours.test",
            "@ IN TXT \"v=spf1 ip4:203.0.113.5 -all\"\n_dmarc IN TXT \"v=DMARC1; p=quarantine\"\n",
        ),
        (
            "bl.test",
            "66.2.0.192 IN A 127.0.0.2\n66.2.0.192 IN TXT \"listed for testing\"\n8.2.0.192 IN A 127.255.255.254\n",
        ),
        ("forwarder.test", &fwd),
        ("2.0.192.in-addr.arpa", "7 IN PTR mail.good.test.\n"),
    ]);
    let data = common::data_dir();
    let p = data.path();
    ok(p, &["domain", "add", "ours.test", "--create"]);
    ok(p, &["config", "set", "hostname", "mx.ours.test"]);
    ok(p, &["config", "set", "dnsbl.zones", "bl.test"]);
    World {
        dns,
        data,
        keys,
        good_pem,
        perm_pem,
        temp_pem,
        fwd_pem,
    }
}

impl World {
    /// `check message` with --json: (exit code, document).
    fn check(&self, msg: &[u8], ip: &str, from: &str, extra: &[&str]) -> (i32, Value) {
        let file = self.keys.path().join("msg.eml");
        std::fs::write(&file, msg).unwrap();
        let ns = self.dns.addr();
        let helo = from.rsplit_once('@').map_or("helo.test", |(_, d)| d);
        let mut args = vec![
            "--json",
            "check",
            "message",
            file.to_str().unwrap(),
            "--ip",
            ip,
            "--helo",
            helo,
            "--from",
            from,
            "--to",
            "bob@ours.test",
            "--nameserver",
            &ns,
        ];
        args.extend_from_slice(extra);
        let o = mailctl(self.data.path(), &args);
        let v: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
            panic!(
                "{e}: {}\n{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            )
        });
        (o.status.code().unwrap(), v)
    }
}

/// The result of the first verdict of `method` (for spf: the MAIL FROM identity).
fn result<'a>(v: &'a Value, method: &str) -> &'a str {
    v["verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| {
            x["method"] == method
                && (method != "spf"
                    || x["props"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|p| p["name"] == "smtp.mailfrom"))
        })
        .unwrap_or_else(|| panic!("no {method} verdict in {v:#}"))["result"]
        .as_str()
        .unwrap()
}

fn ar(v: &Value) -> &str {
    v["authentication_results"].as_str().unwrap()
}

#[test]
fn authenticated_mail_passes_every_check_and_is_accepted() {
    let w = world();
    let msg = signed(
        &w.good_pem,
        "good.test",
        &message("alice@good.test", "hello"),
    );
    let (code, v) = w.check(&msg, "192.0.2.7", "alice@good.test", &[]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["decision"], "accept");
    for (m, want) in [
        ("iprev", "pass"),
        ("spf", "pass"),
        ("dkim", "pass"),
        ("dmarc", "pass"),
        ("arc", "none"),
    ] {
        assert_eq!(result(&v, m), want, "{m}: {v:#}");
    }
    let h = ar(&v);
    assert!(
        h.starts_with("Authentication-Results: mx.ours.test;\r\n\t"),
        "{h}"
    );
    for part in [
        "iprev=pass policy.iprev=192.0.2.7",
        "spf=pass smtp.mailfrom=alice@good.test",
        "spf=pass smtp.helo=good.test",
        "dkim=pass header.d=good.test header.s=sel header.b=",
        "dmarc=pass header.from=good.test",
    ] {
        assert!(h.contains(part), "{part} missing from {h}");
    }
}

#[test]
fn forged_mail_for_a_reject_domain_fails_spf_dkim_dmarc_and_is_rejected() {
    let w = world();
    let mut msg = signed(
        &w.good_pem,
        "good.test",
        &message("alice@good.test", "original"),
    );
    // Changing the body after signing breaks the body hash.
    let n = msg.len();
    msg.splice(n - 10.., b"tampered\r\n".iter().copied());
    let (code, v) = w.check(&msg, "192.0.2.99", "alice@good.test", &[]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(v["decision"], "reject");
    assert_eq!(result(&v, "spf"), "fail");
    assert_eq!(result(&v, "dkim"), "fail");
    assert_eq!(result(&v, "dmarc"), "fail");
    assert!(v["reason"].as_str().unwrap().contains("p=reject"), "{v:#}");
    // A changed signed header fails the signature itself.
    let good = signed(&w.good_pem, "good.test", &message("alice@good.test", "x"));
    let forged = String::from_utf8(good)
        .unwrap()
        .replace("Subject: test", "Subject: urgent");
    let (_, v2) = w.check(forged.as_bytes(), "192.0.2.7", "alice@good.test", &[]);
    assert_eq!(result(&v2, "dkim"), "fail", "{v2:#}");
    let h = ar(&v);
    assert!(h.contains("spf=fail reason=\"192.0.2.99 is not allowed by good.test\" smtp.mailfrom=alice@good.test"), "{h}");
    assert!(h.contains("dkim=fail reason="), "{h}");
    assert!(h.contains("dmarc=fail reason="), "{h}");
}

#[test]
fn quarantine_goes_to_junk_and_pct_samples() {
    let w = world();
    let (code, v) = w.check(
        &message("a@quar.test", "x"),
        "192.0.2.99",
        "a@quar.test",
        &[],
    );
    assert_eq!((code, v["decision"].as_str()), (1, Some("junk")), "{v:#}");
    assert_eq!(result(&v, "dkim"), "none");
    // pct=50: a draw inside the sample gets p=reject, one outside gets quarantine.
    let msg = message("a@pct.test", "x");
    let (_, v) = w.check(&msg, "192.0.2.99", "a@pct.test", &["--pct-sample", "10"]);
    assert_eq!(v["decision"], "reject", "{v:#}");
    let (_, v) = w.check(&msg, "192.0.2.99", "a@pct.test", &["--pct-sample", "70"]);
    assert_eq!(v["decision"], "junk", "{v:#}");
    // The administrator may choose to only tag.
    ok(
        w.data.path(),
        &["config", "set", "inbound.dmarc_quarantine", "tag"],
    );
    let (code, v) = w.check(
        &message("a@quar.test", "x"),
        "192.0.2.99",
        "a@quar.test",
        &[],
    );
    assert_eq!((code, v["decision"].as_str()), (0, Some("accept")), "{v:#}");
    assert!(ar(&v).contains("dmarc=fail"));
}

#[test]
fn dns_errors_are_temperror_never_pass_or_fail() {
    let w = world();
    let msg = signed(
        &w.temp_pem,
        "tempfail.example",
        &message("a@tempfail.example", "x"),
    );
    let (code, v) = w.check(&msg, "192.0.2.99", "a@tempfail.example", &[]);
    for m in ["spf", "dkim", "dmarc"] {
        assert_eq!(result(&v, m), "temperror", "{m}: {v:#}");
    }
    assert!(ar(&v).contains("dmarc=temperror"), "{}", ar(&v));
    // Default: accepted with the temperror noted; configured: the sender retries later.
    assert_eq!((code, v["decision"].as_str()), (0, Some("accept")), "{v:#}");
    ok(
        w.data.path(),
        &["config", "set", "inbound.temperror", "tempfail"],
    );
    let (code, v) = w.check(&msg, "192.0.2.99", "a@tempfail.example", &[]);
    assert_eq!(
        (code, v["decision"].as_str()),
        (1, Some("tempfail")),
        "{v:#}"
    );
}

#[test]
fn broken_records_are_permerror() {
    let w = world();
    let msg = signed(&w.perm_pem, "perm.test", &message("a@perm.test", "x"));
    let (code, v) = w.check(&msg, "192.0.2.99", "a@perm.test", &[]);
    assert_eq!(result(&v, "spf"), "permerror", "{v:#}");
    assert_eq!(result(&v, "dkim"), "permerror", "{v:#}");
    assert_eq!(result(&v, "dmarc"), "permerror", "{v:#}");
    assert!(ar(&v).contains("spf=permerror"), "{}", ar(&v));
    assert!(ar(&v).contains("dkim=permerror"), "{}", ar(&v));
    assert!(ar(&v).contains("dmarc=permerror"), "{}", ar(&v));
    assert_eq!(code, 0, "permerrors ask for no action: {v:#}");
    // A domain without any record is none everywhere, not an error.
    let (code, v) = w.check(
        &message("a@nothing.test", "x"),
        "192.0.2.99",
        "a@nothing.test",
        &[],
    );
    for m in ["spf", "dkim", "dmarc"] {
        assert_eq!(result(&v, m), "none", "{m}: {v:#}");
    }
    assert_eq!(code, 0, "{v:#}");
}

#[test]
fn our_own_domain_in_from_is_refused_from_outside_unless_mynetworks() {
    let w = world();
    // The case of the issue: SPF -all and DMARC p=quarantine, and still refused, because
    // the domain is ours.
    let msg = message("boss@ours.test", "pay this invoice");
    let (code, v) = w.check(&msg, "192.0.2.99", "boss@ours.test", &[]);
    assert_eq!((code, v["decision"].as_str()), (1, Some("reject")), "{v:#}");
    assert!(
        v["reason"]
            .as_str()
            .unwrap()
            .contains("our domain ours.test"),
        "{v:#}"
    );
    // Spoofing the header only, with another envelope domain, is refused too.
    let (_, v) = w.check(&msg, "192.0.2.7", "alice@good.test", &[]);
    assert_eq!(v["decision"], "reject", "{v:#}");
    // Hiding our domain behind another From: address (DMARC exempts several From: domains)
    // does not get it through either.
    let two = b"From: a@good.test, Boss <boss@ours.test>\r\nSubject: x\r\n\r\nx\r\n";
    let (_, v) = w.check(two, "192.0.2.7", "alice@good.test", &[]);
    assert_eq!(v["decision"], "reject", "{v:#}");
    // The same from our own network is ours.
    ok(
        w.data.path(),
        &["config", "set", "mynetworks", "192.0.2.0/24"],
    );
    let (code, v) = w.check(&msg, "192.0.2.99", "boss@ours.test", &[]);
    assert_eq!((code, v["decision"].as_str()), (0, Some("accept")), "{v:#}");
}

#[test]
fn blocklists_are_read_with_their_return_codes() {
    let w = world();
    let msg = signed(&w.good_pem, "good.test", &message("alice@good.test", "x"));
    // 192.0.2.66 is listed (127.0.0.2): rejected although everything else passes.
    let (code, v) = w.check(&msg, "192.0.2.66", "alice@good.test", &[]);
    assert_eq!(result(&v, "dmarc"), "pass", "{v:#}");
    assert_eq!((code, v["decision"].as_str()), (1, Some("reject")), "{v:#}");
    assert_eq!(result(&v, "dnsbl"), "listed");
    // 192.0.2.8 gets the list's "query refused" code: an error, not a listing.
    let (_, v) = w.check(&msg, "192.0.2.8", "alice@good.test", &[]);
    assert_eq!(result(&v, "dnsbl"), "temperror", "{v:#}");
    assert_ne!(v["decision"], "reject", "{v:#}");
}

#[test]
fn the_text_report_fits_80_columns_and_names_the_decision() {
    let w = world();
    let file = w.keys.path().join("lf.eml");
    // LF line ends, as a mail client saves a message: read as CRLF.
    std::fs::write(&file, "From: <a@quar.test>\nSubject: x\n\nbody\n").unwrap();
    let ns = w.dns.addr();
    let o = mailctl(
        w.data.path(),
        &[
            "check",
            "message",
            file.to_str().unwrap(),
            "--ip",
            "192.0.2.99",
            "--helo",
            "quar.test",
            "--from",
            "<>",
            "--to",
            "bob@ours.test",
            "--nameserver",
            &ns,
        ],
    );
    let text = String::from_utf8(o.stdout).unwrap();
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(text.contains("decision: junk"), "{text}");
    assert!(
        text.contains("smtp.mailfrom=postmaster@quar.test"),
        "{text}"
    );
    let table: Vec<&str> = text.lines().take_while(|l| !l.is_empty()).collect();
    assert!(table[0].starts_with("STAGE"), "{text}");
    for l in &table {
        assert!(l.chars().count() <= 80, "too wide: {l}");
    }
    // Not a message at all: nothing to authenticate, nothing refused for it.
    let (code, v) = w.check(
        b"# notes\n\nnot a message\n",
        "192.0.2.99",
        "a@nothing.test",
        &[],
    );
    assert_eq!((code, result(&v, "dkim")), (0, "none"), "{v:#}");
    // Usage errors exit 2.
    let o = mailctl(
        w.data.path(),
        &["check", "message", "x.eml", "--ip", "nope"],
    );
    assert_eq!(o.status.code(), Some(2));
}

/// An ARC set (RFC 8617) added by forwarder.test over `msg`, as a mailing list would.
fn arc_sealed(pem: &str, domain: &str, msg: &[u8]) -> Vec<u8> {
    use mail_auth::common::crypto::Ed25519Key;
    use mail_auth::common::headers::HeaderWriter;
    use rustls_pki_types::PrivateKeyDer;
    use rustls_pki_types::pem::PemObject;
    let der = PrivateKeyDer::from_pem_slice(pem.as_bytes()).unwrap();
    let PrivateKeyDer::Pkcs8(p8) = der else {
        panic!("not PKCS#8")
    };
    let key = Ed25519Key::from_pkcs8_maybe_unchecked_der(p8.secret_pkcs8_der()).unwrap();
    let parsed = mail_auth::AuthenticatedMessage::parse(msg).unwrap();
    let results = mail_auth::AuthenticationResults::new(domain);
    let set = mail_auth::arc::ArcSealer::from_key(key)
        .domain(domain)
        .selector("sel")
        .headers(["From", "To", "Subject", "DKIM-Signature"])
        .seal(&parsed, &results, &mail_auth::ArcOutput::default())
        .unwrap();
    [
        set.to_header().as_bytes(),
        results.to_header().as_bytes(),
        msg,
    ]
    .concat()
}

#[test]
fn arc_sets_are_verified() {
    let w = world();
    let inner = signed(&w.good_pem, "good.test", &message("alice@good.test", "x"));
    let sealed = arc_sealed(&w.fwd_pem, "forwarder.test", &inner);
    let (_, v) = w.check(&sealed, "192.0.2.7", "alice@good.test", &[]);
    assert_eq!(result(&v, "arc"), "pass", "{v:#}");
    assert!(ar(&v).contains("arc=pass"), "{}", ar(&v));
    // Changed after sealing: the chain no longer verifies.
    let broken = String::from_utf8(sealed.clone())
        .unwrap()
        .replace("Subject: test", "Subject: changed");
    let (_, v) = w.check(broken.as_bytes(), "192.0.2.7", "alice@good.test", &[]);
    assert_eq!(result(&v, "arc"), "fail", "{v:#}");
    // Sealed by a domain whose key cannot be looked up, or whose key is broken.
    let temp = arc_sealed(&w.temp_pem, "tempfail.example", &inner);
    let (_, v) = w.check(&temp, "192.0.2.7", "alice@good.test", &[]);
    assert_eq!(result(&v, "arc"), "temperror", "{v:#}");
    let perm = arc_sealed(&w.perm_pem, "perm.test", &inner);
    let (_, v) = w.check(&perm, "192.0.2.7", "alice@good.test", &[]);
    assert_eq!(result(&v, "arc"), "permerror", "{v:#}");
}

#[test]
fn every_dkim_signature_is_reported_and_subdomains_get_sp() {
    let w = world();
    // Two signatures: a valid one and one whose key record is broken.
    let once = signed(&w.good_pem, "good.test", &message("alice@good.test", "x"));
    let twice = signed(&w.perm_pem, "perm.test", &once);
    let (code, v) = w.check(&twice, "192.0.2.7", "alice@good.test", &[]);
    let dkim: Vec<&str> = v["verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["method"] == "dkim")
        .map(|x| x["result"].as_str().unwrap())
        .collect();
    assert_eq!(dkim.len(), 2, "{v:#}");
    assert!(
        dkim.contains(&"pass") && dkim.contains(&"permerror"),
        "{dkim:?}"
    );
    assert_eq!((code, result(&v, "dmarc")), (0, "pass"), "{v:#}");
    // sub.good.test has no record of its own: good.test's sp=quarantine applies, not p=reject.
    let (code, v) = w.check(
        &message("a@sub.good.test", "x"),
        "192.0.2.99",
        "a@sub.good.test",
        &[],
    );
    assert_eq!((code, v["decision"].as_str()), (1, Some("junk")), "{v:#}");
}

#[test]
fn the_mx_refuses_spoofs_at_data_and_stamps_authentication_results() {
    let w = world();
    let p = w.data.path();
    let password = "a long test passphrase 42";
    add_user(p, "bob@ours.test", password, &[]);
    let ns = w.dns.addr();
    common::mx::checks_on(p, &ns);
    let srv = common::mx::start(p);
    let port = |name: &str| srv.port(name).to_string();
    // Signed by good.test, whose SPF allows 127.0.0.1, carrying a forged verdict in our name.
    let good = signed(
        &w.good_pem,
        "good.test",
        &message("alice@good.test", "signed-token"),
    );
    let forged = [
        &b"Authentication-Results: mx.ours.test; dmarc=pass header.from=anything\r\n"[..],
        &good,
    ]
    .concat();
    let good_file = w.keys.path().join("good.eml");
    std::fs::write(&good_file, &forged).unwrap();
    let script = format!(
        r#"
import smtplib, ssl
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = smtplib.SMTP("127.0.0.1", {mx}, timeout=20)
s.ehlo("mail.good.test")
print("good", s.sendmail("alice@good.test", ["bob@ours.test"], open("{good}", "rb").read()))
try:
    s.sendmail("boss@ours.test", ["bob@ours.test"], b"From: Boss <boss@ours.test>\r\nSubject: pay\r\n\r\nspoof-token\r\n")
    print("spoof accepted")
except smtplib.SMTPDataError as e:
    print("spoof", e.smtp_code, e.smtp_error.decode())
print("junk", s.sendmail("a@quar.test", ["bob@ours.test"], b"From: <a@quar.test>\r\nSubject: q\r\n\r\njunk-token\r\n"))
s.quit()
s = smtplib.SMTP("127.0.0.1", {sub}, timeout=20)
s.starttls(context=ctx)
s.login("bob@ours.test", "{password}")
print("submission", s.sendmail("bob@ours.test", ["bob@ours.test"], b"From: bob@ours.test\r\nSubject: note\r\n\r\nsubmitted-token\r\n"))
s.quit()
"#,
        mx = port("smtp"),
        sub = port("submission"),
        good = good_file.display(),
    );
    let (status, text) = python_text(&script, &[]);
    assert!(status, "{text}\n{}", srv.log());
    assert!(text.contains("good {}"), "{text}");
    assert!(text.contains("junk {}"), "{text}");
    assert!(
        text.contains(
            "spoof 550 5.7.1 Message refused: policy fail: From: claims our domain ours.test"
        ),
        "{text}"
    );
    // Submission is never checked: the same kind of message from a user goes through.
    assert!(text.contains("submission {}"), "{text}");
    let msgs = maildir::wait_messages(p, "bob", "ours.test", 2);
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    let good = msgs.iter().find(|m| m.contains("signed-token")).unwrap();
    assert_eq!(good.matches("Authentication-Results:").count(), 1, "{good}");
    assert!(
        !good.contains("header.from=anything"),
        "the forged verdict stays out: {good}"
    );
    for part in [
        "Authentication-Results: mx.ours.test;\r\n",
        "spf=pass smtp.mailfrom=alice@good.test",
        "dkim=pass header.d=good.test",
        "dmarc=pass header.from=good.test",
    ] {
        assert!(good.contains(part), "{part} missing: {good}");
    }
    // Ours comes before the message's own header (and before our Received:).
    assert!(good.find("Authentication-Results").unwrap() < good.find("Received:").unwrap());
    // quar.test fails DMARC with p=quarantine: accepted, into bob's Junk folder.
    let junk_dir = p.join("mail/ours.test/bob/.Junk");
    let junk = maildir::wait_in(&junk_dir, &["new"], 1, std::time::Duration::from_secs(20));
    let junk = maildir::read(&junk);
    assert_eq!(junk.len(), 1, "{}", srv.log());
    assert!(
        junk[0].contains("junk-token") && junk[0].contains("dmarc=fail"),
        "{}",
        junk[0]
    );
    assert!(junk_dir.join("maildirfolder").exists());
    assert!(!msgs.iter().any(|m| m.contains("junk-token")));
    let submitted = msgs.iter().find(|m| m.contains("submitted-token")).unwrap();
    assert!(!submitted.contains("Authentication-Results"), "{submitted}");
    // The inbound.* settings apply to the next message, without a restart.
    ok(p, &["config", "set", "inbound.dmarc_quarantine", "reject"]);
    let again = format!(
        r#"
import smtplib
s = smtplib.SMTP("127.0.0.1", {mx}, timeout=20)
try:
    s.sendmail("a@quar.test", ["bob@ours.test"], b"From: <a@quar.test>\r\nSubject: q\r\n\r\nx\r\n")
    print("accepted")
except smtplib.SMTPDataError as e:
    print("refused", e.smtp_code, e.smtp_error.decode())
s.quit()
"#,
        mx = port("smtp")
    );
    let text = python(&again, &[]);
    assert!(text.contains("refused 550 5.7.1"), "{text}");
    // With inbound.spf_fail = reject, an SPF failure is refused at MAIL, before any data.
    ok(p, &["config", "set", "inbound.spf_fail", "reject"]);
    let at_mail = format!(
        r#"
import smtplib
s = smtplib.SMTP("127.0.0.1", {mx}, timeout=20)
s.ehlo("mail.quar.test")
print("mail", s.mail("a@quar.test"))
s.rset()
print("mail", s.mail("alice@good.test"))
s.quit()
"#,
        mx = port("smtp")
    );
    let text = python(&at_mail, &[]);
    assert!(
        text.contains("mail (550, b'5.7.23 SPF: 127.0.0.1 is not allowed by quar.test')"),
        "{text}"
    );
    assert!(text.contains("mail (250,"), "{text}");
    // One log line per message says why.
    let log = srv.log();
    assert!(
        log.lines()
            .any(|l| l.contains("inbound") && l.contains("reject") && l.contains("dmarc=")),
        "{log}"
    );
    srv.stop();
}
