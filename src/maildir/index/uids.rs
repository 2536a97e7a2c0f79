//! UIDs: handing them out to files placed into a folder (APPEND, COPY, MOVE), taking them
//! away (EXPUNGE, the source side of MOVE), and reading a folder's rows for a session's
//! view (SELECT, and each refresh: only rows above the MODSEQ it last saw). Not here: the
//! scan that indexes files other programs dropped in (`scan.rs`).

use std::collections::{HashMap, HashSet};

use super::{FolderRow, Index, IndexError, Result, folder_row, u32_at};
use crate::core::sql::{Sql, args};

/// A file about to be placed into `cur/`, as its row will say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    pub unique: String,
    /// Maildir info letters.
    pub letters: String,
    /// Keywords, space-separated.
    pub keywords: String,
    pub size: u64,
    pub internal_date: i64,
    /// RFC 8474 EMAILID to keep (COPY, MOVE); None gets a fresh one.
    pub email_id: Option<u64>,
}

/// One message's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRow {
    pub uid: u32,
    pub unique: String,
    pub letters: String,
    pub keywords: String,
    pub modseq: u64,
    pub size: u64,
    /// None for rows from an index older than the column.
    pub internal_date: Option<i64>,
    /// RFC 8514: when it was put into this folder; None only for an old row without an
    /// internal date either.
    pub save_date: Option<i64>,
    /// RFC 8474 EMAILID (every row has one once migrated).
    pub email_id: u64,
}

/// A folder's row and the changes above a MODSEQ, read in one consistent snapshot.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub folder: FolderRow,
    /// Rows with MODSEQ above the one asked for, by UID.
    pub rows: Vec<MessageRow>,
    /// UIDs expunged above it, ascending (empty unless asked for).
    pub expunged: Vec<u32>,
    /// The folder's RFC 8474 MAILBOXID when the read had it at hand (PostgreSQL, once
    /// given); otherwise [`Index::mailbox_id`] gives (and if need be assigns) it.
    pub mailbox_id: Option<String>,
}

/// The columns [`message_row`] reads, in its order.
pub(super) const ROW_COLUMNS: &str = "uid, uniq, flags, keywords, modseq, size, internal_date, save_date, \
                           coalesce(email_id, 0)";

/// Rows of a folder with MODSEQ above `since`, by UID: one indexed query.
fn rows(sql: &Sql, folder: &str, since: u64) -> Result<Vec<MessageRow>> {
    // The hot read of SELECT and every resync: columns are moved out, not copied.
    Ok(sql.query_map(
        &format!(
            "SELECT {ROW_COLUMNS} FROM messages WHERE folder = ?1 AND modseq > ?2 ORDER BY uid"
        ),
        args![folder, since as i64],
        message_row,
    )?)
}

/// The folder's row where a statement mixes it with message rows laid out as
/// [`ROW_COLUMNS`]: UIDVALIDITY in the UID's column, then HIGHESTMODSEQ, UIDNEXT, the two
/// mtimes and the first \Recent UID in columns 4 to 8.
pub(super) fn folder_in_row_layout(r: &crate::core::sql::Row) -> Result<FolderRow> {
    Ok(FolderRow {
        uidvalidity: u32_at(r, 0)?,
        highestmodseq: r.get(4)?,
        uidnext: u32_at(r, 5)?,
        new_mtime: r.get(6)?,
        cur_mtime: r.get(7)?,
        first_recent_uid: u32_at(r, 8)?,
    })
}

pub(super) fn message_row(mut r: crate::core::sql::Row) -> crate::core::Result<MessageRow> {
    let uid: i64 = r.get(0)?;
    Ok(MessageRow {
        uid: u32::try_from(uid).map_err(|_| {
            crate::core::CoreError::Invalid(format!("mailbox index: {uid} is not a 32-bit UID"))
        })?,
        unique: r.take(1)?,
        letters: r.take(2)?,
        keywords: r.take(3)?,
        modseq: r.get(4)?,
        size: r.get(5)?,
        internal_date: r.get(6)?,
        save_date: r.get(7)?,
        email_id: r.get(8)?,
    })
}

fn expunged_since(sql: &Sql, folder: &str, since: u64) -> Result<Vec<u32>> {
    sql.query(
        "SELECT uid FROM expunged WHERE folder = ?1 AND modseq > ?2 ORDER BY uid",
        args![folder, since as i64],
    )?
    .iter()
    .map(|r| u32_at(r, 0))
    .collect()
}

/// UIDs further apart than this are read by separate range queries in [`current_of`]: a
/// sparse set never reads more than this many unasked rows per asked one.
const RANGE_GAP: u32 = 64;

/// The folder's row, locked for the caller's transaction (as [`folder_row`] with `lock`),
/// and the current (letters, keywords, MODSEQ) of the messages `uids` still indexed, by
/// UID, read once the lock is held: STORE's and EXPUNGE's first step. One range query per
/// run of UIDs less than [`RANGE_GAP`] apart, instead of one query per UID; on PostgreSQL
/// the lock and the range queries go in one round trip (each query a snapshot of its own,
/// taken after the lock was granted, so no writer before us is missed), the first of the
/// two a STORE or EXPUNGE makes under the folder's lock.
pub(super) fn locked_with_current(
    sql: &Sql,
    folder: &str,
    uids: &[u32],
) -> Result<(FolderRow, HashMap<u32, super::CurrentFlags>)> {
    let mut sorted = uids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut ranges = Vec::new();
    let mut rest = &sorted[..];
    while let Some(&first) = rest.first() {
        let run = rest
            .windows(2)
            .position(|w| w[1] - w[0] > RANGE_GAP)
            .map_or(rest.len(), |i| i + 1);
        ranges.push(args![folder, first as i64, rest[run - 1] as i64].to_vec());
        rest = &rest[run..];
    }
    const CURRENT: &str = "SELECT uid, flags, keywords, modseq FROM messages \
                           WHERE folder = ?1 AND uid >= ?2 AND uid <= ?3";
    let (row, read) = if sql.is_postgres() {
        let name = args![folder];
        let mut queries = vec![(super::FOLDER_ROW_LOCKED, name)];
        queries.extend(ranges.iter().map(|a| (CURRENT, &a[..])));
        let mut answers = sql.queries(&queries)?.into_iter();
        let row = answers.next().and_then(|rows| rows.into_iter().next());
        match row {
            Some(r) => (super::read_folder_row(&r)?, Some(answers.collect())),
            // No row yet: made (and locked) now; the messages are read after it.
            None => (folder_row(sql, folder, true)?, None),
        }
    } else {
        (folder_row(sql, folder, true)?, None)
    };
    let rows: Vec<Vec<crate::core::sql::Row>> = match read {
        Some(rows) => rows,
        None => ranges
            .iter()
            .map(|a| sql.query(CURRENT, a))
            .collect::<crate::core::Result<_>>()?,
    };
    let wanted: HashSet<u32> = sorted.iter().copied().collect();
    let mut out = HashMap::with_capacity(sorted.len());
    for r in rows.iter().flatten() {
        let uid = u32_at(r, 0)?;
        if wanted.contains(&uid) {
            let current = super::CurrentFlags {
                letters: r.get(1)?,
                keywords: r.get(2)?,
                modseq: r.get(3)?,
            };
            out.insert(uid, current);
        }
    }
    Ok((row, out))
}

/// Records an expunged UID with its MODSEQ (an upsert: see [`super::set_meta`] for why
/// PostgreSQL's text names the account's table).
pub(super) fn record_expunged(sql: &Sql, folder: &str, uid: u32, modseq: u64) -> Result<()> {
    sql.execute(
        if sql.is_postgres() {
            "INSERT INTO mailbox_index.mailbox_expunged (account, folder, uid, modseq) \
             VALUES (current_setting('mailctl.account'), ?1, ?2, ?3) \
             ON CONFLICT (account, folder, uid) DO UPDATE SET modseq = excluded.modseq"
        } else {
            "INSERT OR REPLACE INTO expunged (folder, uid, modseq) VALUES (?1, ?2, ?3)"
        },
        args![folder, uid as i64, modseq as i64],
    )?;
    Ok(())
}

/// PostgreSQL: [`Index::snapshot`] as one statement, which reads one snapshot of the
/// database by itself (READ COMMITTED), so the three reads agree without a transaction:
/// one round trip where BEGIN, three reads and COMMIT were five, on every command a
/// session refreshes its view. The folder's row comes as a row of kind 0 (its columns in
/// the message columns: UIDVALIDITY as the UID, HIGHESTMODSEQ as the MODSEQ, UIDNEXT as the
/// size, the mtimes as the dates, the first \Recent UID as the EMAILID), messages as kind
/// 1, expunged UIDs as kind 2. None when the folder has no row yet: the caller creates it.
fn snapshot_in_one(
    sql: &Sql,
    folder: &str,
    since: u64,
    with_expunged: bool,
) -> Result<Option<Snapshot>> {
    let rows = sql.query(
        &format!(
            "SELECT uidvalidity, mailbox_id, CAST(NULL AS TEXT), CAST(NULL AS TEXT), \
                    highestmodseq, uidnext, new_mtime, cur_mtime, first_recent_uid, 0 \
               FROM folders WHERE name = ?1 \
             UNION ALL SELECT {ROW_COLUMNS}, 1 FROM messages WHERE folder = ?1 AND modseq > ?2 \
             UNION ALL SELECT uid, NULL, NULL, NULL, modseq, 0, NULL, NULL, 0, 2 \
               FROM expunged WHERE folder = ?1 AND modseq > ?2 AND ?3 = 1 \
             ORDER BY 10, 1"
        ),
        args![folder, since as i64, with_expunged],
    )?;
    let (mut folder_row, mut mailbox_id) = (None, None);
    let (mut messages, mut expunged) = (Vec::new(), Vec::new());
    for r in rows {
        match r.get::<i64>(9)? {
            0 => {
                mailbox_id = r.get(1)?;
                folder_row = Some(folder_in_row_layout(&r)?);
            }
            1 => messages.push(message_row(r)?),
            _ => expunged.push(u32_at(&r, 0)?),
        }
    }
    Ok(folder_row.map(|folder| Snapshot {
        folder,
        rows: messages,
        expunged,
        mailbox_id,
    }))
}

impl Index {
    /// One page of a folder for a list view, newest (highest UID) first: the rows after
    /// the `skip` newest, at most `limit`. One query on the (folder, uid) key that reads only
    /// those rows, however big the folder (a webmail page of a 10,000-message folder).
    pub fn newest(&self, folder: &str, skip: usize, limit: usize) -> Result<Vec<MessageRow>> {
        Ok(self.sql.query_map(
            &format!(
                "SELECT {ROW_COLUMNS} FROM messages WHERE folder = ?1 \
                 ORDER BY uid DESC LIMIT ?2 OFFSET ?3"
            ),
            args![
                folder,
                limit.min(i64::MAX as usize) as i64,
                skip.min(i64::MAX as usize) as i64
            ],
            message_row,
        )?)
    }

    /// The unique name of a message by UID.
    pub fn unique_of(&self, folder: &str, uid: u32) -> Result<Option<String>> {
        self.sql
            .query_opt(
                "SELECT uniq FROM messages WHERE folder = ?1 AND uid = ?2",
                args![folder, uid as i64],
            )?
            .map(|r| r.get(0).map_err(IndexError::from))
            .transpose()
    }

    /// The folder's row (created if missing), its rows with MODSEQ above `since` and, with
    /// `with_expunged`, the UIDs expunged above it: one read transaction, so the three agree.
    pub fn snapshot(&self, folder: &str, since: u64, with_expunged: bool) -> Result<Snapshot> {
        if self.sql.is_postgres()
            && let Some(snap) = snapshot_in_one(&self.sql, folder, since, with_expunged)?
        {
            return Ok(snap);
        }
        self.read(|sql| {
            let row = folder_row(sql, folder, false)?;
            let rows = rows(sql, folder, since)?;
            let expunged = if with_expunged {
                expunged_since(sql, folder, since)?
            } else {
                Vec::new()
            };
            Ok(Snapshot {
                folder: row,
                rows,
                expunged,
                mailbox_id: None,
            })
        })
    }

    /// QRESYNC: UIDs expunged from a folder above `modseq` (ascending).
    pub fn expunged_since(&self, folder: &str, modseq: u64) -> Result<Vec<u32>> {
        expunged_since(&self.sql, folder, modseq)
    }

    /// Gives `items` the folder's next UIDs and MODSEQs, in one locked step. `put(i)` moves
    /// item i's file into place; it runs inside the transaction, before the item's row is
    /// written, so a concurrent scan never sees the file without its row. Returns the
    /// folder's UIDVALIDITY and the UIDs given. Nothing is committed if `put` fails.
    pub fn place<E: From<IndexError>>(
        &mut self,
        folder: &str,
        items: &[&NewMessage],
        mut put: impl FnMut(usize) -> Result<(), E>,
    ) -> Result<(u32, Vec<u32>), E> {
        self.write(|sql| {
            let row = folder_row(sql, folder, true)?;
            let (mut uid, mut modseq) = (row.uidnext, row.highestmodseq);
            let mut placed = Vec::with_capacity(items.len());
            for (i, p) in items.iter().enumerate() {
                put(i)?;
                modseq += 1;
                placed.push((uid, modseq, *p));
                uid = uid.saturating_add(1);
            }
            // The rows after the files, as in `store_flags`.
            super::writes::placed(sql, folder, &placed, uid, modseq)?;
            let uids = placed.iter().map(|p| p.0).collect();
            Ok((row.uidvalidity, uids))
        })
    }

    /// Expunges messages of a folder in one locked step. For each UID still indexed,
    /// `remove(i, letters)` (i: its position in `uids`, letters: its current Maildir info
    /// letters) decides and removes the file, returning whether it did; each removed message
    /// gets an `expunged` row with a new MODSEQ. Returns the positions removed.
    pub fn expunge<E: From<IndexError>>(
        &mut self,
        folder: &str,
        uids: &[u32],
        mut remove: impl FnMut(usize, &str) -> Result<bool, E>,
    ) -> Result<Vec<usize>, E> {
        self.write(|sql| {
            let (row, mut current) = locked_with_current(sql, folder, uids)?;
            let mut modseq = row.highestmodseq;
            let mut removed = Vec::new();
            let mut gone = Vec::new();
            for (i, &uid) in uids.iter().enumerate() {
                // Taken out: a UID named twice is expunged once.
                let Some(found) = current.remove(&uid) else {
                    continue;
                };
                if !remove(i, &found.letters)? {
                    continue;
                }
                modseq += 1;
                gone.push((uid, modseq));
                removed.push(i);
            }
            // The rows after the files, as in `store_flags`.
            super::writes::expunges(sql, folder, &gone, modseq)?;
            Ok(removed)
        })
    }
}
