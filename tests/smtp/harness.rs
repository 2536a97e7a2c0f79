//! Test harness: a real `mailctl serve` on ephemeral loopback ports with a temporary data
//! directory, and a small raw SMTP client.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

pub use crate::common::cli::{BIN, mailctl_ok};
pub use crate::common::maildir::wait_messages as maildir_files;
use crate::common::serve::{self, Serve};
use crate::common::users::example_test;
pub use crate::common::users::{PASSWORD, add_user};

const LISTENERS: [&str; 3] = ["smtp", "submission", "submissions"];

/// A data dir with domain example.test, users alice and bob, a self-signed certificate.
pub fn data_dir() -> tempfile::TempDir {
    example_test("", &["localhost", "mx.example.test"])
}

pub struct Server {
    serve: Serve,
}

impl Server {
    pub fn start(dir: &Path) -> Server {
        Self::spawn(serve::command(dir, &["smtp", "--allow-root"], &LISTENERS))
    }

    /// Starts the server in its own user+mount namespace with a tiny tmpfs over the spool
    /// directory, so a full disk can be produced without privileges.
    pub fn start_with_small_spool(dir: &Path, size: &str) -> Server {
        let q = dir.join("queue");
        std::fs::create_dir_all(&q).unwrap();
        let serve = serve::command(dir, &["smtp", "--allow-root"], &LISTENERS);
        let mut cmd = Command::new("unshare");
        cmd.args(["-rm", "sh", "-c"])
            .arg(format!(
                "mount -t tmpfs -o size={size} tmpfs '{}' && exec \"$0\" \"$@\"",
                q.display()
            ))
            .arg(serve.get_program())
            .args(serve.get_args())
            .env_remove("MAILCTL_DATA_DIR");
        Self::spawn(cmd)
    }

    fn spawn(cmd: Command) -> Server {
        Server {
            serve: Serve::spawn(cmd, LISTENERS.len()),
        }
    }

    pub fn pid(&self) -> u32 {
        self.serve.id()
    }

    /// What the server logged on stderr so far.
    pub fn log(&self) -> String {
        self.serve.log()
    }

    pub fn smtp(&self) -> SocketAddr {
        self.serve.socket("smtp")
    }

    /// A client on port 25, greeted; when no greeting comes, the panic shows what the server
    /// logged, which is what says why.
    pub fn client(&self) -> Client {
        Client::try_connect(self.smtp()).unwrap_or_else(|greeting| {
            panic!(
                "no 220 greeting on port 25: {greeting:?}\nserver log:\n{}",
                self.log()
            )
        })
    }
    pub fn submission(&self) -> SocketAddr {
        self.serve.socket("submission")
    }
    pub fn submissions(&self) -> SocketAddr {
        self.serve.socket("submissions")
    }

    pub fn signal(&self, sig: i32) {
        // SAFETY: sending a signal to our own child.
        unsafe { libc::kill(self.serve.id() as i32, sig) };
    }

    pub fn kill9(mut self) {
        self.serve.kill();
    }

    /// Waits (bounded) for the process to exit.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Ok(Some(st)) = self.serve.child.try_wait() {
                return Some(st);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.serve.kill();
    }
}

/// Asserts that, a moment after a refused or smuggled transaction, neither alice nor bob
/// got any mail.
pub fn assert_nothing_stored(dir: &Path) {
    std::thread::sleep(Duration::from_millis(300));
    assert!(maildir_files(dir, "bob", "example.test", 0).is_empty());
    assert!(maildir_files(dir, "alice", "example.test", 0).is_empty());
}

/// A plain-text SMTP client on a raw socket.
pub struct Client {
    pub stream: TcpStream,
    buf: Vec<u8>,
}

impl Client {
    pub fn connect(addr: SocketAddr) -> Client {
        Client::try_connect(addr).unwrap_or_else(|greeting| panic!("{greeting:?}"))
    }

    /// A client greeted with 220, or what came instead (empty: the connection closed, or
    /// 20 s passed without a line).
    pub fn try_connect(addr: SocketAddr) -> Result<Client, String> {
        let stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let mut c = Client {
            stream,
            buf: Vec::new(),
        };
        let greeting = c.reply();
        if greeting.starts_with("220 ") {
            Ok(c)
        } else {
            Err(greeting)
        }
    }

    pub fn send(&mut self, data: &[u8]) {
        self.stream.write_all(data).unwrap();
    }

    /// One complete (possibly multi-line) reply; empty on EOF.
    pub fn reply(&mut self) -> String {
        let mut text = String::new();
        loop {
            let line = self.line();
            if line.is_empty() {
                return text;
            }
            text.push_str(&line);
            if line.as_bytes().get(3) != Some(&b'-') {
                return text;
            }
        }
    }

    fn line(&mut self) -> String {
        loop {
            if let Some(i) = self.buf.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.buf.drain(..=i).collect();
                return String::from_utf8_lossy(&line).into_owned();
            }
            let mut chunk = [0u8; 4096];
            match self.stream.read(&mut chunk) {
                Ok(0) | Err(_) => return String::new(),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
            }
        }
    }

    pub fn cmd(&mut self, line: &str) -> String {
        self.send(format!("{line}\r\n").as_bytes());
        self.reply()
    }

    /// Sends a whole transaction and returns the final reply.
    pub fn mail(&mut self, from: &str, to: &[&str], body: &str) -> String {
        assert!(self.cmd(&format!("MAIL FROM:<{from}>")).starts_with("250"));
        for t in to {
            let r = self.cmd(&format!("RCPT TO:<{t}>"));
            assert!(r.starts_with("250"), "RCPT {t}: {r}");
        }
        assert!(self.cmd("DATA").starts_with("354"));
        self.send(body.as_bytes());
        self.send(b"\r\n.\r\n");
        self.reply()
    }
}

/// `Subject: <token>` message with CRLF line ends.
pub fn message(token: &str) -> String {
    format!(
        "From: a@remote.test\r\nTo: alice@example.test\r\nSubject: {token}\r\n\r\nbody {token}\r\n"
    )
}
