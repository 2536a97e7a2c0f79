//! Real clients: swaks, Python smtplib, curl, msmtp, and the `--dev` banner.

use std::process::{Command, Stdio};
use std::time::Duration;

use super::harness::*;
use super::{require, swaks};
use crate::common::serve::listen_args;
use crate::common::tools::python_text;

#[test]
fn swaks_plain_to_mx_lands_in_maildir_with_trace_headers() {
    let dir = data_dir();
    let srv = Server::start(dir.path());
    let port = srv.smtp().port().to_string();
    let (ok, out) = swaks(&[
        "--server",
        "127.0.0.1",
        "--port",
        &port,
        "--from",
        "x@remote.test",
        "--to",
        "alice+tag@example.test",
        "--header",
        "Subject: plain-mx",
    ]);
    assert!(ok && out.contains("250 2.0.0 Ok: queued as"), "{out}");
    let files = maildir_files(dir.path(), "alice", "example.test", 1);
    assert_eq!(files.len(), 1);
    let m = &files[0];
    assert!(
        m.starts_with(
            "Return-Path: <x@remote.test>\r\nDelivered-To: alice@example.test\r\nReceived: from "
        ),
        "{m}"
    );
    assert!(
        m.contains("with ESMTP id") && m.contains("Subject: plain-mx"),
        "{m}"
    );
    // Delivered and finished: nothing left in the queue.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        std::fs::read_dir(dir.path().join("queue")).unwrap().count(),
        0
    );
    let log = srv.log();
    assert!(
        log.contains("queued") && log.contains("local delivery"),
        "{log}"
    );
}

#[test]
fn swaks_starttls_auth_plain_login_and_pipelining_on_submission() {
    let dir = data_dir();
    let srv = Server::start(dir.path());
    let port = srv.submission().port().to_string();
    for (auth, subject) in [("PLAIN", "sub-plain"), ("LOGIN", "sub-login")] {
        let (ok, out) = swaks(&[
            "--server",
            "127.0.0.1",
            "--port",
            &port,
            "--tls",
            "--auth",
            auth,
            "--auth-user",
            "alice@example.test",
            "--auth-password",
            PASSWORD,
            "--from",
            "alice@example.test",
            "--to",
            "bob@example.test",
            "--pipeline",
            "--header",
            &format!("Subject: {subject}"),
        ]);
        assert!(ok, "{auth}: {out}");
        assert!(
            out.contains("235 2.7.0") && out.contains("250 2.0.0 Ok: queued as"),
            "{out}"
        );
    }
    let files = maildir_files(dir.path(), "bob", "example.test", 2);
    assert_eq!(files.len(), 2);
    assert!(files.iter().all(|m| m.contains("with ESMTPSA")
        && m.contains("(Authenticated sender: alice@example.test)")
        && m.contains("(using TLSv1.")));
    // Implicit TLS on the submissions port.
    let port465 = srv.submissions().port().to_string();
    let (ok, out) = swaks(&[
        "--server",
        "127.0.0.1",
        "--port",
        &port465,
        "--tls-on-connect",
        "--auth",
        "PLAIN",
        "--auth-user",
        "alice@example.test",
        "--auth-password",
        PASSWORD,
        "--from",
        "alice@example.test",
        "--to",
        "bob@example.test",
    ]);
    assert!(ok && out.contains("250 2.0.0 Ok: queued as"), "{out}");
}

#[test]
fn python_smtplib_submission_relays_external_into_the_queue() {
    let dir = data_dir();
    let srv = Server::start(dir.path());
    let script = format!(
        r#"
import smtplib, ssl
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = smtplib.SMTP("127.0.0.1", {port}, timeout=20)
s.starttls(context=ctx)
s.login("alice@example.test", "{PASSWORD}")
refused = s.sendmail("alice@example.test", ["friend@far.example", "bob@example.test"], "From: alice@example.test\r\nSubject: py\r\n\r\nhello from python\r\n")
print("refused", refused)
try:
    s.sendmail("bob@example.test", ["x@far.example"], "Subject: spoof\r\n\r\nx\r\n")
except smtplib.SMTPSenderRefused as e:
    print("sender-refused", e.smtp_code, e.smtp_error.decode())
s.quit()
"#,
        port = srv.submission().port()
    );
    let (status, text) = python_text(&script, &[]);
    assert!(status, "{text}");
    assert!(text.contains("refused {}"), "{text}");
    assert!(text.contains("sender-refused 553 5.7.1"), "{text}");
    assert_eq!(maildir_files(dir.path(), "bob", "example.test", 1).len(), 1);
    // The external recipient stays queued, with its spool file, for outbound delivery.
    std::thread::sleep(Duration::from_millis(500));
    let db = mailctl::core::Db::open(&mailctl::core::DataDir::new(dir.path())).unwrap();
    let rows = db.queue_recipients().unwrap();
    let ext: Vec<_> = rows
        .iter()
        .filter(|r| r.address == "friend@far.example")
        .collect();
    assert_eq!(ext.len(), 1, "{rows:?}");
    assert!(!ext[0].local && ext[0].status == "queued");
    assert!(dir.path().join("queue").join(&ext[0].message_id).exists());
}

#[test]
fn curl_smtp_upload_and_msmtp_submission() {
    require("curl");
    require("msmtp");
    let dir = data_dir();
    let srv = Server::start(dir.path());
    let mail = dir.path().join("m.eml");
    std::fs::write(&mail, message("via-curl")).unwrap();
    let out = Command::new("curl")
        .args([
            "-sS",
            "--max-time",
            "20",
            &format!("smtp://127.0.0.1:{}", srv.smtp().port()),
            "--mail-from",
            "x@remote.test",
        ])
        .args(["--mail-rcpt", "alice@example.test", "--upload-file"])
        .arg(&mail)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "curl: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let conf = dir.path().join("msmtprc");
    std::fs::write(
        &conf,
        format!(
            "account default\nhost 127.0.0.1\nport {}\ntls on\ntls_starttls on\ntls_certcheck off\nauth plain\nuser alice@example.test\npassword {PASSWORD}\nfrom alice@example.test\n",
            srv.submission().port()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&conf, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut child = Command::new("msmtp")
        .arg("-C")
        .arg(&conf)
        .arg("alice@example.test")
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            message("via-msmtp")
                .replace("From: a@remote.test", "From: alice@example.test")
                .replace("\r\n", "\n")
                .as_bytes(),
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "msmtp: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let files = maildir_files(dir.path(), "alice", "example.test", 2);
    assert!(
        files.iter().any(|m| m.contains("Subject: via-curl")),
        "{files:?}"
    );
    assert!(
        files.iter().any(|m| m.contains("Subject: via-msmtp")),
        "{files:?}"
    );
}

#[test]
fn dev_mode_prints_account_and_accepts_its_login() {
    let cwd = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args(["serve", "--dev"])
        .args(listen_args(&["smtp", "submission", "submissions"]))
        .current_dir(cwd.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    use std::io::BufRead;
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut password = String::new();
    let mut submission = String::new();
    let mut swaks_line = String::new();
    // Bounded, with room for the whole banner (listeners, webmail, the two swaks lines).
    for line in lines.by_ref().take(40) {
        let line = line.unwrap();
        if let Some(p) = line.trim().strip_prefix("password:") {
            password = p.trim().to_string();
        }
        if let Some(a) = line.trim().strip_prefix("submission ") {
            submission = a.trim().to_string();
        }
        if line.trim().starts_with("swaks --server") && line.contains("--auth") {
            swaks_line = line.trim().to_string();
            break;
        }
    }
    assert!(
        !password.is_empty() && !submission.is_empty(),
        "banner incomplete"
    );
    assert!(swaks_line.contains(&password) && swaks_line.contains(&submission));
    let (ok, out) = swaks(&[
        "--server",
        &submission,
        "--tls",
        "--auth",
        "PLAIN",
        "--auth-user",
        "demo@example.test",
        "--auth-password",
        &password,
        "--from",
        "demo@example.test",
        "--to",
        "demo@example.test",
    ]);
    let _ = child.kill();
    let _ = child.wait();
    assert!(ok && out.contains("250 2.0.0 Ok: queued"), "{out}");
    assert!(cwd.path().join("mailctl-dev/mailctl.db").exists());
}

/// The banner's "deliver to it as the world would" line works out of the box: `serve --dev`
/// stores `inbound.checks false` in its data directory (a loopback demo asks no internet DNS
/// about the real domain it sends as), says so, and the message lands with no verdicts.
#[test]
fn dev_mode_keeps_inbound_checks_off_and_delivers_the_world_example() {
    let cwd = tempfile::tempdir().unwrap();
    let dev = cwd.path().join("mailctl-dev");
    // Made beforehand with a dead loopback resolver: even checks left on by mistake could
    // not reach outside loopback from this test.
    mailctl_ok(&dev, &["domain", "add", "example.test", "--create"]);
    mailctl_ok(&dev, &["config", "set", "dns.nameserver", "127.0.0.1:9"]);
    let mut child = Command::new(BIN)
        .args(["serve", "--dev", "smtp"])
        .args(listen_args(&["smtp", "submission", "submissions"]))
        .current_dir(cwd.path())
        .env_remove("MAILCTL_DATA_DIR")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    use std::io::BufRead;
    let mut banner = String::new();
    let mut smtp = String::new();
    let lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    for line in lines.take(40) {
        let line = line.unwrap();
        if let Some(a) = line.trim().strip_prefix("smtp ") {
            smtp = a.trim().to_string();
        }
        banner.push_str(&line);
        banner.push('\n');
        if line.contains("--from someone@example.org") {
            break;
        }
    }
    let stored = mailctl_ok(&dev, &["config", "get", "inbound.checks"]);
    let (ok, out) = swaks(&[
        "--server",
        &smtp,
        "--from",
        "someone@example.org",
        "--to",
        "demo@example.test",
        "--header",
        "Subject: from the world",
    ]);
    let got = if ok {
        maildir_files(&dev, "demo", "example.test", 1)
    } else {
        Vec::new()
    };
    let _ = child.kill();
    let _ = child.wait();
    assert!(banner.contains("inbound checks off"), "{banner}");
    assert_eq!(stored.trim(), "false", "{stored}");
    assert!(ok && out.contains("250 2.0.0 Ok: queued"), "{out}");
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].contains("Subject: from the world") && !got[0].contains("Authentication-Results:"),
        "{}",
        got[0]
    );
}
