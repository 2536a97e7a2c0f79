//! Moving an account's index from its SQLite file into PostgreSQL (`mailctl db migrate`,
//! issue 21.5): every table, row for row, in one PostgreSQL transaction per account, so
//! UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ, every UID and MODSEQ, flags, keywords, expunged UIDs
//! (QRESYNC), subscriptions, metadata and the `meta` marks arrive exactly as they were. A
//! copy, never a `sync`: a sync would hand out new UIDs, and every client cache (mbsync's
//! state, Thunderbird's offline store) would be worth nothing.
//!
//! The copy replaces whatever the account already holds in PostgreSQL, so a move run again
//! after a failure leaves one set of rows, not two. The caller (`crate::core::dbmove`)
//! makes sure the database is not serving anyone yet. Afterwards [`set_aside`] renames the
//! SQLite file, so nothing reads its UIDs again.
//!
//! The columns come from the SQLite file's catalogue and must equal those of the PostgreSQL
//! views (`schema::POSTGRES_TABLES`): a column added to one engine only is refused with its
//! name, not dropped. Not here: choosing accounts and Maildirs (`crate::core::dbmove`),
//! moving back to SQLite.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use rusqlite::types::ValueRef;

use super::{FILE, Index, IndexError, Result};
use crate::core::CoreError;
use crate::core::sql::{Engine, Sql, Value, args};

/// Every table of the index, as [`schema`](super::schema) creates them on SQLite and as the
/// PostgreSQL views name them.
pub const TABLES: [&str; 6] = [
    "folders",
    "messages",
    "expunged",
    "subscriptions",
    "meta",
    "metadata",
];

/// Rows per INSERT: few round trips, far below PostgreSQL's 65,535 parameters (11 columns).
const CHUNK: usize = 256;

/// What [`copy_to`] moved: rows per table.
pub type Copied = BTreeMap<String, u64>;

/// The suffix the SQLite file gets once its rows are in PostgreSQL.
pub const SET_ASIDE: &str = "moved-to-postgres";

fn invalid(msg: String) -> IndexError {
    IndexError::Core(CoreError::Invalid(msg))
}

impl Index {
    /// The SQLite index of the Maildir at `root` if it has one (brought to this version's
    /// schema); `None` when the Maildir has none yet. Never creates one.
    pub fn open_existing(root: &Path) -> Result<Option<Index>> {
        match std::fs::symlink_metadata(Self::path(root)) {
            Ok(_) => Self::open(root).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Points a PostgreSQL index at another account (and its Maildir), reusing the
    /// connection and its prepared statements: for tools that visit every account in turn.
    pub fn switch_account(&mut self, account: &str, root: &Path) -> Result<()> {
        if !self.sql.is_postgres() || account.is_empty() {
            return Err(invalid(
                "mailbox index: only a PostgreSQL index switches accounts, to a named one".into(),
            ));
        }
        self.sql.query(
            "SELECT set_config('mailctl.account', ?1, false)",
            args![account],
        )?;
        self.root = root.to_path_buf();
        Ok(())
    }
}

/// Copies every row of the SQLite index `from` into the PostgreSQL index `to` (its account),
/// replacing what that account held there, in one transaction. `progress` hears the rows
/// copied so far.
pub fn copy_to(from: &Index, to: &Index, progress: &mut dyn FnMut(u64)) -> Result<Copied> {
    let Engine::Sqlite(conn) = &from.sql.engine else {
        return Err(invalid(
            "mailbox index: the copy reads a SQLite index".into(),
        ));
    };
    if !to.is_postgres() {
        return Err(invalid(
            "mailbox index: the copy writes into PostgreSQL".into(),
        ));
    }
    known_tables_only(conn)?;
    // One read transaction: the tables agree with each other even if a delivery came in.
    conn.execute_batch("BEGIN")?;
    let copied = to.write(|pg| {
        let mut copied = Copied::new();
        let mut done = 0u64;
        for table in TABLES {
            let columns = same_columns(conn, pg, table)?;
            pg.execute(&format!("DELETE FROM mailbox_index.{table}"), &[])?;
            let n = copy_table(conn, pg, table, &columns, &mut |n| progress(done + n))?;
            done += n;
            copied.insert(table.to_string(), n);
        }
        Ok::<_, IndexError>(copied)
    });
    let _ = conn.execute_batch("COMMIT");
    copied
}

/// A table in the file that [`TABLES`] does not name would be left behind: refused.
fn known_tables_only(conn: &Connection) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )?;
    let names = stmt.query_map([], |r| r.get::<_, String>(0))?;
    for name in names {
        let name = name?;
        if !TABLES.contains(&name.as_str()) {
            return Err(invalid(format!(
                "mailbox index: table {name} has no place in PostgreSQL; this mailctl cannot move it"
            )));
        }
    }
    Ok(())
}

/// The table's columns with PostgreSQL's type for each; both engines must have the same set.
fn same_columns(conn: &Connection, pg: &Sql, table: &str) -> Result<Vec<(String, String)>> {
    let lite: Vec<String> = conn
        .prepare(&format!("PRAGMA table_info({table})"))?
        .query_map([], |r| r.get(1))?
        .collect::<rusqlite::Result<_>>()?;
    let post: BTreeMap<String, String> = pg
        .query(
            "SELECT column_name::text, data_type::text FROM information_schema.columns \
             WHERE table_schema = 'mailbox_index' AND table_name::text = ?1",
            args![table],
        )?
        .iter()
        .map(|r| Ok((r.get::<String>(0)?, r.get::<String>(1)?)))
        .collect::<Result<_>>()?;
    let lite_set: BTreeSet<&String> = lite.iter().collect();
    if lite_set != post.keys().collect() {
        return Err(invalid(format!(
            "mailbox index: table {table} differs between the engines: SQLite has \
             {lite_set:?}, PostgreSQL has {:?}",
            post.keys().collect::<Vec<_>>()
        )));
    }
    Ok(lite
        .into_iter()
        .map(|c| {
            let ty = post.get(&c).cloned().unwrap_or_default();
            (c, ty)
        })
        .collect())
}

/// Streams the table out of SQLite in chunks of [`CHUNK`] rows (no table is held in memory).
fn copy_table(
    conn: &Connection,
    pg: &Sql,
    table: &str,
    columns: &[(String, String)],
    progress: &mut dyn FnMut(u64),
) -> Result<u64> {
    let list = columns
        .iter()
        .map(|(c, _)| c.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let mut select = conn.prepare(&format!("SELECT {list} FROM {table}"))?;
    let mut rows = select.query([])?;
    let mut buf: Vec<Value> = Vec::with_capacity(CHUNK * columns.len());
    let mut n = 0u64;
    while let Some(row) = rows.next()? {
        for (i, (column, ty)) in columns.iter().enumerate() {
            let v = fit(row.get_ref(i)?, ty).map_err(|e| {
                invalid(format!(
                    "mailbox index: table {table}, row {}, column {column}: {e}",
                    n + 1
                ))
            })?;
            buf.push(v);
        }
        n += 1;
        if buf.len() == CHUNK * columns.len() {
            insert(pg, table, &list, columns.len(), &buf)?;
            buf.clear();
            progress(n);
        }
    }
    // The rest in power-of-two pieces: a handful of distinct statements, each prepared once.
    let mut rest = &buf[..];
    while !rest.is_empty() {
        let rows = rest.len() / columns.len();
        let take = 1usize << rows.ilog2();
        let (now, later) = rest.split_at(take * columns.len());
        insert(pg, table, &list, columns.len(), now)?;
        rest = later;
    }
    progress(n);
    Ok(n)
}

fn insert(pg: &Sql, table: &str, list: &str, width: usize, values: &[Value]) -> Result<()> {
    let tuples = (0..values.len() / width)
        .map(|r| {
            let marks = (1..=width)
                .map(|c| format!("?{}", r * width + c))
                .collect::<Vec<_>>()
                .join(", ");
            format!("({marks})")
        })
        .collect::<Vec<_>>()
        .join(", ");
    pg.execute(
        &format!("INSERT INTO mailbox_index.{table} ({list}) VALUES {tuples}"),
        values,
    )?;
    Ok(())
}

/// A SQLite value as the PostgreSQL column (of type `ty`) takes it. SQLite lets a BLOB
/// column hold text and keeps whatever bytes it was given; PostgreSQL does neither, so text
/// bound for BYTEA becomes its bytes, and text that is not UTF-8 is refused (never altered:
/// a folder name changed by one byte would no longer match its directory).
fn fit(v: ValueRef<'_>, ty: &str) -> std::result::Result<Value, String> {
    Ok(match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Real(f) => Value::Real(f),
        ValueRef::Text(t) if ty == "bytea" => Value::Blob(t.to_vec()),
        ValueRef::Text(t) => match std::str::from_utf8(t) {
            Ok(s) if !s.contains('\0') => Value::Text(s.to_string()),
            _ => return Err(format!("{:?} is not UTF-8 text PostgreSQL can hold", t)),
        },
        ValueRef::Blob(b) if ty == "bytea" => Value::Blob(b.to_vec()),
        ValueRef::Blob(b) => match std::str::from_utf8(b) {
            Ok(s) if !s.contains('\0') => Value::Text(s.to_string()),
            _ => return Err(format!("{b:?} is not UTF-8 text PostgreSQL can hold")),
        },
    })
}

/// Renames the SQLite index of the Maildir at `root` to `mailctl.index.db.moved-to-postgres`
/// (everything checkpointed into it first, no `-wal` left), so that nothing reads its UIDs
/// after the move; returns where it now lies, `None` when the Maildir had none.
pub fn set_aside(root: &Path) -> Result<Option<PathBuf>> {
    let file = Index::path(root);
    if std::fs::symlink_metadata(&file).is_err() {
        return Ok(None);
    }
    let conn = Connection::open_with_flags(
        &file,
        rusqlite::OpenFlags::default() | rusqlite::OpenFlags::SQLITE_OPEN_NOFOLLOW,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?;
    drop(conn);
    let kept = root.join(format!("{FILE}.{SET_ASIDE}"));
    std::fs::rename(&file, &kept)?;
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(root.join(format!("{FILE}{suffix}")));
    }
    Ok(Some(kept))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_of_a_fresh_index_is_copied() {
        let dir = tempfile::tempdir().unwrap();
        let ix = Index::open(dir.path()).unwrap();
        let conn = ix.conn().unwrap();
        known_tables_only(conn).unwrap();
        conn.execute_batch("CREATE TABLE extra (x)").unwrap();
        let e = known_tables_only(conn).unwrap_err().to_string();
        assert!(e.contains("extra"), "{e}");
    }

    #[test]
    fn values_fit_postgres_or_are_refused() {
        assert_eq!(
            fit(ValueRef::Text(b"v"), "bytea").unwrap(),
            Value::Blob(b"v".to_vec())
        );
        assert_eq!(
            fit(ValueRef::Text("Entwürfe".as_bytes()), "text").unwrap(),
            Value::Text("Entwürfe".into())
        );
        assert!(fit(ValueRef::Text(b"\xff"), "text").is_err());
        assert!(fit(ValueRef::Text(b"a\0b"), "text").is_err());
        assert_eq!(fit(ValueRef::Integer(7), "bigint").unwrap(), Value::Int(7));
    }

    #[test]
    fn an_index_is_set_aside_with_its_wal_folded_in() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(set_aside(dir.path()).unwrap(), None);
        let ix = Index::open(dir.path()).unwrap();
        ix.subscribe("Work").unwrap();
        drop(ix);
        let kept = set_aside(dir.path()).unwrap().unwrap();
        assert!(!Index::path(dir.path()).exists());
        assert!(!dir.path().join(format!("{FILE}-wal")).exists());
        let conn = Connection::open(&kept).unwrap();
        let n: i64 = conn
            .query_row("SELECT count(*) FROM subscriptions", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
        // No index now: opening without creating finds none.
        assert!(Index::open_existing(dir.path()).unwrap().is_none());
    }
}
