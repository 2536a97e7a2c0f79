//! The webmail's view of one user's mail, through the very code the IMAP server uses: the
//! Maildir + index backend ([`crate::imap::backend::Account`]), so folder names are
//! validated as IMAP validates them, UIDs and flags are the ones IMAP clients see, and a
//! change made here is a change IMAP sees. Every call opens the account of the logged-in
//! user's own Maildir (from the session, never from the request), so no request can name
//! another user's mail. Blocking (files, SQLite): call it on a blocking thread.
//!
//! Not here: parsing bodies for display (`render`), pages, sessions.

use std::path::PathBuf;

use crate::imap::backend::{Account, StoreError};
use crate::imap::command::{Flag, StoreMode};
use crate::imap::flags::{FLAGGED, SEEN};
use crate::imap::mailstore::{MailStore, Mailbox};
use crate::maildir::index::Indexes;

use super::order::ListOrder;

/// Messages per page of a message list.
pub const PAGE_SIZE: usize = 50;

/// One folder of the folder list.
#[derive(Debug, Clone)]
pub struct Folder {
    pub name: String,
    pub special_use: Option<&'static str>,
    pub messages: u32,
    pub unseen: u32,
}

/// One line of a message list.
#[derive(Debug, Clone)]
pub struct Row {
    pub uid: u32,
    pub seen: bool,
    pub flagged: bool,
    pub size: u64,
    /// Decoded From (name or address), Subject, Date (RFC 3339 or the arrival time).
    pub from: String,
    pub subject: String,
    pub date: String,
}

/// One page of a folder, in `order` (newest first unless asked otherwise).
#[derive(Debug, Clone)]
pub struct Page {
    pub folder: String,
    pub total: usize,
    /// From 1.
    pub page: usize,
    pub pages: usize,
    pub rows: Vec<Row>,
    /// The search this page is a result of (`?q=`); empty for the whole folder.
    pub query: String,
    pub order: ListOrder,
}

/// What a form may do to a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Read,
    Unread,
    /// To Trash (RFC 6154 `\Trash`); in Trash itself: expunged.
    Delete,
}

impl Change {
    pub fn parse(s: &str) -> Option<Change> {
        match s {
            "read" => Some(Change::Read),
            "unread" => Some(Change::Unread),
            "delete" => Some(Change::Delete),
            _ => None,
        }
    }
}

/// Whose mail a request reads: the logged-in user (the index's key on PostgreSQL) and their
/// Maildir, both from the session, and where the indexes live.
#[derive(Clone)]
pub struct Owner {
    pub indexes: Indexes,
    pub user: String,
    pub root: PathBuf,
}

pub(super) fn open(owner: &Owner, quota: u64) -> Result<Account, StoreError> {
    let mut acc = Account::open(&owner.indexes, &owner.user, &owner.root)?;
    acc.set_quota((quota > 0).then_some(quota));
    Ok(acc)
}

/// Selectable folders with their counts, INBOX first.
pub fn folders(owner: &Owner) -> Result<Vec<Folder>, StoreError> {
    let mut acc = open(owner, 0)?;
    let mut out = Vec::new();
    for info in acc.list()?.into_iter().filter(|i| i.selectable) {
        let st = acc.status(&info.name)?;
        out.push(Folder {
            name: info.name,
            special_use: info.special_use,
            messages: st.messages,
            unseen: st.unseen,
        });
    }
    Ok(out)
}

/// Page `page` (from 1; past the end: the last) of `folder`, newest (highest UID) first.
/// Only that page's index rows and header blocks are read, so its cost does not grow
/// with the folder (`examples/web-load.py` measures it on 10,000 messages).
pub fn page(owner: &Owner, folder: &str, page: usize) -> Result<Page, StoreError> {
    let mut acc = open(owner, 0)?;
    let skip = |page: usize| (page.max(1) - 1).saturating_mul(PAGE_SIZE);
    let mut listing = acc.newest(folder, skip(page), PAGE_SIZE)?;
    let total = listing.total as usize;
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = page.clamp(1, pages);
    if listing.rows.is_empty() && total > 0 {
        // Past the end: the last page.
        listing = acc.newest(folder, skip(page), PAGE_SIZE)?;
    }
    let mut rows = Vec::with_capacity(listing.rows.len());
    for (m, header) in listing.rows {
        // A file gone since the index saw it: the next scan expunges it; skip it here.
        let Some(header) = header else { continue };
        let (from, subject, date) = super::render::summary(&header, m.internal_date);
        rows.push(Row {
            uid: m.uid,
            seen: m.flags.bits & SEEN != 0,
            flagged: m.flags.bits & FLAGGED != 0,
            size: m.size,
            from,
            subject,
            date,
        });
    }
    Ok(Page {
        folder: listing.name,
        total,
        page,
        pages,
        rows,
        query: String::new(),
        order: ListOrder::default(),
    })
}

/// Page `page` (from 1; past the end: the last) of `folder` in `order`: SORT over the
/// whole folder, so only for an order other than the default, which `page` serves.
pub fn sorted(
    owner: &Owner,
    folder: &str,
    order: ListOrder,
    page: usize,
) -> Result<Page, StoreError> {
    let mut acc = open(owner, 0)?;
    let mb = acc.select(folder, true)?;
    let all = order.arrange(&acc, &mb, (0..mb.messages.len()).collect());
    page_of(&acc, mb, &all, page, (String::new(), order))
}

/// Page `page` (from 1; past the end: the last) of the messages at positions `idxs` of
/// `mb`, in the order given; `query` and `order` are what the page's links keep.
pub(super) fn page_of(
    acc: &Account,
    mb: Mailbox,
    idxs: &[usize],
    page: usize,
    (query, order): (String, ListOrder),
) -> Result<Page, StoreError> {
    let total = idxs.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = page.clamp(1, pages);
    let mut rows = Vec::new();
    for &idx in idxs.iter().skip((page - 1) * PAGE_SIZE).take(PAGE_SIZE) {
        rows.extend(row(acc, &mb, idx)?);
    }
    Ok(Page {
        folder: mb.name,
        total,
        page,
        pages,
        rows,
        query,
        order,
    })
}

/// The list line of the message at position `idx` of `mb`; None when it vanished.
pub(super) fn row(acc: &Account, mb: &Mailbox, idx: usize) -> Result<Option<Row>, StoreError> {
    let m = &mb.messages[idx];
    let header = match acc.read_header(mb, idx as u32 + 1) {
        Ok(h) => h,
        Err(StoreError::Expunged) => return Ok(None),
        Err(e) => return Err(e),
    };
    let (from, subject, date) = super::render::summary(&header, m.internal_date);
    Ok(Some(Row {
        uid: m.uid,
        seen: m.flags.bits & SEEN != 0,
        flagged: m.flags.bits & FLAGGED != 0,
        size: m.size,
        from,
        subject,
        date,
    }))
}

pub(super) fn seq_of(mb: &Mailbox, uid: u32) -> Option<u32> {
    mb.messages
        .binary_search_by_key(&uid, |m| m.uid)
        .ok()
        .map(|i| i as u32 + 1)
}

/// A message as read: its bytes, whether it is \Seen, its arrival time (seconds).
pub struct Read {
    pub data: Vec<u8>,
    pub seen: bool,
    pub internal_date: i64,
}

/// The message `uid` of `folder`; None when there is no such UID.
pub fn message(owner: &Owner, folder: &str, uid: u32) -> Result<Option<Read>, StoreError> {
    let mut acc = open(owner, 0)?;
    let mb = acc.select(folder, true)?;
    let Some(seq) = seq_of(&mb, uid) else {
        return Ok(None);
    };
    let m = &mb.messages[seq as usize - 1];
    let (seen, internal_date) = (m.flags.bits & SEEN != 0, m.internal_date);
    match acc.read(&mb, seq) {
        Ok(data) => Ok(Some(Read {
            data,
            seen,
            internal_date,
        })),
        Err(StoreError::Expunged) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Applies `change` to message `uid` of `folder`: the folder directories it changed (for
/// IMAP's IDLE signal), None when there is no such UID.
pub fn change(
    owner: &Owner,
    quota: u64,
    folder: &str,
    uid: u32,
    change: Change,
) -> Result<Option<Vec<PathBuf>>, StoreError> {
    let mut acc = open(owner, quota)?;
    let mut mb = acc.select(folder, false)?;
    let Some(seq) = seq_of(&mb, uid) else {
        return Ok(None);
    };
    let mut touched: Vec<PathBuf> = acc.watch_path(&mb.name).into_iter().collect();
    match change {
        Change::Read | Change::Unread => {
            let mode = if change == Change::Read {
                StoreMode::Add
            } else {
                StoreMode::Remove
            };
            acc.store(&mut mb, &[seq], mode, &[Flag::Seen], None)?;
        }
        Change::Delete => {
            let trash = acc
                .list()?
                .into_iter()
                .find(|i| i.special_use == Some("\\Trash"))
                .map_or_else(|| "Trash".to_string(), |i| i.name);
            if mb.name == trash {
                acc.store(&mut mb, &[seq], StoreMode::Add, &[Flag::Deleted], None)?;
                acc.expunge(&mut mb, Some(&[uid]))?;
            } else {
                if acc.status(&trash).is_err() {
                    acc.create(&trash, Some("\\Trash"))?;
                }
                acc.move_to(&mut mb, &[seq], &trash)?;
                touched.extend(acc.watch_path(&trash));
            }
        }
    }
    Ok(Some(touched))
}
