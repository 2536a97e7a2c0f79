//! Folder rows: creating one (a fresh UIDVALIDITY, its RFC 6154 attribute), deleting and
//! renaming (each with its directory work inside the same locked step), subscriptions,
//! STATUS counts, and the account's one-time defaults marker. Not here: which names are
//! valid and where their directories are (`crate::maildir::folder`, the IMAP backend).

use std::collections::HashMap;

use super::{FolderRow, Index, IndexError, Result, folder_row, new_uidvalidity, set_meta, u32_at};
use crate::core::sql::{Sql, args};

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
fn forget(sql: &Sql, name: &str) -> Result<()> {
    for q in [
        "DELETE FROM messages WHERE folder = ?1",
        "DELETE FROM expunged WHERE folder = ?1",
        "DELETE FROM metadata WHERE folder = ?1",
        "DELETE FROM folders WHERE name = ?1",
    ] {
        sql.execute(q, args![name])?;
    }
    Ok(())
}

impl Index {
    /// Whether the account's default folders were made once already.
    pub fn defaults_done(&self) -> Result<bool> {
        Ok(self
            .sql
            .query_opt("SELECT value FROM meta WHERE key = 'defaults'", &[])?
            .is_some())
    }

    pub fn mark_defaults_done(&self) -> Result<()> {
        set_meta(&self.sql, "defaults", "1")
    }

    /// Folder name → RFC 6154 attribute, for the folders that have one.
    pub fn special_uses(&self) -> Result<HashMap<String, String>> {
        self.sql
            .query(
                "SELECT name, special_use FROM folders WHERE special_use IS NOT NULL",
                &[],
            )?
            .iter()
            .map(|r| Ok((r.get(0)?, r.get(1)?)))
            .collect()
    }

    /// Subscribed names, existing or not, sorted (byte order on both engines: here, not
    /// by the database's collation).
    pub fn subscriptions(&self) -> Result<Vec<String>> {
        let mut names = self
            .sql
            .query("SELECT name FROM subscriptions", &[])?
            .iter()
            .map(|r| Ok(r.get(0)?))
            .collect::<Result<Vec<String>>>()?;
        names.sort();
        Ok(names)
    }

    /// (subscribed names, whether `name` is one of them).
    pub fn subscription_count(&self, name: &str) -> Result<(usize, bool)> {
        let r = self.sql.query_one(
            "SELECT count(*), count(CASE WHEN name = ?1 THEN 1 END) FROM subscriptions",
            args![name],
        )?;
        let (have, already): (u64, u64) = (r.get(0)?, r.get(1)?);
        Ok((have as usize, already > 0))
    }

    pub fn subscribe(&self, name: &str) -> Result<()> {
        self.sql.execute(
            "INSERT INTO subscriptions (name) VALUES (?1) ON CONFLICT DO NOTHING",
            args![name],
        )?;
        Ok(())
    }

    pub fn unsubscribe(&self, name: &str) -> Result<()> {
        self.sql
            .execute("DELETE FROM subscriptions WHERE name = ?1", args![name])?;
        Ok(())
    }

    /// A fresh row for a folder just made (a new UIDVALIDITY, even if a folder of this name
    /// existed before), with its special-use attribute.
    pub fn create_folder(&mut self, name: &str, special_use: Option<&str>) -> Result<()> {
        self.write(|sql| {
            forget(sql, name)?;
            folder_row(sql, name, true)?;
            sql.execute(
                "UPDATE folders SET special_use = ?2 WHERE name = ?1",
                args![name, special_use],
            )?;
            Ok(())
        })
    }

    /// Deletes a folder's rows; `remove` deletes its directory inside the same locked step
    /// (nothing is forgotten if it fails).
    pub fn delete_folder<E: From<IndexError>>(
        &mut self,
        name: &str,
        remove: impl FnOnce() -> Result<(), E>,
    ) -> Result<(), E> {
        self.write(|sql| {
            // PostgreSQL: the folder's lock, so no writer of another node is mid-way in it.
            folder_row(sql, name, true)?;
            remove()?;
            forget(sql, name)?;
            Ok(())
        })
    }

    /// Renames folders (old, new) in one locked step; `mv(old, new)` moves each directory
    /// first. Each renamed folder gets a new UIDVALIDITY and keeps its messages' rows.
    pub fn rename_folders<E: From<IndexError>>(
        &mut self,
        moves: &[(String, String)],
        mut mv: impl FnMut(&str, &str) -> Result<(), E>,
    ) -> Result<(), E> {
        self.write(|sql| {
            for (old, new) in moves {
                folder_row(sql, old, true)?;
                mv(old, new)?;
                rename_rows(sql, old, new)?;
            }
            Ok(())
        })
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
        self.write(|sql| {
            let inbox = folder_row(sql, "INBOX", true)?;
            folder_row(sql, to, true)?;
            mv()?;
            move_inbox_rows(sql, to, &inbox)?;
            Ok(())
        })
    }

    /// STATUS: the folder's row and counts, read together.
    pub fn folder_counts(&self, name: &str) -> Result<(FolderRow, FolderCounts)> {
        self.read(|sql| {
            let row = folder_row(sql, name, false)?;
            // Sums cast to BIGINT: PostgreSQL's sum of BIGINT is NUMERIC. `replace` rather
            // than a LIKE, which SQLite matches case-blind (lowercase letters are keywords).
            let r = sql.query_one(
                "SELECT count(*), \
                 CAST(coalesce(sum(CASE WHEN uid >= ?2 THEN 1 ELSE 0 END), 0) AS BIGINT), \
                 CAST(coalesce(sum(CASE WHEN replace(flags, 'S', '') = flags THEN 1 ELSE 0 END), 0) AS BIGINT), \
                 CAST(coalesce(sum(CASE WHEN replace(flags, 'T', '') = flags THEN 0 ELSE 1 END), 0) AS BIGINT), \
                 CAST(coalesce(sum(size), 0) AS BIGINT) \
                 FROM messages WHERE folder = ?1",
                args![name, row.first_recent_uid as i64],
            )?;
            let counts = FolderCounts {
                messages: u32_at(&r, 0)?,
                recent: u32_at(&r, 1)?,
                unseen: u32_at(&r, 2)?,
                deleted: u32_at(&r, 3)?,
                size: r.get(4)?,
            };
            Ok((row, counts))
        })
    }
}

/// One folder's rows under a new name, with a new UIDVALIDITY.
fn rename_rows(sql: &Sql, old: &str, new: &str) -> Result<()> {
    forget(sql, new)?;
    let uv = new_uidvalidity(sql)?;
    sql.execute(
        "UPDATE folders SET name = ?2, uidvalidity = ?3, new_mtime = 0, cur_mtime = 0 WHERE name = ?1",
        args![old, new, uv as i64],
    )?;
    sql.execute(
        "UPDATE messages SET folder = ?2 WHERE folder = ?1",
        args![old, new],
    )?;
    sql.execute("DELETE FROM expunged WHERE folder = ?1", args![old])?;
    sql.execute(
        "UPDATE metadata SET folder = ?2 WHERE folder = ?1",
        args![old, new],
    )?;
    Ok(())
}

fn move_inbox_rows(sql: &Sql, to: &str, inbox: &FolderRow) -> Result<()> {
    let mut modseq = inbox.highestmodseq;
    let uids = sql
        .query("SELECT uid FROM messages WHERE folder = 'INBOX'", &[])?
        .iter()
        .map(|r| u32_at(r, 0))
        .collect::<Result<Vec<u32>>>()?;
    for uid in uids {
        modseq += 1;
        super::uids::record_expunged(sql, "INBOX", uid, modseq)?;
    }
    sql.execute(
        "UPDATE messages SET folder = ?1 WHERE folder = 'INBOX'",
        args![to],
    )?;
    // CASE, not SQLite's two-argument max() (PostgreSQL's is GREATEST).
    sql.execute(
        "UPDATE folders SET uidnext = CASE WHEN uidnext > ?2 THEN uidnext ELSE ?2 END, \
         highestmodseq = CASE WHEN highestmodseq > ?3 THEN highestmodseq ELSE ?3 END \
         WHERE name = ?1",
        args![to, inbox.uidnext as i64, inbox.highestmodseq as i64],
    )?;
    sql.execute(
        "UPDATE folders SET highestmodseq = ?1, new_mtime = 0, cur_mtime = 0 WHERE name = 'INBOX'",
        args![modseq as i64],
    )?;
    Ok(())
}
