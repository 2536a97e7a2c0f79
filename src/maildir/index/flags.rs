//! Flags and keywords: STORE's read-modify-write of a message's flags (letters in the file
//! name, keywords in the row) with a new MODSEQ each (RFC 7162), and the distinct keywords
//! of a folder (for FLAGS at SELECT and the per-mailbox keyword cap). Not here: what the
//! flags mean (`crate::imap::flags`).

use std::collections::HashSet;

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::{Index, IndexError, Result, folder_row};

/// A message's flags as the index has them when STORE reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentFlags {
    /// Maildir info letters.
    pub letters: String,
    /// Keywords, space-separated.
    pub keywords: String,
    pub modseq: u64,
}

impl Index {
    /// STORE in one locked step. For each UID still indexed, `change(i, current)` (i: its
    /// position in `uids`) decides the new flags and renames the file, returning the new
    /// (letters, keywords), or None to leave the message alone. Each change gets a new
    /// MODSEQ; the message is no longer in new/. Returns (position, new MODSEQ) per change.
    /// The current flags come from the index, not a session's view, so two sessions never
    /// undo each other's changes.
    pub fn store_flags<E: From<IndexError>>(
        &mut self,
        folder: &str,
        uids: &[u32],
        mut change: impl FnMut(usize, &CurrentFlags) -> Result<Option<(String, String)>, E>,
    ) -> Result<Vec<(usize, u64)>, E> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(IndexError::from)?;
        let done = (|| {
            let db = |e: rusqlite::Error| E::from(IndexError::from(e));
            let row = folder_row(&tx, folder).map_err(db)?;
            let mut modseq = row.highestmodseq;
            let mut done = Vec::new();
            let mut get = tx
                .prepare_cached(
                    "SELECT flags, keywords, modseq FROM messages WHERE folder = ?1 AND uid = ?2",
                )
                .map_err(db)?;
            let mut put = tx
                .prepare_cached(
                    "UPDATE messages SET flags = ?3, keywords = ?4, modseq = ?5, in_new = 0 \
                     WHERE folder = ?1 AND uid = ?2",
                )
                .map_err(db)?;
            for (i, &uid) in uids.iter().enumerate() {
                let Some(current) = get
                    .query_row(params![folder, uid], |r| {
                        Ok(CurrentFlags {
                            letters: r.get(0)?,
                            keywords: r.get(1)?,
                            modseq: r.get::<_, i64>(2)? as u64,
                        })
                    })
                    .optional()
                    .map_err(db)?
                else {
                    continue; // expunged meanwhile: the next refresh reports it
                };
                let Some((letters, keywords)) = change(i, &current)? else {
                    continue;
                };
                modseq += 1;
                put.execute(params![folder, uid, letters, keywords, modseq as i64])
                    .map_err(db)?;
                done.push((i, modseq));
            }
            tx.execute(
                "UPDATE folders SET highestmodseq = ?2 WHERE name = ?1",
                params![folder, modseq as i64],
            )
            .map_err(db)?;
            Ok::<_, E>(done)
        })()?;
        tx.commit().map_err(IndexError::from)?;
        Ok(done)
    }

    /// The distinct keywords (lowercased) of a folder's messages.
    pub fn folder_keywords(&self, folder: &str) -> Result<HashSet<String>> {
        let mut st = self.conn.prepare_cached(
            "SELECT DISTINCT keywords FROM messages WHERE folder = ?1 AND keywords != ''",
        )?;
        let mut set = HashSet::new();
        for row in st.query_map([folder], |r| r.get::<_, String>(0))? {
            set.extend(
                row?.split(' ')
                    .filter(|k| !k.is_empty())
                    .map(str::to_ascii_lowercase),
            );
        }
        Ok(set)
    }
}
