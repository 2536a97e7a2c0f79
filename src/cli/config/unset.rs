//! `config unset KEY`: the default applies again; a running daemon is told.

use crate::cli::{Ctx, Fail};
use crate::core::settings;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The setting to return to its default.
    key: String,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let db = ctx.db()?;
        let key = self.key;
        let was = db
            .unset_setting(&key)
            .map_err(|e| Fail::new(e.to_string()))?;
        let value = db.setting(&key)?;
        drop(db);
        let daemon = crate::cli::reload::tell_daemon(ctx, settings::needs_restart(&key));
        if ctx.json {
            output::json(
                &serde_json::json!({ "key": key, "value": value, "was_set": was, "daemon": daemon }),
            )?;
        } else if !ctx.quiet {
            output::print(&format!("{key} = {value} (default)\n{}", daemon.message))?;
        }
        Ok(())
    }
}
