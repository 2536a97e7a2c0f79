//! `ban list`: the addresses banned now, until when, after how many failures.

use crate::cli::Ctx;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let db = ctx.db()?;
        let bans = db.bans()?;
        if ctx.json {
            output::json(&bans)?;
        } else if bans.is_empty() {
            if !ctx.quiet {
                output::print("no address is banned")?;
            }
        } else {
            let fmt = crate::core::time::rfc3339;
            let table = output::table(
                &["IP", "UNTIL", "FAILURES"],
                bans.iter()
                    .map(|b| vec![b.ip.clone(), fmt(b.until), b.failures.to_string()]),
            );
            output::print(&table)?;
        }
        Ok(())
    }
}
