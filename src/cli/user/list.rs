//! `user list [--domain D]`: the mailboxes, with quota, state and creation time.

use super::shared::{quota_text, to_json};
use crate::cli::{Ctx, core_fail, timestamp};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this domain.
    #[arg(long)]
    domain: Option<String>,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let db = ctx.db()?;
        let d = self
            .domain
            .as_deref()
            .map(crate::cli::domain::parse)
            .transpose()?;
        let users = db.users(d.as_ref()).map_err(core_fail)?;
        if ctx.json {
            output::json(&users.iter().map(to_json).collect::<Vec<_>>())?;
        } else if users.is_empty() {
            output::print("no users yet; add one with `mailctl user add user@example.com`")?;
        } else {
            output::print(&output::table(
                &["ADDRESS", "QUOTA", "ENABLED", "CREATED"],
                users.iter().map(|u| {
                    vec![
                        u.address.unicode(),
                        quota_text(u.quota),
                        if u.enabled { "yes" } else { "no" }.to_string(),
                        timestamp(u.created),
                    ]
                }),
            ))?;
        }
        Ok(())
    }
}
