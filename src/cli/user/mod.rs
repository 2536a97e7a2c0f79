//! `user add|remove|list|show|passwd|set|test-password|import`: the mailboxes. One file per
//! command; this one holds the command list (its doc comments are the help text and man
//! pages) and the dispatch.
//!
//! Not here: the user rows (`core::users`), password hashing (`auth`), what happens to a
//! Maildir on add and remove (`maildir.rs` beside this).

use clap::Subcommand;

use super::Ctx;

mod add;
pub(super) mod import;
mod list;
mod maildir;
mod passwd;
mod remove;
mod set;
mod shared;
mod show;
mod test_password;

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Create a mailbox. The password comes from stdin, a prompt, or is generated; never argv.
    ///
    /// Refuses when a Maildir for the address already exists (mail of an earlier user kept
    /// with `user remove --keep-mail`, or put there by hand) unless --reuse-maildir.
    Add(add::Args),
    /// Delete a mailbox. Its mail is moved to <data-dir>/removed/<date>-<address>/ (so a
    /// later `user add` of the same address starts empty) unless --keep-mail or --purge.
    Remove(remove::Args),
    /// List mailboxes.
    List(list::Args),
    /// Details of one mailbox, including its Maildir usage.
    Show(show::Args),
    /// Change a mailbox's password.
    Passwd(passwd::Args),
    /// Change quota or enable/disable a mailbox (a disabled one cannot log in or receive mail).
    Set(set::Args),
    /// Check a password against the stored hash, as the daemons would (exit 1 if it fails).
    TestPassword(test_password::Args),
    /// Create many mailboxes from a CSV file: address,password_or_hash[,quota]. All or nothing.
    Import(import::Args),
}

impl Cmd {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        match self {
            Cmd::Add(a) => a.run(ctx),
            Cmd::Remove(a) => a.run(ctx),
            Cmd::List(a) => a.run(ctx),
            Cmd::Show(a) => a.run(ctx),
            Cmd::Passwd(a) => a.run(ctx),
            Cmd::Set(a) => a.run(ctx),
            Cmd::TestPassword(a) => a.run(ctx),
            Cmd::Import(a) => a.run(ctx),
        }
    }
}
