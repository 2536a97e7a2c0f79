//! `maildir walk|ls|show|reindex|check|import-mbox|export-mbox`: any Maildir (mailctl's,
//! Dovecot's, Courier's) from the terminal, while the daemons run (Maildir needs no locks).
//! One file per command; this one holds the command list (its doc comments are the help
//! text and man pages) and the dispatch.
//!
//! Not here: Maildir rules (`crate::maildir`), the steps commands share (`Ctx`).

use std::path::PathBuf;

use clap::Subcommand;

use super::{Ctx, Fail, missing_data_dir};
use crate::core::Address;

mod check;
mod export_mbox;
mod import_mbox;
mod ls;
mod reindex;
mod show;
mod walk;

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// The folder tree with message counts, unread, flagged, deleted, sizes and dates.
    Walk(walk::Args),
    /// The messages of a folder: date, from, subject, flags, size, file.
    Ls(ls::Args),
    /// One message: the headers that matter, its MIME tree, and its text.
    Show(show::Args),
    /// Rebuild the account's UID index from its Maildir, keeping the UIDs of existing messages.
    Reindex(reindex::Args),
    /// Find what is wrong; with --repair, fix what is safe (never deletes anything).
    ///
    /// Prints a summary per kind of problem with a few examples; --json lists every one.
    /// Exit status 1 while a problem is left unrepaired.
    Check(check::Args),
    /// Import an mbox file into a mailbox folder (files 0600, as delivery writes them).
    ///
    /// mbox comes in two variants that differ only in how a body line starting with "From "
    /// is quoted. mboxrd (what export-mbox writes) adds a '>' to "From " and to every
    /// ">From ", ">>From " line, so import removes one again and the round trip is exact.
    /// mboxo (Python's mailbox module, older mail programs) quotes only "From ", so a ">From "
    /// line cannot be told from a quoted one: import keeps it as it is. With the default
    /// --format auto, a file without any ">From " line is imported (both read the same); a
    /// file with such lines is refused until you say which variant wrote it.
    ImportMbox(import_mbox::Args),
    /// Export a mailbox folder to an mbox file (- for stdout).
    ExportMbox(export_mbox::Args),
}

impl Cmd {
    /// Runs the command; files it wrote into the data directory are then handed to the
    /// service account (see [`Cmd::writes_into`]).
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let touched = self.writes_into(ctx);
        // Writing into the Maildirs of a data directory that is not a server would make
        // one out of a typo (issue 16.4).
        // A PostgreSQL core (`database.url`) is a server whatever the directory holds.
        let server = ctx.data_dir.db().exists() || ctx.data_dir.database_url()?.is_some();
        if touched.is_some() && !server {
            return Err(missing_data_dir(&ctx.data_dir).into());
        }
        let result = self.dispatch(ctx);
        if let Some(dir) = touched {
            ctx.data_dir.hand_over_tree(&dir).map_err(|e| {
                Fail::new(format!("cannot hand {} to server.user: {e}", dir.display()))
            })?;
        }
        result
    }

    fn dispatch(self, ctx: &Ctx) -> anyhow::Result<()> {
        match self {
            Cmd::Walk(a) => a.run(ctx),
            Cmd::Ls(a) => a.run(ctx),
            Cmd::Show(a) => a.run(ctx),
            Cmd::Reindex(a) => a.run(ctx),
            Cmd::Check(a) => a.run(ctx),
            Cmd::ImportMbox(a) => a.run(ctx),
            Cmd::ExportMbox(a) => a.run(ctx),
        }
    }

    /// The mailbox a writing command creates files in, when it is in the data directory:
    /// run as root, those files are handed to the service account afterwards (issue 16.1).
    pub fn writes_into(&self, ctx: &Ctx) -> Option<PathBuf> {
        let target = match self {
            Cmd::Reindex(a) => &a.address,
            Cmd::ImportMbox(a) => &a.address,
            Cmd::Check(a) if a.repair => &a.target,
            _ => return None,
        };
        let path = match Address::parse(target) {
            Ok(a) if !target.contains('/') => ctx.data_dir.maildir(&a),
            _ => PathBuf::from(target),
        };
        path.starts_with(ctx.data_dir.mail_root()).then_some(path)
    }
}
