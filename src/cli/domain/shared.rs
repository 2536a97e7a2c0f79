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
    /// Its inbound policy (`domain show`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inbound: Option<InboundJson>,
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
        inbound: None,
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

/// A domain's or user's inbound overrides and what applies with them (`domain show`,
/// `domain set`, `user show`, `user set`).
#[derive(Serialize)]
pub struct InboundJson {
    /// Set here; absent fields follow the next level (user → domain → server).
    pub overrides: crate::core::overrides::Override,
    /// In force, each with where it comes from (`server`, `domain`, `user`).
    pub effective: crate::inbound::recipients::Thresholds,
}

/// What applies to `rcpt` (an address, or `@domain` for the domain alone), from the
/// settings and every override.
pub fn inbound_effective(
    db: &crate::core::Db,
    rcpt: &str,
) -> anyhow::Result<crate::inbound::recipients::Thresholds> {
    let settings = db.effective_settings()?;
    let mut policy = crate::inbound::Policy::from_lookup(
        |k| settings.get(k).cloned().unwrap_or_default(),
        Vec::new(),
        "",
    )
    .map_err(|e| Fail::hint(e, "`mailctl config list` shows the settings"))?;
    policy.overrides = db.inbound_overrides()?;
    Ok(crate::inbound::recipients::thresholds(&policy, rcpt))
}

/// One line: `spam: junk at 3 (domain), reject at 15 (server), action reject (server);
/// DMARC failures: p=reject → reject (server), p=quarantine → junk (server)`.
pub fn inbound_text(t: &crate::inbound::recipients::Thresholds) -> String {
    let f =
        |v: String, from: crate::inbound::recipients::Source| format!("{v} ({})", from.as_str());
    format!(
        "spam junk at {}, reject at {}, action {}; DMARC p=reject → {}, p=quarantine → {}",
        f(t.spam_junk_score.value.to_string(), t.spam_junk_score.from),
        f(
            t.spam_reject_score.value.to_string(),
            t.spam_reject_score.from
        ),
        f(t.spam_action.value.clone(), t.spam_action.from),
        f(t.dmarc_reject.value.clone(), t.dmarc_reject.from),
        f(t.dmarc_quarantine.value.clone(), t.dmarc_quarantine.from),
    )
}

/// `--spam-junk-score` / `--spam-reject-score`: a score such as 6 or 5.5, or `default` to
/// follow the next level (`None`). Exit 1 with a hint when it is neither.
pub fn parse_score(flag: &str, v: &str) -> anyhow::Result<Option<f64>> {
    if v == "default" {
        return Ok(None);
    }
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() && x.abs() <= 1000.0 => Ok(Some(x)),
        _ => Err(Fail::hint(
            format!("{flag}: '{v}' is not a score"),
            "give a number from -1000 to 1000 such as 6 or 5.5, or default to follow the server's setting",
        )
        .into()),
    }
}
