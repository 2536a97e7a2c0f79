//! `db migrate`: the core database's engine (issue 21.5).
//!
//! Not here: the copy itself (`core::dbmove`), schema migrations between versions (they run
//! by themselves when any command opens the database; `upgrade --check` predicts them).

mod migrate;

use clap::Subcommand;

use super::Ctx;

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Move this server's core (domains, users, aliases, settings, queue, bans, Sieve
    /// scripts, history) and every mailbox index (UIDs kept) from SQLite into an empty
    /// PostgreSQL database and switch to it.
    Migrate(migrate::Args),
}

impl Cmd {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        match self {
            Cmd::Migrate(a) => a.run(ctx),
        }
    }
}
