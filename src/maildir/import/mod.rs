//! Migration in, keeping UIDs: reading another server's mail store and adopting its messages
//! into a mailctl Maildir with the same UIDVALIDITY, UIDs, flags, keywords and internal dates
//! (through [`crate::maildir::index::Index::adopt`]), so IMAP clients keep their caches.
//! - `dovecot.rs`: Dovecot's Maildirs (`dovecot-uidlist`, `dovecot-keywords`,
//!   `subscriptions`), files hard-linked when on the same file system, else copied;
//! - `imap/`: any IMAP server, through a small client of its own.
//!
//! Not here: users and password hashes (`crate::core::import`), printing (the CLI,
//! `crate::cli::import`).

pub mod dovecot;
pub mod imap;

use std::path::Path;

use serde::Serialize;

use super::index::{Adopted, IndexError};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path}: {err}")]
    Io { path: String, err: std::io::Error },
    #[error("{0}")]
    Format(String),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error("IMAP: {0}")]
    Imap(#[from] imap::client::ClientError),
}

impl ImportError {
    pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ImportError + '_ {
        move |err| ImportError::Io {
            path: path.display().to_string(),
            err,
        }
    }
}

/// What one folder's import did.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct FolderReport {
    pub folder: String,
    pub uidvalidity: u32,
    /// The source's UIDVALIDITY and UIDs were kept (false: appended with new UIDs, because
    /// the folder here already had messages under another UIDVALIDITY).
    pub kept_uids: bool,
    pub copied: u64,
    /// Already here from an earlier run.
    pub present: u64,
    /// Not copied, with why (one line each).
    pub skipped: Vec<String>,
}

impl FolderReport {
    pub(crate) fn add(&mut self, a: Adopted) {
        self.uidvalidity = a.uidvalidity;
        self.kept_uids = a.kept_uids;
        self.copied += a.added;
        self.present += a.present;
        if a.conflicts > 0 {
            self.skipped.push(format!(
                "{} message(s): their UID is taken here by another message",
                a.conflicts
            ));
        }
    }
}
