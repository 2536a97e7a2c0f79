//! `forward off ADDRESS`: remove the generated forward script.

use crate::cli::sieve::generated::{self, FORWARD};
use crate::cli::{Ctx, Fail};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The user.
    address: String,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let user = ctx.address(&self.address)?;
        if !generated::remove(ctx, &user, FORWARD)? {
            return Err(Fail::hint(
                format!("{user} has no {FORWARD} script"),
                format!("`mailctl sieve list {user}` shows the user's scripts"),
            )
            .into());
        }
        if ctx.json {
            output::json(&serde_json::json!({ "address": user.to_string(), "removed": FORWARD }))?;
        } else if !ctx.quiet {
            output::print(&format!("{user}'s mail is no longer forwarded"))?;
        }
        Ok(())
    }
}
