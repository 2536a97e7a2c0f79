//! The mailbox indexes' part of the move (issue 21.5): every user's `mailctl.index.db` is
//! copied into PostgreSQL's `mailbox_index` tables under the user's address, one
//! transaction per account (`crate::maildir::index::copy_to`), so every mailbox keeps its
//! UIDVALIDITY, UIDs, MODSEQs and flags and a client's cache stays valid. Once the data
//! directory names PostgreSQL, each SQLite index is renamed aside
//! (`crate::maildir::index::set_aside`).
//!
//! Not here: the tables themselves (the index module owns them), the core's rows (the parent
//! module).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use super::super::paths::DataDir;
use super::super::{CoreError, Db, Result};
use super::Progress;
use crate::maildir::index::{self, Index, IndexError};

/// What the move did with the mailbox indexes.
#[derive(Debug, Default, Serialize)]
pub struct IndexesMoved {
    /// Users whose index was copied.
    pub accounts: u64,
    /// Users whose Maildir had no index yet (nothing to copy; one is made on first use).
    pub without_index: u64,
    /// Rows copied per table, summed over the accounts.
    pub rows: BTreeMap<String, u64>,
    /// The SQLite index files, renamed aside once the data directory uses PostgreSQL.
    pub set_aside: Vec<PathBuf>,
    /// The Maildirs whose index was copied (for renaming their files aside).
    #[serde(skip)]
    pub(super) roots: Vec<PathBuf>,
}

impl IndexesMoved {
    pub fn messages(&self) -> u64 {
        self.rows.get("messages").copied().unwrap_or(0)
    }
}

fn in_account(account: &str, e: IndexError) -> CoreError {
    CoreError::Invalid(format!("the mailbox index of {account}: {e}"))
}

/// Copies the index of every user of `db` into the PostgreSQL database at `url`, whose
/// schema is already current. An account copied by an earlier, failed run is replaced.
pub(super) fn copy_all(
    db: &Db,
    data_dir: &DataDir,
    url: &str,
    progress: &mut dyn FnMut(Progress),
) -> Result<IndexesMoved> {
    let users = db.users(None)?;
    let mut moved = IndexesMoved::default();
    // One connection for every account, opened when the first index turns up.
    let mut pg: Option<Index> = None;
    for (done, user) in users.iter().enumerate() {
        let account = user.address.to_string();
        let (done, of) = (done as u64, users.len() as u64);
        progress(Progress::Account {
            account: &account,
            rows: 0,
            done,
            of,
        });
        let root = data_dir.maildir(&user.address);
        let Some(from) = Index::open_existing(&root).map_err(|e| in_account(&account, e))? else {
            moved.without_index += 1;
            continue;
        };
        let to = match &mut pg {
            Some(to) => {
                to.switch_account(&account, &root)
                    .map_err(|e| in_account(&account, e))?;
                to
            }
            None => pg.insert(
                Index::open_postgres(url, &account, &root).map_err(|e| in_account(&account, e))?,
            ),
        };
        let copied = index::copy_to(&from, to, &mut |rows| {
            progress(Progress::Account {
                account: &account,
                rows,
                done,
                of,
            })
        })
        .map_err(|e| in_account(&account, e))?;
        for (table, n) in copied {
            *moved.rows.entry(table).or_default() += n;
        }
        moved.accounts += 1;
        moved.roots.push(root);
    }
    progress(Progress::Account {
        account: "",
        rows: 0,
        done: users.len() as u64,
        of: users.len() as u64,
    });
    Ok(moved)
}

/// Renames each copied SQLite index aside; the first failure stops and is reported (the
/// rows are safe in PostgreSQL either way).
pub(super) fn set_aside(moved: &mut IndexesMoved) -> Result<()> {
    for root in &moved.roots {
        match index::set_aside(root) {
            Ok(Some(kept)) => moved.set_aside.push(kept),
            Ok(None) => {}
            Err(e) => {
                return Err(CoreError::Invalid(format!(
                    "database.url names PostgreSQL now, but renaming {} aside failed ({e}); \
                     rename it and the indexes after it to {}.{} by hand",
                    index::Index::path(root).display(),
                    index::FILE,
                    index::SET_ASIDE
                )));
            }
        }
    }
    Ok(())
}
