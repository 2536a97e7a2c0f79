//! Atomic delivery of one message into a Maildir (<https://cr.yp.to/proto/maildir.html>):
//! write `tmp/<unique>`, fsync it, rename into `new/<unique>,S=<size>`, fsync `new/`. A reader
//! never sees a partial file, and after `deliver` returns the message survives power loss.
//!
//! Unique names are `<secs>.M<usecs>P<pid>Q<counter>R<random>.<host>` as Dovecot writes them;
//! `,S=<size>` is the Maildir++ size, which lets quota checks skip a `stat` per file.
//! A delivery may carry Maildir info flags (Sieve's imap4flags), then it lands in `cur/`;
//! one with IMAP keywords is placed through the mailbox index ([`deliver_with_keywords`]),
//! since keywords live in the index rather than in the file name.
//! Not here: folders, the index itself (the rest of `maildir/`).

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use super::safe::Maildir;

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Creates `cur/`, `new/` and `tmp/` if missing (0700: mail is private). Refuses a Maildir
/// whose root or sub-directories are symbolic links or not directories.
pub fn ensure(maildir: &Path) -> io::Result<()> {
    Maildir::open(maildir).map(|_| ())
}

fn hostname() -> String {
    let name = crate::sys::hostname().unwrap_or_default();
    // '/' and ':' would break the name; the spec says to encode them.
    let name = name.replace('/', "\\057").replace(':', "\\072");
    if name.is_empty() {
        "localhost".into()
    } else {
        name
    }
}

pub fn unique_name() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let mut r = [0u8; 4];
    let _ = getrandom::fill(&mut r);
    format!(
        "{}.M{}P{}Q{}R{:08x}.{}",
        now.as_secs(),
        now.subsec_micros(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        u32::from_le_bytes(r),
        hostname()
    )
}

/// fsyncs a directory so a rename or create in it is durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Delivers `head` (extra header lines, e.g. `Return-Path:`) followed by `body` into
/// `maildir/new/`. Returns the final path. Every step goes through directory handles
/// (`safe::Maildir`): a Maildir whose root, `tmp/` or `new/` is a link is refused, never
/// written through.
pub fn deliver(maildir: &Path, head: &[u8], body: &mut dyn Read) -> io::Result<PathBuf> {
    deliver_as(maildir, &unique_name(), head, body)
}

/// A name that is the same every time for one `key` (the queue delivers with its queue id
/// and recipient), so a retried delivery can find, or overwrite, its own earlier copy.
/// `key` must not contain `/`, `:` or `.`.
pub fn stable_name(secs: i64, key: &str) -> String {
    format!("{secs}.{key}.{}", hostname())
}

/// Whether a message delivered under `name` is in `new/` or `cur/` (where a reader moved
/// it, with `:2,<flags>` added).
pub fn has_message(maildir: &Path, name: &str) -> io::Result<bool> {
    for sub in ["new", "cur"] {
        if !super::safe::is_real_dir(&maildir.join(sub)) {
            continue;
        }
        let entries = match fs::read_dir(maildir.join(sub)) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for e in entries {
            let file = e?.file_name();
            if let Some(rest) = file.as_encoded_bytes().strip_prefix(name.as_bytes())
                && matches!(rest.first(), None | Some(b',') | Some(b':'))
            {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// [`deliver`] under a given unique `name` (see [`stable_name`]).
pub fn deliver_as(
    maildir: &Path,
    name: &str,
    head: &[u8],
    body: &mut dyn Read,
) -> io::Result<PathBuf> {
    deliver_flagged(maildir, name, "", head, body)
}

/// [`deliver_as`] with Maildir info flags (`S`, `F`, `R`, `T`, `D`, sorted and without
/// repeats): a message that already has flags is no longer new, so it goes to `cur/` as
/// `<name>,S=<size>:2,<flags>`; with none it goes to `new/` as usual.
pub fn deliver_flagged(
    maildir: &Path,
    name: &str,
    flags: &str,
    head: &[u8],
    body: &mut dyn Read,
) -> io::Result<PathBuf> {
    let md = Maildir::open(maildir)?;
    let result = (|| {
        let size = write_tmp(&md, name, head, body)?;
        let (dir, dest) = if flags.is_empty() {
            (&md.new, format!("{name},S={size}"))
        } else {
            (&md.cur, format!("{name},S={size}:2,{flags}"))
        };
        md.tmp.rename(name, dir, &dest)?;
        dir.sync()?;
        Ok(dir.path().join(dest))
    })();
    if result.is_err() {
        let _ = md.tmp.unlink(name);
    }
    result
}

/// Writes `head` then `body` to `tmp/<name>` and fsyncs it; returns the size.
fn write_tmp(md: &Maildir, name: &str, head: &[u8], body: &mut dyn Read) -> io::Result<u64> {
    // A stable name's tmp/ file can only be this delivery's own, left by an attempt that
    // died before its rename: start it again.
    let _ = md.tmp.unlink(name);
    let mut f = md.tmp.create(name, 0o600)?;
    f.write_all(head)?;
    let copied = io::copy(body, &mut f)?;
    f.sync_all()?;
    Ok(head.len() as u64 + copied)
}

/// [`deliver_flagged`] into folder `folder` of `account`, then announced to every node
/// ([`super::index::Indexes::announce_over`] the caller's connection `over`, which it holds
/// already) so their idling sessions look now. An announcement that fails does not undo the
/// delivery: those sessions see it at their next recheck.
pub fn deliver_announced(
    (indexes, over, account, folder): (&super::index::Indexes, &crate::core::sql::Sql, &str, &str),
    maildir: &Path,
    name: &str,
    flags: &str,
    head: &[u8],
    body: &mut dyn Read,
) -> io::Result<PathBuf> {
    let placed = deliver_flagged(maildir, name, flags, head, body)?;
    if let Err(e) = indexes.announce_over(over, account, folder) {
        tracing::warn!(to = %account, "announcing a delivery to the other nodes: {e}");
    }
    Ok(placed)
}

/// [`deliver_flagged`] with IMAP keywords (space-separated): the file goes to `cur/` and its
/// row, keywords included, into the account's `index` (folder `folder`; opened by the caller
/// through `index::Indexes`, which knows the engine and the account), in the index's one
/// locked step, so no reader ever sees the message without its keywords. A
/// crash between the rename and the commit leaves a file the next scan indexes (without its
/// keywords): the message is never lost.
#[allow(clippy::too_many_arguments)]
pub fn deliver_with_keywords(
    index: &mut super::index::Index,
    folder: &str,
    maildir: &Path,
    name: &str,
    flags: &str,
    keywords: &str,
    head: &[u8],
    body: &mut dyn Read,
) -> io::Result<PathBuf> {
    use super::index::{IndexError, NewMessage};
    let md = Maildir::open(maildir)?;
    let result = (|| {
        let size = write_tmp(&md, name, head, body)?;
        let unique = format!("{name},S={size}");
        let dest = format!("{unique}:2,{flags}");
        let row = NewMessage {
            unique,
            letters: flags.to_string(),
            keywords: keywords.to_string(),
            size,
            internal_date: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64),
            email_id: None,
        };
        let to_io = |e: IndexError| match e {
            IndexError::Io(e) => e,
            e => io::Error::other(e.to_string()),
        };
        index
            .place::<IndexError>(folder, &[&row], |_| {
                Ok(md.tmp.rename(name, &md.cur, &dest)?)
            })
            .map_err(to_io)?;
        md.cur.sync()?;
        Ok(md.cur.path().join(dest))
    })();
    if result.is_err() {
        let _ = md.tmp.unlink(name);
    }
    result
}

/// Bytes used by the messages in a Maildir and its Maildir++ folders, from `,S=` where the
/// name has it, else from `stat`. For quota checks.
pub fn usage(maildir: &Path) -> io::Result<u64> {
    let mut total = 0;
    let mut dirs = vec![maildir.to_path_buf()];
    if let Ok(entries) = fs::read_dir(maildir) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with('.')
                && e.file_type().is_ok_and(|t| t.is_dir())
            {
                dirs.push(e.path());
            }
        }
    }
    for d in dirs {
        for sub in ["new", "cur"] {
            if !super::safe::is_real_dir(&d.join(sub)) {
                continue;
            }
            let Ok(entries) = fs::read_dir(d.join(sub)) else {
                continue;
            };
            for e in entries.flatten() {
                let name = e.file_name();
                let name = name.to_string_lossy();
                let from_name = name
                    .split(',')
                    .find_map(|p| p.strip_prefix("S="))
                    .and_then(|s| s.split(':').next())
                    .and_then(|s| s.parse::<u64>().ok());
                total += match from_name {
                    Some(n) => n,
                    None => e.metadata().map(|m| m.len()).unwrap_or(0),
                };
            }
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivers_atomically_with_size_in_name() {
        let dir = tempfile::tempdir().unwrap();
        let md = dir.path().join("u");
        let p = deliver(
            &md,
            b"Return-Path: <a@b.test>\r\n",
            &mut &b"Subject: x\r\n\r\nhi\r\n"[..],
        )
        .unwrap();
        let data = fs::read(&p).unwrap();
        assert_eq!(data, b"Return-Path: <a@b.test>\r\nSubject: x\r\n\r\nhi\r\n");
        assert!(p.to_string_lossy().ends_with(&format!(",S={}", data.len())));
        assert_eq!(fs::read_dir(md.join("tmp")).unwrap().count(), 0);
        let q = deliver(&md, b"", &mut &b"x"[..]).unwrap();
        assert_ne!(p, q);
        assert_eq!(usage(&md).unwrap(), data.len() as u64 + 1);
    }

    #[test]
    fn a_stable_name_is_found_in_new_and_cur() {
        let dir = tempfile::tempdir().unwrap();
        let md = dir.path().join("u");
        let name = stable_name(1, "QABC_0123");
        assert!(!has_message(&md, &name).unwrap());
        let p = deliver_as(&md, &name, b"", &mut &b"x"[..]).unwrap();
        assert!(has_message(&md, &name).unwrap());
        assert!(!has_message(&md, &stable_name(1, "QABC_012")).unwrap());
        let seen = md
            .join("cur")
            .join(format!("{}:2,S", p.file_name().unwrap().to_string_lossy()));
        fs::rename(&p, seen).unwrap();
        assert!(has_message(&md, &name).unwrap());
    }
}
