//! `queue hold ID...`: keep messages from being attempted until released.

use super::shared::{missing, report};
use crate::cli::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Queue ids, as `mailctl queue list` shows them.
    #[arg(required = true)]
    ids: Vec<String>,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let n = ctx.db()?.queue_set_held(&self.ids, true)?;
        missing(n, self.ids.len())?;
        report(ctx, "held", n, &format!("{n} message(s) on hold"))
    }
}
