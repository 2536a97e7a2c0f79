//! `domain add DOMAIN [--create]`: start receiving mail for a domain; `--create` makes a new
//! server when the data directory has none.

use super::shared::{display, parse, to_json};
use crate::cli::{Ctx, Fail, core_fail};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The domain, e.g. example.org (internationalized names are stored as A-labels).
    domain: String,
    /// Create the data directory and database if there is none yet (a new server).
    /// Without it, a missing data directory is an error, so a typo cannot start a second server.
    #[arg(long)]
    create: bool,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let d = parse(&self.domain)?;
        let db = if self.create {
            ctx.create_db()?
        } else {
            ctx.db()?
        };
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
        Ok(())
    }
}
