//! The commands that change a selected mailbox: STORE (flags into file names, keywords into
//! the index, a new MODSEQ each, RFC 7162 UNCHANGEDSINCE), EXPUNGE / UID EXPUNGE, COPY and
//! MOVE (RFC 6851) with their COPYUID values (RFC 4315). Each is one locked transaction; the
//! current flags come from the index, not the view, so two sessions never undo each other.
//! Not here: reporting the results (the session) and other sessions' changes (`refresh`).

use std::collections::HashSet;
use std::fs;
use std::path::Path;

use super::account::{Pending, set_mtime};
use super::mailbox::{find_file, locate, path_of};
use super::{Account, Changes, CopyUid, Mailbox, StoreError, StoreOutcome};
use crate::imap::command::{Flag, StoreMode};
use crate::imap::flags::{DELETED, Flags};
use crate::imap::mailstore::{move_by_copy, stored_flags};
use crate::maildir::{deliver, index, name::Name};

fn live(mb: &Mailbox, seqs: &[u32]) -> Vec<usize> {
    mb.live(seqs)
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

/// STORE's keyword caps, checked on the view before anything changes, so a refused
/// STORE changes no message: keyword length, distinct keywords in the mailbox, keywords
/// on one message.
fn check_keywords(
    mb: &Mailbox,
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
    let have: HashSet<String> = mb
        .messages
        .iter()
        .flat_map(|m| m.flags.keywords.iter().map(|k| k.to_ascii_lowercase()))
        .collect();
    super::check_new_keywords(limits, &have, &adding)?;
    for i in live(mb, seqs) {
        if !stored_flags(&mb.messages[i].flags, mode, flags).1 {
            return Err(StoreError::Limit(format!(
                "at most {} keywords on one message",
                crate::imap::flags::MAX_KEYWORDS
            )));
        }
    }
    Ok(())
}

impl Account {
    /// STORE. Messages whose MODSEQ is above `unchanged_since` are left alone and returned in
    /// `failed`; messages whose flags would not change keep their MODSEQ and are in neither list.
    pub fn store(
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
        if mode != StoreMode::Remove {
            check_keywords(mb, self.limits, seqs, mode, flags)?;
        }
        let mut out = StoreOutcome::default();
        let which = live(mb, seqs);
        let uids: Vec<u32> = which.iter().map(|&i| mb.messages[i].uid).collect();
        // The new flags of each message changed, by position in `which`.
        let mut new_flags: Vec<Option<(Flags, String)>> = vec![None; which.len()];
        let dir = mb.dir().to_path_buf();
        let done = self.index.store_flags(&mb.name, &uids, |k, cur| {
            let i = which[k];
            if unchanged_since.is_some_and(|u| cur.modseq > u) {
                out.failed.push(i as u32 + 1);
                return Ok(None);
            }
            let old = Flags::from_maildir(&cur.letters, &cur.keywords);
            // The caps were checked on the view above; a keyword another session added
            // since then may leave one out, as it would have a moment later.
            let (new, _) = stored_flags(&old, mode, flags);
            if new == old {
                return Ok(None);
            }
            let letters = letters_for(&new, &cur.letters);
            let unique = &mb.slots[i].unique;
            let Some(from) = locate(&dir, unique, &cur.letters) else {
                return Ok(None);
            };
            let to = dir.join("cur").join(format!("{unique}:2,{letters}"));
            if from != to
                && let Err(e) = fs::rename(&from, &to)
            {
                // Renamed by another program just now: once more from where it is.
                match find_file(&dir, unique) {
                    Some(p) => fs::rename(&p, &to).map_err(StoreError::io("renaming", &p))?,
                    None if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                    None => return Err(StoreError::io("renaming", &from)(e)),
                }
            }
            let keywords = new.keywords_text();
            new_flags[k] = Some((new, letters.clone()));
            Ok(Some((letters, keywords)))
        })?;
        // The MODSEQs given are consecutive from the folder's HIGHESTMODSEQ as the lock found
        // it (`Index::store_flags`).
        let moved = done
            .last()
            .map(|&(_, last)| (last - done.len() as u64, last));
        for (k, modseq) in done {
            let i = which[k];
            let Some((new, letters)) = new_flags[k].take() else {
                continue;
            };
            mb.stored(i, new, modseq, letters.into());
            out.changed.push(i as u32 + 1);
        }
        if let Some((before, after)) = moved {
            mb.caught_up(before, after);
        }
        out.failed.sort_unstable();
        Ok(out)
    }

    /// Removes messages (those marked \Deleted, unless `require_deleted` is false) among the
    /// view indexes `which`, and reports them with any pending ghosts.
    fn remove(
        &mut self,
        mb: &mut Mailbox,
        which: &[usize],
        require_deleted: bool,
    ) -> Result<Changes, StoreError> {
        let uids: Vec<u32> = which.iter().map(|&i| mb.messages[i].uid).collect();
        let dir = mb.dir().to_path_buf();
        let slots = &mb.slots;
        let removed = self.index.expunge(&mb.name, &uids, |k, letters| {
            if require_deleted && !Flags::from_maildir(letters, "").has(DELETED) {
                return Ok(false);
            }
            if let Some(p) = locate(&dir, &slots[which[k]].unique, letters) {
                match fs::remove_file(&p) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(StoreError::io("removing", &p)(e)),
                }
            }
            Ok(true)
        })?;
        let gone: Vec<usize> = removed.into_iter().map(|k| which[k]).collect();
        Ok(mb.remove(&gone))
    }

    /// EXPUNGE / UID EXPUNGE (`only_uids`): removes \Deleted messages. The Changes also carry
    /// messages expunged elsewhere and not yet reported.
    pub fn expunge(
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

    /// COPY: the messages get new files (hard links when possible) and UIDs in `dest`, with
    /// their flags, keywords and internal dates.
    pub fn copy_to(
        &mut self,
        mb: &Mailbox,
        seqs: &[u32],
        dest: &str,
    ) -> Result<CopyUid, StoreError> {
        let (dest, dest_dir) = self.existing(dest)?;
        let which = live(mb, seqs);
        let bytes: u64 = which.iter().map(|&i| mb.messages[i].size).sum();
        self.check_quota(bytes)?;
        let keywords: Vec<String> = which
            .iter()
            .flat_map(|&i| mb.messages[i].flags.keywords.iter().cloned())
            .collect();
        if !keywords.is_empty() && dest != mb.name {
            let have = self.folder_keywords(&dest)?;
            super::check_new_keywords(self.limits, &have, &keywords)?;
        }
        let mut pending = Vec::with_capacity(which.len());
        let mut src_uids = Vec::with_capacity(which.len());
        for &i in &which {
            let made = path_of(mb, i as u32 + 1)
                .ok_or(StoreError::Expunged)
                .and_then(|src| duplicate(mb, &src, &dest_dir, i));
            match made {
                Ok(p) => {
                    pending.push(p);
                    src_uids.push(mb.messages[i].uid);
                }
                Err(e) => {
                    for p in &pending {
                        let _ = fs::remove_file(&p.tmp);
                    }
                    return Err(e);
                }
            }
        }
        let (uv, dest_uids) = self.place(&dest, &dest_dir, pending)?;
        Ok((uv, src_uids, dest_uids))
    }

    /// MOVE: COPY, then the sources are removed. The destination files exist (linked and
    /// fsynced) before any source is unlinked, so a crash can duplicate but never lose.
    pub fn move_to(
        &mut self,
        mb: &mut Mailbox,
        seqs: &[u32],
        dest: &str,
    ) -> Result<(CopyUid, Changes), StoreError> {
        move_by_copy(self, mb, seqs, dest, Account::copy_to, |s, mb, which| {
            s.remove(mb, which, false)
        })
    }
}

/// A new name in `dest/tmp/` for the message at `src`: a hard link (same inode, so
/// nothing to fsync), or a copy with the internal date as mtime.
fn duplicate(mb: &Mailbox, src: &Path, dest_dir: &Path, i: usize) -> Result<Pending, StoreError> {
    let m = &mb.messages[i];
    let size = Name::parse(&mb.slots[i].unique)
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
        row: index::NewMessage {
            unique,
            letters: m.flags.maildir_letters(),
            keywords: m.flags.keywords_text(),
            size,
            internal_date: m.internal_date,
            email_id: Some(m.email_id),
        },
    })
}
