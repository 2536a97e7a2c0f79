//! The interface between the IMAP session and the mail it serves: the [`MailStore`] trait
//! (an account's mailboxes and the operations on a selected one), the values that cross it,
//! and the session's view of a selected mailbox ([`Mailbox`], `view.rs`). The session and
//! `crate::imap::cmd` see only this; `crate::imap::backend` implements it over Maildir and
//! the per-account index, and an in-memory implementation backs the session's unit tests.
//! POP3's `Maildrop` plays the same part for POP3.
//!
//! Calls may block (files, SQL): the driver runs the session on a blocking thread. Not
//! here: protocol syntax and responses (the session), where messages live (the backends).

pub mod view;

use std::path::{Path, PathBuf};

pub use view::{Delta, Mailbox, Slot};

use super::command::{Flag, StoreMode};
use super::flags::Flags;

/// One account's mail as IMAP sees it (RFC 3501 §6.3-6.4, RFC 6154, RFC 7162, RFC 4315,
/// RFC 6851). Mailbox names are as the client sent them (after mUTF-7 decoding); the
/// implementation canonicalises them ([`canonical_name`]).
///
/// The selected mailbox is a [`Mailbox`] view the session owns and passes back in: the
/// view's message list is read in place by FETCH and SEARCH (never copied per command),
/// and the store brings it up to date (`refresh`) and changes it (`store`, `expunge`, ...).
pub trait MailStore: Send {
    /// All folders, INBOX first then by name; parents that exist only as a prefix of a child
    /// are listed as not selectable.
    fn list(&mut self) -> Result<Vec<MailboxInfo>, StoreError>;
    /// Subscribed names, existing or not, sorted.
    fn subscriptions(&self) -> Result<Vec<String>, StoreError>;
    fn subscribe(&mut self, name: &str) -> Result<(), StoreError>;
    fn unsubscribe(&mut self, name: &str) -> Result<(), StoreError>;
    /// Creates a folder and any missing parents (RFC 3501: `A/B` creates `A`).
    fn create(&mut self, name: &str, special_use: Option<&str>) -> Result<(), StoreError>;
    /// Deletes a folder and its messages. INBOX and folders with children are refused.
    fn delete(&mut self, name: &str) -> Result<(), StoreError>;
    /// Renames a folder and its children (each gets a new UIDVALIDITY). Renaming INBOX
    /// moves its messages into the new folder and leaves INBOX empty.
    fn rename(&mut self, from: &str, to: &str) -> Result<(), StoreError>;
    /// RFC 5464: every entry of an existing mailbox (`""`: the server's), by entry name.
    fn metadata(&mut self, mailbox: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError>;
    /// RFC 5464 SETMETADATA: sets (`Some`) and removes (`None`) entries, all or none;
    /// [`StoreError::MetadataMaxSize`] and [`StoreError::MetadataTooMany`] when a cap
    /// (`crate::maildir::index::MetadataLimits`) would be passed.
    fn set_metadata(
        &mut self,
        mailbox: &str,
        changes: &[(String, Option<Vec<u8>>)],
    ) -> Result<(), StoreError>;
    /// RFC 8474 MAILBOXID of an existing folder.
    fn mailbox_id(&mut self, name: &str) -> Result<String, StoreError>;
    /// STATUS, without taking \Recent from the next SELECT.
    fn status(&mut self, name: &str) -> Result<MailboxStatus, StoreError>;
    /// APPEND: the message is stored durably before this returns. (UIDVALIDITY, UID).
    fn append(
        &mut self,
        name: &str,
        data: &[u8],
        flags: &Flags,
        internal_date: Option<i64>,
    ) -> Result<(u32, u32), StoreError> {
        let mail = NewMail {
            data,
            flags,
            internal_date,
        };
        let (uv, uids) = self.append_all(name, std::slice::from_ref(&mail))?;
        Ok((uv, uids.first().copied().unwrap_or(0)))
    }
    /// MULTIAPPEND (RFC 3502): all of `mails` are stored, with consecutive UIDs, or none
    /// is (quota and keyword caps are checked for the whole batch). (UIDVALIDITY, UIDs).
    fn append_all(
        &mut self,
        name: &str,
        mails: &[NewMail<'_>],
    ) -> Result<(u32, Vec<u32>), StoreError>;
    /// Bytes in all folders, for QUOTA.
    fn usage(&self) -> u64;
    /// The caller is done for now (a command answered, a wakeup handled): give back what
    /// need not be held until the next use, a pooled PostgreSQL index connection. The next
    /// call takes it again. Default: nothing to give back.
    fn release(&mut self) {}
    /// What the driver watches for changes to a folder (IDLE) and touches after this
    /// session changed it; None for a name that cannot exist.
    fn watch_path(&self, name: &str) -> Option<PathBuf>;

    /// SELECT (or EXAMINE with `read_only`).
    fn select(&mut self, name: &str, read_only: bool) -> Result<Mailbox, StoreError>;
    /// Brings `mb` up to date. With `allow_expunge` false, messages expunged elsewhere stay
    /// (as ghosts) and are reported by the next call with it true.
    fn refresh(&mut self, mb: &mut Mailbox, allow_expunge: bool) -> Result<Changes, StoreError>;
    /// QRESYNC: UIDs expunged since `modseq` (ascending).
    fn vanished_since(&self, mb: &Mailbox, modseq: u64) -> Result<Vec<u32>, StoreError>;
    /// A message's content; [`StoreError::Expunged`] for ghosts and vanished messages.
    fn read(&self, mb: &Mailbox, seq: u32) -> Result<Vec<u8>, StoreError>;
    /// The header block of a message (through its blank line, at most
    /// [`view::MAX_HEADER`] bytes): what header-only FETCH items and SEARCH keys need.
    fn read_header(&self, mb: &Mailbox, seq: u32) -> Result<Vec<u8>, StoreError>;
    /// STORE. Messages whose MODSEQ is above `unchanged_since` are left alone and returned
    /// in `failed`; messages whose flags would not change keep their MODSEQ.
    fn store(
        &mut self,
        mb: &mut Mailbox,
        seqs: &[u32],
        mode: StoreMode,
        flags: &[Flag],
        unchanged_since: Option<u64>,
    ) -> Result<StoreOutcome, StoreError>;
    /// EXPUNGE / UID EXPUNGE (`only_uids`): removes \Deleted messages; the Changes also
    /// carry messages expunged elsewhere and not yet reported.
    fn expunge(
        &mut self,
        mb: &mut Mailbox,
        only_uids: Option<&[u32]>,
    ) -> Result<Changes, StoreError>;
    /// COPY, with flags, keywords and internal dates.
    fn copy_to(&mut self, mb: &Mailbox, seqs: &[u32], dest: &str) -> Result<CopyUid, StoreError>;
    /// MOVE: COPY, then the sources are removed; a crash may duplicate, never lose.
    fn move_to(
        &mut self,
        mb: &mut Mailbox,
        seqs: &[u32],
        dest: &str,
    ) -> Result<(CopyUid, Changes), StoreError>;

    /// A folder's RFC 6154 attribute (`"\\Junk"`, ...), for learning from Junk moves.
    fn special_use(&mut self, name: &str) -> Result<Option<&'static str>, StoreError> {
        let name = canonical_name(name);
        Ok(self
            .list()?
            .into_iter()
            .find(|m| m.name == name)
            .and_then(|m| m.special_use))
    }
    /// Where messages `uids` of folder `name` live, for a background reader: the folder's
    /// directory and each message's unique name (its file is looked up when read, since a
    /// flag change renames it). None for a store without files (the in-memory one).
    fn message_files(
        &self,
        name: &str,
        uids: &[u32],
    ) -> Result<Option<(PathBuf, Vec<String>)>, StoreError> {
        let _ = (name, uids);
        Ok(None)
    }
}

/// One message of an APPEND.
#[derive(Debug, Clone, Copy)]
pub struct NewMail<'a> {
    pub data: &'a [u8],
    pub flags: &'a Flags,
    pub internal_date: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no mailbox named '{0}'")]
    NoSuchMailbox(String),
    #[error("mailbox '{0}' already exists")]
    AlreadyExists(String),
    #[error("cannot delete the mailbox: {0}")]
    CannotDelete(String),
    #[error("bad mailbox name: {0}")]
    BadName(String),
    /// RFC 6154 CREATE-SPECIAL-USE with an attribute we do not know (`[USEATTR]`).
    #[error("unknown special-use attribute '{0}'")]
    UseAttr(String),
    #[error("over quota")]
    OverQuota,
    /// A per-user cap ([`Limits`]) would be passed (`[LIMIT]`, RFC 5530).
    #[error("{0}")]
    Limit(String),
    /// RFC 5464 `[METADATA MAXSIZE n]`: a value is longer than n octets.
    #[error("metadata value over {0} octets")]
    MetadataMaxSize(usize),
    /// RFC 5464 `[METADATA TOOMANY]`.
    #[error("too many metadata entries")]
    MetadataTooMany,
    #[error("the mailbox is read-only")]
    ReadOnly,
    #[error("the message has been expunged")]
    Expunged,
    #[error("{what} {}: {source}", path.display())]
    Io {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    /// The backend's own storage failed (for Maildir: its index database).
    #[error("mailbox index: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    pub fn io(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> StoreError {
        let path = path.to_path_buf();
        move |source| StoreError::Io { what, path, source }
    }
}

/// Caps on what one user can make the server store, so that no client (or attacker with a
/// password) can grow an account's index and directory without bound; 0 means no cap.
/// From `imap.max_mailboxes`, `imap.max_subscriptions`, `imap.max_keywords`. A keyword's
/// length and the keywords on one message have fixed caps (`crate::imap::flags`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Folders besides INBOX (parents created along the way count).
    pub max_mailboxes: usize,
    /// Subscribed names, existing or not.
    pub max_subscriptions: usize,
    /// Distinct keywords in one mailbox (they are all listed in FLAGS at SELECT).
    pub max_keywords: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_mailboxes: 1000,
            max_subscriptions: 1000,
            max_keywords: 256,
        }
    }
}

/// Whether `n` more on top of `have` passes `cap` (0: no cap).
pub(crate) fn within(cap: usize, have: usize, n: usize) -> bool {
    cap == 0 || have.saturating_add(n) <= cap
}

/// Refuses keywords a client wants to add when one is too long or they would take the
/// mailbox past `limits.max_keywords` distinct ones; `have` is the mailbox's (lowercased).
pub(crate) fn check_new_keywords(
    limits: Limits,
    have: &std::collections::HashSet<String>,
    adding: &[String],
) -> Result<(), StoreError> {
    use crate::imap::flags::MAX_KEYWORD_LEN;
    if let Some(k) = adding.iter().find(|k| k.len() > MAX_KEYWORD_LEN) {
        return Err(StoreError::Limit(format!(
            "keyword of {} octets; at most {MAX_KEYWORD_LEN}",
            k.len()
        )));
    }
    let mut fresh: Vec<String> = adding
        .iter()
        .map(|k| k.to_ascii_lowercase())
        .filter(|k| !have.contains(k))
        .collect();
    fresh.sort_unstable();
    fresh.dedup();
    let cap = limits.max_keywords;
    if within(cap, have.len(), fresh.len()) {
        return Ok(());
    }
    Err(StoreError::Limit(format!(
        "at most {cap} distinct keywords per mailbox"
    )))
}

/// STORE's new flags for a message that has `old` (RFC 3501 §6.4.6: FLAGS replaces, +FLAGS
/// adds, -FLAGS removes; \Recent is not storable), and whether every flag fitted: false when
/// a keyword cap stopped one (the others are in). Each backend decides what that means.
pub(crate) fn stored_flags(old: &Flags, mode: StoreMode, flags: &[Flag]) -> (Flags, bool) {
    let mut new = match mode {
        StoreMode::Replace => Flags::default(),
        _ => old.clone(),
    };
    let mut fitted = true;
    for f in flags {
        match mode {
            StoreMode::Remove => new.remove(f),
            _ => fitted &= new.insert(f),
        }
    }
    (new, fitted)
}

/// MOVE (RFC 6851 §3.3) as every backend does it: `copy`, then `remove` the sources that were
/// copied (whether \Deleted or not). The copies exist before any source goes, so a crash
/// can duplicate a message but never lose it.
pub(crate) fn move_by_copy<S>(
    store: &mut S,
    mb: &mut Mailbox,
    seqs: &[u32],
    dest: &str,
    copy: impl FnOnce(&mut S, &Mailbox, &[u32], &str) -> Result<CopyUid, StoreError>,
    remove: impl FnOnce(&mut S, &mut Mailbox, &[usize]) -> Result<Changes, StoreError>,
) -> Result<(CopyUid, Changes), StoreError> {
    if mb.read_only {
        return Err(StoreError::ReadOnly);
    }
    let copied = copy(store, mb, seqs, dest)?;
    let which = mb.indexes_of_uids(&copied.1);
    let changes = remove(store, mb, &which)?;
    Ok((copied, changes))
}

/// SETMETADATA on an in-memory map, all or nothing, with the index's caps per value and
/// per mailbox (the account-wide total is left to the index). For the memory store.
#[cfg(test)]
pub(crate) fn apply_metadata(
    map: &mut std::collections::BTreeMap<String, Vec<u8>>,
    changes: &[(String, Option<Vec<u8>>)],
) -> Result<(), StoreError> {
    let l = crate::maildir::index::MetadataLimits::default();
    if changes
        .iter()
        .flat_map(|(_, v)| v)
        .any(|v| v.len() > l.max_value)
    {
        return Err(StoreError::MetadataMaxSize(l.max_value));
    }
    let mut next = map.clone();
    for (k, v) in changes {
        match v {
            Some(v) => next.insert(k.clone(), v.clone()),
            None => next.remove(k),
        };
    }
    if next.len() > l.max_entries {
        return Err(StoreError::MetadataTooMany);
    }
    *map = next;
    Ok(())
}

/// One folder as LIST shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxInfo {
    pub name: String,
    /// `"\\Sent"` etc. (RFC 6154).
    pub special_use: Option<&'static str>,
    pub has_children: bool,
    pub subscribed: bool,
    /// False for a parent that exists only because a child does (`\Noselect`).
    pub selectable: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailboxStatus {
    pub messages: u32,
    /// Messages \Recent for the next read-write session that selects the folder.
    pub recent: u32,
    pub uidnext: u32,
    pub uidvalidity: u32,
    pub unseen: u32,
    pub deleted: u32,
    pub size: u64,
    pub highestmodseq: u64,
    /// RFC 8474 MAILBOXID: stays with the mailbox through RENAME.
    pub mailbox_id: String,
}

/// One message of a selected mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageMeta {
    pub uid: u32,
    pub flags: Flags,
    pub modseq: u64,
    pub size: u64,
    /// Seconds since the epoch.
    pub internal_date: i64,
    /// RFC 8514 SAVEDATE: when it was put into this mailbox (seconds since the epoch).
    pub save_date: i64,
    /// RFC 8474 EMAILID (shown as `M` and 16 hex digits): the same for every COPY/MOVE copy.
    pub email_id: u64,
    /// \Recent for this session (it is the first read-write one to see it; or, read-only,
    /// no read-write session has yet).
    pub recent: bool,
}

/// What changed in a view since the last refresh, in the order the session reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Sequence numbers for `* n EXPUNGE`, in sending order, each relative to the state after
    /// the previous one (highest first, so each is also the number before any of them).
    pub expunged: Vec<u32>,
    /// The same messages' UIDs (QRESYNC `VANISHED`), same order.
    pub vanished: Vec<u32>,
    /// The EXISTS count after a refresh that added or expunged messages (sent after the
    /// EXPUNGEs; redundant for expunges alone, but RFC 3501 allows it). `expunge` and
    /// `move_to` leave it None: their EXPUNGEs say it all.
    pub exists: Option<u32>,
    /// The new RECENT count, if it changed.
    pub recent: Option<u32>,
    /// Sequence numbers (after the expunges) whose flags or MODSEQ someone else changed,
    /// ascending.
    pub flags: Vec<u32>,
}

/// Result of STORE.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreOutcome {
    /// Sequence numbers whose flags changed (each got a new MODSEQ), ascending.
    pub changed: Vec<u32>,
    /// Sequence numbers not changed because their MODSEQ was above UNCHANGEDSINCE
    /// (RFC 7162 `[MODIFIED ...]`), ascending.
    pub failed: Vec<u32>,
}

/// The COPYUID triple (RFC 4315): destination UIDVALIDITY, source UIDs, destination UIDs.
pub type CopyUid = (u32, Vec<u32>, Vec<u32>);

/// RFC 6154 attributes we accept on CREATE, and those the default folders get.
pub(crate) const SPECIAL_USE: [&str; 7] = [
    "\\All",
    "\\Archive",
    "\\Drafts",
    "\\Flagged",
    "\\Junk",
    "\\Sent",
    "\\Trash",
];

pub(crate) fn special_use_static(attr: &str) -> Option<&'static str> {
    SPECIAL_USE
        .iter()
        .copied()
        .find(|a| a.eq_ignore_ascii_case(attr))
}

/// CREATE's special-use attribute (RFC 6154 §5.1): one we know, else `[USEATTR]`.
pub(crate) fn special_use_attr(attr: Option<&str>) -> Result<Option<&'static str>, StoreError> {
    attr.map(|a| special_use_static(a).ok_or_else(|| StoreError::UseAttr(a.into())))
        .transpose()
}

/// `name` and its parents, outermost first (`A`, `A/B`, `A/B/C`): what CREATE makes when
/// they are missing (RFC 3501 §6.3.3).
pub(crate) fn with_parents(name: &str) -> impl Iterator<Item = &str> {
    name.match_indices('/')
        .map(|(i, _)| &name[..i])
        .chain(std::iter::once(name))
}

/// `INBOX` in any case becomes `INBOX`, also as the first component (RFC 3501 §5.1).
pub fn canonical_name(name: &str) -> String {
    match name.split_once('/') {
        _ if name.eq_ignore_ascii_case("INBOX") => "INBOX".to_string(),
        Some((first, rest)) if first.eq_ignore_ascii_case("INBOX") => format!("INBOX/{rest}"),
        _ => name.to_string(),
    }
}

/// `name`'s direct and indirect children, by name.
pub(crate) fn is_child(parent: &str, name: &str) -> bool {
    name.len() > parent.len() + 1
        && name.starts_with(parent)
        && name.as_bytes()[parent.len()] == b'/'
}

#[cfg(test)]
mod tests;
