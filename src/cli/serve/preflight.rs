//! What `serve` checks after dropping privileges and before taking mail: that the account it
//! now runs as can use every file it needs (issue 16.1). A daemon that starts and then answers
//! `451 4.3.0` to every recipient, or sends unsigned mail with a WARN, is worse than one that
//! refuses to start and names the file, its owner and mode, and the command that fixes it.
//!
//! Not here: reading the certificate (done as root before the drop), fixing anything.

use crate::cli::Fail;
use crate::core::owner::{self, Need, Problem};
use crate::core::runtime::SigningKey;
use crate::core::{DataDir, Domain};

/// Most problems listed in one refusal; the rest are counted.
const SHOWN: usize = 8;

/// Checks the data directory; returns the DKIM keys outbound mail will be signed with.
pub fn check(
    data_dir: &DataDir,
    domains: &[Domain],
    user: &str,
    acme: Option<&crate::acme::Config>,
) -> Result<Vec<SigningKey>, Fail> {
    let mut problems: Vec<Problem> = Vec::new();
    let mut need = |p: &std::path::Path, n: Need| {
        if let Some(pr) = owner::problem(p, n) {
            problems.push(pr);
        }
    };
    let db = data_dir.db();
    need(data_dir.root(), Need::Dir);
    need(&db, Need::ReadWrite);
    need(&crate::core::db::wal_file(&db, "-wal"), Need::ReadWrite);
    need(&crate::core::db::wal_file(&db, "-shm"), Need::ReadWrite);
    for dir in [data_dir.queue(), data_dir.mail_root()] {
        need(&dir, Need::Dir);
    }
    // Queue files: a message root queued with `sendmail` that the daemon cannot read would
    // sit there for ever.
    for e in std::fs::read_dir(data_dir.queue())
        .into_iter()
        .flatten()
        .flatten()
    {
        need(&e.path(), Need::ReadWrite);
    }
    // Domain and mailbox directories (not every message: that is `maildir check`'s job).
    for d in std::fs::read_dir(data_dir.mail_root())
        .into_iter()
        .flatten()
        .flatten()
    {
        need(&d.path(), Need::Dir);
        for m in std::fs::read_dir(d.path()).into_iter().flatten().flatten() {
            need(&m.path(), Need::Dir);
        }
    }
    // ACME renews as this account: it writes its state and replaces the certificate files
    // (by rename, so their directories must be writable).
    if let Some(a) = acme {
        need(&a.state_dir, Need::Dir);
        need(&a.challenges(), Need::Dir);
        for f in [&a.cert, &a.key] {
            if let Some(dir) = f.parent() {
                need(dir, Need::Dir);
            }
        }
    }
    let dkim_dir = data_dir.dkim();
    need(&dkim_dir, Need::List);
    let mut keys = Vec::new();
    for d in domains {
        for k in crate::dkim::keys_each(&dkim_dir, d).into_iter().flatten() {
            keys.push(SigningKey {
                domain: k.domain,
                selector: k.selector,
                path: k.path.display().to_string(),
            });
        }
        // Key files that could not be read at all are problems with a path.
        for e in std::fs::read_dir(&dkim_dir).into_iter().flatten().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with(&format!("{d}.")) && name.ends_with(".key") {
                need(&e.path(), Need::Read);
            }
        }
    }
    if problems.is_empty() {
        return Ok(keys);
    }
    Err(refusal(&problems, user))
}

fn refusal(problems: &[Problem], user: &str) -> Fail {
    let mut msg = format!(
        "refusing to start: running as {user}, the daemon {}",
        problems[0]
    );
    for p in problems.iter().skip(1).take(SHOWN - 1) {
        msg.push_str(&format!("\n  and {p}"));
    }
    if problems.len() > SHOWN {
        msg.push_str(&format!("\n  and {} more", problems.len() - SHOWN));
    }
    let mut fixes: Vec<String> = problems
        .iter()
        .take(SHOWN)
        .map(|p| {
            if p.path.is_dir() {
                format!("chown -R {user}: {}", p.path.display())
            } else {
                format!("chown {user}: {}", p.path.display())
            }
        })
        .collect();
    fixes.dedup();
    Fail::hint(
        msg,
        format!(
            "as root: {} (mailctl's own commands hand new files to server.user; these were made another way)",
            fixes.join(" && ")
        ),
    )
}
