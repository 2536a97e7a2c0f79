//! `backup DEST`: takes the backup and says what it holds.

use std::path::PathBuf;

use super::{Bar, Format};
use crate::cli::Ctx;
use crate::core::backup::{self, BackupOptions};
use crate::core::settings::human_size;

pub fn run(
    ctx: &Ctx,
    dest: PathBuf,
    incremental_from: Option<PathBuf>,
    format: Format,
) -> anyhow::Result<()> {
    if ctx.data_dir.database_url()?.is_some() {
        // There is a core, just not one this command can copy: "no database" would mislead.
        return Err(crate::cli::Fail::hint(
            "this data directory's core is on PostgreSQL (database.url): `mailctl backup` copies a SQLite core and its mailbox indexes",
            "back up the PostgreSQL database with pg_dump, and the data directory's files (Maildirs, queue, keys) with file-system tools",
        )
        .into());
    }
    if !ctx.data_dir.db().exists() {
        return Err(crate::cli::missing_data_dir(&ctx.data_dir).into());
    }
    let opts = BackupOptions {
        dest: dest.clone(),
        incremental_from,
        tar_zst: format == Format::TarZst,
    };
    let bar = Bar::new(ctx, "backup");
    let result = backup::backup(&ctx.data_dir, &opts, &bar);
    bar.done();
    let (manifest, stats) = result.map_err(|e| {
        super::fail(
            e,
            "give DEST as a path that does not exist yet, outside the data directory, on a disk with room",
        )
    })?;
    let (files, bytes) = manifest.own_totals();
    let json = serde_json::json!({
        "backup": dest.display().to_string(),
        "format": if opts.tar_zst { "tar.zst" } else { "dir" },
        "created": manifest.created,
        "schema_version": manifest.schema_version,
        "base": manifest.base,
        "files": files,
        "bytes": bytes,
        "from_base": stats.from_base,
        "linked": stats.linked,
        "copied": stats.copied,
        "vanished": stats.vanished,
        "finished_during_backup": manifest.finished_during_backup,
    });
    ctx.report(&json, || {
        let mut s = format!(
            "backed up {} ({files} files, {}) to {}",
            ctx.data_dir.root().display(),
            human_size(bytes),
            dest.display()
        );
        if let Some(b) = &manifest.base {
            s.push_str(&format!(
                "\n{} messages already in the base backup {b} (keep it: restoring needs it)",
                stats.from_base
            ));
        }
        s.push_str(&format!(
            "\ncheck it with `mailctl backup --verify {}`",
            dest.display()
        ));
        s
    })
}
