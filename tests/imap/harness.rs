//! Harness for the IMAP tests: a real `mailctl serve smtp imap` on ephemeral loopback ports
//! with a temporary data directory, mail delivered through its own SMTP listener, and Python
//! scripts (imaplib, raw sockets) or real clients (mbsync, offlineimap, curl) as peers.
//!
//! Every wait here is bounded: servers must report their listeners within 30 s, and every
//! subprocess is killed when its deadline passes. It does not judge IMAP replies itself;
//! the scripts under `tests/imap/py/` do, sharing `imapt.py`.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::serve::Serve;

pub const BIN: &str = env!("CARGO_BIN_EXE_mailctl");
pub const PASSWORD: &str = "correct horse battery";
const LISTENERS: [&str; 5] = ["smtp", "submission", "submissions", "imap", "imaps"];

/// Where the scenario scripts and their shared module live.
pub fn py_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/imap/py")
}

pub fn mailctl_ok(dir: &Path, args: &[&str]) -> String {
    let mut cmd = Command::new(BIN);
    cmd.arg("--data-dir").arg(dir).args(args);
    let out = run(cmd, None, Duration::from_secs(60));
    assert!(
        out.status.success(),
        "mailctl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn add_user(dir: &Path, addr: &str) {
    let mut cmd = Command::new(BIN);
    cmd.arg("--data-dir")
        .arg(dir)
        .args(["user", "add", addr, "--password-stdin"]);
    let out = run(
        cmd,
        Some(format!("{PASSWORD}\n").into_bytes()),
        Duration::from_secs(60),
    );
    assert!(
        out.status.success(),
        "user add: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Domain example.test, users alice and bob, a self-signed certificate for localhost and
/// 127.0.0.1, DNS pointed at a dead loopback port. `plaintext` allows LOGIN/AUTHENTICATE
/// without TLS from loopback (`auth.plaintext loopback`); otherwise `never`. The daemon
/// keeps running as whoever starts it (`server.user` empty).
pub fn data_dir(plaintext: bool) -> tempfile::TempDir {
    data_dir_for(plaintext, "")
}

/// [`data_dir`] for a daemon that drops to `server_user` when started as root. It is set
/// first, so the admin commands that follow (run as root) hand what they make to it.
pub fn data_dir_for(plaintext: bool, server_user: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    mailctl_ok(p, &["domain", "add", "example.test", "--create"]);
    mailctl_ok(p, &["config", "set", "server.user", server_user]);
    add_user(p, "alice@example.test");
    add_user(p, "bob@example.test");
    mailctl_ok(p, &["config", "set", "dns.nameserver", "127.0.0.1:9"]);
    // Set either way: the default is `loopback`, and the TLS tests need `never`.
    let policy = if plaintext { "loopback" } else { "never" };
    mailctl_ok(p, &["config", "set", "auth.plaintext", policy]);
    mailctl::net::tls::write_self_signed(
        &["localhost".into(), "127.0.0.1".into()],
        &p.join("tls/cert.pem"),
        &p.join("tls/key.pem"),
    )
    .unwrap();
    dir
}

/// alice's Maildir (INBOX is its root; folders are `.Name`).
pub fn alice_maildir(dir: &Path) -> PathBuf {
    dir.join("mail/example.test/alice")
}

pub struct Server {
    serve: Serve,
    pub ports: HashMap<String, SocketAddr>,
    data: PathBuf,
}

impl Server {
    pub fn start(dir: &Path) -> Server {
        let mut cmd = Command::new(BIN);
        cmd.arg("--data-dir")
            .arg(dir)
            .args(["serve", "smtp", "imap", "--allow-root"]);
        for l in LISTENERS {
            cmd.args(["--listen", &format!("{l}=127.0.0.1:0")]);
        }
        let serve = Serve::spawn(cmd, LISTENERS.len());
        let ports = serve
            .listeners
            .iter()
            .map(|(n, a)| (n.clone(), a.parse().unwrap()))
            .collect();
        Server {
            serve,
            ports,
            data: dir.to_path_buf(),
        }
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

    /// Panics (with the server's log) if the process has exited.
    pub fn assert_alive(&mut self) {
        let status = self.serve.child.try_wait().unwrap();
        assert!(
            status.is_none(),
            "server died ({status:?}):\n{}",
            self.log()
        );
    }

    /// Runs `tests/imap/py/<script>` with the server's ports and alice's credentials in the
    /// environment (see imapt.py); panics with its output and the server log unless it exits 0
    /// within `secs`. Returns stdout.
    pub fn py(&self, script: &str, args: &[&str], secs: u64) -> String {
        let mut cmd = Command::new("python3");
        cmd.arg(py_dir().join(script)).args(args);
        self.env(&mut cmd);
        let out = run(cmd, None, Duration::from_secs(secs));
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.status.success(),
            "{script} failed ({:?}):\n{text}\n--- server log ---\n{}",
            out.status,
            self.log()
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The environment imapt.py reads.
    pub fn env(&self, cmd: &mut Command) {
        cmd.env("PYTHONPATH", py_dir())
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env("IMAP_PORT", self.port("imap"))
            .env("IMAPS_PORT", self.port("imaps"))
            .env("SMTP_PORT", self.port("smtp"))
            .env("IMAP_PASSWORD", PASSWORD)
            .env("IMAP_CERT", self.data.join("tls/cert.pem"))
            .env("ALICE_MAILDIR", alice_maildir(&self.data))
            .env("BOB_MAILDIR", self.data.join("mail/example.test/bob"))
            .env("SERVER_PID", self.serve.id().to_string());
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // SAFETY: kill(2) on our own child; SIGTERM first so a graceful stop is exercised.
        let child = &mut self.serve.child;
        unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// Runs `cmd` with optional stdin, killing it after `limit`. A killed process shows up as a
/// failed status, so callers' assertions report it with its output.
pub fn run(mut cmd: Command, stdin: Option<Vec<u8>>, limit: Duration) -> Output {
    let mut child = cmd
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {cmd:?}: {e}"));
    if let Some(data) = stdin {
        let mut w = child.stdin.take().unwrap();
        std::thread::spawn(move || {
            let _ = w.write_all(&data);
        });
    }
    let drain = |r: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = drain(child.stdout.take().map(|r| Box::new(r) as _));
    let err = drain(child.stderr.take().map(|r| Box::new(r) as _));
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    }
}

/// Sends `n` messages to alice through the server's MX listener; subjects `TAG-0`...
pub fn deliver(server: &Server, n: usize, tag: &str) {
    server.py("deliver.py", &[&n.to_string(), tag], 120);
}

/// Files of a folder of alice (`""` = INBOX) in new/ and cur/, waiting (bounded) until
/// there are at least `n`.
pub fn files(dir: &Path, folder: &str, n: usize) -> Vec<PathBuf> {
    let mut md = alice_maildir(dir);
    if !folder.is_empty() {
        md = md.join(format!(".{folder}"));
    }
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

/// Real clients are part of the suite: missing ones fail loudly with the install hint.
pub fn require(tool: &str) {
    assert!(
        have(tool),
        "{tool} is not installed; run scripts/test (apt-get install isync offlineimap3 curl)"
    );
}
