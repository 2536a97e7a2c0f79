//! `dnsbl test IP`: what the DNS allow- and blocklists the inbound checks use
//! (`dnsbl.zones`, `dnswl.zones`) say about a client address, each answer read with the
//! list's documented return codes (RFC 5782).
//!
//! Not here: reading the answers (`dns::check::dnsbl`), refusing clients (`inbound::connect`),
//! this server's own address on the lists (`dns bl`, `dns check`).

mod test;

use clap::Subcommand;

use super::{Ctx, Fail};

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Ask every configured list about a client address: listed (with what the code
    /// means), not listed, or an error; exit 1 when a blocklist lists it or a list could
    /// not be asked.
    Test(test::Args),
}

impl Cmd {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        match self {
            Cmd::Test(a) => a.run(ctx),
        }
    }
}
