//! Selecting a folder and keeping a session's view of it current: the view is built from
//! the index (`Index::snapshot`), and `refresh` asks the index only for what changed above
//! the MODSEQ the view last saw (and the `expunged` table), reading directories only when
//! their mtimes changed; the merge itself is the view's (`crate::imap::mailstore::view`).
//! Also reading a message's file. Not here: STORE, EXPUNGE, COPY, MOVE (`ops.rs`).

use std::path::{Path, PathBuf};

use super::{Account, StoreError};
use crate::imap::flags::Flags;
use crate::imap::mailstore::{Changes, Delta, Mailbox, MessageMeta, Slot, view::MAX_HEADER};
use crate::maildir::index::{KnownRows, MessageRow};
use crate::maildir::{folder, name::Name};

fn meta(r: MessageRow, recent: bool) -> (MessageMeta, Slot) {
    // Rows from an index older than internal_date: the time in the name is as good.
    let internal_date = r
        .internal_date
        .or_else(|| Name::parse(&r.unique).ok().and_then(|n| n.time))
        .unwrap_or(0);
    (
        MessageMeta {
            save_date: r.save_date.unwrap_or(internal_date),
            email_id: r.email_id,
            uid: r.uid,
            flags: Flags::from_maildir(&r.letters, &r.keywords),
            modseq: r.modseq,
            size: r.size,
            internal_date,
            recent,
        },
        Slot {
            unique: r.unique.into(),
            letters: r.letters.into(),
            ghost: false,
        },
    )
}

/// The file of a message by unique name, looked for in cur/ and new/ (a rename by another
/// program since the index last saw it).
pub(super) fn find_file(dir: &Path, unique: &str) -> Option<PathBuf> {
    folder::entries(dir)
        .into_iter()
        .find(|e| e.name.unique == unique)
        .map(|e| e.path)
}

/// A page of a folder as [`Account::newest`] reads it.
pub struct Listing {
    /// The folder's canonical name.
    pub name: String,
    /// Messages in the whole folder.
    pub total: u32,
    /// The page's messages, each with its header block (None: the file has gone).
    pub rows: Vec<(MessageMeta, Option<Vec<u8>>)>,
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

/// The message's current file; None for ghosts and files that are gone.
pub(super) fn path_of(mb: &Mailbox, seq: u32) -> Option<PathBuf> {
    let s = mb.slot(seq).filter(|s| !s.ghost)?;
    locate(mb.dir(), &s.unique, &s.letters)
}

impl Account {
    /// The directory of folder `name` and the unique names of its messages `uids` (those
    /// the index knows), for a reader that runs later, elsewhere.
    pub fn message_files(
        &self,
        name: &str,
        uids: &[u32],
    ) -> Result<(PathBuf, Vec<String>), StoreError> {
        let (name, dir) = self.existing(name)?;
        let mut uniques = Vec::with_capacity(uids.len());
        for &uid in uids {
            if let Some(u) = self.index.unique_of(&name, uid)? {
                uniques.push(u);
            }
        }
        Ok((dir, uniques))
    }

    /// SELECT (or EXAMINE with `read_only`).
    pub fn select(&mut self, name: &str, read_only: bool) -> Result<Mailbox, StoreError> {
        let (name, dir) = self.existing(name)?;
        let scan = self.index.scan(&name, &dir, !read_only, false)?;
        let snap = self.index.snapshot(&name, 0, false)?;
        let (messages, slots) = snap
            .rows
            .into_iter()
            .map(|r| {
                let recent = scan.recent.contains(&r.uid);
                meta(r, recent)
            })
            .unzip();
        let f = snap.folder;
        let mailbox_id = match snap.mailbox_id {
            Some(id) => id,
            None => self.index.mailbox_id(&name)?,
        };
        let mut mb = Mailbox::new(
            name,
            read_only,
            f.uidvalidity,
            f.uidnext,
            f.highestmodseq,
            messages,
            slots,
            dir,
        );
        mb.mailbox_id = mailbox_id;
        Ok(mb)
    }

    /// The message's content; [`StoreError::Expunged`] for ghosts and vanished files.
    pub fn read(&self, mb: &Mailbox, seq: u32) -> Result<Vec<u8>, StoreError> {
        let path = path_of(mb, seq).ok_or(StoreError::Expunged)?;
        match crate::maildir::safe::read_message(&path) {
            Ok(d) => Ok(d),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(StoreError::Expunged),
            Err(e) => Err(StoreError::io("reading", &path)(e)),
        }
    }

    /// The header block of a message (through its blank line, at most [`MAX_HEADER`] bytes):
    /// what header-only FETCH items and SEARCH keys need, without reading attachments.
    pub fn read_header(&self, mb: &Mailbox, seq: u32) -> Result<Vec<u8>, StoreError> {
        header_of(&path_of(mb, seq).ok_or(StoreError::Expunged)?)
    }

    /// A list view's page of folder `name`, newest (highest UID) first: the folder's
    /// message count, and the messages after the `skip` newest (at most `limit`), each with
    /// its header block (None when its file went away since the index saw it). Reads that
    /// page's index rows and files only, where SELECT loads every row of the folder: a
    /// webmail page of a 10,000-message folder costs what one of 50 does. Brings the index
    /// in line first, without moving new/ files (as STATUS: \Recent stays for IMAP).
    pub fn newest(&mut self, name: &str, skip: usize, limit: usize) -> Result<Listing, StoreError> {
        let (name, dir) = self.existing(name)?;
        self.index.scan(&name, &dir, false, false)?;
        let (_, counts) = self.index.folder_counts(&name)?;
        let mut out = Vec::new();
        for r in self.index.newest(&name, skip, limit)? {
            let header = match locate(&dir, &r.unique, &r.letters).map(|p| header_of(&p)) {
                Some(Ok(h)) => Some(h),
                None | Some(Err(StoreError::Expunged)) => None,
                Some(Err(e)) => return Err(e),
            };
            out.push((meta(r, false).0, header));
        }
        Ok(Listing {
            name,
            total: counts.messages,
            rows: out,
        })
    }

    /// QRESYNC: UIDs expunged since `modseq` (ascending).
    pub fn vanished_since(&self, mb: &Mailbox, modseq: u64) -> Result<Vec<u32>, StoreError> {
        Ok(self.index.expunged_since(&mb.name, modseq)?)
    }

    /// Brings `mb` up to date. With `allow_expunge` false, messages expunged elsewhere
    /// stay (as ghosts) and are reported by the next call with it true.
    pub fn refresh(
        &mut self,
        mb: &mut Mailbox,
        allow_expunge: bool,
    ) -> Result<Changes, StoreError> {
        // Deleted or renamed away (or replaced: a new UIDVALIDITY) under this session.
        if !super::exists(mb.dir()) {
            return Err(StoreError::NoSuchMailbox(mb.name.clone()));
        }
        // The view's rows stand for the index's while the folder's counters are the ones
        // it has seen: a busy folder's refresh then reads its row, not all its rows.
        let view = KnownRows {
            uidnext: mb.uidnext,
            highestmodseq: mb.seen_modseq(),
            rows: mb
                .slots
                .iter()
                .zip(&mb.messages)
                .filter(|(s, _)| !s.ghost)
                .map(|(s, m)| (m.uid, &*s.unique, &*s.letters))
                .collect(),
        };
        let scan = self
            .index
            .scan_known(&mb.name, mb.dir(), !mb.read_only, false, Some(&view))?;
        drop(view);
        if scan.report.uidvalidity != mb.uidvalidity {
            return Err(StoreError::NoSuchMailbox(mb.name.clone()));
        }
        // Nothing written since the view's last look (every change moves HIGHESTMODSEQ, a
        // new message UIDNEXT): the snapshot would find no row, so it is not read. Most
        // refreshes (NOOP, IDLE, FETCH of a quiet folder) end here, one statement on
        // PostgreSQL instead of two.
        if (scan.uidnext, scan.highestmodseq) == (mb.uidnext, mb.seen_modseq()) {
            return Ok(mb.apply(
                Delta {
                    uidnext: scan.uidnext,
                    highestmodseq: scan.highestmodseq,
                    recent: vec![scan.recent],
                    ..Delta::default()
                },
                allow_expunge,
            ));
        }
        // The look brought the changes with its decision (in line), or they are read now.
        let snap = match scan.since {
            Some(snap) => snap,
            None => self.index.snapshot(&mb.name, mb.seen_modseq(), true)?,
        };
        let changed = snap
            .rows
            .into_iter()
            .map(|r| {
                let recent = scan.recent.contains(&r.uid);
                meta(r, recent)
            })
            .collect();
        Ok(mb.apply(
            Delta {
                uidnext: snap.folder.uidnext,
                highestmodseq: snap.folder.highestmodseq,
                changed,
                expunged: snap.expunged,
                recent: vec![scan.recent],
            },
            allow_expunge,
        ))
    }
}

/// The header block of the message file at `path` (through its blank line, at most
/// [`MAX_HEADER`] bytes); [`StoreError::Expunged`] when the file is gone.
fn header_of(path: &Path) -> Result<Vec<u8>, StoreError> {
    use std::io::Read;
    let mut f = match crate::maildir::safe::open_message(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(StoreError::Expunged),
        Err(e) => return Err(StoreError::io("reading", path)(e)),
    };
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        let n = f
            .read(&mut chunk)
            .map_err(StoreError::io("reading", path))?;
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
