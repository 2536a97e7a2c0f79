//! Safe upgrades of the core database (issue 22.2): before the numbered migrations of
//! `core::db` change a database, a consistent copy of it is kept as
//! `<data-dir>/backups/pre-upgrade-v<N>.db`; the daemon prunes it after the next start that
//! did not migrate (the upgraded server has run). `upgrade --check` asks [`plan`] what this
//! binary would do; `upgrade --restore-snapshot` ([`restore_snapshot`]) goes back to the
//! copy, e.g. after going back to the older binary, which refuses the newer schema and names
//! that command.
//!
//! A PostgreSQL core (`database.url`) gets no such copy: `Db::open` migrates it in place, in
//! one transaction, and going back is restoring the `pg_dump` taken before the upgrade.
//! [`plan`] reads its schema version without migrating; [`restore_snapshot`] refuses there.
//!
//! Not here: the migrations themselves (`core::db`), printing (`cli::upgrade`).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

use super::backup::sqlite;
use super::migrations::SCHEMA_VERSION;
use super::sql::Sql;
use super::{CoreError, DataDir, Result};

/// Set when this process migrated the core: its start is not yet the "next" one.
static MIGRATED: AtomicBool = AtomicBool::new(false);

const PREFIX: &str = "pre-upgrade-v";

pub fn backups_dir(data_dir: &DataDir) -> PathBuf {
    data_dir.root().join("backups")
}

pub fn snapshot_path(data_dir: &DataDir, version: i64) -> PathBuf {
    backups_dir(data_dir).join(format!("{PREFIX}{version}.db"))
}

/// Called by `core::db` before it migrates a database at schema `from`: keeps a copy.
pub(crate) fn before_migration(data_dir: &DataDir, from: i64) -> Result<PathBuf> {
    MIGRATED.store(true, Ordering::Relaxed);
    let dir = backups_dir(data_dir);
    data_dir
        .create_dir(&dir, 0o700)
        .map_err(|e| CoreError::io(&dir, e))?;
    let dst = snapshot_path(data_dir, from);
    // Written under a name of its own and renamed, so two processes upgrading at once
    // never see half a copy.
    let tmp = dir.join(format!(".{PREFIX}{from}.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    sqlite::snapshot(&data_dir.db(), &tmp)?;
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| CoreError::io(&tmp, e))?;
    }
    std::fs::rename(&tmp, &dst).map_err(|e| CoreError::io(&dst, e))?;
    data_dir
        .hand_over(&[&dst])
        .map_err(|e| CoreError::io(&dst, e))?;
    Ok(dst)
}

/// The pre-upgrade copies present, oldest schema first.
pub fn snapshots(data_dir: &DataDir) -> Vec<(i64, PathBuf)> {
    let mut out: Vec<(i64, PathBuf)> = std::fs::read_dir(backups_dir(data_dir))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            let v = name
                .strip_prefix(PREFIX)?
                .strip_suffix(".db")?
                .parse()
                .ok()?;
            Some((v, e.path()))
        })
        .collect();
    out.sort();
    out
}

/// After a daemon started (listeners bound): if this process did not migrate, the upgraded
/// server has now run once, and the pre-upgrade copies go.
pub fn prune_after_start(data_dir: &DataDir) -> Vec<PathBuf> {
    if MIGRATED.load(Ordering::Relaxed) {
        return Vec::new();
    }
    let mut gone = Vec::new();
    for (_, p) in snapshots(data_dir) {
        if std::fs::remove_file(&p).is_ok() {
            tracing::info!(path = %p.display(), "pruned the pre-upgrade database copy after a good start");
            gone.push(p);
        }
    }
    gone
}

/// One migration this binary would apply.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub version: i64,
    /// What it does, from its statements ("create table x", "add column t.c").
    pub changes: Vec<String>,
}

/// What `upgrade --check` reports.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub found: i64,
    pub known: i64,
    pub steps: Vec<Step>,
    /// Whether this binary can open the database (false: its schema is newer).
    pub can: bool,
    /// The pre-upgrade copy a refused database can go back to, if one is there (never on
    /// PostgreSQL).
    pub snapshot: Option<String>,
    /// `sqlite` or `postgres`: on PostgreSQL no copy is kept before migrating.
    pub engine: &'static str,
}

/// What this binary would migrate in `data_dir`, without changing anything.
pub fn plan(data_dir: &DataDir) -> Result<Plan> {
    let url = data_dir.database_url()?;
    let (found, known) = match &url {
        // `migrate_postgres` migrates to SCHEMA_VERSION: the test limit is SQLite's.
        Some(url) => (postgres_schema_version(url)?, SCHEMA_VERSION),
        None => (
            sqlite::schema_version(&data_dir.db())?,
            super::db::known_version(),
        ),
    };
    let steps = super::migrations::MIGRATIONS
        .iter()
        .enumerate()
        .take(known as usize)
        .skip(found.max(0) as usize)
        .map(|(i, m)| Step {
            version: i as i64 + 1,
            changes: describe(if url.is_some() {
                m.postgres()
            } else {
                m.sqlite()
            }),
        })
        .collect();
    let snapshot = match url {
        Some(_) => None,
        None => snapshots(data_dir)
            .last()
            .map(|(_, p)| p.display().to_string()),
    };
    Ok(Plan {
        found,
        known,
        steps,
        can: found <= known,
        snapshot,
        engine: if url.is_some() { "postgres" } else { "sqlite" },
    })
}

/// The schema version of the PostgreSQL database at `url`, read without migrating or
/// locking anything (`Db::open` would migrate); 0 for a database mailctl never used.
fn postgres_schema_version(url: &str) -> Result<i64> {
    let place = super::paths::redact_url(url);
    let sql = Sql::postgres(super::pgconnect::connect(url, &place)?);
    let there: bool = sql
        .query_one("SELECT to_regclass('mailctl_schema') IS NOT NULL", &[])?
        .get(0)?;
    if !there {
        return Ok(0);
    }
    super::migrations::postgres_version(&sql)
}

/// A short account of a migration's statements.
fn describe(sql: &str) -> Vec<String> {
    sql.split(';')
        .filter_map(|stmt| {
            let words: Vec<&str> = stmt.split_whitespace().collect();
            match words.as_slice() {
                ["CREATE", "TABLE", t, ..] => Some(format!("create table {t}")),
                ["CREATE", "INDEX", i, ..] | ["CREATE", "UNIQUE", "INDEX", i, ..] => {
                    Some(format!("create index {i}"))
                }
                ["ALTER", "TABLE", t, "ADD", "COLUMN", c, ..] => {
                    Some(format!("add column {t}.{c}"))
                }
                [] => None,
                other => Some(other.iter().take(3).copied().collect::<Vec<_>>().join(" ")),
            }
        })
        .collect()
}

/// The command that goes back to the pre-upgrade copy, for the refusal of a newer schema.
pub fn restore_command(data_dir: &DataDir) -> Option<String> {
    let (v, _) = snapshots(data_dir).pop()?;
    Some(format!(
        "mailctl upgrade --restore-snapshot --data-dir {} (back to schema v{v}; changes since the upgrade are lost)",
        data_dir.root().display()
    ))
}

/// Puts the newest pre-upgrade copy back as the core database; the current one is kept as
/// `backups/replaced-v<N>-<time>.db`. Refused while a daemon runs. Returns (the schema
/// version restored, where the replaced database went).
pub fn restore_snapshot(data_dir: &DataDir) -> Result<(i64, PathBuf)> {
    if let Some(url) = data_dir.database_url()? {
        return Err(CoreError::Refused(format!(
            "the core database is on PostgreSQL ({}): there are no file snapshots for a PostgreSQL core",
            super::paths::redact_url(&url)
        )));
    }
    if let Some(d) = super::runtime::running(data_dir).first() {
        return Err(CoreError::Refused(format!(
            "a mailctl daemon (pid {}) is running on {}; stop it first",
            d.pid,
            data_dir.root().display()
        )));
    }
    let Some((v, snap)) = snapshots(data_dir).pop() else {
        return Err(CoreError::Refused(format!(
            "no pre-upgrade copy in {}",
            backups_dir(data_dir).display()
        )));
    };
    let db = data_dir.db();
    let current = sqlite::schema_version(&db).unwrap_or(-1);
    let aside = backups_dir(data_dir).join(format!("replaced-v{current}-{}.db", super::now()));
    // A consistent copy of what is replaced (its -wal folded in), then the files go.
    sqlite::snapshot(&db, &aside)?;
    for suffix in ["-wal", "-shm"] {
        remove_if_there(&super::db::wal_file(&db, suffix))?;
    }
    let tmp = db.with_extension("db.restoring");
    std::fs::copy(&snap, &tmp).map_err(|e| CoreError::io(&tmp, e))?;
    std::fs::rename(&tmp, &db).map_err(|e| CoreError::io(&db, e))?;
    Ok((v, aside))
}

fn remove_if_there(p: &Path) -> Result<()> {
    match std::fs::remove_file(p) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(CoreError::io(p, e)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_what_a_migration_does() {
        let got = describe(
            "ALTER TABLE users ADD COLUMN x INTEGER;
             CREATE TABLE t (a TEXT);
             CREATE UNIQUE INDEX t_a ON t(a) WHERE a = 1;",
        );
        assert_eq!(
            got,
            ["add column users.x", "create table t", "create index t_a"]
        );
    }

    #[test]
    fn a_migration_keeps_a_copy_that_a_start_without_migrating_prunes() {
        let dir = tempfile::tempdir().unwrap();
        let dd = DataDir::new(dir.path());
        drop(crate::core::Db::open(&dd).unwrap());
        assert!(snapshots(&dd).is_empty(), "a fresh database needs no copy");
        let copy = before_migration(&dd, 7).unwrap();
        assert_eq!(copy, snapshot_path(&dd, 7));
        assert_eq!(snapshots(&dd), vec![(7, copy.clone())]);
        assert!(restore_command(&dd).unwrap().contains("--restore-snapshot"));
        // This process migrated: its own start is not the next one.
        assert!(prune_after_start(&dd).is_empty());
        MIGRATED.store(false, Ordering::Relaxed);
        assert_eq!(prune_after_start(&dd), vec![copy]);
        assert!(snapshots(&dd).is_empty());
    }
}
