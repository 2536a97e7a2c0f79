//! Harness for the POP3 tests: a real `mailctl serve smtp pop3` on ephemeral loopback ports
//! with a temporary data directory, mail delivered through its own SMTP listener, and Python
//! scripts (poplib, smtplib, raw sockets) as clients.

use std::collections::HashMap;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::serve::Serve;

pub const BIN: &str = env!("CARGO_BIN_EXE_mailctl");
pub const PASSWORD: &str = "correct horse battery";
const LISTENERS: [&str; 5] = ["smtp", "submission", "submissions", "pop3", "pop3s"];

pub fn mailctl_ok(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "mailctl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn add_user(dir: &Path, addr: &str) {
    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir)
        .args(["user", "add", addr, "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "user add: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Domain example.test, users alice and bob, a self-signed certificate, DNS on loopback.
/// The daemon keeps running as whoever starts it (`server.user` empty).
pub fn data_dir() -> tempfile::TempDir {
    data_dir_for("")
}

/// [`data_dir`] for a daemon that drops to `server_user` when started as root. It is set
/// first, so the admin commands that follow (run as root) hand what they make to it.
pub fn data_dir_for(server_user: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    mailctl_ok(p, &["domain", "add", "example.test", "--create"]);
    mailctl_ok(p, &["config", "set", "server.user", server_user]);
    add_user(p, "alice@example.test");
    add_user(p, "bob@example.test");
    mailctl_ok(p, &["config", "set", "dns.nameserver", "127.0.0.1:9"]);
    mailctl::net::tls::write_self_signed(
        &["localhost".into()],
        &p.join("tls/cert.pem"),
        &p.join("tls/key.pem"),
    )
    .unwrap();
    dir
}

pub struct Server {
    serve: Serve,
    pub ports: HashMap<String, SocketAddr>,
}

impl Server {
    pub fn start(dir: &Path) -> Server {
        let mut cmd = Command::new(BIN);
        cmd.arg("--data-dir")
            .arg(dir)
            .args(["serve", "smtp", "pop3", "--allow-root"]);
        for l in LISTENERS {
            cmd.args(["--listen", &format!("{l}=127.0.0.1:0")]);
        }
        let serve = Serve::spawn(cmd, LISTENERS.len());
        let ports = serve
            .listeners
            .iter()
            .map(|(n, a)| (n.clone(), a.parse().unwrap()))
            .collect();
        Server { serve, ports }
    }

    pub fn port(&self, name: &str) -> String {
        self.ports[name].port().to_string()
    }

    pub fn pid(&self) -> u32 {
        self.serve.id()
    }

    pub fn log(&self) -> String {
        self.serve.log()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.serve.child.kill();
        let _ = self.serve.child.wait();
    }
}

/// Runs a Python script with `args`; panics with its output unless it exits 0. Returns stdout.
pub fn python(script: &str, args: &[&str]) -> String {
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "python failed:\n{text}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Sends `n` messages to alice through the server's MX listener; subjects `msg-0`... and a
/// body with a line starting with a dot and bare-LF free CRLF text.
pub fn deliver(server: &Server, n: usize, tag: &str) {
    python(
        r#"
import smtplib, sys
port, n, tag = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
with smtplib.SMTP("127.0.0.1", port, timeout=30) as s:
    for i in range(n):
        body = f"From: x@example.org\r\nTo: alice@example.test\r\nSubject: {tag}-{i}\r\n\r\nline one\r\n.dotted {tag}-{i}\r\n"
        s.sendmail("x@example.org", ["alice@example.test"], body)
"#,
        &[&server.port("smtp"), &n.to_string(), tag],
    );
}

/// Files of alice's INBOX (new/ and cur/), waiting (bounded) until there are `n`.
pub fn inbox(dir: &Path, n: usize) -> Vec<PathBuf> {
    let md = dir.join("mail/example.test/alice");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            if let Ok(rd) = std::fs::read_dir(md.join(sub)) {
                out.extend(rd.flatten().map(|e| e.path()));
            }
        }
        if out.len() >= n || Instant::now() > deadline {
            out.sort();
            return out;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub fn have(tool: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|o| o.status.success())
}
