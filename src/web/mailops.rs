//! The webmail's writes and searches beyond the flag form, through the IMAP server's own
//! backend as `store` is: moving a message (and "spam"/"not spam", the moves into and out
//! of Junk that teach rspamd by the same rule as IMAP's MOVE, `imap::cmd::store::learn_jobs`),
//! a copy of sent mail into Sent (APPEND with `\Seen`), `\Seen` when a message is opened and
//! `\Answered`/`$Forwarded` after a reply or forward, and search (the very evaluator IMAP's
//! `SEARCH TEXT` runs). Every call opens the logged-in user's own Maildir; blocking.
//!
//! Not here: handlers and pages (`mail`, `compose`, `search`), sending (`smtp::submit`).

use std::path::PathBuf;

use super::order::ListOrder;
use super::store::{Owner, Page, open, page_of, seq_of};
use crate::imap::backend::{Account, StoreError};
use crate::imap::command::{Flag, SearchKey, StoreMode};
use crate::imap::flags::{Flags, SEEN};
use crate::imap::mailstore::MailStore;
use crate::inbound::scan::learn::Job;

/// The folder with special use `special` (RFC 6154), created as `default` when missing.
fn special(acc: &mut Account, special: &str, default: &str) -> Result<String, StoreError> {
    if let Some(i) = acc
        .list()?
        .into_iter()
        .find(|i| i.special_use == Some(special))
    {
        return Ok(i.name);
    }
    if acc.status(default).is_err() {
        acc.create(default, Some(special))?;
    }
    Ok(default.to_string())
}

/// Where "spam" and "not spam" move a message from `folder`: Junk, or (from Junk) INBOX.
pub fn spam_target(owner: &Owner, folder: &str) -> Result<String, StoreError> {
    let mut acc = open(owner, 0)?;
    let junk = special(&mut acc, "\\Junk", "Junk")?;
    let from_junk = acc.special_use(folder)? == Some("\\Junk") || folder == junk;
    Ok(if from_junk { "INBOX".into() } else { junk })
}

/// What a move did: the folder directories changed (for IMAP's IDLE signal) and what it
/// teaches rspamd.
pub struct Moved {
    pub touched: Vec<PathBuf>,
    pub learn: Vec<Job>,
}

/// Moves message `uid` of `folder` into the existing folder `dest`, as IMAP's MOVE does;
/// None when there is no such UID. `user` names the learning jobs.
pub fn move_message(
    (owner, quota, user): (&Owner, u64, &str),
    folder: &str,
    uid: u32,
    dest: &str,
) -> Result<Option<Moved>, StoreError> {
    let mut acc = open(owner, quota)?;
    let mut mb = acc.select(folder, false)?;
    let Some(seq) = seq_of(&mb, uid) else {
        return Ok(None);
    };
    // The destination must exist: a move never creates a folder from a URL.
    acc.status(dest)?;
    let mut touched: Vec<PathBuf> = acc.watch_path(&mb.name).into_iter().collect();
    touched.extend(acc.watch_path(dest));
    let from = mb.name.clone();
    let ((_, _, dst), _) = acc.move_to(&mut mb, &[seq], dest)?;
    let learn = crate::imap::cmd::store::learn_jobs(&mut acc, user, (&from, dest), &dst);
    Ok(Some(Moved { touched, learn }))
}

/// Saves `data` into the Sent folder (RFC 6154 `\Sent`, made when missing) as `\Seen`:
/// its name and directory.
pub fn append_sent(
    owner: &Owner,
    quota: u64,
    data: &[u8],
) -> Result<(String, Option<PathBuf>), StoreError> {
    let mut acc = open(owner, quota)?;
    let sent = special(&mut acc, "\\Sent", "Sent")?;
    let flags = Flags {
        bits: SEEN,
        keywords: Vec::new(),
    };
    acc.append(&sent, data, &flags, None)?;
    let dir = acc.watch_path(&sent);
    Ok((sent, dir))
}

/// Adds `flag` to message `uid` of `folder` (`\Seen` on opening, `\Answered` after a
/// reply); the folder's directory when something changed, None when there is no such UID.
pub fn add_flag(
    owner: &Owner,
    folder: &str,
    uid: u32,
    flag: Flag,
) -> Result<Option<PathBuf>, StoreError> {
    let mut acc = open(owner, 0)?;
    let mut mb = acc.select(folder, false)?;
    let Some(seq) = seq_of(&mb, uid) else {
        return Ok(None);
    };
    if mb.messages[seq as usize - 1].flags.contains(&flag) {
        return Ok(None);
    }
    acc.store(&mut mb, &[seq], StoreMode::Add, &[flag], None)?;
    Ok(acc.watch_path(&mb.name))
}

/// Page `page` (from 1) of the messages of `folder` that IMAP's `SEARCH TEXT q` finds
/// (headers and body, case-insensitive), in `order` (`order::ListOrder`: SORT's keys).
pub fn search(
    owner: &Owner,
    folder: &str,
    q: &str,
    order: ListOrder,
    page: usize,
) -> Result<Page, StoreError> {
    let mut acc = open(owner, 0)?;
    let mb = acc.select(folder, true)?;
    let key = SearchKey::Text(q.to_string());
    let hits: Vec<usize> = {
        let eval = crate::imap::cmd::search::Evaluator::over(&mb, &acc, &key, &[]);
        (0..mb.messages.len())
            .filter(|&i| eval.hit(i as u32 + 1))
            .collect()
    };
    let hits = order.arrange(&acc, &mb, hits);
    page_of(&acc, mb, &hits, page, (q.to_string(), order))
}
