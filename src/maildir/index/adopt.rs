//! Adopting messages that already have UIDs elsewhere (a migration from Dovecot or another
//! IMAP server): the folder takes the source's UIDVALIDITY and each message keeps its UID,
//! so the caches of IMAP clients (RFC 3501 §2.3.1.1, RFC 4549 disconnected clients such as
//! mbsync, Thunderbird, K-9) stay valid after the switch. When the folder here already
//! handed out UIDs under another UIDVALIDITY, UIDs cannot be kept: the messages are appended
//! with this folder's next UIDs and the outcome says so. Not here: reading the source
//! (`crate::maildir::import`), placing ordinary new messages (`uids.rs`).

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{Index, IndexError, NewMessage, Result, schema, sqlite_folder_row};

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
fn may_take(tx: &Connection, folder: &str, uidvalidity: u32) -> rusqlite::Result<bool> {
    // A folder made here later must never get this value: `new_uidvalidity` starts above it.
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('last_uidvalidity', ?1) ON CONFLICT (key) \
         DO UPDATE SET value = max(CAST(value AS INTEGER), ?1)",
        [uidvalidity],
    )?;
    let row: Option<u32> = tx
        .query_row(
            "SELECT uidvalidity FROM folders WHERE name = ?1",
            [folder],
            |r| r.get(0),
        )
        .optional()?;
    let Some(have) = row else {
        tx.execute(
            &format!(
                "INSERT INTO folders (name, uidvalidity, uidnext, highestmodseq, mailbox_id) \
                 VALUES (?1, ?2, 1, 1, {})",
                schema::NEW_MAILBOX_ID
            ),
            params![folder, uidvalidity],
        )?;
        return Ok(true);
    };
    if have == uidvalidity {
        return Ok(true);
    }
    let used: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM messages WHERE folder = ?1) \
         OR EXISTS (SELECT 1 FROM expunged WHERE folder = ?1) \
         OR (SELECT uidnext FROM folders WHERE name = ?1) > 1",
        [folder],
        |r| r.get(0),
    )?;
    if used {
        return Ok(false);
    }
    tx.execute(
        "UPDATE folders SET uidvalidity = ?2 WHERE name = ?1",
        params![folder, uidvalidity],
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
        let db = |e: rusqlite::Error| E::from(IndexError::from(e));
        let tx = self
            .conn_mut()?
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db)?;
        let out = (|| {
            let kept = uidvalidity != 0 && may_take(&tx, folder, uidvalidity).map_err(db)?;
            let row = sqlite_folder_row(&tx, folder).map_err(db)?;
            let mut out = Adopted {
                uidvalidity: row.uidvalidity,
                kept_uids: kept,
                ..Default::default()
            };
            let (mut next, mut modseq) = (row.uidnext, row.highestmodseq);
            let mut has_uniq = tx
                .prepare_cached("SELECT 1 FROM messages WHERE folder = ?1 AND uniq = ?2")
                .map_err(db)?;
            let mut has_uid = tx
                .prepare_cached("SELECT 1 FROM messages WHERE folder = ?1 AND uid = ?2")
                .map_err(db)?;
            let mut ins = tx
                .prepare_cached(&format!(
                    "INSERT INTO messages (folder, uid, uniq, flags, modseq, size, internal_date, \
                     in_new, keywords, save_date, email_id) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8, ?9, {})",
                    schema::NEW_EMAIL_ID
                ))
                .map_err(db)?;
            for (i, (src_uid, m)) in items.iter().enumerate() {
                let exists = |st: &mut rusqlite::CachedStatement<'_>, v: &dyn rusqlite::ToSql| {
                    st.query_row(params![folder, v], |_| Ok(()))
                        .optional()
                        .map(|o| o.is_some())
                };
                if exists(&mut has_uniq, &m.unique).map_err(db)? {
                    out.present += 1;
                    continue;
                }
                let uid = if kept { *src_uid } else { next };
                if uid == 0 || exists(&mut has_uid, &uid).map_err(db)? {
                    out.conflicts += 1;
                    continue;
                }
                put(i)?;
                modseq += 1;
                ins.execute(params![
                    folder,
                    uid,
                    m.unique,
                    m.letters,
                    modseq as i64,
                    m.size as i64,
                    m.internal_date,
                    m.keywords,
                    super::now(),
                ])
                .map_err(db)?;
                next = next.max(uid.saturating_add(1));
                out.added += 1;
            }
            if kept {
                next = next.max(uidnext);
            }
            // Adopted messages are old mail: none is \Recent for the next session.
            tx.execute(
                "UPDATE folders SET uidnext = ?2, highestmodseq = ?3, first_recent_uid = ?2, \
                 new_mtime = 0, cur_mtime = 0 WHERE name = ?1",
                params![folder, next, modseq as i64],
            )
            .map_err(db)?;
            if let Some((key, value)) = mark {
                tx.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                    params![format!("import:{key}"), value],
                )
                .map_err(db)?;
            }
            Ok::<_, E>(out)
        })()?;
        tx.commit().map_err(db)?;
        Ok(out)
    }

    /// What the last [`Index::adopt`] with this mark key wrote, if any.
    pub fn import_mark(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn()?
            .query_row(
                "SELECT value FROM meta WHERE key = ?1",
                [format!("import:{key}")],
                |r| r.get(0),
            )
            .optional()?)
    }
}
