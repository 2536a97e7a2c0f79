//! `maildir walk|ls|show|check|import-mbox|export-mbox`: any Maildir (mailctl's, Dovecot's,
//! Courier's) from the terminal, while the daemons run (Maildir needs no locks).

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde::Serialize;

use super::{Ctx, Exit, Fail, timestamp};
use crate::core::Address;
use crate::core::settings::human_size;
use crate::maildir::index::Index;
use crate::maildir::{check, folder, mbox};
use crate::output;

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// The folder tree with message counts, unread, flagged, deleted, sizes and dates.
    Walk {
        /// A Maildir path, or an address of this server.
        target: String,
    },
    /// The messages of a folder: date, from, subject, flags, size, file.
    Ls {
        /// A Maildir path, or an address of this server.
        target: String,
        /// Folder (INBOX, Sent, Archive/2024).
        #[arg(long, default_value = "INBOX")]
        folder: String,
        /// Only messages not yet seen.
        #[arg(long)]
        unread: bool,
        /// Only messages from this day on (YYYY-MM-DD).
        #[arg(long)]
        since: Option<String>,
        /// Only messages whose From contains this text.
        #[arg(long)]
        from: Option<String>,
        /// Only messages whose Subject contains this text.
        #[arg(long)]
        subject: Option<String>,
        /// At most this many messages.
        #[arg(long)]
        limit: Option<usize>,
        /// Order of the list.
        #[arg(long, value_enum, default_value = "date")]
        sort: Sort,
    },
    /// One message: the headers that matter, its MIME tree, and its text.
    Show {
        /// A message file, or ADDRESS:FOLDER:UID (e.g. alice@example.org:INBOX:42).
        file: String,
        /// Print the file as it is.
        #[arg(long)]
        raw: bool,
        /// Write MIME part N (as numbered in the tree) to stdout, decoded.
        #[arg(long)]
        part: Option<usize>,
    },
    /// Rebuild the account's UID index from its Maildir, keeping the UIDs of existing messages.
    Reindex {
        /// The mailbox (an address of this server).
        address: String,
    },
    /// Find what is wrong; with --repair, fix what is safe (never deletes anything).
    ///
    /// Prints a summary per kind of problem with a few examples; --json lists every one.
    /// Exit status 1 while a problem is left unrepaired.
    Check {
        /// A Maildir path, or an address of this server.
        target: String,
        /// Fix what is safe: recreate missing directories, normalise names and flags, narrow
        /// permissions, sync the index; move links, stale tmp files and files that are not
        /// messages (dot files, empty files, no header) to lost+found/ in the Maildir root,
        /// where clients do not see them.
        #[arg(long)]
        repair: bool,
    },
    /// Import an mbox file into a mailbox folder (files 0600, as delivery writes them).
    ///
    /// mbox comes in two variants that differ only in how a body line starting with "From "
    /// is quoted. mboxrd (what export-mbox writes) adds a '>' to "From " and to every
    /// ">From ", ">>From " line, so import removes one again and the round trip is exact.
    /// mboxo (Python's mailbox module, older mail programs) quotes only "From ", so a ">From "
    /// line cannot be told from a quoted one: import keeps it as it is. With the default
    /// --format auto, a file without any ">From " line is imported (both read the same); a
    /// file with such lines is refused until you say which variant wrote it.
    ImportMbox {
        /// The mailbox (an address of this server).
        address: String,
        /// The mbox file; - reads it from stdin. Its first line must start with "From ".
        file: PathBuf,
        /// Folder to import into (INBOX, Archive/2024); created if missing.
        #[arg(long, default_value = "INBOX")]
        folder: String,
        /// mbox variant: auto, mboxrd or mboxo (see above).
        #[arg(long, value_enum, default_value = "auto")]
        format: mbox::Format,
    },
    /// Export a mailbox folder to an mbox file (- for stdout).
    ExportMbox {
        /// The mailbox (an address of this server).
        address: String,
        /// Folder to export (INBOX, Sent, Archive/2024).
        folder: String,
        /// The mbox file to write; - writes to stdout.
        file: PathBuf,
        /// mbox variant: mboxrd (default; round-trips exactly) or mboxo (quotes only
        /// "From " lines; auto is mboxrd).
        #[arg(long, value_enum, default_value = "mboxrd")]
        format: mbox::Format,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Sort {
    Date,
    Size,
    From,
}

/// A path (anything with a `/` or that exists) or an address of this server.
fn resolve(ctx: &Ctx, target: &str) -> anyhow::Result<PathBuf> {
    if target.contains('/') || Path::new(target).exists() {
        let p = PathBuf::from(target);
        if !p.is_dir() {
            return Err(Fail::new(format!("{target} is not a directory")).into());
        }
        // A path the administrator typed may be a link (~/Maildir -> /srv/...): follow it
        // here, once, so the checks below (which never follow links) see the real directory.
        return Ok(std::fs::canonicalize(&p).unwrap_or(p));
    }
    let addr = Address::parse(target).map_err(|e| {
        Fail::usage(format!(
            "'{target}' is neither a Maildir path nor an address: {e}"
        ))
    })?;
    let p = ctx.data_dir.maildir(&addr);
    if !p.is_dir() {
        return Err(Fail::hint(
            format!("{addr} has no Maildir at {}", p.display()),
            "it is created at the first delivery",
        )
        .into());
    }
    Ok(p)
}

#[derive(Serialize)]
struct WalkRow {
    folder: String,
    #[serde(flatten)]
    stats: folder::Stats,
}

#[derive(Serialize)]
struct Listed {
    file: String,
    date: Option<String>,
    from: String,
    subject: String,
    flags: String,
    size: u64,
    #[serde(skip)]
    sort_time: i64,
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> anyhow::Result<()> {
    match cmd {
        Cmd::Walk { target } => walk(ctx, &resolve(ctx, &target)?),
        Cmd::Ls {
            target,
            folder,
            unread,
            since,
            from,
            subject,
            limit,
            sort,
        } => {
            let root = resolve(ctx, &target)?;
            let dir = folder::folder_path(&root, &folder).map_err(|e| Fail::usage(e.0))?;
            let since = since
                .map(|s| {
                    chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").map(|d| {
                        d.and_hms_opt(0, 0, 0)
                            .unwrap_or_default()
                            .and_utc()
                            .timestamp()
                    })
                })
                .transpose()
                .map_err(|_| Fail::usage("--since: write the date as YYYY-MM-DD"))?;
            let mut rows = Vec::new();
            for e in folder::entries(&dir) {
                // Unread: still in new/, or without the Seen flag.
                if unread && !e.in_new && e.name.has('S') {
                    continue;
                }
                let mut buf = Vec::new();
                if std::fs::File::open(&e.path)
                    .and_then(|f| f.take(64 << 10).read_to_end(&mut buf))
                    .is_err()
                {
                    continue;
                }
                let parsed = mail_parser::MessageParser::default().parse_headers(&buf);
                let (date, from_s, subj) = match &parsed {
                    Some(m) => (
                        m.date().map(|d| d.to_timestamp()),
                        m.from()
                            .and_then(|a| a.first())
                            .map(|a| match (a.name(), a.address()) {
                                (Some(n), Some(ad)) => format!("{n} <{ad}>"),
                                (None, Some(ad)) => ad.to_string(),
                                (Some(n), None) => n.to_string(),
                                _ => String::new(),
                            })
                            .unwrap_or_default(),
                        m.subject().unwrap_or("").to_string(),
                    ),
                    None => (None, String::new(), String::new()),
                };
                let t = date.or(e.name.time).unwrap_or(0);
                if since.is_some_and(|s| t < s) {
                    continue;
                }
                if from
                    .as_deref()
                    .is_some_and(|f| !from_s.to_lowercase().contains(&f.to_lowercase()))
                {
                    continue;
                }
                if subject
                    .as_deref()
                    .is_some_and(|f| !subj.to_lowercase().contains(&f.to_lowercase()))
                {
                    continue;
                }
                let size = e
                    .name
                    .size
                    .unwrap_or_else(|| std::fs::metadata(&e.path).map(|m| m.len()).unwrap_or(0));
                let mut flags = e.name.flags.clone().unwrap_or_default();
                if e.in_new {
                    flags.insert(0, 'N');
                }
                rows.push(Listed {
                    file: e.path.display().to_string(),
                    date: date.map(timestamp),
                    from: from_s,
                    subject: subj,
                    flags,
                    size,
                    sort_time: t,
                });
            }
            match sort {
                Sort::Date => rows.sort_by_key(|r| r.sort_time),
                Sort::Size => rows.sort_by_key(|r| std::cmp::Reverse(r.size)),
                Sort::From => rows.sort_by_key(|r| r.from.to_lowercase()),
            }
            if let Some(n) = limit {
                rows.truncate(n);
            }
            if ctx.json {
                output::json(&rows)?;
            } else {
                output::print(&output::table(
                    &["DATE", "FROM", "SUBJECT", "FLAGS", "SIZE", "FILE"],
                    rows.iter().map(|r| {
                        let file = Path::new(&r.file)
                            .file_name()
                            .map(|f| f.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        vec![
                            r.date.clone().unwrap_or_default(),
                            r.from.clone(),
                            r.subject.clone(),
                            r.flags.clone(),
                            human_size(r.size),
                            file,
                        ]
                    }),
                ))?;
            }
            Ok(())
        }
        Cmd::Show { file, raw, part } => show(ctx, &message_file(ctx, &file)?, raw, part),
        Cmd::Reindex { address } => {
            let root = resolve(ctx, &address)?;
            let mut ix = Index::open(&root).map_err(|e| {
                Fail::new(format!("cannot open the index in {}: {e}", root.display()))
            })?;
            let reports = ix.sync_all()?;
            if ctx.json {
                output::json(&reports)?;
            } else {
                output::print(&output::table(
                    &[
                        "FOLDER",
                        "MESSAGES",
                        "ADDED",
                        "REMOVED",
                        "FLAGS CHANGED",
                        "UIDVALIDITY",
                    ],
                    reports.iter().map(|r| {
                        vec![
                            r.folder.clone(),
                            r.messages.to_string(),
                            r.added.to_string(),
                            r.removed.to_string(),
                            r.changed.to_string(),
                            r.uidvalidity.to_string(),
                        ]
                    }),
                ))?;
            }
            Ok(())
        }
        Cmd::Check { target, repair } => {
            let root = resolve(ctx, &target)?;
            let mut found = check::check(&root, repair)
                .map_err(|e| Fail::new(format!("{}: {e}", root.display())))?;
            found.extend(index_drift(&root, repair)?);
            check_report(ctx, &root, &found, repair)
        }
        Cmd::ImportMbox {
            address,
            file,
            folder,
            format,
        } => {
            let root = ctx.data_dir.maildir(
                &Address::parse(&address).map_err(|e| Fail::usage(format!("{address}: {e}")))?,
            );
            let dir = folder::folder_path(&root, &folder).map_err(|e| Fail::usage(e.0))?;
            crate::maildir::deliver::ensure(&root)
                .map_err(|e| Fail::new(format!("{}: {e}", root.display())))?;
            // stdin is read twice (detect, then import): keep it in a private temporary file.
            let spooled = if file.as_os_str() == "-" {
                let mut t = tempfile::NamedTempFile::new()?;
                std::io::copy(&mut std::io::stdin().lock(), t.as_file_mut())?;
                Some(t)
            } else {
                None
            };
            let src: &Path = spooled.as_ref().map(|t| t.path()).unwrap_or(&file);
            let len = std::fs::metadata(src)
                .map_err(|e| Fail::new(format!("{}: {e}", file.display())))?
                .len();
            let pb = output::byte_progress(len, "importing", ctx.progress());
            let s = mbox::import(src, &dir, format, |bytes, msgs| {
                pb.set_position(bytes);
                pb.set_message(format!("importing ({msgs} messages)"));
            })
            .map_err(|e| import_fail(&file, e))?;
            pb.finish_and_clear();
            if ctx.json {
                output::json(
                    &serde_json::json!({ "folder": folder, "messages": s.messages, "bytes": s.bytes }),
                )?;
            } else if !ctx.quiet {
                output::print(&format!(
                    "imported {} message(s), {}, into {address} {folder}",
                    s.messages,
                    human_size(s.bytes)
                ))?;
            }
            Ok(())
        }
        Cmd::ExportMbox {
            address,
            folder,
            file,
            format,
        } => {
            let root = ctx.data_dir.maildir(
                &Address::parse(&address).map_err(|e| Fail::usage(format!("{address}: {e}")))?,
            );
            let dir = folder::folder_path(&root, &folder).map_err(|e| Fail::usage(e.0))?;
            if !dir.is_dir() {
                return Err(Fail::hint(
                    format!("{address} has no folder {folder}"),
                    format!("`mailctl maildir walk {address}` lists its folders"),
                )
                .into());
            }
            let total = folder::stats(&dir).bytes;
            let pb = output::byte_progress(
                total,
                "exporting",
                ctx.progress() && file.as_os_str() != "-",
            );
            let progress = |bytes: u64, msgs: u64| {
                pb.set_position(bytes);
                pb.set_message(format!("exporting ({msgs} messages)"));
            };
            let s = if file.as_os_str() == "-" {
                mbox::export(&dir, &mut std::io::stdout().lock(), format, progress)?
            } else {
                let mut f = std::fs::File::create(&file)
                    .map_err(|e| Fail::new(format!("{}: {e}", file.display())))?;
                let s = mbox::export(&dir, &mut f, format, progress)?;
                f.sync_all()?;
                s
            };
            pb.finish_and_clear();
            if file.as_os_str() != "-" {
                if ctx.json {
                    output::json(
                        &serde_json::json!({ "folder": folder, "messages": s.messages, "bytes": s.bytes }),
                    )?;
                } else if !ctx.quiet {
                    output::print(&format!(
                        "exported {} message(s) from {address} {folder} to {}",
                        s.messages,
                        file.display()
                    ))?;
                }
            }
            Ok(())
        }
    }
}

fn walk(ctx: &Ctx, root: &Path) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    for f in folder::folders(root)? {
        rows.push(WalkRow {
            folder: f.name.clone(),
            stats: folder::stats(&f.path),
        });
    }
    let mut total = folder::Stats::default();
    for r in &rows {
        let s = &r.stats;
        total.new += s.new;
        total.cur += s.cur;
        total.unread += s.unread;
        total.flagged += s.flagged;
        total.deleted += s.deleted;
        total.bytes += s.bytes;
        total.tmp += s.tmp;
        total.oldest = [total.oldest, s.oldest].into_iter().flatten().min();
        total.newest = [total.newest, s.newest].into_iter().flatten().max();
    }
    if ctx.json {
        output::json(&serde_json::json!({ "maildir": root, "folders": rows, "total": total }))?;
        return Ok(());
    }
    let date = |t: Option<i64>| {
        t.map(|t| timestamp(t)[..10].to_string())
            .unwrap_or_else(|| "-".into())
    };
    let line = |name: String, s: &folder::Stats| {
        let mut n = name;
        if !s.missing.is_empty() {
            n.push_str(&format!(" (missing {})", s.missing.join(", ")));
        }
        vec![
            n,
            s.new.to_string(),
            s.cur.to_string(),
            s.unread.to_string(),
            s.flagged.to_string(),
            s.deleted.to_string(),
            human_size(s.bytes),
            date(s.oldest),
            date(s.newest),
            s.tmp.to_string(),
        ]
    };
    // The hierarchy: each folder indented under its parent, by its last component; parents
    // that exist only as a path prefix (Maildir++ needs no directory for them) get a row too.
    let mut table_rows: Vec<Vec<String>> = Vec::new();
    let mut shown: std::collections::HashSet<String> = std::collections::HashSet::new();
    for r in &rows {
        let comps: Vec<&str> = if r.folder == "INBOX" {
            vec!["INBOX"]
        } else {
            r.folder.split('/').collect()
        };
        for depth in 0..comps.len().saturating_sub(1) {
            let prefix = comps[..=depth].join("/");
            if shown.insert(prefix) {
                let mut row = vec![format!("{}{}", "  ".repeat(depth), comps[depth])];
                row.extend(std::iter::repeat_n(String::new(), 9));
                table_rows.push(row);
            }
        }
        shown.insert(r.folder.clone());
        let depth = comps.len() - 1;
        table_rows.push(line(
            format!("{}{}", "  ".repeat(depth), comps[depth]),
            &r.stats,
        ));
    }
    table_rows.push(line("total".into(), &total));
    output::print(&output::table(
        &[
            "FOLDER", "NEW", "CUR", "UNREAD", "FLAGGED", "DELETED", "SIZE", "OLDEST", "NEWEST",
            "TMP",
        ],
        table_rows,
    ))?;
    Ok(())
}

fn show(ctx: &Ctx, file: &Path, raw: bool, part: Option<usize>) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).map_err(|e| Fail::new(format!("{}: {e}", file.display())))?;
    if raw {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        out.write_all(&bytes)?;
        return Ok(());
    }
    let msg = mail_parser::MessageParser::default()
        .parse(&bytes)
        .ok_or_else(|| {
            Fail::hint(
                format!("{} is not a parsable message", file.display()),
                "--raw prints it as it is",
            )
        })?;
    use mail_parser::MimeHeaders;
    if let Some(n) = part {
        let p = msg.parts.get(n).ok_or_else(|| {
            Fail::usage(format!(
                "--part {n}: the message has parts 0 to {}",
                msg.parts.len().saturating_sub(1)
            ))
        })?;
        use std::io::Write;
        std::io::stdout().lock().write_all(p.contents())?;
        return Ok(());
    }
    let parts: Vec<serde_json::Value> = msg
        .parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let ct = p.content_type().map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or(""))).unwrap_or_else(|| "text/plain".into());
            serde_json::json!({ "part": i, "type": ct, "size": p.contents().len(), "filename": p.attachment_name() })
        })
        .collect();
    let body = msg.body_text(0).map(|t| t.into_owned()).unwrap_or_default();
    let addr = |a: Option<&mail_parser::Address>| {
        a.map(|l| {
            l.iter()
                .filter_map(|x| x.address())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
    };
    if ctx.json {
        output::json(&serde_json::json!({
            "from": addr(msg.from()), "to": addr(msg.to()), "cc": addr(msg.cc()),
            "subject": msg.subject(), "date": msg.date().map(|d| d.to_rfc3339()), "message_id": msg.message_id(),
            "parts": parts, "text": body,
        }))?;
        return Ok(());
    }
    let mut out = output::fields(&[
        ("From", addr(msg.from())),
        ("To", addr(msg.to())),
        ("Cc", addr(msg.cc())),
        ("Subject", msg.subject().unwrap_or("").to_string()),
        (
            "Date",
            msg.date().map(|d| d.to_rfc3339()).unwrap_or_default(),
        ),
        ("Message-ID", msg.message_id().unwrap_or("").to_string()),
    ]);
    out.push('\n');
    out.push_str(&output::table(
        &["PART", "TYPE", "SIZE", "FILENAME"],
        parts.iter().map(|p| {
            vec![
                p["part"].to_string(),
                p["type"].as_str().unwrap_or("").to_string(),
                human_size(p["size"].as_u64().unwrap_or(0)),
                p["filename"].as_str().unwrap_or("").to_string(),
            ]
        }),
    ));
    out.push_str("\n\n");
    out.push_str(&body);
    output::print(&out)?;
    Ok(())
}

/// A message file, or the file of ADDRESS:FOLDER:UID through the account's index.
fn message_file(ctx: &Ctx, target: &str) -> anyhow::Result<PathBuf> {
    if Path::new(target).exists() {
        return Ok(PathBuf::from(target));
    }
    let parts: Vec<&str> = target.rsplitn(3, ':').collect();
    let [uid, folder_name, address] = parts[..] else {
        return Err(Fail::usage(format!(
            "'{target}' is neither a file nor ADDRESS:FOLDER:UID"
        ))
        .into());
    };
    let uid: u32 = uid
        .parse()
        .map_err(|_| Fail::usage(format!("'{uid}' is not a UID")))?;
    let root = resolve(ctx, address)?;
    let dir = folder::folder_path(&root, folder_name).map_err(|e| Fail::usage(e.0))?;
    let mut ix = Index::open(&root)?;
    ix.sync(folder_name, &dir)?;
    let unique = ix.unique_of(folder_name, uid)?.ok_or_else(|| {
        Fail::hint(
            format!("{address} {folder_name} has no UID {uid}"),
            format!("`mailctl maildir ls {address} --folder {folder_name}` lists the messages"),
        )
    })?;
    folder::entries(&dir)
        .into_iter()
        .find(|e| e.name.unique == unique)
        .map(|e| e.path)
        .ok_or_else(|| Fail::new(format!("UID {uid} was just expunged")).into())
}

/// `check`'s report: a summary per kind of problem (count, a few examples) for people, the
/// full list with `--json`. Exit 1 while anything is left unrepaired.
fn check_report(
    ctx: &Ctx,
    root: &Path,
    found: &[check::Problem],
    repair: bool,
) -> anyhow::Result<()> {
    let remaining = found.iter().filter(|p| p.repaired.is_none()).count();
    let summary = check::summarize(found, 3);
    if ctx.json {
        output::json(&serde_json::json!({
            "maildir": root, "problems": found, "summary": summary, "remaining": remaining,
        }))?;
    } else if found.is_empty() {
        output::print(&format!("{}: no problems found", root.display()))?;
    } else {
        let mut text = format!(
            "{}: {} problem(s) of {} kind(s){}\n",
            root.display(),
            found.len(),
            summary.len(),
            if repair {
                format!(", {} repaired", found.len() - remaining)
            } else {
                String::new()
            }
        );
        for s in &summary {
            text.push_str(&format!("\n{} ({}", s.kind, s.count));
            if repair {
                text.push_str(&format!(", {} repaired", s.repaired));
            }
            text.push_str(&format!("): {}\n", s.detail));
            for e in &s.examples {
                text.push_str(&format!("    {e}\n"));
            }
            if s.count > s.examples.len() {
                text.push_str(&format!(
                    "    ... and {} more (--json lists all)\n",
                    s.count - s.examples.len()
                ));
            }
        }
        if !repair {
            text.push_str("\nrun again with --repair to fix what is safe (nothing is deleted; what is not a message goes to lost+found/)");
        }
        output::print(text.trim_end())?;
    }
    if remaining > 0 {
        return Err(Exit(1).into());
    }
    Ok(())
}

/// The CLI's words for a failed import.
fn import_fail(file: &Path, e: mbox::ImportError) -> anyhow::Error {
    let what = format!("{}: {e}", file.display());
    match e {
        mbox::ImportError::NotMbox(_) => Fail::hint(
            what,
            "an mbox starts with a 'From sender date' line; for a single message use `sendmail`, for a Maildir copy the files",
        )
        .into(),
        mbox::ImportError::Ambiguous(_) => Fail::hint(
            what,
            "say which variant wrote it: --format mboxrd (e.g. written by mailctl export-mbox) or --format mboxo (Python's mailbox module, older mail programs); see `mailctl maildir import-mbox --help`",
        )
        .into(),
        mbox::ImportError::Io(_) => Fail::new(what).into(),
    }
}

/// Drift between the Maildir and its index, if it has one; `repair` syncs the index.
fn index_drift(root: &Path, repair: bool) -> anyhow::Result<Vec<check::Problem>> {
    if !Index::path(root).exists() {
        return Ok(Vec::new());
    }
    let mut ix = Index::open(root)?;
    let mut out = Vec::new();
    for f in folder::folders(root)? {
        // Mail delivered since the last scan is not drift: the index knows its directories
        // changed and reads them on the next scan. --repair does that scan now.
        if !ix.is_current(&f.name, &f.path)? {
            if repair {
                ix.sync(&f.name, &f.path)?;
            }
            continue;
        }
        let (unindexed, missing) = ix.drift(&f.name, &f.path)?;
        if unindexed + missing == 0 {
            continue;
        }
        let repaired = if repair {
            let r = ix.sync(&f.name, &f.path)?;
            Some(format!(
                "index synced: {} added, {} removed",
                r.added, r.removed
            ))
        } else {
            None
        };
        out.push(check::Problem {
            folder: f.name.clone(),
            kind: "index-drift",
            path: Index::path(root).display().to_string(),
            detail: format!(
                "{unindexed} file(s) not in the index, {missing} index entr(y/ies) without a file"
            ),
            repaired,
        });
    }
    Ok(out)
}

impl Cmd {
    /// The mailbox a writing command creates files in, when it is in the data directory:
    /// run as root, those files are handed to the service account afterwards (issue 16.1).
    pub fn writes_into(&self, ctx: &Ctx) -> Option<PathBuf> {
        let target = match self {
            Cmd::Reindex { address } | Cmd::ImportMbox { address, .. } => address,
            Cmd::Check {
                target,
                repair: true,
            } => target,
            _ => return None,
        };
        let path = match Address::parse(target) {
            Ok(a) if !target.contains('/') => ctx.data_dir.maildir(&a),
            _ => PathBuf::from(target),
        };
        path.starts_with(ctx.data_dir.mail_root()).then_some(path)
    }
}
