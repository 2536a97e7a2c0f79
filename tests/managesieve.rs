//! ManageSieve (RFC 5804, #20 point 3) with a real client: sieve-connect uploads, checks (a
//! broken script's error shown with its line), activates, lists, downloads and deletes
//! scripts over STARTTLS; then an SMTP delivery follows the uploaded script into a folder
//! with flags, read back over IMAP. Raw-socket checks for the response codes.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use common::serve::Serve;
use common::tools::{python, require};
use common::users::{PASSWORD, example_test};

const SCRIPT: &str = "require [\"fileinto\", \"imap4flags\", \"mailbox\"];\n\
    if header :contains \"subject\" \"[list]\" {\n\
    \x20 fileinto :create :flags [\"\\\\Seen\", \"\\\\Flagged\"] \"Lists\";\n\
    }\n";

const BROKEN: &str = "require \"fileinto\";\nif true {\n  fileinto \"x\"\n}\n";

/// Runs sieve-connect against `port` as bob (password on fd 0, certificate not verified:
/// the test's own); (success, stdout + stderr).
fn sieve_connect(port: u16, args: &[&str]) -> (bool, String) {
    let mut child = Command::new("timeout")
        .args(["60", "sieve-connect", "-s", "127.0.0.1", "-p"])
        .arg(port.to_string())
        .args([
            "-u",
            "bob@example.test",
            "--passwordfd",
            "0",
            "--notlsverify",
        ])
        .args(["--noclearauth"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run sieve-connect");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(PASSWORD.as_bytes()).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn file(dir: &Path, name: &str, content: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn sieve_connect_manages_scripts_and_delivery_follows_them() {
    require("sieve-connect");
    let dir = example_test("", &["localhost"]);
    let p = dir.path();
    let (good, bad) = (file(p, "good.sieve", SCRIPT), file(p, "bad.sieve", BROKEN));
    let listeners = [
        "smtp",
        "submission",
        "submissions",
        "imap",
        "imaps",
        "managesieve",
    ];
    let srv = Serve::start(
        p,
        &["smtp", "imap", "managesieve", "--allow-root"],
        &listeners,
    );
    let port = srv.port("managesieve");

    let (ok, out) = sieve_connect(port, &["--localsieve", &bad, "--checkscript"]);
    assert!(!ok && out.contains("line 4"), "{out}\n{}", srv.log());
    let r = sieve_connect(
        port,
        &["--localsieve", &bad, "--remotesieve", "x", "--upload"],
    );
    assert!(!r.0 && r.1.contains("line 4"), "{}", r.1);

    for args in [
        &["--localsieve", &good, "--checkscript"][..],
        &["--localsieve", &good, "--remotesieve", "main", "--upload"],
        &["--localsieve", &good, "--remotesieve", "spare", "--upload"],
        &["--remotesieve", "main", "--activate"],
    ] {
        let (ok, out) = sieve_connect(port, args);
        assert!(ok, "{args:?}: {out}\n{}", srv.log());
    }
    let (ok, out) = sieve_connect(port, &["--list"]);
    assert!(ok, "{out}");
    let main = out.lines().find(|l| l.contains("main")).unwrap_or_default();
    assert!(main.to_ascii_lowercase().contains("active"), "{out}");
    assert!(out.contains("spare"), "{out}");

    let back = p.join("back.sieve");
    let back_s = back.to_str().unwrap();
    let args = [
        "--remotesieve",
        "main",
        "--localsieve",
        back_s,
        "--download",
    ];
    let (ok, out) = sieve_connect(port, &args);
    assert!(ok, "{out}");
    assert_eq!(std::fs::read_to_string(&back).unwrap(), SCRIPT);

    // The active one cannot be deleted; the other can.
    assert!(!sieve_connect(port, &["--remotesieve", "main", "--delete"]).0);
    let (ok, out) = sieve_connect(port, &["--remotesieve", "spare", "--delete"]);
    assert!(ok, "{out}");
    let (_, out) = sieve_connect(port, &["--list"]);
    assert!(out.contains("main") && !out.contains("spare"), "{out}");

    deliver_and_read_back(&srv);
    srv.stop();
}

/// A message the uploaded script files into "Lists" as Seen and Flagged, read over IMAP.
fn deliver_and_read_back(srv: &Serve) {
    let script = r#"
import imaplib, smtplib, sys, time
c = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=30)
c.sendmail("alice@example.test", ["bob@example.test"],
    "From: alice@example.test\r\nTo: bob@example.test\r\nSubject: [list] weekly\r\n\r\nbody\r\n")
c.quit()
deadline = time.time() + 30
while True:
    m = imaplib.IMAP4("127.0.0.1", int(sys.argv[2]))
    m.login("bob@example.test", sys.argv[3])
    typ, _ = m.select("Lists")
    if typ == "OK":
        typ, got = m.fetch("1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        print(repr(got))
        m.logout()
        break
    m.logout()
    if time.time() > deadline:
        print("no Lists folder")
        break
    time.sleep(0.2)
"#;
    let out = python(
        script,
        &[
            &srv.port("smtp").to_string(),
            &srv.port("imap").to_string(),
            PASSWORD,
        ],
    );
    assert!(out.contains("[list] weekly"), "{out}\n{}", srv.log());
    assert!(
        out.contains("\\\\Seen") && out.contains("\\\\Flagged"),
        "{out}"
    );
}

/// Over a raw socket: commands before login, plaintext refused off loopback's allowance
/// is the unit tests' business; here the codes a client sees from the real store.
#[test]
fn response_codes_from_the_real_store() {
    let dir = example_test("", &["localhost"]);
    let p = dir.path();
    common::cli::mailctl_ok(p, &["config", "set", "sieve.max_scripts", "1"]);
    let srv = Serve::start(p, &["managesieve", "--allow-root"], &["managesieve"]);
    let script = r#"
import base64, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30)
f = s.makefile("rb")
def until_ok():
    out = []
    while True:
        l = f.readline().decode()
        out.append(l.strip())
        if l.startswith(("OK", "NO", "BYE")) or not l:
            return out
def cmd(c):
    s.sendall(c.encode())
    return until_ok()[-1]
until_ok()
print(cmd("LISTSCRIPTS\r\n"))
tok = base64.b64encode(b"\0bob@example.test\0" + sys.argv[2].encode()).decode()
print(cmd('AUTHENTICATE "PLAIN" "%s"\r\n' % tok))
print(cmd('PUTSCRIPT "a" {5+}\r\nkeep;\r\n'))
print(cmd('HAVESPACE "b" 10\r\n'))
print(cmd('PUTSCRIPT "b" "keep;"\r\n'))
print(cmd('SETACTIVE "a"\r\n'))
print(cmd('DELETESCRIPT "a"\r\n'))
print(cmd('GETSCRIPT "zz"\r\n'))
print(cmd('HAVESPACE "a" 99999999\r\n'))
print(cmd('LOGOUT\r\n'))
"#;
    let out = python(script, &[&srv.port("managesieve").to_string(), PASSWORD]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "NO \"Authenticate first\"", "{out}");
    assert_eq!(lines[1], "OK \"Logged in\"", "{out}\n{}", srv.log());
    assert_eq!(lines[2], "OK", "{out}");
    assert!(lines[3].starts_with("NO (QUOTA/MAXSCRIPTS)"), "{out}");
    assert!(lines[4].starts_with("NO (QUOTA/MAXSCRIPTS)"), "{out}");
    assert_eq!(lines[5], "OK", "{out}");
    assert!(lines[6].starts_with("NO (ACTIVE)"), "{out}");
    assert!(lines[7].starts_with("NO (NONEXISTENT)"), "{out}");
    assert!(lines[8].starts_with("NO (QUOTA/MAXSIZE)"), "{out}");
    assert!(lines[9].starts_with("OK"), "{out}");
    srv.stop();
}
