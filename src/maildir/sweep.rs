//! The daemon's sweep of `tmp/`: files left there over 36 hours are deliveries that never
//! finished (a crash, a killed writer), and maildir(5) says to delete them. Run at start and
//! then periodically on a thread of its own (a walk of every Maildir is blocking work).
//!
//! Only regular files and links directly in a real `tmp/` are removed (`unlinkat` on the
//! directory handle: a link goes, never its target); directories and everything outside
//! `tmp/` are left alone. Not here: `maildir check`, which moves stale files to `lost+found/`
//! for an administrator to look at instead.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::check::STALE_TMP_SECS;
use super::safe::{Dir, is_real_dir};

/// What one sweep did.
#[derive(Debug, Default)]
pub struct Swept {
    pub removed: Vec<PathBuf>,
    pub failed: Vec<(PathBuf, std::io::Error)>,
}

/// Real sub-directories of `dir` (links are not followed).
fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    rd.flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect()
}

/// Removes stale tmp files from every Maildir under `mail_root` (`<domain>/<local>/`).
pub fn sweep(mail_root: &Path, now: SystemTime) -> Swept {
    let mut out = Swept::default();
    for domain in subdirs(mail_root) {
        for user in subdirs(&domain) {
            let Ok(folders) = super::folder::folders(&user) else {
                continue;
            };
            for f in folders {
                sweep_tmp(&f.path.join("tmp"), now, &mut out);
            }
        }
    }
    out
}

fn sweep_tmp(tmp: &Path, now: SystemTime, out: &mut Swept) {
    if !is_real_dir(tmp) {
        return;
    }
    let Ok(dir) = Dir::open(tmp) else { return };
    let Ok(rd) = std::fs::read_dir(tmp) else {
        return;
    };
    for e in rd.flatten() {
        let Ok(md) = std::fs::symlink_metadata(e.path()) else {
            continue;
        };
        if md.file_type().is_dir() {
            continue;
        }
        let stale = md
            .modified()
            .ok()
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|age| age.as_secs() > STALE_TMP_SECS);
        if !stale {
            continue;
        }
        let name = e.file_name().to_string_lossy().into_owned();
        match dir.unlink(&name) {
            Ok(()) => out.removed.push(e.path()),
            Err(err) => out.failed.push((e.path(), err)),
        }
    }
}

/// Sweeps now and then every `every`, on a thread of its own, logging what it removed.
pub fn start(mail_root: PathBuf, every: Duration) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("tmp-sweep".into())
        .spawn(move || {
            loop {
                let s = sweep(&mail_root, SystemTime::now());
                for p in &s.removed {
                    tracing::info!(
                        "removed {}: left in tmp/ over 36 hours (a delivery that never finished)",
                        p.display()
                    );
                }
                for (p, e) in &s.failed {
                    tracing::warn!("cannot remove stale tmp file {}: {e}", p.display());
                }
                std::thread::sleep(every);
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_only_stale_files_in_tmp() {
        let dir = tempfile::tempdir().unwrap();
        let user = dir.path().join("example.org/alice");
        super::super::deliver::ensure(&user).unwrap();
        super::super::deliver::ensure(&user.join(".Sent")).unwrap();
        let old = SystemTime::now() - Duration::from_secs(STALE_TMP_SECS + 3600);
        let put = |p: PathBuf, stale: bool| {
            let f = std::fs::File::create(&p).unwrap();
            if stale {
                f.set_modified(old).unwrap();
            }
            p
        };
        let a = put(user.join("tmp/1.a.h"), true);
        let b = put(user.join(".Sent/tmp/2.b.h"), true);
        let fresh = put(user.join("tmp/3.c.h"), false);
        let msg = put(user.join("cur/4.d.h:2,S"), true);
        let outside = put(dir.path().join("victim"), true);
        std::os::unix::fs::symlink(&outside, user.join("tmp/5.link")).unwrap();
        let s = sweep(dir.path(), SystemTime::now());
        assert!(s.failed.is_empty(), "{:?}", s.failed);
        assert!(!a.exists() && !b.exists());
        assert!(fresh.exists() && msg.exists() && outside.exists());
        assert_eq!(s.removed.len(), 2, "{:?}", s.removed);
    }
}
