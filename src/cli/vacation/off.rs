//! `vacation off ADDRESS`: remove the generated vacation script.

use crate::cli::sieve::generated::{self, VACATION};
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
        if !generated::remove(ctx, &user, VACATION)? {
            return Err(Fail::hint(
                format!("{user} has no {VACATION} script"),
                format!("`mailctl sieve list {user}` shows the user's scripts"),
            )
            .into());
        }
        if ctx.json {
            output::json(&serde_json::json!({ "address": user.to_string(), "removed": VACATION }))?;
        } else if !ctx.quiet {
            output::print(&format!("{user} no longer answers with an away message"))?;
        }
        Ok(())
    }
}
