//! `dns bl IP`: the address on the configured DNS blocklists (RFC 5782), each list's
//! documented return codes read.

use std::net::IpAddr;

use super::lookup::{Single, single};
use crate::cli::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The address to look up (IPv4 or IPv6).
    ip: IpAddr,
    /// Blocklist zone(s) to ask instead of the setting.
    #[arg(long)]
    zone: Vec<String>,
    /// Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system's.
    #[arg(long)]
    nameserver: Vec<String>,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        single(
            ctx,
            "bl.invalid",
            vec![self.ip],
            Vec::new(),
            self.zone,
            self.nameserver,
            Single::Bl,
        )
    }
}
