//! Harness for the POP3 tests: a real `mailctl serve smtp pop3` on ephemeral loopback ports
//! with a temporary data directory, mail delivered through its own SMTP listener, and Python
//! scripts (poplib, smtplib, raw sockets) as clients.

use std::path::{Path, PathBuf};

pub use crate::common::cli::mailctl_ok;
use crate::common::maildir;
use crate::common::serve::Serve;
pub use crate::common::tools::{python, require};
use crate::common::users::example_test;
pub use crate::common::users::{PASSWORD, add_user};

const LISTENERS: [&str; 5] = ["smtp", "submission", "submissions", "pop3", "pop3s"];

/// Domain example.test, users alice and bob, a self-signed certificate, DNS on loopback.
/// The daemon keeps running as whoever starts it (`server.user` empty).
pub fn data_dir() -> tempfile::TempDir {
    data_dir_for("")
}

/// [`data_dir`] for a daemon that drops to `server_user` when started as root. It is set
/// first, so the admin commands that follow (run as root) hand what they make to it.
pub fn data_dir_for(server_user: &str) -> tempfile::TempDir {
    example_test(server_user, &["localhost"])
}

pub struct Server {
    serve: Serve,
}

impl Server {
    pub fn start(dir: &Path) -> Server {
        Server {
            serve: Serve::start(dir, &["smtp", "pop3", "--allow-root"], &LISTENERS),
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
}

impl Drop for Server {
    fn drop(&mut self) {
        self.serve.kill();
    }
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
    maildir::wait(&maildir::of(dir, "alice", "example.test"), n)
}
