//! Dovecot's Maildir store, read as Dovecot 2.x leaves it: per folder `dovecot-uidlist`
//! (UIDVALIDITY, next UID, UID → file name), `dovecot-keywords` (keyword index → name; the
//! letters a..z in a file's `:2,` info are keywords 0..25), and the account's
//! `subscriptions`. Each folder's messages are adopted with the same UIDVALIDITY and UIDs; a
//! file Dovecot has not listed yet gets the next UIDs after the listed ones, as Dovecot would
//! give them. Message files are hard-linked when source and destination share a file system
//! (no copy, same inode: the internal date, the file's mtime, stays), else copied with the
//! mtime kept. Folder names map through `crate::maildir::folder` both ways, so `.A.B` here is
//! `.A.B` there. Not here: Dovecot's binary indexes (`dovecot.index*`), which hold nothing
//! the files above do not, except \Recent and the last moments before a lazy uidlist write.

use std::collections::HashMap;
use std::fs;
use std::io::{self, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{FolderReport, ImportError};
use crate::maildir::index::{Index, Indexes, NewMessage, file_time};
use crate::maildir::{deliver, folder, name::Name, safe};

/// Control files larger than this are refused rather than read (a uidlist of a million
/// messages is about 60 MB).
const MAX_CONTROL_FILE: u64 = 256 << 20;

/// A folder's `dovecot-uidlist`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Uidlist {
    pub uidvalidity: u32,
    pub uidnext: u32,
    /// File base name (before `:2,`) → UID.
    pub uids: HashMap<String, u32>,
}

fn bad(what: &str, line: usize, text: &str) -> ImportError {
    ImportError::Format(format!(
        "{what} line {line}: cannot read '{}'",
        text.chars().take(80).collect::<String>().escape_debug()
    ))
}

/// Parses a uidlist: version 3 (`3 V<uidvalidity> N<nextuid> G<guid>`, then
/// `<uid> [<ext>...] :<name>`) and the older versions 1 and 2 (`1 <uidvalidity> <nextuid>`,
/// then `<uid> <name>`). The next UID is at least one above the highest listed, since Dovecot
/// appends lines without rewriting the header.
pub fn parse_uidlist(text: &str) -> Result<Uidlist, ImportError> {
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default();
    let mut fields = header.split(' ');
    let version = fields.next().unwrap_or_default();
    let mut out = Uidlist::default();
    let num = |s: Option<&str>| s.and_then(|v| v.parse::<u32>().ok());
    match version {
        "1" | "2" => {
            out.uidvalidity = num(fields.next()).ok_or_else(|| bad("uidlist", 1, header))?;
            out.uidnext = num(fields.next()).ok_or_else(|| bad("uidlist", 1, header))?;
        }
        "3" => {
            for f in fields {
                match f.split_at_checked(1) {
                    Some(("V", v)) => out.uidvalidity = num(Some(v)).unwrap_or(0),
                    Some(("N", v)) => out.uidnext = num(Some(v)).unwrap_or(0),
                    _ => {}
                }
            }
            if out.uidvalidity == 0 {
                return Err(bad("uidlist", 1, header));
            }
        }
        _ => {
            return Err(ImportError::Format(format!(
                "uidlist version '{}' is not one this reader knows (1, 2, 3)",
                version.escape_debug()
            )));
        }
    }
    for (i, line) in lines.enumerate() {
        if line.is_empty() {
            continue;
        }
        let (uid, rest) = line
            .split_once(' ')
            .ok_or_else(|| bad("uidlist", i + 2, line))?;
        let uid: u32 = uid
            .parse()
            .ok()
            .filter(|u| *u > 0)
            .ok_or_else(|| bad("uidlist", i + 2, line))?;
        let name = if version == "3" {
            // Extension fields never start with ':'; the name is what follows the one that does.
            match rest.strip_prefix(':') {
                Some(n) => n,
                None => rest
                    .split_once(" :")
                    .map(|(_, n)| n)
                    .ok_or_else(|| bad("uidlist", i + 2, line))?,
            }
        } else {
            rest
        };
        let base = name.split(':').next().unwrap_or_default();
        if base.is_empty() || base.contains('/') {
            return Err(bad("uidlist", i + 2, line));
        }
        out.uidnext = out.uidnext.max(uid.saturating_add(1));
        out.uids.insert(base.to_string(), uid);
    }
    Ok(out)
}

/// `dovecot-keywords`: `<index> <name>` per line; index i is the info letter `a` + i.
pub fn parse_keywords(text: &str) -> HashMap<char, String> {
    text.lines()
        .filter_map(|l| l.split_once(' '))
        .filter_map(|(i, name)| {
            let i: u8 = i.parse().ok().filter(|i| *i < 26)?;
            let ok = !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic());
            ok.then(|| ((b'a' + i) as char, name.to_string()))
        })
        .collect()
}

/// `subscriptions`: version 2 (`V\t2`, an empty line, then names with TAB between
/// hierarchy levels) or the older one name per line with `.` between levels. Names come back
/// with `/` (this server's separator).
pub fn parse_subscriptions(text: &str) -> Vec<String> {
    let mut lines = text.lines().peekable();
    let sep = if lines.peek() == Some(&"V\t2") {
        lines.next();
        '\t'
    } else {
        '.'
    };
    lines
        .filter(|l| !l.is_empty())
        .map(|l| l.split(sep).collect::<Vec<_>>().join("/"))
        .collect()
}

fn read_control(path: &Path) -> Result<Option<String>, ImportError> {
    let f = match safe::open_message(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(ImportError::io(path)(e)),
    };
    let mut text = String::new();
    f.take(MAX_CONTROL_FILE + 1)
        .read_to_string(&mut text)
        .map_err(ImportError::io(path))?;
    if text.len() as u64 > MAX_CONTROL_FILE {
        return Err(ImportError::Format(format!(
            "{}: larger than {MAX_CONTROL_FILE} bytes",
            path.display()
        )));
    }
    Ok(Some(text))
}

/// One message file of the source folder.
struct Source {
    path: PathBuf,
    name: Name,
    /// The info letters as the file name has them (keyword letters included, as Dovecot and
    /// our scan read them).
    letters: String,
}

/// The folder's files with their UIDs (listed ones first, by UID; then the unlisted by
/// name, numbered from the next UID), and the files that cannot be messages.
fn plan(dir: &Path, list: &Uidlist) -> (Vec<(u32, Source)>, Vec<String>) {
    let (mut listed, mut unlisted, mut skipped) = (Vec::new(), Vec::new(), Vec::new());
    for sub in ["cur", "new"] {
        let Ok(rd) = fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for e in rd.flatten() {
            let file = e.file_name().to_string_lossy().into_owned();
            if !e.file_type().is_ok_and(|t| t.is_file()) {
                skipped.push(format!("{sub}/{file}: not a regular file"));
                continue;
            }
            let name = match Name::parse(&file) {
                Ok(n) => n,
                Err(err) => {
                    skipped.push(format!("{sub}/{file}: {err}"));
                    continue;
                }
            };
            let src = Source {
                path: e.path(),
                letters: name.flags.clone().unwrap_or_default(),
                name,
            };
            match list.uids.get(&src.name.unique) {
                Some(&uid) => listed.push((uid, src)),
                None => unlisted.push(src),
            }
        }
    }
    listed.sort_by_key(|(uid, _)| *uid);
    unlisted.sort_by(|a, b| a.name.unique.cmp(&b.name.unique));
    let mut next = list.uidnext.max(1);
    for s in unlisted {
        listed.push((next, s));
        next = next.saturating_add(1);
    }
    (listed, skipped)
}

/// Puts `src` at `dst` (a name in `cur/`): a hard link (unless `copy`), else a copy through `tmp/` with the
/// mtime kept. A file already there (an interrupted earlier run) is taken as it is.
fn link_or_copy(src: &Path, dst_dir: &Path, dst_name: &str, copy: bool) -> io::Result<()> {
    let dst = dst_dir.join("cur").join(dst_name);
    if fs::symlink_metadata(&dst).is_ok() {
        return Ok(());
    }
    if !copy {
        match fs::hard_link(src, &dst) {
            Ok(()) => return Ok(()),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(()),
            // Another file system, or links not allowed: copy.
            Err(_) => {}
        }
    }
    let mut from = safe::open_message(src)?;
    let mtime = from.metadata()?.modified()?;
    let tmp = dst_dir.join("tmp").join(deliver::unique_name());
    let mut to = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&tmp)?;
    let copied = io::copy(&mut from, &mut to)
        .and_then(|_| to.flush())
        .and_then(|_| to.set_modified(mtime))
        .and_then(|_| to.sync_all())
        .and_then(|_| fs::rename(&tmp, &dst));
    if copied.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    copied
}

/// Imports one Dovecot folder directory into folder `name` of the Maildir at `dst_root`.
fn import_folder(
    index: &mut Index,
    src: &Path,
    dst_root: &Path,
    name: &str,
    copy: bool,
) -> Result<FolderReport, ImportError> {
    let list = match read_control(&src.join("dovecot-uidlist"))? {
        Some(t) => parse_uidlist(&t)?,
        // Never opened by Dovecot: no UIDs to keep, ours are as good.
        None => Uidlist::default(),
    };
    let keywords = read_control(&src.join("dovecot-keywords"))?
        .map(|t| parse_keywords(&t))
        .unwrap_or_default();
    let (files, skipped) = plan(src, &list);
    let dst = folder::folder_path(dst_root, name).map_err(|e| ImportError::Format(e.0))?;
    deliver::ensure(&dst).map_err(ImportError::io(&dst))?;
    let items: Vec<(u32, NewMessage)> = files
        .iter()
        .map(|(uid, s)| {
            let md = fs::metadata(&s.path).ok();
            let mut kws: Vec<&str> = s
                .letters
                .chars()
                .filter_map(|c| keywords.get(&c).map(String::as_str))
                .collect();
            kws.dedup();
            let m = NewMessage {
                unique: s.name.unique.clone(),
                letters: s.letters.clone(),
                keywords: kws.join(" "),
                size: md.as_ref().map(|m| m.len()).unwrap_or(0),
                internal_date: md.as_ref().map(file_time).unwrap_or(0),
                email_id: None,
            };
            (*uid, m)
        })
        .collect();
    let mut report = FolderReport {
        folder: name.to_string(),
        skipped,
        ..Default::default()
    };
    let adopted = index.adopt(name, (list.uidvalidity, list.uidnext), &items, None, |i| {
        let (s, m) = (&files[i].1, &items[i].1);
        let dst_name = format!("{}:2,{}", m.unique, m.letters);
        link_or_copy(&s.path, &dst, &dst_name, copy).map_err(ImportError::io(&s.path))
    })?;
    deliver::sync_dir(&dst.join("cur")).map_err(ImportError::io(&dst))?;
    report.add(adopted);
    Ok(report)
}

/// What importing one account did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AccountReport {
    pub folders: Vec<FolderReport>,
    pub subscriptions: usize,
}

/// Imports the Dovecot Maildir at `src` (its INBOX; folders are `.Name` inside) into the
/// mailctl Maildir at `dst` of `account` (its index where `indexes` says), hard-linking the
/// files unless `copy`. A second run adds only what is new.
pub fn import_account(
    src: &Path,
    (indexes, account): (&Indexes, &str),
    dst: &Path,
    copy: bool,
) -> Result<AccountReport, ImportError> {
    deliver::ensure(dst).map_err(ImportError::io(dst))?;
    let mut index = indexes.open(account, dst)?;
    let mut out = AccountReport::default();
    for f in folder::folders(src).map_err(ImportError::io(src))? {
        // A `.A.B` without `.A` is fine; a directory without cur/ is not a folder (yet).
        if !safe::is_real_dir(&f.path.join("cur")) {
            continue;
        }
        out.folders
            .push(import_folder(&mut index, &f.path, dst, &f.name, copy)?);
    }
    if let Some(t) = read_control(&src.join("subscriptions"))? {
        for name in parse_subscriptions(&t) {
            index.subscribe(&name)?;
            out.subscriptions += 1;
        }
    }
    Ok(out)
}

/// The account directory a Dovecot `mail_location`-style template names: `%n` the local
/// part, `%d` the domain, `%u` the full address, `%%` a percent sign.
pub fn account_dir(root: &Path, layout: &str, local: &str, domain: &str) -> PathBuf {
    let user = format!("{local}@{domain}");
    let mut out = String::new();
    let mut chars = layout.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push_str(local),
            Some('d') => out.push_str(domain),
            Some('u') => out.push_str(&user),
            Some(o) => out.push(o),
            None => out.push('%'),
        }
    }
    root.join(out)
}

/// Every account of `domain` under `root` as `layout` lays them out: (local part, Maildir).
/// `%n` and `%u` must each be a whole path component; a directory without `cur/` is no
/// account.
pub fn find_accounts(
    root: &Path,
    layout: &str,
    domain: &str,
) -> Result<Vec<(String, PathBuf)>, ImportError> {
    let mut found: Vec<(Option<String>, PathBuf)> = vec![(None, root.to_path_buf())];
    for comp in layout.split('/').filter(|c| !c.is_empty()) {
        let is_user = comp == "%n" || comp == "%u";
        if !is_user && (comp.contains("%n") || comp.contains("%u")) {
            return Err(ImportError::Format(format!(
                "layout component '{comp}': %n and %u must stand alone between slashes"
            )));
        }
        let mut next = Vec::new();
        for (local, dir) in found {
            if !is_user {
                let lit = account_dir(Path::new(""), comp, local.as_deref().unwrap_or(""), domain);
                next.push((local, dir.join(lit)));
                continue;
            }
            let Ok(rd) = fs::read_dir(&dir) else { continue };
            for e in rd.flatten() {
                let n = e.file_name().to_string_lossy().into_owned();
                if n.starts_with('.') || !e.file_type().is_ok_and(|t| t.is_dir()) {
                    continue;
                }
                let l = if comp == "%n" {
                    Some(n.clone())
                } else {
                    n.strip_suffix(&format!("@{domain}")).map(str::to_string)
                };
                if let Some(l) = l {
                    next.push((Some(l), dir.join(&n)));
                }
            }
        }
        found = next;
    }
    let mut out: Vec<(String, PathBuf)> = found
        .into_iter()
        .filter_map(|(l, d)| Some((l?, d)))
        .filter(|(_, d)| safe::is_real_dir(&d.join("cur")))
        .collect();
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests;
