//! `sieve activate ADDRESS NAME`: make a script the one delivery runs.

use crate::cli::{Ctx, core_fail};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The user.
    address: String,
    /// The script's name.
    name: String,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let user = ctx.address(&self.address)?;
        ctx.db()?
            .activate_sieve_script(&user, Some(&self.name))
            .map_err(core_fail)?;
        if ctx.json {
            output::json(&serde_json::json!({ "address": user.to_string(), "active": self.name }))?;
        } else if !ctx.quiet {
            output::print(&format!("{} is now {user}'s active script", self.name))?;
        }
        Ok(())
    }
}
