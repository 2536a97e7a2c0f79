//! `dns bl IP`: the address on the configured DNS blocklists (RFC 5782), each list's
//! documented return codes read.

use std::net::IpAddr;

use super::lookup::{Query, Resolver, Single, single};
use crate::cli::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The address to look up (IPv4 or IPv6).
    ip: IpAddr,
    /// Blocklist zone(s) to ask instead of the setting.
    #[arg(long)]
    zone: Vec<String>,
    #[command(flatten)]
    resolver: Resolver,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let q = Query {
            zones: self.zone,
            ..Query::ip("bl.invalid", self.ip)
        };
        single(ctx, q, self.resolver, Single::Bl)
    }
}
