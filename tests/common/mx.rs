//! A mailctl MX for the inbound tests: the checks on against a DNS server on loopback, no wait
//! before port 25's greeting (the tests are not about it), a self-signed certificate for the
//! submission listeners; and one smtplib transaction from 127.0.0.1.

use std::path::Path;

use super::cli::mailctl_ok;
use super::serve::Serve;
use super::tools::python_text;

/// Turns the inbound checks on in `dir`, asking `dns` (ADDR:PORT), as the server's own user.
pub fn checks_on(dir: &Path, dns: &str) {
    for (k, v) in [
        ("server.user", ""),
        ("dns.nameserver", dns),
        ("inbound.checks", "true"),
        ("smtp.greet_wait", "0"),
    ] {
        mailctl_ok(dir, &["config", "set", k, v]);
    }
    mailctl::net::tls::write_self_signed(
        &["localhost".into()],
        &dir.join("tls/cert.pem"),
        &dir.join("tls/key.pem"),
    )
    .unwrap();
}

/// `serve smtp` on loopback: the MX and both submission listeners.
pub fn start(dir: &Path) -> Serve {
    Serve::start(
        dir,
        &["smtp", "--allow-root"],
        &["smtp", "submission", "submissions"],
    )
}

/// One transaction on `port` from 127.0.0.1: `sent`, or the RCPT refusal's code and text.
pub fn attempt(port: u16, from: &str, to: &str) -> String {
    let (ran, text) = python_text(
        &format!(
            r#"
import smtplib
s = smtplib.SMTP("127.0.0.1", {port}, timeout=30)
s.ehlo("mail.sender.test")
try:
    s.sendmail("{from}", ["{to}"], b"From: <{from}>\r\nTo: <{to}>\r\nSubject: hi\r\n\r\nhello\r\n")
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
