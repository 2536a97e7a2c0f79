//! `dns spf DOMAIN`: the SPF record (RFC 7208) with its include tree, and the verdict for
//! given addresses.

use std::net::IpAddr;

use super::lookup::{Single, single};
use crate::cli::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The domain whose SPF record is evaluated.
    domain: String,
    /// Evaluate the record for this sending address (repeatable).
    #[arg(long)]
    ip: Vec<IpAddr>,
    /// Envelope sender to evaluate (default postmaster@DOMAIN).
    #[arg(long)]
    sender: Option<String>,
    /// Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system's.
    #[arg(long)]
    nameserver: Vec<String>,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        single(
            ctx,
            &self.domain,
            self.ip,
            Vec::new(),
            Vec::new(),
            self.nameserver,
            Single::Spf(self.sender),
        )
    }
}
