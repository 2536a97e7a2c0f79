//! `maildir check`: what is wrong with a Maildir, and with `repair`, the fixes that cannot
//! lose mail or turn something into mail that is not.
//!
//! Found (the `kind` of each [`Problem`]):
//! - `missing-directory`: a folder without cur/, new/ or tmp/ (repair: created);
//! - `not-a-directory`: cur/new/tmp or a `.Folder` that is a symlink or a file (repair: moved
//!   to `lost+found/`, the directory created);
//! - `symlink`, `not-a-file`: a link, FIFO, device or directory among the messages (repair:
//!   moved to `lost+found/`; the daemons never follow or open these, see `safe`);
//! - `not-a-message`: dot files (`.DS_Store`), empty files, files without an RFC 5322 header
//!   block (repair: moved to `lost+found/`, never renamed into a message);
//! - `stale-tmp`: left in tmp/ over 36 hours (maildir(5)) (repair: moved to `lost+found/`);
//! - `bad-name`, `name-space`, `duplicate-name`: names that are not Maildir names, contain
//!   spaces, or repeat another file's unique part (repair: a fresh unique name);
//! - `flags-unsorted`, `flags-lowercase`: an info part whose flags are out of order,
//!   repeated, or lower-case standard flags where no `dovecot-keywords` file makes them
//!   keywords (repair: normalised);
//! - `info-in-new` (a `:2,` file in new/; repair: moved to cur/), `no-info-in-cur` (repair:
//!   `:2,` added);
//! - `owner`, `permissions` (others may read; repair: narrowed), `unreadable`.
//!
//! `lost+found/` is a plain directory in the Maildir root, not a Maildir++ folder: what is in
//! it is not shown to mail clients. Nothing is ever deleted.
//! Not here: the index (`cli::maildir` compares it), the summary shown to people.

use std::collections::HashMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::folder::folders;
use super::name::Name;
use super::safe::{describe, is_real_dir};

/// Files in tmp/ older than this are abandoned deliveries (maildir(5): 36 hours).
pub const STALE_TMP_SECS: u64 = 36 * 3600;

/// Where repair puts what is not a message: a plain directory, invisible to clients.
pub const LOST_FOUND: &str = "lost+found";

/// Dovecot's keyword file: with it, lower-case flag letters are keywords, not mistakes.
const DOVECOT_KEYWORDS: &str = "dovecot-keywords";

#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub folder: String,
    pub kind: &'static str,
    pub path: String,
    pub detail: String,
    /// What `--repair` did, if anything.
    pub repaired: Option<String>,
}

struct Checker<'a> {
    root: &'a Path,
    repair: bool,
    owner: u32,
    keywords: bool,
    now: std::time::SystemTime,
    out: Vec<Problem>,
}

/// Checks (and with `repair`, fixes) every folder under `root`.
pub fn check(root: &Path, repair: bool) -> std::io::Result<Vec<Problem>> {
    let md = std::fs::symlink_metadata(root)?;
    if !md.file_type().is_dir() {
        return Err(super::safe::refused(root, describe(&md.file_type())));
    }
    let mut c = Checker {
        root,
        repair,
        owner: md.uid(),
        keywords: root.join(DOVECOT_KEYWORDS).is_file(),
        now: std::time::SystemTime::now(),
        out: Vec::new(),
    };
    c.linked_folders()?;
    for folder in folders(root)? {
        c.dirs(&folder.name, &folder.path);
        c.tmp(&folder.name, &folder.path);
        let mut seen: HashMap<String, PathBuf> = HashMap::new();
        for sub in ["new", "cur"] {
            c.messages(&folder.name, &folder.path, sub, &mut seen);
        }
    }
    Ok(c.out)
}

impl Checker<'_> {
    fn push(
        &mut self,
        folder: &str,
        kind: &'static str,
        path: &Path,
        detail: String,
        repaired: Option<String>,
    ) {
        self.out.push(Problem {
            folder: folder.to_string(),
            kind,
            path: path.display().to_string(),
            detail,
            repaired,
        });
    }

    /// With `repair`, moves `path` (a file, link or directory; a link is moved, never its
    /// target) into `lost+found/`, named after where it was.
    fn aside(&self, folder: &str, path: &Path) -> Option<String> {
        if !self.repair {
            return None;
        }
        let lf_path = self.root.join(LOST_FOUND);
        {
            use std::os::unix::fs::DirBuilderExt;
            if let Err(e) = std::fs::DirBuilder::new().mode(0o700).create(&lf_path)
                && e.kind() != std::io::ErrorKind::AlreadyExists
            {
                return None;
            }
        }
        let lf = super::safe::Dir::open(&lf_path).ok()?;
        let orig = path.file_name()?.to_string_lossy().replace('/', "_");
        let sub = path
            .parent()
            .and_then(|p| p.file_name())
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let dest = lf.path().join(format!(
            "{}.{}.{sub}.{orig}",
            super::deliver::unique_name(),
            folder.replace('/', "_")
        ));
        std::fs::rename(path, &dest)
            .ok()
            .map(|_| format!("moved to {}", dest.display()))
    }

    /// `.Folder` entries that are links or files: `folders` does not list them.
    fn linked_folders(&mut self) -> std::io::Result<()> {
        for e in std::fs::read_dir(self.root)?.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if !n.starts_with('.') || n == "." || n == ".." {
                continue;
            }
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_symlink() {
                let fixed = self.aside("INBOX", &e.path());
                self.push(
                    "INBOX",
                    "not-a-directory",
                    &e.path(),
                    format!(
                        "folder {n} is a symbolic link: never followed, its mail is not served"
                    ),
                    fixed,
                );
            }
        }
        Ok(())
    }

    fn dirs(&mut self, folder: &str, f: &Path) {
        for sub in ["cur", "new", "tmp"] {
            let d = f.join(sub);
            match std::fs::symlink_metadata(&d) {
                Ok(m) if m.file_type().is_dir() => continue,
                Ok(m) => {
                    let moved = self.aside(folder, &d);
                    let fixed = moved.and_then(|m| {
                        super::deliver::ensure(f)
                            .ok()
                            .map(|_| format!("{m}; created {}", d.display()))
                    });
                    self.push(
                        folder,
                        "not-a-directory",
                        &d,
                        format!(
                            "{sub}/ is {}: deliveries into and reads from it are refused",
                            describe(&m.file_type())
                        ),
                        fixed,
                    );
                }
                Err(_) => {
                    let fixed = if self.repair {
                        super::deliver::ensure(f)
                            .ok()
                            .map(|_| format!("created {}", d.display()))
                    } else {
                        None
                    };
                    self.push(
                        folder,
                        "missing-directory",
                        &d,
                        format!("{sub}/ is missing: deliveries and clients will fail"),
                        fixed,
                    );
                }
            }
        }
    }

    /// Stale tmp files: a delivery that never finished is not a message; moved aside.
    fn tmp(&mut self, folder: &str, f: &Path) {
        if !is_real_dir(&f.join("tmp")) {
            return;
        }
        let Ok(rd) = std::fs::read_dir(f.join("tmp")) else {
            return;
        };
        for e in rd.flatten() {
            let age = e
                .metadata()
                .ok()
                .and_then(|m| m.modified().ok())
                .and_then(|t| self.now.duration_since(t).ok());
            if let Some(age) = age.filter(|a| a.as_secs() > STALE_TMP_SECS) {
                let fixed = self.aside(folder, &e.path());
                self.push(
                    folder,
                    "stale-tmp",
                    &e.path(),
                    format!(
                        "left in tmp/ {} hours ago (an interrupted delivery)",
                        age.as_secs() / 3600
                    ),
                    fixed,
                );
            }
        }
    }

    fn messages(&mut self, folder: &str, f: &Path, sub: &str, seen: &mut HashMap<String, PathBuf>) {
        let dir = f.join(sub);
        if !is_real_dir(&dir) {
            return;
        }
        let Ok(rd) = std::fs::read_dir(&dir) else {
            return;
        };
        let mut list: Vec<_> = rd.flatten().collect();
        // The same order every run: which of two duplicates is "first" must not flip.
        list.sort_by_key(|e| e.file_name());
        for e in list {
            let path = e.path();
            let md = match std::fs::symlink_metadata(&path) {
                Ok(m) => m,
                Err(err) => {
                    self.push(folder, "unreadable", &path, err.to_string(), None);
                    continue;
                }
            };
            let ft = md.file_type();
            if !ft.is_file() {
                let kind = if ft.is_symlink() {
                    "symlink"
                } else {
                    "not-a-file"
                };
                let fixed = self.aside(folder, &path);
                self.push(
                    folder,
                    kind,
                    &path,
                    format!("{} among the messages: never served", describe(&ft)),
                    fixed,
                );
                continue;
            }
            match not_a_message(&path, &md) {
                Ok(None) => {}
                Ok(Some(why)) => {
                    let fixed = self.aside(folder, &path);
                    self.push(folder, "not-a-message", &path, why, fixed);
                    continue;
                }
                Err(err) => {
                    self.push(folder, "unreadable", &path, err.to_string(), None);
                    continue;
                }
            }
            let current = self.name(folder, f, sub, &path, seen);
            self.access(folder, &current, &md);
        }
    }

    /// Checks the name of a message file; with `repair`, renames it once to its canonical
    /// form (a fresh unique part where the old one is unusable, sorted upper-case flags, in
    /// the right sub-directory). Returns where the file is now.
    fn name(
        &mut self,
        folder: &str,
        f: &Path,
        sub: &str,
        path: &Path,
        seen: &mut HashMap<String, PathBuf>,
    ) -> PathBuf {
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let parsed = Name::parse(&file);
        let unusable = match &parsed {
            Err(why) => Some(("bad-name", why.0.clone())),
            Ok(_) if file.contains(' ') => Some((
                "name-space",
                "the name contains spaces (scripts and some clients break on it)".to_string(),
            )),
            Ok(n) => seen
                .get(&n.unique)
                .filter(|first| first.as_path() != path)
                .map(|first| {
                    (
                        "duplicate-name",
                        format!("same unique name as {}", first.display()),
                    )
                }),
        };
        let mut name = parsed.unwrap_or(Name {
            unique: String::new(),
            flags: None,
            size: None,
            time: None,
        });
        if unusable.is_some() {
            name.unique = super::deliver::unique_name();
        }
        let Some((kind, detail)) = unusable.or_else(|| self.info_problem(sub, &file, &name)) else {
            seen.insert(name.unique.clone(), path.to_path_buf());
            return path.to_path_buf();
        };
        let (to_sub, want) = self.canonical(sub, &name);
        let dest = f.join(to_sub).join(want.to_string());
        let fixed = if self.repair && std::fs::symlink_metadata(&dest).is_err() {
            std::fs::rename(path, &dest)
                .ok()
                .map(|_| format!("renamed to {}", dest.display()))
        } else {
            None
        };
        self.push(folder, kind, path, detail, fixed.clone());
        let now = if fixed.is_some() {
            dest
        } else {
            path.to_path_buf()
        };
        // Where it is now: a file moved from new/ to cur/ is not its own duplicate there.
        seen.entry(name.unique).or_insert_with(|| now.clone());
        now
    }

    /// What is wrong with the info part (`:2,FLAGS`) of a well-formed name, if anything.
    fn info_problem(&self, sub: &str, file: &str, name: &Name) -> Option<(&'static str, String)> {
        let raw = file.rsplit_once(":2,").map(|(_, fl)| fl);
        if sub == "new" && raw.is_some() {
            return Some((
                "info-in-new",
                "a file with flags (':2,') belongs in cur/".into(),
            ));
        }
        if sub == "cur" && raw.is_none() {
            return Some((
                "no-info-in-cur",
                "a file in cur/ needs an info part (':2,')".into(),
            ));
        }
        let raw = raw?;
        if !self.keywords && raw.chars().any(|c| "dfprst".contains(c)) {
            return Some((
                "flags-lowercase",
                format!("flags '{raw}': Maildir flags are upper-case (DFPRST)"),
            ));
        }
        (raw != name.flags.as_deref().unwrap_or("")).then(|| {
            (
                "flags-unsorted",
                format!("flags '{raw}' are not in ASCII order or repeat a letter"),
            )
        })
    }

    /// Where a message with this name belongs and its normal name: with flags in cur/
    /// (an empty info part at least), without in new/.
    fn canonical(&self, sub: &str, name: &Name) -> (&'static str, Name) {
        match (sub, &name.flags) {
            ("new", None) => ("new", name.clone()),
            _ => ("cur", self.normal(name)),
        }
    }

    /// The name with standard flags upper-cased (unless Dovecot keywords are in use).
    fn normal(&self, name: &Name) -> Name {
        let flags = name.flags.clone().unwrap_or_default();
        if self.keywords {
            return name.with_flags(&flags);
        }
        let up: String = flags
            .chars()
            .map(|c| {
                if "dfprst".contains(c) {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect();
        name.with_flags(&up)
    }

    fn access(&mut self, folder: &str, current: &Path, md: &std::fs::Metadata) {
        if md.uid() != self.owner {
            let detail = format!(
                "owned by uid {}, the Maildir by uid {}",
                md.uid(),
                self.owner
            );
            self.push(folder, "owner", current, detail, None);
        }
        if md.mode() & 0o007 != 0 {
            let fixed = if self.repair {
                std::fs::set_permissions(
                    current,
                    std::fs::Permissions::from_mode(md.mode() & 0o770),
                )
                .ok()
                .map(|_| "removed access for others".to_string())
            } else {
                None
            };
            let detail = format!(
                "mode {:o}: anyone on the machine may read it",
                md.mode() & 0o777
            );
            self.push(folder, "permissions", current, detail, fixed);
        }
    }
}

/// Why this regular file is not a message, if it is not.
fn not_a_message(path: &Path, md: &std::fs::Metadata) -> std::io::Result<Option<String>> {
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if file.starts_with('.') {
        return Ok(Some(format!(
            "'{file}' is a hidden file (another program's), not a message"
        )));
    }
    if md.len() == 0 {
        return Ok(Some("an empty file is not a message".into()));
    }
    Ok((!read_head(path)?).then(|| "no header section (not an RFC 5322 message)".into()))
}

/// Whether a file starts with a parsable header section.
fn read_head(path: &Path) -> std::io::Result<bool> {
    use std::io::Read;
    let mut buf = Vec::with_capacity(8192);
    super::safe::open_message(path)?
        .take(64 << 10)
        .read_to_end(&mut buf)?;
    // RFC 5322 §2.2: a message starts with a header field, `name: value`, the name printable
    // ASCII without spaces. (A leading mbox `From ` line is tolerated.)
    let first = buf
        .split(|&b| b == b'\n')
        .find(|l| !l.starts_with(b"From "))
        .unwrap_or(&[]);
    let field = first
        .iter()
        .position(|&b| b == b':')
        .is_some_and(|i| i > 0 && first[..i].iter().all(|&b| (33..=126).contains(&b)));
    Ok(field
        && mail_parser::MessageParser::default()
            .parse_headers(&buf)
            .is_some())
}

/// Per kind: how many, and the first few paths. What people read instead of a row per file.
#[derive(Debug, Clone, Serialize)]
pub struct KindSummary {
    pub kind: &'static str,
    pub count: usize,
    pub repaired: usize,
    pub examples: Vec<String>,
    /// The detail of the first one.
    pub detail: String,
}

/// Problems grouped by kind, in order of first appearance, with up to `examples` paths each.
pub fn summarize(problems: &[Problem], examples: usize) -> Vec<KindSummary> {
    let mut out: Vec<KindSummary> = Vec::new();
    for p in problems {
        let i = match out.iter().position(|s| s.kind == p.kind) {
            Some(i) => i,
            None => {
                out.push(KindSummary {
                    kind: p.kind,
                    count: 0,
                    repaired: 0,
                    examples: Vec::new(),
                    detail: p.detail.clone(),
                });
                out.len() - 1
            }
        };
        let s = &mut out[i];
        s.count += 1;
        s.repaired += usize::from(p.repaired.is_some());
        if s.examples.len() < examples {
            s.examples.push(p.path.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests;
