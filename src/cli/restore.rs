//! `restore SRC [--force]`: a backup (directory or .tar.zst, incremental ones with their
//! base) onto the data directory, which must be empty or missing, and no daemon may run on
//! it; `--force` moves a non-empty one aside first. Every checksum is checked before anything
//! is written (issue 22.1).
//!
//! Not here: the restore itself (`core::backup::restore`).

use std::path::PathBuf;

use crate::cli::Ctx;
use crate::cli::backup::{Bar, fail};
use crate::core::backup::{self, RestoreOptions};
use crate::core::settings::human_size;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The backup: a directory or .tar.zst written by `mailctl backup`.
    src: PathBuf,
    /// Restore even though the data directory is not empty: what is there is moved aside to
    /// DIR.replaced-<time> first (never deleted). A running daemon still refuses.
    #[arg(long)]
    force: bool,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let opts = RestoreOptions {
            src: self.src.clone(),
            force: self.force,
        };
        let bar = Bar::new(ctx, "restore");
        let result = backup::restore(&ctx.data_dir, &opts, &bar);
        bar.done();
        let report = result.map_err(|e| {
            let hint = match &e {
                crate::core::CoreError::Refused(m) if m.contains("running") => {
                    "stop the daemon (systemctl stop mailctl), then restore".to_string()
                }
                crate::core::CoreError::Refused(_) => format!(
                    "restore into a new --data-dir, or pass --force to move {} aside",
                    ctx.data_dir.root().display()
                ),
                _ => format!(
                    "`mailctl backup --verify {}` lists what is wrong",
                    self.src.display()
                ),
            };
            fail(e, &hint)
        })?;
        let json = serde_json::to_value(&report)?;
        ctx.report(&json, || {
            let mut s = format!(
                "restored {} files ({}) into {}; schema v{}",
                report.files,
                human_size(report.bytes),
                ctx.data_dir.root().display(),
                report.schema_version
            );
            if let Some(a) = &report.moved_aside {
                s.push_str(&format!("\nthe data directory that was there is now {a}"));
            }
            for p in &report.external_restored {
                s.push_str(&format!("\nrestored {p}"));
            }
            for p in &report.external_kept {
                s.push_str(&format!("\nkept {p}: a different file is there now"));
            }
            s
        })
    }
}
