//! `dns ptr IP`: the reverse name of a sending address, forward-confirmed.

use std::net::IpAddr;

use super::lookup::{Single, single};
use crate::cli::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The sending address of the server (IPv4 or IPv6).
    ip: IpAddr,
    /// Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system's.
    #[arg(long)]
    nameserver: Vec<String>,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        single(
            ctx,
            "ptr.invalid",
            vec![self.ip],
            Vec::new(),
            Vec::new(),
            self.nameserver,
            Single::Ptr,
        )
    }
}
