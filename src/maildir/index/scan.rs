//! Bringing a folder's rows in line with its directories: the scan every IMAP refresh runs
//! (skipped when the directories' mtimes are those of the last one), `sync`/`sync_all` for
//! `mailctl maildir reindex`, and the read-only drift check of `maildir check`.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::look::{Looked, Unchanged};
use super::{
    Index, KnownRows, Result, ScanOutcome, SyncReport, file_time, folder_row, mtime_ns, now,
    now_ns, u32_at,
};
use crate::core::sql::{Sql, args};
use crate::maildir::folder::{self, Entry};
use crate::maildir::name::Name;

/// A directory mtime younger than this may still change within the same timestamp tick, so
/// it is not trusted as "nothing changed" (Dovecot does the same).
const MTIME_SETTLE_NS: i64 = 2_000_000_000;

/// Moves every file of new/ to cur/ (adding `:2,`), keeping its unique part. Returns the
/// unique names moved; a file another session moved first is simply not ours.
fn move_new(dir: &Path) -> Vec<String> {
    let mut moved = Vec::new();
    if !crate::maildir::safe::is_real_dir(&dir.join("new"))
        || !crate::maildir::safe::is_real_dir(&dir.join("cur"))
    {
        return moved;
    }
    let Ok(rd) = std::fs::read_dir(dir.join("new")) else {
        return moved;
    };
    for e in rd.flatten() {
        // Links and other non-files stay where they are for `check` to report.
        if !e.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let Some(file) = e.file_name().to_str().map(str::to_string) else {
            continue;
        };
        let Ok(name) = Name::parse(&file) else {
            continue;
        };
        let flags = name.flags.clone().unwrap_or_default();
        let dest = dir.join("cur").join(name.with_flags(&flags).to_string());
        if std::fs::symlink_metadata(&dest).is_ok() {
            continue;
        }
        if std::fs::rename(e.path(), &dest).is_ok() {
            moved.push(name.unique);
        }
    }
    moved
}

/// Writes what a scan found into the folder's row: UIDNEXT, HIGHESTMODSEQ, the directories'
/// mtimes read before it (new/, cur/) and where \Recent now starts. Nothing when the row
/// already says all that: a folder busy with this server's own changes (STORE renames,
/// APPEND) has unsettled mtimes, so every refresh of every session scans it, and most find
/// nothing the index does not know; a write there would cost each of them a WAL commit
/// (and its fsync) under the account's write lock.
fn record(
    sql: &Sql,
    name: &str,
    row: &super::FolderRow,
    uidnext: u32,
    modseq: u64,
    (new_m, cur_m): (i64, i64),
    first_recent: u32,
) -> Result<()> {
    // An mtime that may still tick is recorded as unknown, so the next scan reads again.
    let settled = |m: i64| if now_ns() - m < MTIME_SETTLE_NS { 0 } else { m };
    if (
        uidnext,
        modseq,
        settled(new_m),
        settled(cur_m),
        first_recent,
    ) == (
        row.uidnext,
        row.highestmodseq,
        row.new_mtime,
        row.cur_mtime,
        row.first_recent_uid,
    ) {
        return Ok(());
    }
    // The scan's last statement: it goes with the COMMIT.
    sql.defer(
        "UPDATE folders SET uidnext = ?2, highestmodseq = ?3, new_mtime = ?4, cur_mtime = ?5, \
         first_recent_uid = ?6 WHERE name = ?1",
        args![
            name,
            uidnext as i64,
            modseq as i64,
            settled(new_m),
            settled(cur_m),
            first_recent as i64
        ],
    )?;
    Ok(())
}

impl Index {
    /// Brings the index of one folder in line with its directories, in one transaction.
    pub fn sync(&mut self, name: &str, dir: &Path) -> Result<SyncReport> {
        Ok(self.scan(name, dir, false, true)?.report)
    }

    /// The folder's row, the UIDs \Recent for the caller and whether the directories went
    /// unread, when a scan would change nothing, decided without the write lock; None when
    /// the locked scan must run. Two ways to know: the directories have the settled mtimes
    /// of the last scan (nothing read), or, on a folder busy with this server's own changes
    /// (mtimes that have not settled, so every refresh of every session gets here), the
    /// rows and the files agree already ([`in_line`]). With `move_new_files`, also no file
    /// still waiting in new/ (moving it is the locked scan's), and UIDs waiting to be
    /// claimed as \Recent are claimed on PostgreSQL ([`claim_recent`]) and left to the
    /// locked scan on SQLite.
    fn unchanged(&self, name: &str, dir: &Path, move_new_files: bool) -> Result<Option<Unchanged>> {
        let (new_m, cur_m) = (mtime_ns(&dir.join("new")), mtime_ns(&dir.join("cur")));
        // One statement (one round trip on PostgreSQL): the folder's row; its messages' rows
        // only when the mtimes are not the recorded ones, so [`in_line`] needs them; and when
        // they are and new/ files are to move, whether a row still says one waits in new/
        // (in the folder row's in_new column).
        let mut row = None;
        let mut waiting_in_new = false;
        let mut known = Vec::new();
        for r in self.sql.query(
            "SELECT uidvalidity, uidnext, highestmodseq, new_mtime, cur_mtime, \
                    first_recent_uid, CAST(NULL AS TEXT), CAST(NULL AS TEXT), \
                    CASE WHEN ?4 = 1 AND new_mtime = ?2 AND cur_mtime = ?3 AND new_mtime <> 0 \
                         AND EXISTS (SELECT 1 FROM messages WHERE folder = ?1 AND in_new = 1) \
                    THEN 1 ELSE 0 END, 0 \
               FROM folders WHERE name = ?1 \
             UNION ALL SELECT uid, 0, 0, 0, 0, 0, uniq, flags, in_new, 1 \
               FROM messages WHERE folder = ?1 AND NOT EXISTS (SELECT 1 FROM folders \
                 WHERE name = ?1 AND new_mtime = ?2 AND cur_mtime = ?3 AND new_mtime <> 0)",
            args![name, new_m, cur_m, move_new_files],
        )? {
            if r.get::<i64>(9)? == 0 {
                row = Some(super::read_folder_row(&r)?);
                waiting_in_new = r.get::<i64>(8)? == 1;
            } else {
                known.push(r);
            }
        }
        let Some(row) = row else {
            return Ok(None);
        };
        // UIDs to claim as \Recent: a write. SQLite leaves it to the locked scan (a local
        // transaction); PostgreSQL claims them in one statement below, once the files are
        // known to be in line (a delivery elsewhere makes one such claim per APPEND for some
        // session of every busy folder: the locked scan was five round trips).
        let claim = move_new_files && row.first_recent_uid < row.uidnext;
        if claim && !self.sql.is_postgres() {
            return Ok(None);
        }
        let skipped = new_m != 0 && new_m == row.new_mtime && cur_m == row.cur_mtime;
        let current = if skipped {
            !waiting_in_new
        } else {
            let rows = known
                .iter()
                .map(|r| Ok((r.text(6)?, r.text(7)?, Some(r.get::<bool>(8)?))))
                .collect::<Result<Vec<_>>>()?;
            in_line(rows.into_iter(), dir, &row, (new_m, cur_m), move_new_files)?.unwrap_or(false)
        };
        if !current {
            return Ok(None);
        }
        let mut row = row;
        let recent = if !move_new_files {
            row.first_recent_uid..row.uidnext
        } else if claim {
            let claimed = claim_recent(&self.sql, name)?.unwrap_or(0..0);
            // Rows placed since the look above may be among them: a view that has not seen
            // that UIDNEXT yet reads the snapshot.
            row.uidnext = row.uidnext.max(claimed.end);
            claimed
        } else {
            0..0
        };
        Ok(Some(Unchanged {
            row,
            recent,
            skipped,
            since: None,
        }))
    }

    /// Brings the index of one folder in line with its directories: new files get the next
    /// UIDs, vanished ones go to `expunged` with a new MODSEQ, renamed ones (flags) get a new
    /// MODSEQ. With `move_new`, files in new/ are first moved to cur/ and the UIDs not yet
    /// \Recent for any session are claimed for the caller ([`ScanOutcome::recent`]). Unless
    /// `force`, the
    /// directories are not read when their mtimes are those of the last scan.
    ///
    /// The directories are read while holding the write lock: a writer that adds a file and
    /// its row in one locked step can then never be mistaken for an expunge.
    pub fn scan(
        &mut self,
        name: &str,
        dir: &Path,
        move_new_files: bool,
        force: bool,
    ) -> Result<ScanOutcome> {
        // Most calls (NOOP, IDLE ticks) find nothing changed: decide that without the write
        // lock, so idle sessions do not queue behind each other.
        self.scan_known(name, dir, move_new_files, force, None)
    }

    /// [`Index::scan`] for a caller that holds a view of the folder (`view`): the look reads
    /// the changes above the view's HIGHESTMODSEQ (`look.rs`), the files are compared
    /// with the view patched with them rather than with every row read again (an IMAP
    /// refresh of a busy folder), and when they agree the changes come back in
    /// [`ScanOutcome::since`].
    pub fn scan_known(
        &mut self,
        name: &str,
        dir: &Path,
        move_new_files: bool,
        force: bool,
        view: Option<&KnownRows>,
    ) -> Result<ScanOutcome> {
        if !force
            && let Some(Unchanged {
                row,
                recent,
                skipped,
                since,
            }) = self.decide(name, dir, move_new_files, view)?
        {
            return Ok(ScanOutcome {
                report: SyncReport {
                    folder: name.to_string(),
                    uidvalidity: row.uidvalidity,
                    ..Default::default()
                },
                recent,
                skipped,
                uidnext: row.uidnext,
                highestmodseq: row.highestmodseq,
                since,
                ..Default::default()
            });
        }
        self.write(|sql| scan_locked(sql, name, dir, move_new_files))
    }

    /// Whether the scan would change nothing, decided without the write lock: with a view,
    /// by [`Index::look`] (which also brings the changes since the view's HIGHESTMODSEQ),
    /// else (or when the look needs the rows) by [`Index::unchanged`].
    fn decide(
        &self,
        name: &str,
        dir: &Path,
        move_new_files: bool,
        view: Option<&KnownRows>,
    ) -> Result<Option<Unchanged>> {
        if let Some(view) = view {
            let mtimes = (mtime_ns(&dir.join("new")), mtime_ns(&dir.join("cur")));
            match self.look(name, dir, mtimes, move_new_files, view)? {
                Looked::Current(unchanged) => return Ok(Some(unchanged)),
                Looked::Scan => return Ok(None),
                Looked::AskRows => {}
            }
        }
        self.unchanged(name, dir, move_new_files)
    }

    /// Syncs every folder of the Maildir, and forgets folders that no longer exist.
    pub fn sync_all(&mut self) -> Result<Vec<SyncReport>> {
        let folders = folder::folders(&self.root)?;
        let names: Vec<String> = folders.iter().map(|f| f.name.clone()).collect();
        let mut out = Vec::new();
        for f in &folders {
            out.push(self.sync(&f.name, &f.path)?);
        }
        let mut stale = Vec::new();
        for r in self.sql.query("SELECT name FROM folders", &[])? {
            let n: String = r.get(0)?;
            if !names.contains(&n) {
                stale.push(n);
            }
        }
        for n in stale {
            for q in [
                "DELETE FROM messages WHERE folder = ?1",
                "DELETE FROM expunged WHERE folder = ?1",
                "DELETE FROM folders WHERE name = ?1",
            ] {
                self.sql.execute(q, args![&n])?;
            }
        }
        Ok(out)
    }

    /// Whether the index claims to be in line with the folder: the mtimes of new/ and cur/
    /// are the settled ones of its last scan, so the next scan will not read them. Only
    /// then is a difference between files and rows drift; otherwise (mail just delivered,
    /// a client renamed a file) the next scan reads the directories and catches up.
    pub fn is_current(&self, name: &str, dir: &Path) -> Result<bool> {
        let Some(r) = self.sql.query_opt(
            "SELECT new_mtime, cur_mtime FROM folders WHERE name = ?1",
            args![name],
        )?
        else {
            return Ok(false);
        };
        let (n, c): (i64, i64) = (r.get(0)?, r.get(1)?);
        Ok(n != 0 && n == mtime_ns(&dir.join("new")) && c == mtime_ns(&dir.join("cur")))
    }

    /// (files not in the index, index rows without a file) for a folder, without changing
    /// anything.
    pub fn drift(&self, name: &str, dir: &Path) -> Result<(u64, u64)> {
        let files: HashSet<String> = folder::entries(dir)
            .into_iter()
            .map(|e| e.name.unique)
            .collect();
        let indexed = self
            .sql
            .query("SELECT uniq FROM messages WHERE folder = ?1", args![name])?
            .iter()
            .map(|r| r.get::<String>(0))
            .collect::<crate::core::Result<HashSet<String>>>()?;
        Ok((
            files.difference(&indexed).count() as u64,
            indexed.difference(&files).count() as u64,
        ))
    }
}

/// PostgreSQL: claims for the caller the UIDs no session has had as \Recent yet (RFC 3501
/// §2.3.2: one session only), in one statement: the row locked and its old start read in
/// the subquery, then moved to UIDNEXT. A concurrent claimer waits on the lock and then
/// finds nothing left (None), or only what arrived after the first claim.
pub(super) fn claim_recent(sql: &Sql, name: &str) -> Result<Option<std::ops::Range<u32>>> {
    sql.query_opt(
        "UPDATE folders AS f SET first_recent_uid = f.uidnext \
           FROM (SELECT name, first_recent_uid FROM folders WHERE name = ?1 FOR UPDATE) AS o \
          WHERE f.name = o.name AND o.first_recent_uid < f.uidnext \
         RETURNING o.first_recent_uid, f.uidnext",
        args![name],
    )?
    .map(|r| Ok(u32_at(&r, 0)?..u32_at(&r, 1)?))
    .transpose()
}

/// Whether the locked scan of a folder whose row is `row` and messages' rows `known`
/// (uniq, flags, in_new) would change nothing: every row has its file with the same flags
/// and place, every file its row, no new/ file to move (with `move_new_files`), and the
/// settled mtimes (`mtimes`, read before the directories) are the ones recorded. Read
/// without the lock: the rows first, then the files, so a writer's file and row appearing
/// or going in between shows as a difference, and any difference leaves the decision to
/// the locked scan. What this saves is the lock, the transaction and its commit on every
/// refresh of a busy folder, where sessions would otherwise queue behind each other to find
/// nothing new. None when a file is in new/ and `known` does not say where its row has it
/// (in_new None: rows from a session's view).
pub(super) fn in_line<'a>(
    known: impl ExactSizeIterator<Item = (&'a str, &'a str, Option<bool>)>,
    dir: &Path,
    row: &super::FolderRow,
    (new_m, cur_m): (i64, i64),
    move_new_files: bool,
) -> Result<Option<bool>> {
    let settled = |m: i64| if now_ns() - m < MTIME_SETTLE_NS { 0 } else { m };
    if new_m == 0 || (settled(new_m), settled(cur_m)) != (row.new_mtime, row.cur_mtime) {
        return Ok(Some(false));
    }
    let on_disk: HashMap<String, Entry> = folder::entries(dir)
        .into_iter()
        .map(|e| (e.name.unique.clone(), e))
        .collect();
    if known.len() != on_disk.len() || (move_new_files && on_disk.values().any(|e| e.in_new)) {
        return Ok(Some(false));
    }
    for (uniq, flags, in_new) in known {
        let Some(e) = on_disk.get(uniq) else {
            return Ok(Some(false));
        };
        if e.name.flags.as_deref().unwrap_or_default() != flags {
            return Ok(Some(false));
        }
        match in_new {
            Some(in_new) if in_new != e.in_new => return Ok(Some(false)),
            None if e.in_new => return Ok(None),
            _ => {}
        }
    }
    Ok(Some(true))
}

/// The scan itself, inside the write transaction (and, on PostgreSQL, the folder row's lock).
fn scan_locked(sql: &Sql, name: &str, dir: &Path, move_new_files: bool) -> Result<ScanOutcome> {
    let row = folder_row(sql, name, true)?;
    let mut out = ScanOutcome {
        report: SyncReport {
            folder: name.to_string(),
            uidvalidity: row.uidvalidity,
            ..Default::default()
        },
        ..Default::default()
    };
    // Before reading: a change while we read makes the next scan read again.
    let (new_m, cur_m) = (mtime_ns(&dir.join("new")), mtime_ns(&dir.join("cur")));
    if move_new_files {
        out.moved = move_new(dir);
    }
    let mut on_disk: HashMap<String, Entry> = folder::entries(dir)
        .into_iter()
        .map(|e| (e.name.unique.clone(), e))
        .collect();
    let known = sql
        .query(
            "SELECT uid, uniq, flags, in_new FROM messages WHERE folder = ?1",
            args![name],
        )?
        .iter()
        .map(|r| Ok((u32_at(r, 0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .collect::<Result<Vec<(u32, String, String, bool)>>>()?;
    // readdir may miss a file renamed while it runs (a flag change by another program):
    // look once more before calling anything expunged.
    if known.iter().any(|k| !on_disk.contains_key(&k.1)) {
        for e in folder::entries(dir) {
            on_disk.entry(e.name.unique.clone()).or_insert(e);
        }
    }
    let mut modseq = row.highestmodseq;
    let mut uidnext = row.uidnext;
    let seen = reconcile(sql, name, &known, &on_disk, &mut modseq, &mut out.report)?;
    add_new(
        sql,
        name,
        &on_disk,
        &seen,
        &mut modseq,
        &mut uidnext,
        &mut out.report,
    )?;
    out.recent = row.first_recent_uid..uidnext;
    let first_recent = if move_new_files {
        uidnext
    } else {
        row.first_recent_uid
    };
    let mtimes = (new_m, cur_m);
    record(sql, name, &row, uidnext, modseq, mtimes, first_recent)?;
    out.report.messages = on_disk.len() as u64;
    (out.uidnext, out.highestmodseq) = (uidnext, modseq);
    Ok(out)
}

/// Known rows against the files: a missing file is an expunge (with a MODSEQ), a renamed
/// one a flag change. Returns the unique names still there.
fn reconcile(
    sql: &Sql,
    name: &str,
    known: &[(u32, String, String, bool)],
    on_disk: &HashMap<String, Entry>,
    modseq: &mut u64,
    report: &mut SyncReport,
) -> Result<HashSet<String>> {
    let mut seen = HashSet::new();
    for (uid, uniq, flags, in_new) in known {
        let uid = *uid as i64;
        match on_disk.get(uniq.as_str()) {
            None => {
                *modseq += 1;
                sql.execute(
                    "DELETE FROM messages WHERE folder = ?1 AND uid = ?2",
                    args![name, uid],
                )?;
                super::uids::record_expunged(sql, name, uid as u32, *modseq)?;
                report.removed += 1;
            }
            Some(e) => {
                seen.insert(uniq.clone());
                let now_flags = e.name.flags.clone().unwrap_or_default();
                if &now_flags != flags {
                    *modseq += 1;
                    sql.execute(
                        "UPDATE messages SET flags = ?3, modseq = ?4 WHERE folder = ?1 AND uid = ?2",
                        args![name, uid, now_flags, *modseq as i64],
                    )?;
                    report.changed += 1;
                }
                if e.in_new != *in_new {
                    sql.execute(
                        "UPDATE messages SET in_new = ?3 WHERE folder = ?1 AND uid = ?2",
                        args![name, uid, e.in_new],
                    )?;
                }
            }
        }
    }
    Ok(seen)
}

/// Files without a row get UIDs in the order they arrived (time in the name, then the name).
fn add_new(
    sql: &Sql,
    name: &str,
    on_disk: &HashMap<String, Entry>,
    seen: &HashSet<String>,
    modseq: &mut u64,
    uidnext: &mut u32,
    report: &mut SyncReport,
) -> Result<()> {
    let mut new: Vec<&Entry> = on_disk
        .values()
        .filter(|e| !seen.contains(&e.name.unique))
        .collect();
    new.sort_by(|a, b| a.name.arrival_cmp(&b.name));
    // The save date of a file another program put here (delivery) is when this scan first
    // saw it: the closest we know to when it arrived in the folder.
    let insert = format!(
        "INSERT INTO messages (folder, uid, uniq, flags, modseq, size, internal_date, in_new, \
         save_date, email_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, {})",
        super::schema::new_email_id(sql)
    );
    for e in new {
        let md = std::fs::symlink_metadata(&e.path).ok();
        let size = e
            .name
            .size
            .or_else(|| md.as_ref().map(|m| m.len()))
            .unwrap_or(0);
        let date = md
            .as_ref()
            .map(file_time)
            .or(e.name.time)
            .unwrap_or_else(now);
        *modseq += 1;
        sql.execute(
            &insert,
            args![
                name,
                *uidnext as i64,
                &e.name.unique,
                e.name.flags.clone().unwrap_or_default(),
                *modseq as i64,
                size as i64,
                date,
                e.in_new,
                now()
            ],
        )?;
        *uidnext = uidnext.saturating_add(1);
        report.added += 1;
    }
    Ok(())
}
