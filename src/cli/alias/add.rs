//! `alias add SOURCE DEST... [--force]`: an alias, a distribution list or a catch-all,
//! refusing destinations here that do not exist and (without --force) an alias that takes a
//! mailbox's mail away from it.

use super::shared::{parse_all, parse_source};
use crate::cli::{Ctx, Fail, core_fail};
use crate::core::{Address, AliasSource};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The address to forward (user@domain), or @domain for a catch-all.
    source: String,
    /// Where mail for SOURCE goes: addresses here or elsewhere.
    #[arg(required = true)]
    destinations: Vec<String>,
    /// Allow an alias that diverts a mailbox's mail away from it.
    #[arg(long)]
    force: bool,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let src = parse_source(&self.source)?;
        let dests = parse_all(ctx, &self.destinations)?;
        let mut db = ctx.db()?;
        let diverted = check_add(&db, &src, &dests, self.force)?;
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
        Ok(())
    }
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
    let check = db.alias_add_check(src, dests).map_err(core_fail)?;
    if let Some(d) = check.missing {
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
    let Some(s) = check.diverts else {
        return Ok(None);
    };
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
    Ok(Some(s))
}
