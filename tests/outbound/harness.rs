//! Running mailctl instances on their own loopback addresses for outbound tests.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::common::cli::{command, mailctl_stdin};
pub use crate::common::cli::{json, mailctl, ok};
use crate::common::maildir;
pub use crate::common::net::common_port;
use crate::common::serve::Serve;
use crate::common::tools;

/// One configured data directory: a domain, users, a certificate, settings.
pub struct Instance {
    pub dir: tempfile::TempDir,
    pub ip: String,
    pub port: u16,
    serve: Option<Serve>,
    /// The runs stopped so far, kept for their logs.
    stopped: Vec<Serve>,
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
        let dir = crate::common::data_dir();
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
            // Port 25's greeting wait would eat most of that timeout.
            ("smtp.greet_wait", "0".to_string()),
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
            // Outbound tests judge delivery, not the receiver's checks; `world()` in
            // tests/outbound.rs turns them back on where a loopback DNS server answers.
            ("inbound.checks", "false".to_string()),
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
            serve: None,
            stopped: Vec::new(),
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
        assert!(self.serve.is_none());
        let mut cmd = command(self.path());
        cmd.args(["serve", "smtp", "--allow-root"])
            .env("RUST_LOG", "info");
        self.serve = Some(Serve::spawn(cmd, 1));
    }

    pub fn stop(&mut self) {
        if let Some(mut s) = self.serve.take() {
            s.terminate(Duration::from_secs(10));
            self.stopped.push(s);
        }
    }

    /// What every run of this instance logged so far.
    pub fn log(&self) -> String {
        self.stopped
            .iter()
            .chain(&self.serve)
            .map(|s| s.log())
            .collect()
    }

    pub fn addr(&self) -> SocketAddr {
        format!("{}:{}", self.ip, self.port).parse().unwrap()
    }

    pub fn maildir_new(&self, user: &str, domain: &str) -> PathBuf {
        self.path().join("mail").join(domain).join(user).join("new")
    }

    /// Waits for `n` messages in a mailbox's `new/` and returns their contents.
    pub fn wait_mail(&self, user: &str, domain: &str, n: usize, secs: u64) -> Vec<String> {
        let md = maildir::of(self.path(), user, domain);
        let files = maildir::wait_in(&md, &["new"], n, Duration::from_secs(secs));
        if files.len() < n {
            panic!(
                "{user}@{domain} has {} of {n} messages after {secs}s; log:\n{}",
                files.len(),
                self.log()
            );
        }
        files
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap())
            .collect()
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Sends one message over SMTP with swaks.
pub fn swaks(server: SocketAddr, from: &str, to: &str, subject: &str) -> String {
    let (ip, port) = (server.ip().to_string(), server.port().to_string());
    let subject = format!("Subject: {subject}");
    let (ok, out) = tools::swaks(&[
        "--server", &ip, "--port", &port, "--from", from, "--to", to, "--header", &subject,
    ]);
    assert!(ok, "swaks failed: {out}");
    out
}

/// Queues one message with `mailctl sendmail` (no SMTP round trip; a running server picks
/// it up within its poll interval).
pub fn sendmail(dir: &Path, from: &str, to: &str, subject: &str) {
    sendmail_message(
        dir,
        from,
        to,
        &format!("Subject: {subject}\n\nbody of {subject}\n"),
    );
}

/// `mailctl sendmail -f FROM TO` with `message` on stdin; asserts it was queued.
pub fn sendmail_message(dir: &Path, from: &str, to: &str, message: &str) {
    let o = mailctl_stdin(dir, &["sendmail", "-f", from, to], message);
    assert!(
        o.status.success(),
        "sendmail to {to} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Every message file of a Maildir, in `new/` and `cur/`.
pub fn maildir_all(inst: &Instance, user: &str, domain: &str) -> Vec<String> {
    maildir::read(&maildir::files(&maildir::of(inst.path(), user, domain)))
}
