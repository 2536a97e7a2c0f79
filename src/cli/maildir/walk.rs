//! `maildir walk PATH|ADDR`: the folder tree with counts, sizes and dates, and a total.

use serde::Serialize;

use crate::cli::{Ctx, timestamp};
use crate::core::settings::human_size;
use crate::maildir::folder;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A Maildir path, or an address of this server.
    target: String,
}

#[derive(Serialize)]
struct WalkRow {
    folder: String,
    #[serde(flatten)]
    stats: folder::Stats,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let root = ctx.maildir_of(&self.target)?;
        let mut rows = Vec::new();
        for f in folder::folders(&root)? {
            rows.push(WalkRow {
                folder: f.name.clone(),
                stats: folder::stats(&f.path),
            });
        }
        let total = total(&rows);
        if ctx.json {
            output::json(&serde_json::json!({ "maildir": root, "folders": rows, "total": total }))?;
            return Ok(());
        }
        let mut table_rows = tree(&rows);
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
}

/// The sums over every folder; oldest and newest over all of them.
fn total(rows: &[WalkRow]) -> folder::Stats {
    let mut total = folder::Stats::default();
    for r in rows {
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
    total
}

/// One table row: the folder's name (with the parts it is missing) and its figures.
fn line(name: String, s: &folder::Stats) -> Vec<String> {
    let date = |t: Option<i64>| {
        t.map(|t| timestamp(t)[..10].to_string())
            .unwrap_or_else(|| "-".into())
    };
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
}

/// The hierarchy: each folder indented under its parent, by its last component; parents
/// that exist only as a path prefix (Maildir++ needs no directory for them) get a row too.
fn tree(rows: &[WalkRow]) -> Vec<Vec<String>> {
    let mut table_rows: Vec<Vec<String>> = Vec::new();
    let mut shown: std::collections::HashSet<String> = std::collections::HashSet::new();
    for r in rows {
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
    table_rows
}
