//! `domain add|remove|list|show|set`: the domains this server receives mail for. One file per
//! command; this one holds the command list (its doc comments are the help text and man
//! pages), the dispatch, and the helpers other command groups reach as `domain::parse` and
//! `domain::dir_size`.
//!
//! Not here: the domain rows (`core::domains`).

use clap::Subcommand;

use super::Ctx;

mod add;
mod list;
mod remove;
mod set;
mod shared;
mod show;

pub use shared::{
    InboundJson, Only, dir_size, inbound_effective, inbound_text, parse, parse_score,
};

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Start receiving mail for a domain (internationalized names welcome).
    Add(add::Args),
    /// Stop serving a domain. Refuses while it has users or aliases unless --force.
    Remove(remove::Args),
    /// List served domains with user and alias counts.
    List(list::Args),
    /// Counts and Maildir size of one domain, and its inbound policy.
    Show(show::Args),
    /// A domain's own inbound policy: spam thresholds and what spam and DMARC failures get.
    Set(set::Args),
}

impl Cmd {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        match self {
            Cmd::Add(a) => a.run(ctx),
            Cmd::Remove(a) => a.run(ctx),
            Cmd::List(a) => a.run(ctx),
            Cmd::Show(a) => a.run(ctx),
            Cmd::Set(a) => a.run(ctx),
        }
    }
}
