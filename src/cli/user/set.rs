//! `user set ADDR --quota SIZE | --send-limit MSGS[,RCPTS] | --spam-junk-score S |
//! --spam-reject-score S | --disable | --enable | --admin | --no-admin`.

use super::shared::{parse_quota, parse_send_limit, quota_text, send_limit_text, to_json};
use crate::cli::{Ctx, Fail, core_fail};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The mailbox address.
    address: String,
    /// New quota (e.g. 2G; 0 for none).
    #[arg(long, value_name = "SIZE", required_unless_present_any = ["disable", "enable", "send_limit", "spam_junk_score", "spam_reject_score", "admin", "no_admin"])]
    quota: Option<String>,
    /// Outbound limits for this user when it sends after AUTH: messages per hour, then
    /// optionally recipients per day (e.g. 500 or 500/hour,5000/day); 0 is no limit,
    /// `default` follows the server's submission.max_messages_per_hour and
    /// submission.max_recipients_per_day.
    #[arg(long, value_name = "MSGS[/hour][,RCPTS[/day]]")]
    send_limit: Option<String>,
    /// rspamd score at or above which this user's mail goes to Junk, over the domain's and
    /// the server's (`default` follows them).
    #[arg(long, value_name = "SCORE", allow_hyphen_values = true)]
    spam_junk_score: Option<String>,
    /// rspamd score at or above which mail to this user is refused at DATA (when every
    /// recipient of the message refuses it; otherwise it goes to this user's Junk).
    #[arg(long, value_name = "SCORE", allow_hyphen_values = true)]
    spam_reject_score: Option<String>,
    /// Stop the mailbox from logging in and from receiving mail (mail to it is refused
    /// with 550 at RCPT); its mail stays.
    #[arg(long, conflicts_with = "enable")]
    disable: bool,
    /// Let a disabled mailbox log in and receive mail again.
    #[arg(long)]
    enable: bool,
    /// Make the user an administrator: it may use the web administration (`/admin`).
    #[arg(long, conflicts_with = "no_admin")]
    admin: bool,
    /// Make an administrator an ordinary user again.
    #[arg(long)]
    no_admin: bool,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let addr = ctx.address(&self.address)?;
        let db = ctx.db()?;
        if let Some(q) = self.quota.as_deref() {
            db.set_quota(&addr, parse_quota(Some(q))?)
                .map_err(core_fail)?;
        }
        if let Some(v) = self.send_limit.as_deref() {
            let current = ctx.user(&db, &addr)?.send_limit;
            db.set_send_limit(&addr, parse_send_limit(v, current)?)
                .map_err(core_fail)?;
        }
        if self.spam_junk_score.is_some() || self.spam_reject_score.is_some() {
            self.set_scores(&db, &addr)?;
        }
        if self.disable || self.enable {
            db.set_enabled(&addr, self.enable).map_err(core_fail)?;
        }
        if self.admin || self.no_admin {
            db.set_admin(&addr, self.admin).map_err(core_fail)?;
        }
        let user = db
            .user(&addr)?
            .ok_or_else(|| Fail::new(format!("user {addr} does not exist")))?;
        let defaults = db.send_defaults().map_err(core_fail)?;
        let inbound = crate::cli::domain::inbound_effective(&db, &addr.to_string())?;
        if ctx.json {
            let mut j = to_json(&user);
            j.send_limit_effective = Some(user.send_limit.over(defaults));
            j.inbound = Some(crate::cli::domain::InboundJson {
                overrides: db.user_overrides(&addr).map_err(core_fail)?,
                effective: inbound,
            });
            output::json(&j)?;
        } else if !ctx.quiet {
            output::print(&format!(
                "{}: quota {}, {}{}, sends {}",
                addr.unicode(),
                quota_text(user.quota),
                if user.enabled { "enabled" } else { "disabled" },
                if user.admin { ", administrator" } else { "" },
                send_limit_text(user.send_limit, defaults)
            ))?;
            output::print(&format!(
                "{}: {}",
                addr.unicode(),
                crate::cli::domain::inbound_text(&inbound)
            ))?;
        }
        Ok(())
    }
}

impl Args {
    /// `--spam-junk-score` / `--spam-reject-score`: a flag not given keeps its value.
    fn set_scores(&self, db: &crate::core::Db, addr: &crate::core::Address) -> anyhow::Result<()> {
        use crate::cli::domain::parse_score;
        let mut o = db.user_overrides(addr).map_err(core_fail)?;
        if let Some(v) = self.spam_junk_score.as_deref() {
            o.spam_junk_score = parse_score("--spam-junk-score", v)?;
        }
        if let Some(v) = self.spam_reject_score.as_deref() {
            o.spam_reject_score = parse_score("--spam-reject-score", v)?;
        }
        db.set_user_overrides(addr, &o).map_err(|e| match e {
            crate::core::CoreError::Invalid(why) => Fail::hint(
                why,
                "`mailctl user show` shows the scores in force; the reject score must not be below the junk score",
            )
            .into(),
            e => core_fail(e),
        })
    }
}
