//! `domain set DOMAIN [--spam-junk-score S] [--spam-reject-score S] [--spam-action A]
//! [--dmarc-reject A] [--dmarc-quarantine A] [--clear]`: the domain's own inbound policy,
//! over the server's `inbound.*` settings (users may override the scores in turn).

use super::shared::{InboundJson, display, inbound_effective, inbound_text, parse, parse_score};
use crate::cli::{Ctx, Fail, core_fail};
use crate::core::overrides::Override;
use crate::output;

const ACTIONS: [&str; 4] = ["reject", "junk", "tag", "default"];

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).multiple(true).args([
    "spam_junk_score", "spam_reject_score", "spam_action", "dmarc_reject", "dmarc_quarantine", "clear",
])))]
pub struct Args {
    /// The domain.
    domain: String,
    /// rspamd score at or above which mail to this domain goes to Junk; `default` follows
    /// inbound.spam_junk_score.
    #[arg(long, value_name = "SCORE", allow_hyphen_values = true)]
    spam_junk_score: Option<String>,
    /// rspamd score at or above which mail to this domain is refused at DATA; `default`
    /// follows inbound.spam_reject_score.
    #[arg(long, value_name = "SCORE", allow_hyphen_values = true)]
    spam_reject_score: Option<String>,
    /// The most spam gets: reject (refused at DATA, so the sender bounces it), junk (Junk
    /// folder, never refused), tag (X-Spam headers only); `default` follows inbound.spam_action.
    #[arg(long, value_name = "ACTION", value_parser = ACTIONS)]
    spam_action: Option<String>,
    /// What mail failing DMARC for a sender domain publishing p=reject gets; `default`
    /// follows inbound.dmarc_reject.
    #[arg(long, value_name = "ACTION", value_parser = ACTIONS)]
    dmarc_reject: Option<String>,
    /// What mail failing DMARC for a sender domain publishing p=quarantine gets; `default`
    /// follows inbound.dmarc_quarantine.
    #[arg(long, value_name = "ACTION", value_parser = ACTIONS)]
    dmarc_quarantine: Option<String>,
    /// Remove every override of this domain first (flags given with it are then set).
    #[arg(long)]
    clear: bool,
}

/// A flag's new value: not given keeps `current`, `default` unsets.
fn apply<T>(current: Option<T>, given: Option<Option<T>>) -> Option<T> {
    match given {
        Some(v) => v,
        None => current,
    }
}

fn word(v: &Option<String>) -> Option<Option<String>> {
    v.as_ref().map(|w| (w != "default").then(|| w.clone()))
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let d = parse(&self.domain)?;
        let db = ctx.db()?;
        if db.domain(&d)?.is_none() {
            return Err(Fail::hint(
                format!("domain {d} does not exist"),
                format!("`mailctl domain add {d}` adds it; `mailctl domain list` shows the served domains"),
            )
            .into());
        }
        let junk = self
            .spam_junk_score
            .as_deref()
            .map(|v| parse_score("--spam-junk-score", v))
            .transpose()?;
        let reject = self
            .spam_reject_score
            .as_deref()
            .map(|v| parse_score("--spam-reject-score", v))
            .transpose()?;
        let current = if self.clear {
            Override::default()
        } else {
            db.domain_overrides(&d).map_err(core_fail)?
        };
        let new = Override {
            spam_junk_score: apply(current.spam_junk_score, junk),
            spam_reject_score: apply(current.spam_reject_score, reject),
            spam_action: apply(current.spam_action, word(&self.spam_action)),
            dmarc_reject: apply(current.dmarc_reject, word(&self.dmarc_reject)),
            dmarc_quarantine: apply(current.dmarc_quarantine, word(&self.dmarc_quarantine)),
        };
        db.set_domain_overrides(&d, &new).map_err(|e| match e {
            crate::core::CoreError::Invalid(why) => Fail::hint(
                why,
                "`mailctl domain show` shows the scores in force; the reject score must not be below the junk score",
            )
            .into(),
            e => core_fail(e),
        })?;
        let effective = inbound_effective(&db, &format!("@{d}"))?;
        if ctx.json {
            output::json(&InboundJson {
                overrides: new,
                effective,
            })?;
        } else if !ctx.quiet {
            output::print(&format!("{}: {}", display(&d), inbound_text(&effective)))?;
        }
        Ok(())
    }
}
