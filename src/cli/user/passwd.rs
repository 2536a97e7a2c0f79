//! `user passwd ADDR`: a new password (stdin, prompt or generated; never argv).

use super::shared::cost;
use crate::cli::password::PasswordArgs;
use crate::cli::{Ctx, core_fail};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The mailbox address.
    address: String,
    #[command(flatten)]
    password: PasswordArgs,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let addr = ctx.address(&self.address)?;
        let db = ctx.db()?;
        ctx.user(&db, &addr)?;
        let pw = self.password.resolve(&addr.to_string(), cost(&db))?;
        db.set_password_hash(&addr, &pw.hash).map_err(core_fail)?;
        if ctx.json {
            output::json(
                &serde_json::json!({ "address": addr.to_string(), "generated_password": pw.generated }),
            )?;
            return Ok(());
        }
        if !ctx.quiet {
            output::print(&format!("password changed for {}", addr.unicode()))?;
        }
        if let Some(p) = pw.generated {
            output::print(&format!("password: {p}\n(shown once; store it now)"))?;
        }
        Ok(())
    }
}
