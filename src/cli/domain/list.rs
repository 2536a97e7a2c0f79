//! `domain list`: the served domains with user and alias counts.

use super::shared::{display, to_json};
use crate::cli::{Ctx, timestamp};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let db = ctx.db()?;
        let domains = db.domains()?;
        if ctx.json {
            output::json(&domains.iter().map(to_json).collect::<Vec<_>>())?;
        } else if domains.is_empty() {
            output::print("no domains yet; add one with `mailctl domain add example.com`")?;
        } else {
            output::print(&output::table(
                &["DOMAIN", "USERS", "ALIASES", "CREATED"],
                domains.iter().map(|d| {
                    vec![
                        display(&d.name),
                        d.users.to_string(),
                        d.aliases.to_string(),
                        timestamp(d.created),
                    ]
                }),
            ))?;
        }
        Ok(())
    }
}
