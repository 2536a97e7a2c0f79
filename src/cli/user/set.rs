//! `user set ADDR --quota SIZE | --disable | --enable`.

use super::shared::{parse_quota, quota_text, to_json};
use crate::cli::{Ctx, Fail, core_fail};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The mailbox address.
    address: String,
    /// New quota (e.g. 2G; 0 for none).
    #[arg(long, value_name = "SIZE", required_unless_present_any = ["disable", "enable"])]
    quota: Option<String>,
    /// Stop the mailbox from logging in and from receiving mail (mail to it is refused
    /// with 550 at RCPT); its mail stays.
    #[arg(long, conflicts_with = "enable")]
    disable: bool,
    /// Let a disabled mailbox log in and receive mail again.
    #[arg(long)]
    enable: bool,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let addr = ctx.address(&self.address)?;
        let db = ctx.db()?;
        if let Some(q) = self.quota.as_deref() {
            db.set_quota(&addr, parse_quota(Some(q))?)
                .map_err(core_fail)?;
        }
        if self.disable || self.enable {
            db.set_enabled(&addr, self.enable).map_err(core_fail)?;
        }
        let user = db
            .user(&addr)?
            .ok_or_else(|| Fail::new(format!("user {addr} does not exist")))?;
        if ctx.json {
            output::json(&to_json(&user))?;
        } else if !ctx.quiet {
            output::print(&format!(
                "{}: quota {}, {}",
                addr.unicode(),
                quota_text(user.quota),
                if user.enabled { "enabled" } else { "disabled" }
            ))?;
        }
        Ok(())
    }
}
