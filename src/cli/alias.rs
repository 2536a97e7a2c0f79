//! `alias add|remove|list`: forwarding, distribution lists and catch-alls.

use clap::Subcommand;

use super::user::parse_address;
use super::{Ctx, Fail, core_fail};
use crate::core::{Address, AliasSource};
use crate::output;

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Forward SOURCE to one or more destinations. SOURCE `@domain` catches every unknown
    /// address of the domain; several destinations make a distribution list.
    ///
    /// A destination in a domain served here must exist (a mailbox or another alias). When
    /// SOURCE is a mailbox, its mail would go to the destinations instead of its Maildir:
    /// that needs --force (list SOURCE among the destinations to keep a copy instead).
    Add {
        /// The address to forward (user@domain), or @domain for a catch-all.
        source: String,
        /// Where mail for SOURCE goes: addresses here or elsewhere.
        #[arg(required = true)]
        destinations: Vec<String>,
        /// Allow an alias that diverts a mailbox's mail away from it.
        #[arg(long)]
        force: bool,
    },
    /// Remove some destinations of SOURCE, or the whole alias when none are given.
    Remove {
        /// The alias (user@domain or @domain).
        source: String,
        /// The destinations to remove; none removes the whole alias.
        destinations: Vec<String>,
    },
    /// List aliases with their destinations.
    List {
        /// Only this domain.
        #[arg(long)]
        domain: Option<String>,
    },
}

fn parse_source(input: &str) -> anyhow::Result<AliasSource> {
    AliasSource::parse(input).map_err(|e| {
        Fail::usage(format!(
            "invalid alias source '{}': {e}",
            input.escape_debug()
        ))
        .into()
    })
}

fn parse_all(inputs: &[String]) -> anyhow::Result<Vec<Address>> {
    inputs.iter().map(|d| parse_address(d)).collect()
}

/// Refuses destinations in our own domains that do not exist (a typo would lose mail), and,
/// without `force`, an alias that takes a mailbox's mail away from it. Returns the mailbox
/// whose mail is diverted, if any.
fn check_add(
    db: &crate::core::Db,
    src: &AliasSource,
    dests: &[Address],
    force: bool,
) -> anyhow::Result<Option<Address>> {
    for d in dests {
        if matches!(src, AliasSource::Address(s) if s == d) {
            continue; // "keep a copy": checked by the core
        }
        let r = db.resolve_recipient(d).map_err(core_fail)?;
        if r.local_domain && r.targets.is_empty() && !r.disabled {
            return Err(Fail::hint(
                format!(
                    "{} does not exist: {} is served here and has no such mailbox or alias",
                    d.unicode(),
                    d.domain().unicode()
                ),
                format!(
                    "create it first (`mailctl user add {d}`), or check the spelling; `mailctl user list --domain {}` lists the mailboxes",
                    d.domain()
                ),
            )
            .into());
        }
    }
    let AliasSource::Address(s) = src else {
        return Ok(None);
    };
    if db.user(s).map_err(core_fail)?.is_none() || dests.contains(s) {
        return Ok(None);
    }
    // Already an alias with itself as a destination: it keeps its copy.
    let keeps_copy = db
        .aliases(Some(s.domain()))
        .map_err(core_fail)?
        .iter()
        .any(|a| a.source == s.to_string() && a.destinations.contains(&s.to_string()));
    if keeps_copy {
        return Ok(None);
    }
    if !force {
        let list: Vec<String> = dests.iter().map(|d| d.unicode()).collect();
        return Err(Fail::hint(
            format!(
                "{} is a mailbox: this alias would send all its mail to {} instead, and none would reach its Maildir",
                s.unicode(),
                list.join(", ")
            ),
            format!(
                "to keep a copy, list it too (`mailctl alias add {s} {s} {}`); to divert it anyway, add --force",
                dests.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(" ")
            ),
        )
        .into());
    }
    Ok(Some(s.clone()))
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> anyhow::Result<()> {
    match cmd {
        Cmd::Add {
            source,
            destinations,
            force,
        } => {
            let src = parse_source(&source)?;
            let dests = parse_all(&destinations)?;
            let mut db = ctx.db()?;
            let diverted = check_add(&db, &src, &dests, force)?;
            let added = db.add_alias(&src, &dests).map_err(core_fail)?;
            if ctx.json {
                output::json(&serde_json::json!({
                    "source": src.to_string(),
                    "destinations": dests.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
                    "added": added,
                }))?;
            } else if !ctx.quiet {
                let kind = match (&src, dests.len()) {
                    (AliasSource::CatchAll(_), _) => "catch-all",
                    (_, 1) => "alias",
                    _ => "distribution list",
                };
                let list: Vec<String> = dests.iter().map(|d| d.unicode()).collect();
                output::print(&format!(
                    "{kind} {src} → {}{}",
                    list.join(", "),
                    if added < dests.len() {
                        " (some already present)"
                    } else {
                        ""
                    }
                ))?;
                if let Some(mb) = diverted {
                    output::print(&format!(
                        "mail for the mailbox {mb} now goes to {} and no longer reaches its Maildir",
                        list.join(", ")
                    ))?;
                }
            }
        }
        Cmd::Remove {
            source,
            destinations,
        } => {
            let src = parse_source(&source)?;
            let dests = parse_all(&destinations)?;
            let db = ctx.db()?;
            let removed = db.remove_alias(&src, &dests).map_err(core_fail)?;
            if ctx.json {
                output::json(
                    &serde_json::json!({ "source": src.to_string(), "removed": removed }),
                )?;
            } else if !ctx.quiet {
                output::print(&format!("removed {removed} destination(s) of {src}"))?;
            }
        }
        Cmd::List { domain } => {
            let db = ctx.db()?;
            let d = domain.as_deref().map(super::domain::parse).transpose()?;
            let aliases = db.aliases(d.as_ref()).map_err(core_fail)?;
            if ctx.json {
                output::json(&aliases)?;
            } else if aliases.is_empty() {
                output::print(
                    "no aliases yet; add one with `mailctl alias add info@example.com user@example.com`",
                )?;
            } else {
                output::print(&output::table(
                    &["SOURCE", "DESTINATIONS"],
                    aliases
                        .iter()
                        .map(|a| vec![a.source.clone(), a.destinations.join(", ")]),
                ))?;
            }
        }
    }
    Ok(())
}
