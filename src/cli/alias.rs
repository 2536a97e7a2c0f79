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
    Add {
        source: String,
        #[arg(required = true)]
        destinations: Vec<String>,
    },
    /// Remove some destinations of SOURCE, or the whole alias when none are given.
    Remove {
        source: String,
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

pub fn run(ctx: &Ctx, cmd: Cmd) -> anyhow::Result<()> {
    match cmd {
        Cmd::Add {
            source,
            destinations,
        } => {
            let src = parse_source(&source)?;
            let dests = parse_all(&destinations)?;
            let mut db = ctx.db()?;
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
