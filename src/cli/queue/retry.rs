//! `queue retry ID...`: make messages due now.

use super::shared::{Ids, report};
use crate::cli::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    ids: Ids,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let db = ctx.db()?;
        let n = db.queue_retry_now(&self.ids.ids)?;
        report(
            ctx,
            "retry",
            n,
            &format!("{n} recipient(s) due now; a running server tries them within seconds"),
        )
    }
}
