//! `domain add|remove|list|show`.

use clap::Subcommand;
use serde::Serialize;

use super::{Ctx, Fail, core_fail, timestamp};
use crate::core::Domain;
use crate::core::domains::DomainInfo;
use crate::core::settings::human_size;
use crate::output;

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Start receiving mail for a domain (internationalized names welcome).
    Add {
        /// The domain, e.g. example.org (internationalized names are stored as A-labels).
        domain: String,
        /// Create the data directory and database if there is none yet (a new server).
        /// Without it, a missing data directory is an error, so a typo cannot start a second server.
        #[arg(long)]
        create: bool,
    },
    /// Stop serving a domain. Refuses while it has users or aliases unless --force.
    Remove {
        /// The domain to stop serving.
        domain: String,
        /// Also remove the domain's users and aliases (their Maildirs stay on disk).
        #[arg(long)]
        force: bool,
    },
    /// List served domains with user and alias counts.
    List,
    /// Counts and Maildir size of one domain.
    Show {
        /// The domain.
        domain: String,
    },
}

#[derive(Serialize)]
struct DomainJson {
    domain: String,
    unicode: String,
    users: u64,
    aliases: u64,
    created: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    maildir_bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    maildir_path: Option<String>,
}

fn to_json(d: &DomainInfo) -> DomainJson {
    DomainJson {
        domain: d.name.to_string(),
        unicode: d.name.unicode(),
        users: d.users,
        aliases: d.aliases,
        created: timestamp(d.created),
        maildir_bytes: None,
        maildir_path: None,
    }
}

/// Shows `bücher.example (xn--bcher-kva.example)` for IDNs, the plain name otherwise.
pub fn display(d: &Domain) -> String {
    if d.is_idn() {
        format!("{} ({})", d.unicode(), d)
    } else {
        d.to_string()
    }
}

pub fn parse(input: &str) -> anyhow::Result<Domain> {
    Domain::parse(input).map_err(|e| Fail::usage(format!("invalid domain: {e}")).into())
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> anyhow::Result<()> {
    match cmd {
        Cmd::Add { domain, create } => {
            let d = parse(&domain)?;
            let db = if create { ctx.create_db()? } else { ctx.db()? };
            db.add_domain(&d).map_err(core_fail)?;
            let info = db
                .domain(&d)?
                .ok_or_else(|| Fail::new("domain vanished after adding"))?;
            if ctx.json {
                output::json(&to_json(&info))?;
            } else if !ctx.quiet {
                output::print(&format!(
                    "added domain {}\nnext: `mailctl user add user@{}` and `mailctl dns records {}`",
                    display(&d),
                    d.unicode(),
                    d.unicode()
                ))?;
            }
        }
        Cmd::Remove { domain, force } => {
            let d = parse(&domain)?;
            let mut db = ctx.db()?;
            let removed = db.remove_domain(&d, force).map_err(core_fail)?;
            let path = ctx.data_dir.domain_mail(&d);
            if ctx.json {
                let mut j = to_json(&removed);
                j.maildir_path = Some(path.display().to_string());
                output::json(&j)?;
            } else if !ctx.quiet {
                let mut msg = format!("removed domain {}", display(&d));
                if removed.users + removed.aliases > 0 {
                    msg += &format!(
                        " with {} user(s) and {} alias(es)",
                        removed.users, removed.aliases
                    );
                }
                if path.exists() {
                    msg += &format!(
                        "\nits mail stays in {}; delete that directory to free the space",
                        path.display()
                    );
                }
                output::print(&msg)?;
            }
        }
        Cmd::List => {
            let db = ctx.db()?;
            let domains = db.domains()?;
            if ctx.json {
                output::json(&domains.iter().map(to_json).collect::<Vec<_>>())?;
            } else if domains.is_empty() {
                output::print("no domains yet; add one with `mailctl domain add example.com`")?;
            } else {
                output::print(&output::table(
                    &["DOMAIN", "USERS", "ALIASES", "CREATED"],
                    domains.iter().map(|d| {
                        vec![
                            display(&d.name),
                            d.users.to_string(),
                            d.aliases.to_string(),
                            timestamp(d.created),
                        ]
                    }),
                ))?;
            }
        }
        Cmd::Show { domain } => {
            let d = parse(&domain)?;
            let db = ctx.db()?;
            let info = db.domain(&d)?.ok_or_else(|| {
                Fail::hint(
                    format!("domain {d} does not exist"),
                    "`mailctl domain list` shows the served domains",
                )
            })?;
            let path = ctx.data_dir.domain_mail(&d);
            let bytes = dir_size(&path);
            if ctx.json {
                let mut j = to_json(&info);
                j.maildir_bytes = Some(bytes);
                j.maildir_path = Some(path.display().to_string());
                output::json(&j)?;
            } else {
                output::print(&output::fields(&[
                    ("domain", display(&d)),
                    ("users", info.users.to_string()),
                    ("aliases", info.aliases.to_string()),
                    ("maildir size", human_size(bytes)),
                    ("maildirs", path.display().to_string()),
                    ("created", timestamp(info.created)),
                ]))?;
            }
        }
    }
    Ok(())
}

/// Total size of the regular files under `path` (0 if it does not exist). Symlinks are not
/// followed, so a link cannot make the walk leave the data directory.
pub fn dir_size(path: &std::path::Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(e.path()),
                Ok(t) if t.is_file() => total += e.metadata().map(|m| m.len()).unwrap_or(0),
                _ => {}
            }
        }
    }
    total
}
