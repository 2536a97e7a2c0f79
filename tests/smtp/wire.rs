//! Issue 15's SMTP wire points over real sockets: smuggling after a refused DATA (plain and
//! STARTTLS), CRLF-only command lines, STARTTLS/AUTH ordering, the failed-AUTH limit,
//! syntax reply codes and whole-command/whole-DATA deadlines.

use std::process::Command;
use std::time::Duration;

use super::harness::*;

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
        let mut c = Client::connect(srv.smtp());
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
    std::thread::sleep(Duration::from_millis(300));
    assert!(maildir_files(dir.path(), "bob", "example.test", 0).is_empty());
    assert!(maildir_files(dir.path(), "alice", "example.test", 0).is_empty());
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
    let out = Command::new("python3")
        .arg("-c")
        .arg(&script)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    for line in text.lines() {
        assert!(line.starts_with("550 "), "{text}");
    }
    assert_eq!(text.lines().count(), VARIANTS.len() * 3, "{text}");
    std::thread::sleep(Duration::from_millis(300));
    assert!(maildir_files(dir.path(), "bob", "example.test", 0).is_empty());
    assert!(maildir_files(dir.path(), "alice", "example.test", 0).is_empty());
}
