//! Folder rows: creating one (a fresh UIDVALIDITY, its RFC 6154 attribute), deleting and
//! renaming (each with its directory work inside the same locked step), subscriptions,
//! STATUS counts, and the account's one-time defaults marker. Not here: which names are
//! valid and where their directories are (`crate::maildir::folder`, the IMAP backend).

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{FolderRow, Index, IndexError, Result, folder_row, new_uidvalidity};

/// A folder's message counts, as STATUS reports them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FolderCounts {
    pub messages: u32,
    /// Messages no read-write session has claimed as \Recent yet.
    pub recent: u32,
    pub unseen: u32,
    pub deleted: u32,
    pub size: u64,
}

/// Drops every index row of a folder name (its messages, expunges and row).
fn forget(tx: &Connection, name: &str) -> rusqlite::Result<()> {
    for sql in [
        "DELETE FROM messages WHERE folder = ?1",
        "DELETE FROM expunged WHERE folder = ?1",
        "DELETE FROM metadata WHERE folder = ?1",
        "DELETE FROM folders WHERE name = ?1",
    ] {
        tx.execute(sql, [name])?;
    }
    Ok(())
}

impl Index {
    /// Whether the account's default folders were made once already.
    pub fn defaults_done(&self) -> Result<bool> {
        let done: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'defaults'", [], |r| {
                r.get(0)
            })
            .optional()?;
        Ok(done.is_some())
    }

    pub fn mark_defaults_done(&self) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('defaults', '1')",
            [],
        )?;
        Ok(())
    }

    /// Folder name → RFC 6154 attribute, for the folders that have one.
    pub fn special_uses(&self) -> Result<HashMap<String, String>> {
        let mut st = self
            .conn
            .prepare("SELECT name, special_use FROM folders WHERE special_use IS NOT NULL")?;
        Ok(st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Subscribed names, existing or not, sorted.
    pub fn subscriptions(&self) -> Result<Vec<String>> {
        let mut st = self
            .conn
            .prepare("SELECT name FROM subscriptions ORDER BY name")?;
        Ok(st
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// (subscribed names, whether `name` is one of them).
    pub fn subscription_count(&self, name: &str) -> Result<(usize, bool)> {
        let (have, already): (i64, bool) = self.conn.query_row(
            "SELECT count(*), coalesce(sum(name = ?1), 0) > 0 FROM subscriptions",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok((have as usize, already))
    }

    pub fn subscribe(&self, name: &str) -> Result<()> {
        self.conn.execute(
            "INSERT OR IGNORE INTO subscriptions (name) VALUES (?1)",
            [name],
        )?;
        Ok(())
    }

    pub fn unsubscribe(&self, name: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM subscriptions WHERE name = ?1", [name])?;
        Ok(())
    }

    /// A fresh row for a folder just made (a new UIDVALIDITY, even if a folder of this name
    /// existed before), with its special-use attribute.
    pub fn create_folder(&mut self, name: &str, special_use: Option<&str>) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        forget(&tx, name)?;
        folder_row(&tx, name)?;
        tx.execute(
            "UPDATE folders SET special_use = ?2 WHERE name = ?1",
            params![name, special_use],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Deletes a folder's rows; `remove` deletes its directory inside the same locked step
    /// (nothing is forgotten if it fails).
    pub fn delete_folder<E: From<IndexError>>(
        &mut self,
        name: &str,
        remove: impl FnOnce() -> Result<(), E>,
    ) -> Result<(), E> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(IndexError::from)?;
        remove()?;
        forget(&tx, name).map_err(IndexError::from)?;
        tx.commit().map_err(IndexError::from)?;
        Ok(())
    }

    /// Renames folders (old, new) in one locked step; `mv(old, new)` moves each directory
    /// first. Each renamed folder gets a new UIDVALIDITY and keeps its messages' rows.
    pub fn rename_folders<E: From<IndexError>>(
        &mut self,
        moves: &[(String, String)],
        mut mv: impl FnMut(&str, &str) -> Result<(), E>,
    ) -> Result<(), E> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(IndexError::from)?;
        for (old, new) in moves {
            mv(old, new)?;
            let db = |e: rusqlite::Error| E::from(IndexError::from(e));
            forget(&tx, new).map_err(db)?;
            let uv = new_uidvalidity(&tx).map_err(db)?;
            tx.execute(
                "UPDATE folders SET name = ?2, uidvalidity = ?3, new_mtime = 0, cur_mtime = 0 WHERE name = ?1",
                params![old, new, uv],
            )
            .map_err(db)?;
            tx.execute(
                "UPDATE messages SET folder = ?2 WHERE folder = ?1",
                params![old, new],
            )
            .map_err(db)?;
            tx.execute("DELETE FROM expunged WHERE folder = ?1", [old])
                .map_err(db)?;
            tx.execute(
                "UPDATE metadata SET folder = ?2 WHERE folder = ?1",
                params![old, new],
            )
            .map_err(db)?;
        }
        tx.commit().map_err(IndexError::from)?;
        Ok(())
    }

    /// RENAME of INBOX (RFC 3501 §6.3.5): `mv()` moves INBOX's files into `to` (an existing
    /// folder), inside one locked step. `to` keeps the UIDs (its UIDVALIDITY is new anyway);
    /// INBOX keeps its UIDNEXT, so they are never given again there, and records the
    /// expunges.
    pub fn rename_inbox<E: From<IndexError>>(
        &mut self,
        to: &str,
        mv: impl FnOnce() -> Result<(), E>,
    ) -> Result<(), E> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(IndexError::from)?;
        let inbox = folder_row(&tx, "INBOX").map_err(IndexError::from)?;
        mv()?;
        move_inbox_rows(&tx, to, &inbox).map_err(IndexError::from)?;
        tx.commit().map_err(IndexError::from)?;
        Ok(())
    }

    /// STATUS: the folder's row and counts, read together.
    pub fn folder_counts(&self, name: &str) -> Result<(FolderRow, FolderCounts)> {
        let tx = self.conn.unchecked_transaction()?;
        let row = folder_row(&tx, name)?;
        let counts = tx.query_row(
            "SELECT count(*), coalesce(sum(uid >= ?2), 0), coalesce(sum(instr(flags, 'S') = 0), 0), \
             coalesce(sum(instr(flags, 'T') > 0), 0), coalesce(sum(size), 0) \
             FROM messages WHERE folder = ?1",
            params![name, row.first_recent_uid],
            |r| {
                Ok(FolderCounts {
                    messages: r.get(0)?,
                    recent: r.get(1)?,
                    unseen: r.get(2)?,
                    deleted: r.get(3)?,
                    size: r.get::<_, i64>(4)? as u64,
                })
            },
        )?;
        tx.commit()?;
        Ok((row, counts))
    }
}

fn move_inbox_rows(tx: &Connection, to: &str, inbox: &FolderRow) -> rusqlite::Result<()> {
    let mut modseq = inbox.highestmodseq;
    {
        let uids: Vec<u32> = {
            let mut st = tx.prepare("SELECT uid FROM messages WHERE folder = 'INBOX'")?;
            st.query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        let mut gone = tx.prepare_cached(
            "INSERT OR REPLACE INTO expunged (folder, uid, modseq) VALUES ('INBOX', ?1, ?2)",
        )?;
        for uid in uids {
            modseq += 1;
            gone.execute(params![uid, modseq as i64])?;
        }
    }
    tx.execute(
        "UPDATE messages SET folder = ?1 WHERE folder = 'INBOX'",
        [to],
    )?;
    tx.execute(
        "UPDATE folders SET uidnext = max(uidnext, ?2), highestmodseq = max(highestmodseq, ?3) WHERE name = ?1",
        params![to, inbox.uidnext, inbox.highestmodseq as i64],
    )?;
    tx.execute(
        "UPDATE folders SET highestmodseq = ?1, new_mtime = 0, cur_mtime = 0 WHERE name = 'INBOX'",
        [modseq as i64],
    )?;
    Ok(())
}
