//! What adding and removing a user (`user add`/`remove`, the web administration) does with
//! its Maildir: a removed user's mail is set aside under `removed/` (dated) unless the
//! administrator chose otherwise, and an add that finds a Maildir already there says so
//! instead of silently handing the old mail to the new owner. Not here: the user rows
//! (core::users).

use std::path::{Path, PathBuf};

use crate::core::Address;
use crate::core::paths::DataDir;

/// Message files and bytes in a Maildir and its folders (cur/ and new/ only).
pub fn content(maildir: &Path) -> (u64, u64) {
    let Ok(folders) = crate::maildir::folder::folders(maildir) else {
        return (0, 0);
    };
    folders.iter().fold((0, 0), |(n, b), f| {
        let s = crate::maildir::folder::stats(&f.path);
        (n + s.new + s.cur, b + s.bytes)
    })
}

/// Whether a Maildir (or anything) is at `maildir`; a link counts, so it is never reused
/// unnoticed.
pub fn exists(maildir: &Path) -> bool {
    std::fs::symlink_metadata(maildir).is_ok()
}

/// Moves the Maildir of `addr` to `removed/<UTC time>-<address>/`; returns where.
pub fn set_aside(data_dir: &DataDir, addr: &Address) -> std::io::Result<PathBuf> {
    let from = data_dir.maildir(addr);
    let removed = data_dir.removed();
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&removed)?;
    }
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let base = format!("{stamp}-{}", addr.to_string().replace('/', "%2F"));
    let mut to = removed.join(&base);
    let mut n = 1;
    while exists(&to) {
        n += 1;
        to = removed.join(format!("{base}.{n}"));
    }
    std::fs::rename(&from, &to)?;
    Ok(to)
}

/// Forgets the mailbox index of `addr` where it does not live in the Maildir (PostgreSQL),
/// for a removal whose Maildir goes away (set aside or purged): a new user of the address
/// then starts empty there too. Nothing to do on SQLite, where the index is in the Maildir.
pub fn forget_index(data_dir: &DataDir, addr: &Address) -> crate::core::Result<()> {
    let indexes = crate::maildir::index::Indexes::of(data_dir).map_err(index_error)?;
    indexes
        .forget(&addr.to_string(), &data_dir.maildir(addr))
        .map_err(index_error)
}

fn index_error(e: crate::maildir::index::IndexError) -> crate::core::CoreError {
    match e {
        crate::maildir::index::IndexError::Core(e) => e,
        e => crate::core::CoreError::Invalid(format!("mailbox index: {e}")),
    }
}
