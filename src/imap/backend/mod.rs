//! The IMAP mailbox store: an account's Maildir++ folders and the per-account index
//! (`crate::maildir::index`) seen as IMAP mailboxes with UIDs, MODSEQs, keywords and
//! \Recent, safe with other IMAP sessions, the SMTP delivery path and other Maildir programs
//! (mutt, Dovecot) working on the same files at the same time.
//!
//! - [`Account`] (`account.rs`): the folder tree (LIST, CREATE, DELETE, RENAME, SUBSCRIBE,
//!   STATUS, APPEND).
//! - [`Mailbox`] (`mailbox.rs`): one session's view of a selected folder and how it is brought
//!   up to date (`refresh`); `ops.rs`: STORE, EXPUNGE, COPY, MOVE on it.
//!
//! Every mutation is one `BEGIN IMMEDIATE` transaction, and files are placed into `cur/`
//! while it is held, so UIDs and MODSEQs are never handed out twice and a concurrent scan
//! never mistakes a message being added for an expunge. Not here: protocol syntax and
//! responses (the session), message parsing (FETCH, SEARCH), blocking-thread scheduling.

mod account;
mod mailbox;
mod ops;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

pub use account::Account;
pub use mailbox::Mailbox;

use super::flags::Flags;

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
    #[error("mailbox index: {0}")]
    Db(#[from] rusqlite::Error),
}

impl StoreError {
    pub(crate) fn io(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> StoreError {
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
fn within(cap: usize, have: usize, n: usize) -> bool {
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
    /// Messages still in new/: \Recent for the next session that selects the folder.
    pub recent: u32,
    pub uidnext: u32,
    pub uidvalidity: u32,
    pub unseen: u32,
    pub deleted: u32,
    pub size: u64,
    pub highestmodseq: u64,
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
    /// \Recent for this session (it moved the file out of new/).
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
const SPECIAL_USE: [&str; 7] = [
    "\\All",
    "\\Archive",
    "\\Drafts",
    "\\Flagged",
    "\\Junk",
    "\\Sent",
    "\\Trash",
];

/// Folders every account has (created on first open) and their attribute.
const DEFAULT_FOLDERS: [(&str, &str); 5] = [
    ("Sent", "\\Sent"),
    ("Drafts", "\\Drafts"),
    ("Trash", "\\Trash"),
    ("Junk", "\\Junk"),
    ("Archive", "\\Archive"),
];

fn special_use_static(attr: &str) -> Option<&'static str> {
    SPECIAL_USE
        .iter()
        .copied()
        .find(|a| a.eq_ignore_ascii_case(attr))
}

/// Longest mailbox name accepted: the Maildir++ directory name (all components joined by
/// `.`, after UTF-7) must fit in one file name.
const MAX_DIR_NAME: usize = 255;

/// `INBOX` in any case becomes `INBOX`, also as the first component (RFC 3501 §5.1).
pub fn canonical_name(name: &str) -> String {
    match name.split_once('/') {
        _ if name.eq_ignore_ascii_case("INBOX") => "INBOX".to_string(),
        Some((first, rest)) if first.eq_ignore_ascii_case("INBOX") => format!("INBOX/{rest}"),
        _ => name.to_string(),
    }
}

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

/// `name`'s direct and indirect children, by name.
fn is_child(parent: &str, name: &str) -> bool {
    name.len() > parent.len() + 1
        && name.starts_with(parent)
        && name.as_bytes()[parent.len()] == b'/'
}
