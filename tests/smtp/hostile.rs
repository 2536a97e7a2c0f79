//! Hostile input over raw sockets: BDAT, smuggling, STARTTLS injection, limits, relay tricks.

use super::harness::*;
use crate::common::tools::python_text;

#[test]
fn bdat_chunks_over_a_raw_socket() {
    let dir = data_dir();
    let srv = Server::start(dir.path());
    let mut c = srv.client();
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
        let mut c = srv.client();
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
    assert_nothing_stored(dir.path());
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
    let (status, text) = python_text(&script, &[]);
    assert!(status, "{text}");
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
    let mut c = srv.client();
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
    assert!(c.reply().starts_with("501 5.5.2"));
    assert!(c.cmd("VRFY alice").starts_with("252"));
    // Unknown command flood: disconnected after the limit.
    let mut last = String::new();
    for _ in 0..25 {
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
    let mut c = srv.client();
    c.cmd("EHLO raw");
    assert!(c.cmd("MAIL FROM:<x@remote.test>").starts_with("250"));
    let r = c.cmd("RCPT TO:<user@far.example>");
    assert!(r.starts_with("554 5.7.1"), "{r}");
    // Routing syntax is a syntax error (501 5.1.3), not a relay decision.
    for trick in [
        "<alice%far.example@example.test>",
        "<\"alice@far.example\"@example.test>",
        "<@example.test:alice@far.example>",
        "<far.example!alice@example.test>",
        "<alice@[127.0.0.1]>",
    ] {
        let r = c.cmd(&format!("RCPT TO:{trick}"));
        assert!(r.starts_with("501 5.1.3"), "{trick}: {r}");
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
