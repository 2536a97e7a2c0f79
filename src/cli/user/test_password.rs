//! `user test-password ADDR`: checks a password as the daemons would; exit 1 if it fails.

use crate::cli::{Ctx, Exit};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The mailbox address.
    address: String,
    /// Read the password from the first line of standard input (else prompt on a TTY).
    #[arg(long)]
    password_stdin: bool,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let addr = ctx.address(&self.address)?;
        let db = ctx.db()?;
        let password =
            if self.password_stdin || !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                crate::cli::password::read_stdin_line()?
            } else {
                dialoguer::Password::new()
                    .with_prompt(format!("Password for {addr}"))
                    .interact()?
            };
        let ok = crate::auth::authenticate(&db, &addr.to_string(), &password)?.is_some();
        if ctx.json {
            output::json(&serde_json::json!({ "address": addr.to_string(), "ok": ok }))?;
        } else if !ctx.quiet {
            output::print(if ok {
                "ok: the password is right and the account is enabled"
            } else {
                "failed: wrong password, unknown user, or disabled account"
            })?;
        }
        if !ok {
            return Err(Exit(1).into());
        }
        Ok(())
    }
}
