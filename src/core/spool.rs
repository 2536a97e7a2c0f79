//! Spool file integrity: every spool file `<data-dir>/queue/<id>` has its length and SHA-256
//! recorded in its queue row, computed while the file is written (never by re-reading it on
//! the accept path). Delivery reads the file through [`read_verified`]; a file that no longer
//! matches (truncated, overwritten, gone) is moved to `queue/quarantine/<id>` by
//! [`quarantine`] and its row marked, so it is reported and never sent.
//!
//! Not here: the queue rows themselves (`core/queue.rs`), writing spool files
//! (`smtp/backend.rs`, `smtp/inject.rs`), deciding what to do with a quarantined message
//! (the administrator: `mailctl queue list|delete`).

use std::io;
use std::path::{Path, PathBuf};

/// A spool file's length and SHA-256 (lowercase hex), as stored in its queue row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sum {
    pub len: u64,
    pub sha256: String,
}

impl Sum {
    pub fn of(bytes: &[u8]) -> Sum {
        let mut h = Hasher::new();
        h.update(bytes);
        h.finish()
    }
}

/// Computes a [`Sum`] over bytes as they are written.
pub struct Hasher {
    ctx: ring::digest::Context,
    len: u64,
}

impl Default for Hasher {
    fn default() -> Self {
        Self::new()
    }
}

impl Hasher {
    pub fn new() -> Hasher {
        Hasher {
            ctx: ring::digest::Context::new(&ring::digest::SHA256),
            len: 0,
        }
    }

    pub fn update(&mut self, bytes: &[u8]) {
        self.ctx.update(bytes);
        self.len += bytes.len() as u64;
    }

    pub fn finish(self) -> Sum {
        Sum {
            len: self.len,
            sha256: hex(self.ctx.finish().as_ref()),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Why a spool file could not be used.
#[derive(Debug)]
pub enum ReadError {
    /// The file is not what was committed (or is gone): quarantine it, never send it.
    Corrupt(String),
    /// Reading failed in a way that may pass (EIO, EMFILE, permissions): try again later.
    Io(io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Corrupt(why) => write!(f, "{why}"),
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

/// Reads a spool file and checks it against its recorded sum. Rows written before sums
/// existed (`expected` is `None`) are read unchecked.
pub fn read_verified(path: &Path, expected: Option<&Sum>) -> Result<Vec<u8>, ReadError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(ReadError::Corrupt("spool file is missing".into()));
        }
        Err(e) => return Err(ReadError::Io(e)),
    };
    if let Some(want) = expected {
        verify(&bytes, want).map_err(ReadError::Corrupt)?;
    }
    Ok(bytes)
}

/// Checks bytes against a recorded sum; the error says what differs.
pub fn verify(bytes: &[u8], want: &Sum) -> Result<(), String> {
    if bytes.len() as u64 != want.len {
        return Err(format!(
            "spool file is {} bytes, {} were queued (truncated or overwritten)",
            bytes.len(),
            want.len
        ));
    }
    let got = Sum::of(bytes);
    if got.sha256 != want.sha256 {
        return Err("spool file checksum mismatch (SHA-256 differs from the queued one)".into());
    }
    Ok(())
}

/// `<queue>/quarantine`: where spool files that failed verification are kept for the
/// administrator. Made on first use only.
pub fn quarantine_dir(queue_dir: &Path) -> PathBuf {
    queue_dir.join("quarantine")
}

/// Moves `<queue>/<id>` into the quarantine directory (if it still exists).
pub fn quarantine(queue_dir: &Path, id: &str) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    let dir = quarantine_dir(queue_dir);
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&dir)?;
    match std::fs::rename(queue_dir.join(id), dir.join(id)) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    }
    std::fs::File::open(&dir)?.sync_all()?;
    std::fs::File::open(queue_dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streaming_sum_equals_one_shot_and_catches_changes() {
        let data = b"Received: x\r\n\r\nhello\r\n".repeat(100);
        let mut h = Hasher::new();
        for chunk in data.chunks(7) {
            h.update(chunk);
        }
        let sum = h.finish();
        assert_eq!(sum, Sum::of(&data));
        assert_eq!(sum.sha256.len(), 64);
        assert!(verify(&data, &sum).is_ok());
        assert!(
            verify(&data[..data.len() - 1], &sum)
                .unwrap_err()
                .contains("truncated")
        );
        let mut flipped = data.clone();
        flipped[10] ^= 1;
        assert!(verify(&flipped, &sum).unwrap_err().contains("checksum"));
    }

    #[test]
    fn quarantine_moves_the_file_and_missing_is_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Q1"), b"abc").unwrap();
        let sum = Sum::of(b"abcd");
        assert!(matches!(
            read_verified(&dir.path().join("Q1"), Some(&sum)),
            Err(ReadError::Corrupt(_))
        ));
        quarantine(dir.path(), "Q1").unwrap();
        assert!(!dir.path().join("Q1").exists());
        assert!(quarantine_dir(dir.path()).join("Q1").exists());
        assert!(matches!(
            read_verified(&dir.path().join("Q1"), None),
            Err(ReadError::Corrupt(_))
        ));
        quarantine(dir.path(), "gone").unwrap();
    }
}
