//! `maildir ls PATH|ADDR [--folder F]`: the messages of a folder, filtered and sorted.

use std::io::Read;
use std::path::Path;

use serde::Serialize;

use crate::cli::{Ctx, Fail, timestamp};
use crate::core::settings::human_size;
use crate::maildir::folder;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
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
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Sort {
    Date,
    Size,
    From,
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

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let root = ctx.maildir_of(&self.target)?;
        let dir = ctx.folder(&root, &self.folder)?;
        let since = since(self.since.as_deref())?;
        let mut rows = Vec::new();
        for e in folder::entries(&dir) {
            // Unread: still in new/, or without the Seen flag.
            if self.unread && !e.in_new && e.name.has('S') {
                continue;
            }
            let Some(row) = listed(&e) else { continue };
            if since.is_some_and(|s| row.sort_time < s)
                || !contains(&row.from, self.from.as_deref())
                || !contains(&row.subject, self.subject.as_deref())
            {
                continue;
            }
            rows.push(row);
        }
        match self.sort {
            Sort::Date => rows.sort_by_key(|r| r.sort_time),
            Sort::Size => rows.sort_by_key(|r| std::cmp::Reverse(r.size)),
            Sort::From => rows.sort_by_key(|r| r.from.to_lowercase()),
        }
        if let Some(n) = self.limit {
            rows.truncate(n);
        }
        print(ctx, &rows)
    }
}

/// `--since YYYY-MM-DD` as the Unix time of that day's start (UTC).
fn since(since: Option<&str>) -> anyhow::Result<Option<i64>> {
    Ok(since
        .map(|s| {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map(|d| {
                d.and_hms_opt(0, 0, 0)
                    .unwrap_or_default()
                    .and_utc()
                    .timestamp()
            })
        })
        .transpose()
        .map_err(|_| Fail::usage("--since: write the date as YYYY-MM-DD"))?)
}

/// Whether `text` contains `filter`, ignoring case; no filter passes everything.
fn contains(text: &str, filter: Option<&str>) -> bool {
    filter.is_none_or(|f| text.to_lowercase().contains(&f.to_lowercase()))
}

/// The row of one message, read from the first 64 KiB of its file; `None` if unreadable.
fn listed(e: &folder::Entry) -> Option<Listed> {
    let mut buf = Vec::new();
    std::fs::File::open(&e.path)
        .and_then(|f| f.take(64 << 10).read_to_end(&mut buf))
        .ok()?;
    let parsed = mail_parser::MessageParser::default().parse_headers(&buf);
    let (date, from, subject) = match &parsed {
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
    let size = e
        .name
        .size
        .unwrap_or_else(|| std::fs::metadata(&e.path).map(|m| m.len()).unwrap_or(0));
    let mut flags = e.name.flags.clone().unwrap_or_default();
    if e.in_new {
        flags.insert(0, 'N');
    }
    Some(Listed {
        file: e.path.display().to_string(),
        date: date.map(timestamp),
        from,
        subject,
        flags,
        size,
        sort_time: date.or(e.name.time).unwrap_or(0),
    })
}

fn print(ctx: &Ctx, rows: &[Listed]) -> anyhow::Result<()> {
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
