//! What the `domain` commands share, and what other groups use: reading a domain name,
//! showing one, its JSON shape, and the size of a directory tree.

use serde::Serialize;

use crate::cli::{Fail, timestamp};
use crate::core::Domain;
use crate::core::domains::DomainInfo;

#[derive(Serialize)]
pub struct DomainJson {
    pub domain: String,
    pub unicode: String,
    pub users: u64,
    pub aliases: u64,
    pub created: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maildir_bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maildir_path: Option<String>,
}

pub fn to_json(d: &DomainInfo) -> DomainJson {
    DomainJson {
        domain: d.name.to_string(),
        unicode: d.name.unicode(),
        users: d.users,
        aliases: d.aliases,
        created: timestamp(d.created),
        maildir_bytes: None,
        maildir_path: None,
    }
}

/// Shows `bücher.example (xn--bcher-kva.example)` for IDNs, the plain name otherwise.
pub fn display(d: &Domain) -> String {
    if d.is_idn() {
        format!("{} ({})", d.unicode(), d)
    } else {
        d.to_string()
    }
}

pub fn parse(input: &str) -> anyhow::Result<Domain> {
    Domain::parse(input).map_err(|e| Fail::usage(format!("invalid domain: {e}")).into())
}

/// `--domain D`, which the list commands take: flattened into their arguments.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct Only {
    /// Only this domain.
    #[arg(long)]
    domain: Option<String>,
}

impl Only {
    /// The domain to keep to, if one was given; a bad name is a usage error.
    pub fn parse(&self) -> anyhow::Result<Option<Domain>> {
        self.domain.as_deref().map(parse).transpose()
    }
}

/// Total size of the regular files under `path` (0 if it does not exist). Symlinks are not
/// followed, so a link cannot make the walk leave the data directory.
pub fn dir_size(path: &std::path::Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(e.path()),
                Ok(t) if t.is_file() => total += e.metadata().map(|m| m.len()).unwrap_or(0),
                _ => {}
            }
        }
    }
    total
}
