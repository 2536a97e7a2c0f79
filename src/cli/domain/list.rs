//! `domain list`: the served domains with user and alias counts.

use super::shared::{display, to_json};
use crate::cli::{Ctx, timestamp};

#[derive(Debug, clap::Args)]
pub struct Args {}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let db = ctx.db()?;
        let domains = db.domains()?;
        ctx.print_list(
            &domains,
            |d| d.iter().map(to_json).collect::<Vec<_>>(),
            "no domains yet; add one with `mailctl domain add example.com`",
            &["DOMAIN", "USERS", "ALIASES", "CREATED"],
            |d| {
                vec![
                    display(&d.name),
                    d.users.to_string(),
                    d.aliases.to_string(),
                    timestamp(d.created),
                ]
            },
        )
    }
}
