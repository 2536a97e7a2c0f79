//! `dns check DOMAIN`: every record the domain's mail depends on, in one run.

use std::net::IpAddr;

use super::lookup::{Single, single};
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
            self.selector,
            Vec::new(),
            self.nameserver,
            Single::All,
        )
    }
}
