//! Moving a single-box server's core from SQLite to PostgreSQL (`mailctl db migrate --to`,
//! issue 21.5): every table of the SQLite core is copied, row for row and in one PostgreSQL
//! transaction, into a PostgreSQL database brought to the same schema version; identity
//! sequences continue after the highest copied id; then the data directory's
//! `database.url` names PostgreSQL and the SQLite file is renamed aside, so nothing can
//! silently go on using it. Password hashes move verbatim, so every user keeps their
//! password.
//!
//! The copy is generic over the schema: tables are read from SQLite's catalogue and written
//! in foreign-key order, and the column sets of both engines must be equal (they come from
//! one migration list, `core::migrations`), so a table added later needs nothing here.
//!
//! Every user's mailbox index (UIDs, flags, MODSEQ) moves too, first and one account per
//! transaction (`indexes`): a run that failed half-way leaves the core's tables empty, so
//! the next run may replace what it had copied of the indexes, and never duplicates a row.
//!
//! Not here: the index's tables (`crate::maildir::index::copy_to`); moving back to SQLite;
//! copying between two PostgreSQL databases (pg_dump does that).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::Serialize;

use super::paths::{DataDir, redact_url};
use super::sql::{Sql, Value, args};
use super::{CoreError, Db, Result};

mod indexes;

pub use indexes::IndexesMoved;

/// What the move is doing, for a progress display.
#[derive(Debug, Clone, Copy)]
pub enum Progress<'a> {
    /// Copying the mailbox index of `account` (`rows` so far), after `done` of `of` users.
    Account {
        account: &'a str,
        rows: u64,
        done: u64,
        of: u64,
    },
    /// Copying the core's `table`, `rows` so far.
    Table { table: &'a str, rows: u64 },
}

/// What was moved.
#[derive(Debug, Serialize)]
pub struct MoveReport {
    /// The PostgreSQL database, without its password.
    pub database: String,
    pub schema_version: i64,
    pub tables: Vec<TableCopy>,
    pub mailbox_indexes: IndexesMoved,
    /// Where the SQLite core now lies, renamed so no one uses it by mistake.
    pub sqlite_kept_at: PathBuf,
    /// The file that now points this data directory at PostgreSQL.
    pub database_url_file: PathBuf,
}

#[derive(Debug, Serialize)]
pub struct TableCopy {
    pub table: String,
    pub rows: u64,
}

/// Where a move failed: before PostgreSQL committed (nothing changed anywhere) or after
/// (the rows are there, the data directory was not switched).
#[derive(Debug, thiserror::Error)]
pub enum MoveError {
    #[error(transparent)]
    Before(CoreError),
    #[error(transparent)]
    Switching(CoreError),
}

/// Copies the SQLite core of `data_dir` into the empty PostgreSQL database at `url` and
/// switches the data directory to it, mailbox indexes included; `progress` hears how far.
pub fn to_postgres(
    data_dir: &DataDir,
    url: &str,
    progress: &mut dyn FnMut(Progress),
) -> std::result::Result<MoveReport, MoveError> {
    let (db, place, copied) = copy(data_dir, url, progress).map_err(MoveError::Before)?;
    switch(data_dir, db, url, place, copied).map_err(MoveError::Switching)
}

/// The core's copy and the indexes'.
struct Copied {
    tables: Vec<TableCopy>,
    indexes: IndexesMoved,
}

fn copy(
    data_dir: &DataDir,
    url: &str,
    progress: &mut dyn FnMut(Progress),
) -> Result<(Db, String, Copied)> {
    if data_dir.database_url()?.is_some() {
        return Err(CoreError::Refused(format!(
            "this data directory already uses PostgreSQL ({}); there is nothing to move",
            data_dir.database_url_file().display()
        )));
    }
    let daemons = super::runtime::running(data_dir);
    if !daemons.is_empty() {
        return Err(CoreError::Refused(format!(
            "a daemon runs on this data directory (pid {}): stop it first, so no mail \
             arrives in SQLite after its rows were copied",
            daemons[0].pid
        )));
    }
    let db = Db::open_existing(data_dir)?;
    let place = redact_url(url);
    let pg = Sql::postgres(super::pgconnect::connect(url, &place)?);
    super::migrations::migrate_postgres(&pg, &place)?;
    let conn = db.conn()?;
    let tables = tables_in_dependency_order(conn)?;
    // Before any index is written: a database that serves a server already is not ours.
    for t in &tables {
        same_columns(conn, &pg, t).map_err(|e| in_table(t, e))?;
        refuse_if_not_empty(&pg, t)?;
    }
    let indexes = indexes::copy_all(&db, data_dir, url, progress)?;
    let mut copied = Vec::with_capacity(tables.len());
    pg.transaction(|| {
        for t in &tables {
            let columns = same_columns(conn, &pg, t).map_err(|e| in_table(t, e))?;
            refuse_if_not_empty(&pg, t)?;
            let rows = copy_table(conn, &pg, t, &columns, progress)?;
            continue_identity(&pg, t, &columns).map_err(|e| in_table(t, e))?;
            copied.push(TableCopy {
                table: t.clone(),
                rows,
            });
        }
        Ok(())
    })?;
    Ok((
        db,
        place,
        Copied {
            tables: copied,
            indexes,
        },
    ))
}

fn switch(
    data_dir: &DataDir,
    db: Db,
    url: &str,
    place: String,
    copied: Copied,
) -> Result<MoveReport> {
    // Everything is in the main file before it is renamed: no `-wal` left behind.
    db.conn()?
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?;
    drop(db);
    let sqlite = data_dir.db();
    let kept = sqlite.with_extension("db.moved-to-postgres");
    std::fs::rename(&sqlite, &kept).map_err(|e| CoreError::io(&sqlite, e))?;
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(super::db::wal_file(&sqlite, suffix));
    }
    let file = data_dir.database_url_file();
    write_private(&file, &format!("{url}\n"))?;
    let _ = data_dir.hand_over(&[&file]);
    // Only now: until the data directory names PostgreSQL, SQLite's indexes are the live ones.
    let mut indexes = copied.indexes;
    indexes::set_aside(&mut indexes)?;
    Ok(MoveReport {
        database: place,
        schema_version: super::migrations::SCHEMA_VERSION,
        tables: copied.tables,
        mailbox_indexes: indexes,
        sqlite_kept_at: kept,
        database_url_file: file,
    })
}

/// The core's tables, each after the tables its foreign keys point at.
fn tables_in_dependency_order(conn: &rusqlite::Connection) -> Result<Vec<String>> {
    let names: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut parents: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for t in &names {
        let refs: BTreeSet<String> = conn
            .prepare(&format!("PRAGMA foreign_key_list({})", quote(t)))?
            .query_map([], |r| r.get::<_, String>(2))?
            .collect::<rusqlite::Result<_>>()?;
        parents.insert(t.clone(), refs.into_iter().filter(|p| p != t).collect());
    }
    let mut order = Vec::with_capacity(names.len());
    while !parents.is_empty() {
        let ready: Vec<String> = parents
            .iter()
            .filter(|(_, ps)| ps.iter().all(|p| !parents.contains_key(p)))
            .map(|(t, _)| t.clone())
            .collect();
        if ready.is_empty() {
            return Err(CoreError::Invalid(format!(
                "the tables {:?} reference each other in a cycle; cannot order the copy",
                parents.keys().collect::<Vec<_>>()
            )));
        }
        for t in ready {
            parents.remove(&t);
            order.push(t);
        }
    }
    Ok(order)
}

/// The table's columns, which must be the same on both engines.
fn same_columns(conn: &rusqlite::Connection, pg: &Sql, table: &str) -> Result<Vec<String>> {
    let lite: Vec<String> = conn
        .prepare(&format!("PRAGMA table_info({})", quote(table)))?
        .query_map([], |r| r.get(1))?
        .collect::<rusqlite::Result<_>>()?;
    let post: BTreeSet<String> = pg
        .query(
            "SELECT column_name::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name::text = ?1",
            args![table],
        )?
        .iter()
        .map(|r| r.get::<String>(0))
        .collect::<Result<_>>()?;
    let lite_set: BTreeSet<String> = lite.iter().cloned().collect();
    if lite_set != post {
        return Err(CoreError::Invalid(format!(
            "table {table} differs between the engines: SQLite has {lite_set:?}, PostgreSQL \
             has {post:?}; both should be at schema v{}",
            super::migrations::SCHEMA_VERSION
        )));
    }
    Ok(lite)
}

fn refuse_if_not_empty(pg: &Sql, table: &str) -> Result<()> {
    let any = pg.query_opt(&format!("SELECT 1 FROM {} LIMIT 1", quote(table)), &[])?;
    match any {
        None => Ok(()),
        Some(_) => Err(CoreError::Refused(format!(
            "the PostgreSQL database already holds data (table {table}): move into an empty \
             database (createdb a new one), never over another server's"
        ))),
    }
}

/// Streams the rows out of SQLite (no table is held in memory) into PostgreSQL.
fn copy_table(
    conn: &rusqlite::Connection,
    pg: &Sql,
    table: &str,
    columns: &[String],
    progress: &mut dyn FnMut(Progress),
) -> Result<u64> {
    let list = columns
        .iter()
        .map(|c| quote(c))
        .collect::<Vec<_>>()
        .join(", ");
    let marks = (1..=columns.len())
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let insert = format!("INSERT INTO {} ({list}) VALUES ({marks})", quote(table));
    let mut select = conn.prepare(&format!("SELECT {list} FROM {}", quote(table)))?;
    let mut rows = select.query([])?;
    let mut n = 0u64;
    while let Some(row) = rows.next()? {
        let values: Vec<Value> = (0..columns.len())
            .map(|i| row.get_ref(i).map(super::sql::from_sqlite))
            .collect::<rusqlite::Result<_>>()?;
        pg.execute(&insert, &values).map_err(|e| {
            CoreError::Invalid(format!("copying table {table}, row {}: {e}", n + 1))
        })?;
        n += 1;
        if n.is_multiple_of(1000) {
            progress(Progress::Table { table, rows: n });
        }
    }
    progress(Progress::Table { table, rows: n });
    Ok(n)
}

/// New rows on PostgreSQL get ids after the copied ones (an identity column's sequence does
/// not know rows inserted with explicit ids).
fn continue_identity(pg: &Sql, table: &str, columns: &[String]) -> Result<()> {
    if !columns.iter().any(|c| c == "id") {
        return Ok(());
    }
    let seq = pg.query_one("SELECT pg_get_serial_sequence(?1, 'id')", args![table])?;
    let Some(seq) = seq.get::<Option<String>>(0)? else {
        return Ok(());
    };
    pg.query_one(
        &format!(
            "SELECT setval(CAST(?1 AS text)::regclass, COALESCE((SELECT max(id) FROM {}), 0) + 1, false)",
            quote(table)
        ),
        args![seq],
    )?;
    Ok(())
}

/// Says which table a database error came from (refusals already name it).
fn in_table(table: &str, e: CoreError) -> CoreError {
    match e {
        CoreError::Refused(_) | CoreError::Invalid(_) => e,
        e => CoreError::Invalid(format!("table {table}: {e}")),
    }
}

/// A double-quoted identifier (names come from SQLite's own catalogue).
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The URL may carry a password: owner-only from the moment the file exists.
fn write_private(path: &std::path::Path, text: &str) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| CoreError::io(path, e))?;
    f.write_all(text.as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(|e| CoreError::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_come_after_the_tables_they_reference() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE c (id INTEGER PRIMARY KEY, b INTEGER REFERENCES b(id));
             CREATE TABLE a (id INTEGER PRIMARY KEY);
             CREATE TABLE b (id INTEGER PRIMARY KEY, a INTEGER REFERENCES a(id),
                             up INTEGER REFERENCES b(id));",
        )
        .unwrap();
        assert_eq!(tables_in_dependency_order(&conn).unwrap(), ["a", "b", "c"]);
    }

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(quote("queue"), "\"queue\"");
        assert_eq!(quote("a\"b"), "\"a\"\"b\"");
    }
}
