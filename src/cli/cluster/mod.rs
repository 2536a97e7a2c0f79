//! `cluster status`: the nodes serving this mail system, from the heartbeats their daemons
//! write into the core (issue 21.5). One file per command; this one holds the command list
//! (its doc comments are the help text and man pages) and the dispatch.
//!
//! Not here: the heartbeat rows (`core::cluster`), writing them (`cli::serve`).

use clap::Subcommand;

use super::Ctx;

mod status;

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Every node that has run `serve` on this database: up, down (no heartbeat for three
    /// intervals, 30 s) or stopped, with its version, listeners, queue claims and last error.
    Status(status::Args),
}

impl Cmd {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        match self {
            Cmd::Status(a) => a.run(ctx),
        }
    }
}
