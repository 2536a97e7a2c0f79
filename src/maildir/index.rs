//! The per-account index: a small SQLite database in the Maildir root
//! (`mailctl.index.db`) that gives each message of each folder a stable IMAP UID, with
//! UIDVALIDITY, UIDNEXT and a MODSEQ counter per folder. The Maildir stays the truth: a sync
//! reads the directories and brings the index in line (new files get the next UIDs, vanished
//! ones are dropped, flag changes bump MODSEQ), and `reindex` rebuilds it keeping every UID
//! whose file still exists. Deleting the index loses only UID stability (a new UIDVALIDITY).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::folder::{self, Entry};

pub const FILE: &str = "mailctl.index.db";

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
);";

#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct SyncReport {
    pub folder: String,
    pub uidvalidity: u32,
    pub added: u64,
    pub removed: u64,
    pub changed: u64,
    pub messages: u64,
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

impl Index {
    pub fn path(root: &Path) -> PathBuf {
        root.join(FILE)
    }

    /// Opens (creating if needed) the index of the Maildir at `root`.
    pub fn open(root: &Path) -> rusqlite::Result<Index> {
        let conn = Connection::open(Self::path(root))?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.execute_batch(SCHEMA)?;
        Ok(Index {
            conn,
            root: root.to_path_buf(),
        })
    }

    /// The folder's (uidvalidity, uidnext, highestmodseq), creating its row if new.
    fn folder_row(&self, name: &str) -> rusqlite::Result<(u32, u32, i64)> {
        if let Some(r) = self
            .conn
            .query_row(
                "SELECT uidvalidity, uidnext, highestmodseq FROM folders WHERE name = ?1",
                [name],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
        {
            return Ok(r);
        }
        // UIDVALIDITY must differ from any earlier incarnation of the folder: the clock,
        // kept increasing by the ones already in use.
        let max: Option<i64> =
            self.conn
                .query_row("SELECT max(uidvalidity) FROM folders", [], |r| r.get(0))?;
        let validity = now().max(max.unwrap_or(0) + 1) as u32;
        self.conn.execute(
            "INSERT INTO folders (name, uidvalidity, uidnext, highestmodseq) VALUES (?1, ?2, 1, 1)",
            params![name, validity],
        )?;
        Ok((validity, 1, 1))
    }

    /// Brings the index of one folder in line with its directories, in one transaction.
    pub fn sync(&mut self, name: &str, dir: &Path) -> rusqlite::Result<SyncReport> {
        let (uidvalidity, mut uidnext, mut modseq) = self.folder_row(name)?;
        let files: Vec<Entry> = folder::entries(dir);
        let on_disk: HashMap<&str, &Entry> =
            files.iter().map(|e| (e.name.unique.as_str(), e)).collect();
        let tx = self.conn.transaction()?;
        let mut report = SyncReport {
            folder: name.to_string(),
            uidvalidity,
            ..Default::default()
        };
        let known: Vec<(u32, String, String)> = {
            let mut stmt = tx.prepare("SELECT uid, uniq, flags FROM messages WHERE folder = ?1")?;
            stmt.query_map([name], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?
        };
        let mut seen = std::collections::HashSet::new();
        for (uid, uniq, flags) in &known {
            match on_disk.get(uniq.as_str()) {
                None => {
                    tx.execute(
                        "DELETE FROM messages WHERE folder = ?1 AND uid = ?2",
                        params![name, uid],
                    )?;
                    report.removed += 1;
                }
                Some(e) => {
                    seen.insert(uniq.clone());
                    let now_flags = e.name.flags.clone().unwrap_or_default();
                    if &now_flags != flags {
                        modseq += 1;
                        tx.execute("UPDATE messages SET flags = ?3, modseq = ?4 WHERE folder = ?1 AND uid = ?2", params![name, uid, now_flags, modseq])?;
                        report.changed += 1;
                    }
                }
            }
        }
        // New files get UIDs in the order they arrived (time in the name, then the name).
        let mut new: Vec<&Entry> = files
            .iter()
            .filter(|e| !seen.contains(&e.name.unique))
            .collect();
        new.sort_by(|a, b| (a.name.time, &a.name.unique).cmp(&(b.name.time, &b.name.unique)));
        for e in new {
            let size = e
                .name
                .size
                .unwrap_or_else(|| std::fs::metadata(&e.path).map(|m| m.len()).unwrap_or(0));
            modseq += 1;
            tx.execute(
                "INSERT INTO messages (folder, uid, uniq, flags, modseq, size) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![name, uidnext, e.name.unique, e.name.flags.clone().unwrap_or_default(), modseq, size as i64],
            )?;
            uidnext += 1;
            report.added += 1;
        }
        tx.execute(
            "UPDATE folders SET uidnext = ?2, highestmodseq = ?3 WHERE name = ?1",
            params![name, uidnext, modseq],
        )?;
        tx.commit()?;
        report.messages = files.len() as u64;
        Ok(report)
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
}
