//! The per-account index: a small SQLite database in the Maildir root
//! (`mailctl.index.db`) that gives each message of each folder a stable IMAP UID, with
//! UIDVALIDITY, UIDNEXT and a MODSEQ counter per folder. The Maildir stays the truth: a sync
//! reads the directories and brings the index in line (new files get the next UIDs, vanished
//! ones are dropped, flag changes bump MODSEQ), and `reindex` rebuilds it keeping every UID
//! whose file still exists. Deleting the index loses only UID stability (a new UIDVALIDITY).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use super::folder::{self, Entry};
use super::name::Name;

pub const FILE: &str = "mailctl.index.db";

/// Tables as the first version created them; [`migrate`] adds what later versions need, so
/// an index written by an older mailctl keeps its UIDs.
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS folders (
    name TEXT PRIMARY KEY,
    uidvalidity INTEGER NOT NULL,
    uidnext INTEGER NOT NULL,
    highestmodseq INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
    folder TEXT NOT NULL,
    uid INTEGER NOT NULL,
    uniq TEXT NOT NULL,
    flags TEXT NOT NULL,
    modseq INTEGER NOT NULL,
    size INTEGER NOT NULL,
    PRIMARY KEY (folder, uid),
    UNIQUE (folder, uniq)
);
CREATE TABLE IF NOT EXISTS expunged (
    folder TEXT NOT NULL,
    uid INTEGER NOT NULL,
    modseq INTEGER NOT NULL,
    PRIMARY KEY (folder, uid)
);
CREATE INDEX IF NOT EXISTS expunged_modseq ON expunged (folder, modseq);
CREATE TABLE IF NOT EXISTS subscriptions (name TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);";

/// Columns added after the first version: (table, column, definition).
const ADDED: [(&str, &str, &str); 6] = [
    ("messages", "keywords", "TEXT NOT NULL DEFAULT ''"),
    ("messages", "internal_date", "INTEGER"),
    // 1 while the file is still in new/: STATUS RECENT, and SELECT must move it.
    ("messages", "in_new", "INTEGER NOT NULL DEFAULT 0"),
    ("folders", "special_use", "TEXT"),
    // mtimes (ns) of new/ and cur/ when the index was last in line with them; 0 = unknown.
    ("folders", "new_mtime", "INTEGER NOT NULL DEFAULT 0"),
    ("folders", "cur_mtime", "INTEGER NOT NULL DEFAULT 0"),
];

/// A directory mtime younger than this may still change within the same timestamp tick, so
/// it is not trusted as "nothing changed" (Dovecot does the same).
const MTIME_SETTLE_NS: i64 = 2_000_000_000;

fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    // IMMEDIATE: two processes opening a fresh index must not both add a column.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch(SCHEMA)?;
    for (table, column, def) in ADDED {
        let has: bool = tx.query_row(
            "SELECT count(*) FROM pragma_table_info(?1) WHERE name = ?2",
            params![table, column],
            |r| r.get::<_, i64>(0).map(|n| n > 0),
        )?;
        if !has {
            tx.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {column} {def}"))?;
        }
    }
    // modseq: every refresh asks "what changed since"; in_new: every read-write refresh asks
    // "anything left in new/" — neither may walk a 100,000-row folder.
    tx.execute_batch(
        "CREATE INDEX IF NOT EXISTS messages_modseq ON messages (folder, modseq);
         CREATE INDEX IF NOT EXISTS messages_in_new ON messages (folder) WHERE in_new = 1;",
    )?;
    tx.commit()
}

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
    new_mtime: i64,
    cur_mtime: i64,
}

/// What [`Index::scan`] did.
#[derive(Debug, Default)]
pub struct ScanOutcome {
    pub report: SyncReport,
    /// Unique names this scan moved from new/ to cur/: \Recent for the caller only.
    pub moved: Vec<String>,
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
pub fn folder_row(tx: &Connection, name: &str) -> rusqlite::Result<FolderRow> {
    if let Some(r) = tx
        .query_row(
            "SELECT uidvalidity, uidnext, highestmodseq, new_mtime, cur_mtime FROM folders WHERE name = ?1",
            [name],
            |r| {
                Ok(FolderRow {
                    uidvalidity: r.get(0)?,
                    uidnext: r.get(1)?,
                    highestmodseq: r.get::<_, i64>(2)? as u64,
                    new_mtime: r.get(3)?,
                    cur_mtime: r.get(4)?,
                })
            },
        )
        .optional()?
    {
        return Ok(r);
    }
    let validity = new_uidvalidity(tx)?;
    tx.execute(
        "INSERT INTO folders (name, uidvalidity, uidnext, highestmodseq) VALUES (?1, ?2, 1, 1)",
        params![name, validity],
    )?;
    Ok(FolderRow {
        uidvalidity: validity,
        uidnext: 1,
        highestmodseq: 1,
        new_mtime: 0,
        cur_mtime: 0,
    })
}

/// A UIDVALIDITY different from any earlier incarnation of any folder, deleted ones too:
/// the clock, kept above every value handed out before (remembered in `meta`).
pub fn new_uidvalidity(tx: &Connection) -> rusqlite::Result<u32> {
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

/// Moves every file of new/ to cur/ (adding `:2,`), keeping its unique part. Returns the
/// unique names moved; a file another session moved first is simply not ours.
fn move_new(dir: &Path) -> Vec<String> {
    let mut moved = Vec::new();
    if !super::safe::is_real_dir(&dir.join("new")) || !super::safe::is_real_dir(&dir.join("cur")) {
        return moved;
    }
    let Ok(rd) = std::fs::read_dir(dir.join("new")) else {
        return moved;
    };
    for e in rd.flatten() {
        // Links and other non-files stay where they are for `check` to report.
        if !e.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let Some(file) = e.file_name().to_str().map(str::to_string) else {
            continue;
        };
        let Ok(name) = Name::parse(&file) else {
            continue;
        };
        let flags = name.flags.clone().unwrap_or_default();
        let dest = dir.join("cur").join(name.with_flags(&flags).to_string());
        if std::fs::symlink_metadata(&dest).is_ok() {
            continue;
        }
        if std::fs::rename(e.path(), &dest).is_ok() {
            moved.push(name.unique);
        }
    }
    moved
}

impl Index {
    pub fn path(root: &Path) -> PathBuf {
        root.join(FILE)
    }

    /// Opens (creating or migrating if needed) the index of the Maildir at `root`.
    pub fn open(root: &Path) -> rusqlite::Result<Index> {
        // NOFOLLOW: an index planted as a link to another file is refused, not written to.
        let mut conn = Connection::open_with_flags(
            Self::path(root),
            rusqlite::OpenFlags::default() | rusqlite::OpenFlags::SQLITE_OPEN_NOFOLLOW,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        migrate(&mut conn)?;
        Ok(Index {
            conn,
            root: root.to_path_buf(),
        })
    }

    /// The connection, for the IMAP store's own queries and transactions.
    pub fn conn(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub fn conn_ref(&self) -> &Connection {
        &self.conn
    }

    /// Brings the index of one folder in line with its directories, in one transaction.
    pub fn sync(&mut self, name: &str, dir: &Path) -> rusqlite::Result<SyncReport> {
        Ok(self.scan(name, dir, false, true)?.report)
    }

    /// The folder's UIDVALIDITY when its directories have the mtimes of the last scan (and,
    /// with `move_new_files`, no indexed file is still waiting in new/): nothing to read.
    fn unchanged(
        &self,
        name: &str,
        dir: &Path,
        move_new_files: bool,
    ) -> rusqlite::Result<Option<u32>> {
        let Some((uidvalidity, new_mtime, cur_mtime)) = self
            .conn
            .query_row(
                "SELECT uidvalidity, new_mtime, cur_mtime FROM folders WHERE name = ?1",
                [name],
                |r| {
                    Ok((
                        r.get::<_, u32>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, i64>(2)?,
                    ))
                },
            )
            .optional()?
        else {
            return Ok(None);
        };
        let (new_m, cur_m) = (mtime_ns(&dir.join("new")), mtime_ns(&dir.join("cur")));
        if new_m == 0 || new_m != new_mtime || cur_m != cur_mtime {
            return Ok(None);
        }
        if move_new_files
            && self
                .conn
                .query_row(
                    "SELECT 1 FROM messages WHERE folder = ?1 AND in_new = 1 LIMIT 1",
                    [name],
                    |_| Ok(()),
                )
                .optional()?
                .is_some()
        {
            return Ok(None);
        }
        Ok(Some(uidvalidity))
    }

    /// Brings the index of one folder in line with its directories: new files get the next
    /// UIDs, vanished ones go to `expunged` with a new MODSEQ, renamed ones (flags) get a new
    /// MODSEQ. With `move_new`, files in new/ are first moved to cur/. Unless `force`, the
    /// directories are not read when their mtimes are those of the last scan.
    ///
    /// The directories are read while holding the write lock: a writer that adds a file and
    /// its row in one locked step can then never be mistaken for an expunge.
    pub fn scan(
        &mut self,
        name: &str,
        dir: &Path,
        move_new_files: bool,
        force: bool,
    ) -> rusqlite::Result<ScanOutcome> {
        // Most calls (NOOP, IDLE ticks) find nothing changed: decide that without the write
        // lock, so idle sessions do not queue behind each other.
        if !force && let Some(uidvalidity) = self.unchanged(name, dir, move_new_files)? {
            return Ok(ScanOutcome {
                report: SyncReport {
                    folder: name.to_string(),
                    uidvalidity,
                    ..Default::default()
                },
                skipped: true,
                ..Default::default()
            });
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let row = folder_row(&tx, name)?;
        let mut out = ScanOutcome {
            report: SyncReport {
                folder: name.to_string(),
                uidvalidity: row.uidvalidity,
                ..Default::default()
            },
            ..Default::default()
        };
        // Before reading: a change while we read makes the next scan read again.
        let (new_m, cur_m) = (mtime_ns(&dir.join("new")), mtime_ns(&dir.join("cur")));
        if move_new_files {
            out.moved = move_new(dir);
        }
        let mut on_disk: HashMap<String, Entry> = folder::entries(dir)
            .into_iter()
            .map(|e| (e.name.unique.clone(), e))
            .collect();
        let known: Vec<(u32, String, String, bool)> = {
            let mut stmt =
                tx.prepare("SELECT uid, uniq, flags, in_new FROM messages WHERE folder = ?1")?;
            stmt.query_map([name], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<rusqlite::Result<_>>()?
        };
        // readdir may miss a file renamed while it runs (a flag change by another program):
        // look once more before calling anything expunged.
        if known.iter().any(|k| !on_disk.contains_key(&k.1)) {
            for e in folder::entries(dir) {
                on_disk.entry(e.name.unique.clone()).or_insert(e);
            }
        }
        let mut modseq = row.highestmodseq;
        let mut uidnext = row.uidnext;
        let mut seen = std::collections::HashSet::new();
        {
            let mut del =
                tx.prepare_cached("DELETE FROM messages WHERE folder = ?1 AND uid = ?2")?;
            let mut gone = tx.prepare_cached(
                "INSERT OR REPLACE INTO expunged (folder, uid, modseq) VALUES (?1, ?2, ?3)",
            )?;
            let mut upd = tx.prepare_cached(
                "UPDATE messages SET flags = ?3, modseq = ?4 WHERE folder = ?1 AND uid = ?2",
            )?;
            let mut upd_new = tx
                .prepare_cached("UPDATE messages SET in_new = ?3 WHERE folder = ?1 AND uid = ?2")?;
            for (uid, uniq, flags, in_new) in &known {
                match on_disk.get(uniq.as_str()) {
                    None => {
                        modseq += 1;
                        del.execute(params![name, uid])?;
                        gone.execute(params![name, uid, modseq as i64])?;
                        out.report.removed += 1;
                    }
                    Some(e) => {
                        seen.insert(uniq.clone());
                        let now_flags = e.name.flags.clone().unwrap_or_default();
                        if &now_flags != flags {
                            modseq += 1;
                            upd.execute(params![name, uid, now_flags, modseq as i64])?;
                            out.report.changed += 1;
                        }
                        if e.in_new != *in_new {
                            upd_new.execute(params![name, uid, e.in_new])?;
                        }
                    }
                }
            }
            // New files get UIDs in the order they arrived (time in the name, then the name).
            let mut new: Vec<&Entry> = on_disk
                .values()
                .filter(|e| !seen.contains(&e.name.unique))
                .collect();
            new.sort_by(|a, b| (a.name.time, &a.name.unique).cmp(&(b.name.time, &b.name.unique)));
            let mut ins = tx.prepare_cached(
                "INSERT INTO messages (folder, uid, uniq, flags, modseq, size, internal_date, in_new) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for e in new {
                let md = std::fs::symlink_metadata(&e.path).ok();
                let size = e
                    .name
                    .size
                    .or_else(|| md.as_ref().map(|m| m.len()))
                    .unwrap_or(0);
                let date = md
                    .as_ref()
                    .map(file_time)
                    .or(e.name.time)
                    .unwrap_or_else(now);
                modseq += 1;
                ins.execute(params![
                    name,
                    uidnext,
                    e.name.unique,
                    e.name.flags.clone().unwrap_or_default(),
                    modseq as i64,
                    size as i64,
                    date,
                    e.in_new
                ])?;
                uidnext = uidnext.saturating_add(1);
                out.report.added += 1;
            }
        }
        // An mtime that may still tick is recorded as unknown, so the next scan reads again.
        let settled = |m: i64| if now_ns() - m < MTIME_SETTLE_NS { 0 } else { m };
        tx.execute(
            "UPDATE folders SET uidnext = ?2, highestmodseq = ?3, new_mtime = ?4, cur_mtime = ?5 WHERE name = ?1",
            params![name, uidnext, modseq as i64, settled(new_m), settled(cur_m)],
        )?;
        tx.commit()?;
        out.report.messages = on_disk.len() as u64;
        Ok(out)
    }

    /// Syncs every folder of the Maildir, and forgets folders that no longer exist.
    pub fn sync_all(&mut self) -> rusqlite::Result<Vec<SyncReport>> {
        let folders = folder::folders(&self.root)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        let names: Vec<String> = folders.iter().map(|f| f.name.clone()).collect();
        let mut out = Vec::new();
        for f in &folders {
            out.push(self.sync(&f.name, &f.path)?);
        }
        let stale: Vec<String> = {
            let mut stmt = self.conn.prepare("SELECT name FROM folders")?;
            stmt.query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()?
                .into_iter()
                .filter(|n| !names.contains(n))
                .collect()
        };
        for n in stale {
            self.conn
                .execute("DELETE FROM messages WHERE folder = ?1", [&n])?;
            self.conn
                .execute("DELETE FROM expunged WHERE folder = ?1", [&n])?;
            self.conn
                .execute("DELETE FROM folders WHERE name = ?1", [&n])?;
        }
        Ok(out)
    }

    /// The unique name of a message by UID.
    pub fn unique_of(&self, folder: &str, uid: u32) -> rusqlite::Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT uniq FROM messages WHERE folder = ?1 AND uid = ?2",
                params![folder, uid],
                |r| r.get(0),
            )
            .optional()
    }

    /// Whether the index claims to be in line with the folder: the mtimes of new/ and cur/
    /// are the settled ones of its last scan, so the next scan will not read them. Only
    /// then is a difference between files and rows drift; otherwise (mail just delivered,
    /// a client renamed a file) the next scan reads the directories and catches up.
    pub fn is_current(&self, name: &str, dir: &Path) -> rusqlite::Result<bool> {
        let row: Option<(i64, i64)> = self
            .conn
            .query_row(
                "SELECT new_mtime, cur_mtime FROM folders WHERE name = ?1",
                [name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(row.is_some_and(|(n, c)| {
            n != 0 && n == mtime_ns(&dir.join("new")) && c == mtime_ns(&dir.join("cur"))
        }))
    }

    /// (files not in the index, index rows without a file) for a folder, without changing
    /// anything.
    pub fn drift(&self, name: &str, dir: &Path) -> rusqlite::Result<(u64, u64)> {
        let files: std::collections::HashSet<String> = folder::entries(dir)
            .into_iter()
            .map(|e| e.name.unique)
            .collect();
        let mut stmt = self
            .conn
            .prepare("SELECT uniq FROM messages WHERE folder = ?1")?;
        let indexed: std::collections::HashSet<String> = stmt
            .query_map([name], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok((
            files.difference(&indexed).count() as u64,
            indexed.difference(&files).count() as u64,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(root: &Path, rel: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, "Subject: x\n\nbody\n").unwrap();
    }

    fn age(dir: &Path) {
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_600_000_000);
        std::fs::File::open(dir)
            .unwrap()
            .set_times(std::fs::FileTimes::new().set_modified(t))
            .unwrap();
    }

    #[test]
    fn unchanged_directories_are_not_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        super::super::deliver::ensure(root).unwrap();
        put(root, "new/1700000001.a.host");
        let mut ix = Index::open(root).unwrap();
        // Fresh mtimes may still tick: never trusted.
        assert!(!ix.scan("INBOX", root, false, false).unwrap().skipped);
        assert!(!ix.scan("INBOX", root, false, false).unwrap().skipped);
        age(&root.join("new"));
        age(&root.join("cur"));
        let first = ix.scan("INBOX", root, false, false).unwrap();
        assert!(!first.skipped);
        let again = ix.scan("INBOX", root, false, false).unwrap();
        assert!(again.skipped);
        assert_eq!(again.report.uidvalidity, first.report.uidvalidity);
        // A read-write view must still move the indexed file out of new/.
        let moved = ix.scan("INBOX", root, true, false).unwrap();
        assert_eq!(moved.moved, ["1700000001.a.host"]);
        assert!(root.join("cur/1700000001.a.host:2,").exists());
        age(&root.join("new"));
        age(&root.join("cur"));
        ix.scan("INBOX", root, true, false).unwrap();
        assert!(ix.scan("INBOX", root, true, false).unwrap().skipped);
        put(root, "new/1700000002.b.host");
        let r = ix.scan("INBOX", root, false, false).unwrap();
        assert_eq!((r.skipped, r.report.added), (false, 1));
    }

    #[test]
    fn an_index_from_the_first_version_is_migrated_keeping_its_uids() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        super::super::deliver::ensure(root).unwrap();
        put(root, "cur/1700000001.a.host:2,S");
        {
            let old = Connection::open(Index::path(root)).unwrap();
            old.execute_batch(
                "CREATE TABLE folders (name TEXT PRIMARY KEY, uidvalidity INTEGER NOT NULL,
                    uidnext INTEGER NOT NULL, highestmodseq INTEGER NOT NULL);
                 CREATE TABLE messages (folder TEXT NOT NULL, uid INTEGER NOT NULL,
                    uniq TEXT NOT NULL, flags TEXT NOT NULL, modseq INTEGER NOT NULL,
                    size INTEGER NOT NULL, PRIMARY KEY (folder, uid), UNIQUE (folder, uniq));
                 INSERT INTO folders VALUES ('INBOX', 1234, 8, 9);
                 INSERT INTO messages VALUES ('INBOX', 7, '1700000001.a.host', 'S', 9, 17);",
            )
            .unwrap();
        }
        let mut ix = Index::open(root).unwrap();
        drop(Index::open(root).unwrap()); // a second open migrates nothing twice
        let r = ix.sync("INBOX", root).unwrap();
        assert_eq!((r.uidvalidity, r.added, r.removed), (1234, 0, 0));
        assert_eq!(
            ix.unique_of("INBOX", 7).unwrap().as_deref(),
            Some("1700000001.a.host")
        );
        let kw: String = ix
            .conn_ref()
            .query_row("SELECT keywords FROM messages WHERE uid = 7", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(kw, "");
    }

    #[test]
    fn uids_are_stable_and_new_mail_gets_the_next_ones() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        super::super::deliver::ensure(root).unwrap();
        put(root, "cur/1700000001.a.host:2,S");
        put(root, "new/1700000002.b.host");
        let mut ix = Index::open(root).unwrap();
        let r = ix.sync("INBOX", root).unwrap();
        assert_eq!((r.added, r.removed, r.messages), (2, 0, 2));
        assert_eq!(
            ix.unique_of("INBOX", 1).unwrap().as_deref(),
            Some("1700000001.a.host")
        );
        // Flag change, a new message, an expunge.
        std::fs::rename(
            root.join("cur/1700000001.a.host:2,S"),
            root.join("cur/1700000001.a.host:2,FS"),
        )
        .unwrap();
        std::fs::remove_file(root.join("new/1700000002.b.host")).unwrap();
        put(root, "new/1700000003.c.host");
        assert_eq!(ix.drift("INBOX", root).unwrap(), (1, 1));
        let r = ix.sync("INBOX", root).unwrap();
        assert_eq!((r.added, r.removed, r.changed), (1, 1, 1));
        assert_eq!(
            ix.unique_of("INBOX", 3).unwrap().as_deref(),
            Some("1700000003.c.host")
        );
        assert_eq!(
            ix.unique_of("INBOX", 2).unwrap(),
            None,
            "UIDs are never reused"
        );
        // Reopening keeps everything; UIDVALIDITY does not change.
        drop(ix);
        let mut ix = Index::open(root).unwrap();
        let again = ix.sync("INBOX", root).unwrap();
        assert_eq!((again.added, again.uidvalidity), (0, r.uidvalidity));
    }

    #[test]
    fn an_index_that_is_a_link_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "not a database\n").unwrap();
        let root = dir.path().join("md");
        crate::maildir::deliver::ensure(&root).unwrap();
        std::os::unix::fs::symlink(&victim, Index::path(&root)).unwrap();
        assert!(Index::open(&root).is_err());
        assert_eq!(std::fs::read(&victim).unwrap(), b"not a database\n");
    }
}
