//! `ban list|remove IP`: client addresses refused after too many failed logins. One file per
//! command; this one holds the command list (its doc comments are the help text and man
//! pages) and the dispatch.
//!
//! Not here: counting failures and banning (`auth`, `core`).

use clap::Subcommand;

use super::Ctx;

mod list;
mod remove;

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Addresses banned now, with when the ban ends.
    List(list::Args),
    /// Lift the ban on an address and forget its failed logins.
    Remove(remove::Args),
}

impl Cmd {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        match self {
            Cmd::List(a) => a.run(ctx),
            Cmd::Remove(a) => a.run(ctx),
        }
    }
}
