//! `dns dkim [SELECTOR] DOMAIN`: the published DKIM keys (RFC 6376 §3.6) compared with the
//! keys held, and which of them the running daemon signs with.

use super::lookup::{Single, single};
use crate::cli::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// SELECTOR DOMAIN, or only DOMAIN for every key held for it.
    #[arg(value_name = "SELECTOR|DOMAIN")]
    first: String,
    /// The domain, when a selector was given first.
    #[arg(value_name = "DOMAIN")]
    second: Option<String>,
    /// Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system's.
    #[arg(long)]
    nameserver: Vec<String>,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let (selectors, domain) = match self.second {
            Some(domain) => (vec![self.first], domain),
            None => (Vec::new(), self.first),
        };
        single(
            ctx,
            &domain,
            Vec::new(),
            selectors,
            Vec::new(),
            self.nameserver,
            Single::Dkim,
        )
    }
}
