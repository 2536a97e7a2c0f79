//! `mailctl test`: live checks against mailctl's own daemons, with a self-signed and an
//! expired certificate, and against a port where nothing listens.

mod common;
// Shared with the protocol tests, which use more of them.
#[path = "smtp/harness.rs"]
#[allow(dead_code, unused_imports)]
mod harness;
#[path = "imap/harness.rs"]
#[allow(dead_code, unused_imports)]
mod imap_harness;
#[path = "pop3/harness.rs"]
#[allow(dead_code, unused_imports)]
mod pop3_harness;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use common::cli::BIN;
use common::{certs, net};
use harness::{PASSWORD, Server, data_dir};

fn test_cmd(args: &[&str], stdin: Option<&str>) -> (Output, serde_json::Value) {
    let mut c = Command::new(BIN)
        .args(["--json", "test"])
        .args(args)
        .args(["--timeout", "5"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = c.stdin.take().unwrap();
    if let Some(s) = stdin {
        input.write_all(s.as_bytes()).unwrap();
    }
    drop(input);
    let o = c.wait_with_output().unwrap();
    let j = serde_json::from_slice(&o.stdout).unwrap_or(serde_json::Value::Null);
    (o, j)
}

fn step<'a>(j: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    j["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == name)
        .unwrap_or_else(|| panic!("no step {name}: {j}"))
}

#[test]
fn smtp_plain_starttls_auth_and_implicit_tls_against_our_server() {
    let dir = data_dir();
    let srv = Server::start(dir.path());
    let mx = format!("localhost:{}", srv.smtp().port());
    let (o, j) = test_cmd(&["smtp", &mx], None);
    assert!(o.status.success(), "{j}");
    assert!(
        step(&j, "greeting")["detail"]
            .as_str()
            .unwrap()
            .starts_with("220 "),
        "{j}"
    );
    assert!(
        j["capabilities"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "STARTTLS"),
        "{j}"
    );

    // STARTTLS + AUTH on submission: the self-signed certificate covers localhost, so it
    // only warns (not trusted), and the login works.
    let sub = format!("localhost:{}", srv.submission().port());
    let (o, j) = test_cmd(
        &[
            "smtp",
            &sub,
            "--starttls",
            "--user",
            "alice@example.test",
            "--password-stdin",
        ],
        Some(&format!("{PASSWORD}\n")),
    );
    assert!(o.status.success(), "{j}");
    assert_eq!(step(&j, "certificate")["status"], "warn", "{j}");
    assert_eq!(
        j["certificate"]["names"],
        serde_json::json!(["localhost", "mx.example.test"])
    );
    assert!(j["certificate"]["days_left"].as_i64().unwrap() > 300);
    assert_eq!(step(&j, "auth")["status"], "pass");

    // A wrong password fails the check.
    let (o, j) = test_cmd(
        &[
            "smtp",
            &sub,
            "--starttls",
            "--user",
            "alice@example.test",
            "--password-stdin",
        ],
        Some("wrong\n"),
    );
    assert_eq!(o.status.code(), Some(1), "{j}");
    assert_eq!(step(&j, "auth")["status"], "fail");

    // Implicit TLS on submissions, addressed by IP: the certificate does not name it.
    let smtps = format!("127.0.0.1:{}", srv.submissions().port());
    let (o, j) = test_cmd(&["smtp", &smtps, "--tls"], None);
    assert_eq!(o.status.code(), Some(1), "{j}");
    let detail = step(&j, "certificate")["detail"].as_str().unwrap();
    assert!(
        detail.contains("does not cover the address 127.0.0.1")
            && detail.contains("subjectAltName"),
        "{j}"
    );
}

#[test]
fn the_real_problem_is_named_in_words() {
    let dir = data_dir();
    let srv = Server::start(dir.path());
    // --tls against a plaintext port.
    let mx = format!("localhost:{}", srv.submission().port());
    let (o, j) = test_cmd(&["smtp", &mx, "--tls"], None);
    assert_eq!(o.status.code(), Some(1), "{j}");
    let d = step(&j, "tls")["detail"].as_str().unwrap();
    assert!(
        d.contains("answered in plaintext") && d.contains("try --starttls"),
        "{j}"
    );
    // The SMTP port given to an IMAP test.
    let (o, j) = test_cmd(&["imap", &mx], None);
    assert_eq!(o.status.code(), Some(1), "{j}");
    let d = step(&j, "greeting")["detail"].as_str().unwrap();
    assert!(d.contains("this is an SMTP server, not IMAP"), "{j}");
    // An implicit-TLS port tested without --tls: the server waits for a ClientHello.
    let smtps = format!("localhost:{}", srv.submissions().port());
    let (o, j) = test_cmd(&["smtp", &smtps], None);
    assert_eq!(o.status.code(), Some(1), "{j}");
    assert!(
        step(&j, "greeting")["detail"]
            .as_str()
            .unwrap()
            .contains("try --tls"),
        "{j}"
    );
}

#[test]
fn a_fake_pop3_server_on_an_smtp_test_is_named() {
    // A loopback server that greets like POP3 and hangs up.
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let t = std::thread::spawn(move || {
        if let Ok((mut c, _)) = l.accept() {
            let _ = c.write_all(b"+OK POP3 ready\r\n");
            let _ = c.set_read_timeout(Some(std::time::Duration::from_secs(5)));
            let _ = std::io::Read::read(&mut c, &mut [0u8; 64]);
        }
    });
    let (o, j) = test_cmd(&["smtp", &format!("127.0.0.1:{port}")], None);
    assert_eq!(o.status.code(), Some(1), "{j}");
    assert!(
        step(&j, "greeting")["detail"]
            .as_str()
            .unwrap()
            .contains("this is a POP3 server, not SMTP"),
        "{j}"
    );
    t.join().unwrap();
}

#[test]
fn an_openssl_self_signed_ca_certificate_is_named() {
    let dir = data_dir();
    // What `openssl req -x509` makes by default: basicConstraints critical, CA:TRUE.
    let tls = dir.path().join("tls");
    certs::make_at(&tls.join("cert.pem"), &tls.join("key.pem"), "localhost");
    let srv = Server::start(dir.path());
    let (o, j) = test_cmd(
        &[
            "smtp",
            &format!("localhost:{}", srv.submission().port()),
            "--starttls",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{j}");
    let cert = step(&j, "certificate");
    assert_eq!(cert["status"], "fail", "{j}");
    assert!(
        cert["detail"]
            .as_str()
            .unwrap()
            .contains("the certificate is a self-signed CA certificate"),
        "{j}"
    );
    assert_eq!(j["certificate"]["is_ca"], true);
}

#[test]
fn user_without_password_stdin_is_a_usage_error_and_the_help_says_so() {
    let o = Command::new(BIN)
        .args(["test", "smtp", "127.0.0.1:1", "--user", "a@example.test"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--password-stdin"));
    let help = Command::new(BIN).args(["test", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    let user = help
        .split("--user <USER>")
        .nth(1)
        .and_then(|h| h.split("--password-stdin").next())
        .unwrap_or_default();
    assert!(
        user.contains("Needs"),
        "--user's help says it needs --password-stdin: {help}"
    );
}

#[test]
fn an_expired_certificate_fails() {
    let dir = data_dir();
    // Replace the certificate with one that expired yesterday.
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    let now = std::time::SystemTime::now();
    params.not_before = (now - std::time::Duration::from_secs(30 * 86400)).into();
    params.not_after = (now - std::time::Duration::from_secs(86400)).into();
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    std::fs::write(dir.path().join("tls/cert.pem"), cert.pem()).unwrap();
    std::fs::write(dir.path().join("tls/key.pem"), key.serialize_pem()).unwrap();
    let srv = Server::start(dir.path());
    let (o, j) = test_cmd(
        &[
            "smtp",
            &format!("localhost:{}", srv.submission().port()),
            "--starttls",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{j}");
    let cert = step(&j, "certificate");
    assert_eq!(cert["status"], "fail");
    assert!(
        cert["detail"].as_str().unwrap().starts_with("EXPIRED"),
        "{j}"
    );
    assert!(j["certificate"]["days_left"].as_i64().unwrap() < 0);
}

#[test]
fn nothing_listening_fails_clearly() {
    let port = net::free_port();
    for proto in ["smtp", "imap", "pop3"] {
        let (o, j) = test_cmd(&[proto, &format!("127.0.0.1:{port}")], None);
        assert_eq!(o.status.code(), Some(1));
        assert!(
            step(&j, "connect")["detail"]
                .as_str()
                .unwrap()
                .contains("nothing listens"),
            "{j}"
        );
    }
    // The table form says the same for a person.
    let o = Command::new(BIN)
        .args(["test", "smtp", &format!("127.0.0.1:{port}")])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains("FAIL"));
}

#[test]
fn pop3_stls_and_pop3s_against_our_server() {
    let dir = pop3_harness::data_dir();
    let srv = pop3_harness::Server::start(dir.path());
    let plain = format!("localhost:{}", srv.port("pop3"));
    let (o, j) = test_cmd(
        &[
            "pop3",
            &plain,
            "--starttls",
            "--user",
            "alice@example.test",
            "--password-stdin",
        ],
        Some(&format!("{}\n", pop3_harness::PASSWORD)),
    );
    assert!(o.status.success(), "{j}");
    assert!(
        step(&j, "greeting")["detail"]
            .as_str()
            .unwrap()
            .starts_with("+OK"),
        "{j}"
    );
    assert!(
        j["capabilities"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "UIDL"),
        "{j}"
    );
    assert_eq!(step(&j, "auth")["status"], "pass", "{j}");
    let tls = format!("localhost:{}", srv.port("pop3s"));
    let (o, j) = test_cmd(&["pop3", &tls, "--tls"], None);
    assert!(o.status.success(), "{j}");
    assert_eq!(
        step(&j, "certificate")["status"],
        "warn",
        "self-signed: {j}"
    );
}

#[test]
fn imap_starttls_and_imaps_against_our_server() {
    let dir = imap_harness::data_dir(false);
    let srv = imap_harness::Server::start(dir.path());
    let plain = format!("localhost:{}", srv.port("imap"));
    let (o, j) = test_cmd(
        &[
            "imap",
            &plain,
            "--starttls",
            "--user",
            "alice@example.test",
            "--password-stdin",
        ],
        Some(&format!("{}\n", imap_harness::PASSWORD)),
    );
    assert!(o.status.success(), "{j}");
    assert!(
        step(&j, "greeting")["detail"]
            .as_str()
            .unwrap()
            .contains("LOGINDISABLED"),
        "no password before TLS: {j}"
    );
    assert_eq!(step(&j, "auth")["status"], "pass", "{j}");
    let tls = format!("localhost:{}", srv.port("imaps"));
    let (o, j) = test_cmd(&["imap", &tls, "--tls"], None);
    assert!(o.status.success(), "{j}");
    assert_eq!(
        step(&j, "certificate")["status"],
        "warn",
        "self-signed: {j}"
    );
}
