//! `sieve deactivate ADDRESS`: no script runs for this user at delivery.

use crate::cli::{Ctx, core_fail};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The user.
    address: String,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let user = ctx.address(&self.address)?;
        ctx.db()?
            .activate_sieve_script(&user, None)
            .map_err(core_fail)?;
        if ctx.json {
            output::json(&serde_json::json!({ "address": user.to_string(), "active": null }))?;
        } else if !ctx.quiet {
            output::print(&format!("{user} has no active script now"))?;
        }
        Ok(())
    }
}
