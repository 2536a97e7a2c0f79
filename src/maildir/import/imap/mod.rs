//! Copying an account from any IMAP server (`mailctl import imap`): every selectable folder,
//! each message whole with its flags, keywords and internal date, in batches of
//! [`BATCH`] UIDs. A folder new here takes the source's UIDVALIDITY and UIDs
//! (`Index::adopt`), so clients keep their caches; a folder that already had mail here gets
//! the next UIDs and the report says so. Resumable: the highest UID copied per folder is
//! stored with each batch's rows (`import:` marks in the index), and a rerun fetches only
//! above it. Nothing on the source changes (EXAMINE, BODY.PEEK[]). Not here: the wire
//! (`client.rs`), printing (the CLI).

pub mod client;

use std::fs;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use client::{Client, Tok, quote};

use super::dovecot::AccountReport;
use super::{FolderReport, ImportError};
use crate::imap::command::Flag;
use crate::imap::flags::Flags;
use crate::imap::parse::lexer::Cursor;
use crate::maildir::index::{Index, Indexes, NewMessage};
use crate::maildir::{deliver, folder, utf7};

/// UIDs fetched per UID FETCH (and committed per transaction).
pub const BATCH: usize = 100;

/// Where to copy from.
pub struct Source {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: String,
    /// Accept any certificate (a test server's self-signed one).
    pub insecure_tls: bool,
}

/// A folder on the source: its name as sent, its name here (or why it has none).
struct Remote {
    wire: String,
    name: Result<String, String>,
}

/// The name here of a source folder: INBOX stays INBOX, levels joined with `/`, modified
/// UTF-7 decoded (RFC 3501 §5.1.3); a name this server cannot store is an error.
fn local_name(wire: &str, sep: Option<&str>) -> Result<String, String> {
    if wire.eq_ignore_ascii_case("INBOX") {
        return Ok("INBOX".into());
    }
    let parts: Vec<String> = match sep.filter(|s| !s.is_empty()) {
        Some(s) => wire
            .split(s)
            .map(|c| utf7::decode(c).unwrap_or(c.to_string()))
            .collect(),
        None => vec![utf7::decode(wire).unwrap_or(wire.to_string())],
    };
    let name = parts.join("/");
    folder::folder_path(Path::new("/"), &name).map_err(|e| e.0)?;
    Ok(name)
}

/// LIST or LSUB: the selectable folders.
fn list(c: &mut Client, cmd: &str) -> Result<Vec<Remote>, ImportError> {
    let mut out = Vec::new();
    c.command(&format!("{cmd} \"\" \"*\""), |u| {
        let t = client::tokens(u)?;
        let [Tok::Atom(kind), Tok::List(attrs), sep, name, ..] = &t[..] else {
            return Ok(());
        };
        if !kind.eq_ignore_ascii_case(cmd) {
            return Ok(());
        }
        let noselect = attrs.iter().any(|a| {
            a.text().is_some_and(|a| {
                a.eq_ignore_ascii_case("\\Noselect") || a.eq_ignore_ascii_case("\\NonExistent")
            })
        });
        if let (false, Some(wire)) = (noselect, name.text()) {
            out.push(Remote {
                name: local_name(&wire, sep.text().as_deref()),
                wire,
            });
        }
        Ok(())
    })?;
    Ok(out)
}

/// EXAMINE: (UIDVALIDITY, UIDNEXT, EXISTS).
fn examine(c: &mut Client, wire: &str) -> Result<(u32, u32, u32), ImportError> {
    let (mut v, mut n, mut exists) = (0, 0, 0);
    c.command(&format!("EXAMINE {}", quote(wire)?), |u| {
        let s = String::from_utf8_lossy(u);
        let code = |k: &str| {
            s.find(&format!("[{k} "))
                .and_then(|at| s[at + k.len() + 2..].split(']').next()?.parse::<u32>().ok())
        };
        v = code("UIDVALIDITY").unwrap_or(v);
        n = code("UIDNEXT").unwrap_or(n);
        if let Some(num) = s.strip_suffix(" EXISTS") {
            exists = num.parse().unwrap_or(exists);
        }
        Ok(())
    })?;
    Ok((v, n, exists))
}

/// UID SEARCH UID from:* — the UIDs at or above `from`, ascending.
fn uids_from(c: &mut Client, from: u32) -> Result<Vec<u32>, ImportError> {
    let mut out = Vec::new();
    c.command(&format!("UID SEARCH UID {from}:*"), |u| {
        if let Some(rest) = u.strip_prefix(b"SEARCH") {
            out.extend(
                String::from_utf8_lossy(rest)
                    .split(' ')
                    .filter_map(|n| n.parse::<u32>().ok())
                    .filter(|n| *n >= from),
            );
        }
        Ok(())
    })?;
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// A UID set for a command: ranges where the UIDs are consecutive.
fn uid_set(uids: &[u32]) -> String {
    let mut out = Vec::new();
    let mut i = 0;
    while i < uids.len() {
        let mut j = i;
        while j + 1 < uids.len() && uids[j + 1] == uids[j].saturating_add(1) {
            j += 1;
        }
        out.push(if i == j {
            uids[i].to_string()
        } else {
            format!("{}:{}", uids[i], uids[j])
        });
        i = j + 1;
    }
    out.join(",")
}

/// One fetched message, written to `tmp/` already.
struct Fetched {
    uid: u32,
    msg: NewMessage,
    tmp: PathBuf,
}

/// What one FETCH response carried.
struct Parts {
    uid: u32,
    flags: Flags,
    date: i64,
    body: Vec<u8>,
}

/// The parts of one FETCH response (None: not a FETCH, or one without UID or body).
fn fetch_parts(u: &[u8]) -> Result<Option<Parts>, ImportError> {
    let t = client::tokens(u)?;
    let [_, Tok::Atom(kind), Tok::List(items)] = &t[..] else {
        return Ok(None);
    };
    if !kind.eq_ignore_ascii_case("FETCH") {
        return Ok(None);
    }
    let (mut uid, mut flags, mut date, mut body) = (None, Flags::default(), None, None);
    for pair in items.chunks(2) {
        let [Tok::Atom(k), v] = pair else { continue };
        match (k.to_ascii_uppercase().as_str(), v) {
            ("UID", Tok::Atom(n)) => uid = n.parse::<u32>().ok(),
            ("FLAGS", Tok::List(fl)) => {
                for f in fl.iter().filter_map(Tok::text) {
                    if let Ok(flag) = Cursor::new(f.as_bytes()).flag()
                        && flag != Flag::Recent
                    {
                        flags.insert(&flag);
                    }
                }
            }
            ("INTERNALDATE", Tok::Str(d)) => {
                let quoted = [&b"\""[..], d, b"\""].concat();
                date = Cursor::new(&quoted).date_time().ok();
            }
            ("BODY[]", Tok::Str(b)) => body = Some(b.clone()),
            _ => {}
        }
    }
    Ok(match (uid, body) {
        (Some(uid), Some(body)) => Some(Parts {
            uid,
            flags,
            date: date.unwrap_or(0),
            body,
        }),
        _ => None,
    })
}

/// Writes a fetched message into `dst/tmp/` (fsynced, mtime = internal date).
fn spool(dst: &Path, m: &Parts) -> std::io::Result<Fetched> {
    let (flags, date, body) = (&m.flags, m.date, &m.body);
    let unique = format!("{},S={}", deliver::unique_name(), body.len());
    let tmp = dst.join("tmp").join(&unique);
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&tmp)?;
    f.write_all(body)?;
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(date.max(0) as u64);
    f.set_modified(t)?;
    f.sync_all()?;
    Ok(Fetched {
        uid: m.uid,
        msg: NewMessage {
            unique,
            letters: flags.maildir_letters(),
            keywords: flags.keywords_text(),
            size: body.len() as u64,
            internal_date: date,
            email_id: None,
        },
        tmp,
    })
}

/// Copies one source folder into folder `name` here.
fn import_folder(
    c: &mut Client,
    index: &mut Index,
    dst_root: &Path,
    (wire, name): (&str, &str),
    mark_key: &str,
    progress: &mut dyn FnMut(&str, u64, u64),
) -> Result<FolderReport, ImportError> {
    let (uidvalidity, uidnext, exists) = examine(c, wire)?;
    let dst = folder::folder_path(dst_root, name).map_err(|e| ImportError::Format(e.0))?;
    deliver::ensure(&dst).map_err(ImportError::io(&dst))?;
    let mut report = FolderReport {
        folder: name.to_string(),
        ..Default::default()
    };
    let last = index
        .import_mark(mark_key)?
        .and_then(|m| {
            let (v, u) = m.split_once(' ')?;
            (v.parse::<u32>().ok()? == uidvalidity).then(|| u.parse::<u32>().ok())?
        })
        .unwrap_or(0);
    let uids = if exists == 0 {
        Vec::new()
    } else {
        uids_from(c, last.saturating_add(1))?
    };
    let total = uids.len() as u64;
    let batches: Vec<&[u32]> = if uids.is_empty() {
        vec![&[]]
    } else {
        uids.chunks(BATCH).collect()
    };
    let mut done = 0u64;
    for (bi, batch) in batches.iter().enumerate() {
        let mut got: Vec<Fetched> = Vec::new();
        if !batch.is_empty() {
            let cmd = format!(
                "UID FETCH {} (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])",
                uid_set(batch)
            );
            c.command(&cmd, |u| {
                if let Ok(Some(m)) = fetch_parts(u) {
                    got.push(spool(&dst, &m)?);
                }
                Ok(())
            })?;
        }
        for missing in batch.iter().filter(|u| !got.iter().any(|g| g.uid == **u)) {
            report.skipped.push(format!(
                "UID {missing}: the server sent no body (expunged meanwhile?)"
            ));
        }
        let high = batch.last().copied().unwrap_or(last).max(last);
        let value = format!("{uidvalidity} {high}");
        let is_last = bi + 1 == batches.len();
        let items: Vec<(u32, NewMessage)> = got.iter().map(|g| (g.uid, g.msg.clone())).collect();
        let adopted = index.adopt(
            name,
            (uidvalidity, if is_last { uidnext } else { 0 }),
            &items,
            Some((mark_key, &value)),
            |i| {
                let g = &got[i];
                let to = dst
                    .join("cur")
                    .join(format!("{}:2,{}", g.msg.unique, g.msg.letters));
                fs::rename(&g.tmp, &to).map_err(ImportError::io(&g.tmp))
            },
        );
        // Whatever was not put into place (present, conflicting, or a failed batch) goes.
        for g in &got {
            let _ = fs::remove_file(&g.tmp);
        }
        report.add(adopted?);
        deliver::sync_dir(&dst.join("cur")).map_err(ImportError::io(&dst))?;
        done += batch.len() as u64;
        progress(name, done, total);
    }
    if report.uidvalidity == 0 {
        report.uidvalidity = uidvalidity;
    }
    Ok(report)
}

/// Copies every selectable folder of the source account, and its subscriptions, into the
/// Maildir at `dst`. `progress(folder, done, total)` is called after each batch.
pub fn import_account(
    src: &Source,
    (indexes, account): (&Indexes, &str),
    dst: &Path,
    progress: &mut dyn FnMut(&str, u64, u64),
) -> Result<AccountReport, ImportError> {
    let mut c = Client::connect(&src.host, src.port, src.insecure_tls)?;
    c.login(&src.user, &src.password)?;
    deliver::ensure(dst).map_err(ImportError::io(dst))?;
    let mut index = indexes.open(account, dst)?;
    let mut out = AccountReport::default();
    for r in list(&mut c, "LIST")? {
        let name = match r.name {
            Ok(n) => n,
            Err(why) => {
                out.folders.push(FolderReport {
                    folder: r.wire.clone(),
                    skipped: vec![format!("the whole folder: {why}")],
                    ..Default::default()
                });
                continue;
            }
        };
        let key = format!("imap://{}@{}:{}/{name}", src.user, src.host, src.port);
        let f = import_folder(&mut c, &mut index, dst, (&r.wire, &name), &key, progress)?;
        out.folders.push(f);
    }
    for r in list(&mut c, "LSUB")? {
        if let Ok(n) = r.name {
            index.subscribe(&n)?;
            out.subscriptions += 1;
        }
    }
    c.logout();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_sets() {
        assert_eq!(local_name("inbox", Some(".")).unwrap(), "INBOX");
        assert_eq!(
            local_name("Archive.2024", Some(".")).unwrap(),
            "Archive/2024"
        );
        assert_eq!(local_name("Entw&APw-rfe", Some("/")).unwrap(), "Entwürfe");
        assert!(local_name("a/../b", Some("/")).is_err());
        assert_eq!(uid_set(&[1, 2, 3, 5, 7, 8]), "1:3,5,7:8");
        assert_eq!(uid_set(&[]), "");
    }

    #[test]
    fn a_fetch_response() {
        let m = fetch_parts(
            b"3 FETCH (UID 9 FLAGS (\\Seen \\Recent $Label1) INTERNALDATE \"14-Nov-2023 22:13:20 +0100\" \
              RFC822.SIZE 4 BODY[] {4}\r\nab\r\n)",
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            (m.uid, m.date, m.body.as_slice()),
            (9, 1_700_000_000 - 3600, &b"ab\r\n"[..])
        );
        assert_eq!(m.flags.maildir_letters(), "S");
        assert_eq!(m.flags.keywords_text(), "$Label1");
        assert!(fetch_parts(b"3 EXISTS").unwrap().is_none());
        assert!(fetch_parts(b"3 FETCH (FLAGS (\\Seen))").unwrap().is_none());
    }
}
