//! Flags and keywords: STORE's read-modify-write of a message's flags (letters in the file
//! name, keywords in the row) with a new MODSEQ each (RFC 7162), and the distinct keywords
//! of a folder (for FLAGS at SELECT and the per-mailbox keyword cap). Not here: what the
//! flags mean (`crate::imap::flags`).

use std::collections::HashSet;

use super::{Index, IndexError, Result};
use crate::core::sql::args;

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
    /// MODSEQ; the message is no longer in new/. Returns (position, new MODSEQ) per change,
    /// in order: the MODSEQs are consecutive, from the folder's HIGHESTMODSEQ as the lock
    /// found it plus one (a session that had seen that one knows it has seen them all).
    /// The current flags come from the index, not a session's view, so two sessions never
    /// undo each other's changes.
    pub fn store_flags<E: From<IndexError>>(
        &mut self,
        folder: &str,
        uids: &[u32],
        mut change: impl FnMut(usize, &CurrentFlags) -> Result<Option<(String, String)>, E>,
    ) -> Result<Vec<(usize, u64)>, E> {
        self.write(|sql| {
            let (row, mut current) = super::uids::locked_with_current(sql, folder, uids)?;
            let mut modseq = row.highestmodseq;
            let mut done = Vec::new();
            let mut writes = Vec::new();
            for (i, &uid) in uids.iter().enumerate() {
                // Not there: expunged meanwhile, the next refresh reports it.
                let Some(cur) = current.get_mut(&uid) else {
                    continue;
                };
                let Some((letters, keywords)) = change(i, cur)? else {
                    continue;
                };
                modseq += 1;
                writes.push((uid, letters.clone(), keywords.clone(), modseq));
                // A UID named twice changes from what the first change left.
                *cur = CurrentFlags {
                    letters,
                    keywords,
                    modseq,
                };
                done.push((i, modseq));
            }
            // A UID named twice is written once, with its last change (one statement may
            // not update a row twice).
            writes.reverse();
            writes.sort_by_key(|w| w.0);
            writes.dedup_by_key(|w| w.0);
            // The rows after every file is renamed, in as few statements as the engine
            // allows; a scan between sees files ahead of rows and waits for this lock.
            super::writes::flags(sql, folder, &writes, modseq)?;
            Ok(done)
        })
    }

    /// The distinct keywords (lowercased) of a folder's messages.
    pub fn folder_keywords(&self, folder: &str) -> Result<HashSet<String>> {
        let mut set = HashSet::new();
        for row in self.sql.query(
            "SELECT DISTINCT keywords FROM messages WHERE folder = ?1 AND keywords != ''",
            args![folder],
        )? {
            let keywords: String = row.get(0)?;
            set.extend(
                keywords
                    .split(' ')
                    .filter(|k| !k.is_empty())
                    .map(str::to_ascii_lowercase),
            );
        }
        Ok(set)
    }
}
