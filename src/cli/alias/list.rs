//! `alias list [--domain D]`: every alias with its destinations.

use crate::cli::{Ctx, core_fail};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this domain.
    #[arg(long)]
    domain: Option<String>,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let db = ctx.db()?;
        let d = self
            .domain
            .as_deref()
            .map(crate::cli::domain::parse)
            .transpose()?;
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
        Ok(())
    }
}
