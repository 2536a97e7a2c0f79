//! `queue delete ID...|--all`: remove messages (rows and spool files) without delivering or
//! bouncing them.

use super::shared::missing;
use crate::cli::Ctx;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Queue ids, as `mailctl queue list` shows them.
    #[arg(required_unless_present = "all")]
    ids: Vec<String>,
    /// Remove every message.
    #[arg(long, conflicts_with = "ids")]
    all: bool,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let Args { ids, all } = self;
        let mut db = ctx.db()?;
        let gone = db.queue_delete_spooled(if all { None } else { Some(&ids) })?;
        if !all {
            missing(gone.len(), ids.len())?;
        }
        if ctx.json {
            output::json(&serde_json::json!({ "deleted": gone }))?;
        } else if !ctx.quiet {
            output::print(&format!("deleted {} message(s)", gone.len()))?;
        }
        Ok(())
    }
}
