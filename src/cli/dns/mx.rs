//! `dns mx DOMAIN`: the MX records and the addresses they lead to (RFC 5321 §5.1).

use super::lookup::{Single, single};
use crate::cli::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The mail domain.
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
            Single::Mx,
        )
    }
}
