//! Taking a backup: the core snapshot and its queue's spool files, then the mailbox index
//! snapshots, then the Maildir files they may refer to, then the manifest; the result appears under its final name only
//! when complete (built in `DEST.partial`, renamed or packed at the end).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{DATA, EXTERNAL, Entry, FORMAT, Kind, MANIFEST, Manifest, Progress, sqlite};
use crate::core::{CoreError, DataDir, Db, Result};

pub struct BackupOptions {
    pub dest: PathBuf,
    /// The previous backup (directory or `.tar.zst`): copy only messages it lacks.
    pub incremental_from: Option<PathBuf>,
    /// Pack the result as a zstd-compressed tar at `dest` instead of a directory.
    pub tar_zst: bool,
}

/// What a backup did, besides its manifest.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct BackupStats {
    /// Message and spool files hard-linked rather than copied.
    pub linked: u64,
    pub copied: u64,
    /// Messages listed as being in the base backup.
    pub from_base: u64,
    /// Files that vanished between the listing and the copy (expunged, delivered).
    pub vanished: u64,
}

/// Files and directories of the data directory a backup never copies as plain files.
const SKIP_TOP: [&str; 5] = [
    "run",
    "backups",
    "queue",
    "mailctl.db-wal",
    "mailctl.db-shm",
];
const SQLITE_SUFFIXES: [&str; 4] = ["", "-wal", "-shm", "-journal"];

/// Takes a backup of `data_dir` into `opts.dest` while the daemon may run.
pub fn backup(
    data_dir: &DataDir,
    opts: &BackupOptions,
    progress: &dyn Progress,
) -> Result<(Manifest, BackupStats)> {
    let root = data_dir.root();
    if data_dir.database_url()?.is_some() {
        // Not "no mailctl database": there is one, and this command cannot copy it.
        return Err(CoreError::Refused(format!(
            "the core of {} is on PostgreSQL (database.url), and `mailctl backup` copies a SQLite core and its mailbox indexes: back up the PostgreSQL database with pg_dump, and the data directory's files (Maildirs, queue, keys) with file-system tools",
            root.display()
        )));
    }
    if !data_dir.db().exists() {
        return Err(CoreError::Refused(format!(
            "no mailctl database in {}",
            root.display()
        )));
    }
    check_dest(root, &opts.dest)?;
    let base = match &opts.incremental_from {
        Some(prev) => Some(Base::open(prev)?),
        None => None,
    };
    let staging = partial(&opts.dest);
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(|e| CoreError::io(&staging, e))?;
    }
    let built = build(data_dir, &staging, base.as_ref(), progress);
    let (manifest, stats) = match built {
        Ok(b) => b,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    let finish = if opts.tar_zst {
        super::archive::pack(&staging, &opts.dest).and_then(|()| {
            std::fs::remove_dir_all(&staging).map_err(|e| CoreError::io(&staging, e))
        })
    } else {
        std::fs::rename(&staging, &opts.dest).map_err(|e| CoreError::io(&opts.dest, e))
    };
    if let Err(e) = finish {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    Ok((manifest, stats))
}

/// `DEST.partial`, where the backup is built.
fn partial(dest: &Path) -> PathBuf {
    let mut s = dest.as_os_str().to_os_string();
    s.push(".partial");
    PathBuf::from(s)
}

fn check_dest(root: &Path, dest: &Path) -> Result<()> {
    if dest.symlink_metadata().is_ok() {
        return Err(CoreError::Refused(format!(
            "{} already exists; give a new path for each backup",
            dest.display()
        )));
    }
    let parent = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let parent = std::fs::canonicalize(parent).map_err(|e| CoreError::io(parent, e))?;
    let root = std::fs::canonicalize(root).map_err(|e| CoreError::io(root, e))?;
    if parent.starts_with(&root) {
        return Err(CoreError::Refused(format!(
            "{} is inside the data directory {}; put backups elsewhere",
            dest.display(),
            root.display()
        )));
    }
    Ok(())
}

fn build(
    data_dir: &DataDir,
    out: &Path,
    base: Option<&Base>,
    progress: &dyn Progress,
) -> Result<(Manifest, BackupStats)> {
    let root = data_dir.root();
    let data = out.join(DATA);
    std::fs::create_dir_all(&data).map_err(|e| CoreError::io(&data, e))?;
    let external = externals(data_dir)?;
    // The order is the consistency argument of the module doc: the core, at once the spool
    // files of its queue rows (a message finished meanwhile is in a Maildir by then, which
    // is walked later), then the indexes, then the Maildir files.
    let created = crate::core::time::rfc3339(crate::core::now());
    let core = data.join("mailctl.db");
    sqlite::snapshot(&data_dir.db(), &core)?;
    let queue_ids = sqlite::queue_ids(&core)?;
    let queued = queue_ids.len();
    progress.total(queued as u64);
    let mut w = Writer::new(out, base);
    let mut finished = Vec::new();
    for id in queue_ids {
        super::under(Path::new("."), &format!("queue/{id}"))?;
        if !w.data_file(root, &PathBuf::from("queue").join(&id), Kind::Spool)? {
            finished.push(id);
        }
        progress.file();
    }
    sqlite::drop_queue_rows(&core, &finished)?;
    w.entry("data/mailctl.db", Kind::Core)?;
    let mut indexes = Vec::new();
    find_indexes(root, root, &mut indexes)?;
    for rel in &indexes {
        let dst = data.join(rel);
        mkdir_parent(&dst)?;
        sqlite::snapshot(&root.join(rel), &dst)?;
        w.entry(&format!("{DATA}/{}", slash(rel)), Kind::Index)?;
    }
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    list_files(root, root, &mut files, &mut dirs)?;
    progress.total((queued + files.len() + external.len()) as u64);
    for (rel, kind) in &files {
        w.data_file(root, rel, *kind)?;
        progress.file();
    }
    for (i, origin) in external.iter().enumerate() {
        w.external(i, origin)?;
        progress.file();
    }
    let mut manifest = Manifest {
        format: FORMAT,
        mailctl_version: env!("CARGO_PKG_VERSION").to_string(),
        schema_version: sqlite::schema_version(&core)?,
        created,
        source: root.display().to_string(),
        base: base.map(|b| b.path.display().to_string()),
        finished_during_backup: finished,
        dirs: dirs
            .iter()
            .map(|d| super::Dir {
                path: slash(d),
                mode: dir_mode(&root.join(d)),
            })
            .collect(),
        files: std::mem::take(&mut w.files),
    };
    manifest.files.sort_by(|a, b| a.path.cmp(&b.path));
    write_manifest(out, &manifest)?;
    Ok((manifest, w.stats))
}

pub(super) fn write_manifest(out: &Path, manifest: &Manifest) -> Result<()> {
    let path = out.join(MANIFEST);
    let json =
        serde_json::to_vec_pretty(manifest).map_err(|e| CoreError::Invalid(e.to_string()))?;
    std::fs::write(&path, json).map_err(|e| CoreError::io(&path, e))?;
    std::fs::File::open(&path)
        .and_then(|f| f.sync_all())
        .map_err(|e| CoreError::io(&path, e))
}

/// Files that settings name outside the data directory.
fn externals(data_dir: &DataDir) -> Result<Vec<PathBuf>> {
    let db = Db::open_existing(data_dir)?;
    let mut out = Vec::new();
    for key in ["tls.cert", "tls.key", "sieve.before", "sieve.after"] {
        let Some(v) = db.stored_setting(key)? else {
            continue;
        };
        let p = PathBuf::from(v);
        if p.is_absolute() && !p.starts_with(data_dir.root()) && p.is_file() && !out.contains(&p) {
            out.push(p);
        }
    }
    Ok(out)
}

/// A directory's permission bits; owner-only when it is gone or unreadable.
fn dir_mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).map_or(0o700, |m| m.permissions().mode() & 0o7777)
}

fn slash(rel: &Path) -> String {
    rel.to_string_lossy()
        .replace(std::path::MAIN_SEPARATOR, "/")
}

fn mkdir_parent(p: &Path) -> Result<()> {
    match p.parent() {
        Some(d) => std::fs::create_dir_all(d).map_err(|e| CoreError::io(d, e)),
        None => Ok(()),
    }
}

fn is_sqlite_file(name: &str, stem: &str) -> bool {
    SQLITE_SUFFIXES
        .iter()
        .any(|s| name.strip_prefix(stem) == Some(s))
}

fn read_dir_sorted(dir: &Path) -> Result<Vec<std::fs::DirEntry>> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| CoreError::io(dir, e))?
        .collect::<std::io::Result<_>>()
        .map_err(|e| CoreError::io(dir, e))?;
    // new/ before cur/: a message moved from new/ to cur/ while the walk runs is then seen
    // in cur/ at the latest, never missed in both.
    v.sort_by_key(|e| {
        let n = e.file_name();
        (n != "new", n)
    });
    Ok(v)
}

/// Every mailbox index below `dir` (relative to `root`), without reading message directories.
fn find_indexes(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for e in read_dir_sorted(dir)? {
        let name = e.file_name();
        let ft = e.file_type().map_err(|err| CoreError::io(&e.path(), err))?;
        let rel = e
            .path()
            .strip_prefix(root)
            .unwrap_or(&e.path())
            .to_path_buf();
        if dir == root && SKIP_TOP.iter().any(|s| name == *s) {
            continue;
        }
        if ft.is_dir() && !matches!(name.to_str(), Some("cur" | "new" | "tmp")) {
            find_indexes(root, &e.path(), out)?;
        } else if ft.is_file() && name == crate::maildir::index::FILE {
            out.push(rel);
        }
    }
    Ok(())
}

/// Every plain file below `dir` the backup copies, with its kind: everything but the
/// snapshotted databases, `tmp/` of Maildirs, the queue (copied by its rows), runtime
/// files, pre-upgrade snapshots and symlinks.
fn list_files(
    root: &Path,
    dir: &Path,
    out: &mut Vec<(PathBuf, Kind)>,
    dirs: &mut Vec<PathBuf>,
) -> Result<()> {
    let dir_name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let maildir_sub = matches!(dir_name, "cur" | "new" | "tmp")
        && dir.parent().is_some_and(|p| p.join("cur").is_dir());
    if maildir_sub && dir_name == "tmp" {
        return Ok(());
    }
    for e in read_dir_sorted(dir)? {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if dir == root && (SKIP_TOP.contains(&name.as_ref()) || is_sqlite_file(&name, "mailctl.db"))
        {
            continue;
        }
        let ft = e.file_type().map_err(|err| CoreError::io(&e.path(), err))?;
        let rel = e
            .path()
            .strip_prefix(root)
            .unwrap_or(&e.path())
            .to_path_buf();
        if ft.is_dir() {
            dirs.push(rel);
            list_files(root, &e.path(), out, dirs)?;
        } else if ft.is_file() && !is_sqlite_file(&name, crate::maildir::index::FILE) {
            let kind = if maildir_sub {
                Kind::Message
            } else {
                Kind::File
            };
            out.push((rel, kind));
        }
    }
    if dir == root {
        dirs.push(PathBuf::from("queue"));
        if root.join("queue/quarantine").is_dir() {
            dirs.push(PathBuf::from("queue/quarantine"));
            list_files(root, &root.join("queue/quarantine"), out, dirs)?;
        }
    }
    Ok(())
}

/// The previous backup of an incremental one: its messages by unique name and size.
struct Base {
    path: PathBuf,
    messages: HashMap<(String, u64), Entry>,
    _opened: super::Opened,
}

impl Base {
    fn open(prev: &Path) -> Result<Base> {
        let opened = super::Opened::open(prev)?;
        let m = super::Manifest::read(opened.root())?;
        let messages = m
            .files
            .into_iter()
            .filter(|e| e.kind == Kind::Message)
            .filter_map(|e| {
                let name = e.path.rsplit('/').next()?;
                Some(((super::unique_name(name).to_string(), e.size), e))
            })
            .collect();
        let path = std::fs::canonicalize(prev).map_err(|e| CoreError::io(prev, e))?;
        Ok(Base {
            path,
            messages,
            _opened: opened,
        })
    }
}

/// Places files into the backup and lists them.
struct Writer<'a> {
    out: &'a Path,
    base: Option<&'a Base>,
    files: Vec<Entry>,
    stats: BackupStats,
    /// Cleared at the first link across file systems: copy from then on.
    try_links: bool,
}

impl<'a> Writer<'a> {
    fn new(out: &'a Path, base: Option<&'a Base>) -> Writer<'a> {
        Writer {
            out,
            base,
            files: Vec::new(),
            stats: BackupStats::default(),
            try_links: true,
        }
    }

    /// Lists a file already in the backup.
    fn entry(&mut self, rel: &str, kind: Kind) -> Result<()> {
        use std::os::unix::fs::PermissionsExt;
        let p = self.out.join(rel);
        let sum = super::file_sum(&p).map_err(|e| CoreError::io(&p, e))?;
        let mode = std::fs::metadata(&p)
            .map(|m| m.permissions().mode() & 0o7777)
            .map_err(|e| CoreError::io(&p, e))?;
        self.files.push(Entry {
            path: rel.to_string(),
            kind,
            size: sum.len,
            sha256: sum.sha256,
            mode,
            base: None,
            origin: None,
        });
        Ok(())
    }

    /// Copies (or links) `root/rel` into the backup. `false` when it vanished meanwhile.
    fn data_file(&mut self, root: &Path, rel: &Path, kind: Kind) -> Result<bool> {
        let mut rel = rel.to_path_buf();
        let mut src = root.join(&rel);
        let meta = match std::fs::metadata(&src) {
            Ok(m) => m,
            // A message whose flags changed meanwhile was renamed within cur/ (or moved
            // there from new/): find it by its unique name.
            Err(_) => match (kind, renamed(&src)) {
                (Kind::Message, Some(now)) => {
                    rel = now.strip_prefix(root).unwrap_or(&now).to_path_buf();
                    src = now;
                    std::fs::metadata(&src).map_err(|e| CoreError::io(&src, e))?
                }
                _ => {
                    self.stats.vanished += 1;
                    return Ok(false);
                }
            },
        };
        let path = format!("{DATA}/{}", slash(&rel));
        if kind == Kind::Message && self.in_base(&path, &meta)? {
            return Ok(true);
        }
        let dst = self.out.join(&path);
        mkdir_parent(&dst)?;
        if !self.place(&src, &dst, kind)? {
            self.stats.vanished += 1;
            return Ok(false);
        }
        self.entry(&path, kind)?;
        Ok(true)
    }

    /// Lists a message the base backup already holds. `false` if it does not.
    fn in_base(&mut self, path: &str, meta: &std::fs::Metadata) -> Result<bool> {
        let Some(base) = self.base else {
            return Ok(false);
        };
        let name = path.rsplit('/').next().unwrap_or(path);
        let key = (super::unique_name(name).to_string(), meta.len());
        let Some(prev) = base.messages.get(&key) else {
            return Ok(false);
        };
        self.files.push(Entry {
            path: path.to_string(),
            base: Some(prev.path.clone()),
            ..prev.clone()
        });
        self.stats.from_base += 1;
        Ok(true)
    }

    /// Links or copies one file; `false` if the source vanished.
    fn place(&mut self, src: &Path, dst: &Path, kind: Kind) -> Result<bool> {
        // Messages and spool files never change once written; anything else might, and is
        // copied so the backup does not change with it.
        if self.try_links && matches!(kind, Kind::Message | Kind::Spool) {
            match std::fs::hard_link(src, dst) {
                Ok(()) => {
                    self.stats.linked += 1;
                    return Ok(true);
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
                Err(_) => self.try_links = false,
            }
        }
        match std::fs::copy(src, dst) {
            Ok(_) => {
                self.stats.copied += 1;
                Ok(true)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let _ = std::fs::remove_file(dst);
                Ok(false)
            }
            Err(e) => Err(CoreError::io(src, e)),
        }
    }

    fn external(&mut self, i: usize, origin: &Path) -> Result<()> {
        let name = origin
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let path = format!("{EXTERNAL}/{i}-{name}");
        let dst = self.out.join(&path);
        mkdir_parent(&dst)?;
        std::fs::copy(origin, &dst).map_err(|e| CoreError::io(origin, e))?;
        self.entry(&path, Kind::External)?;
        if let Some(e) = self.files.last_mut() {
            e.origin = Some(origin.display().to_string());
        }
        Ok(())
    }
}

/// Where a message file that is gone from `old` is now: same unique name, in the folder's
/// `cur/` (flags changed, or moved from `new/`).
fn renamed(old: &Path) -> Option<PathBuf> {
    let name = old.file_name()?.to_str()?;
    let unique = super::unique_name(name);
    let cur = old.parent()?.parent()?.join("cur");
    std::fs::read_dir(cur)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| super::unique_name(n) == unique)
        })
}
