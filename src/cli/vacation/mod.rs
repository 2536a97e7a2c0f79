//! `vacation set|off`: an away message without writing Sieve. Writes the ordinary Sieve
//! script `mailctl-vacation` (RFC 5230 `vacation`, RFC 5260 `currentdate` for the window);
//! how it combines with other scripts is in `cli::sieve::generated`.
//!
//! Not here: deciding whom to answer and sending the replies (`smtp::vacation`).

use clap::Subcommand;

use super::Ctx;

mod off;
mod set;

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Answer mail to ADDRESS with an away message (once per sender per --days).
    Set(set::Args),
    /// Stop answering: remove the generated vacation script.
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
