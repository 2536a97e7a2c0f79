//! `dkim generate|show|import`: the keys outbound mail is signed with (RFC 6376), and the TXT
//! records that publish them.
//!
//! Not here: making, storing and reading keys (`crate::dkim`), signing.

mod generate;
mod import;
mod keys;
mod show;

use clap::Subcommand;

use super::Ctx;

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Make a signing key for DOMAIN and print the TXT record to publish.
    Generate(generate::Args),
    /// Print the TXT records for the keys held for DOMAIN.
    Show(show::Args),
    /// Store an existing private key (PEM: PKCS#8 Ed25519 or RSA, or PKCS#1 RSA).
    Import(import::Args),
}

impl Cmd {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        match self {
            Cmd::Generate(a) => a.run(ctx),
            Cmd::Show(a) => a.run(ctx),
            Cmd::Import(a) => a.run(ctx),
        }
    }
}
