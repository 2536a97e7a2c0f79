//! `queue release ID...`: let held messages be attempted again.

use super::shared::{Ids, set_held};
use crate::cli::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    ids: Ids,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        set_held(ctx, &self.ids, false)
    }
}
