//! `maildir check PATH|ADDR [--repair]`: what is wrong with a Maildir and its index, and with
//! `--repair` what could safely be fixed. Exit 1 while anything is left unrepaired.

use std::path::Path;

use crate::cli::{Ctx, Exit, Fail};
use crate::maildir::index::{Index, Indexes};
use crate::maildir::{check, folder};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A Maildir path, or an address of this server.
    pub(super) target: String,
    /// Fix what is safe: recreate missing directories, normalise names and flags, narrow
    /// permissions, sync the index; move links, stale tmp files and files that are not
    /// messages (dot files, empty files, no header) to lost+found/ in the Maildir root,
    /// where clients do not see them.
    #[arg(long)]
    pub(super) repair: bool,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let root = ctx.maildir_of(&self.target)?;
        let mut found = check::check(&root, self.repair)
            .map_err(|e| Fail::new(format!("{}: {e}", root.display())))?;
        let indexes = ctx.indexes()?;
        // On PostgreSQL the index is found by the address; a bare path gets the file checks.
        let account = match crate::core::Address::parse(&self.target) {
            Ok(a) => Some(a.to_string()),
            Err(_) if indexes.is_postgres() => None,
            Err(_) => Some(String::new()),
        };
        if let Some(account) = account {
            found.extend(index_drift(&indexes, &account, &root, self.repair)?);
        }
        report(ctx, &root, &found, self.repair)
    }
}

/// `check`'s report: a summary per kind of problem (count, a few examples) for people, the
/// full list with `--json`. Exit 1 while anything is left unrepaired.
fn report(ctx: &Ctx, root: &Path, found: &[check::Problem], repair: bool) -> anyhow::Result<()> {
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

/// Drift between the Maildir and its index, if it has one; `repair` syncs the index.
fn index_drift(
    indexes: &Indexes,
    account: &str,
    root: &Path,
    repair: bool,
) -> anyhow::Result<Vec<check::Problem>> {
    if !indexes.is_postgres() && !Index::path(root).exists() {
        return Ok(Vec::new());
    }
    let mut ix = indexes.open(account, root)?;
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
