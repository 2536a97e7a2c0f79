//! `dns ptr IP`: the reverse name of a sending address, forward-confirmed.

use std::net::IpAddr;

use super::lookup::{Query, Resolver, Single, single};
use crate::cli::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The sending address of the server (IPv4 or IPv6).
    ip: IpAddr,
    #[command(flatten)]
    resolver: Resolver,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let q = Query::ip("ptr.invalid", self.ip);
        single(ctx, q, self.resolver, Single::Ptr)
    }
}
