//! `config list|get|set|unset`: the settings registry from the terminal. One file per
//! command; this one holds the command list (its doc comments are the help text and man
//! pages) and the dispatch.
//!
//! `set` and `unset` then tell the user whether a running daemon took the change: they send
//! it SIGHUP and wait for its reload generation (in `run/daemon-PID.json`) to move, or say
//! that the key needs a restart, or what to run when this user may not signal the daemon.
//!
//! Not here: the settings, their types and defaults (`core::settings`), signalling the
//! daemon (`cli::reload`).

use clap::Subcommand;

use super::Ctx;

mod get;
mod list;
mod set;
mod unset;

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Every setting with its value, default, type and meaning.
    List(list::Args),
    /// Print one setting's value (the default when unset).
    Get(get::Args),
    /// Change a setting; the value is checked before it is stored, and a running daemon is
    /// asked to reload (or told to restart, for listen.*, hostname, server.user, tls paths).
    Set(set::Args),
    /// Remove a stored value so the default applies again (a running daemon reloads).
    Unset(unset::Args),
}

impl Cmd {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        match self {
            Cmd::List(a) => a.run(ctx),
            Cmd::Get(a) => a.run(ctx),
            Cmd::Set(a) => a.run(ctx),
            Cmd::Unset(a) => a.run(ctx),
        }
    }
}
