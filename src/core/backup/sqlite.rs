//! The SQL a backup needs: consistent snapshots of a live SQLite file (the core, a mailbox
//! index, the pre-upgrade copy), and the queue rows of a core snapshot.
//!
//! Not here: which files to snapshot (`take.rs`), the schema (`core::db`).

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::core::{CoreError, Result};

fn open(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // The daemon may hold the write lock for a moment; a snapshot waits rather than fails.
    conn.busy_timeout(Duration::from_secs(30))?;
    Ok(conn)
}

/// Writes a consistent copy of the database at `src` to `dst` (which must not exist) with
/// `VACUUM INTO`: one read transaction, so writers (in WAL mode) go on meanwhile and the
/// copy is the state of one moment, including what is still in the `-wal` file. The copy is
/// a plain rollback-journal file with the same `user_version`.
pub fn snapshot(src: &Path, dst: &Path) -> Result<()> {
    if dst.exists() {
        return Err(CoreError::Refused(format!(
            "{} already exists",
            dst.display()
        )));
    }
    let conn = open(src)?;
    let Some(target) = dst.to_str() else {
        return Err(CoreError::Invalid(format!(
            "{} is not UTF-8; SQLite cannot be given it",
            dst.display()
        )));
    };
    conn.execute("VACUUM INTO ?1", [target])?;
    Ok(())
}

/// `PRAGMA user_version` of a database file.
pub fn schema_version(path: &Path) -> Result<i64> {
    Ok(open(path)?.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// The queue ids a core snapshot holds.
pub fn queue_ids(core: &Path) -> Result<Vec<String>> {
    let conn = open(core)?;
    let mut stmt = conn.prepare("SELECT id FROM queue_messages ORDER BY id")?;
    let ids = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(ids)
}

/// Removes queue messages (their recipients and attempts go with them) from a core snapshot:
/// the ones whose spool file was gone when the backup came to copy it, because the daemon
/// finished them after the snapshot.
pub fn drop_queue_rows(core: &Path, ids: &[String]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut conn = open(core)?;
    conn.pragma_update(None, "journal_mode", "DELETE")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    let tx = conn.transaction()?;
    for id in ids {
        tx.execute("DELETE FROM queue_messages WHERE id = ?1", [id])?;
    }
    tx.commit()?;
    Ok(())
}
