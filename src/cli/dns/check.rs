//! `dns check DOMAIN`: every record the domain's mail depends on, in one run.

use std::net::IpAddr;

use super::lookup::{Query, Resolver, Single, single};
use crate::cli::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The mail domain, e.g. example.org.
    domain: String,
    /// This server's public address(es); default: the public_ip setting.
    #[arg(long)]
    ip: Vec<IpAddr>,
    /// DKIM selector(s) to check; default: the keys mailctl holds for the domain.
    #[arg(long)]
    selector: Vec<String>,
    #[command(flatten)]
    resolver: Resolver,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let q = Query {
            ip: self.ip,
            selector: self.selector,
            ..Query::domain(self.domain)
        };
        single(ctx, q, self.resolver, Single::All)
    }
}
