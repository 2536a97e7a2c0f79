//! `alias add|remove|list`: forwarding, distribution lists and catch-alls. One file per
//! command; this one holds the command list (its doc comments are the help text and man
//! pages) and the dispatch.
//!
//! Not here: the alias rows and recipient resolution (`core`).

use clap::Subcommand;

use super::Ctx;

mod add;
mod list;
mod remove;
mod shared;

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Forward SOURCE to one or more destinations. SOURCE `@domain` catches every unknown
    /// address of the domain; several destinations make a distribution list.
    ///
    /// A destination in a domain served here must exist (a mailbox or another alias). When
    /// SOURCE is a mailbox, its mail would go to the destinations instead of its Maildir:
    /// that needs --force (list SOURCE among the destinations to keep a copy instead).
    Add(add::Args),
    /// Remove some destinations of SOURCE, or the whole alias when none are given.
    Remove(remove::Args),
    /// List aliases with their destinations.
    List(list::Args),
}

impl Cmd {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        match self {
            Cmd::Add(a) => a.run(ctx),
            Cmd::Remove(a) => a.run(ctx),
            Cmd::List(a) => a.run(ctx),
        }
    }
}
