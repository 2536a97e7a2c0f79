//! The core: one database per data directory (SQLite in it by default, or PostgreSQL chosen by
//! `database.url`) holding domains, users, aliases, settings, the queue and auth-ban state.
//! Never prints; callers render. Code reaches the database through the engine seam
//! ([`sql`]); what is not ported yet still uses SQLite through `Db::conn` and refuses on
//! PostgreSQL with [`CoreError::NotOnPostgres`].
//!
//! Every function here is blocking. Daemons call it from `spawn_blocking` or a dedicated
//! thread, never from a tokio worker.

pub mod address;
pub mod aliascheck;
pub mod aliases;
pub mod autosieve;
pub mod backup;
pub mod bans;
pub mod cluster;
pub mod db;
pub mod dbmove;
pub mod diagnosis;
pub mod dircache;
pub mod domains;
pub mod dsn;
pub mod greylist;
pub mod history;
pub mod import;
pub mod migrations;
pub(crate) mod multirow;
pub mod outqueue;
pub mod overrides;
pub mod owner;
pub mod paths;
pub(crate) mod pgclient;
pub(crate) mod pgconnect;
pub mod pgpool;
pub mod pool;
pub mod queue;
pub mod runtime;
pub mod screen;
pub mod sendlimit;
pub mod settings;
pub mod sieve;
pub mod spool;
pub mod sql;
pub mod srs;
pub mod time;
pub mod upgrade;
pub mod userdir;
pub mod users;
pub mod vacation;
pub mod verify;

pub use address::{Address, AliasSource, Domain};
pub use db::Db;
pub use paths::DataDir;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// postgres's own text is only "db error"; the server's message is in its source.
    #[error("database: {}", pgconnect::with_causes(.0))]
    Postgres(#[from] postgres::Error),
    /// Code not yet on the engine seam was reached on a PostgreSQL core (issue 21).
    #[error(
        "not yet on PostgreSQL: this needs {0}, which still speaks SQLite only; use a SQLite data directory (no database.url) for it until it is ported"
    )]
    NotOnPostgres(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Invalid(String),
    #[error("{kind} {name} does not exist")]
    NotFound { kind: &'static str, name: String },
    #[error("{kind} {name} already exists")]
    Exists { kind: &'static str, name: String },
    #[error("{0}")]
    Refused(String),
    /// The database did not answer in time (a hung server, a partition): try again later.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error(
        "the database at {path} has schema version {found}, newer than this mailctl knows ({known}); run the newer mailctl{restore}"
    )]
    SchemaTooNew {
        path: String,
        found: i64,
        known: i64,
        /// The command that restores the pre-upgrade copy, when there is one.
        restore: String,
    },
}

impl From<address::AddressError> for CoreError {
    fn from(e: address::AddressError) -> Self {
        CoreError::Invalid(e.0)
    }
}

impl CoreError {
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> CoreError {
        CoreError::Io {
            path: path.display().to_string(),
            source,
        }
    }

    /// Whether the database refused a write because the disk (or its quota) is full: the
    /// caller answers "try later" (SMTP `452 4.3.1`) instead of failing the message.
    pub fn is_disk_full(&self) -> bool {
        match self {
            CoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _)) => {
                f.code == rusqlite::ErrorCode::DiskFull
            }
            CoreError::Postgres(e) => e.code() == Some(&postgres::error::SqlState::DISK_FULL),
            _ => false,
        }
    }

    /// Whether a write broke a uniqueness constraint (either engine): "already exists".
    pub fn is_unique_violation(&self) -> bool {
        match self {
            CoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _)) => {
                f.code == rusqlite::ErrorCode::ConstraintViolation
            }
            CoreError::Postgres(e) => {
                e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION)
            }
            _ => false,
        }
    }
}

pub type Result<T, E = CoreError> = std::result::Result<T, E>;

/// Seconds since the Unix epoch, the unit of every timestamp in the database.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod error_tests {
    use super::CoreError;

    #[test]
    fn disk_full_is_told_apart_from_other_database_errors() {
        let full = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            None,
        );
        assert!(CoreError::Sqlite(full).is_disk_full());
        let busy = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            None,
        );
        assert!(!CoreError::Sqlite(busy).is_disk_full());
        assert!(!CoreError::Invalid("x".into()).is_disk_full());
    }
}
