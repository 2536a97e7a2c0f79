//! A throw-away system account for tests that run as root and start the daemon as a service
//! user: created with useradd, removed (userdel) when dropped. [`Mode`] runs one test body
//! both as root and as such an account; [`in_both_modes!`] makes the two tests.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// `name::as_root` and `name::as_service_user` for each test body `fn name(&Mode)`.
#[allow(unused_macros)] // only the binaries with such tests use it
macro_rules! in_both_modes {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn as_root() {
                super::$name(&$crate::common::account::Mode::Root);
            }

            #[test]
            fn as_service_user() {
                let tag = $crate::common::account::tag();
                if let Some(mode) = $crate::common::account::Mode::service_user(&tag) {
                    super::$name(&mode);
                }
            }
        }
    )*};
}
#[allow(unused_imports)]
pub(crate) use in_both_modes;

/// A short account name part, unique among the tests running in parallel (and among
/// concurrent runs on the machine, by pid); useradd names stop at 32 characters.
pub fn tag() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("md{}-{n}", std::process::id())
}

pub struct Account {
    pub name: String,
}

/// Runs useradd/userdel, retrying (bounded) while another process holds the lock on
/// /etc/passwd: tests in parallel, or other suites on the machine, create accounts too.
fn shadow_tool(cmd: &mut Command) -> Output {
    let mut tries = 0;
    loop {
        let o = cmd.output().expect("run useradd/userdel");
        tries += 1;
        let locked = String::from_utf8_lossy(&o.stderr).contains("lock");
        if o.status.success() || !locked || tries >= 20 {
            return o;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
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
            let o = shadow_tool(
                Command::new("useradd")
                    .args([
                        "--system",
                        "--no-create-home",
                        "--shell",
                        "/usr/sbin/nologin",
                    ])
                    .arg(&name),
            );
            assert!(
                o.status.success(),
                "useradd {name}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
        Account { name }
    }

    /// The account's uid and primary gid.
    pub fn ids(&self) -> (u32, u32) {
        let id = |flag: &str| -> u32 {
            let o = Command::new("id")
                .args([flag, &self.name])
                .output()
                .unwrap();
            String::from_utf8_lossy(&o.stdout).trim().parse().unwrap()
        };
        (id("-u"), id("-g"))
    }
}

impl Drop for Account {
    fn drop(&mut self) {
        let _ = shadow_tool(Command::new("userdel").arg(&self.name));
    }
}

pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Who a daemon under test runs as. Storage rules (links refused, nothing read or written
/// through them) must hold both ways (issue 15, "How it is checked"): a refusal that only
/// happens because root's files are unreadable to the service account proves nothing, and
/// a check that only works as root is no check in a real install.
pub enum Mode {
    /// Root with `server.user` empty and `--allow-root`, as in a container.
    Root,
    /// Root binds, then drops to this throw-away unprivileged account.
    ServiceUser(Account),
}

impl Mode {
    /// A service-user mode with an account of its own (`tag` keeps parallel tests apart);
    /// `None`, with a note on stderr, when this process cannot create accounts or switch.
    pub fn service_user(tag: &str) -> Option<Mode> {
        if !is_root() {
            eprintln!(
                "skipped the service-user mode: needs root to create an account and drop to it"
            );
            return None;
        }
        Some(Mode::ServiceUser(Account::create(tag)))
    }

    /// The value for `server.user`.
    pub fn server_user(&self) -> &str {
        match self {
            Mode::Root => "",
            Mode::ServiceUser(a) => &a.name,
        }
    }

    /// Gives `path` (not followed if a link) to the service account, as a file the daemon
    /// itself could have made; nothing in the root mode.
    pub fn give(&self, path: &Path) {
        if let Mode::ServiceUser(a) = self {
            let (uid, gid) = a.ids();
            std::os::unix::fs::lchown(path, Some(uid), Some(gid))
                .unwrap_or_else(|e| panic!("chown {}: {e}", path.display()));
        }
    }

    /// Asserts the daemon `pid` runs as this mode says (real, effective, saved and fs uid):
    /// a service-user test that silently kept root would prove nothing. It reports its
    /// listeners before dropping root, so this waits (bounded) for the switch.
    pub fn assert_daemon_runs_as(&self, pid: u32) {
        let want = match self {
            // SAFETY: geteuid has no preconditions.
            Mode::Root => unsafe { libc::geteuid() },
            Mode::ServiceUser(a) => a.ids().0,
        };
        let uids = || -> Vec<u32> {
            std::fs::read_to_string(format!("/proc/{pid}/status"))
                .unwrap_or_default()
                .lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .unwrap_or_default()
                .split_whitespace()
                .filter_map(|u| u.parse().ok())
                .collect()
        };
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while uids() != [want; 4] && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        assert_eq!(uids(), [want; 4], "daemon {pid}'s uids");
    }

    /// Runs `sh -c script` as the daemon's account (plain in the root mode) with `args` as
    /// `$1`...; returns its output.
    pub fn sh(&self, script: &str, args: &[&Path]) -> Output {
        let mut cmd = match self {
            Mode::Root => Command::new("sh"),
            Mode::ServiceUser(a) => {
                let (uid, gid) = a.ids();
                let mut c = Command::new("setpriv");
                c.arg(format!("--reuid={uid}"))
                    .arg(format!("--regid={gid}"))
                    .args(["--clear-groups", "sh"]);
                c
            }
        };
        cmd.args(["-c", script, "sh"]).args(args);
        cmd.output().expect("run sh")
    }

    /// Asserts the daemon's account could read `file` (and finds `needle` in it): a link to
    /// it the daemon refuses is refused by its own check, not by a permission error.
    pub fn assert_can_read(&self, file: &Path, needle: &str) {
        let o = self.sh(r#"cat -- "$1""#, &[file]);
        assert!(
            o.status.success() && String::from_utf8_lossy(&o.stdout).contains(needle),
            "{} cannot read {}: {}",
            self.server_user(),
            file.display(),
            String::from_utf8_lossy(&o.stderr)
        );
    }

    /// Asserts the daemon's account could create files in `dir`.
    pub fn assert_can_write(&self, dir: &Path) {
        let o = self.sh(r#"f="$1/.probe" && : > "$f" && rm -- "$f""#, &[dir]);
        assert!(
            o.status.success(),
            "{} cannot write in {}: {}",
            self.server_user(),
            dir.display(),
            String::from_utf8_lossy(&o.stderr)
        );
    }
}
