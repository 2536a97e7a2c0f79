//! The one switch that puts the integration tests on PostgreSQL (issue 21): with
//! `MAILCTL_TEST_ENGINE=postgres` (what `./scripts/test --engine postgres` sets) every data
//! directory made by [`data_dir`] gets a fresh database of its own (`CREATE DATABASE`, a
//! unique name) on one throwaway PostgreSQL server per test binary, named by the directory's
//! `database.url` file, as a real node is configured; unset or `sqlite`, it stays a plain
//! directory and the core is SQLite. The server is started on first use and stopped and
//! removed when the test binary exits, whether its tests passed, failed or it was killed.
//!
//! Not here: starting PostgreSQL itself (`super::postgres`), the tests that always run on
//! PostgreSQL or compare both engines (`tests/postgres.rs`, `pg_*.rs`, `cluster.rs`).

use std::sync::OnceLock;

use super::postgres::PgServer;

/// The environment variable that chooses the engine: `sqlite` (the default) or `postgres`.
pub const VAR: &str = "MAILCTL_TEST_ENGINE";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// The engine [`VAR`] chooses; anything but the two names is a mistake worth stopping for.
pub fn engine() -> Engine {
    match std::env::var(VAR).as_deref() {
        Err(_) | Ok("") | Ok("sqlite") => Engine::Sqlite,
        Ok("postgres") => Engine::Postgres,
        Ok(other) => panic!("{VAR}={other}: expected sqlite or postgres"),
    }
}

/// A new empty mailctl data directory on the engine [`VAR`] chooses.
pub fn data_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    if engine() == Engine::Postgres {
        let url = server().database();
        std::fs::write(dir.path().join("database.url"), format!("{url}\n")).unwrap();
    }
    dir
}

/// A new empty data directory on SQLite whatever [`VAR`] says, for a test that is about
/// SQLite by nature (its caller says why).
pub fn sqlite_data_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// The test binary's PostgreSQL server, started on first use. A static is never dropped,
/// so a watcher process stops and removes it once this process is gone.
fn server() -> &'static PgServer {
    static SERVER: OnceLock<PgServer> = OnceLock::new();
    SERVER.get_or_init(|| {
        let pg = PgServer::start().unwrap_or_else(|| {
            panic!("{VAR}=postgres needs PostgreSQL 15 (apt-get install postgresql)")
        });
        pg.remove_after(std::process::id());
        pg
    })
}
