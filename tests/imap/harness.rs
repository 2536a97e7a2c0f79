//! Harness for the IMAP tests: a real `mailctl serve smtp imap` on ephemeral loopback ports
//! with a temporary data directory, mail delivered through its own SMTP listener, and Python
//! scripts (imaplib, raw sockets) or real clients (mbsync, offlineimap, curl) as peers.
//!
//! Every wait here is bounded: servers must report their listeners within 30 s, and every
//! subprocess is killed when its deadline passes. It does not judge IMAP replies itself;
//! the scripts under `tests/imap/py/` do, sharing `imapt.py`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::common::cli::text;
pub use crate::common::cli::{mailctl_ok, run};
use crate::common::maildir;
use crate::common::serve::Serve;
pub use crate::common::tools::require;
pub use crate::common::users::PASSWORD;
use crate::common::users::example_test;

const LISTENERS: [&str; 5] = ["smtp", "submission", "submissions", "imap", "imaps"];

/// Where the scenario scripts and their shared module live.
pub fn py_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/imap/py")
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
    let dir = example_test(server_user, &["localhost", "127.0.0.1"]);
    // Set either way: the default is `loopback`, and the TLS tests need `never`.
    let policy = if plaintext { "loopback" } else { "never" };
    mailctl_ok(dir.path(), &["config", "set", "auth.plaintext", policy]);
    dir
}

/// alice's Maildir (INBOX is its root; folders are `.Name`).
pub fn alice_maildir(dir: &Path) -> PathBuf {
    maildir::of(dir, "alice", "example.test")
}

pub struct Server {
    serve: Serve,
    data: PathBuf,
}

impl Server {
    pub fn start(dir: &Path) -> Server {
        Server {
            serve: Serve::start(dir, &["smtp", "imap", "--allow-root"], &LISTENERS),
            data: dir.to_path_buf(),
        }
    }

    pub fn port(&self, name: &str) -> String {
        self.serve.port(name).to_string()
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
        assert!(
            out.status.success(),
            "{script} failed ({:?}):\n{}\n--- server log ---\n{}",
            out.status,
            text(&out),
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
        self.serve.terminate(Duration::from_secs(10));
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
    maildir::wait(&md, n)
}
