//! `forward set|off`: forward a user's mail without writing Sieve. Writes the ordinary Sieve
//! script `mailctl-forward` (RFC 5228 `redirect`, RFC 3894 `:copy` to keep a copy); how it
//! combines with other scripts is in `cli::sieve::generated`.
//!
//! Not here: forwarding aliases (`mailctl alias`), delivery of the redirects
//! (`smtp::delivery`).

use clap::Subcommand;

use super::Ctx;

mod off;
mod set;

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Forward ADDRESS's mail to DEST... (with --keep, a copy stays in the mailbox).
    Set(set::Args),
    /// Stop forwarding: remove the generated forward script.
    Off(off::Args),
}

impl Cmd {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        match self {
            Cmd::Set(a) => a.run(ctx),
            Cmd::Off(a) => a.run(ctx),
        }
    }
}
