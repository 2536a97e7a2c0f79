//! Running mailctl instances on their own loopback addresses for outbound tests.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_mailctl");

pub fn mailctl(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("MAILCTL_DATA_DIR")
        .output()
        .unwrap()
}

pub fn ok(dir: &Path, args: &[&str]) -> String {
    let o = mailctl(dir, args);
    assert!(
        o.status.success(),
        "mailctl {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

pub fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut a = vec!["--json"];
    a.extend_from_slice(args);
    serde_json::from_str(&ok(dir, &a)).unwrap()
}

/// A port free on every one of `ips`, so several instances can share `delivery.port`.
pub fn common_port(ips: &[&str]) -> u16 {
    for _ in 0..200 {
        let probe = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = probe.local_addr().unwrap().port();
        drop(probe);
        if ips.iter().all(|ip| TcpListener::bind((*ip, port)).is_ok()) {
            return port;
        }
    }
    panic!("no common free port");
}

/// One configured data directory: a domain, users, a certificate, settings.
pub struct Instance {
    pub dir: tempfile::TempDir,
    pub ip: String,
    pub port: u16,
    child: Option<Child>,
    log: Arc<Mutex<String>>,
}

impl Instance {
    pub fn new(
        ip: &str,
        port: u16,
        hostname: &str,
        domain: &str,
        users: &[&str],
        dns: &str,
    ) -> Instance {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        ok(d, &["domain", "add", domain, "--create"]);
        ok(d, &["config", "set", "auth.argon2_memory", "1M"]);
        ok(d, &["config", "set", "auth.argon2_iterations", "1"]);
        for u in users {
            ok(
                d,
                &[
                    "user",
                    "add",
                    &format!("{u}@{domain}"),
                    "--password-hash",
                    "$2y$05$fdDzU/K/PETLXAePxymtHuoOEnmtT7NQtAfjRyI9ujlp3altqOCSm",
                ],
            );
        }
        for (k, v) in [
            ("hostname", hostname.to_string()),
            ("dns.nameserver", dns.to_string()),
            ("delivery.port", port.to_string()),
            ("delivery.timeout", "3s".to_string()),
            ("queue.retry_schedule", "1h".to_string()),
            ("listen.smtp", format!("{ip}:{port}")),
            ("listen.submission", String::new()),
            ("listen.submissions", String::new()),
            ("listen.imap", String::new()),
            ("listen.imaps", String::new()),
            ("listen.pop3", String::new()),
            ("listen.pop3s", String::new()),
            ("server.user", String::new()),
            ("mynetworks", "127.0.0.1/32".to_string()),
        ] {
            ok(d, &["config", "set", k, &v]);
        }
        // A self-signed certificate, so instances talk STARTTLS to each other.
        let ck = rcgen::generate_simple_self_signed(vec![hostname.to_string()]).unwrap();
        std::fs::create_dir_all(d.join("tls")).unwrap();
        std::fs::write(d.join("tls/cert.pem"), ck.cert.pem()).unwrap();
        std::fs::write(d.join("tls/key.pem"), ck.signing_key.serialize_pem()).unwrap();
        Instance {
            dir,
            ip: ip.to_string(),
            port,
            child: None,
            log: Arc::new(Mutex::new(String::new())),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn set(&self, key: &str, value: &str) {
        ok(self.path(), &["config", "set", key, value]);
    }

    /// Starts `serve smtp` and waits until it listens.
    pub fn start(&mut self) {
        assert!(self.child.is_none());
        let mut child = Command::new(BIN)
            .arg("--data-dir")
            .arg(self.path())
            .args(["serve", "smtp", "--allow-root"])
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = self.log.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.starts_with("listening smtp") {
                    let _ = tx.send(());
                }
                let mut l = log.lock().unwrap();
                l.push_str(&line);
                l.push('\n');
            }
        });
        if rx.recv_timeout(Duration::from_secs(20)).is_err() {
            let _ = child.kill();
            panic!("instance {} did not start:\n{}", self.ip, self.log());
        }
        self.child = Some(child);
    }

    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            // SAFETY: plain kill(2) on our own child.
            unsafe { libc::kill(c.id() as i32, libc::SIGTERM) };
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(10) {
                if c.try_wait().unwrap().is_some() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    pub fn addr(&self) -> SocketAddr {
        format!("{}:{}", self.ip, self.port).parse().unwrap()
    }

    pub fn maildir_new(&self, user: &str, domain: &str) -> PathBuf {
        self.path().join("mail").join(domain).join(user).join("new")
    }

    /// Waits for `n` messages in a mailbox and returns their contents.
    pub fn wait_mail(&self, user: &str, domain: &str, n: usize, secs: u64) -> Vec<String> {
        let dir = self.maildir_new(user, domain);
        let start = Instant::now();
        loop {
            let files: Vec<PathBuf> = std::fs::read_dir(&dir)
                .map(|d| d.flatten().map(|e| e.path()).collect())
                .unwrap_or_default();
            if files.len() >= n {
                return files
                    .iter()
                    .map(|f| std::fs::read_to_string(f).unwrap())
                    .collect();
            }
            if start.elapsed() > Duration::from_secs(secs) {
                panic!(
                    "{user}@{domain} has {} of {n} messages after {secs}s; log:\n{}",
                    files.len(),
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Sends one message over SMTP with swaks.
pub fn swaks(server: SocketAddr, from: &str, to: &str, subject: &str) -> String {
    let o = Command::new("swaks")
        .args([
            "--server",
            &server.ip().to_string(),
            "--port",
            &server.port().to_string(),
        ])
        .args([
            "--from",
            from,
            "--to",
            to,
            "--header",
            &format!("Subject: {subject}"),
            "--timeout",
            "20",
        ])
        .output()
        .expect("swaks is required (scripts/test installs it)");
    let out = String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "swaks failed: {out}");
    out
}

/// Queues one message with `mailctl sendmail` (no SMTP round trip; a running server picks
/// it up within its poll interval).
pub fn sendmail(dir: &Path, from: &str, to: &str, subject: &str) {
    use std::io::Write;
    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir)
        .args(["sendmail", "-f", from, to])
        .env_remove("MAILCTL_DATA_DIR")
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("Subject: {subject}\n\nbody of {subject}\n").as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success(), "sendmail to {to} failed");
}

/// Every message file of a Maildir, in `new/` and `cur/`.
pub fn maildir_all(inst: &Instance, user: &str, domain: &str) -> Vec<String> {
    let md = inst.path().join("mail").join(domain).join(user);
    ["new", "cur"]
        .iter()
        .flat_map(|sub| {
            std::fs::read_dir(md.join(sub))
                .map(|d| d.flatten().map(|e| e.path()).collect::<Vec<_>>())
                .unwrap_or_default()
        })
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}
