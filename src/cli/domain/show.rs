//! `domain show DOMAIN`: counts and the Maildir size of one domain.

use super::shared::{dir_size, display, parse, to_json};
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
        if ctx.json {
            let mut j = to_json(&info);
            j.maildir_bytes = Some(bytes);
            j.maildir_path = Some(path.display().to_string());
            output::json(&j)?;
        } else {
            output::print(&output::fields(&[
                ("domain", display(&d)),
                ("users", info.users.to_string()),
                ("aliases", info.aliases.to_string()),
                ("maildir size", human_size(bytes)),
                ("maildirs", path.display().to_string()),
                ("created", timestamp(info.created)),
            ]))?;
        }
        Ok(())
    }
}
