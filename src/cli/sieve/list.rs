//! `sieve list ADDRESS`: a user's scripts.

use crate::cli::{Ctx, core_fail, timestamp};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The user.
    address: String,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let user = ctx.address(&self.address)?;
        let scripts = ctx.db()?.sieve_scripts(&user).map_err(core_fail)?;
        if ctx.json {
            output::json(&scripts)?;
        } else if scripts.is_empty() {
            if !ctx.quiet {
                output::print(&format!("{user} has no Sieve scripts"))?;
            }
        } else {
            let rows = scripts.iter().map(|s| {
                vec![
                    s.name.clone(),
                    if s.active { "yes" } else { "" }.to_string(),
                    s.size.to_string(),
                    timestamp(s.updated),
                ]
            });
            output::print(&output::table(
                &["NAME", "ACTIVE", "BYTES", "UPDATED"],
                rows,
            ))?;
        }
        Ok(())
    }
}
