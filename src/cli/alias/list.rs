//! `alias list [--domain D]`: every alias with its destinations.

use crate::cli::{Ctx, core_fail};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    only: crate::cli::domain::Only,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let db = ctx.db()?;
        let d = self.only.parse()?;
        let aliases = db.aliases(d.as_ref()).map_err(core_fail)?;
        ctx.print_list(
            &aliases,
            |a| a,
            "no aliases yet; add one with `mailctl alias add info@example.com user@example.com`",
            &["SOURCE", "DESTINATIONS"],
            |a| vec![a.source.clone(), a.destinations.join(", ")],
        )
    }
}
