//! `backup DEST [--incremental-from PREV] [--format dir|tar.zst]` and `backup --verify SRC`:
//! consistent online backups of the data directory (issue 22.1).
//!
//! Not here: what a backup holds and how it stays consistent (`core::backup`).

mod take;
mod verify;

use std::path::PathBuf;

use crate::cli::{Ctx, Fail};
use crate::output;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A directory (message files hard-linked when on the same file system).
    Dir,
    /// One zstd-compressed tar file.
    #[value(name = "tar.zst")]
    TarZst,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where the backup goes (must not exist); with --verify, the backup to check.
    #[arg(value_name = "DEST")]
    dest: PathBuf,
    /// Check every file of the backup DEST against its manifest instead of taking one.
    #[arg(long, conflicts_with_all = ["incremental_from", "format"])]
    verify: bool,
    /// Copy only messages that are not in this earlier backup (directory or .tar.zst); the
    /// new backup needs it to be restored.
    #[arg(long, value_name = "PREV")]
    incremental_from: Option<PathBuf>,
    /// dir or tar.zst; default: tar.zst when DEST ends in .tar.zst, else dir.
    #[arg(long, value_enum)]
    format: Option<Format>,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        if self.verify {
            return verify::run(ctx, &self.dest);
        }
        let format = self.format.unwrap_or_else(|| {
            if self.dest.to_string_lossy().ends_with(".tar.zst") {
                Format::TarZst
            } else {
                Format::Dir
            }
        });
        take::run(ctx, self.dest, self.incremental_from, format)
    }
}

/// A progress bar on a TTY for the long steps of `core::backup`.
pub(crate) struct Bar(indicatif::ProgressBar);

impl Bar {
    pub(crate) fn new(ctx: &Ctx, message: &str) -> Bar {
        Bar(output::progress_bar(0, message, ctx.progress()))
    }

    pub(crate) fn done(&self) {
        self.0.finish_and_clear();
    }
}

impl crate::core::backup::Progress for Bar {
    fn total(&self, files: u64) {
        self.0.set_length(files);
    }

    fn file(&self) {
        self.0.inc(1);
    }
}

/// Turns a backup error into a failure with what to do next.
pub(crate) fn fail(e: crate::core::CoreError, hint: &str) -> anyhow::Error {
    Fail::hint(e.to_string(), hint).into()
}
