//! Waiting for deliveries: the files of a Maildir, polled (bounded) until enough are there.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a delivery may take to show up before the test looks at what is there.
const WAIT: Duration = Duration::from_secs(20);

/// `DIR/mail/DOMAIN/USER`: the Maildir (and INBOX) of `user@domain`.
pub fn of(dir: &Path, user: &str, domain: &str) -> PathBuf {
    dir.join("mail").join(domain).join(user)
}

/// The files in the `subs` (`new`, `cur`) of Maildir `md`, sorted, once there are at least
/// `n` or `limit` has passed (then the caller's assertion reports what is there).
pub fn wait_in(md: &Path, subs: &[&str], n: usize, limit: Duration) -> Vec<PathBuf> {
    let deadline = Instant::now() + limit;
    loop {
        let mut out = Vec::new();
        for sub in subs {
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

/// The files in `new/` and `cur/` of Maildir `md` now.
pub fn files(md: &Path) -> Vec<PathBuf> {
    wait_in(md, &["new", "cur"], 0, Duration::ZERO)
}

/// The files in `new/` and `cur/` of Maildir `md`, waiting (20 s at most) for `n`.
pub fn wait(md: &Path, n: usize) -> Vec<PathBuf> {
    wait_in(md, &["new", "cur"], n, WAIT)
}

/// The files' contents (lossy UTF-8); a file gone meanwhile reads as empty.
pub fn read(files: &[PathBuf]) -> Vec<String> {
    files
        .iter()
        .map(|f| String::from_utf8_lossy(&std::fs::read(f).unwrap_or_default()).into_owned())
        .collect()
}

/// The messages (new/ and cur/) of `user@domain` under data dir `dir`, waiting (bounded)
/// for `n`.
pub fn wait_messages(dir: &Path, user: &str, domain: &str, n: usize) -> Vec<String> {
    read(&wait(&of(dir, user, domain), n))
}
