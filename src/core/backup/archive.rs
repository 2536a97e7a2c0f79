//! The `.tar.zst` form of a backup: the backup directory packed as a POSIX tar stream,
//! compressed with zstd; read back by unpacking into a temporary directory beside it.
//!
//! Not here: what a backup holds (`take.rs`).

use std::path::{Path, PathBuf};

use crate::core::{CoreError, Result};

/// zstd's default level: most of the gain at a fraction of the time of the high levels.
const LEVEL: i32 = 3;

/// Packs the directory `dir` into `dest` (`.tar.zst`), synced to disk. Symlinks are stored
/// as links, never followed.
pub fn pack(dir: &Path, dest: &Path) -> Result<()> {
    let io = |e| CoreError::io(dest, e);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(dest)
        .map_err(io)?;
    let result = (|| {
        let enc = zstd::Encoder::new(file, LEVEL)?;
        let mut tar = tar::Builder::new(enc);
        tar.follow_symlinks(false);
        tar.mode(tar::HeaderMode::Complete);
        tar.append_dir_all(".", dir)?;
        let enc = tar.into_inner()?;
        let file = enc.finish()?;
        file.sync_all()
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(dest);
        return Err(io(e));
    }
    Ok(())
}

/// A backup ready to read: a directory as it is, or a `.tar.zst` unpacked into a temporary
/// directory (removed when this is dropped).
pub struct Opened {
    root: PathBuf,
    _tmp: Option<tempfile::TempDir>,
}

impl Opened {
    pub fn open(src: &Path) -> Result<Opened> {
        let meta = std::fs::metadata(src).map_err(|e| CoreError::io(src, e))?;
        if meta.is_dir() {
            return Ok(Opened {
                root: src.to_path_buf(),
                _tmp: None,
            });
        }
        // Beside the archive rather than in /tmp, which is often small (or RAM).
        let parent = src
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let tmp = tempfile::Builder::new()
            .prefix(".mailctl-unpack-")
            .tempdir_in(parent)
            .or_else(|_| tempfile::tempdir())
            .map_err(|e| CoreError::io(parent, e))?;
        let file = std::fs::File::open(src).map_err(|e| CoreError::io(src, e))?;
        let unpacked = zstd::Decoder::new(file).and_then(|dec| {
            let mut ar = tar::Archive::new(dec);
            ar.set_preserve_permissions(true);
            // `unpack` refuses entries that would land outside the directory.
            ar.unpack(tmp.path())
        });
        unpacked.map_err(|e| {
            CoreError::Invalid(format!(
                "{}: not a readable .tar.zst backup: {e}",
                src.display()
            ))
        })?;
        Ok(Opened {
            root: tmp.path().to_path_buf(),
            _tmp: Some(tmp),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
}
