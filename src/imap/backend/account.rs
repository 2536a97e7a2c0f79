//! An account's folder tree as IMAP mailboxes: LIST, CREATE (with parents and RFC 6154
//! special-use), DELETE, RENAME (children follow; INBOX's messages move out, RFC 3501
//! §6.3.5), subscriptions, STATUS, APPEND, and placing new files into a folder under the
//! index lock (shared with COPY/MOVE). Not here: the selected view (`mailbox.rs`).

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::{
    DEFAULT_FOLDERS, Limits, Mailbox, MailboxInfo, MailboxStatus, StoreError, exists, is_child,
    resolve, special_use_static, within,
};
use crate::imap::flags::Flags;
use crate::maildir::{deliver, folder, index};

/// One user's mail: the Maildir root and a connection to its index. Each IMAP session has
/// its own (a rusqlite connection is not shared between threads); they coordinate through
/// the index's write lock.
pub struct Account {
    pub(super) root: PathBuf,
    pub(super) index: index::Index,
    quota: Option<u64>,
    pub(super) limits: Limits,
}

/// A message written to a folder's tmp/, waiting for its UID.
pub(super) struct Pending {
    pub tmp: PathBuf,
    pub unique: String,
    pub letters: String,
    pub keywords: String,
    pub size: u64,
    pub internal_date: i64,
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
    /// Opens the account at `root`, creating its cur/new/tmp and index, and the default
    /// folders the first time.
    pub fn open(root: &Path) -> Result<Account, StoreError> {
        deliver::ensure(root).map_err(StoreError::io("creating", root))?;
        let index = index::Index::open(root)?;
        let mut acc = Account {
            root: root.to_path_buf(),
            index,
            quota: None,
            limits: Limits::default(),
        };
        let done: Option<String> = acc
            .index
            .conn_ref()
            .query_row("SELECT value FROM meta WHERE key = 'defaults'", [], |r| {
                r.get(0)
            })
            .optional()?;
        if done.is_none() {
            // Once only: a user who deletes Junk does not get it back on the next login.
            for (name, attr) in DEFAULT_FOLDERS {
                match acc.create(name, Some(attr)) {
                    Ok(()) | Err(StoreError::AlreadyExists(_)) => {}
                    Err(e) => return Err(e),
                }
            }
            acc.index.conn_ref().execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('defaults', '1')",
                [],
            )?;
        }
        Ok(acc)
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
        let conn = self.index.conn_ref();
        let attrs: HashMap<String, String> = {
            let mut st = conn
                .prepare("SELECT name, special_use FROM folders WHERE special_use IS NOT NULL")?;
            st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?
        };
        let subs = self.subscriptions()?;
        let all: Vec<&str> = names.iter().map(|n| n.0.as_str()).collect();
        Ok(names
            .iter()
            .map(|(name, selectable)| MailboxInfo {
                special_use: attrs
                    .get(name)
                    .and_then(|a| special_use_static(a))
                    .or_else(|| {
                        DEFAULT_FOLDERS
                            .iter()
                            .find(|(n, _)| n == name)
                            .map(|(_, a)| *a)
                    }),
                has_children: all.iter().any(|c| is_child(name, c)),
                subscribed: subs.contains(name),
                selectable: *selectable,
                name: name.clone(),
            })
            .collect())
    }

    /// Subscribed names, existing or not (LSUB, LIST (SUBSCRIBED) needs both).
    pub fn subscriptions(&self) -> Result<Vec<String>, StoreError> {
        let mut st = self
            .index
            .conn_ref()
            .prepare("SELECT name FROM subscriptions ORDER BY name")?;
        Ok(st
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }

    pub fn subscribe(&mut self, name: &str) -> Result<(), StoreError> {
        let (name, _) = resolve(&self.root, name)?;
        let conn = self.index.conn_ref();
        let (have, already): (i64, bool) = conn.query_row(
            "SELECT count(*), coalesce(sum(name = ?1), 0) > 0 FROM subscriptions",
            [&name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let cap = self.limits.max_subscriptions;
        if !already && !within(cap, have as usize, 1) {
            return Err(StoreError::Limit(format!(
                "at most {cap} subscriptions; unsubscribe from some first"
            )));
        }
        conn.execute(
            "INSERT OR IGNORE INTO subscriptions (name) VALUES (?1)",
            [name],
        )?;
        Ok(())
    }

    pub fn unsubscribe(&mut self, name: &str) -> Result<(), StoreError> {
        let (name, _) = resolve(&self.root, name)?;
        self.index
            .conn_ref()
            .execute("DELETE FROM subscriptions WHERE name = ?1", [name])?;
        Ok(())
    }

    /// Creates a folder and any missing parents (RFC 3501: `A/B` creates `A`).
    pub fn create(&mut self, name: &str, special_use: Option<&str>) -> Result<(), StoreError> {
        let (name, dir) = resolve(&self.root, name)?;
        if name == "INBOX" || exists(&dir) {
            return Err(StoreError::AlreadyExists(name));
        }
        let attr = match special_use {
            Some(a) => Some(special_use_static(a).ok_or_else(|| StoreError::UseAttr(a.into()))?),
            None => None,
        };
        let mut missing = Vec::new();
        let mut prefix = String::new();
        for comp in name.split('/') {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(comp);
            let (_, d) = resolve(&self.root, &prefix)?;
            if !exists(&d) {
                missing.push((prefix.clone(), d));
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
        let tx = self
            .index
            .conn()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        forget(&tx, name)?;
        index::folder_row(&tx, name)?;
        tx.execute(
            "UPDATE folders SET special_use = ?2 WHERE name = ?1",
            params![name, attr],
        )?;
        tx.commit()?;
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
        let tx = self
            .index
            .conn()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        fs::remove_dir_all(&dir).map_err(StoreError::io("deleting", &dir))?;
        forget(&tx, &name)?;
        tx.commit()?;
        Ok(())
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
        let tx = self
            .index
            .conn()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        for old in &moving {
            let new = format!("{to}{}", &old[from.len()..]);
            let (_, od) = resolve(&self.root, old)?;
            let (_, nd) = resolve(&self.root, &new)?;
            if crate::maildir::safe::is_real_dir(&od) {
                fs::rename(&od, &nd).map_err(StoreError::io("renaming", &od))?;
            }
            forget(&tx, &new)?;
            let uv = index::new_uidvalidity(&tx)?;
            tx.execute(
                "UPDATE folders SET name = ?2, uidvalidity = ?3, new_mtime = 0, cur_mtime = 0 WHERE name = ?1",
                params![old, new, uv],
            )?;
            tx.execute(
                "UPDATE messages SET folder = ?2 WHERE folder = ?1",
                params![old, new],
            )?;
            tx.execute("DELETE FROM expunged WHERE folder = ?1", [old])?;
        }
        tx.commit()?;
        Ok(())
    }

    fn rename_inbox(&mut self, to: &str, to_dir: &Path) -> Result<(), StoreError> {
        self.create(to, None)?;
        let tx = self
            .index
            .conn()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let inbox = index::folder_row(&tx, "INBOX")?;
        for sub in ["new", "cur"] {
            let src = self.root.join(sub);
            let rd = fs::read_dir(&src).map_err(StoreError::io("reading", &src))?;
            for e in rd.flatten() {
                let dest = to_dir.join(sub).join(e.file_name());
                fs::rename(e.path(), &dest).map_err(StoreError::io("moving", &e.path()))?;
            }
        }
        // The new folder keeps the UIDs (its UIDVALIDITY is new anyway); INBOX keeps its
        // UIDNEXT so they are never given again there, and records the expunges.
        let mut modseq = inbox.highestmodseq;
        {
            let uids: Vec<u32> = {
                let mut st = tx.prepare("SELECT uid FROM messages WHERE folder = 'INBOX'")?;
                st.query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?
            };
            let mut gone = tx.prepare_cached(
                "INSERT OR REPLACE INTO expunged (folder, uid, modseq) VALUES ('INBOX', ?1, ?2)",
            )?;
            for uid in uids {
                modseq += 1;
                gone.execute(params![uid, modseq as i64])?;
            }
        }
        tx.execute(
            "UPDATE messages SET folder = ?1 WHERE folder = 'INBOX'",
            [to],
        )?;
        tx.execute(
            "UPDATE folders SET uidnext = max(uidnext, ?2), highestmodseq = max(highestmodseq, ?3) WHERE name = ?1",
            params![to, inbox.uidnext, inbox.highestmodseq as i64],
        )?;
        tx.execute(
            "UPDATE folders SET highestmodseq = ?1, new_mtime = 0, cur_mtime = 0 WHERE name = 'INBOX'",
            [modseq as i64],
        )?;
        tx.commit()?;
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
        let conn = self.index.conn_ref();
        let tx = conn.unchecked_transaction()?;
        let row = index::folder_row(&tx, &name)?;
        let mut s = tx.query_row(
            "SELECT count(*), coalesce(sum(in_new), 0), coalesce(sum(instr(flags, 'S') = 0), 0), \
             coalesce(sum(instr(flags, 'T') > 0), 0), coalesce(sum(size), 0) \
             FROM messages WHERE folder = ?1",
            [&name],
            |r| {
                Ok(MailboxStatus {
                    messages: r.get(0)?,
                    recent: r.get(1)?,
                    unseen: r.get(2)?,
                    deleted: r.get(3)?,
                    size: r.get::<_, i64>(4)? as u64,
                    ..Default::default()
                })
            },
        )?;
        tx.commit()?;
        s.uidnext = row.uidnext;
        s.uidvalidity = row.uidvalidity;
        s.highestmodseq = row.highestmodseq;
        Ok(s)
    }

    /// APPEND: the message lands in cur/ with its flags, durably, before this returns.
    pub fn append(
        &mut self,
        name: &str,
        data: &[u8],
        flags: &Flags,
        internal_date: Option<i64>,
    ) -> Result<(u32, u32), StoreError> {
        let (name, dir) = self.existing(name)?;
        self.check_quota(data.len() as u64)?;
        if !flags.keywords.is_empty() {
            let have = self.folder_keywords(&name)?;
            super::check_new_keywords(self.limits, &have, &flags.keywords)?;
        }
        let date = internal_date.unwrap_or_else(now);
        let (tmp, unique) = write_tmp(&dir, data, date)?;
        let (uv, uids) = self.place(
            &name,
            &dir,
            vec![Pending {
                tmp,
                unique,
                letters: flags.maildir_letters(),
                keywords: flags.keywords_text(),
                size: data.len() as u64,
                internal_date: date,
            }],
        )?;
        Ok((uv, uids.first().copied().unwrap_or(0)))
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
        let tx = self
            .index
            .conn()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let row = index::folder_row(&tx, name)?;
        let (mut uid, mut modseq) = (row.uidnext, row.highestmodseq);
        let mut uids = Vec::with_capacity(items.len());
        {
            let mut ins = tx.prepare_cached(
                "INSERT INTO messages (folder, uid, uniq, flags, modseq, size, internal_date, in_new, keywords) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8)",
            )?;
            for p in items {
                let dest = dir
                    .join("cur")
                    .join(format!("{}:2,{}", p.unique, p.letters));
                fs::rename(&p.tmp, &dest).map_err(StoreError::io("placing", &dest))?;
                modseq += 1;
                ins.execute(params![
                    name,
                    uid,
                    p.unique,
                    p.letters,
                    modseq as i64,
                    p.size as i64,
                    p.internal_date,
                    p.keywords
                ])?;
                uids.push(uid);
                uid = uid.saturating_add(1);
            }
        }
        tx.execute(
            "UPDATE folders SET uidnext = ?2, highestmodseq = ?3 WHERE name = ?1",
            params![name, uid, modseq as i64],
        )?;
        tx.commit()?;
        Ok((row.uidvalidity, uids))
    }

    /// The distinct keywords (lowercased) of a folder's messages, from the index.
    pub(super) fn folder_keywords(&self, name: &str) -> Result<HashSet<String>, StoreError> {
        let mut st = self.index.conn_ref().prepare_cached(
            "SELECT DISTINCT keywords FROM messages WHERE folder = ?1 AND keywords != ''",
        )?;
        let mut set = HashSet::new();
        for row in st.query_map([name], |r| r.get::<_, String>(0))? {
            set.extend(
                row?.split(' ')
                    .filter(|k| !k.is_empty())
                    .map(str::to_ascii_lowercase),
            );
        }
        Ok(set)
    }

    /// SELECT (or EXAMINE with `read_only`).
    pub fn select(&mut self, name: &str, read_only: bool) -> Result<Mailbox, StoreError> {
        let (name, dir) = self.existing(name)?;
        Mailbox::open(self, name, dir, read_only)
    }
}

/// Drops every index row of a folder name (its messages, expunges and row).
fn forget(tx: &rusqlite::Connection, name: &str) -> rusqlite::Result<()> {
    for sql in [
        "DELETE FROM messages WHERE folder = ?1",
        "DELETE FROM expunged WHERE folder = ?1",
        "DELETE FROM folders WHERE name = ?1",
    ] {
        tx.execute(sql, [name])?;
    }
    Ok(())
}
