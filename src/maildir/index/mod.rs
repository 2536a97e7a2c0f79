//! The per-account index that gives each message of each folder a stable IMAP UID, with
//! UIDVALIDITY, UIDNEXT and a MODSEQ counter per folder. The Maildir stays the truth for
//! bodies and flags (in file names): a sync reads the directories and brings the index in
//! line (new files get the next UIDs, vanished ones are dropped, flag changes bump MODSEQ),
//! and `reindex` rebuilds it keeping every UID whose file still exists. Deleting the index
//! loses only UID stability (a new UIDVALIDITY).
//!
//! Two engines, one text of every statement (`crate::core::sql`, issue 21):
//! - SQLite (one machine, the default, [`Index::open`]): a small database in the Maildir
//!   root (`mailctl.index.db`); the file is the account, so rows carry no account key.
//! - PostgreSQL (several nodes on one shared Maildir tree, [`Index::open_postgres`]): one
//!   table set for every account in the core's database, keyed by an account name the
//!   caller chooses (the user's address), created by the core's migrations
//!   (`schema::POSTGRES_TABLES`). The connection names its account once (`mailctl.account`)
//!   and sees only that account's rows, through views named like the SQLite tables; so the
//!   statements below never mention the account, and nothing of the index touches the
//!   shared filesystem. Upserts cannot go through those views and name the tables instead.
//!
//! Writers serialise per folder: SQLite's IMMEDIATE transaction locks the file, PostgreSQL's
//! writers lock the folder's row first ([`folder_row`] with `lock`), so UIDs and MODSEQs are
//! handed out once and in order whatever the number of nodes. On PostgreSQL every change of
//! a folder is announced by a trigger and heard by [`notify::Listener`] on every node.
//!
//! This module is the only owner of the index's tables: everything else (the IMAP backend,
//! POP3, the CLI) calls the typed functions here, grouped by what they do:
//! - `schema.rs`: the tables and their migrations (SQLite), the PostgreSQL table set;
//! - `scan.rs`: bringing a folder's rows in line with its directories (sync, reindex, drift);
//! - `look.rs`: an IMAP refresh's one-statement look, with the changes since its view;
//! - `uids.rs`: handing out UIDs (placing new files), expunging, reading a folder's rows;
//! - `flags.rs`: flag and keyword changes (STORE), a folder's keywords;
//! - `mailboxes.rs`: folder rows (create, delete, rename), subscriptions, STATUS counts;
//! - `metadata.rs`: RFC 5464 entries per folder and for the server, with their limits;
//! - `adopt.rs`: messages migrated in with their source's UIDVALIDITY and UIDs;
//! - `copy.rs`: an account's SQLite index copied into PostgreSQL as it is (`db migrate`);
//! - `notify.rs`: the cross-node wakeups (PostgreSQL LISTEN).
//!
//! Where a change must touch the files and the rows in one locked step (placing, renaming,
//! expunging, deleting a folder), the function takes a closure that does the file work
//! inside the write transaction, so no caller ever holds a transaction. Not here: IMAP
//! semantics (which flags, \Recent, ghosts: `crate::imap::backend`), Maildir file names
//! (`super::name`), the IMAP wakeups themselves (`crate::imap::watch`).

mod adopt;
mod copy;
mod engine;
mod flags;
mod look;
mod mailboxes;
mod metadata;
pub mod notify;
mod scan;
mod schema;
#[cfg(test)]
mod tests;
mod uids;
mod writes;

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::core::CoreError;
use crate::core::sql::{Row, Sql, args};
use serde::Serialize;

pub use adopt::Adopted;
pub use copy::{Copied, SET_ASIDE, copy_to, set_aside};
pub use engine::{Indexes, POOL_MAX};
pub use flags::CurrentFlags;
pub use mailboxes::FolderCounts;
pub use metadata::{MetadataLimits, MetadataRefused};
pub use schema::POSTGRES_TABLES;
pub use uids::{MessageRow, NewMessage, Snapshot};

pub const FILE: &str = "mailctl.index.db";

/// What can go wrong with the index: the database, or reading the Maildir around it.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error(transparent)]
    Db(#[from] rusqlite::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// Statements written through the engine seam (`crate::core::sql`), either engine.
    #[error(transparent)]
    Core(#[from] CoreError),
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
    /// The folder's UIDNEXT and HIGHESTMODSEQ as the scan found or left them, read with its
    /// decision: a view that has seen this HIGHESTMODSEQ and UIDNEXT has nothing to fetch.
    pub uidnext: u32,
    pub highestmodseq: u64,
    /// With a view ([`Index::scan_known`]), when the look found the files in line: the
    /// folder's rows written and the UIDs expunged above the view's HIGHESTMODSEQ, read in
    /// the look's one statement (what [`Index::snapshot`] would read next).
    pub since: Option<Snapshot>,
}

/// What a caller already holds of a folder's rows: a session's view, with the UIDNEXT and
/// HIGHESTMODSEQ of the index state it shows. Patched with the changes above that
/// HIGHESTMODSEQ, they are the index's rows, so a refresh compares the files with them
/// instead of reading every row again ([`Index::scan_known`]).
pub struct KnownRows<'a> {
    pub uidnext: u32,
    pub highestmodseq: u64,
    /// (UID, unique name, info letters) of each message in the view, expunged ones left
    /// out.
    pub rows: Vec<(u32, &'a str, &'a str)>,
}

pub struct Index {
    sql: Sql,
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

pub(super) const FOLDER_ROW: &str = "SELECT uidvalidity, uidnext, highestmodseq, new_mtime, cur_mtime, \
     first_recent_uid FROM folders WHERE name = ?1";
/// PostgreSQL: the writer's lock on the folder's row, which orders every writer of one folder
/// on every node (SQLite's IMMEDIATE transaction already locks the whole file).
pub(super) const FOLDER_ROW_LOCKED: &str = "SELECT uidvalidity, uidnext, highestmodseq, new_mtime, \
     cur_mtime, first_recent_uid FROM folders WHERE name = ?1 FOR UPDATE";

/// A 32-bit column (UIDs, UIDVALIDITY): stored as a 64-bit integer on both engines.
pub(super) fn u32_at(r: &Row, i: usize) -> Result<u32> {
    let v: i64 = r.get(i)?;
    u32::try_from(v).map_err(|_| {
        IndexError::Core(CoreError::Invalid(format!(
            "mailbox index: {v} is not a 32-bit UID or UIDVALIDITY"
        )))
    })
}

pub(super) fn read_folder_row(r: &Row) -> Result<FolderRow> {
    Ok(FolderRow {
        uidvalidity: u32_at(r, 0)?,
        uidnext: u32_at(r, 1)?,
        highestmodseq: r.get(2)?,
        new_mtime: r.get(3)?,
        cur_mtime: r.get(4)?,
        first_recent_uid: u32_at(r, 5)?,
    })
}

/// The folder's row, created (with a fresh UIDVALIDITY) if it has none. Call inside the
/// transaction that uses the values, so two writers never hand out the same UID: a writer
/// passes `lock`, which on PostgreSQL holds the row until its commit (a read-only snapshot
/// does not, and must not).
pub(super) fn folder_row(sql: &Sql, name: &str, lock: bool) -> Result<FolderRow> {
    let select = if lock && sql.is_postgres() {
        FOLDER_ROW_LOCKED
    } else {
        FOLDER_ROW
    };
    if let Some(r) = sql.query_opt(select, args![name])? {
        return read_folder_row(&r);
    }
    let validity = new_uidvalidity(sql)?;
    // DO NOTHING: another node may create the same folder at the same moment; its row (and
    // UIDVALIDITY) is then the one both use, read again below.
    sql.execute(
        &format!(
            "INSERT INTO folders (name, uidvalidity, uidnext, highestmodseq, mailbox_id) \
             VALUES (?1, ?2, 1, 1, {}) ON CONFLICT DO NOTHING",
            schema::new_mailbox_id(sql)
        ),
        args![name, validity as i64],
    )?;
    let r = sql.query_one(select, args![name])?;
    read_folder_row(&r)
}

/// A UIDVALIDITY different from any earlier incarnation of any folder, deleted ones too:
/// the clock, kept above every value handed out before (remembered in `meta`).
pub(super) fn new_uidvalidity(sql: &Sql) -> Result<u32> {
    let max: Option<i64> = sql
        .query_one("SELECT max(uidvalidity) FROM folders", &[])?
        .get(0)?;
    let last: Option<i64> = sql
        .query_opt(
            "SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'last_uidvalidity'",
            &[],
        )?
        .map(|r| r.get(0))
        .transpose()?;
    let floor = max.unwrap_or(0).max(last.unwrap_or(0)) + 1;
    let v = now().max(floor).min(u32::MAX as i64);
    set_meta(sql, "last_uidvalidity", &v.to_string())?;
    Ok(v as u32)
}

/// Sets a `meta` entry. An upsert names its conflict; through PostgreSQL's per-account
/// views it cannot, so there it is written against the account's table.
pub(super) fn set_meta(sql: &Sql, key: &str, value: &str) -> Result<()> {
    sql.execute(
        if sql.is_postgres() {
            "INSERT INTO mailbox_index.mailbox_meta (account, key, value) \
             VALUES (current_setting('mailctl.account'), ?1, ?2) \
             ON CONFLICT (account, key) DO UPDATE SET value = excluded.value"
        } else {
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)"
        },
        args![key, value],
    )?;
    Ok(())
}

/// Rolls back a transaction its function left by an error or a panic.
struct Open<'a>(&'a Sql, bool);

impl Drop for Open<'_> {
    fn drop(&mut self) {
        if !self.1 {
            let _ = self.0.end(false);
        }
    }
}

impl Index {
    /// Runs `f` in one write transaction: on SQLite IMMEDIATE (the account's write lock); on
    /// PostgreSQL READ COMMITTED, where each writer locks the folder's row first
    /// ([`folder_row`] with `lock`). Committed when `f` returns `Ok`, rolled back otherwise.
    pub(super) fn write<T, E: From<IndexError>>(
        &self,
        f: impl FnOnce(&Sql) -> Result<T, E>,
    ) -> Result<T, E> {
        let begin = if self.sql.is_postgres() {
            "BEGIN"
        } else {
            "BEGIN IMMEDIATE"
        };
        self.in_transaction(begin, f)
    }

    /// Runs `f` in one read transaction: its reads agree with each other (SQLite's deferred
    /// transaction, PostgreSQL's REPEATABLE READ snapshot). `f` may create the folder's row;
    /// when another node created it at the same moment, PostgreSQL refuses the snapshot
    /// (a serialization failure) and `f` runs once more in a new one, which sees that row.
    pub(super) fn read<T>(&self, f: impl Fn(&Sql) -> Result<T>) -> Result<T> {
        if !self.sql.is_postgres() {
            return self.in_transaction("BEGIN", f);
        }
        let begin = "BEGIN ISOLATION LEVEL REPEATABLE READ";
        match self.in_transaction(begin, &f) {
            Err(IndexError::Core(CoreError::Postgres(e)))
                if e.code() == Some(&postgres::error::SqlState::T_R_SERIALIZATION_FAILURE) =>
            {
                self.in_transaction(begin, f)
            }
            done => done,
        }
    }

    fn in_transaction<T, E: From<IndexError>>(
        &self,
        begin: &'static str,
        f: impl FnOnce(&Sql) -> Result<T, E>,
    ) -> Result<T, E> {
        self.sql.begin(begin).map_err(IndexError::from)?;
        let mut open = Open(&self.sql, false);
        let v = f(&self.sql)?;
        self.sql.end(true).map_err(IndexError::from)?;
        open.1 = true;
        Ok(v)
    }

    /// The SQLite connection under the index, for tests that look at the file itself.
    #[cfg(test)]
    pub(super) fn conn(&self) -> Option<&Connection> {
        match &self.sql.engine {
            crate::core::sql::Engine::Sqlite(c) => Some(c),
            crate::core::sql::Engine::Postgres(_) => None,
        }
    }
}

impl Index {
    /// RFC 8474 MAILBOXID of a folder (its row is created if missing).
    pub fn mailbox_id(&self, name: &str) -> Result<String> {
        // Once given, an id never changes: read without a transaction (every SELECT asks).
        let given = self.sql.query_opt(
            "SELECT mailbox_id FROM folders WHERE name = ?1",
            args![name],
        )?;
        if let Some(id) = given
            .map(|r| r.get::<Option<String>>(0))
            .transpose()?
            .flatten()
        {
            return Ok(id);
        }
        // A plain BEGIN on both: SQLite takes the write lock only if the row is missing.
        self.in_transaction("BEGIN", |sql| {
            folder_row(sql, name, false)?;
            let id: Option<String> = sql
                .query_one("SELECT mailbox_id FROM folders WHERE name = ?1", args![name])?
                .get(0)?;
            Ok(match id {
                Some(id) => id,
                None => sql
                    .query_one(
                        &format!(
                            "UPDATE folders SET mailbox_id = {} WHERE name = ?1 RETURNING mailbox_id",
                            schema::new_mailbox_id(sql)
                        ),
                        args![name],
                    )?
                    .get(0)?,
            })
        })
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
            sql: Sql::sqlite(conn),
            root: root.to_path_buf(),
        })
    }

    /// Opens the index of `account` in the PostgreSQL core at `url` (see the module doc),
    /// whose Maildir is at `root`; the core's schema is brought up to date first.
    pub fn open_postgres(url: &str, account: &str, root: &Path) -> Result<Index> {
        if account.is_empty() {
            return Err(IndexError::Core(CoreError::Invalid(
                "mailbox index: an account name is needed on PostgreSQL".to_string(),
            )));
        }
        let place = crate::core::paths::redact_url(url);
        let sql = Sql::postgres(crate::core::pgconnect::connect(url, &place)?);
        crate::core::migrations::migrate_postgres(&sql, &place)?;
        // Session settings, set once before any statement is prepared: the views of
        // `mailbox_index` come first in the search path and show this account's rows only.
        sql.query(
            "SELECT set_config('search_path', 'mailbox_index, public', false), \
             set_config('mailctl.account', ?1, false)",
            args![account],
        )?;
        Ok(Index {
            sql,
            root: root.to_path_buf(),
        })
    }

    /// Whether this index lives in PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.sql.is_postgres()
    }
}
