//! The Maildir implementation of [`MailStore`]: an account's Maildir++ folders and the
//! per-account index (`crate::maildir::index`) seen as IMAP mailboxes with UIDs, MODSEQs,
//! keywords and \Recent, safe with other IMAP sessions, the SMTP delivery path and other
//! Maildir programs (mutt, Dovecot) working on the same files at the same time.
//!
//! - [`Account`] (`account.rs`): the folder tree (LIST, CREATE, DELETE, RENAME, SUBSCRIBE,
//!   STATUS, APPEND).
//! - `mailbox.rs`: SELECT and bringing a session's view up to date (`refresh`), reading
//!   messages; `ops.rs`: STORE, EXPUNGE, COPY, MOVE on it.
//! - `memory.rs` (tests only): an in-memory [`MailStore`] for the session's unit tests.
//!
//! Every mutation is one `BEGIN IMMEDIATE` transaction of the index, and files are placed
//! into `cur/` while it is held, so UIDs and MODSEQs are never handed out twice and a
//! concurrent scan never mistakes a message being added for an expunge. No SQL here: the
//! index's typed functions do it. Not here: protocol syntax and responses (the session),
//! message parsing (FETCH, SEARCH), blocking-thread scheduling.

mod account;
mod mailbox;
#[cfg(test)]
pub mod memory;
mod ops;
#[cfg(test)]
mod refresh_tests;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

pub use account::Account;
pub use mailbox::Listing;

use super::command::{Flag, StoreMode};
pub(crate) use super::mailstore::check_new_keywords;
pub use super::mailstore::{
    Changes, CopyUid, Limits, MailStore, Mailbox, MailboxInfo, MailboxStatus, MessageMeta, NewMail,
    StoreError, StoreOutcome, canonical_name,
};
use crate::maildir::index::IndexError;

impl From<IndexError> for StoreError {
    fn from(e: IndexError) -> Self {
        StoreError::Backend(Box::new(e))
    }
}

/// Folders every account has (created on first open) and their attribute.
const DEFAULT_FOLDERS: [(&str, &str); 5] = [
    ("Sent", "\\Sent"),
    ("Drafts", "\\Drafts"),
    ("Trash", "\\Trash"),
    ("Junk", "\\Junk"),
    ("Archive", "\\Archive"),
];

/// Longest mailbox name accepted: the Maildir++ directory name (all components joined by
/// `.`, after UTF-7) must fit in one file name.
const MAX_DIR_NAME: usize = 255;

/// The canonical name ([`canonical_name`]) and its directory. Refuses names that could escape the Maildir or cannot be stored, and
/// the wildcards `%` and `*`.
pub(crate) fn resolve(root: &Path, name: &str) -> Result<(String, PathBuf), StoreError> {
    let canonical = canonical_name(name);
    if canonical.is_empty() {
        return Err(StoreError::BadName("empty name".into()));
    }
    if canonical.contains(['%', '*']) {
        return Err(StoreError::BadName(format!(
            "'{canonical}' contains a wildcard"
        )));
    }
    let dir = crate::maildir::folder::folder_path(root, &canonical)
        .map_err(|e| StoreError::BadName(e.0))?;
    if dir.file_name().is_some_and(|f| f.len() > MAX_DIR_NAME) {
        return Err(StoreError::BadName(format!("'{canonical}' is too long")));
    }
    Ok((canonical, dir))
}

/// Whether a folder directory exists (has cur/), both real directories: a folder that is a
/// link is not a folder (`maildir::safe`).
fn exists(dir: &Path) -> bool {
    crate::maildir::safe::is_real_dir(dir) && crate::maildir::safe::is_real_dir(&dir.join("cur"))
}

/// The trait is the inherent API; these only forward (the inherent methods stay callable
/// without the trait in scope, for the backend's own tests).
impl MailStore for Account {
    fn release(&mut self) {
        Account::release(self);
    }
    fn metadata(&mut self, mailbox: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let folder = self.metadata_folder(mailbox)?;
        Ok(self.index.metadata(&folder)?)
    }
    fn set_metadata(
        &mut self,
        mailbox: &str,
        changes: &[(String, Option<Vec<u8>>)],
    ) -> Result<(), StoreError> {
        let folder = self.metadata_folder(mailbox)?;
        let limits = crate::maildir::index::MetadataLimits::default();
        match self.index.set_metadata(&folder, changes, limits)? {
            Ok(()) => Ok(()),
            Err(crate::maildir::index::MetadataRefused::MaxSize(n)) => {
                Err(StoreError::MetadataMaxSize(n))
            }
            Err(crate::maildir::index::MetadataRefused::TooMany) => {
                Err(StoreError::MetadataTooMany)
            }
        }
    }
    fn mailbox_id(&mut self, name: &str) -> Result<String, StoreError> {
        let (name, _) = self.existing(name)?;
        Ok(self.index.mailbox_id(&name)?)
    }
    fn list(&mut self) -> Result<Vec<MailboxInfo>, StoreError> {
        Account::list(self)
    }
    fn subscriptions(&self) -> Result<Vec<String>, StoreError> {
        Account::subscriptions(self)
    }
    fn subscribe(&mut self, name: &str) -> Result<(), StoreError> {
        Account::subscribe(self, name)
    }
    fn unsubscribe(&mut self, name: &str) -> Result<(), StoreError> {
        Account::unsubscribe(self, name)
    }
    fn create(&mut self, name: &str, special_use: Option<&str>) -> Result<(), StoreError> {
        Account::create(self, name, special_use)
    }
    fn delete(&mut self, name: &str) -> Result<(), StoreError> {
        Account::delete(self, name)
    }
    fn rename(&mut self, from: &str, to: &str) -> Result<(), StoreError> {
        Account::rename(self, from, to)
    }
    fn status(&mut self, name: &str) -> Result<MailboxStatus, StoreError> {
        Account::status(self, name)
    }
    fn append_all(
        &mut self,
        name: &str,
        mails: &[NewMail<'_>],
    ) -> Result<(u32, Vec<u32>), StoreError> {
        Account::append_all(self, name, mails)
    }
    fn usage(&self) -> u64 {
        Account::usage(self)
    }
    fn watch_path(&self, name: &str) -> Option<PathBuf> {
        resolve(&self.root, name).ok().map(|(_, dir)| dir)
    }
    fn select(&mut self, name: &str, read_only: bool) -> Result<Mailbox, StoreError> {
        Account::select(self, name, read_only)
    }
    fn refresh(&mut self, mb: &mut Mailbox, allow_expunge: bool) -> Result<Changes, StoreError> {
        Account::refresh(self, mb, allow_expunge)
    }
    fn vanished_since(&self, mb: &Mailbox, modseq: u64) -> Result<Vec<u32>, StoreError> {
        Account::vanished_since(self, mb, modseq)
    }
    fn read(&self, mb: &Mailbox, seq: u32) -> Result<Vec<u8>, StoreError> {
        Account::read(self, mb, seq)
    }
    fn read_header(&self, mb: &Mailbox, seq: u32) -> Result<Vec<u8>, StoreError> {
        Account::read_header(self, mb, seq)
    }
    fn store(
        &mut self,
        mb: &mut Mailbox,
        seqs: &[u32],
        mode: StoreMode,
        flags: &[Flag],
        unchanged_since: Option<u64>,
    ) -> Result<StoreOutcome, StoreError> {
        Account::store(self, mb, seqs, mode, flags, unchanged_since)
    }
    fn expunge(
        &mut self,
        mb: &mut Mailbox,
        only_uids: Option<&[u32]>,
    ) -> Result<Changes, StoreError> {
        Account::expunge(self, mb, only_uids)
    }
    fn copy_to(&mut self, mb: &Mailbox, seqs: &[u32], dest: &str) -> Result<CopyUid, StoreError> {
        Account::copy_to(self, mb, seqs, dest)
    }
    fn move_to(
        &mut self,
        mb: &mut Mailbox,
        seqs: &[u32],
        dest: &str,
    ) -> Result<(CopyUid, Changes), StoreError> {
        Account::move_to(self, mb, seqs, dest)
    }
    fn special_use(&mut self, name: &str) -> Result<Option<&'static str>, StoreError> {
        Account::special_use(self, name)
    }
    fn message_files(
        &self,
        name: &str,
        uids: &[u32],
    ) -> Result<Option<(PathBuf, Vec<String>)>, StoreError> {
        Account::message_files(self, name, uids).map(Some)
    }
}
