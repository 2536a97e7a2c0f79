//! `dns dmarc DOMAIN`: the DMARC record (RFC 7489) at `_dmarc.DOMAIN`, checked.

use super::lookup::{Single, single};
use crate::cli::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The domain (its record is at _dmarc.DOMAIN).
    domain: String,
    /// Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system's.
    #[arg(long)]
    nameserver: Vec<String>,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        single(
            ctx,
            &self.domain,
            Vec::new(),
            Vec::new(),
            Vec::new(),
            self.nameserver,
            Single::Dmarc,
        )
    }
}
