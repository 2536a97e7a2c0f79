//! `alias remove SOURCE [DEST...]`: some destinations, or the whole alias.

use super::shared::{parse_all, parse_source};
use crate::cli::{Ctx, core_fail};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The alias (user@domain or @domain).
    source: String,
    /// The destinations to remove; none removes the whole alias.
    destinations: Vec<String>,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let src = parse_source(&self.source)?;
        let dests = parse_all(ctx, &self.destinations)?;
        let db = ctx.db()?;
        let removed = db.remove_alias(&src, &dests).map_err(core_fail)?;
        if ctx.json {
            output::json(&serde_json::json!({ "source": src.to_string(), "removed": removed }))?;
        } else if !ctx.quiet {
            output::print(&format!("removed {removed} destination(s) of {src}"))?;
        }
        Ok(())
    }
}
