//! Test harness: a real `mailctl serve` on ephemeral loopback ports with a temporary data
//! directory, and a small raw SMTP client.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_mailctl");
pub const PASSWORD: &str = "correct horse battery";

pub fn mailctl(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .output()
        .expect("run mailctl")
}

pub fn mailctl_ok(dir: &Path, args: &[&str]) -> String {
    let out = mailctl(dir, args);
    assert!(
        out.status.success(),
        "mailctl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn add_user(dir: &Path, addr: &str, extra: &[&str]) {
    let mut args = vec!["user", "add", addr, "--password-stdin"];
    args.extend_from_slice(extra);
    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir)
        .args(&args)
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

/// A data dir with domain example.test, users alice and bob, a self-signed certificate.
pub fn data_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    mailctl_ok(p, &["domain", "add", "example.test", "--create"]);
    add_user(p, "alice@example.test", &[]);
    add_user(p, "bob@example.test", &[]);
    mailctl_ok(p, &["config", "set", "server.user", ""]);
    // The outbound runner runs beside the server: its DNS stays on loopback (nothing answers
    // there, so mail for other domains waits in the queue), never the machine's resolver.
    mailctl_ok(p, &["config", "set", "dns.nameserver", "127.0.0.1:9"]);
    mailctl::net::tls::write_self_signed(
        &["localhost".into(), "mx.example.test".into()],
        &p.join("tls/cert.pem"),
        &p.join("tls/key.pem"),
    )
    .unwrap();
    dir
}

pub struct Server {
    pub child: Child,
    pub ports: HashMap<String, SocketAddr>,
    pub log: Arc<Mutex<String>>,
}

impl Server {
    pub fn start(dir: &Path) -> Server {
        Self::spawn(dir, Command::new(BIN))
    }

    /// Starts the server in its own user+mount namespace with a tiny tmpfs over the spool
    /// directory, so a full disk can be produced without privileges.
    pub fn start_with_small_spool(dir: &Path, size: &str) -> Server {
        let q = dir.join("queue");
        std::fs::create_dir_all(&q).unwrap();
        let mut cmd = Command::new("unshare");
        cmd.args(["-rm", "sh", "-c"])
            .arg(format!(
                "mount -t tmpfs -o size={size} tmpfs '{}' && exec \"$0\" \"$@\"",
                q.display()
            ))
            .arg(BIN);
        Self::spawn(dir, cmd)
    }

    fn spawn(dir: &Path, mut cmd: Command) -> Server {
        let mut child = cmd
            .arg("--data-dir")
            .arg(dir)
            .args(["serve", "smtp", "--allow-root"])
            .args([
                "--listen",
                "smtp=127.0.0.1:0",
                "--listen",
                "submission=127.0.0.1:0",
            ])
            .args(["--listen", "submissions=127.0.0.1:0"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start server");
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let log2 = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.strip_prefix("listening ") {
                    let _ = tx.send(rest.to_string());
                }
                log2.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let mut ports = HashMap::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while ports.len() < 3 {
            let left = deadline.saturating_duration_since(Instant::now());
            let Ok(line) = rx.recv_timeout(left) else {
                let _ = child.kill();
                panic!(
                    "server did not report its listeners: {}",
                    log.lock().unwrap()
                );
            };
            let (name, addr) = line.split_once(' ').unwrap();
            ports.insert(name.to_string(), addr.parse().unwrap());
        }
        Server { child, ports, log }
    }

    /// What the server logged on stderr so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    pub fn smtp(&self) -> SocketAddr {
        self.ports["smtp"]
    }
    pub fn submission(&self) -> SocketAddr {
        self.ports["submission"]
    }
    pub fn submissions(&self) -> SocketAddr {
        self.ports["submissions"]
    }

    pub fn signal(&self, sig: i32) {
        // SAFETY: sending a signal to our own child.
        unsafe { libc::kill(self.child.id() as i32, sig) };
    }

    pub fn kill9(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Waits (bounded) for the process to exit.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Ok(Some(st)) = self.child.try_wait() {
                return Some(st);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// All files under a user's Maildir `new/` and `cur/`, waiting (bounded) until at least `n`.
pub fn maildir_files(dir: &Path, user: &str, domain: &str, n: usize) -> Vec<String> {
    let md = dir.join("mail").join(domain).join(user);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            if let Ok(rd) = std::fs::read_dir(md.join(sub)) {
                for e in rd.flatten() {
                    out.push(
                        String::from_utf8_lossy(&std::fs::read(e.path()).unwrap_or_default())
                            .into_owned(),
                    );
                }
            }
        }
        if out.len() >= n || Instant::now() > deadline {
            return out;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A plain-text SMTP client on a raw socket.
pub struct Client {
    pub stream: TcpStream,
    buf: Vec<u8>,
}

impl Client {
    pub fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let mut c = Client {
            stream,
            buf: Vec::new(),
        };
        let greeting = c.reply();
        assert!(greeting.starts_with("220 "), "{greeting}");
        c
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

pub fn have(tool: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `Subject: <token>` message with CRLF line ends.
pub fn message(token: &str) -> String {
    format!(
        "From: a@remote.test\r\nTo: alice@example.test\r\nSubject: {token}\r\n\r\nbody {token}\r\n"
    )
}
