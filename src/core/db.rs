//! Opening the database — SQLite in the data directory, or PostgreSQL when `database.url`
//! says so (see `core::paths`) — running the migrations, and the settings table.
//!
//! Not here: the migrations themselves (`core::migrations`), the engine seam (`core::sql`).

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior};

use super::settings::{self, Setting};
use super::sql::{Sql, args};
use super::{CoreError, DataDir, Result};

use super::migrations::MIGRATIONS;
pub use super::migrations::SCHEMA_VERSION;

/// The schema this binary migrates to: [`SCHEMA_VERSION`], except in debug builds told
/// otherwise by `MAILCTL_TEST_SCHEMA_LIMIT` (tests make an older release's data directory,
/// or play an older binary, with it).
pub fn known_version() -> i64 {
    #[cfg(debug_assertions)]
    if let Some(n) = std::env::var("MAILCTL_TEST_SCHEMA_LIMIT")
        .ok()
        .and_then(|v| v.parse::<i64>().ok())
    {
        return n.clamp(0, SCHEMA_VERSION);
    }
    SCHEMA_VERSION
}

/// Debug builds only: `MAILCTL_TEST_FAIL_MIGRATION=N` makes migration N fail after the ones
/// before it ran in the same transaction, to test that a failed upgrade leaves the old state.
fn forced_failure(version: i64) -> Result<()> {
    #[cfg(debug_assertions)]
    if std::env::var("MAILCTL_TEST_FAIL_MIGRATION").is_ok_and(|v| v == version.to_string()) {
        return Err(CoreError::Invalid(format!(
            "migration {version} failed (MAILCTL_TEST_FAIL_MIGRATION)"
        )));
    }
    let _ = version;
    Ok(())
}

/// A connection to the core database. Not `Sync`: each thread opens its own.
pub struct Db {
    sql: Sql,
    data_dir: DataDir,
    /// The daemon's directory cache, for connections of its pool (`core::dircache`).
    pub(super) cache: Option<std::sync::Arc<super::dircache::DirCache>>,
}

impl Db {
    /// Opens (creating if needed) the data directory's database and brings its schema up to
    /// date. Refuses a schema newer than this binary knows.
    pub fn open(data_dir: &DataDir) -> Result<Db> {
        if let Some(url) = data_dir.database_url()? {
            let db = Self::open_postgres(data_dir, &url)?;
            db.hand_over_root()?;
            return Ok(db);
        }
        let root = data_dir.root();
        data_dir
            .create_dir(root, 0o750)
            .map_err(|e| CoreError::io(root, e))?;
        let path = data_dir.db();
        let fresh = !path.exists();
        let conn = Connection::open(&path)?;
        if fresh {
            // The database holds password hashes: owner only.
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                .map_err(|e| CoreError::io(&path, e))?;
        }
        Self::configure(&conn)?;
        let mut db = Db {
            sql: Sql::sqlite(conn),
            data_dir: data_dir.clone(),
            cache: None,
        };
        db.migrate(&path)?;
        // Opening in WAL mode made `-wal` and `-shm` if no one had them open; as root they
        // are root's now, and a daemon running as server.user could not open the database.
        // The directory too (SQLite makes `-wal`/`-shm` in it), unless it is a shared one
        // like /tmp that must never change hands.
        let mut ours = vec![
            path.clone(),
            wal_file(&path, "-wal"),
            wal_file(&path, "-shm"),
        ];
        if !world_writable(root) {
            ours.push(root.to_path_buf());
        }
        data_dir
            .hand_over(&ours)
            .map_err(|e| CoreError::io(root, e))?;
        Ok(db)
    }

    /// Opens an existing database without creating anything: for callers that must say
    /// "not set up here" rather than make an empty data directory.
    pub fn open_existing(data_dir: &DataDir) -> Result<Db> {
        if data_dir.database_url()?.is_none() && !data_dir.db().exists() {
            return Err(CoreError::Refused(format!(
                "no mailctl database at {}; check --data-dir (or MAILCTL_DATA_DIR), or start a server there with `mailctl setup --data-dir {}`",
                data_dir.db().display(),
                data_dir.root().display()
            )));
        }
        Self::open(data_dir)
    }

    /// Connects to PostgreSQL (TLS when the URL asks, see `core::pgconnect`) and brings its
    /// schema up to date.
    fn open_postgres(data_dir: &DataDir, url: &str) -> Result<Db> {
        let place = super::paths::redact_url(url);
        let sql = Sql::postgres(super::pgconnect::connect(url, &place)?);
        // Every connection a node opens comes here: one that finds the schema current (the
        // rule once a node has started) reads one number and takes no lock, so migrations
        // run once, by the first process that needs them; a newer schema is refused there.
        let current = super::migrations::postgres_version(&sql)
            .is_ok_and(|v| v == super::migrations::SCHEMA_VERSION);
        if !current {
            super::migrations::migrate_postgres(&sql, &place)?;
        }
        Ok(Db {
            sql,
            data_dir: data_dir.clone(),
            cache: None,
        })
    }

    /// As root, a PostgreSQL core's data directory goes to `server.user` too, as the SQLite
    /// branch hands it over with the database file: the daemon writes its queue, runtime
    /// files and Maildirs there (without this it refused to start, found by the suite on
    /// PostgreSQL). The setting is read on this connection, not by `DataDir::owner`.
    fn hand_over_root(&self) -> Result<()> {
        let root = self.data_dir.root();
        if !crate::sys::is_root() || !root.exists() || world_writable(root) {
            return Ok(());
        }
        let user = self.setting("server.user")?;
        match super::owner::Owner::lookup(&user).filter(|o| o.uid != 0) {
            Some(owner) => super::owner::give(root, &owner).map_err(|e| CoreError::io(root, e)),
            None => Ok(()),
        }
    }

    fn configure(conn: &Connection) -> Result<()> {
        // Another mailctl process may hold the write lock for a moment; wait rather than fail.
        conn.busy_timeout(Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: a committed queue row survives power loss, which a 250 after DATA promises.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        Ok(())
    }

    fn migrate(&mut self, path: &Path) -> Result<()> {
        let found: i64 = self
            .conn_mut()?
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        let known = known_version();
        if found > known {
            return Err(CoreError::SchemaTooNew {
                path: path.display().to_string(),
                found,
                known,
                restore: super::upgrade::restore_command(&self.data_dir)
                    .map(|c| format!("; or go back to the database from before the upgrade: {c}"))
                    .unwrap_or_default(),
            });
        }
        if found == known {
            return Ok(());
        }
        // A database with data (not a fresh one) is copied first (issue 22.2).
        if found > 0 {
            super::upgrade::before_migration(&self.data_dir, found)?;
        }
        // IMMEDIATE takes the write lock first, so two processes opening a fresh database
        // at once cannot both run the same migration. One transaction for every step: a
        // failing step leaves the database as it was.
        let tx = self
            .conn_mut()?
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        for (i, m) in MIGRATIONS
            .iter()
            .enumerate()
            .take(known as usize)
            .skip(current as usize)
        {
            forced_failure(i as i64 + 1)?;
            tx.execute_batch(m.sqlite())?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The engine seam every ported function goes through (both engines).
    pub fn sql(&self) -> &Sql {
        &self.sql
    }

    pub fn is_postgres(&self) -> bool {
        self.sql.is_postgres()
    }

    /// The SQLite connection, for the code not yet on the engine seam. On PostgreSQL it is
    /// an error naming the caller's module, so a command that is not ported says so
    /// instead of reading or writing some SQLite file.
    #[track_caller]
    pub fn conn(&self) -> Result<&Connection> {
        match &self.sql.engine {
            super::sql::Engine::Sqlite(c) => Ok(c),
            super::sql::Engine::Postgres(_) => Err(not_on_postgres()),
        }
    }

    #[track_caller]
    pub fn conn_mut(&mut self) -> Result<&mut Connection> {
        match &mut self.sql.engine {
            super::sql::Engine::Sqlite(c) => Ok(c),
            super::sql::Engine::Postgres(_) => Err(not_on_postgres()),
        }
    }

    pub fn data_dir(&self) -> &DataDir {
        &self.data_dir
    }

    pub fn schema_version(&self) -> Result<i64> {
        match &self.sql.engine {
            super::sql::Engine::Sqlite(c) => {
                Ok(c.pragma_query_value(None, "user_version", |r| r.get(0))?)
            }
            super::sql::Engine::Postgres(_) => super::migrations::postgres_version(&self.sql),
        }
    }

    /// The stored value of a setting, or its default.
    pub fn setting(&self, key: &str) -> Result<String> {
        let def = known(key)?;
        Ok(self
            .stored_setting(def.key)?
            .unwrap_or_else(|| def.default.to_string()))
    }

    /// The value explicitly stored for a key, if any.
    pub fn stored_setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self.stored_settings()?.get(key).cloned())
    }

    /// Every stored setting, from the directory cache when the daemon has one: settings are
    /// read for every message, changed by hand.
    fn stored_settings(&self) -> Result<std::sync::Arc<std::collections::HashMap<String, String>>> {
        self.through_cache(
            |c| c.settings.clone(),
            |c, v| c.settings = Some(v),
            || {
                let rows = self.sql.query("SELECT key, value FROM settings", &[])?;
                let all = rows
                    .into_iter()
                    .map(|r| Ok((r.get(0)?, r.get(1)?)))
                    .collect::<Result<_>>()?;
                Ok(std::sync::Arc::new(all))
            },
        )
    }

    /// Every setting's effective value (stored, else the default) in one query: for code that
    /// reads many keys per message (the inbound policy), where a query per key would show.
    pub fn effective_settings(&self) -> Result<std::collections::HashMap<&'static str, String>> {
        let stored = self.stored_settings()?;
        Ok(settings::SETTINGS
            .iter()
            .map(|s| {
                let v = stored
                    .get(s.key)
                    .cloned()
                    .unwrap_or_else(|| s.default.to_string());
                (s.key, v)
            })
            .collect())
    }

    pub fn setting_size(&self, key: &str) -> Result<u64> {
        settings::parse_size(&self.setting(key)?).map_err(CoreError::Invalid)
    }

    pub fn setting_u64(&self, key: &str) -> Result<u64> {
        let v = self.setting(key)?;
        v.parse()
            .map_err(|_| CoreError::Invalid(format!("setting {key} = '{v}' is not a number")))
    }

    pub fn setting_duration(&self, key: &str) -> Result<Duration> {
        settings::parse_duration(&self.setting(key)?).map_err(CoreError::Invalid)
    }

    pub fn setting_bool(&self, key: &str) -> Result<bool> {
        Ok(self.setting(key)? == "true")
    }

    /// Validates and stores a setting; returns the normalised value.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<String> {
        let def = known(key)?;
        let normalised = settings::validate(def, value)
            .map_err(|why| CoreError::Invalid(format!("{key}: {why}")))?;
        self.sql.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            args![def.key, normalised.as_str()],
        )?;
        Ok(normalised)
    }

    /// Removes a stored value so the default applies again. Returns whether one was stored.
    pub fn unset_setting(&self, key: &str) -> Result<bool> {
        let def = known(key)?;
        Ok(self
            .sql
            .execute("DELETE FROM settings WHERE key = ?1", args![def.key])?
            > 0)
    }
}

/// `mailctl.db-wal` / `mailctl.db-shm` beside the database.
pub fn wal_file(db: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = db.as_os_str().to_os_string();
    name.push(suffix);
    name.into()
}

#[track_caller]
fn not_on_postgres() -> CoreError {
    let file = std::panic::Location::caller().file();
    let module = file.strip_prefix("src/").unwrap_or(file);
    CoreError::NotOnPostgres(module.to_string())
}

fn known(key: &str) -> Result<&'static Setting> {
    settings::lookup(key).ok_or_else(|| {
        let close: Vec<&str> = settings::SETTINGS
            .iter()
            .map(|s| s.key)
            .filter(|k| k.contains(key) || key.contains(k.split('.').next_back().unwrap_or(k)))
            .take(3)
            .collect();
        let hint = if close.is_empty() {
            "; `mailctl config list` shows every key".to_string()
        } else {
            format!("; did you mean {}?", close.join(", "))
        };
        CoreError::Invalid(format!("unknown setting '{key}'{hint}"))
    })
}

/// A directory anyone may write in (like /tmp) never changes hands.
fn world_writable(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(dir).is_ok_and(|m| m.permissions().mode() & 0o002 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_migrates_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let dd = DataDir::new(dir.path());
        let db = Db::open(&dd).unwrap();
        assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION);
        drop(db);
        let db = Db::open(&dd).unwrap();
        assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION);
    }

    #[test]
    fn refuses_a_newer_schema() {
        let dir = tempfile::tempdir().unwrap();
        let dd = DataDir::new(dir.path());
        let db = Db::open(&dd).unwrap();
        db.conn()
            .unwrap()
            .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        drop(db);
        let err = Db::open(&dd).err().unwrap().to_string();
        assert!(err.contains("newer than this mailctl knows"), "{err}");
    }

    #[test]
    fn settings_default_set_unset() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&DataDir::new(dir.path())).unwrap();
        assert_eq!(db.setting("smtp.max_message_size").unwrap(), "25M");
        assert_eq!(db.setting_size("smtp.max_message_size").unwrap(), 25 << 20);
        db.set_setting("smtp.max_message_size", "10M").unwrap();
        assert_eq!(db.setting_size("smtp.max_message_size").unwrap(), 10 << 20);
        assert!(db.set_setting("smtp.max_message_size", "big").is_err());
        assert!(db.unset_setting("smtp.max_message_size").unwrap());
        assert_eq!(db.setting("smtp.max_message_size").unwrap(), "25M");
        let e = db
            .set_setting("max_message_size", "1")
            .unwrap_err()
            .to_string();
        assert!(e.contains("did you mean smtp.max_message_size"), "{e}");
    }
}
