//! `backup --verify SRC`: every file against the manifest's size and SHA-256; exit 1 and
//! the list when anything differs.

use std::path::Path;

use super::Bar;
use crate::cli::{Ctx, Exit};
use crate::core::backup;
use crate::output;

pub fn run(ctx: &Ctx, src: &Path) -> anyhow::Result<()> {
    let bar = Bar::new(ctx, "verify");
    let result = backup::verify(src, &bar);
    bar.done();
    let (manifest, problems) = result.map_err(|e| {
        super::fail(
            e,
            "give the directory or .tar.zst that `mailctl backup` wrote (with its base, for an incremental one)",
        )
    })?;
    if ctx.json {
        output::json(&serde_json::json!({
            "backup": src.display().to_string(),
            "ok": problems.is_empty(),
            "created": manifest.created,
            "schema_version": manifest.schema_version,
            "files": manifest.files.len(),
            "problems": problems,
        }))?;
    } else if problems.is_empty() {
        if !ctx.quiet {
            output::print(&format!(
                "{}: all {} files match the manifest (taken {}, schema v{})",
                src.display(),
                manifest.files.len(),
                manifest.created,
                manifest.schema_version
            ))?;
        }
    } else {
        let rows = problems
            .iter()
            .map(|p| vec![p.path.clone(), p.problem.clone()]);
        output::print(&output::table(&["file", "problem"], rows))?;
        eprintln!(
            "mailctl: {}: {} of {} files do not match the manifest",
            src.display(),
            problems.len(),
            manifest.files.len()
        );
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Exit(1).into())
    }
}
