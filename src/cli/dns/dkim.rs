//! `dns dkim [SELECTOR] DOMAIN`: the published DKIM keys (RFC 6376 §3.6) compared with the
//! keys held, and which of them the running daemon signs with.

use super::lookup::{Query, Resolver, Single, single};
use crate::cli::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// SELECTOR DOMAIN, or only DOMAIN for every key held for it.
    #[arg(value_name = "SELECTOR|DOMAIN")]
    first: String,
    /// The domain, when a selector was given first.
    #[arg(value_name = "DOMAIN")]
    second: Option<String>,
    #[command(flatten)]
    resolver: Resolver,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let (selectors, domain) = match self.second {
            Some(domain) => (vec![self.first], domain),
            None => (Vec::new(), self.first),
        };
        let q = Query {
            selector: selectors,
            ..Query::domain(domain)
        };
        single(ctx, q, self.resolver, Single::Dkim)
    }
}
