//! `forward set ADDRESS DEST... [--keep]`.

use crate::cli::sieve::generated::{self, FORWARD};
use crate::cli::{Ctx, Fail};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The user.
    address: String,
    /// Where to forward to (at most 4, the per-message redirect limit).
    #[arg(required = true)]
    dest: Vec<String>,
    /// Keep a copy in the user's mailbox too.
    #[arg(long)]
    keep: bool,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let user = ctx.address(&self.address)?;
        let max = crate::sieve::Limits::default().max_redirects;
        if self.dest.len() > max {
            return Err(Fail::hint(
                format!("at most {max} destinations"),
                "forward to a distribution alias (`mailctl alias add`) instead",
            )
            .into());
        }
        let dests = self
            .dest
            .iter()
            .map(|d| {
                crate::core::Address::parse(d)
                    .map_err(|e| Fail::hint(format!("{d}: {}", e.0), "give full addresses"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let rules = crate::core::autosieve::forward_rules(&dests, self.keep)
            .map_err(crate::cli::core_fail)?;
        let text = generated::install(ctx, &user, FORWARD, &rules)?;
        if ctx.json {
            output::json(&serde_json::json!({
                "address": user.to_string(), "script": FORWARD, "active": true,
                "dest": self.dest, "keep": self.keep, "content": text,
            }))?;
        } else if !ctx.quiet {
            let keep = if self.keep { ", keeping a copy" } else { "" };
            output::print(&format!(
                "{user}'s mail is forwarded to {}{keep} (Sieve script {FORWARD}, active)",
                self.dest.join(", ")
            ))?;
        }
        Ok(())
    }
}
