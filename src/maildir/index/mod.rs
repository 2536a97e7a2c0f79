//! The per-account index: a small SQLite database in the Maildir root
//! (`mailctl.index.db`) that gives each message of each folder a stable IMAP UID, with
//! UIDVALIDITY, UIDNEXT and a MODSEQ counter per folder. The Maildir stays the truth: a sync
//! reads the directories and brings the index in line (new files get the next UIDs, vanished
//! ones are dropped, flag changes bump MODSEQ), and `reindex` rebuilds it keeping every UID
//! whose file still exists. Deleting the index loses only UID stability (a new UIDVALIDITY).
//!
//! This module is the only owner of the index's tables: everything else (the IMAP backend,
//! POP3, the CLI) calls the typed functions here, grouped by what they do:
//! - `schema.rs`: the tables and their migrations;
//! - `scan.rs`: bringing a folder's rows in line with its directories (sync, reindex, drift);
//! - `uids.rs`: handing out UIDs (placing new files), expunging, reading a folder's rows;
//! - `flags.rs`: flag and keyword changes (STORE), a folder's keywords;
//! - `mailboxes.rs`: folder rows (create, delete, rename), subscriptions, STATUS counts;
//! - `metadata.rs`: RFC 5464 entries per folder and for the server, with their limits;
//! - `adopt.rs`: messages migrated in with their source's UIDVALIDITY and UIDs.
//!
//! Where a change must touch the files and the rows in one locked step (placing, renaming,
//! expunging, deleting a folder), the function takes a closure that does the file work
//! inside the `BEGIN IMMEDIATE` transaction, so no caller ever holds a transaction. Not here:
//! IMAP semantics (which flags, \Recent, ghosts: `crate::imap::backend`), Maildir file names
//! (`super::name`).

mod adopt;
mod flags;
mod mailboxes;
mod metadata;
mod scan;
mod schema;
#[cfg(test)]
mod tests;
mod uids;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

pub use adopt::Adopted;
pub use flags::CurrentFlags;
pub use mailboxes::FolderCounts;
pub use metadata::{MetadataLimits, MetadataRefused};
pub use uids::{MessageRow, NewMessage, Snapshot};

pub const FILE: &str = "mailctl.index.db";

/// What can go wrong with the index: the database, or reading the Maildir around it.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error(transparent)]
    Db(#[from] rusqlite::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = IndexError> = std::result::Result<T, E>;

#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct SyncReport {
    pub folder: String,
    pub uidvalidity: u32,
    pub added: u64,
    pub removed: u64,
    pub changed: u64,
    pub messages: u64,
}

/// A folder's row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FolderRow {
    pub uidvalidity: u32,
    pub uidnext: u32,
    pub highestmodseq: u64,
    /// UIDs from here up are \Recent for the next read-write session (RFC 3501 §2.3.2).
    pub first_recent_uid: u32,
    new_mtime: i64,
    cur_mtime: i64,
}

/// What [`Index::scan`] did.
#[derive(Debug, Default)]
pub struct ScanOutcome {
    pub report: SyncReport,
    /// Unique names this scan moved from new/ to cur/: \Recent for the caller only.
    pub moved: Vec<String>,
    /// UIDs that are \Recent for the caller: claimed by a read-write scan (nobody else gets
    /// them), merely seen by a read-only one (still \Recent for the next read-write session).
    pub recent: std::ops::Range<u32>,
    /// The directories had not changed since the last scan and were not read.
    pub skipped: bool,
}

pub struct Index {
    conn: Connection,
    root: PathBuf,
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(1)
}

fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(1)
}

/// A directory's mtime in ns, 0 when it cannot be read.
fn mtime_ns(dir: &Path) -> i64 {
    std::fs::metadata(dir)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0)
}

/// A file's mtime in seconds: the internal date of a message first seen on disk.
pub fn file_time(md: &std::fs::Metadata) -> i64 {
    md.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The folder's row, created (with a fresh UIDVALIDITY) if it has none. Call inside the
/// transaction that uses the values, so two writers never hand out the same UID.
pub(super) fn folder_row(tx: &Connection, name: &str) -> rusqlite::Result<FolderRow> {
    if let Some(r) = tx
        .prepare_cached(
            "SELECT uidvalidity, uidnext, highestmodseq, new_mtime, cur_mtime, first_recent_uid \
             FROM folders WHERE name = ?1",
        )?
        .query_row([name], |r| {
            Ok(FolderRow {
                uidvalidity: r.get(0)?,
                uidnext: r.get(1)?,
                highestmodseq: r.get::<_, i64>(2)? as u64,
                new_mtime: r.get(3)?,
                cur_mtime: r.get(4)?,
                first_recent_uid: r.get(5)?,
            })
        })
        .optional()?
    {
        return Ok(r);
    }
    let validity = new_uidvalidity(tx)?;
    tx.execute(
        &format!(
            "INSERT INTO folders (name, uidvalidity, uidnext, highestmodseq, mailbox_id) \
             VALUES (?1, ?2, 1, 1, {})",
            schema::NEW_MAILBOX_ID
        ),
        params![name, validity],
    )?;
    Ok(FolderRow {
        uidvalidity: validity,
        uidnext: 1,
        highestmodseq: 1,
        first_recent_uid: 0,
        new_mtime: 0,
        cur_mtime: 0,
    })
}

/// A UIDVALIDITY different from any earlier incarnation of any folder, deleted ones too:
/// the clock, kept above every value handed out before (remembered in `meta`).
pub(super) fn new_uidvalidity(tx: &Connection) -> rusqlite::Result<u32> {
    let max: Option<i64> =
        tx.query_row("SELECT max(uidvalidity) FROM folders", [], |r| r.get(0))?;
    let last: Option<i64> = tx
        .query_row(
            "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'last_uidvalidity'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let floor = max.unwrap_or(0).max(last.unwrap_or(0)) + 1;
    let v = now().max(floor).min(u32::MAX as i64);
    tx.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('last_uidvalidity', ?1)",
        [v.to_string()],
    )?;
    Ok(v as u32)
}

impl Index {
    /// RFC 8474 MAILBOXID of a folder (its row is created if missing).
    pub fn mailbox_id(&self, name: &str) -> Result<String> {
        let tx = self.conn.unchecked_transaction()?;
        folder_row(&tx, name)?;
        let id: Option<String> = tx.query_row(
            "SELECT mailbox_id FROM folders WHERE name = ?1",
            [name],
            |r| r.get(0),
        )?;
        let id = match id {
            Some(id) => id,
            None => tx.query_row(
                &format!(
                    "UPDATE folders SET mailbox_id = {} WHERE name = ?1 RETURNING mailbox_id",
                    schema::NEW_MAILBOX_ID
                ),
                [name],
                |r| r.get(0),
            )?,
        };
        tx.commit()?;
        Ok(id)
    }

    pub fn path(root: &Path) -> PathBuf {
        root.join(FILE)
    }

    /// Opens (creating or migrating if needed) the index of the Maildir at `root`.
    pub fn open(root: &Path) -> Result<Index> {
        // NOFOLLOW: an index planted as a link to another file is refused, not written to.
        let mut conn = Connection::open_with_flags(
            Self::path(root),
            rusqlite::OpenFlags::default() | rusqlite::OpenFlags::SQLITE_OPEN_NOFOLLOW,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        schema::migrate(&mut conn)?;
        Ok(Index {
            conn,
            root: root.to_path_buf(),
        })
    }
}
