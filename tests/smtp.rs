//! Integration tests of `mailctl serve smtp`: the real binary on ephemeral loopback ports,
//! real clients (swaks, Python smtplib, curl, msmtp) and raw sockets.
//! Needs the Debian packages swaks, msmtp and curl, and python3.

#[path = "smtp/harness.rs"]
mod harness;

use std::process::{Command, Stdio};
use std::time::Duration;

use harness::*;

fn require(tool: &str) {
    assert!(
        have(tool),
        "{tool} is not installed; run the README's test command (apt-get install swaks msmtp curl)"
    );
}

fn swaks(args: &[&str]) -> (bool, String) {
    require("swaks");
    let out = Command::new("swaks")
        .args(args)
        .args(["--timeout", "20"])
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

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
refused = s.sendmail("alice@example.test", ["friend@far.example", "bob@example.test"], "Subject: py\r\n\r\nhello from python\r\n")
print("refused", refused)
try:
    s.sendmail("bob@example.test", ["x@far.example"], "Subject: spoof\r\n\r\nx\r\n")
except smtplib.SMTPSenderRefused as e:
    print("sender-refused", e.smtp_code, e.smtp_error.decode())
s.quit()
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
    assert!(out.status.success(), "{text}");
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
        .write_all(message("via-msmtp").replace("\r\n", "\n").as_bytes())
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
fn bdat_chunks_over_a_raw_socket() {
    let dir = data_dir();
    let srv = Server::start(dir.path());
    let mut c = Client::connect(srv.smtp());
    assert!(c.cmd("EHLO raw").contains("250-CHUNKING"));
    c.send(b"MAIL FROM:<x@remote.test>\r\nRCPT TO:<bob@example.test>\r\nBDAT 22\r\nSubject: bdat-test\r\n\r\nBDAT 6 LAST\r\nhello\n");
    assert!(c.reply().starts_with("250 2.1.0"));
    assert!(c.reply().starts_with("250 2.1.5"));
    assert!(c.reply().starts_with("250 2.0.0 Chunk"));
    // A bare LF is refused in BDAT too.
    assert!(c.reply().starts_with("550 5.6.11"));
    c.send(b"MAIL FROM:<x@remote.test>\r\nRCPT TO:<bob@example.test>\r\nBDAT 29 LAST\r\nSubject: bdat-test\r\n\r\nhello\r\n");
    c.reply();
    c.reply();
    let r = c.reply();
    assert!(r.starts_with("250 2.0.0 Ok: queued as"), "{r}");
    let files = maildir_files(dir.path(), "bob", "example.test", 1);
    assert_eq!(files.len(), 1);
    assert!(
        files[0].ends_with("Subject: bdat-test\r\n\r\nhello\r\n"),
        "{:?}",
        files[0]
    );
}

#[test]
fn smuggling_variants_never_end_data() {
    let dir = data_dir();
    let srv = Server::start(dir.path());
    for variant in ["\n.\n", "\n.\r\n", "\r\n.\n", "\r.\r"] {
        let mut c = Client::connect(srv.smtp());
        c.cmd("EHLO raw");
        c.send(b"MAIL FROM:<x@remote.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n");
        c.reply();
        c.reply();
        assert!(c.reply().starts_with("354"));
        let smuggled = format!(
            "Subject: outer\r\n\r\nx{variant}MAIL FROM:<evil@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nSubject: smuggled\r\n\r\ny\r\n.\r\n"
        );
        c.send(smuggled.as_bytes());
        let r = c.reply();
        assert!(r.starts_with("550 5.6.11"), "{variant:?}: {r}");
        // Exactly one reply: nothing after the fake terminator was taken as a command.
        assert!(c.cmd("NOOP").starts_with("250 2.0.0 Ok"), "{variant:?}");
    }
    std::thread::sleep(Duration::from_millis(300));
    assert!(maildir_files(dir.path(), "bob", "example.test", 0).is_empty());
    assert!(maildir_files(dir.path(), "alice", "example.test", 0).is_empty());
}

#[test]
fn starttls_injection_is_discarded() {
    let dir = data_dir();
    let srv = Server::start(dir.path());
    // Python: send STARTTLS with a pipelined plaintext command, then talk TLS. If the
    // injected command were kept, its reply would arrive before the EHLO reply.
    let script = format!(
        r#"
import socket, ssl
s = socket.create_connection(("127.0.0.1", {port}), timeout=20)
f = s.makefile("rb")
f.readline()
s.sendall(b"EHLO a\r\nSTARTTLS\r\nMAIL FROM:<alice@example.test>\r\n")
while True:
    l = f.readline()
    if l.startswith(b"220"): break
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
t = ctx.wrap_socket(s)
t.sendall(b"EHLO b\r\n")
g = t.makefile("rb")
print(g.readline().decode().strip())
while True:
    l = g.readline().decode()
    if l[3] == " ": break
t.sendall(b"RCPT TO:<bob@example.test>\r\n")
print(g.readline().decode().strip())
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
    assert!(out.status.success(), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("250-"),
        "first TLS reply must be EHLO's: {text}"
    );
    assert!(
        lines[1].starts_with("503 5.5.1"),
        "MAIL was not carried over: {text}"
    );
}

#[test]
fn long_lines_and_every_limit() {
    let dir = data_dir();
    mailctl_ok(
        dir.path(),
        &["config", "set", "smtp.max_message_size", "2K"],
    );
    mailctl_ok(dir.path(), &["config", "set", "smtp.max_recipients", "2"]);
    mailctl_ok(dir.path(), &["config", "set", "smtp.max_hops", "3"]);
    let srv = Server::start(dir.path());
    let mut c = Client::connect(srv.smtp());
    assert!(
        c.cmd(&format!("EHLO {}", "a".repeat(600)))
            .starts_with("500 5.5.2")
    );
    assert!(c.cmd("EHLO raw").contains("SIZE 2048"));
    assert!(
        c.cmd("MAIL FROM:<x@remote.test> SIZE=4096")
            .starts_with("552 5.3.4")
    );
    assert!(
        c.cmd("MAIL FROM:<>").starts_with("250"),
        "null sender is accepted"
    );
    assert!(c.cmd("RCPT TO:<alice@example.test>").starts_with("250"));
    assert!(c.cmd("RCPT TO:<bob@example.test>").starts_with("250"));
    assert!(
        c.cmd("RCPT TO:<alice@example.test>")
            .starts_with("452 4.5.3")
    );
    assert!(c.cmd("DATA").starts_with("354"));
    c.send(format!("Subject: big\r\n\r\n{}\r\n.\r\n", "y\r\n".repeat(1500)).as_bytes());
    assert!(c.reply().starts_with("552 5.3.4"));
    let send = |c: &mut Client, body: String| {
        assert!(c.cmd("MAIL FROM:<x@remote.test>").starts_with("250"));
        assert!(c.cmd("RCPT TO:<alice@example.test>").starts_with("250"));
        assert!(c.cmd("DATA").starts_with("354"));
        c.send(body.as_bytes());
        c.reply()
    };
    let r = send(
        &mut c,
        format!("Subject: long\r\n\r\n{}\r\n.\r\n", "z".repeat(1001)),
    );
    assert!(r.starts_with("500 5.5.2"), "{r}");
    let r = send(
        &mut c,
        format!(
            "{}Subject: loop\r\n\r\nx\r\n.\r\n",
            "Received: from a by b; x\r\n".repeat(4)
        ),
    );
    assert!(r.starts_with("554 5.4.6"), "{r}");
    // NUL and invalid UTF-8 in commands.
    c.send(b"NOOP \0\r\n");
    assert!(c.reply().starts_with("500 5.5.2"));
    c.send(b"HELO \xff\r\n");
    assert!(c.reply().starts_with("500 5.5.2"));
    assert!(c.cmd("VRFY alice").starts_with("252"));
    // Unknown command flood: disconnected after the limit.
    let mut last = String::new();
    for _ in 0..12 {
        last = c.cmd("XYZZY");
        if last.is_empty() || last.starts_with("421") {
            break;
        }
    }
    assert!(last.starts_with("421 4.7.0"), "{last}");
    assert_eq!(c.reply(), "", "connection closed");
}

#[test]
fn relay_tricks_and_unknown_users_on_port_25() {
    let dir = data_dir();
    let srv = Server::start(dir.path());
    let mut c = Client::connect(srv.smtp());
    c.cmd("EHLO raw");
    assert!(c.cmd("MAIL FROM:<x@remote.test>").starts_with("250"));
    for trick in [
        "<user@far.example>",
        "<alice%far.example@example.test>",
        "<\"alice@far.example\"@example.test>",
        "<@example.test:alice@far.example>",
        "<far.example!alice@example.test>",
        "<alice@[127.0.0.1]>",
    ] {
        let r = c.cmd(&format!("RCPT TO:{trick}"));
        assert!(r.starts_with("554 5.7.1"), "{trick}: {r}");
    }
    assert!(
        c.cmd("RCPT TO:<nobody@example.test>")
            .starts_with("550 5.1.1")
    );
    assert!(c.cmd("DATA").starts_with("554 5.5.1"));
    // No AUTH on the MX port.
    assert!(!c.cmd("EHLO raw").contains("AUTH"));
    assert!(
        c.cmd("AUTH PLAIN AGFsaWNlQGV4YW1wbGUudGVzdABjb3JyZWN0IGhvcnNlIGJhdHRlcnk=")
            .starts_with("503 5.5.1")
    );
}

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
fn sigterm_finishes_the_transaction_in_flight() {
    let dir = data_dir();
    let mut srv = Server::start(dir.path());
    let mut c = Client::connect(srv.smtp());
    c.cmd("EHLO raw");
    c.cmd("MAIL FROM:<x@remote.test>");
    c.cmd("RCPT TO:<alice@example.test>");
    assert!(c.cmd("DATA").starts_with("354"));
    c.send(b"Subject: in-flight\r\n\r\nfirst half\r\n");
    srv.signal(libc::SIGTERM);
    std::thread::sleep(Duration::from_millis(300));
    c.send(b"second half\r\n.\r\n");
    let r = c.reply();
    assert!(r.starts_with("250 2.0.0"), "{r}");
    assert!(c.reply().starts_with("421"), "then the session is closed");
    assert!(
        srv.wait_exit(Duration::from_secs(20)).is_some(),
        "server exits after the transaction"
    );
    // Queued before exit: delivered now or by the next start.
    drop(srv);
    let srv = Server::start(dir.path());
    let files = maildir_files(dir.path(), "alice", "example.test", 1);
    assert!(files.iter().any(|m| m.contains("second half")));
    drop(srv);
}

#[test]
fn kill_9_mid_stream_loses_nothing_that_got_250() {
    let dir = data_dir();
    let srv = Server::start(dir.path());
    let addr = srv.smtp();
    let acked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut threads = Vec::new();
    for t in 0..4 {
        let acked = acked.clone();
        threads.push(std::thread::spawn(move || {
            let Ok(stream) = std::net::TcpStream::connect(addr) else {
                return;
            };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
            drop(stream);
            let mut c = Client::connect(addr);
            c.cmd("EHLO load");
            for i in 0..200 {
                let token = format!("durable-{t}-{i}");
                if !c.cmd("MAIL FROM:<x@remote.test>").starts_with("250") {
                    return;
                }
                if !c.cmd("RCPT TO:<alice@example.test>").starts_with("250")
                    || !c.cmd("DATA").starts_with("354")
                {
                    return;
                }
                c.send(format!("{}\r\n.\r\n", message(&token)).as_bytes());
                if c.reply().starts_with("250 2.0.0") {
                    acked.lock().unwrap().push(token);
                } else {
                    return;
                }
            }
        }));
    }
    // Let some messages through, then pull the plug.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while acked.lock().unwrap().len() < 40 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    srv.kill9();
    for t in threads {
        let _ = t.join();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 40, "only {} acked", acked.len());
    // Restart: queued local deliveries resume.
    let srv = Server::start(dir.path());
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let missing = loop {
        let files = maildir_files(dir.path(), "alice", "example.test", 0);
        let missing: Vec<&String> = acked
            .iter()
            .filter(|t| {
                !files
                    .iter()
                    .any(|m| m.contains(&format!("Subject: {t}\r\n")))
            })
            .collect();
        if missing.is_empty() || std::time::Instant::now() > deadline {
            break missing.into_iter().cloned().collect::<Vec<_>>();
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
    drop(srv);
}

#[test]
fn dev_mode_prints_account_and_accepts_its_login() {
    let cwd = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--dev",
            "--listen",
            "smtp=127.0.0.1:0",
            "--listen",
            "submission=127.0.0.1:0",
            "--listen",
            "submissions=127.0.0.1:0",
        ])
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
    for line in lines.by_ref().take(20) {
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
fn full_disk_answers_452_and_loses_nothing() {
    require("unshare");
    let dir = data_dir();
    let srv = Server::start_with_small_spool(dir.path(), "256k");
    let mut c = Client::connect(srv.smtp());
    c.cmd("EHLO raw");
    assert!(
        c.mail(
            "x@remote.test",
            &["alice@example.test"],
            &message("before-full")
        )
        .starts_with("250 2.0.0")
    );
    let big = format!(
        "Subject: too-big-for-disk\r\n\r\n{}",
        "d".repeat(70)
            .repeat(6000)
            .as_bytes()
            .chunks(70)
            .map(|l| String::from_utf8_lossy(l).into_owned() + "\r\n")
            .collect::<String>()
    );
    let r = c.mail("x@remote.test", &["alice@example.test"], &big);
    assert!(r.starts_with("452 4.3.1"), "{r}");
    // The session goes on, and the next message is taken once there is room.
    assert!(
        c.mail(
            "x@remote.test",
            &["alice@example.test"],
            &message("after-full")
        )
        .starts_with("250 2.0.0")
    );
    let files = maildir_files(dir.path(), "alice", "example.test", 2);
    assert!(
        files.iter().any(|m| m.contains("before-full"))
            && files.iter().any(|m| m.contains("after-full")),
        "{files:?}"
    );
    assert!(!files.iter().any(|m| m.contains("too-big-for-disk")));
}
