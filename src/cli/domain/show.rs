//! `domain show DOMAIN`: counts and the Maildir size of one domain, and the inbound policy
//! that applies to it (`domain set`).

use super::shared::{
    InboundJson, dir_size, display, inbound_effective, inbound_text, parse, to_json,
};
use crate::cli::{Ctx, Fail, timestamp};
use crate::core::settings::human_size;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The domain.
    domain: String,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let d = parse(&self.domain)?;
        let db = ctx.db()?;
        let info = db.domain(&d)?.ok_or_else(|| {
            Fail::hint(
                format!("domain {d} does not exist"),
                "`mailctl domain list` shows the served domains",
            )
        })?;
        let path = ctx.data_dir.domain_mail(&d);
        let bytes = dir_size(&path);
        let effective = inbound_effective(&db, &format!("@{d}"))?;
        if ctx.json {
            let mut j = to_json(&info);
            j.maildir_bytes = Some(bytes);
            j.maildir_path = Some(path.display().to_string());
            j.inbound = Some(InboundJson {
                overrides: db.domain_overrides(&d)?,
                effective,
            });
            output::json(&j)?;
        } else {
            output::print(&output::fields(&[
                ("domain", display(&d)),
                ("users", info.users.to_string()),
                ("aliases", info.aliases.to_string()),
                ("maildir size", human_size(bytes)),
                ("maildirs", path.display().to_string()),
                ("created", timestamp(info.created)),
                ("inbound", inbound_text(&effective)),
            ]))?;
        }
        Ok(())
    }
}
