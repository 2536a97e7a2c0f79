//! Backups of a data directory, taken while the daemon runs, and restoring them onto a fresh
//! one (issue 22.1).
//!
//! A backup is a directory (or the same directory packed as `.tar.zst`) holding
//! `manifest.json` and `data/`, a mirror of the data directory:
//! - the core database and every mailbox index as consistent SQLite snapshots, taken with
//!   `VACUUM INTO` (one read transaction each: a writer in another process, the daemon, never
//!   makes it start over, as the stepwise online-backup API would; and no extra rusqlite
//!   feature is needed);
//! - Maildir message files, hard-linked when the backup is on the data directory's file
//!   system, else copied. Delivery writes into `tmp/` and renames into `new/`, so a file in
//!   `new/` or `cur/` is always complete; `tmp/` is never copied. The indexes are snapshotted
//!   *before* the files are walked, so a message delivered meanwhile is in the backup without
//!   an index row (restore's first scan gives it the next UID) and a message expunged
//!   meanwhile is an index row without a file (the scan drops it): UIDs of every message in
//!   both stay what they were;
//! - the queue's spool files of the rows in the core snapshot, copied right after it and
//!   before any Maildir is walked: a row whose spool file is gone by then was finished
//!   meanwhile, so its message is already in the Maildirs (walked later) or bounced, and the
//!   row is dropped from the snapshot; a restored queue never holds a row without its file.
//!   The one corner: a message delivered locally between its spool file's copy and the walk
//!   of its Maildir is in both, and is delivered a second time after a restore (a duplicate,
//!   never a loss);
//! - everything else in the data directory (certificates, DKIM keys, Sieve files, removed
//!   mailboxes), and files outside it that settings name (`tls.cert`, `tls.key`,
//!   `sieve.before`, `sieve.after`) under `external/`.
//!
//! Every file is listed in the manifest with its size, SHA-256 and mode. An incremental backup
//! (`--incremental-from PREV`) copies only message files whose unique name is not in PREV and
//! lists the others as `base` entries that point into PREV (Maildir names are unique and a
//! message file never changes, only its flags in the name).
//!
//! Not here: printing and progress bars (`cli::backup`, `cli::restore`), the daemon's
//! liveness (`core::runtime`), pre-upgrade snapshots (`core::upgrade`).

mod archive;
mod check;
mod restore;
pub mod sqlite;
mod take;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use archive::Opened;
pub use check::{Chain, Problem, verify};
pub use restore::{RestoreOptions, RestoreReport, restore};
pub use take::{BackupOptions, BackupStats, backup};

use super::{CoreError, Result};

/// Version of the backup layout (`manifest.json`'s `format`).
pub const FORMAT: u32 = 1;
pub const MANIFEST: &str = "manifest.json";
/// The directory of a backup holding the data directory's mirror.
pub const DATA: &str = "data";
/// The directory of a backup holding files that settings name outside the data directory.
pub const EXTERNAL: &str = "external";

/// What a file in a backup is.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The core database snapshot.
    Core,
    /// A mailbox index snapshot.
    Index,
    /// A Maildir message file.
    Message,
    /// A queue spool file.
    Spool,
    /// Anything else of the data directory: keys, certificates, Sieve files, folder lists.
    File,
    /// A file a setting names outside the data directory; restored to `origin`.
    External,
}

/// One file of a backup.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    /// Relative to the backup root (`data/...` or `external/...`), `/`-separated.
    pub path: String,
    pub kind: Kind,
    pub size: u64,
    pub sha256: String,
    pub mode: u32,
    /// For `base` entries of an incremental backup: the path of the same message in the
    /// base backup, whose manifest is consulted in turn (bases may chain).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// For external files: where they were (and are restored to).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
}

/// A directory of the data directory's mirror, relative to `data/`, with its permission
/// bits (Maildirs and keys are owner-only).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Dir {
    pub path: String,
    pub mode: u32,
}

/// `manifest.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub mailctl_version: String,
    /// `PRAGMA user_version` of the core snapshot.
    pub schema_version: i64,
    /// RFC 3339, UTC: when the core snapshot was taken.
    pub created: String,
    /// The data directory it was taken from.
    pub source: String,
    /// The backup this one is incremental to (absolute path), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// Queue rows dropped from the core snapshot because their message was finished before
    /// its spool file could be copied.
    #[serde(default)]
    pub finished_during_backup: Vec<String>,
    /// Every directory of the data directory's mirror (relative to `data/`), so empty
    /// folders and Maildir `tmp/` directories come back too.
    #[serde(default)]
    pub dirs: Vec<Dir>,
    pub files: Vec<Entry>,
}

impl Manifest {
    pub fn read(root: &Path) -> Result<Manifest> {
        let path = root.join(MANIFEST);
        let bytes = std::fs::read(&path).map_err(|e| CoreError::io(&path, e))?;
        let m: Manifest = serde_json::from_slice(&bytes).map_err(|e| {
            CoreError::Invalid(format!("{}: not a mailctl manifest: {e}", path.display()))
        })?;
        if m.format != FORMAT {
            return Err(CoreError::Invalid(format!(
                "{}: backup format {} is not the one this mailctl reads ({FORMAT})",
                path.display(),
                m.format
            )));
        }
        Ok(m)
    }

    /// Totals for reports: (files, bytes) stored in this backup itself (not in its base).
    pub fn own_totals(&self) -> (u64, u64) {
        self.files
            .iter()
            .filter(|e| e.base.is_none())
            .fold((0, 0), |(n, b), e| (n + 1, b + e.size))
    }
}

/// What the long steps report as they go, for a progress bar (the CLI draws it).
pub trait Progress {
    /// The number of files the step will handle, once known.
    fn total(&self, _files: u64) {}
    /// One more file handled.
    fn file(&self) {}
}

/// No progress shown.
pub struct Quiet;
impl Progress for Quiet {}

/// The unique part of a Maildir file name (before `:2,` flags, or `!` on some systems):
/// what identifies a message across flag changes and backups.
pub fn unique_name(file_name: &str) -> &str {
    file_name
        .split_once(':')
        .or_else(|| file_name.split_once('!'))
        .map_or(file_name, |(u, _)| u)
}

/// The SHA-256 (lowercase hex) and size of a file, read in 64 KiB pieces.
pub fn file_sum(path: &Path) -> std::io::Result<super::spool::Sum> {
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut h = super::spool::Hasher::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finish())
}

/// `rel` (a manifest path) under `root`, refusing anything that could climb out of it: a
/// manifest is input like any other.
pub fn under(root: &Path, rel: &str) -> Result<PathBuf> {
    let p = Path::new(rel);
    let ok = !rel.is_empty()
        && p.components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !ok {
        return Err(CoreError::Invalid(format!(
            "manifest path '{}' leaves the backup",
            rel.escape_debug()
        )));
    }
    Ok(root.join(p))
}

#[cfg(test)]
mod tests;
