//! A throw-away system account for tests that run as root and start the daemon as a service
//! user: created with useradd, removed (userdel) when dropped.

use std::process::Command;

pub struct Account {
    pub name: String,
}

impl Account {
    /// `mailctl-test-<tag>`; reused if a previous run left it behind.
    pub fn create(tag: &str) -> Account {
        let name = format!("mailctl-test-{tag}");
        let exists = Command::new("id")
            .arg(&name)
            .output()
            .is_ok_and(|o| o.status.success());
        if !exists {
            let o = Command::new("useradd")
                .args([
                    "--system",
                    "--no-create-home",
                    "--shell",
                    "/usr/sbin/nologin",
                ])
                .arg(&name)
                .output()
                .expect("run useradd");
            assert!(
                o.status.success(),
                "useradd {name}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
        Account { name }
    }
}

impl Drop for Account {
    fn drop(&mut self) {
        let _ = Command::new("userdel").arg(&self.name).output();
    }
}

pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}
