//! `dns dmarc DOMAIN`: the DMARC record (RFC 7489) at `_dmarc.DOMAIN`, checked.

use super::lookup::{Query, Resolver, Single, single};
use crate::cli::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The domain (its record is at _dmarc.DOMAIN).
    domain: String,
    #[command(flatten)]
    resolver: Resolver,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        single(
            ctx,
            Query::domain(self.domain),
            self.resolver,
            Single::Dmarc,
        )
    }
}
