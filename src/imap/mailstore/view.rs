//! One session's view of a selected mailbox: the messages in sequence order, the ghosts of
//! messages expunged elsewhere that the session may not report yet (RFC 3501 §7.4.1), and
//! how a backend's [`Delta`] is merged into it. The same for every backend, so sequence
//! numbers, EXPUNGE order and \Recent work alike over Maildir and in memory. Not here:
//! where the delta comes from (the backends' `refresh`).

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::{Changes, MessageMeta};
use crate::imap::flags::Flags;

/// Longest header block `MailStore::read_header` returns; a header beyond it is cut there.
pub const MAX_HEADER: usize = 256 << 10;

/// Per-message state beside [`MessageMeta`] that only the backend reads.
#[derive(Debug, Clone)]
pub struct Slot {
    /// The backend's stable name for the message (Maildir: the unique part of the file name).
    pub unique: Box<str>,
    /// Info letters as on disk (Dovecot's lowercase keyword letters kept).
    pub letters: Box<str>,
    /// Expunged by someone else, not yet reported.
    pub ghost: bool,
}

/// The selected mailbox as one session sees it: `messages[n-1]` is sequence number n.
pub struct Mailbox {
    pub name: String,
    pub read_only: bool,
    pub uidvalidity: u32,
    pub uidnext: u32,
    pub highestmodseq: u64,
    /// RFC 8474 MAILBOXID, for SELECT's response code (empty: the store has none).
    pub mailbox_id: String,
    pub messages: Vec<MessageMeta>,
    /// What IDLE watches for this mailbox (Maildir: the folder directory).
    pub(crate) dir: PathBuf,
    pub(crate) slots: Vec<Slot>,
    /// Changes in the backend up to this MODSEQ are in the view.
    pub(crate) seen_modseq: u64,
    /// Keywords an untagged FLAGS has listed to this session: RFC 3501 §7.2.6 wants a
    /// keyword listed before a FETCH shows it.
    listed: Vec<String>,
    /// Messages below this UID have had their keywords checked against `listed`.
    listed_below: u32,
}

/// What a backend found changed since the view's `seen_modseq`.
#[derive(Debug, Default)]
pub struct Delta {
    pub uidnext: u32,
    pub highestmodseq: u64,
    /// Messages added or changed, by UID; `recent` is only used for added ones.
    pub changed: Vec<(MessageMeta, Slot)>,
    /// UIDs expunged, ascending.
    pub expunged: Vec<u32>,
    /// UIDs that became \Recent for this session (claimed by it, RFC 3501 §2.3.2), also
    /// ones it already had in view.
    pub recent: Vec<Range<u32>>,
}

impl Mailbox {
    /// A view of `messages` (ascending UIDs) as just selected.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        name: String,
        read_only: bool,
        uidvalidity: u32,
        uidnext: u32,
        highestmodseq: u64,
        messages: Vec<MessageMeta>,
        slots: Vec<Slot>,
        dir: PathBuf,
    ) -> Mailbox {
        Mailbox {
            name,
            read_only,
            uidvalidity,
            uidnext,
            highestmodseq,
            mailbox_id: String::new(),
            messages,
            dir,
            slots,
            seen_modseq: highestmodseq,
            listed: Vec::new(),
            listed_below: 0,
        }
    }

    /// The keywords listed in FLAGS so far, in the order they were first seen.
    pub fn listed_keywords(&self) -> &[String] {
        &self.listed
    }

    /// Adds to the listed keywords those of messages `seqs` and of every message that came
    /// into view since the last call (all of them on the first); true when one was new, so
    /// a FLAGS response is due before any FETCH shows it. Costs a look at the messages
    /// named and the new ones only.
    pub fn list_new_keywords(&mut self, seqs: &[u32]) -> bool {
        let Mailbox {
            messages,
            listed,
            listed_below,
            ..
        } = self;
        let from = messages.partition_point(|m| m.uid < *listed_below);
        let named = seqs.iter().filter_map(|&q| (q as usize).checked_sub(1));
        let mut grew = false;
        for m in named
            .chain(from..messages.len())
            .filter_map(|i| messages.get(i))
        {
            for k in &m.flags.keywords {
                if !listed.iter().any(|x| x.eq_ignore_ascii_case(k)) {
                    listed.push(k.clone());
                    grew = true;
                }
            }
        }
        if let Some(last) = messages.last() {
            *listed_below = (*listed_below).max(last.uid.saturating_add(1));
        }
        grew
    }

    /// What IDLE should watch (Maildir: the folder's `new/` and `cur/` parent).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn seen_modseq(&self) -> u64 {
        self.seen_modseq
    }

    pub fn seq_of_uid(&self, uid: u32) -> Option<u32> {
        self.messages
            .binary_search_by_key(&uid, |m| m.uid)
            .ok()
            .map(|i| i as u32 + 1)
    }

    pub fn slot(&self, seq: u32) -> Option<&Slot> {
        (seq as usize)
            .checked_sub(1)
            .and_then(|i| self.slots.get(i))
    }

    /// Whether seq is a message expunged elsewhere and not yet reported.
    pub fn is_ghost(&self, seq: u32) -> bool {
        self.slot(seq).is_some_and(|s| s.ghost)
    }

    /// The sequence numbers as view indexes, ascending, deduplicated, without ghosts or
    /// numbers out of range.
    pub fn live(&self, seqs: &[u32]) -> Vec<usize> {
        let mut v: Vec<usize> = seqs
            .iter()
            .filter_map(|&s| (s as usize).checked_sub(1))
            .filter(|&i| self.slots.get(i).is_some_and(|s| !s.ghost))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// EXPUNGE's candidates as view indexes: every message but the ghosts, or only those
    /// whose UID is in `only_uids` (UID EXPUNGE, RFC 4315 §2.1).
    pub fn expungeable(&self, only_uids: Option<&[u32]>) -> Vec<usize> {
        // A set: `UID EXPUNGE 1:*` on a large mailbox must not be quadratic.
        let only: Option<HashSet<u32>> = only_uids.map(|u| u.iter().copied().collect());
        (0..self.messages.len())
            .filter(|&i| !self.slots[i].ghost)
            .filter(|&i| {
                only.as_ref()
                    .is_none_or(|u| u.contains(&self.messages[i].uid))
            })
            .collect()
    }

    /// The view indexes of the messages with these UIDs; UIDs not in the view are skipped.
    pub fn indexes_of_uids(&self, uids: &[u32]) -> Vec<usize> {
        uids.iter()
            .filter_map(|&u| self.seq_of_uid(u))
            .map(|s| s as usize - 1)
            .collect()
    }

    /// Records this session's STORE on the message at view index `i`: its new flags, its
    /// new MODSEQ and the info letters of its file.
    pub fn stored(&mut self, i: usize, flags: Flags, modseq: u64, letters: Box<str>) {
        let m = &mut self.messages[i];
        m.flags = flags;
        m.modseq = modseq;
        self.slots[i].letters = letters;
    }

    /// This session's own write took the folder's HIGHESTMODSEQ from `before` to `after`,
    /// and the view holds every change it made (STORE through [`Mailbox::stored`]). A view
    /// that had seen everything up to `before` has then seen everything up to `after`: the
    /// next refresh finds nothing to read back. Otherwise (another session wrote meanwhile)
    /// it stays where it was, and the next refresh reads from there.
    pub fn caught_up(&mut self, before: u64, after: u64) {
        if self.seen_modseq == before {
            self.seen_modseq = after;
            self.highestmodseq = after;
        }
    }

    /// Merges what the backend found changed. With `allow_expunge` false, expunged
    /// messages stay as ghosts.
    pub fn apply(&mut self, delta: Delta, allow_expunge: bool) -> Changes {
        let mut out = Changes::default();
        for uid in delta.expunged {
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
        for (mut meta, slot) in delta.changed {
            match self.messages.binary_search_by_key(&meta.uid, |m| m.uid) {
                Ok(i) => {
                    let m = &mut self.messages[i];
                    if meta.modseq != m.modseq {
                        meta.recent = m.recent;
                        *m = meta;
                        self.slots[i] = slot;
                        other_flags.push(i as u32 + 1);
                    }
                }
                Err(i) if i == self.messages.len() => {
                    self.messages.push(meta);
                    self.slots.push(slot);
                    added += 1;
                }
                // Below the highest UID in view but unknown: cannot be (UIDs only grow).
                Err(_) => {}
            }
        }
        // A message this session already had, claimed by this refresh, is \Recent here now
        // (a read-only session, or a race with an APPEND, had shown it without claiming it).
        for r in &delta.recent {
            let from = self.messages.partition_point(|m| m.uid < r.start);
            for m in self.messages[from..]
                .iter_mut()
                .take_while(|m| m.uid < r.end)
            {
                m.recent = true;
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
        self.uidnext = delta.uidnext;
        self.highestmodseq = delta.highestmodseq;
        self.seen_modseq = delta.highestmodseq;
        out
    }

    fn recent_count(&self) -> u32 {
        self.messages.iter().filter(|m| m.recent).count() as u32
    }

    /// Marks the messages at view indexes `which` as gone, then removes every ghost.
    pub fn remove(&mut self, which: &[usize]) -> Changes {
        for &i in which {
            self.slots[i].ghost = true;
        }
        self.drop_ghosts()
    }

    /// Removes the ghosts from the view: their EXPUNGE numbers, highest first so each is
    /// valid after the previous.
    pub fn drop_ghosts(&mut self) -> Changes {
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
