//! An in-memory [`MailStore`], so the IMAP session can be unit-tested (and later fuzzed)
//! without a disk. Sessions opened from one [`Shared`] see each other's changes, as
//! sessions over one Maildir do; [`Shared::deliver`] plays the SMTP delivery path (a
//! message that is \Recent for the next session that selects the folder).
//!
//! It keeps the protocol-visible rules of the Maildir backend (UIDs and MODSEQs only
//! grow, a new UIDVALIDITY per folder incarnation, \Recent given once, ghosts until the
//! session may expunge, quota and per-user caps), not its durability. Not here: message
//! files, the index, concurrency beyond one mutex.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use super::{
    Changes, CopyUid, Limits, MailStore, Mailbox, MailboxInfo, MailboxStatus, NewMail, StoreError,
    StoreOutcome, canonical_name, check_new_keywords,
};
use crate::imap::command::{Flag, StoreMode};
use crate::imap::flags::{DELETED, Flags, SEEN};
use crate::imap::mailstore::view::MAX_HEADER;
use crate::imap::mailstore::{
    Delta, is_child, move_by_copy, special_use_attr, stored_flags, with_parents, within,
};
use crate::imap::session::StoreOpener;

struct Msg {
    uid: u32,
    data: Vec<u8>,
    flags: Flags,
    modseq: u64,
    internal_date: i64,
    save_date: i64,
    /// A hash of the content, so copies share it as RFC 8474 wants.
    email_id: u64,
    /// Delivered and not yet claimed as \Recent by a read-write session.
    fresh: bool,
}

struct Folder {
    /// RFC 8474 MAILBOXID: made with the folder, moved with it by RENAME.
    id: String,
    uidvalidity: u32,
    uidnext: u32,
    highestmodseq: u64,
    special_use: Option<&'static str>,
    /// RFC 5464 entries: moved by RENAME with the folder, gone with it.
    meta: BTreeMap<String, Vec<u8>>,
    msgs: Vec<Msg>,
    /// (UID, MODSEQ of its expunge).
    expunged: Vec<(u32, u64)>,
}

#[derive(Default)]
struct State {
    folders: BTreeMap<String, Folder>,
    subscriptions: BTreeSet<String>,
    last_uidvalidity: u32,
    server_meta: BTreeMap<String, Vec<u8>>,
}

mod state;
use state::meta;

/// What IDLE watches for a folder: nothing on disk, only a name.
fn watch(name: &str) -> PathBuf {
    PathBuf::from(format!("mem:{name}"))
}

/// Mail shared by every session opened from it (one account).
#[derive(Clone)]
pub struct Shared(Arc<Mutex<State>>);

impl Default for Shared {
    /// An account with INBOX only.
    fn default() -> Shared {
        let mut st = State::default();
        st.make("INBOX", None);
        Shared(Arc::new(Mutex::new(st)))
    }
}

impl Shared {
    pub fn new() -> Shared {
        Shared::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Delivery from outside (SMTP): \Recent for the next read-write session that sees it.
    pub fn deliver(&self, folder: &str, data: &[u8]) -> u32 {
        let mut st = self.lock();
        let f = st.folders.get_mut(folder).expect("test folder exists");
        f.add(data.to_vec(), Flags::default(), 1_700_000_000, true)
    }

    /// A [`StoreOpener`] for sessions: every login opens this account (the Maildir path
    /// the driver hands over is ignored).
    pub fn opener(&self) -> StoreOpener {
        let shared = self.clone();
        Arc::new(move |_user, _root, quota, limits| {
            Ok(Box::new(MemStore {
                shared: shared.clone(),
                quota,
                limits,
            }) as Box<dyn MailStore>)
        })
    }
}

/// One session's handle on a [`Shared`] account.
pub struct MemStore {
    shared: Shared,
    quota: Option<u64>,
    limits: Limits,
}

impl MemStore {
    fn check_quota(&self, st: &State, adding: u64) -> Result<(), StoreError> {
        match self.quota {
            Some(q) if st.usage().saturating_add(adding) > q => Err(StoreError::OverQuota),
            _ => Ok(()),
        }
    }

    fn valid(name: &str) -> Result<String, StoreError> {
        let name = canonical_name(name);
        if name.is_empty() || name.contains(['%', '*']) {
            return Err(StoreError::BadName(format!("'{name}'")));
        }
        Ok(name)
    }

    /// Removes the view indexes `which` (with \Deleted, if `require_deleted`).
    fn remove(
        &mut self,
        mb: &mut Mailbox,
        which: &[usize],
        require_deleted: bool,
    ) -> Result<Changes, StoreError> {
        let mut st = self.shared.lock();
        let f = st.folder(&mb.name)?;
        let mut gone = Vec::new();
        for &i in which {
            let uid = mb.messages[i].uid;
            let Some(m) = f.get(uid) else { continue };
            if require_deleted && !m.flags.has(DELETED) {
                continue;
            }
            f.expunge(uid);
            gone.push(i);
        }
        Ok(mb.remove(&gone))
    }
}

impl MailStore for MemStore {
    fn list(&mut self) -> Result<Vec<MailboxInfo>, StoreError> {
        let st = self.shared.lock();
        let names: Vec<&String> = st.folders.keys().collect();
        let mut out: Vec<MailboxInfo> = st
            .folders
            .iter()
            .map(|(name, f)| MailboxInfo {
                name: name.clone(),
                special_use: f.special_use,
                has_children: names.iter().any(|c| is_child(name, c)),
                subscribed: st.subscriptions.contains(name),
                selectable: true,
            })
            .collect();
        out.sort_by_key(|b| (b.name != "INBOX", b.name.clone()));
        Ok(out)
    }

    fn subscriptions(&self) -> Result<Vec<String>, StoreError> {
        Ok(self.shared.lock().subscriptions.iter().cloned().collect())
    }

    fn subscribe(&mut self, name: &str) -> Result<(), StoreError> {
        let name = Self::valid(name)?;
        let mut st = self.shared.lock();
        let cap = self.limits.max_subscriptions;
        if !st.subscriptions.contains(&name) && !within(cap, st.subscriptions.len(), 1) {
            return Err(StoreError::Limit(format!("at most {cap} subscriptions")));
        }
        st.subscriptions.insert(name);
        Ok(())
    }

    fn unsubscribe(&mut self, name: &str) -> Result<(), StoreError> {
        let name = Self::valid(name)?;
        self.shared.lock().subscriptions.remove(&name);
        Ok(())
    }

    fn create(&mut self, name: &str, special_use: Option<&str>) -> Result<(), StoreError> {
        let name = Self::valid(name)?;
        let attr = special_use_attr(special_use)?;
        let mut st = self.shared.lock();
        if st.folders.contains_key(&name) {
            return Err(StoreError::AlreadyExists(name));
        }
        let missing: Vec<String> = with_parents(&name)
            .filter(|p| !st.folders.contains_key(*p))
            .map(str::to_string)
            .collect();
        let cap = self.limits.max_mailboxes;
        if !within(cap, st.folders.len() - 1, missing.len()) {
            return Err(StoreError::Limit(format!(
                "at most {cap} mailboxes per user"
            )));
        }
        for p in missing {
            let a = if p == name { attr } else { None };
            st.make(&p, a);
        }
        Ok(())
    }

    fn delete(&mut self, name: &str) -> Result<(), StoreError> {
        let name = Self::valid(name)?;
        if name == "INBOX" {
            return Err(StoreError::CannotDelete("INBOX cannot be deleted".into()));
        }
        let mut st = self.shared.lock();
        if st.folders.keys().any(|c| is_child(&name, c)) {
            return Err(StoreError::CannotDelete("has children".into()));
        }
        st.folders
            .remove(&name)
            .map(|_| ())
            .ok_or(StoreError::NoSuchMailbox(name))
    }

    fn rename(&mut self, from: &str, to: &str) -> Result<(), StoreError> {
        let (from, to) = (Self::valid(from)?, Self::valid(to)?);
        let mut st = self.shared.lock();
        if st.folders.contains_key(&to) {
            return Err(StoreError::AlreadyExists(to));
        }
        if from == "INBOX" {
            st.make(&to, None);
            let inbox = st.folder("INBOX")?;
            let msgs: Vec<Msg> = std::mem::take(&mut inbox.msgs);
            for m in &msgs {
                inbox.highestmodseq += 1;
                inbox.expunged.push((m.uid, inbox.highestmodseq));
            }
            let dest = st.folder(&to)?;
            for m in msgs {
                dest.add(m.data, m.flags, m.internal_date, m.fresh);
            }
            return Ok(());
        }
        let moving: Vec<String> = st
            .folders
            .keys()
            .filter(|n| **n == from || is_child(&from, n))
            .cloned()
            .collect();
        if moving.is_empty() {
            return Err(StoreError::NoSuchMailbox(from));
        }
        for old in moving {
            let new = format!("{to}{}", &old[from.len()..]);
            let Some(mut f) = st.folders.remove(&old) else {
                continue;
            };
            st.last_uidvalidity += 1;
            f.uidvalidity = st.last_uidvalidity;
            f.expunged.clear();
            st.folders.insert(new, f);
        }
        Ok(())
    }

    fn metadata(&mut self, mailbox: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let mut st = self.shared.lock();
        let map = if mailbox.is_empty() {
            &st.server_meta
        } else {
            &st.folder(&Self::valid(mailbox)?)?.meta
        };
        Ok(map.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
    }

    fn set_metadata(
        &mut self,
        mailbox: &str,
        changes: &[(String, Option<Vec<u8>>)],
    ) -> Result<(), StoreError> {
        let mut st = self.shared.lock();
        let name = if mailbox.is_empty() {
            String::new()
        } else {
            Self::valid(mailbox)?
        };
        let map = if name.is_empty() {
            &mut st.server_meta
        } else {
            &mut st.folder(&name)?.meta
        };
        crate::imap::mailstore::apply_metadata(map, changes)
    }

    fn mailbox_id(&mut self, name: &str) -> Result<String, StoreError> {
        let name = Self::valid(name)?;
        Ok(self.shared.lock().folder(&name)?.id.clone())
    }

    fn status(&mut self, name: &str) -> Result<MailboxStatus, StoreError> {
        let name = Self::valid(name)?;
        let mut st = self.shared.lock();
        let f = st.folder(&name)?;
        let count = |p: &dyn Fn(&Msg) -> bool| f.msgs.iter().filter(|m| p(m)).count() as u32;
        Ok(MailboxStatus {
            messages: f.msgs.len() as u32,
            recent: count(&|m| m.fresh),
            uidnext: f.uidnext,
            uidvalidity: f.uidvalidity,
            unseen: count(&|m| !m.flags.has(SEEN)),
            deleted: count(&|m| m.flags.has(DELETED)),
            size: f.msgs.iter().map(|m| m.data.len() as u64).sum(),
            highestmodseq: f.highestmodseq,
            mailbox_id: f.id.clone(),
        })
    }

    fn append_all(
        &mut self,
        name: &str,
        mails: &[NewMail<'_>],
    ) -> Result<(u32, Vec<u32>), StoreError> {
        let name = Self::valid(name)?;
        let mut st = self.shared.lock();
        let total = mails.iter().map(|m| m.data.len() as u64).sum();
        self.check_quota(&st, total)?;
        let limits = self.limits;
        let f = st.folder(&name)?;
        let keywords: Vec<String> = mails
            .iter()
            .flat_map(|m| m.flags.keywords.iter().cloned())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        check_new_keywords(limits, &f.keywords(), &keywords)?;
        // Checked before the first is added, under one lock: all or none.
        let uids = mails
            .iter()
            .map(|m| {
                let date = m.internal_date.unwrap_or(1_700_000_000);
                // \Recent for the next read-write session that sees it, as the Maildir backend.
                f.add(m.data.to_vec(), m.flags.clone(), date, true)
            })
            .collect();
        Ok((f.uidvalidity, uids))
    }

    fn usage(&self) -> u64 {
        self.shared.lock().usage()
    }

    fn watch_path(&self, name: &str) -> Option<PathBuf> {
        Self::valid(name).ok().map(|n| watch(&n))
    }

    fn select(&mut self, name: &str, read_only: bool) -> Result<Mailbox, StoreError> {
        let name = Self::valid(name)?;
        let mut st = self.shared.lock();
        let f = st.folder(&name)?;
        let (messages, slots) = f
            .msgs
            .iter_mut()
            .map(|m| {
                // EXAMINE shows \Recent without claiming it (as Dovecot).
                let recent = if read_only {
                    m.fresh
                } else {
                    std::mem::take(&mut m.fresh)
                };
                meta(m, recent)
            })
            .unzip();
        let dir = watch(&name);
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
        mb.mailbox_id = f.id.clone();
        Ok(mb)
    }

    fn refresh(&mut self, mb: &mut Mailbox, allow_expunge: bool) -> Result<Changes, StoreError> {
        let mut st = self.shared.lock();
        let f = match st.folder(&mb.name) {
            Ok(f) if f.uidvalidity == mb.uidvalidity => f,
            _ => return Err(StoreError::NoSuchMailbox(mb.name.clone())),
        };
        let since = mb.seen_modseq();
        let mut recent = Vec::new();
        let mut changed = Vec::new();
        for m in f.msgs.iter_mut() {
            let fresh = if mb.read_only {
                m.fresh
            } else {
                std::mem::take(&mut m.fresh)
            };
            if fresh {
                recent.push(m.uid..m.uid + 1);
            }
            if m.modseq > since {
                changed.push(meta(m, fresh));
            }
        }
        let expunged = f
            .expunged
            .iter()
            .filter(|e| e.1 > since)
            .map(|e| e.0)
            .collect();
        let delta = Delta {
            uidnext: f.uidnext,
            highestmodseq: f.highestmodseq,
            changed,
            expunged,
            recent,
        };
        Ok(mb.apply(delta, allow_expunge))
    }

    fn vanished_since(&self, mb: &Mailbox, modseq: u64) -> Result<Vec<u32>, StoreError> {
        let mut st = self.shared.lock();
        let f = st.folder(&mb.name)?;
        let mut v: Vec<u32> = f
            .expunged
            .iter()
            .filter(|e| e.1 > modseq)
            .map(|e| e.0)
            .collect();
        v.sort_unstable();
        Ok(v)
    }

    fn read(&self, mb: &Mailbox, seq: u32) -> Result<Vec<u8>, StoreError> {
        if mb.is_ghost(seq) {
            return Err(StoreError::Expunged);
        }
        let uid = mb.messages.get(seq as usize - 1).map(|m| m.uid);
        let mut st = self.shared.lock();
        let f = st.folder(&mb.name)?;
        let m = uid.and_then(|u| f.get(u)).ok_or(StoreError::Expunged)?;
        Ok(m.data.clone())
    }

    fn read_header(&self, mb: &Mailbox, seq: u32) -> Result<Vec<u8>, StoreError> {
        let mut data = self.read(mb, seq)?;
        let end = memchr::memmem::find(&data, b"\r\n\r\n")
            .map(|i| i + 4)
            .or_else(|| memchr::memmem::find(&data, b"\n\n").map(|i| i + 2))
            .unwrap_or(data.len())
            .min(MAX_HEADER);
        data.truncate(end);
        Ok(data)
    }

    fn store(
        &mut self,
        mb: &mut Mailbox,
        seqs: &[u32],
        mode: StoreMode,
        flags: &[Flag],
        unchanged_since: Option<u64>,
    ) -> Result<StoreOutcome, StoreError> {
        if mb.read_only {
            return Err(StoreError::ReadOnly);
        }
        let mut st = self.shared.lock();
        let f = st.folder(&mb.name)?;
        let adding: Vec<String> = flags
            .iter()
            .filter_map(|fl| match fl {
                Flag::Keyword(k) if mode != StoreMode::Remove => Some(k.clone()),
                _ => None,
            })
            .collect();
        check_new_keywords(self.limits, &f.keywords(), &adding)?;
        let mut out = StoreOutcome::default();
        for i in mb.live(seqs) {
            let Some(m) = f.msgs.iter_mut().find(|m| m.uid == mb.messages[i].uid) else {
                continue;
            };
            if unchanged_since.is_some_and(|u| m.modseq > u) {
                out.failed.push(i as u32 + 1);
                continue;
            }
            let (new, fitted) = stored_flags(&m.flags, mode, flags);
            if !fitted {
                return Err(StoreError::Limit("too many keywords".into()));
            }
            if new == m.flags {
                continue;
            }
            f.highestmodseq += 1;
            m.modseq = f.highestmodseq;
            m.flags = new;
            let letters = m.flags.maildir_letters().into();
            mb.stored(i, m.flags.clone(), m.modseq, letters);
            out.changed.push(i as u32 + 1);
        }
        Ok(out)
    }

    fn expunge(
        &mut self,
        mb: &mut Mailbox,
        only_uids: Option<&[u32]>,
    ) -> Result<Changes, StoreError> {
        if mb.read_only {
            return Err(StoreError::ReadOnly);
        }
        let which = mb.expungeable(only_uids);
        self.remove(mb, &which, true)
    }

    fn copy_to(&mut self, mb: &Mailbox, seqs: &[u32], dest: &str) -> Result<CopyUid, StoreError> {
        let dest = Self::valid(dest)?;
        let mut st = self.shared.lock();
        let which = mb.live(seqs);
        let copies: Vec<(u32, Vec<u8>, Flags, i64)> = {
            let src = st.folder(&mb.name)?;
            which
                .iter()
                .filter_map(|&i| src.msgs.iter().find(|m| m.uid == mb.messages[i].uid))
                .map(|m| (m.uid, m.data.clone(), m.flags.clone(), m.internal_date))
                .collect()
        };
        let bytes = copies.iter().map(|c| c.1.len() as u64).sum();
        self.check_quota(&st, bytes)?;
        let f = st.folder(&dest)?;
        let (mut src, mut dst) = (Vec::new(), Vec::new());
        for (uid, data, flags, date) in copies {
            src.push(uid);
            dst.push(f.add(data, flags, date, true));
        }
        Ok((f.uidvalidity, src, dst))
    }

    fn move_to(
        &mut self,
        mb: &mut Mailbox,
        seqs: &[u32],
        dest: &str,
    ) -> Result<(CopyUid, Changes), StoreError> {
        move_by_copy(self, mb, seqs, dest, Self::copy_to, |s, mb, which| {
            s.remove(mb, which, false)
        })
    }
}
