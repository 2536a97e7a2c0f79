//! The commands that change a selected mailbox: STORE (flags into file names, keywords into
//! the index, a new MODSEQ each, RFC 7162 UNCHANGEDSINCE), EXPUNGE / UID EXPUNGE, COPY and
//! MOVE (RFC 6851) with their COPYUID values (RFC 4315). Each is one locked transaction; the
//! current flags come from the index, not the view, so two sessions never undo each other.
//! Not here: reporting the results (the session) and other sessions' changes (`refresh`).

use std::collections::HashSet;
use std::fs;
use std::path::Path;

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::account::{Pending, set_mtime};
use super::mailbox::{find_file, locate};
use super::{Account, Changes, CopyUid, Mailbox, StoreError, StoreOutcome};
use crate::imap::command::{Flag, StoreMode};
use crate::imap::flags::{DELETED, Flags};
use crate::maildir::{deliver, index, name::Name};

/// The sequence numbers as view indexes, ascending, deduplicated, without ghosts or numbers
/// out of range.
fn live(mb: &Mailbox, seqs: &[u32]) -> Vec<usize> {
    let mut v: Vec<usize> = seqs
        .iter()
        .filter_map(|&s| (s as usize).checked_sub(1))
        .filter(|&i| mb.slots.get(i).is_some_and(|s| !s.ghost))
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Info letters for new flags, keeping lowercase letters (Dovecot keywords) we do not own.
fn letters_for(flags: &Flags, old: &str) -> String {
    let mut l = flags.maildir_letters();
    l.extend(old.chars().filter(char::is_ascii_lowercase));
    let mut v: Vec<char> = l.chars().collect();
    v.sort_unstable();
    v.dedup();
    v.into_iter().collect()
}

impl Mailbox {
    /// STORE's keyword caps, checked on the view before anything changes, so a refused
    /// STORE changes no message: keyword length, distinct keywords in the mailbox, keywords
    /// on one message.
    fn check_keywords(
        &self,
        limits: super::Limits,
        seqs: &[u32],
        mode: StoreMode,
        flags: &[Flag],
    ) -> Result<(), StoreError> {
        let adding: Vec<String> = flags
            .iter()
            .filter_map(|f| match f {
                Flag::Keyword(k) if !k.eq_ignore_ascii_case("$Forwarded") => Some(k.clone()),
                _ => None,
            })
            .collect();
        if adding.is_empty() {
            return Ok(());
        }
        let have: HashSet<String> = self
            .messages
            .iter()
            .flat_map(|m| m.flags.keywords.iter().map(|k| k.to_ascii_lowercase()))
            .collect();
        super::check_new_keywords(limits, &have, &adding)?;
        for i in live(self, seqs) {
            let mut f = match mode {
                StoreMode::Replace => Flags::default(),
                _ => self.messages[i].flags.clone(),
            };
            if !flags.iter().all(|fl| f.insert(fl)) {
                return Err(StoreError::Limit(format!(
                    "at most {} keywords on one message",
                    crate::imap::flags::MAX_KEYWORDS
                )));
            }
        }
        Ok(())
    }

    /// STORE. Messages whose MODSEQ is above `unchanged_since` are left alone and returned in
    /// `failed`; messages whose flags would not change keep their MODSEQ and are in neither list.
    pub fn store(
        &mut self,
        account: &mut Account,
        seqs: &[u32],
        mode: StoreMode,
        flags: &[Flag],
        unchanged_since: Option<u64>,
    ) -> Result<StoreOutcome, StoreError> {
        if self.read_only {
            return Err(StoreError::ReadOnly);
        }
        if mode != StoreMode::Remove {
            self.check_keywords(account.limits, seqs, mode, flags)?;
        }
        let mut out = StoreOutcome::default();
        let tx = account
            .index
            .conn()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let row = index::folder_row(&tx, &self.name)?;
        let mut modseq = row.highestmodseq;
        {
            let mut get = tx.prepare_cached(
                "SELECT flags, keywords, modseq FROM messages WHERE folder = ?1 AND uid = ?2",
            )?;
            let mut put = tx.prepare_cached(
                "UPDATE messages SET flags = ?3, keywords = ?4, modseq = ?5, in_new = 0 \
                 WHERE folder = ?1 AND uid = ?2",
            )?;
            for i in live(self, seqs) {
                let uid = self.messages[i].uid;
                let Some((old_letters, keywords, cur_modseq)) = get
                    .query_row(params![self.name, uid], |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, i64>(2)? as u64,
                        ))
                    })
                    .optional()?
                else {
                    continue; // expunged meanwhile: the next refresh reports it
                };
                if unchanged_since.is_some_and(|u| cur_modseq > u) {
                    out.failed.push(i as u32 + 1);
                    continue;
                }
                let old = Flags::from_maildir(&old_letters, &keywords);
                let mut new = match mode {
                    StoreMode::Replace => Flags::default(),
                    _ => old.clone(),
                };
                for f in flags {
                    match mode {
                        StoreMode::Remove => new.remove(f),
                        _ => {
                            new.insert(f);
                        }
                    }
                }
                if new == old {
                    continue;
                }
                let letters = letters_for(&new, &old_letters);
                let unique = self.slots[i].unique.clone();
                let Some(from) = locate(&self.dir, &unique, &old_letters) else {
                    continue;
                };
                let to = self.dir.join("cur").join(format!("{unique}:2,{letters}"));
                if from != to
                    && let Err(e) = fs::rename(&from, &to)
                {
                    // Renamed by another program just now: once more from where it is.
                    match find_file(&self.dir, &unique) {
                        Some(p) => fs::rename(&p, &to).map_err(StoreError::io("renaming", &p))?,
                        None if e.kind() == std::io::ErrorKind::NotFound => continue,
                        None => return Err(StoreError::io("renaming", &from)(e)),
                    }
                }
                modseq += 1;
                put.execute(params![
                    self.name,
                    uid,
                    letters,
                    new.keywords_text(),
                    modseq as i64
                ])?;
                let m = &mut self.messages[i];
                m.flags = new;
                m.modseq = modseq;
                self.slots[i].letters = letters.into();
                out.changed.push(i as u32 + 1);
            }
        }
        tx.execute(
            "UPDATE folders SET highestmodseq = ?2 WHERE name = ?1",
            params![self.name, modseq as i64],
        )?;
        tx.commit()?;
        out.failed.sort_unstable();
        Ok(out)
    }

    /// Removes messages (those marked \Deleted, unless `require_deleted` is false) among the
    /// view indexes `which`, and reports them with any pending ghosts.
    fn remove(
        &mut self,
        account: &mut Account,
        which: &[usize],
        require_deleted: bool,
    ) -> Result<Changes, StoreError> {
        let tx = account
            .index
            .conn()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let row = index::folder_row(&tx, &self.name)?;
        let mut modseq = row.highestmodseq;
        let mut removed = Vec::new();
        {
            let mut get =
                tx.prepare_cached("SELECT flags FROM messages WHERE folder = ?1 AND uid = ?2")?;
            let mut del =
                tx.prepare_cached("DELETE FROM messages WHERE folder = ?1 AND uid = ?2")?;
            let mut gone = tx.prepare_cached(
                "INSERT OR REPLACE INTO expunged (folder, uid, modseq) VALUES (?1, ?2, ?3)",
            )?;
            for &i in which {
                let uid = self.messages[i].uid;
                let Some(letters) = get
                    .query_row(params![self.name, uid], |r| r.get::<_, String>(0))
                    .optional()?
                else {
                    continue;
                };
                if require_deleted && !Flags::from_maildir(&letters, "").has(DELETED) {
                    continue;
                }
                if let Some(p) = locate(&self.dir, &self.slots[i].unique, &letters) {
                    match fs::remove_file(&p) {
                        Ok(()) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(e) => return Err(StoreError::io("removing", &p)(e)),
                    }
                }
                modseq += 1;
                del.execute(params![self.name, uid])?;
                gone.execute(params![self.name, uid, modseq as i64])?;
                removed.push(i);
            }
        }
        tx.execute(
            "UPDATE folders SET highestmodseq = ?2 WHERE name = ?1",
            params![self.name, modseq as i64],
        )?;
        tx.commit()?;
        for i in removed {
            self.slots[i].ghost = true;
        }
        Ok(self.drop_ghosts())
    }

    /// EXPUNGE / UID EXPUNGE (`only_uids`): removes \Deleted messages. The Changes also carry
    /// messages expunged elsewhere and not yet reported.
    pub fn expunge(
        &mut self,
        account: &mut Account,
        only_uids: Option<&[u32]>,
    ) -> Result<Changes, StoreError> {
        if self.read_only {
            return Err(StoreError::ReadOnly);
        }
        // A set: `UID EXPUNGE 1:*` on a large mailbox must not be quadratic.
        let only: Option<HashSet<u32>> = only_uids.map(|u| u.iter().copied().collect());
        let which: Vec<usize> = (0..self.messages.len())
            .filter(|&i| !self.slots[i].ghost)
            .filter(|&i| {
                only.as_ref()
                    .is_none_or(|u| u.contains(&self.messages[i].uid))
            })
            .collect();
        self.remove(account, &which, true)
    }

    /// COPY: the messages get new files (hard links when possible) and UIDs in `dest`, with
    /// their flags, keywords and internal dates.
    pub fn copy_to(
        &mut self,
        account: &mut Account,
        seqs: &[u32],
        dest: &str,
    ) -> Result<CopyUid, StoreError> {
        let (dest, dest_dir) = account.existing(dest)?;
        let which = live(self, seqs);
        let bytes: u64 = which.iter().map(|&i| self.messages[i].size).sum();
        account.check_quota(bytes)?;
        let keywords: Vec<String> = which
            .iter()
            .flat_map(|&i| self.messages[i].flags.keywords.iter().cloned())
            .collect();
        if !keywords.is_empty() && dest != self.name {
            let have = account.folder_keywords(&dest)?;
            super::check_new_keywords(account.limits, &have, &keywords)?;
        }
        let mut pending = Vec::with_capacity(which.len());
        let mut src_uids = Vec::with_capacity(which.len());
        for &i in &which {
            let made = self
                .path_of(i as u32 + 1)
                .ok_or(StoreError::Expunged)
                .and_then(|src| self.duplicate(&src, &dest_dir, i));
            match made {
                Ok(p) => {
                    pending.push(p);
                    src_uids.push(self.messages[i].uid);
                }
                Err(e) => {
                    for p in &pending {
                        let _ = fs::remove_file(&p.tmp);
                    }
                    return Err(e);
                }
            }
        }
        let (uv, dest_uids) = account.place(&dest, &dest_dir, pending)?;
        Ok((uv, src_uids, dest_uids))
    }

    /// A new name in `dest/tmp/` for the message at `src`: a hard link (same inode, so
    /// nothing to fsync), or a copy with the internal date as mtime.
    fn duplicate(&self, src: &Path, dest_dir: &Path, i: usize) -> Result<Pending, StoreError> {
        let m = &self.messages[i];
        let size = Name::parse(&self.slots[i].unique)
            .ok()
            .and_then(|n| n.size)
            .unwrap_or(m.size);
        let unique = format!("{},S={size}", deliver::unique_name());
        let tmp = dest_dir.join("tmp").join(&unique);
        // Never through a link: the destination's tmp/ is checked, the source is opened
        // with O_NOFOLLOW (and a link would be hard-linked as the link, never its target).
        let md = crate::maildir::safe::Maildir::open(dest_dir)
            .map_err(StoreError::io("opening", dest_dir))?;
        if let Err(e) = fs::hard_link(src, &tmp) {
            if e.kind() == std::io::ErrorKind::NotFound {
                return Err(StoreError::Expunged);
            }
            let copied = (|| {
                let mut from = crate::maildir::safe::open_message(src)?;
                let mut f = md.tmp.create(&unique, 0o600)?;
                std::io::copy(&mut from, &mut f)?;
                set_mtime(&f, m.internal_date)?;
                f.sync_all()
            })();
            if let Err(e) = copied {
                let _ = fs::remove_file(&tmp);
                return Err(StoreError::io("copying", src)(e));
            }
        }
        Ok(Pending {
            tmp,
            unique,
            letters: m.flags.maildir_letters(),
            keywords: m.flags.keywords_text(),
            size,
            internal_date: m.internal_date,
        })
    }

    /// MOVE: COPY, then the sources are removed. The destination files exist (linked and
    /// fsynced) before any source is unlinked, so a crash can duplicate but never lose.
    pub fn move_to(
        &mut self,
        account: &mut Account,
        seqs: &[u32],
        dest: &str,
    ) -> Result<(CopyUid, Changes), StoreError> {
        if self.read_only {
            return Err(StoreError::ReadOnly);
        }
        let copied = self.copy_to(account, seqs, dest)?;
        let which: Vec<usize> = copied
            .1
            .iter()
            .filter_map(|&u| self.seq_of_uid(u))
            .map(|s| s as usize - 1)
            .collect();
        let changes = self.remove(account, &which, false)?;
        Ok((copied, changes))
    }
}
