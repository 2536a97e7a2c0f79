//! Debian's Dovecot (`dovecot-imapd`) as a second IMAP server in a test: unprivileged layout
//! in a temp dir (its own dovecot.conf, base_dir, passwd-file, loopback ports for IMAP and
//! IMAPS with a self-signed certificate, Maildirs as
//! `mail/%d/%n/Maildir` owned by `nobody`), stopped when dropped. Needs root, like the
//! example `examples/imap-vs-dovecot.sh` it follows (Dovecot drops to its own users).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub struct Dovecot {
    pub dir: tempfile::TempDir,
    /// IMAP (plaintext logins allowed) and IMAPS (a self-signed certificate for localhost).
    pub port: u16,
    pub imaps_port: u16,
    conf: PathBuf,
}

impl Dovecot {
    /// Starts Dovecot with `passwd` as its passwd-file (lines `user@domain:{SCHEME}hash`).
    pub fn start(passwd: &str) -> Dovecot {
        super::tools::require("dovecot");
        assert!(
            super::account::is_root(),
            "Dovecot in the tests needs root (it drops to its own users)"
        );
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for sub in ["run", "state", "mail"] {
            std::fs::create_dir_all(d.join(sub)).unwrap();
        }
        // Dovecot's unprivileged processes must reach base_dir and the Maildirs.
        let chmod = |p: &Path| {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap()
        };
        chmod(d);
        chmod(&d.join("run"));
        let status = Command::new("chown")
            .args(["nobody:nogroup"])
            .arg(d.join("mail"))
            .status()
            .unwrap();
        assert!(status.success());
        std::fs::write(d.join("passwd"), passwd).unwrap();
        let (port, imaps_port) = (super::net::free_port(), super::net::free_port());
        let (cert, key) = super::certs::make(d, "dovecot", "localhost");
        let conf = d.join("dovecot.conf");
        let p = d.display();
        std::fs::write(
            &conf,
            format!(
                "base_dir = {p}/run\nstate_dir = {p}/state\nlog_path = {p}/dovecot.log\n\
                 protocols = imap\nlisten = 127.0.0.1\nssl = yes\nssl_cert = <{cert}\nssl_key = <{key}\n\
                 disable_plaintext_auth = no\n\
                 auth_mechanisms = plain login\nfirst_valid_uid = 1\n\
                 mail_location = maildir:{p}/mail/%d/%n/Maildir\n\
                 mail_uid = nobody\nmail_gid = nogroup\n\
                 passdb {{\n  driver = passwd-file\n  args = {p}/passwd\n}}\n\
                 userdb {{\n  driver = static\n  args = home={p}/mail/%d/%n\n}}\n\
                 service imap-login {{\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {port}\n  }}\n  \
                 inet_listener imaps {{\n    address = 127.0.0.1\n    port = {imaps_port}\n    ssl = yes\n  }}\n}}\n",
                cert = cert.display(),
                key = key.display(),
            ),
        )
        .unwrap();
        let status = Command::new("dovecot")
            .arg("-c")
            .arg(&conf)
            .status()
            .unwrap();
        assert!(status.success(), "dovecot did not start");
        let dc = Dovecot {
            dir,
            port,
            imaps_port,
            conf,
        };
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "dovecot not listening: {}",
                dc.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        dc
    }

    /// The directory `mail_location` is under (`%d/%n/Maildir` inside).
    pub fn mail_root(&self) -> PathBuf {
        self.dir.path().join("mail")
    }

    pub fn passwd_file(&self) -> PathBuf {
        self.dir.path().join("passwd")
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("dovecot.log")).unwrap_or_default()
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let _ = Command::new("dovecot")
            .arg("-c")
            .arg(&self.conf)
            .arg("stop")
            .status();
        // The master removes its pid file when it is gone: wait for that, bounded.
        let pid = self.dir.path().join("run/master.pid");
        let start = Instant::now();
        while pid.exists() && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}
