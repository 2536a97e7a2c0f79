//! How much mail a tree of Maildirs holds (messages and bytes), measured again and again
//! cheaply: each folder's count is cached with the modification times of its `new/` and
//! `cur/`, and a folder whose two directories have not changed since is not read again. Every
//! change a message can go through (delivery into `new/`, the move to `cur/`, a flag change,
//! an expunge) renames or unlinks in one of them, which moves that directory's mtime; so a
//! refresh of an idle store costs two `stat`s per folder and one `readdir` per account root.
//!
//! A directory modified less than [`SETTLE`] before it was read is not trusted to stay
//! cached (a second change within the file system's timestamp granularity would not move
//! its mtime again); it is read again next time. Sizes come from the Maildir++ `,S=` in the
//! name where there is one (what mailctl writes), else from one `lstat`: the same rule as the
//! quota ([`super::deliver::usage`]).
//!
//! Not here: who asks (the metrics refresher, `mailctl stats`), the mailbox index (which
//! lags delivery: a message is only in it once a client has looked).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How old a directory's mtime must be before its count is cached.
pub const SETTLE: Duration = Duration::from_secs(2);

/// Messages and bytes.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Usage {
    pub messages: u64,
    pub bytes: u64,
}

impl std::ops::AddAssign for Usage {
    fn add_assign(&mut self, o: Usage) {
        self.messages += o.messages;
        self.bytes += o.bytes;
    }
}

#[derive(Clone, Copy)]
struct Cached {
    mtimes: (SystemTime, SystemTime),
    usage: Usage,
}

/// Folder counts kept from one measurement to the next.
#[derive(Default)]
pub struct UsageCache {
    folders: HashMap<PathBuf, Cached>,
    /// Folders read (not answered from the cache) by the last [`UsageCache::sweep`] round.
    pub reads: u64,
}

fn mtime(dir: &Path) -> Option<SystemTime> {
    let md = std::fs::symlink_metadata(dir).ok()?;
    md.file_type().is_dir().then(|| md.modified().ok())?
}

/// Counts one folder's `new/` and `cur/` from their entries.
fn count(folder: &Path) -> Usage {
    let mut u = Usage::default();
    for e in super::folder::entries(folder) {
        u.messages += 1;
        u.bytes += e.name.size.unwrap_or_else(|| {
            std::fs::symlink_metadata(&e.path)
                .map(|m| m.len())
                .unwrap_or(0)
        });
    }
    u
}

impl UsageCache {
    pub fn new() -> UsageCache {
        UsageCache::default()
    }

    /// Everything in the Maildir at `root` (INBOX and every Maildir++ folder), from the cache
    /// where the folder has not changed. Entries of folders not measured in a round are
    /// dropped by [`UsageCache::sweep`].
    pub fn maildir(&mut self, root: &Path, seen: &mut Vec<PathBuf>) -> Usage {
        let mut total = Usage::default();
        let Ok(folders) = super::folder::folders(root) else {
            return total;
        };
        for f in folders {
            total += self.folder(&f.path);
            seen.push(f.path);
        }
        total
    }

    fn folder(&mut self, path: &Path) -> Usage {
        let (Some(new), Some(cur)) = (mtime(&path.join("new")), mtime(&path.join("cur"))) else {
            // Not a Maildir folder (or one `entries` refuses to read): nothing to count.
            self.folders.remove(path);
            return Usage::default();
        };
        if let Some(c) = self.folders.get(path)
            && c.mtimes == (new, cur)
        {
            return c.usage;
        }
        let usage = count(path);
        self.reads += 1;
        let settled = SystemTime::now()
            .checked_sub(SETTLE)
            .is_some_and(|limit| new <= limit && cur <= limit);
        if settled {
            self.folders.insert(
                path.to_path_buf(),
                Cached {
                    mtimes: (new, cur),
                    usage,
                },
            );
        } else {
            self.folders.remove(path);
        }
        usage
    }

    /// Ends a round: forgets the folders not `seen` in it (removed accounts and folders).
    pub fn sweep(&mut self, seen: &[PathBuf]) {
        let keep: std::collections::HashSet<&PathBuf> = seen.iter().collect();
        self.folders.retain(|p, _| keep.contains(p));
    }

    /// Starts a round's read count.
    pub fn start_round(&mut self) {
        self.reads = 0;
    }
}

/// Every account Maildir directly under `domain_dir` (`<data-dir>/mail/<domain>/<local>/`),
/// measured through `cache`; links are not followed.
pub fn domain(cache: &mut UsageCache, domain_dir: &Path, seen: &mut Vec<PathBuf>) -> Usage {
    let mut total = Usage::default();
    let Ok(rd) = std::fs::read_dir(domain_dir) else {
        return total;
    };
    for e in rd.flatten() {
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            total += cache.maildir(&e.path(), seen);
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(dir: &Path, sub: &str, name: &str, body: &[u8]) {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        std::fs::write(dir.join(sub).join(name), body).unwrap();
    }

    fn maildir(root: &Path) {
        for f in [root.to_path_buf(), root.join(".Sent")] {
            for s in ["new", "cur", "tmp"] {
                std::fs::create_dir_all(f.join(s)).unwrap();
            }
        }
    }

    /// Sets both directories' mtimes back, as if they had not changed for a while.
    fn age(folder: &Path) {
        let old = SystemTime::now() - Duration::from_secs(60);
        for s in ["new", "cur"] {
            std::fs::File::open(folder.join(s))
                .unwrap()
                .set_modified(old)
                .unwrap();
        }
    }

    #[test]
    fn counts_every_folder_and_reads_only_what_changed() {
        let tmp = tempfile::tempdir().unwrap();
        let dom = tmp.path().join("example.test");
        let (a, b) = (dom.join("alice"), dom.join("bob"));
        maildir(&a);
        maildir(&b);
        put(&a, "new", "1.M1P1.h,S=100", b"x");
        put(&a, "cur", "2.M1P1.h,S=50:2,S", b"x");
        put(&a.join(".Sent"), "cur", "3.M1P1.h:2,S", b"12345");
        put(&b, "new", "4.M1P1.h,S=7", b"x");
        put(&b, "tmp", "5.M1P1.h,S=1000", b"x"); // not delivered yet: not counted
        for f in [&a, &a.join(".Sent"), &b, &b.join(".Sent")] {
            age(f);
        }
        let mut cache = UsageCache::new();
        let mut seen = Vec::new();
        let u = domain(&mut cache, &dom, &mut seen);
        assert_eq!(
            u,
            Usage {
                messages: 4,
                bytes: 162
            }
        );
        assert_eq!(cache.reads, 4);

        cache.start_round();
        let mut seen = Vec::new();
        assert_eq!(domain(&mut cache, &dom, &mut seen), u);
        assert_eq!(cache.reads, 0, "nothing changed, nothing read");

        // A delivery to bob: only bob's INBOX is read again, and it is not cached while its
        // mtime is fresh.
        put(&b, "new", "6.M1P1.h,S=3", b"x");
        for round in 0..2 {
            cache.start_round();
            let mut seen = Vec::new();
            let u2 = domain(&mut cache, &dom, &mut seen);
            assert_eq!(u2.messages, 5);
            assert_eq!(u2.bytes, 165);
            assert_eq!(cache.reads, 1, "round {round}");
            cache.sweep(&seen);
        }
        std::fs::remove_dir_all(&b).unwrap();
        cache.start_round();
        let mut seen = Vec::new();
        assert_eq!(domain(&mut cache, &dom, &mut seen).messages, 3);
        cache.sweep(&seen);
        assert_eq!(cache.folders.len(), 2, "bob's folders are forgotten");
    }

    /// The cost of one refresh of 100 accounts with 1,000 messages each, cold and warm.
    /// Run by hand: `cargo test --lib maildir::usage -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn refresh_cost_of_100_accounts_of_1000_messages() {
        let tmp = tempfile::tempdir().unwrap();
        let dom = tmp.path().join("example.test");
        for a in 0..100 {
            let root = dom.join(format!("user{a}"));
            maildir(&root);
            for m in 0..1000 {
                let sub = if m % 2 == 0 { "cur" } else { "new" };
                let name = format!(
                    "{m}.M{a}P1.h,S=4096{}",
                    if m % 2 == 0 { ":2,S" } else { "" }
                );
                std::fs::File::create(root.join(sub).join(name)).unwrap();
            }
            age(&root);
            age(&root.join(".Sent"));
        }
        let mut cache = UsageCache::new();
        for round in ["cold", "warm", "warm"] {
            cache.start_round();
            let t = std::time::Instant::now();
            let mut seen = Vec::new();
            let u = domain(&mut cache, &dom, &mut seen);
            cache.sweep(&seen);
            eprintln!(
                "{round}: {} messages, {} bytes, {} folders read, {:?}",
                u.messages,
                u.bytes,
                cache.reads,
                t.elapsed()
            );
            assert_eq!(u.messages, 100_000);
        }
    }
}
