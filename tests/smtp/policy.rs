//! Who may do what: AUTH and TLS rules, bans, connection limits, mynetworks, lists and quota, certificate reload.

use std::process::Command;
use std::time::Duration;

use super::harness::*;

#[test]
fn submission_requires_auth_and_tls_when_plaintext_is_never() {
    let dir = data_dir();
    mailctl_ok(dir.path(), &["config", "set", "auth.plaintext", "never"]);
    let srv = Server::start(dir.path());
    let mut c = Client::connect(srv.submission());
    let ehlo = c.cmd("EHLO raw");
    assert!(
        ehlo.contains("STARTTLS") && !ehlo.contains("AUTH"),
        "{ehlo}"
    );
    assert!(
        c.cmd("AUTH PLAIN AGFsaWNlQGV4YW1wbGUudGVzdABjb3JyZWN0IGhvcnNlIGJhdHRlcnk=")
            .starts_with("530 5.7.0")
    );
    assert!(
        c.cmd("MAIL FROM:<alice@example.test>")
            .starts_with("530 5.7.0")
    );
    // Over TLS, AUTH PLAIN with a foreign authorization identity is refused.
    let script = format!(
        r#"
import smtplib, ssl, base64
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = smtplib.SMTP("127.0.0.1", {port}, timeout=20)
s.starttls(context=ctx)
s.ehlo()
tok = base64.b64encode(b"bob@example.test\0alice@example.test\0{PASSWORD}").decode()
print(s.docmd("AUTH", "PLAIN " + tok))
"#,
        port = srv.submission().port()
    );
    let out = Command::new("python3")
        .arg("-c")
        .arg(&script)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("(535, b'5.7.8 Authorization identity differs"),
        "{text}"
    );
}

#[test]
fn failed_logins_ban_the_address_until_lifted() {
    let dir = data_dir();
    mailctl_ok(dir.path(), &["config", "set", "ban.threshold", "3"]);
    let srv = Server::start(dir.path());
    let mut c = Client::connect(srv.submission());
    c.cmd("EHLO raw");
    // "alice@example.test\0wrong" — plaintext AUTH is allowed from loopback by default.
    let bad = "AUTH PLAIN AGFsaWNlQGV4YW1wbGUudGVzdAB3cm9uZw==";
    assert!(c.cmd(bad).starts_with("535 5.7.8"));
    assert!(c.cmd(bad).starts_with("535 5.7.8"));
    assert!(c.cmd(bad).starts_with("421 4.7.0"));
    // New connections are refused at once.
    let mut s = std::net::TcpStream::connect(srv.submission()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut greeting = String::new();
    use std::io::Read;
    s.read_to_string(&mut greeting).unwrap();
    assert!(greeting.starts_with("421 4.7.0"), "{greeting}");
    let list = mailctl_ok(dir.path(), &["--json", "ban", "list"]);
    assert!(list.contains("\"ip\": \"127.0.0.1\""), "{list}");
    // Times in JSON are RFC 3339 UTC, as everywhere else.
    let bans: serde_json::Value = serde_json::from_str(&list).unwrap();
    for field in ["until", "created"] {
        let t = bans[0][field].as_str().unwrap_or_default();
        assert!(
            t.len() == 20 && t.ends_with('Z') && t.as_bytes()[10] == b'T',
            "{field}: {list}"
        );
    }
    mailctl_ok(dir.path(), &["ban", "remove", "127.0.0.1"]);
    let mut c = Client::connect(srv.submission());
    c.cmd("EHLO raw");
    assert!(
        c.cmd("AUTH PLAIN AGFsaWNlQGV4YW1wbGUudGVzdABjb3JyZWN0IGhvcnNlIGJhdHRlcnk=")
            .starts_with("235")
    );
}

#[test]
fn per_ip_connection_limit() {
    let dir = data_dir();
    mailctl_ok(
        dir.path(),
        &["config", "set", "limits.max_connections_per_ip", "1"],
    );
    let srv = Server::start(dir.path());
    let _first = Client::connect(srv.smtp());
    let mut s = std::net::TcpStream::connect(srv.smtp()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut text = String::new();
    use std::io::Read;
    s.read_to_string(&mut text).unwrap();
    assert!(text.starts_with("421 4.7.0"), "{text}");
}

#[test]
fn distribution_list_delivers_one_copy_per_member_and_quota_refuses() {
    let dir = data_dir();
    add_user(dir.path(), "carol@example.test", &["--quota", "1K"]);
    mailctl_ok(
        dir.path(),
        &[
            "alias",
            "add",
            "team@example.test",
            "alice@example.test",
            "bob@example.test",
            "friend@far.example",
        ],
    );
    let srv = Server::start(dir.path());
    let mut c = Client::connect(srv.smtp());
    c.cmd("EHLO raw");
    let r = c.mail(
        "x@remote.test",
        &["team@example.test", "alice@example.test"],
        &message("list"),
    );
    assert!(r.starts_with("250 2.0.0"), "{r}");
    assert_eq!(
        maildir_files(dir.path(), "alice", "example.test", 1).len(),
        1
    );
    assert_eq!(maildir_files(dir.path(), "bob", "example.test", 1).len(), 1);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        maildir_files(dir.path(), "alice", "example.test", 0).len(),
        1,
        "one copy per mailbox"
    );
    // The external member is queued for outbound.
    let db = mailctl::core::Db::open(&mailctl::core::DataDir::new(dir.path())).unwrap();
    assert!(
        db.queue_recipients()
            .unwrap()
            .iter()
            .any(|r| r.address == "friend@far.example" && !r.local)
    );
    // Quota: fill carol's 1K, then RCPT says 452 4.2.2.
    let r = c.mail(
        "x@remote.test",
        &["carol@example.test"],
        &format!("Subject: fill\r\n\r\n{}\r\n", "q".repeat(900)),
    );
    assert!(r.starts_with("250"));
    maildir_files(dir.path(), "carol", "example.test", 1);
    c.cmd("MAIL FROM:<x@remote.test>");
    assert!(
        c.cmd("RCPT TO:<carol@example.test>")
            .starts_with("452 4.2.2")
    );
}

#[test]
fn mynetworks_may_relay_without_auth() {
    let dir = data_dir();
    let srv = Server::start(dir.path());
    let mut c = Client::connect(srv.smtp());
    c.cmd("EHLO raw");
    c.cmd("MAIL FROM:<x@remote.test>");
    assert!(
        c.cmd("RCPT TO:<friend@far.example>")
            .starts_with("554 5.7.1")
    );
    drop(c);
    drop(srv);
    mailctl_ok(dir.path(), &["config", "set", "mynetworks", "127.0.0.0/8"]);
    let srv = Server::start(dir.path());
    for addr in [srv.smtp(), srv.submission()] {
        let mut c = Client::connect(addr);
        c.cmd("EHLO raw");
        let r = c.mail(
            "x@remote.test",
            &["friend@far.example"],
            &message("relayed"),
        );
        assert!(r.starts_with("250 2.0.0"), "{r}");
    }
}

#[test]
fn sighup_reloads_the_certificate() {
    let dir = data_dir();
    let srv = Server::start(dir.path());
    let fingerprint = |port: u16| {
        let script = format!(
            r#"
import smtplib, ssl, hashlib
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = smtplib.SMTP("127.0.0.1", {port}, timeout=20)
s.starttls(context=ctx)
print(hashlib.sha256(s.sock.getpeercert(binary_form=True)).hexdigest())
s.quit()
"#
        );
        let out = Command::new("python3")
            .arg("-c")
            .arg(&script)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    let before = fingerprint(srv.submission().port());
    mailctl::net::tls::write_self_signed(
        &["renewed.example.test".into()],
        &dir.path().join("tls/cert.pem"),
        &dir.path().join("tls/key.pem"),
    )
    .unwrap();
    srv.signal(libc::SIGHUP);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !srv.log().contains("TLS certificate reloaded") && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let after = fingerprint(srv.submission().port());
    assert_ne!(before, after, "the new certificate is served after SIGHUP");
}

#[test]
fn idle_clients_are_timed_out_with_421() {
    let dir = data_dir();
    mailctl_ok(dir.path(), &["config", "set", "smtp.command_timeout", "1s"]);
    mailctl_ok(dir.path(), &["config", "set", "smtp.data_timeout", "1s"]);
    let srv = Server::start(dir.path());
    let mut c = Client::connect(srv.smtp());
    assert!(c.cmd("EHLO raw").starts_with("250"));
    // Say nothing: the server gives up after the command timeout.
    let r = c.reply();
    assert!(r.starts_with("421 4.4.2") && r.contains("Timeout"), "{r}");
    assert_eq!(c.reply(), "", "and closes");
    // In the middle of DATA, the data timeout applies, and nothing is queued.
    let mut c = Client::connect(srv.smtp());
    c.cmd("EHLO raw");
    c.cmd("MAIL FROM:<x@remote.test>");
    c.cmd("RCPT TO:<alice@example.test>");
    assert!(c.cmd("DATA").starts_with("354"));
    c.send(b"Subject: never finished\r\n");
    assert!(c.reply().starts_with("421 4.4.2"));
    std::thread::sleep(Duration::from_millis(300));
    assert!(maildir_files(dir.path(), "alice", "example.test", 0).is_empty());
    assert_eq!(
        std::fs::read_dir(dir.path().join("queue")).unwrap().count(),
        0,
        "partial spool file removed"
    );
}
