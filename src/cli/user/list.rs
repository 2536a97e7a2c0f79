//! `user list [--domain D]`: the mailboxes, with quota, state and creation time.

use super::shared::{quota_text, to_json};
use crate::cli::{Ctx, core_fail, timestamp};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    only: crate::cli::domain::Only,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let db = ctx.db()?;
        let d = self.only.parse()?;
        let users = db.users(d.as_ref()).map_err(core_fail)?;
        ctx.print_list(
            &users,
            |u| u.iter().map(to_json).collect::<Vec<_>>(),
            "no users yet; add one with `mailctl user add user@example.com`",
            &["ADDRESS", "QUOTA", "ENABLED", "ROLE", "CREATED"],
            |u| {
                vec![
                    u.address.unicode(),
                    quota_text(u.quota),
                    if u.enabled { "yes" } else { "no" }.to_string(),
                    if u.admin { "admin" } else { "user" }.to_string(),
                    timestamp(u.created),
                ]
            },
        )
    }
}
