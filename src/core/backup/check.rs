//! Reading a backup back: finding each file (in this backup or, for the `base` entries of an
//! incremental one, down its chain of bases) and checking its size and SHA-256 against the
//! manifest.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{Entry, Manifest, Opened, Progress};
use crate::core::{CoreError, Result};

/// A file that does not match the manifest.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub problem: String,
}

/// A backup and the bases it leans on, opened.
pub struct Chain {
    levels: Vec<Level>,
}

struct Level {
    opened: Opened,
    manifest: Manifest,
    by_path: HashMap<String, usize>,
}

impl Level {
    fn open(src: &Path) -> Result<Level> {
        let opened = Opened::open(src)?;
        let manifest = Manifest::read(opened.root())?;
        let by_path = manifest
            .files
            .iter()
            .enumerate()
            .map(|(i, e)| (e.path.clone(), i))
            .collect();
        Ok(Level {
            opened,
            manifest,
            by_path,
        })
    }
}

/// Bases deeper than this are a loop or a mistake.
const MAX_CHAIN: usize = 64;

impl Chain {
    /// Opens `src` and every base its manifest names, in turn.
    pub fn open(src: &Path) -> Result<Chain> {
        let mut levels = vec![Level::open(src)?];
        while let Some(base) = levels.last().and_then(|l| l.manifest.base.clone()) {
            if levels.len() >= MAX_CHAIN {
                return Err(CoreError::Invalid(format!(
                    "{}: more than {MAX_CHAIN} incremental bases",
                    src.display()
                )));
            }
            let level = Level::open(Path::new(&base)).map_err(|e| {
                CoreError::Invalid(format!(
                    "the base backup {base} of this incremental backup cannot be read: {e}"
                ))
            })?;
            levels.push(level);
        }
        Ok(Chain { levels })
    }

    pub fn manifest(&self) -> &Manifest {
        &self.levels[0].manifest
    }

    /// Where the bytes of `entry` (of the top backup) are.
    pub fn source(&self, entry: &Entry) -> Result<PathBuf> {
        let mut entry = entry;
        for (depth, level) in self.levels.iter().enumerate() {
            let Some(base_path) = &entry.base else {
                return super::under(level.opened.root(), &entry.path);
            };
            let next = self
                .levels
                .get(depth + 1)
                .and_then(|l| l.by_path.get(base_path).map(|&i| &l.manifest.files[i]));
            entry = next.ok_or_else(|| {
                CoreError::Invalid(format!(
                    "{} is not in the base backup as {base_path}",
                    entry.path
                ))
            })?;
        }
        Err(CoreError::Invalid(format!(
            "{} points past the last base backup",
            entry.path
        )))
    }

    /// Checks every file of the top backup (and the base files it uses).
    pub fn check(&self, progress: &dyn Progress) -> Vec<Problem> {
        let files = &self.manifest().files;
        progress.total(files.len() as u64);
        let mut problems = Vec::new();
        for e in files {
            if let Some(problem) = self.check_one(e) {
                problems.push(Problem {
                    path: e.path.clone(),
                    problem,
                });
            }
            progress.file();
        }
        problems
    }

    fn check_one(&self, e: &Entry) -> Option<String> {
        let src = match self.source(e) {
            Ok(s) => s,
            Err(err) => return Some(err.to_string()),
        };
        match super::file_sum(&src) {
            Err(err) => Some(format!("cannot read {}: {err}", src.display())),
            Ok(sum) if sum.len != e.size => {
                Some(format!("{} bytes, the manifest says {}", sum.len, e.size))
            }
            Ok(sum) if sum.sha256 != e.sha256 => {
                Some("SHA-256 differs from the manifest (the file changed)".to_string())
            }
            Ok(_) => None,
        }
    }
}

/// `mailctl backup --verify`: the manifest and every problem found (none: the backup is
/// whole).
pub fn verify(src: &Path, progress: &dyn Progress) -> Result<(Manifest, Vec<Problem>)> {
    let chain = Chain::open(src)?;
    let problems = chain.check(progress);
    let mut manifest = chain.manifest().clone();
    if !manifest.files.iter().any(|e| e.path == "data/mailctl.db") {
        return Err(CoreError::Invalid(format!(
            "{}: the manifest lists no core database",
            src.display()
        )));
    }
    manifest.files.shrink_to_fit();
    Ok((manifest, problems))
}
