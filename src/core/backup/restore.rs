//! Restoring a backup onto a data directory: refuse a live one (a daemon's runtime file,
//! see `core::runtime`) and a non-empty one unless forced (then it is moved aside, never
//! deleted), check every checksum before writing anything, then write the files, the
//! directories and the external files, and open the core once so it is in WAL mode and at
//! this binary's schema, with the queue leases of the source's processes released. Mailbox indexes are restored as they were snapshotted; the first
//! scan of each folder reconciles them with the restored files (see the module doc of
//! `core::backup`), so UIDVALIDITY and every UID stay.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{Chain, DATA, Kind, Progress};
use crate::core::{CoreError, DataDir, Db, Result};

pub struct RestoreOptions {
    pub src: PathBuf,
    /// Restore over a non-empty data directory (which is moved aside first).
    pub force: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct RestoreReport {
    pub files: u64,
    pub bytes: u64,
    pub schema_version: i64,
    /// Where the data directory that was there went (`--force`).
    pub moved_aside: Option<String>,
    /// External files written back to where they were.
    pub external_restored: Vec<String>,
    /// External files left alone because a different file is there now.
    pub external_kept: Vec<String>,
}

pub fn restore(
    data_dir: &DataDir,
    opts: &RestoreOptions,
    progress: &dyn Progress,
) -> Result<RestoreReport> {
    let root = data_dir.root();
    let live = crate::core::runtime::running(data_dir);
    if let Some(d) = live.first() {
        return Err(CoreError::Refused(format!(
            "a mailctl daemon (pid {}) is running on {}; stop it before restoring over its data",
            d.pid,
            root.display()
        )));
    }
    let chain = Chain::open(&opts.src)?;
    let problems = chain.check(&super::Quiet);
    if let Some(p) = problems.first() {
        return Err(CoreError::Invalid(format!(
            "{}: {} file(s) do not match the manifest ({}: {}); nothing was restored",
            opts.src.display(),
            problems.len(),
            p.path,
            p.problem
        )));
    }
    let moved_aside = clear(root, opts.force)?;
    data_dir
        .create_dir(root, 0o750)
        .map_err(|e| CoreError::io(root, e))?;
    let manifest = chain.manifest();
    for d in &manifest.dirs {
        let p = super::under(root, &d.path)?;
        std::fs::create_dir_all(&p).map_err(|e| CoreError::io(&p, e))?;
        set_mode(&p, d.mode)?;
    }
    progress.total(manifest.files.len() as u64);
    let mut report = RestoreReport {
        files: 0,
        bytes: 0,
        schema_version: 0,
        moved_aside: moved_aside.map(|p| p.display().to_string()),
        external_restored: Vec::new(),
        external_kept: Vec::new(),
    };
    for e in &manifest.files {
        let src = chain.source(e)?;
        if e.kind == Kind::External {
            external(e, &src, &mut report)?;
        } else {
            let rel = e.path.strip_prefix(&format!("{DATA}/")).ok_or_else(|| {
                CoreError::Invalid(format!("manifest path {} is outside data/", e.path))
            })?;
            let dst = super::under(root, rel)?;
            write(&src, &dst, e.mode)?;
        }
        report.files += 1;
        report.bytes += e.size;
        progress.file();
    }
    data_dir
        .hand_over_tree(root)
        .map_err(|e| CoreError::io(root, e))?;
    // WAL mode, this binary's schema (a backup from an older release migrates here).
    let db = Db::open(data_dir)?;
    report.schema_version = db.schema_version()?;
    // Queue leases in the snapshot belong to the backed-up server's processes, never to one
    // here, though a pid may happen to be alive here (the source server itself, restored
    // beside it) and the source's host name is another (a new box): the daemon would then
    // wait out the 15-minute lease. All released, and still marked as taken before, so the
    // first attempt checks for a copy already delivered.
    db.queue_release_all_leases()?;
    Ok(report)
}

/// Makes sure nothing is in the way: an empty or missing directory is fine; anything else
/// needs `force` and is moved aside to `DIR.replaced-<unix time>`.
fn clear(root: &Path, force: bool) -> Result<Option<PathBuf>> {
    let busy = std::fs::read_dir(root).is_ok_and(|mut d| d.next().is_some());
    if !busy {
        return Ok(None);
    }
    if !force {
        return Err(CoreError::Refused(format!(
            "{} is not empty; restore onto a fresh data directory, or pass --force to move \
             what is there aside first",
            root.display()
        )));
    }
    let mut aside = root.as_os_str().to_os_string();
    aside.push(format!(".replaced-{}", crate::core::now()));
    let aside = PathBuf::from(aside);
    std::fs::rename(root, &aside).map_err(|e| CoreError::io(root, e))?;
    Ok(Some(aside))
}

fn write(src: &Path, dst: &Path, mode: u32) -> Result<()> {
    if let Some(d) = dst.parent() {
        std::fs::create_dir_all(d).map_err(|e| CoreError::io(d, e))?;
    }
    std::fs::copy(src, dst).map_err(|e| CoreError::io(dst, e))?;
    set_mode(dst, mode)
}

/// Never more than the owner's and group's bits (and always the owner's): keys, Maildirs
/// and the database stay private whatever a manifest says.
fn set_mode(p: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = if p.is_dir() {
        mode & 0o770 | 0o700
    } else {
        mode & 0o770 | 0o600
    };
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode))
        .map_err(|e| CoreError::io(p, e))
}

fn external(e: &super::Entry, src: &Path, report: &mut RestoreReport) -> Result<()> {
    let Some(origin) = e.origin.as_deref().map(PathBuf::from) else {
        return Err(CoreError::Invalid(format!("{} names no origin", e.path)));
    };
    if !origin.is_absolute() {
        return Err(CoreError::Invalid(format!(
            "{}: origin {} is not absolute",
            e.path,
            origin.display()
        )));
    }
    if origin.exists() {
        let same = super::file_sum(&origin).is_ok_and(|s| s.sha256 == e.sha256);
        if !same {
            report.external_kept.push(origin.display().to_string());
        }
        return Ok(());
    }
    write(src, &origin, e.mode)?;
    report.external_restored.push(origin.display().to_string());
    Ok(())
}
