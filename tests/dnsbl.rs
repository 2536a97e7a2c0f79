//! DNS blocklists at connect (#18.1) over real SMTP with Python's smtplib against a real
//! `mailctl serve` and a loopback DNS server: a listed client is refused at RCPT with
//! Postfix's wording, an allowlisted one and one whose list cannot answer are not; then
//! `mailctl dnsbl test` (#18.7) on the same lists, its output and exit codes.

mod common;
#[path = "outbound/dns.rs"]
#[allow(dead_code)]
mod dns;

use common::cli::ok;
use common::serve::Serve;
use common::tools::python_text;

/// One SMTP transaction from 127.0.0.1: `sent` or the RCPT refusal's code and text.
fn attempt(port: u16, to: &str) -> String {
    let (ran, text) = python_text(
        &format!(
            r#"
import smtplib
s = smtplib.SMTP("127.0.0.1", {port}, timeout=30)
s.ehlo("mail.sender.test")
try:
    s.sendmail("a@sender.test", ["{to}"], b"From: <a@sender.test>\r\nTo: <{to}>\r\nSubject: hi\r\n\r\nhello\r\n")
    print("sent")
except smtplib.SMTPRecipientsRefused as e:
    code, text = e.recipients["{to}"]
    print(code, text.decode())
s.quit()
"#
        ),
        &[],
    );
    assert!(ran, "{text}");
    text.trim().to_string()
}

/// 127.0.0.1 on a blocklist (bl.test), an allowlist (wl.test), a list answering its
/// error code (err.test); down.test is not served (REFUSED).
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
    let data = tempfile::tempdir().unwrap();
    let p = data.path();
    ok(p, &["domain", "add", "ours.test", "--create"]);
    ok(p, &["config", "set", "hostname", "mx.ours.test"]);
    ok(p, &["config", "set", "server.user", ""]);
    ok(p, &["config", "set", "dnsbl.zones", "clean.test,bl.test"]);
    ok(p, &["config", "set", "dns.nameserver", &dns.addr()]);
    ok(p, &["config", "set", "inbound.checks", "true"]);
    ok(p, &["user", "add", "bob@ours.test", "--random-password"]);
    mailctl::net::tls::write_self_signed(
        &["localhost".into()],
        &p.join("tls/cert.pem"),
        &p.join("tls/key.pem"),
    )
    .unwrap();
    let srv = Serve::start(
        p,
        &["smtp", "--allow-root"],
        &["smtp", "submission", "submissions"],
    );
    let port = srv.port("smtp");

    // Listed: 554 at RCPT, in Postfix's words, naming the list and what its code means.
    let refused = attempt(port, "bob@ours.test");
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
    assert_eq!(attempt(port, "bob@ours.test"), "sent", "{}", srv.log());
    let got = common::maildir::wait_messages(p, "bob", "ours.test", 1);
    // The end of data reuses the connect verdicts: the allowlisting is in the header.
    assert!(got[0].contains("dnswl=pass"), "{}", got[0]);
    assert!(got[0].contains("iprev="), "{}", got[0]);

    // Lists that answer an error code or cannot be asked refuse nobody.
    ok(p, &["config", "set", "dnswl.zones", ""]);
    ok(p, &["config", "set", "dnsbl.zones", "err.test,down.test"]);
    assert_eq!(attempt(port, "bob@ours.test"), "sent", "{}", srv.log());
    assert_eq!(
        common::maildir::wait_messages(p, "bob", "ours.test", 2).len(),
        2
    );

    // Listed, but the action is junk: no refusal at RCPT.
    ok(p, &["config", "set", "dnsbl.zones", "bl.test"]);
    ok(p, &["config", "set", "inbound.dnsbl_action", "junk"]);
    assert_eq!(attempt(port, "bob@ours.test"), "sent", "{}", srv.log());
}
