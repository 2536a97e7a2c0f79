//! Adopting messages that already have UIDs elsewhere (a migration from Dovecot or another
//! IMAP server): the folder takes the source's UIDVALIDITY and each message keeps its UID,
//! so the caches of IMAP clients (RFC 3501 §2.3.1.1, RFC 4549 disconnected clients such as
//! mbsync, Thunderbird, K-9) stay valid after the switch. When the folder here already
//! handed out UIDs under another UIDVALIDITY, UIDs cannot be kept: the messages are appended
//! with this folder's next UIDs and the outcome says so. Not here: reading the source
//! (`crate::maildir::import`), placing ordinary new messages (`uids.rs`).

use super::{Index, IndexError, NewMessage, Result, folder_row, schema, set_meta, u32_at};
use crate::core::sql::{Sql, Value, args};

/// What [`Index::adopt`] did with a batch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Adopted {
    pub uidvalidity: u32,
    /// The source's UIDVALIDITY and UIDs were kept (false: appended with new UIDs).
    pub kept_uids: bool,
    pub added: u64,
    /// Already here (same unique name), e.g. from an earlier run.
    pub present: u64,
    /// Not added because their UID is taken here by another message.
    pub conflicts: u64,
}

/// Whether the folder may take `uidvalidity`: it has no row yet, already has that
/// UIDVALIDITY, or never held a message (a default folder made at account creation).
fn may_take(sql: &Sql, folder: &str, uidvalidity: u32) -> Result<bool> {
    // A folder made here later must never get this value: `new_uidvalidity` starts above it.
    let last: Option<i64> = sql
        .query_opt(
            "SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'last_uidvalidity'",
            &[],
        )?
        .map(|r| r.get(0))
        .transpose()?;
    if last.is_none_or(|l| l < uidvalidity as i64) {
        set_meta(sql, "last_uidvalidity", &uidvalidity.to_string())?;
    }
    let row = sql.query_opt(
        "SELECT uidvalidity FROM folders WHERE name = ?1",
        args![folder],
    )?;
    let Some(row) = row else {
        sql.execute(
            &format!(
                "INSERT INTO folders (name, uidvalidity, uidnext, highestmodseq, mailbox_id) \
                 VALUES (?1, ?2, 1, 1, {})",
                schema::new_mailbox_id(sql)
            ),
            args![folder, uidvalidity as i64],
        )?;
        return Ok(true);
    };
    if u32_at(&row, 0)? == uidvalidity {
        return Ok(true);
    }
    let used: bool = sql
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM messages WHERE folder = ?1) \
             OR EXISTS (SELECT 1 FROM expunged WHERE folder = ?1) \
             OR (SELECT uidnext FROM folders WHERE name = ?1) > 1",
            args![folder],
        )?
        .get(0)?;
    if used {
        return Ok(false);
    }
    sql.execute(
        "UPDATE folders SET uidvalidity = ?2 WHERE name = ?1",
        args![folder, uidvalidity as i64],
    )?;
    Ok(true)
}

impl Index {
    /// Adopts `items` (source UID, message) into `folder` under the source's `uidvalidity`
    /// and `uidnext`, in one locked step. `put(i)` puts item i's file into `cur/` (it runs
    /// inside the transaction, before the row is written, so a concurrent scan never sees
    /// the file without its row; a file already there from an interrupted run is fine).
    /// Items whose unique name is indexed already are skipped, so a second run adds nothing.
    /// `mark` (key, value) is written with the rows, in the same transaction: how far an
    /// import got ([`Index::import_mark`]), never ahead of what was committed.
    pub fn adopt<E: From<IndexError>>(
        &mut self,
        folder: &str,
        (uidvalidity, uidnext): (u32, u32),
        items: &[(u32, NewMessage)],
        mark: Option<(&str, &str)>,
        mut put: impl FnMut(usize) -> Result<(), E>,
    ) -> Result<Adopted, E> {
        self.write(|sql| {
            // PostgreSQL: the folder's lock first (creating it is then `may_take`'s no-op).
            if sql.is_postgres() {
                folder_row(sql, folder, true)?;
            }
            let kept = uidvalidity != 0 && may_take(sql, folder, uidvalidity)?;
            let row = folder_row(sql, folder, true)?;
            let mut out = Adopted {
                uidvalidity: row.uidvalidity,
                kept_uids: kept,
                ..Default::default()
            };
            let (mut next, mut modseq) = (row.uidnext, row.highestmodseq);
            let insert = format!(
                "INSERT INTO messages (folder, uid, uniq, flags, modseq, size, internal_date, \
                 in_new, keywords, save_date, email_id) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8, ?9, {})",
                schema::new_email_id(sql)
            );
            let exists = |q: &str, v: Value| -> Result<bool> {
                Ok(sql.query_opt(q, &[folder.into(), v])?.is_some())
            };
            for (i, (src_uid, m)) in items.iter().enumerate() {
                let unique = Value::from(&m.unique);
                if exists(
                    "SELECT 1 FROM messages WHERE folder = ?1 AND uniq = ?2",
                    unique,
                )? {
                    out.present += 1;
                    continue;
                }
                let uid = if kept { *src_uid } else { next };
                let taken = "SELECT 1 FROM messages WHERE folder = ?1 AND uid = ?2";
                if uid == 0 || exists(taken, Value::Int(uid as i64))? {
                    out.conflicts += 1;
                    continue;
                }
                put(i)?;
                modseq += 1;
                sql.execute(
                    &insert,
                    args![
                        folder,
                        uid as i64,
                        &m.unique,
                        &m.letters,
                        modseq as i64,
                        m.size as i64,
                        m.internal_date,
                        &m.keywords,
                        super::now(),
                    ],
                )
                .map_err(IndexError::from)?;
                next = next.max(uid.saturating_add(1));
                out.added += 1;
            }
            if kept {
                next = next.max(uidnext);
            }
            // Adopted messages are old mail: none is \Recent for the next session.
            sql.execute(
                "UPDATE folders SET uidnext = ?2, highestmodseq = ?3, first_recent_uid = ?2, \
                 new_mtime = 0, cur_mtime = 0 WHERE name = ?1",
                args![folder, next as i64, modseq as i64],
            )
            .map_err(IndexError::from)?;
            if let Some((key, value)) = mark {
                set_meta(sql, &format!("import:{key}"), value)?;
            }
            Ok(out)
        })
    }

    /// What the last [`Index::adopt`] with this mark key wrote, if any.
    pub fn import_mark(&self, key: &str) -> Result<Option<String>> {
        self.sql
            .query_opt(
                "SELECT value FROM meta WHERE key = ?1",
                args![format!("import:{key}")],
            )?
            .map(|r| r.get(0).map_err(IndexError::from))
            .transpose()
    }
}
