//! `maildir check`: what is wrong with a Maildir, and with `repair`, the fixes that cannot
//! lose mail. Found: folders missing cur/new/tmp, files left in tmp/ longer than 36 hours
//! (the Maildir rule), names that are not Maildir names, unique names used twice, messages
//! without a header section, unreadable files, files others may read or not owned by the
//! Maildir's owner. Repaired: missing directories recreated, stale tmp files moved to the
//! `lost+found` folder, bad and duplicate names renamed, permissions narrowed. A message is
//! never deleted.

use std::collections::HashMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::folder::folders;
use super::name::Name;

/// Files in tmp/ older than this are abandoned deliveries (maildir(5): 36 hours).
pub const STALE_TMP_SECS: u64 = 36 * 3600;

#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub folder: String,
    pub kind: &'static str,
    pub path: String,
    pub detail: String,
    /// What `--repair` did, if anything.
    pub repaired: Option<String>,
}

fn fresh_name() -> String {
    format!("{}:2,", super::deliver::unique_name())
}

/// Checks (and with `repair`, fixes) every folder under `root`.
pub fn check(root: &Path, repair: bool) -> std::io::Result<Vec<Problem>> {
    let mut out = Vec::new();
    let owner = std::fs::metadata(root)?.uid();
    let now = std::time::SystemTime::now();
    for folder in folders(root)? {
        let f = &folder.path;
        let mut p = |kind: &'static str, path: &Path, detail: String, repaired: Option<String>| {
            out.push(Problem {
                folder: folder.name.clone(),
                kind,
                path: path.display().to_string(),
                detail,
                repaired,
            });
        };
        for sub in ["cur", "new", "tmp"] {
            let d = f.join(sub);
            if !d.is_dir() {
                let fixed = if repair {
                    std::fs::create_dir_all(&d)
                        .ok()
                        .map(|_| format!("created {}", d.display()))
                } else {
                    None
                };
                p(
                    "missing-directory",
                    &d,
                    format!("{sub}/ is missing: deliveries and clients will fail"),
                    fixed,
                );
            }
        }
        // Stale tmp files: move them to lost+found, never delete.
        if let Ok(rd) = std::fs::read_dir(f.join("tmp")) {
            for e in rd.flatten() {
                let age = e
                    .metadata()
                    .ok()
                    .and_then(|m| m.modified().ok())
                    .and_then(|t| now.duration_since(t).ok());
                if let Some(age) = age.filter(|a| a.as_secs() > STALE_TMP_SECS) {
                    let fixed = if repair {
                        let lf = root.join(".lost+found");
                        super::deliver::ensure(&lf).ok();
                        let dest = lf.join("cur").join(fresh_name());
                        std::fs::rename(e.path(), &dest).ok().map(|_| {
                            let _ = std::fs::set_permissions(
                                &dest,
                                std::fs::Permissions::from_mode(0o600),
                            );
                            format!("moved to {}", dest.display())
                        })
                    } else {
                        None
                    };
                    p(
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
        let mut seen: HashMap<String, PathBuf> = HashMap::new();
        for sub in ["new", "cur"] {
            let Ok(rd) = std::fs::read_dir(f.join(sub)) else {
                continue;
            };
            for e in rd.flatten() {
                let path = e.path();
                let file = e.file_name().to_string_lossy().into_owned();
                let md = match e.metadata() {
                    Ok(m) => m,
                    Err(err) => {
                        p("unreadable", &path, err.to_string(), None);
                        continue;
                    }
                };
                if !md.is_file() {
                    continue;
                }
                let mut current = path.clone();
                match Name::parse(&file) {
                    Err(why) => {
                        let fixed = if repair {
                            let dest = f.join(sub).join(fresh_name());
                            std::fs::rename(&path, &dest).ok().map(|_| {
                                current = dest.clone();
                                format!("renamed to {}", dest.display())
                            })
                        } else {
                            None
                        };
                        p("bad-name", &path, why.0, fixed);
                    }
                    Ok(name) => {
                        if let Some(first) = seen.get(&name.unique) {
                            let fixed = if repair {
                                let dest = f.join(sub).join(
                                    name.with_flags(name.flags.as_deref().unwrap_or(""))
                                        .to_string()
                                        .replacen(&name.unique, &super::deliver::unique_name(), 1),
                                );
                                std::fs::rename(&path, &dest).ok().map(|_| {
                                    current = dest.clone();
                                    format!("renamed to {}", dest.display())
                                })
                            } else {
                                None
                            };
                            p(
                                "duplicate-name",
                                &path,
                                format!("same unique name as {}", first.display()),
                                fixed,
                            );
                        } else {
                            seen.insert(name.unique.clone(), path.clone());
                        }
                    }
                }
                if md.uid() != owner {
                    p(
                        "owner",
                        &current,
                        format!("owned by uid {}, the Maildir by uid {owner}", md.uid()),
                        None,
                    );
                }
                if md.mode() & 0o007 != 0 {
                    let fixed = if repair {
                        std::fs::set_permissions(
                            &current,
                            std::fs::Permissions::from_mode(md.mode() & 0o770),
                        )
                        .ok()
                        .map(|_| "removed access for others".to_string())
                    } else {
                        None
                    };
                    p(
                        "permissions",
                        &current,
                        format!(
                            "mode {:o}: anyone on the machine may read it",
                            md.mode() & 0o777
                        ),
                        fixed,
                    );
                }
                match read_head(&current) {
                    Ok(true) => {}
                    Ok(false) => p(
                        "unparsable",
                        &current,
                        "no header section (not an RFC 5322 message)".into(),
                        None,
                    ),
                    Err(err) => p("unreadable", &current, err.to_string(), None),
                }
            }
        }
    }
    Ok(out)
}

/// Whether a file starts with a parsable header section.
fn read_head(path: &Path) -> std::io::Result<bool> {
    use std::io::Read;
    let mut buf = Vec::with_capacity(8192);
    std::fs::File::open(path)?
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_and_repairs_without_losing_anything() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        super::super::deliver::ensure(root).unwrap();
        std::fs::create_dir_all(root.join(".Broken/cur")).unwrap(); // no new/ or tmp/
        std::fs::write(root.join("cur/1700000000.a.host:2,S"), "Subject: a\n\nx\n").unwrap();
        std::fs::write(root.join("new/1700000000.a.host"), "Subject: dup\n\nx\n").unwrap();
        std::fs::write(root.join("cur/bad:name:9"), "Subject: b\n\nx\n").unwrap();
        std::fs::write(
            root.join("cur/1700000001.c.host:2,"),
            "no headers at all, just text",
        )
        .unwrap();
        let stale = root.join("tmp/1600000000.old.host");
        std::fs::write(&stale, "Subject: stale\n\nx\n").unwrap();
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(40 * 3600);
        std::fs::File::options()
            .write(true)
            .open(&stale)
            .unwrap()
            .set_modified(old)
            .unwrap();
        let found = check(root, false).unwrap();
        let kinds: Vec<&str> = found.iter().map(|p| p.kind).collect();
        for k in [
            "missing-directory",
            "stale-tmp",
            "bad-name",
            "duplicate-name",
            "unparsable",
        ] {
            assert!(kinds.contains(&k), "{k} not found in {found:#?}");
        }
        let before: usize = count_files(root);
        let fixed = check(root, true).unwrap();
        assert!(
            fixed
                .iter()
                .filter(|p| p.kind != "unparsable")
                .all(|p| p.repaired.is_some()),
            "{fixed:#?}"
        );
        assert_eq!(
            count_files(root),
            before,
            "repair must not delete a message"
        );
        let again = check(root, false).unwrap();
        assert_eq!(
            again.iter().map(|p| p.kind).collect::<Vec<_>>(),
            ["unparsable"],
            "{again:#?}"
        );
        assert!(root.join(".lost+found/cur").read_dir().unwrap().count() == 1);
    }

    fn count_files(root: &Path) -> usize {
        let mut n = 0;
        let mut stack = vec![root.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                if e.file_type().unwrap().is_dir() {
                    stack.push(e.path());
                } else {
                    n += 1;
                }
            }
        }
        n
    }
}
