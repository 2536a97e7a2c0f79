//! The look an IMAP refresh takes at a folder it holds a view of ([`KnownRows`]): in one
//! statement (one round trip, one snapshot of the database), the folder's row and the
//! changes above the view's HIGHESTMODSEQ — the rows written since and the UIDs expunged
//! since. The view patched with those changes is what the index holds, so the files are
//! compared with it ([`in_line`]) instead of with every row read again, and when they
//! agree the refresh has its changes without a second read ([`ScanOutcome::since`]).
//!
//! Not here: the look without a view and the locked scan (`scan.rs`), merging the changes
//! into the view (`crate::imap::mailstore::view`).

use std::collections::HashMap;
use std::path::Path;

use super::scan::{claim_recent, in_line};
use super::uids::{MessageRow, ROW_COLUMNS, Snapshot, folder_in_row_layout, message_row};
use super::{FolderRow, Index, KnownRows, Result, u32_at};
use crate::core::sql::args;

/// A scan that would change nothing, as decided without the write lock.
pub(super) struct Unchanged {
    pub row: FolderRow,
    /// The UIDs \Recent for the caller.
    pub recent: std::ops::Range<u32>,
    /// The directories went unread (their mtimes are the recorded ones).
    pub skipped: bool,
    /// The changes above the view's HIGHESTMODSEQ, when the look read them (None when a
    /// \Recent claim saw rows the look did not, or there was no view).
    pub since: Option<Snapshot>,
}

/// What [`Index::look`] decided without the write lock.
pub(super) enum Looked {
    /// The files are in line with the rows.
    Current(Unchanged),
    /// A file waits in new/ and the view cannot say where its row has it: ask with the
    /// rows (the look without a view).
    AskRows,
    /// Something differs (or the folder has no row yet): the locked scan decides.
    Scan,
}

/// What the look's statement read.
struct LookRead {
    folder: FolderRow,
    /// A row says a file waits in new/ (asked only when the mtimes are the recorded ones
    /// and new/ files are to move).
    waiting_in_new: bool,
    /// The rows written above the view's HIGHESTMODSEQ, each with its in_new.
    changed: Vec<(MessageRow, bool)>,
    /// The UIDs expunged above it.
    expunged: Vec<u32>,
}

impl Index {
    /// The refresh's look with a view: see the module doc. `mtimes` are new/'s and cur/'s,
    /// read before anything else.
    pub(super) fn look(
        &self,
        name: &str,
        dir: &Path,
        (new_m, cur_m): (i64, i64),
        move_new_files: bool,
        view: &KnownRows,
    ) -> Result<Looked> {
        let read = self.read_look(name, (new_m, cur_m), move_new_files, view.highestmodseq)?;
        let Some(LookRead {
            mut folder,
            waiting_in_new,
            changed,
            expunged,
        }) = read
        else {
            return Ok(Looked::Scan);
        };
        // As in `scan::unchanged`: SQLite claims \Recent in the locked scan.
        let claim = move_new_files && folder.first_recent_uid < folder.uidnext;
        if claim && !self.sql.is_postgres() {
            return Ok(Looked::Scan);
        }
        let skipped = new_m != 0 && new_m == folder.new_mtime && cur_m == folder.cur_mtime;
        if skipped && waiting_in_new {
            return Ok(Looked::Scan);
        }
        if !skipped {
            // The index's rows: the view's, less what was expunged since, with what was
            // written since (their place, new/ or cur/, known from the rows).
            let mut rows: HashMap<u32, (&str, &str, Option<bool>)> = view
                .rows
                .iter()
                .map(|&(uid, u, f)| (uid, (u, f, None)))
                .collect();
            for uid in &expunged {
                rows.remove(uid);
            }
            for (m, in_new) in &changed {
                rows.insert(m.uid, (&m.unique, &m.letters, Some(*in_new)));
            }
            match in_line(
                rows.into_values(),
                dir,
                &folder,
                (new_m, cur_m),
                move_new_files,
            )? {
                Some(true) => {}
                Some(false) => return Ok(Looked::Scan),
                None => return Ok(Looked::AskRows),
            }
        }
        let mut current = Some(Snapshot {
            folder,
            rows: changed.into_iter().map(|(m, _)| m).collect(),
            expunged,
            mailbox_id: None,
        });
        let recent = if !move_new_files {
            folder.first_recent_uid..folder.uidnext
        } else if claim {
            let claimed = claim_recent(&self.sql, name)?.unwrap_or(0..0);
            if claimed.end > folder.uidnext {
                // Rows placed since the look: the changes it read are not all there are.
                folder.uidnext = claimed.end;
                current = None;
            }
            claimed
        } else {
            0..0
        };
        Ok(Looked::Current(Unchanged {
            row: folder,
            recent,
            skipped,
            since: current,
        }))
    }

    /// The look's one statement (None: the folder has no row yet).
    fn read_look(
        &self,
        name: &str,
        (new_m, cur_m): (i64, i64),
        move_new_files: bool,
        since: u64,
    ) -> Result<Option<LookRead>> {
        let mut folder = None;
        let mut waiting_in_new = false;
        let (mut changed, mut expunged) = (Vec::new(), Vec::new());
        // Kind in column 9: 0 the folder, 1 a row written since (in_new in column 10), 2 an
        // expunge since.
        for r in self.sql.query(
            &format!(
                "SELECT uidvalidity, CAST(NULL AS TEXT), CAST(NULL AS TEXT), \
                        CAST(NULL AS TEXT), highestmodseq, uidnext, new_mtime, cur_mtime, \
                        first_recent_uid, 0, \
                        CASE WHEN ?4 = 1 AND new_mtime = ?2 AND cur_mtime = ?3 \
                             AND new_mtime <> 0 AND EXISTS (SELECT 1 FROM messages \
                               WHERE folder = ?1 AND in_new = 1) \
                        THEN 1 ELSE 0 END \
                   FROM folders WHERE name = ?1 \
                 UNION ALL SELECT {ROW_COLUMNS}, 1, in_new \
                   FROM messages WHERE folder = ?1 AND modseq > ?5 \
                 UNION ALL SELECT uid, NULL, NULL, NULL, modseq, 0, NULL, NULL, 0, 2, 0 \
                   FROM expunged WHERE folder = ?1 AND modseq > ?5 \
                 ORDER BY 10, 1"
            ),
            args![name, new_m, cur_m, move_new_files, since as i64],
        )? {
            match r.get::<i64>(9)? {
                0 => {
                    waiting_in_new = r.get::<i64>(10)? == 1;
                    folder = Some(folder_in_row_layout(&r)?);
                }
                1 => {
                    let in_new = r.get::<i64>(10)? == 1;
                    changed.push((message_row(r)?, in_new));
                }
                _ => expunged.push(u32_at(&r, 0)?),
            }
        }
        Ok(folder.map(|folder| LookRead {
            folder,
            waiting_in_new,
            changed,
            expunged,
        }))
    }
}
