//! `user show ADDR`: one mailbox with its usage against the quota, the aliases that lead to
//! it and its password scheme.

use super::shared::{quota_text, scheme_name, send_limit_text, to_json};
use crate::cli::{Ctx, timestamp};
use crate::core::settings::{format_size, human_size};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The mailbox address.
    address: String,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let addr = ctx.address(&self.address)?;
        let db = ctx.db()?;
        let user = ctx.user(&db, &addr)?;
        let maildir = ctx.data_dir.maildir(&addr);
        let used = crate::cli::domain::dir_size(&maildir);
        let defaults = db.send_defaults()?;
        let sent = db.send_usage(&addr, crate::core::now())?;
        let inbound = crate::cli::domain::inbound_effective(&db, &addr.to_string())?;
        if ctx.json {
            let mut j = to_json(&user);
            j.maildir = Some(maildir.display().to_string());
            j.used_bytes = Some(used);
            j.password_scheme = Some(scheme_name(&user.password_hash));
            j.send_limit_effective = Some(user.send_limit.over(defaults));
            j.sent = Some(sent);
            j.inbound = Some(crate::cli::domain::InboundJson {
                overrides: db.user_overrides(&addr)?,
                effective: inbound,
            });
            output::json(&j)?;
            return Ok(());
        }
        let usage = if user.quota > 0 {
            format!(
                "{} of {} ({:.0}%)",
                human_size(used),
                format_size(user.quota),
                used as f64 * 100.0 / user.quota as f64
            )
        } else {
            human_size(used)
        };
        let aliases: Vec<String> = db
            .sendable_addresses(&addr)?
            .iter()
            .skip(1)
            .map(|a| a.unicode())
            .collect();
        output::print(&output::fields(&[
            ("address", addr.unicode()),
            (
                "enabled",
                if user.enabled { "yes" } else { "no" }.to_string(),
            ),
            (
                "role",
                if user.admin { "admin" } else { "user" }.to_string(),
            ),
            ("quota", quota_text(user.quota)),
            ("used", usage),
            (
                "aliases to it",
                if aliases.is_empty() {
                    "-".into()
                } else {
                    aliases.join(", ")
                },
            ),
            ("send limit", send_limit_text(user.send_limit, defaults)),
            (
                "sent",
                format!(
                    "{} messages in the last hour, {} recipients in the last 24 hours",
                    sent.messages_last_hour, sent.recipients_last_day
                ),
            ),
            ("inbound", crate::cli::domain::inbound_text(&inbound)),
            ("password", scheme_name(&user.password_hash).to_string()),
            ("maildir", maildir.display().to_string()),
            ("created", timestamp(user.created)),
        ]))?;
        Ok(())
    }
}
