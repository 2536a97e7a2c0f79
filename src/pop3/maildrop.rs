//! The storage a POP3 session talks to ([`Maildrop`]) and its implementation over a user's
//! Maildir INBOX ([`MaildirDrop`]).
//!
//! The message list is a snapshot taken at login, as RFC 1939 requires (numbers never change
//! during a session). IMAP sessions keep working on the same Maildir meanwhile: they may rename
//! a file (flags) or expunge it, so every access looks the message up again by its Maildir
//! unique name, and a message that vanished is an error for that message only.
//!
//! UIDL = the Maildir unique name (the file name before `:2,`). It never changes for the life
//! of the file (flag changes only touch the suffix), so it is stable across sessions, and it is
//! the same key the IMAP index maps to its UIDs, so both protocols agree on what is "the same
//! message" without POP3 depending on the index's UIDVALIDITY (which a rebuild may change,
//! and a changed UIDL makes every POP3 client download everything again). Names that are not
//! valid UIDLs (RFC 1939: 1–70 printable characters) are replaced by a hash of the name.
//!
//! The lock is `flock(2)` on `<maildir>/pop3.lock`: it is held per open file, so it excludes a
//! second POP3 session in this process or another, is released when a session ends however it
//! ends (drop, crash), and IMAP never takes it.

use std::fs::{self, File};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use super::Pop3Error;
use super::wire;

/// One message of the snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageInfo {
    /// Octets as sent by RETR (CRLF line ends, before byte-stuffing).
    pub size: u64,
    pub uidl: String,
}

/// Storage as the session sees it. Indexes are 0-based positions in [`Maildrop::messages`].
pub trait Maildrop: Send {
    fn messages(&self) -> &[MessageInfo];
    /// The stored bytes (line ends as on disk; [`wire`] normalises them).
    fn read(&mut self, index: usize) -> Result<Vec<u8>, Pop3Error>;
    /// Sets `\Seen`, as Dovecot does on RETR.
    fn mark_seen(&mut self, index: usize) -> Result<(), Pop3Error>;
    /// Removes these messages (UPDATE state). Messages already gone are not an error.
    fn delete(&mut self, indexes: &[usize]) -> Result<(), Pop3Error>;
}

struct Entry {
    unique: String,
    info: MessageInfo,
    /// Where the file was last seen: tried first, so a RETR costs no directory listing
    /// unless another session renamed or moved the file meanwhile.
    path: PathBuf,
}

/// A user's Maildir INBOX, locked for this session.
pub struct MaildirDrop {
    dir: PathBuf,
    entries: Vec<Entry>,
    infos: Vec<MessageInfo>,
    /// How often a moved file had to be looked for by listing the directories.
    listings: u64,
    _lock: File,
}

fn io(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> Pop3Error {
    let path = path.to_path_buf();
    move |source| Pop3Error::Io { what, path, source }
}

/// The unique part of a Maildir file name (before the `:2,` info suffix).
fn unique_of(name: &str) -> &str {
    name.split_once(':').map_or(name, |(u, _)| u)
}

fn uidl_of(unique: &str) -> String {
    let valid =
        (1..=70).contains(&unique.len()) && unique.bytes().all(|b| (0x21..=0x7e).contains(&b));
    if valid {
        return unique.to_string();
    }
    // FNV-1a, 128 bits: stable across runs and platforms, which std's hasher is not.
    let mut h: u128 = 0x6c62272e07bb014262b821756295c58d;
    for b in unique.bytes() {
        h ^= u128::from(b);
        h = h.wrapping_mul(0x0000000001000000000000000000013B);
    }
    format!("h{h:032x}")
}

/// Delivery order: Maildir names start with the delivery time in seconds.
fn sort_key(unique: &str) -> (u64, &str) {
    let secs = unique
        .split('.')
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(u64::MAX);
    (secs, unique)
}

impl MaildirDrop {
    /// Locks and snapshots the INBOX at `dir` (created if the user never received mail).
    pub fn open(dir: &Path) -> Result<MaildirDrop, Pop3Error> {
        for sub in ["cur", "new", "tmp"] {
            let p = dir.join(sub);
            fs::create_dir_all(&p).map_err(io("cannot create", &p))?;
        }
        let lock_path = dir.join("pop3.lock");
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&lock_path)
            .map_err(io("cannot open", &lock_path))?;
        if !crate::sys::try_lock_exclusive(&lock) {
            return Err(Pop3Error::InUse);
        }
        let mut entries = Vec::new();
        for sub in ["new", "cur"] {
            let p = dir.join(sub);
            // A cur/ or new/ that is a link is not read (maildir::safe).
            if !crate::maildir::safe::is_real_dir(&p) {
                return Err(Pop3Error::Io {
                    what: "refusing",
                    source: crate::maildir::safe::refused(&p, "a symbolic link or not a directory"),
                    path: p,
                });
            }
            for dent in fs::read_dir(&p).map_err(io("cannot list", &p))? {
                let Ok(dent) = dent else { continue };
                let Ok(name) = dent.file_name().into_string() else {
                    continue;
                };
                if name.starts_with('.') || !dent.file_type().is_ok_and(|t| t.is_file()) {
                    continue;
                }
                // Read once to count the octets actually sent; a file that vanished between
                // the listing and here is simply not part of the snapshot.
                let Ok(raw) = crate::maildir::safe::read_message(&dent.path()) else {
                    continue;
                };
                let unique = unique_of(&name).to_string();
                let info = MessageInfo {
                    size: wire::wire_size(&raw),
                    uidl: uidl_of(&unique),
                };
                entries.push(Entry {
                    unique,
                    info,
                    path: dent.path(),
                });
            }
        }
        entries.sort_by(|a, b| {
            let (sa, sb) = (sort_key(&a.unique), sort_key(&b.unique));
            sa.0.cmp(&sb.0)
                .then_with(|| crate::maildir::name::natural_cmp(sa.1, sb.1))
        });
        entries.dedup_by(|a, b| a.unique == b.unique);
        let infos = entries.iter().map(|e| e.info.clone()).collect();
        Ok(MaildirDrop {
            dir: dir.to_path_buf(),
            entries,
            infos,
            listings: 0,
            _lock: lock,
        })
    }

    /// Where the message is now: where it was last seen, else (IMAP renamed it for a flag,
    /// or moved it new/ → cur/) found by listing the directories, and remembered.
    fn locate(&mut self, index: usize) -> Result<(PathBuf, String), Pop3Error> {
        let e = self.entries.get_mut(index).ok_or(Pop3Error::Vanished)?;
        if fs::symlink_metadata(&e.path).is_ok_and(|m| m.is_file())
            && let Some(name) = e.path.file_name().and_then(|n| n.to_str())
        {
            return Ok((e.path.clone(), name.to_string()));
        }
        self.listings += 1;
        for sub in ["cur", "new"] {
            let p = self.dir.join(sub);
            let Ok(rd) = fs::read_dir(&p) else { continue };
            for dent in rd.flatten() {
                let Ok(name) = dent.file_name().into_string() else {
                    continue;
                };
                if unique_of(&name) == e.unique {
                    e.path = dent.path();
                    return Ok((dent.path(), name));
                }
            }
        }
        Err(Pop3Error::Vanished)
    }

    /// Reads the message's file, looking for it again if it moved since last seen.
    fn read_file(&mut self, index: usize) -> Result<Vec<u8>, Pop3Error> {
        let last = &self.entries.get(index).ok_or(Pop3Error::Vanished)?.path;
        match crate::maildir::safe::read_message(last) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            r => {
                return r.map_err(|e| Pop3Error::Io {
                    what: "cannot read",
                    path: last.clone(),
                    source: e,
                });
            }
        }
        let (path, _) = self.locate(index)?;
        crate::maildir::safe::read_message(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Pop3Error::Vanished,
            _ => Pop3Error::Io {
                what: "cannot read",
                path,
                source: e,
            },
        })
    }
}

impl Maildrop for MaildirDrop {
    fn messages(&self) -> &[MessageInfo] {
        &self.infos
    }

    fn read(&mut self, index: usize) -> Result<Vec<u8>, Pop3Error> {
        self.read_file(index)
    }

    fn mark_seen(&mut self, index: usize) -> Result<(), Pop3Error> {
        let (path, name) = self.locate(index)?;
        let (unique, flags) = match name.split_once(":2,") {
            Some((u, f)) => (u.to_string(), f.to_string()),
            None => (unique_of(&name).to_string(), String::new()),
        };
        if flags.contains('S') && path.parent().is_some_and(|p| p.ends_with("cur")) {
            return Ok(());
        }
        let mut chars: Vec<char> = flags.chars().chain(['S']).collect();
        chars.sort_unstable();
        chars.dedup();
        let flags: String = chars.into_iter().collect();
        let target = self.dir.join("cur").join(format!("{unique}:2,{flags}"));
        fs::rename(&path, &target).map_err(io("cannot rename", &path))?;
        if let Some(e) = self.entries.get_mut(index) {
            e.path = target;
        }
        Ok(())
    }

    fn delete(&mut self, indexes: &[usize]) -> Result<(), Pop3Error> {
        let mut first_error = None;
        for &i in indexes {
            match self.locate(i) {
                Ok((path, _)) => match fs::remove_file(&path) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => {
                        first_error.get_or_insert(Pop3Error::Io {
                            what: "cannot delete",
                            path,
                            source: e,
                        });
                    }
                },
                Err(Pop3Error::Vanished) => {}
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deliver(dir: &Path, sub: &str, name: &str, body: &[u8]) {
        fs::create_dir_all(dir.join(sub)).unwrap();
        fs::write(dir.join(sub).join(name), body).unwrap();
    }

    #[test]
    fn snapshot_sizes_uidls_order_and_lock() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("box");
        deliver(&dir, "new", "200.M2.host", b"A: 2\n\nsecond\n");
        deliver(&dir, "cur", "100.M1.host:2,F", b"A: 1\r\n\r\nfirst\r\n");
        let drop = MaildirDrop::open(&dir).unwrap();
        let m = drop.messages();
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].uidl, "100.M1.host");
        assert_eq!(m[0].size, 6 + 2 + 7);
        assert_eq!(m[1].uidl, "200.M2.host");
        assert_eq!(m[1].size, 6 + 2 + 8);
        assert!(matches!(MaildirDrop::open(&dir), Err(Pop3Error::InUse)));
        drop_it(drop);
        assert!(
            MaildirDrop::open(&dir).is_ok(),
            "lock released when the session ends"
        );
    }

    /// Same second, microseconds 95000 then 123456: arrival order, not text order.
    #[test]
    fn one_second_keeps_arrival_order() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("box");
        deliver(&dir, "new", "300.M123456P1.host", b"A: 2\n\nsecond\n");
        deliver(&dir, "new", "300.M95000P1.host", b"A: 1\n\nfirst\n");
        let drop = MaildirDrop::open(&dir).unwrap();
        let uidls: Vec<_> = drop.messages().iter().map(|m| m.uidl.clone()).collect();
        assert_eq!(uidls, ["300.M95000P1.host", "300.M123456P1.host"]);
    }

    fn drop_it(d: MaildirDrop) {
        std::mem::drop(d);
    }

    #[test]
    fn survives_imap_renames_and_expunges() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("box");
        deliver(&dir, "new", "1.a.h", b"one\n");
        deliver(&dir, "new", "2.b.h", b"two\n");
        deliver(&dir, "new", "3.c.h", b"three\n");
        let mut d = MaildirDrop::open(&dir).unwrap();
        // IMAP moves message 1 to cur with a flag, and expunges message 2.
        fs::rename(dir.join("new/1.a.h"), dir.join("cur/1.a.h:2,F")).unwrap();
        fs::remove_file(dir.join("new/2.b.h")).unwrap();
        assert_eq!(d.read(0).unwrap(), b"one\n");
        assert!(matches!(d.read(1), Err(Pop3Error::Vanished)));
        assert_eq!(d.read(2).unwrap(), b"three\n");
        d.mark_seen(0).unwrap();
        assert!(dir.join("cur/1.a.h:2,FS").exists());
        d.mark_seen(2).unwrap();
        assert!(dir.join("cur/3.c.h:2,S").exists());
        d.delete(&[0, 1]).unwrap();
        assert!(!dir.join("cur/1.a.h:2,FS").exists());
        assert!(dir.join("cur/3.c.h:2,S").exists());
    }

    /// RETR and its \Seen rename go to the file where it was last seen; the directories are
    /// listed only for a file another session moved meanwhile.
    #[test]
    fn reads_go_to_the_remembered_file() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("box");
        deliver(&dir, "new", "1.a.h", b"one\n");
        deliver(&dir, "cur", "2.b.h:2,F", b"two\n");
        let mut d = MaildirDrop::open(&dir).unwrap();
        for i in 0..2 {
            d.read(i).unwrap();
            d.mark_seen(i).unwrap();
            d.read(i).unwrap();
        }
        assert_eq!(d.listings, 0);
        assert!(dir.join("cur/1.a.h:2,S").exists() && dir.join("cur/2.b.h:2,FS").exists());
        // IMAP sets a flag: found again once, then remembered.
        fs::rename(dir.join("cur/2.b.h:2,FS"), dir.join("cur/2.b.h:2,FRS")).unwrap();
        assert_eq!(d.read(1).unwrap(), b"two\n");
        assert_eq!(d.read(1).unwrap(), b"two\n");
        d.mark_seen(1).unwrap();
        assert_eq!(d.listings, 1);
        d.delete(&[0, 1]).unwrap();
        assert!(!dir.join("cur/1.a.h:2,S").exists() && !dir.join("cur/2.b.h:2,FRS").exists());
    }

    #[test]
    fn invalid_unique_names_get_a_stable_hashed_uidl() {
        let long = "x".repeat(80);
        let u = uidl_of(&long);
        assert_eq!(u, uidl_of(&long));
        assert!(u.len() <= 70 && u.bytes().all(|b| (0x21..=0x7e).contains(&b)));
        assert_ne!(uidl_of("a b"), "a b");
    }
}
