//! `domain remove DOMAIN [--force]`: stop serving a domain (its Maildirs stay on disk).

use super::shared::{display, parse, to_json};
use crate::cli::{Ctx, core_fail};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The domain to stop serving.
    domain: String,
    /// Also remove the domain's users and aliases (their Maildirs stay on disk).
    #[arg(long)]
    force: bool,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let d = parse(&self.domain)?;
        let mut db = ctx.db()?;
        let removed = db.remove_domain(&d, self.force).map_err(core_fail)?;
        let path = ctx.data_dir.domain_mail(&d);
        if ctx.json {
            let mut j = to_json(&removed);
            j.maildir_path = Some(path.display().to_string());
            output::json(&j)?;
        } else if !ctx.quiet {
            let mut msg = format!("removed domain {}", display(&d));
            if removed.users + removed.aliases > 0 {
                msg += &format!(
                    " with {} user(s) and {} alias(es)",
                    removed.users, removed.aliases
                );
            }
            if path.exists() {
                msg += &format!(
                    "\nits mail stays in {}; delete that directory to free the space",
                    path.display()
                );
            }
            output::print(&msg)?;
        }
        Ok(())
    }
}
