//! `dns spf DOMAIN`: the SPF record (RFC 7208) with its include tree, and the verdict for
//! given addresses.

use std::net::IpAddr;

use super::lookup::{Query, Resolver, Single, single};
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
    #[command(flatten)]
    resolver: Resolver,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let q = Query {
            ip: self.ip,
            ..Query::domain(self.domain)
        };
        single(ctx, q, self.resolver, Single::Spf(self.sender))
    }
}
