//! `queue hold ID...`: keep messages from being attempted until released.

use super::shared::{Ids, set_held};
use crate::cli::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    ids: Ids,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        set_held(ctx, &self.ids, true)
    }
}
