//! The Maildir++ folder tree: the root is INBOX, each `.A.B` directory beside `cur/new/tmp`
//! is folder `A/B`, each component in IMAP modified UTF-7 (RFC 3501 §5.1.3) and then escaped
//! as Dovecot's `maildir_name_escape_char=~` does, so a component may hold a `.` (the on-disk
//! separator): "v1.2" lives in `.v1~2e2`, and `~` itself is `~7e`. Folders whose names have
//! no `~` keep the directory they always had. This is the one name mapping: IMAP, POP3, local
//! delivery into folders and the CLI all go through [`folder_path`] and [`folders`]. Also
//! per-folder statistics read from directory entries (sizes from `,S=` when the name carries
//! it, else one stat). Not here: which names a protocol accepts (`crate::imap::cmd::names`).

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::name::Name;
use super::utf7;

#[derive(Debug, Clone, Serialize)]
pub struct Folder {
    /// `INBOX`, `Sent`, `Archive/2024`.
    pub name: String,
    pub path: PathBuf,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct FolderError(pub String);

/// Every folder of a Maildir, INBOX first, then by name.
pub fn folders(root: &Path) -> std::io::Result<Vec<Folder>> {
    let mut out = vec![Folder {
        name: "INBOX".into(),
        path: root.to_path_buf(),
    }];
    let mut subs = Vec::new();
    for e in std::fs::read_dir(root)?.flatten() {
        let file = e.file_name();
        let Some(n) = file.to_str() else { continue };
        if !n.starts_with('.')
            || n == "."
            || n == ".."
            || !e.file_type().map(|t| t.is_dir()).unwrap_or(false)
        {
            continue;
        }
        let display = n[1..]
            .split('.')
            .map(decode_component)
            .collect::<Vec<_>>()
            .join("/");
        subs.push(Folder {
            name: display,
            path: e.path(),
        });
    }
    subs.sort_by(|a, b| a.name.cmp(&b.name));
    out.extend(subs);
    Ok(out)
}

/// The escape character on disk: `~` followed by two lowercase hex digits is that byte.
const ESCAPE: char = '~';

/// One directory-name component for one folder-name component: modified UTF-7, then `.`
/// (the Maildir++ separator) and the escape character escaped.
fn encode_component(comp: &str) -> String {
    let mut out = String::new();
    for c in utf7::encode(comp).chars() {
        match c {
            '.' | ESCAPE => out.push_str(&format!("{ESCAPE}{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// The folder-name component of a directory-name component. Only the two escapes
/// [`encode_component`] writes are read, so every name maps back to its directory; any other
/// `~` (a directory another program made) is kept as it is, and so is a component that is
/// not valid modified UTF-7.
fn decode_component(comp: &str) -> String {
    // One left-to-right pass: "~7e2e" is "~2e", not ".".
    let unescaped = unescape(comp);
    utf7::decode(&unescaped).unwrap_or(unescaped)
}

fn unescape(comp: &str) -> String {
    let mut out = String::with_capacity(comp.len());
    let mut rest = comp;
    while let Some(at) = rest.find(ESCAPE) {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(t) = tail.strip_prefix("~2e") {
            out.push('.');
            rest = t;
        } else if let Some(t) = tail.strip_prefix("~7e") {
            out.push(ESCAPE);
            rest = t;
        } else {
            out.push(ESCAPE);
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The directory of folder `name` (`INBOX`, or `A/B`). Refuses names that could leave the
/// Maildir or cannot be stored: empty components, `.`/`..`, NUL and other control
/// characters. A `.` inside a component is escaped (see the module doc).
pub fn folder_path(root: &Path, name: &str) -> Result<PathBuf, FolderError> {
    if name.eq_ignore_ascii_case("INBOX") || name.is_empty() {
        return Ok(root.to_path_buf());
    }
    let mut dir = String::new();
    for comp in name.split('/') {
        if comp.is_empty() || comp == "." || comp == ".." {
            return Err(FolderError(format!(
                "folder '{name}' has an empty, '.' or '..' component"
            )));
        }
        if comp.chars().any(char::is_control) {
            return Err(FolderError(format!(
                "folder '{}' contains a control character",
                name.escape_debug()
            )));
        }
        dir.push('.');
        dir.push_str(&encode_component(comp));
    }
    let path = root.join(dir);
    // A folder made before `~` was escaped ("a~b" in `.a~b`) keeps its directory.
    if name.contains(ESCAPE) && !path.exists() {
        let legacy: Vec<String> = name.split('/').map(utf7::encode).collect();
        let legacy = root.join(format!(".{}", legacy.join(".")));
        let decodes_back = legacy
            .file_name()
            .and_then(|f| f.to_str())
            .is_some_and(|f| {
                f[1..]
                    .split('.')
                    .map(decode_component)
                    .collect::<Vec<_>>()
                    .join("/")
                    == name
            });
        if !name.contains('.') && decodes_back && legacy.is_dir() {
            return Ok(legacy);
        }
    }
    Ok(path)
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    pub new: u64,
    pub cur: u64,
    pub unread: u64,
    pub flagged: u64,
    /// Marked deleted (T) but not expunged.
    pub deleted: u64,
    pub bytes: u64,
    #[serde(serialize_with = "crate::core::time::serialize_opt")]
    pub oldest: Option<i64>,
    #[serde(serialize_with = "crate::core::time::serialize_opt")]
    pub newest: Option<i64>,
    /// Files in tmp/: deliveries in progress, or left behind by a crash.
    pub tmp: u64,
    /// Of cur/, new/, tmp/, the ones that are missing.
    pub missing: Vec<String>,
}

/// One message file of a folder.
#[derive(Debug, Clone)]
pub struct Entry {
    pub path: PathBuf,
    pub name: Name,
    pub in_new: bool,
}

/// The message files of a folder (new/ then cur/). Unparsable names, and anything that is
/// not a regular file (symlinks above all: see `safe`), are skipped here; `check` reports
/// them. A `new/` or `cur/` that is itself a link is not read at all.
pub fn entries(folder: &Path) -> Vec<Entry> {
    let mut out = Vec::new();
    for (sub, in_new) in [("new", true), ("cur", false)] {
        let dir = folder.join(sub);
        if !super::safe::is_real_dir(&dir) {
            continue;
        }
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            // d_type from readdir (or lstat): never follows a link.
            if !e.file_type().is_ok_and(|t| t.is_file()) {
                continue;
            }
            let Some(n) = e.file_name().to_str().map(str::to_string) else {
                continue;
            };
            if let Ok(name) = Name::parse(&n) {
                out.push(Entry {
                    path: e.path(),
                    name,
                    in_new,
                });
            }
        }
    }
    out
}

/// Statistics of one folder from its directory entries.
pub fn stats(folder: &Path) -> Stats {
    let mut s = Stats::default();
    for sub in ["cur", "new", "tmp"] {
        if !super::safe::is_real_dir(&folder.join(sub)) {
            s.missing.push(sub.to_string());
        }
    }
    for e in entries(folder) {
        if e.in_new {
            s.new += 1;
        } else {
            s.cur += 1;
        }
        // A message in new/ has not been seen by any client yet.
        if e.in_new || !e.name.has('S') {
            s.unread += 1;
        }
        if e.name.has('F') {
            s.flagged += 1;
        }
        if e.name.has('T') {
            s.deleted += 1;
        }
        let (size, time) = match (e.name.size, e.name.time) {
            (Some(sz), Some(t)) => (sz, t),
            _ => {
                let md = std::fs::symlink_metadata(&e.path).ok();
                let size = e
                    .name
                    .size
                    .or_else(|| md.as_ref().map(|m| m.len()))
                    .unwrap_or(0);
                let time = e.name.time.or_else(|| {
                    md.and_then(|m| m.modified().ok())
                        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                        .map(|d| d.as_secs() as i64)
                });
                (size, time.unwrap_or(0))
            }
        };
        s.bytes += size;
        s.oldest = Some(s.oldest.map_or(time, |o| o.min(time)));
        s.newest = Some(s.newest.map_or(time, |n| n.max(time)));
    }
    s.tmp = std::fs::read_dir(folder.join("tmp"))
        .map(|d| d.count() as u64)
        .unwrap_or(0);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_paths_cannot_escape() {
        let root = Path::new("/m");
        assert_eq!(folder_path(root, "INBOX").unwrap(), PathBuf::from("/m"));
        assert_eq!(
            folder_path(root, "Archive/2024").unwrap(),
            PathBuf::from("/m/.Archive.2024")
        );
        assert_eq!(
            folder_path(root, "Entwürfe").unwrap(),
            PathBuf::from("/m/.Entw&APw-rfe")
        );
        for bad in ["..", "a/../b", "/abs", "a//b", "x\0y", "a/"] {
            assert!(folder_path(root, bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn dots_and_tildes_are_escaped_like_dovecot() {
        let root = Path::new("/m");
        for (name, dir) in [
            ("v1.2", "/m/.v1~2e2"),
            ("a~b", "/m/.a~7eb"),
            ("Proj/v1.2.3", "/m/.Proj.v1~2e2~2e3"),
            ("...x", "/m/.~2e~2e~2ex"),
            ("Entwürfe.alt", "/m/.Entw&APw-rfe~2ealt"),
        ] {
            assert_eq!(
                folder_path(root, name).unwrap(),
                PathBuf::from(dir),
                "{name}"
            );
        }
        // Directories without an escape decode as they always did; a stray `~` stays.
        assert_eq!(decode_component("Sent"), "Sent");
        assert_eq!(decode_component("a~zz"), "a~zz");
        assert_eq!(decode_component("a~"), "a~");
        assert_eq!(decode_component("a~41"), "a~41");
        assert_eq!(decode_component("~7e2e"), "~2e");
    }

    #[test]
    fn a_folder_from_before_the_escape_keeps_its_directory() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join(".old~x")).unwrap();
        let f = folders(tmp.path()).unwrap();
        assert_eq!(f[1].name, "old~x");
        assert_eq!(
            folder_path(tmp.path(), "old~x").unwrap(),
            tmp.path().join(".old~x")
        );
        // A new folder with a `~` is escaped.
        assert_eq!(
            folder_path(tmp.path(), "new~x").unwrap(),
            tmp.path().join(".new~7ex")
        );
    }

    #[test]
    fn dotted_folders_are_listed_under_their_names() {
        let tmp = tempfile::tempdir().unwrap();
        for name in ["v1.2", "Proj/v1.2.3", "a~b", "Entwürfe.alt"] {
            std::fs::create_dir_all(folder_path(tmp.path(), name).unwrap()).unwrap();
        }
        let names: Vec<String> = folders(tmp.path())
            .unwrap()
            .into_iter()
            .map(|f| f.name)
            .collect();
        assert_eq!(
            names,
            ["INBOX", "Entwürfe.alt", "Proj/v1.2.3", "a~b", "v1.2"]
        );
    }

    proptest::proptest! {
        #[test]
        fn components_round_trip(comp in "[^/\\p{Cc}]{1,30}") {
            proptest::prop_assume!(comp != "." && comp != "..");
            let enc = encode_component(&comp);
            proptest::prop_assert!(!enc.contains('.') && !enc.contains('/'));
            proptest::prop_assert_eq!(decode_component(&enc), comp);
        }
    }
}
