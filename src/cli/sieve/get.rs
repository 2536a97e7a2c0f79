//! `sieve get ADDRESS NAME`: print a stored script.

use crate::cli::{Ctx, Fail, core_fail};
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
        let Some(s) = ctx
            .db()?
            .sieve_script(&user, &self.name)
            .map_err(core_fail)?
        else {
            return Err(Fail::hint(
                format!("{user} has no script {}", self.name),
                format!("`mailctl sieve list {user}` shows the scripts"),
            )
            .into());
        };
        if ctx.json {
            output::json(&serde_json::json!({
                "name": s.name, "active": s.active, "updated": s.updated, "content": s.content,
            }))?;
        } else {
            use std::io::Write;
            std::io::stdout().write_all(s.content.as_bytes())?;
        }
        Ok(())
    }
}
