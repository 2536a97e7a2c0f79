//! Who may do what: AUTH and TLS rules, bans, connection limits, mynetworks, lists, quota
//! (reserved at end of DATA, bounced at delivery), postmaster, spool space, certificate reload.

use std::time::Duration;

use super::harness::*;
use super::require;
use crate::common::tools::{python, python_text};

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
    let (_, text) = python_text(&script, &[]);
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
    let host = hostname_of(&mut c);
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
    // Byte for byte: the refusal is SMTP's own, whoever admits the connection.
    assert_eq!(
        greeting,
        format!("421 4.7.0 {host} Too many failed logins from your address; try again later\r\n")
    );
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
    // The daemon checks its cache of bans, which hears of another process's change on
    // PostgreSQL by NOTIFY, milliseconds later: wait for it, bounded.
    let start = std::time::Instant::now();
    loop {
        let mut s = std::net::TcpStream::connect(srv.submission()).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut first = [0u8; 3];
        if s.read_exact(&mut first).is_ok() && &first == b"220" {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "still refused 3 s after `ban remove`"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
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
    let mut first = srv.client();
    let host = hostname_of(&mut first);
    let mut s = std::net::TcpStream::connect(srv.smtp()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut text = String::new();
    use std::io::Read;
    s.read_to_string(&mut text).unwrap();
    assert_eq!(
        text,
        format!("421 4.7.0 {host} Too many connections; try again later\r\n")
    );
}

/// The name the server greets with (`HELO` answers `250 <hostname>`).
fn hostname_of(c: &mut Client) -> String {
    let r = c.cmd("HELO t");
    r.trim_end()
        .strip_prefix("250 ")
        .unwrap_or_else(|| panic!("HELO: {r}"))
        .to_string()
}

#[test]
fn distribution_list_delivers_one_copy_per_member_and_quota_refuses() {
    let dir = data_dir();
    add_user(
        dir.path(),
        "carol@example.test",
        PASSWORD,
        &["--quota", "1K"],
    );
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
    let mut c = srv.client();
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
    // Quota: another program filled carol's 1K (SMTP itself never overruns it, see
    // quota_reserves_each_message_at_end_of_data), then RCPT says 452 4.2.2.
    let new = dir.path().join("mail/example.test/carol/new");
    std::fs::create_dir_all(&new).unwrap();
    std::fs::write(new.join("1.M1P1.other-mda"), "q".repeat(2000)).unwrap();
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
    let mut c = srv.client();
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
        python(&script, &[]).trim().to_string()
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
    let mut c = srv.client();
    assert!(c.cmd("EHLO raw").starts_with("250"));
    // Say nothing: the server gives up after the command timeout.
    let r = c.reply();
    assert!(r.starts_with("421 4.4.2") && r.contains("Timeout"), "{r}");
    assert_eq!(c.reply(), "", "and closes");
    // In the middle of DATA, the data timeout applies, and nothing is queued.
    let mut c = srv.client();
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

/// A body of about `kib` KiB in 76-octet lines.
fn body_of(kib: usize, subject: &str) -> String {
    let line = format!("{}\r\n", "b".repeat(74));
    format!("Subject: {subject}\r\n\r\n{}", line.repeat(kib * 1024 / 76))
}

#[test]
fn quota_reserves_each_message_at_end_of_data() {
    let dir = data_dir();
    add_user(
        dir.path(),
        "carol@example.test",
        PASSWORD,
        &["--quota", "1M"],
    );
    add_user(
        dir.path(),
        "dave@example.test",
        PASSWORD,
        &["--quota", "1K"],
    );
    let srv = Server::start(dir.path());
    // Two sessions with 600 KiB each for a 1 MiB quota end their DATA at the same moment:
    // both passed RCPT (the mailbox was empty), exactly one fits.
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
    let addr = srv.smtp();
    let threads: Vec<_> = (0..2)
        .map(|i| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let mut c = Client::connect(addr);
                c.cmd("EHLO raw");
                assert!(c.cmd("MAIL FROM:<x@remote.test>").starts_with("250"));
                assert!(c.cmd("RCPT TO:<carol@example.test>").starts_with("250"));
                assert!(c.cmd("DATA").starts_with("354"));
                c.send(body_of(600, &format!("parallel-{i}")).as_bytes());
                barrier.wait();
                c.send(b".\r\n");
                c.reply()
            })
        })
        .collect();
    let mut replies: Vec<String> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    replies.sort();
    assert!(replies[0].starts_with("250 2.0.0"), "{replies:?}");
    assert!(replies[1].starts_with("552 5.2.2"), "{replies:?}");
    assert!(replies[1].contains("carol@example.test"), "{replies:?}");
    assert_eq!(
        maildir_files(dir.path(), "carol", "example.test", 1).len(),
        1
    );
    // A 5 KB message never fits an empty 1 KiB quota.
    let mut c = srv.client();
    c.cmd("EHLO raw");
    let r = c.mail(
        "x@remote.test",
        &["dave@example.test"],
        &body_of(5, "too-big"),
    );
    assert!(r.starts_with("552 5.2.2"), "{r}");
    std::thread::sleep(Duration::from_millis(300));
    assert!(maildir_files(dir.path(), "dave", "example.test", 0).is_empty());
}

#[test]
fn copy_over_quota_is_bounced_with_5_2_2_and_logged_in_words() {
    let dir = data_dir();
    add_user(
        dir.path(),
        "dave@example.test",
        PASSWORD,
        &["--quota", "1K"],
    );
    let srv = Server::start(dir.path());
    let mut c = srv.client();
    c.cmd("EHLO raw");
    // Alice has room, so the message is accepted; dave's copy cannot fit.
    let r = c.mail(
        "bob@example.test",
        &["alice@example.test", "dave@example.test"],
        &body_of(5, "partly-over-quota"),
    );
    assert!(r.starts_with("250 2.0.0"), "{r}");
    assert_eq!(
        maildir_files(dir.path(), "alice", "example.test", 1).len(),
        1
    );
    let bounce = maildir_files(dir.path(), "bob", "example.test", 1);
    assert_eq!(bounce.len(), 1, "bob is told: {}", srv.log());
    assert!(
        bounce[0].contains("Status: 5.2.2") && bounce[0].contains("dave@example.test"),
        "{}",
        bounce[0]
    );
    assert!(maildir_files(dir.path(), "dave", "example.test", 0).is_empty());
    let log = srv.log();
    assert!(
        log.contains("failed permanently: 552 5.2.2 mailbox full"),
        "{log}"
    );
    assert!(
        !log.contains("Deferred {") && !log.contains("Failed("),
        "{log}"
    );
}

#[test]
fn postmaster_is_always_accepted_and_reaches_the_admin() {
    let dir = data_dir();
    mailctl_ok(dir.path(), &["domain", "add", "other.test"]);
    // What `mailctl setup` leaves: postmaster@ its domain goes to the admin (alice).
    mailctl_ok(
        dir.path(),
        &[
            "alias",
            "add",
            "postmaster@example.test",
            "alice@example.test",
        ],
    );
    let srv = Server::start(dir.path());
    let mut c = srv.client();
    c.cmd("EHLO raw");
    for rcpt in ["<postmaster>", "<PostMaster>", "<POSTMASTER@other.test>"] {
        assert!(c.cmd("MAIL FROM:<x@remote.test>").starts_with("250"));
        let r = c.cmd(&format!("RCPT TO:{rcpt}"));
        assert!(r.starts_with("250"), "{rcpt}: {r}");
        assert!(c.cmd("DATA").starts_with("354"));
        c.send(format!("Subject: pm {rcpt}\r\n\r\nx\r\n.\r\n").as_bytes());
        assert!(c.reply().starts_with("250 2.0.0"));
    }
    assert_eq!(
        maildir_files(dir.path(), "alice", "example.test", 3).len(),
        3
    );
    // The setting names the administrator for domains without their own postmaster.
    mailctl_ok(
        dir.path(),
        &["config", "set", "postmaster", "bob@example.test"],
    );
    let r = c.mail(
        "x@remote.test",
        &["postmaster@other.test"],
        "Subject: pm-bob\r\n\r\nx\r\n",
    );
    assert!(r.starts_with("250 2.0.0"), "{r}");
    let bob = maildir_files(dir.path(), "bob", "example.test", 1);
    assert!(
        bob.len() == 1 && bob[0].contains("Subject: pm-bob"),
        "{bob:?}"
    );
    // An explicit alias still wins.
    let r = c.mail(
        "x@remote.test",
        &["postmaster@example.test"],
        "Subject: pm-own\r\n\r\nx\r\n",
    );
    assert!(r.starts_with("250 2.0.0"), "{r}");
    assert_eq!(
        maildir_files(dir.path(), "alice", "example.test", 4).len(),
        4
    );
}

#[test]
fn declared_size_beyond_free_spool_space_is_452() {
    require("unshare");
    let dir = data_dir();
    let srv = Server::start_with_small_spool(dir.path(), "256k");
    let mut c = srv.client();
    c.cmd("EHLO raw");
    // The safety margin counts: with the default 64M kept free, nothing declared fits.
    let r = c.cmd("MAIL FROM:<x@remote.test> SIZE=1000");
    assert!(r.starts_with("452 4.3.1"), "{r}");
    mailctl_ok(dir.path(), &["config", "set", "smtp.spool_min_free", "0"]);
    let r = c.cmd("MAIL FROM:<x@remote.test> SIZE=1000000");
    assert!(r.starts_with("452 4.3.1"), "{r}");
    assert!(
        c.cmd("MAIL FROM:<x@remote.test> SIZE=1000")
            .starts_with("250")
    );
    assert!(c.cmd("RSET").starts_with("250"));
    // Without SIZE the message is judged by what it really takes.
    mailctl_ok(dir.path(), &["config", "unset", "smtp.spool_min_free"]);
    assert!(
        c.mail(
            "x@remote.test",
            &["alice@example.test"],
            &message("no-size")
        )
        .starts_with("250 2.0.0")
    );
}
