//! `dns mx DOMAIN`: the MX records and the addresses they lead to (RFC 5321 §5.1).

use super::lookup::{Query, Resolver, Single, single};
use crate::cli::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The mail domain.
    domain: String,
    #[command(flatten)]
    resolver: Resolver,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        single(ctx, Query::domain(self.domain), self.resolver, Single::Mx)
    }
}
