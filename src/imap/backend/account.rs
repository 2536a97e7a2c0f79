//! An account's folder tree as IMAP mailboxes: LIST, CREATE (with parents and RFC 6154
//! special-use), DELETE, RENAME (children follow; INBOX's messages move out, RFC 3501
//! §6.3.5), subscriptions, STATUS, APPEND, and placing new files into a folder under the
//! index lock (shared with COPY/MOVE). Not here: the selected view (`mailbox.rs`).

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{DEFAULT_FOLDERS, Limits, MailboxInfo, MailboxStatus, StoreError, exists, resolve};
use crate::imap::flags::Flags;
use crate::imap::mailstore::{
    MailStore, NewMail, is_child, special_use_attr, special_use_static, with_parents, within,
};
use crate::maildir::{deliver, folder, index};

/// One user's mail: the Maildir root and its index. Each IMAP session has its own (an index
/// is not shared between threads); they coordinate through the index's write lock. On
/// SQLite the index is a connection held for the session's life; on PostgreSQL a pooled one
/// borrowed per command and given back by [`Account::release`] (`maildir::index::engine`).
pub struct Account {
    pub(super) root: PathBuf,
    pub(super) index: index::Index,
    quota: Option<u64>,
    pub(super) limits: Limits,
}

/// A message written to a folder's tmp/, waiting for its UID.
pub(super) struct Pending {
    pub tmp: PathBuf,
    pub row: index::NewMessage,
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Writes `data` to `dir/tmp/` and fsyncs it; its mtime becomes the internal date.
pub(super) fn write_tmp(
    dir: &Path,
    data: &[u8],
    date: i64,
) -> Result<(PathBuf, String), StoreError> {
    let unique = format!("{},S={}", deliver::unique_name(), data.len());
    let tmp = dir.join("tmp").join(&unique);
    let result = (|| {
        // Through directory handles: a tmp/ that is a link is refused, not written through.
        let md = crate::maildir::safe::Maildir::open(dir)?;
        let mut f = md.tmp.create(&unique, 0o600)?;
        f.write_all(data)?;
        set_mtime(&f, date)?;
        f.sync_all()
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(StoreError::io("writing", &tmp)(e));
    }
    Ok((tmp, unique))
}

pub(super) fn set_mtime(f: &fs::File, date: i64) -> std::io::Result<()> {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(date.max(0) as u64);
    f.set_times(fs::FileTimes::new().set_modified(t).set_accessed(t))
}

impl Account {
    /// Opens the account `user` (its address, the index's key on PostgreSQL) whose Maildir
    /// is at `root`, creating its cur/new/tmp and index, and the default folders the first
    /// time. `indexes` says where its index lives ([`index::Indexes::of`] the data dir).
    pub fn open(indexes: &index::Indexes, user: &str, root: &Path) -> Result<Account, StoreError> {
        deliver::ensure(root).map_err(StoreError::io("creating", root))?;
        let index = indexes.open(user, root)?;
        let mut acc = Account {
            root: root.to_path_buf(),
            index,
            quota: None,
            limits: Limits::default(),
        };
        if !acc.index.defaults_done()? {
            // Once only: a user who deletes Junk does not get it back on the next login.
            for (name, attr) in DEFAULT_FOLDERS {
                match acc.create(name, Some(attr)) {
                    Ok(()) | Err(StoreError::AlreadyExists(_)) => {}
                    Err(e) => return Err(e),
                }
            }
            acc.index.mark_defaults_done()?;
        }
        Ok(acc)
    }

    /// Gives the index's PostgreSQL connection back until the next use (see
    /// `maildir::index::engine`); nothing on SQLite.
    pub fn release(&mut self) {
        self.index.release();
    }

    /// The quota in bytes APPEND/COPY/MOVE must stay within (None: unlimited).
    pub fn set_quota(&mut self, bytes: Option<u64>) {
        self.quota = bytes;
    }

    /// The per-user caps CREATE, SUBSCRIBE, STORE and APPEND enforce.
    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Bytes in all folders, for QUOTA.
    pub fn usage(&self) -> u64 {
        deliver::usage(&self.root).unwrap_or(0)
    }

    pub(super) fn check_quota(&self, adding: u64) -> Result<(), StoreError> {
        match self.quota {
            Some(q) if self.usage().saturating_add(adding) > q => Err(StoreError::OverQuota),
            _ => Ok(()),
        }
    }

    /// The canonical name and directory of an existing folder.
    pub(super) fn existing(&self, name: &str) -> Result<(String, PathBuf), StoreError> {
        let (name, dir) = resolve(&self.root, name)?;
        if !exists(&dir) {
            return Err(StoreError::NoSuchMailbox(name));
        }
        // Another program may have made the folder without tmp/ or new/.
        deliver::ensure(&dir).map_err(StoreError::io("creating", &dir))?;
        Ok((name, dir))
    }

    /// The index's folder name for METADATA: `""` (the server) or an existing folder.
    pub(super) fn metadata_folder(&self, name: &str) -> Result<String, StoreError> {
        if name.is_empty() {
            return Ok(String::new());
        }
        Ok(self.existing(name)?.0)
    }

    /// All folders, INBOX first then by name; parents that exist only as a prefix of a child
    /// are listed as not selectable.
    pub fn list(&mut self) -> Result<Vec<MailboxInfo>, StoreError> {
        let on_disk = folder::folders(&self.root).map_err(StoreError::io("reading", &self.root))?;
        let mut names: Vec<(String, bool)> = on_disk
            .iter()
            .map(|f| (f.name.clone(), exists(&f.path)))
            .collect();
        let present: HashSet<String> = names.iter().map(|n| n.0.clone()).collect();
        let mut parents = HashSet::new();
        for (n, _) in &names {
            let mut at = n.as_str();
            while let Some((p, _)) = at.rsplit_once('/') {
                if !present.contains(p) {
                    parents.insert(p.to_string());
                }
                at = p;
            }
        }
        names.extend(parents.into_iter().map(|p| (p, false)));
        names[1..].sort();
        let attrs: HashMap<String, String> = self.index.special_uses()?;
        let subs = self.subscriptions()?;
        let all: Vec<&str> = names.iter().map(|n| n.0.as_str()).collect();
        Ok(names
            .iter()
            .map(|(name, selectable)| MailboxInfo {
                special_use: attr_of(&attrs, name),
                has_children: all.iter().any(|c| is_child(name, c)),
                subscribed: subs.contains(name),
                selectable: *selectable,
                name: name.clone(),
            })
            .collect())
    }

    /// A folder's special-use attribute as LIST shows it, without walking the folders.
    pub fn special_use(&mut self, name: &str) -> Result<Option<&'static str>, StoreError> {
        let (name, _) = resolve(&self.root, name)?;
        Ok(attr_of(&self.index.special_uses()?, &name))
    }

    /// Subscribed names, existing or not (LSUB, LIST (SUBSCRIBED) needs both).
    pub fn subscriptions(&self) -> Result<Vec<String>, StoreError> {
        Ok(self.index.subscriptions()?)
    }

    pub fn subscribe(&mut self, name: &str) -> Result<(), StoreError> {
        let (name, _) = resolve(&self.root, name)?;
        let (have, already) = self.index.subscription_count(&name)?;
        let cap = self.limits.max_subscriptions;
        if !already && !within(cap, have, 1) {
            return Err(StoreError::Limit(format!(
                "at most {cap} subscriptions; unsubscribe from some first"
            )));
        }
        self.index.subscribe(&name)?;
        Ok(())
    }

    pub fn unsubscribe(&mut self, name: &str) -> Result<(), StoreError> {
        let (name, _) = resolve(&self.root, name)?;
        self.index.unsubscribe(&name)?;
        Ok(())
    }

    /// Creates a folder and any missing parents (RFC 3501: `A/B` creates `A`).
    pub fn create(&mut self, name: &str, special_use: Option<&str>) -> Result<(), StoreError> {
        let (name, dir) = resolve(&self.root, name)?;
        if name == "INBOX" || exists(&dir) {
            return Err(StoreError::AlreadyExists(name));
        }
        let attr = special_use_attr(special_use)?;
        let mut missing = Vec::new();
        for prefix in with_parents(&name) {
            let (_, d) = resolve(&self.root, prefix)?;
            if !exists(&d) {
                missing.push((prefix.to_string(), d));
            }
        }
        self.check_mailbox_cap(missing.len())?;
        for (prefix, d) in missing {
            self.make_dir(&prefix, &d, if prefix == name { attr } else { None })?;
        }
        Ok(())
    }

    /// Refuses `adding` more folders past `imap.max_mailboxes` (INBOX not counted).
    fn check_mailbox_cap(&self, adding: usize) -> Result<(), StoreError> {
        let cap = self.limits.max_mailboxes;
        if cap == 0 || adding == 0 {
            return Ok(());
        }
        let have = folder::folders(&self.root)
            .map_err(StoreError::io("reading", &self.root))?
            .len()
            .saturating_sub(1);
        if within(cap, have, adding) {
            return Ok(());
        }
        Err(StoreError::Limit(format!(
            "at most {cap} mailboxes per user; delete some first"
        )))
    }

    /// One folder directory and a fresh index row (a new UIDVALIDITY, even if a folder of
    /// this name existed before).
    fn make_dir(&mut self, name: &str, dir: &Path, attr: Option<&str>) -> Result<(), StoreError> {
        deliver::ensure(dir).map_err(StoreError::io("creating", dir))?;
        // Maildir++: tells delivery agents this is a folder, not a Maildir of its own.
        let _ = fs::File::create(dir.join("maildirfolder"));
        self.index.create_folder(name, attr)?;
        Ok(())
    }

    /// Deletes a folder and its messages. INBOX and folders with children are refused.
    pub fn delete(&mut self, name: &str) -> Result<(), StoreError> {
        let (name, dir) = resolve(&self.root, name)?;
        if name == "INBOX" {
            return Err(StoreError::CannotDelete("INBOX cannot be deleted".into()));
        }
        let all = self.list()?;
        if all.iter().any(|f| is_child(&name, &f.name)) {
            return Err(StoreError::CannotDelete("has children".into()));
        }
        if !crate::maildir::safe::is_real_dir(&dir) {
            return Err(StoreError::NoSuchMailbox(name));
        }
        self.index.delete_folder(&name, || {
            fs::remove_dir_all(&dir).map_err(StoreError::io("deleting", &dir))
        })
    }

    /// Renames a folder and its children (each gets a new UIDVALIDITY). Renaming INBOX moves
    /// its messages into the new folder and leaves INBOX empty; INBOX's children stay.
    pub fn rename(&mut self, from: &str, to: &str) -> Result<(), StoreError> {
        let (from, from_dir) = resolve(&self.root, from)?;
        let (to, to_dir) = resolve(&self.root, to)?;
        if to == "INBOX" || to_dir.exists() {
            return Err(StoreError::AlreadyExists(to));
        }
        if is_child(&from, &to) {
            return Err(StoreError::BadName(format!("'{to}' is inside '{from}'")));
        }
        if from == "INBOX" {
            return self.rename_inbox(&to, &to_dir);
        }
        let all = self.list()?;
        let moving: Vec<String> = all
            .iter()
            .map(|f| f.name.clone())
            .filter(|n| *n == from || is_child(&from, n))
            .collect();
        if !crate::maildir::safe::is_real_dir(&from_dir) {
            return Err(StoreError::NoSuchMailbox(from));
        }
        if let Some((parent, _)) = to.rsplit_once('/')
            && !exists(&resolve(&self.root, parent)?.1)
        {
            self.create(parent, None)?;
        }
        let moves: Vec<(String, String)> = moving
            .into_iter()
            .map(|old| {
                let new = format!("{to}{}", &old[from.len()..]);
                (old, new)
            })
            .collect();
        let root = &self.root;
        self.index.rename_folders(&moves, |old, new| {
            let (_, od) = resolve(root, old)?;
            let (_, nd) = resolve(root, new)?;
            if crate::maildir::safe::is_real_dir(&od) {
                fs::rename(&od, &nd).map_err(StoreError::io("renaming", &od))?;
            }
            Ok(())
        })
    }

    fn rename_inbox(&mut self, to: &str, to_dir: &Path) -> Result<(), StoreError> {
        self.create(to, None)?;
        let root = &self.root;
        self.index.rename_inbox(to, || {
            for sub in ["new", "cur"] {
                let src = root.join(sub);
                let rd = fs::read_dir(&src).map_err(StoreError::io("reading", &src))?;
                for e in rd.flatten() {
                    let dest = to_dir.join(sub).join(e.file_name());
                    fs::rename(e.path(), &dest).map_err(StoreError::io("moving", &e.path()))?;
                }
            }
            Ok::<_, StoreError>(())
        })?;
        for sub in ["new", "cur"] {
            let _ = deliver::sync_dir(&to_dir.join(sub));
        }
        Ok(())
    }

    /// STATUS: counts from the index after bringing it in line with the directories (without
    /// moving new/ files: STATUS must not take \Recent from the next SELECT).
    pub fn status(&mut self, name: &str) -> Result<MailboxStatus, StoreError> {
        let (name, dir) = self.existing(name)?;
        self.index.scan(&name, &dir, false, false)?;
        let (row, c) = self.index.folder_counts(&name)?;
        Ok(MailboxStatus {
            messages: c.messages,
            recent: c.recent,
            uidnext: row.uidnext,
            uidvalidity: row.uidvalidity,
            unseen: c.unseen,
            deleted: c.deleted,
            size: c.size,
            highestmodseq: row.highestmodseq,
            mailbox_id: self.index.mailbox_id(&name)?,
        })
    }

    /// APPEND: the message lands in cur/ with its flags, durably, before this returns.
    pub fn append(
        &mut self,
        name: &str,
        data: &[u8],
        flags: &Flags,
        internal_date: Option<i64>,
    ) -> Result<(u32, u32), StoreError> {
        MailStore::append(self, name, data, flags, internal_date)
    }

    /// MULTIAPPEND (RFC 3502), all or nothing: every message is written and fsynced in
    /// tmp/ first, then all move to cur/ and get their UIDs in one index transaction
    /// ([`Account::place`]); on any failure the files written so far are removed.
    pub fn append_all(
        &mut self,
        name: &str,
        mails: &[NewMail<'_>],
    ) -> Result<(u32, Vec<u32>), StoreError> {
        let (name, dir) = self.existing(name)?;
        let total = mails.iter().map(|m| m.data.len() as u64).sum();
        self.check_quota(total)?;
        let mut keywords: Vec<String> = Vec::new();
        for m in mails {
            keywords.extend(m.flags.keywords.iter().cloned());
        }
        if !keywords.is_empty() {
            keywords.sort();
            keywords.dedup();
            let have = self.folder_keywords(&name)?;
            super::check_new_keywords(self.limits, &have, &keywords)?;
        }
        let mut items = Vec::with_capacity(mails.len());
        for m in mails {
            let date = m.internal_date.unwrap_or_else(now);
            match write_tmp(&dir, m.data, date) {
                Ok((tmp, unique)) => items.push(Pending {
                    tmp,
                    row: index::NewMessage {
                        unique,
                        letters: m.flags.maildir_letters(),
                        keywords: m.flags.keywords_text(),
                        size: m.data.len() as u64,
                        internal_date: date,
                        email_id: None,
                    },
                }),
                Err(e) => {
                    for p in &items {
                        let _ = fs::remove_file(&p.tmp);
                    }
                    return Err(e);
                }
            }
        }
        self.place(&name, &dir, items)
    }

    /// Moves files from tmp/ into cur/ and gives them the next UIDs, in one locked step, then
    /// fsyncs cur/. A crash in between leaves a file that the next scan indexes: never a loss.
    pub(super) fn place(
        &mut self,
        name: &str,
        dir: &Path,
        items: Vec<Pending>,
    ) -> Result<(u32, Vec<u32>), StoreError> {
        let result = self.place_locked(name, dir, &items);
        if result.is_err() {
            for p in &items {
                let _ = fs::remove_file(&p.tmp);
            }
        }
        let out = result?;
        deliver::sync_dir(&dir.join("cur")).map_err(StoreError::io("syncing", dir))?;
        Ok(out)
    }

    fn place_locked(
        &mut self,
        name: &str,
        dir: &Path,
        items: &[Pending],
    ) -> Result<(u32, Vec<u32>), StoreError> {
        let rows: Vec<&index::NewMessage> = items.iter().map(|p| &p.row).collect();
        let mut moved = Vec::new();
        let r = self.index.place(name, &rows, |i| {
            let p = &items[i];
            let dest = dir
                .join("cur")
                .join(format!("{}:2,{}", p.row.unique, p.row.letters));
            fs::rename(&p.tmp, &dest).map_err(StoreError::io("placing", &dest))?;
            moved.push(dest);
            Ok(())
        });
        // The transaction rolled back: files already in cur/ must go too, or the next scan
        // would index part of an all-or-nothing batch.
        if r.is_err() {
            for m in &moved {
                let _ = fs::remove_file(m);
            }
        }
        r
    }

    /// The distinct keywords (lowercased) of a folder's messages, from the index.
    pub(super) fn folder_keywords(&self, name: &str) -> Result<HashSet<String>, StoreError> {
        Ok(self.index.folder_keywords(name)?)
    }
}

/// The stored attribute of folder `name`, else the default folders' own.
fn attr_of(attrs: &HashMap<String, String>, name: &str) -> Option<&'static str> {
    attrs
        .get(name)
        .and_then(|a| special_use_static(a))
        .or_else(|| {
            DEFAULT_FOLDERS
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, a)| *a)
        })
}
