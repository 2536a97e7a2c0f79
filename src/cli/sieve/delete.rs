//! `sieve delete ADDRESS NAME`: remove a script (the active one is refused).

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
            .delete_sieve_script(&user, &self.name)
            .map_err(core_fail)?;
        if ctx.json {
            output::json(
                &serde_json::json!({ "address": user.to_string(), "deleted": self.name }),
            )?;
        } else if !ctx.quiet {
            output::print(&format!("deleted {user}'s script {}", self.name))?;
        }
        Ok(())
    }
}
