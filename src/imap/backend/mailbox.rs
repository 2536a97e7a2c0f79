//! One session's view of a selected mailbox: the messages in sequence order, and `refresh`,
//! which brings the view in line with what other sessions, delivery and other Maildir
//! programs did — through the index (`modseq >` the last one seen, the `expunged` table),
//! reading directories only when their mtimes changed. Messages expunged elsewhere stay as
//! ghosts while the session may not send EXPUNGE (RFC 3501 §7.4.1). Not here: STORE,
//! EXPUNGE, COPY, MOVE (`ops.rs`).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, params};

use super::{Account, Changes, MessageMeta, StoreError};
use crate::imap::flags::Flags;
use crate::maildir::{folder, index, name::Name};

/// Private per-message state beside [`MessageMeta`].
#[derive(Debug, Clone)]
pub(super) struct Slot {
    pub unique: Box<str>,
    /// Info letters as on disk (Dovecot's lowercase keyword letters kept).
    pub letters: Box<str>,
    /// Expunged by someone else, not yet reported.
    pub ghost: bool,
}

/// The selected mailbox as one session sees it: `messages[n-1]` is sequence number n.
/// Longest header block [`Mailbox::read_header`] returns; a header beyond it is cut there.
pub const MAX_HEADER: usize = 256 << 10;

pub struct Mailbox {
    pub name: String,
    pub read_only: bool,
    pub uidvalidity: u32,
    pub uidnext: u32,
    pub highestmodseq: u64,
    pub messages: Vec<MessageMeta>,
    pub(super) dir: PathBuf,
    pub(super) slots: Vec<Slot>,
    /// Changes in the index up to this MODSEQ are in the view.
    pub(super) seen_modseq: u64,
}

pub(super) struct Row {
    uid: u32,
    unique: String,
    letters: String,
    keywords: String,
    modseq: u64,
    size: u64,
    date: Option<i64>,
}

impl Row {
    fn meta(&self, recent: bool) -> (MessageMeta, Slot) {
        // Rows from an index older than internal_date: the time in the name is as good.
        let internal_date = self
            .date
            .or_else(|| Name::parse(&self.unique).ok().and_then(|n| n.time))
            .unwrap_or(0);
        (
            MessageMeta {
                uid: self.uid,
                flags: Flags::from_maildir(&self.letters, &self.keywords),
                modseq: self.modseq,
                size: self.size,
                internal_date,
                recent,
            },
            Slot {
                unique: self.unique.as_str().into(),
                letters: self.letters.as_str().into(),
                ghost: false,
            },
        )
    }
}

/// Rows of a folder with MODSEQ above `since`, by UID: one indexed query.
fn rows(conn: &Connection, folder: &str, since: u64) -> rusqlite::Result<Vec<Row>> {
    let mut st = conn.prepare_cached(
        "SELECT uid, uniq, flags, keywords, modseq, size, internal_date FROM messages \
         WHERE folder = ?1 AND modseq > ?2 ORDER BY uid",
    )?;
    st.query_map(params![folder, since as i64], |r| {
        Ok(Row {
            uid: r.get(0)?,
            unique: r.get(1)?,
            letters: r.get(2)?,
            keywords: r.get(3)?,
            modseq: r.get::<_, i64>(4)? as u64,
            size: r.get::<_, i64>(5)? as u64,
            date: r.get(6)?,
        })
    })?
    .collect()
}

pub(super) fn expunged_since(
    conn: &Connection,
    folder: &str,
    since: u64,
) -> rusqlite::Result<Vec<u32>> {
    let mut st = conn.prepare_cached(
        "SELECT uid FROM expunged WHERE folder = ?1 AND modseq > ?2 ORDER BY uid",
    )?;
    st.query_map(params![folder, since as i64], |r| r.get(0))?
        .collect()
}

/// The file of a message by unique name, looked for in cur/ and new/ (a rename by another
/// program since the index last saw it).
pub(super) fn find_file(dir: &Path, unique: &str) -> Option<PathBuf> {
    folder::entries(dir)
        .into_iter()
        .find(|e| e.name.unique == unique)
        .map(|e| e.path)
}

/// Where a message's file should be, else where it is.
pub(super) fn locate(dir: &Path, unique: &str, letters: &str) -> Option<PathBuf> {
    let cur = dir.join("cur").join(format!("{unique}:2,{letters}"));
    if cur.exists() {
        return Some(cur);
    }
    let new = dir.join("new").join(unique);
    if new.exists() {
        return Some(new);
    }
    find_file(dir, unique)
}

impl Mailbox {
    pub(super) fn open(
        account: &mut Account,
        name: String,
        dir: PathBuf,
        read_only: bool,
    ) -> Result<Mailbox, StoreError> {
        let scan = account.index.scan(&name, &dir, !read_only, false)?;
        let moved: HashSet<String> = scan.moved.into_iter().collect();
        let conn = account.index.conn_ref();
        let tx = conn.unchecked_transaction()?;
        let row = index::folder_row(&tx, &name)?;
        let all = rows(&tx, &name, 0)?;
        tx.commit()?;
        let (messages, slots) = all
            .iter()
            .map(|r| r.meta(moved.contains(&r.unique)))
            .unzip();
        Ok(Mailbox {
            name,
            read_only,
            uidvalidity: row.uidvalidity,
            uidnext: row.uidnext,
            highestmodseq: row.highestmodseq,
            messages,
            dir,
            slots,
            seen_modseq: row.highestmodseq,
        })
    }

    /// The folder's directory (its `new/` and `cur/` are what IDLE should watch).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn seq_of_uid(&self, uid: u32) -> Option<u32> {
        self.messages
            .binary_search_by_key(&uid, |m| m.uid)
            .ok()
            .map(|i| i as u32 + 1)
    }

    fn slot(&self, seq: u32) -> Option<&Slot> {
        (seq as usize)
            .checked_sub(1)
            .and_then(|i| self.slots.get(i))
    }

    /// Whether seq is a message expunged elsewhere and not yet reported.
    pub fn is_ghost(&self, seq: u32) -> bool {
        self.slot(seq).is_some_and(|s| s.ghost)
    }

    /// The message's current file; None for ghosts and files that are gone.
    pub fn path_of(&self, seq: u32) -> Option<PathBuf> {
        let s = self.slot(seq).filter(|s| !s.ghost)?;
        locate(&self.dir, &s.unique, &s.letters)
    }

    /// The message's content; [`StoreError::Expunged`] for ghosts and vanished files.
    pub fn read(&self, seq: u32) -> Result<Vec<u8>, StoreError> {
        let path = self.path_of(seq).ok_or(StoreError::Expunged)?;
        match crate::maildir::safe::read_message(&path) {
            Ok(d) => Ok(d),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(StoreError::Expunged),
            Err(e) => Err(StoreError::io("reading", &path)(e)),
        }
    }

    /// The header block of a message (through its blank line, at most [`MAX_HEADER`] bytes):
    /// what header-only FETCH items and SEARCH keys need, without reading attachments.
    pub fn read_header(&self, seq: u32) -> Result<Vec<u8>, StoreError> {
        use std::io::Read;
        let path = self.path_of(seq).ok_or(StoreError::Expunged)?;
        let mut f = match crate::maildir::safe::open_message(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(StoreError::Expunged),
            Err(e) => return Err(StoreError::io("reading", &path)(e)),
        };
        let mut buf = Vec::with_capacity(4096);
        let mut chunk = [0u8; 4096];
        loop {
            let n = f
                .read(&mut chunk)
                .map_err(StoreError::io("reading", &path))?;
            if n == 0 {
                return Ok(buf);
            }
            // The blank line may straddle two chunks: look a few bytes back.
            let from = buf.len().saturating_sub(3);
            buf.extend_from_slice(&chunk[..n]);
            let end = memchr::memmem::find(&buf[from..], b"\n\r\n")
                .map(|i| from + i + 3)
                .or_else(|| memchr::memmem::find(&buf[from..], b"\n\n").map(|i| from + i + 2));
            if let Some(end) = end {
                buf.truncate(end);
                return Ok(buf);
            }
            if buf.len() >= MAX_HEADER {
                return Ok(buf);
            }
        }
    }

    /// QRESYNC: UIDs expunged since `modseq` (ascending).
    pub fn vanished_since(&self, account: &Account, modseq: u64) -> Result<Vec<u32>, StoreError> {
        Ok(expunged_since(
            account.index.conn_ref(),
            &self.name,
            modseq,
        )?)
    }

    /// Brings this view up to date. With `allow_expunge` false, messages expunged elsewhere
    /// stay (as ghosts) and are reported by the next call with it true.
    pub fn refresh(
        &mut self,
        account: &mut Account,
        allow_expunge: bool,
    ) -> Result<Changes, StoreError> {
        // Deleted or renamed away (or replaced: a new UIDVALIDITY) under this session.
        if !super::exists(&self.dir) {
            return Err(StoreError::NoSuchMailbox(self.name.clone()));
        }
        let scan = account
            .index
            .scan(&self.name, &self.dir, !self.read_only, false)?;
        if scan.report.uidvalidity != self.uidvalidity {
            return Err(StoreError::NoSuchMailbox(self.name.clone()));
        }
        let moved: HashSet<String> = scan.moved.into_iter().collect();
        let conn = account.index.conn_ref();
        let tx = conn.unchecked_transaction()?;
        let row = index::folder_row(&tx, &self.name)?;
        let changed = rows(&tx, &self.name, self.seen_modseq)?;
        let gone = expunged_since(&tx, &self.name, self.seen_modseq)?;
        tx.commit()?;

        let mut out = Changes::default();
        for uid in gone {
            if let Ok(i) = self.messages.binary_search_by_key(&uid, |m| m.uid) {
                self.slots[i].ghost = true;
            }
        }
        if allow_expunge {
            out = self.drop_ghosts();
        }
        let recent_before = self.recent_count();
        let mut other_flags = Vec::new();
        let mut added = 0;
        for r in &changed {
            match self.messages.binary_search_by_key(&r.uid, |m| m.uid) {
                Ok(i) => {
                    let m = &mut self.messages[i];
                    if r.modseq != m.modseq {
                        let (meta, slot) = r.meta(m.recent);
                        *m = meta;
                        self.slots[i] = slot;
                        other_flags.push(i as u32 + 1);
                    }
                }
                Err(i) if i == self.messages.len() => {
                    let (meta, slot) = r.meta(moved.contains(&r.unique));
                    self.messages.push(meta);
                    self.slots.push(slot);
                    added += 1;
                }
                // Below the highest UID in view but unknown: cannot be (UIDs only grow).
                Err(_) => {}
            }
        }
        // A message this session already had, moved out of new/ by this scan, is \Recent
        // here now (another session had indexed it without moving it).
        if !moved.is_empty() {
            for (m, s) in self.messages.iter_mut().zip(&self.slots) {
                if !m.recent && moved.contains(&*s.unique) {
                    m.recent = true;
                }
            }
        }
        let recent = self.recent_count();
        if added > 0 || !out.expunged.is_empty() {
            out.exists = Some(self.messages.len() as u32);
        }
        if added > 0 || recent != recent_before {
            out.recent = Some(recent);
        }
        out.flags = other_flags;
        self.uidnext = row.uidnext;
        self.highestmodseq = row.highestmodseq;
        self.seen_modseq = row.highestmodseq;
        Ok(out)
    }

    fn recent_count(&self) -> u32 {
        self.messages.iter().filter(|m| m.recent).count() as u32
    }

    /// Removes the ghosts from the view: their EXPUNGE numbers, highest first so each is
    /// valid after the previous.
    pub(super) fn drop_ghosts(&mut self) -> Changes {
        let mut out = Changes::default();
        for i in (0..self.slots.len()).rev() {
            if self.slots[i].ghost {
                out.expunged.push(i as u32 + 1);
                out.vanished.push(self.messages[i].uid);
            }
        }
        if !out.expunged.is_empty() {
            let mut keep = self.slots.iter().map(|s| !s.ghost);
            self.messages.retain(|_| keep.next().unwrap_or(true));
            self.slots.retain(|s| !s.ghost);
        }
        out
    }
}
