//! `config get KEY`: one setting's value, the default when unset.

use crate::cli::{Ctx, Fail};
use crate::core::settings;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The setting, e.g. mynetworks (`mailctl config list` shows them all).
    key: String,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let db = ctx.db()?;
        let key = self.key;
        let value = db.setting(&key).map_err(|e| Fail::new(e.to_string()))?;
        if ctx.json {
            let def = settings::lookup(&key)
                .map(|s| s.default)
                .unwrap_or_default();
            output::json(&serde_json::json!({ "key": key, "value": value, "default": def }))?;
        } else {
            output::print(&value)?;
        }
        Ok(())
    }
}
