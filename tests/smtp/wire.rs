//! Issue 15's SMTP wire points over real sockets: smuggling after a refused DATA (plain and
//! STARTTLS), CRLF-only command lines, STARTTLS/AUTH ordering, the failed-AUTH limit,
//! syntax reply codes and whole-command/whole-DATA deadlines.

use std::time::Duration;

use super::harness::*;
use crate::common::tools::python_text;

/// DATA content that a lenient server would end early, leaving a spoofed transaction
/// (alice writing to bob) to be read as commands.
fn smuggled(variant: &str) -> String {
    format!(
        "Subject: outer\r\n\r\nx{variant}MAIL FROM:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nSubject: smuggled\r\n\r\ny\r\n.\r\n"
    )
}

const VARIANTS: [&str; 8] = [
    "\r\n.\r\r\n",
    "\r\r\n.\r\r\n",
    "\n.\n",
    "\n.\r\n",
    "\r\n.\n",
    "\r.\r",
    "\r\n.\r",
    "\n.\r",
];

#[test]
fn smuggled_transaction_is_never_stored_over_plain_tcp() {
    let dir = data_dir();
    let srv = Server::start(dir.path());
    for variant in VARIANTS {
        let mut c = srv.client();
        c.cmd("EHLO raw");
        c.send(b"MAIL FROM:<x@remote.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n");
        c.reply();
        c.reply();
        assert!(c.reply().starts_with("354"));
        // Split across writes so the fake end straddles reads too.
        let wire = smuggled(variant);
        let (a, b) = wire.as_bytes().split_at(wire.find('.').unwrap_or(1));
        c.send(a);
        std::thread::sleep(Duration::from_millis(20));
        c.send(b);
        let r = c.reply();
        assert!(r.starts_with("550 5.6.11"), "{variant:?}: {r}");
        // Exactly one reply: nothing after the fake terminator was taken as a command.
        assert!(c.cmd("NOOP").starts_with("250 2.0.0 Ok"), "{variant:?}");
    }
    assert_nothing_stored(dir.path());
}

#[test]
fn smuggled_transaction_is_never_stored_over_starttls() {
    let dir = data_dir();
    let srv = Server::start(dir.path());
    // Each variant goes out in small TLS records (one sendall each), cut at every offset
    // class, inside one STARTTLS session on port 25.
    let variants: Vec<String> = VARIANTS.iter().map(|v| format!("{v:?}")).collect();
    let script = format!(
        r#"
import smtplib, ssl
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = smtplib.SMTP("127.0.0.1", {port}, timeout=20)
s.ehlo("tls"); s.starttls(context=ctx); s.ehlo("tls")
for v in [{variants}]:
    wire = ("Subject: outer\r\n\r\nx" + v + "MAIL FROM:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nSubject: smuggled\r\n\r\ny\r\n.\r\n").encode()
    for step in (1, 3, 7):
        assert s.mail("x@remote.test")[0] == 250
        assert s.rcpt("alice@example.test")[0] == 250
        s.putcmd("data"); assert s.getreply()[0] == 354
        for i in range(0, len(wire), step):
            s.sock.sendall(wire[i:i + step])
        code, text = s.getreply()
        print(code, repr(v), step)
        assert s.noop()[0] == 250
s.quit()
"#,
        port = srv.smtp().port(),
        variants = variants.join(", ")
    );
    let (status, text) = python_text(&script, &[]);
    assert!(status, "{text}");
    for line in text.lines() {
        assert!(line.starts_with("550 "), "{text}");
    }
    assert_eq!(text.lines().count(), VARIANTS.len() * 3, "{text}");
    assert_nothing_stored(dir.path());
}

/// Sends `bytes` one at a time, `gap` apart, until the server closes (or `limit` passes);
/// returns what it answered and how long it took to close.
fn trickle(c: &mut Client, bytes: &[u8], gap: Duration, limit: Duration) -> (String, Duration) {
    use std::io::{Read, Write};
    let start = std::time::Instant::now();
    c.stream.set_read_timeout(Some(gap)).unwrap();
    let mut got = Vec::new();
    for &b in bytes.iter().cycle() {
        if start.elapsed() > limit || c.stream.write_all(&[b]).is_err() {
            break;
        }
        let mut buf = [0u8; 512];
        match c.stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => break,
        }
    }
    (String::from_utf8_lossy(&got).into_owned(), start.elapsed())
}

#[test]
fn a_slow_peer_cannot_stretch_the_command_or_data_deadline() {
    let dir = data_dir();
    mailctl_ok(dir.path(), &["config", "set", "smtp.command_timeout", "2s"]);
    mailctl_ok(dir.path(), &["config", "set", "smtp.data_timeout", "2s"]);
    let srv = Server::start(dir.path());
    let gap = Duration::from_millis(200);
    let limit = Duration::from_secs(15);
    // A command line whose bytes keep coming, never finished.
    let mut c = srv.client();
    let (got, took) = trickle(&mut c, b"NOOP xxxxxxxx", gap, limit);
    assert!(got.starts_with("421 4.4.2"), "{got:?}");
    assert!(took < limit, "never closed: {got:?}");
    // Message content, one byte every 200 ms.
    let mut c = srv.client();
    c.cmd("EHLO slow");
    c.cmd("MAIL FROM:<x@remote.test>");
    c.cmd("RCPT TO:<alice@example.test>");
    assert!(c.cmd("DATA").starts_with("354"));
    let (got, took) = trickle(&mut c, b"Subject: slow\r\n", gap, limit);
    assert!(got.starts_with("421 4.4.2"), "{got:?}");
    assert!(took < limit, "never closed: {got:?}");
    // Commands that complete keep the connection alive past one deadline.
    let mut c = srv.client();
    for _ in 0..3 {
        assert!(c.cmd("NOOP").starts_with("250"));
        std::thread::sleep(Duration::from_millis(900));
    }
    assert!(c.cmd("NOOP").starts_with("250"));
    assert!(maildir_files(dir.path(), "alice", "example.test", 0).is_empty());
}

#[test]
fn a_line_far_over_the_limit_is_answered_and_closed() {
    let dir = data_dir();
    let srv = Server::start(dir.path());
    let mut c = srv.client();
    c.send(&[b'a'; 8192]);
    let r = c.reply();
    assert!(r.starts_with("500 5.5.2 Line too long"), "{r}");
    assert_eq!(c.reply(), "", "connection closed");
}

#[test]
fn failed_auth_is_limited_per_connection_with_a_growing_delay() {
    let dir = data_dir();
    let srv = Server::start(dir.path());
    // auth.plaintext allows AUTH from loopback without TLS.
    let mut c = Client::connect(srv.submission());
    assert!(c.cmd("EHLO raw").contains("AUTH PLAIN"));
    let start = std::time::Instant::now();
    // alice@example.test / wrong
    let wrong = "AUTH PLAIN AGFsaWNlQGV4YW1wbGUudGVzdAB3cm9uZw==";
    assert!(c.cmd(wrong).starts_with("535 5.7.8"));
    assert!(c.cmd(wrong).starts_with("535 5.7.8"));
    let r = c.cmd(wrong);
    assert!(r.starts_with("421 4.7.0"), "{r}");
    assert_eq!(c.reply(), "", "connection closed");
    // 0.5 s + 1 s + 2 s of delay were served.
    assert!(start.elapsed() >= Duration::from_secs(3));
}

#[test]
fn wire_syntax_over_a_socket() {
    let dir = data_dir();
    let srv = Server::start(dir.path());
    let mut c = srv.client();
    assert!(c.cmd("HELO [127.0.0.1").starts_with("501"));
    c.send(b"EHLO raw\n");
    assert!(c.reply().starts_with("500 5.5.2 Bare"));
    assert!(c.cmd("HELO raw").starts_with("250"));
    assert!(
        c.cmd("MAIL FROM:<x@remote.test> SIZE=10")
            .starts_with("555 5.5.4")
    );
    assert!(c.cmd("EHLO raw").starts_with("250"));
    assert!(
        c.cmd("MAIL FROM:<x@remote.test> SIZE=10 SIZE=20")
            .starts_with("501 5.5.4")
    );
    assert!(
        c.cmd("MAIL FROM:<x@remote.test> SIZE=1e9")
            .starts_with("501 5.5.4")
    );
    assert!(c.cmd("MAIL FROM:<x@remote.test>").starts_with("250"));
    assert!(c.cmd("STARTTLS").starts_with("503 5.5.1"));
    assert!(
        c.cmd("RCPT TO:<${jndi:ldap://x}@example.test>")
            .starts_with("5")
    );
    let r = c.cmd("RCPT TO:<alice@[300.1.1.1]>");
    assert!(r.starts_with("501 5.1.3"), "{r}");
    assert!(c.cmd("RSET").starts_with("250"));
    assert!(c.cmd("STARTTLS please").starts_with("501 5.5.4"));
}
