//! The directory cache: settings, domains, users, aliases, inbound overrides and the Sieve
//! scripts delivery runs, as a daemon reads them for every message, and the active bans it
//! checks at every connection and login (issue 21), kept per
//! process and thrown away whenever any of those tables changes, in this process, in another
//! one, or on another node. `config set`, `domain add`, `alias add`, `user set`, `sieve put`
//! still need no restart.
//!
//! How a process learns of a change, without a round trip per message:
//! - SQLite: triggers count every write of those tables in `core_generation` (one row); a
//!   lookup reads that number first, a local read that replaces the several it saves.
//! - PostgreSQL: a statement trigger on those tables `NOTIFY`s [`CHANNEL`] when its
//!   transaction commits; the process's one LISTEN connection
//!   (`crate::maildir::index::notify`) counts what it hears with [`changed`]. While it is not
//!   listening (not yet, or its connection dropped) nothing is cached: every lookup reads the
//!   database, as before. This process's own writes count at once (`Sql` calls
//!   [`changed`] when a statement writes one of [`TABLES`]), before their notification
//!   comes back.
//!
//! Contents are tagged with the generation they were read at, so a read racing a change is
//! never kept as current, and are dropped after 30 s whatever was heard (a LISTEN connection
//! can hang without breaking). Reads inside a transaction bypass the cache (they must see the
//! transaction's own writes and lock what they read). Only pooled connections of a daemon
//! (`core::pool`) use it; a CLI command reads the database.
//!
//! Not here: the lookups themselves (`core::db`, `core::domains`, `core::users`,
//! `core::aliases`, `core::overrides` ask [`Db::through_cache`], `core::bans` [`Db::cached`]).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, Mutex};

use super::bans::ActiveBans;
use super::overrides::AllOverrides;
use super::sieve::DeliverySieve;
use super::users::User;
use super::{Db, Result};

/// The channel the directory's triggers notify on PostgreSQL.
pub const CHANNEL: &str = "mailctl_core";

/// The tables whose rows the cache holds (a user's row joins its domain's).
pub const TABLES: [&str; 6] = [
    "domains",
    "users",
    "aliases",
    "settings",
    "inbound_overrides",
    "bans",
];

/// Per-address entries kept at most (unknown recipients are cached too: a dictionary attack
/// must not grow memory); past it the map starts over.
const MAX_ENTRIES: usize = 20_000;

/// The longest anything stays cached, whatever was heard: a LISTEN connection that hangs
/// without breaking (a network partition, no RST) must not keep a node on old answers for
/// longer than this.
const MAX_AGE: std::time::Duration = std::time::Duration::from_secs(30);

/// Users' delivery scripts kept at most: a script may be large (`sieve.max_script_size`).
const MAX_SCRIPTS: usize = 2_000;

/// What this process heard from PostgreSQL: a count of changes, and whether it is listening.
static HEARD: AtomicU64 = AtomicU64::new(0);
static LISTENING: AtomicBool = AtomicBool::new(false);

/// A directory table changed (a notification, or this process wrote one).
pub fn changed() {
    HEARD.fetch_add(1, SeqCst);
}

/// The LISTEN connection is (again) listening, or stopped: either way what was cached may
/// have missed changes, and while deaf nothing is cached.
pub fn listening(on: bool) {
    HEARD.fetch_add(1, SeqCst);
    LISTENING.store(on, SeqCst);
}

fn heard() -> Option<u64> {
    LISTENING.load(SeqCst).then(|| HEARD.load(SeqCst))
}

/// Counts a statement of this process that writes one of [`TABLES`] as a change at once;
/// returns whether it was one.
pub(crate) fn counted_write(sql: &str) -> bool {
    let wrote = writes_directory(sql);
    if wrote {
        changed();
    }
    wrote
}

/// Whether a statement writes one of [`TABLES`]: its target after `INSERT INTO`, `UPDATE`
/// or `DELETE FROM` (what the core's writers look like).
pub(crate) fn writes_directory(sql: &str) -> bool {
    let mut words = sql
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty());
    let target = match words.next() {
        Some(w) if w.eq_ignore_ascii_case("update") => words.next(),
        Some(w) if w.eq_ignore_ascii_case("insert") || w.eq_ignore_ascii_case("delete") => {
            words.nth(1)
        }
        _ => None,
    };
    target.is_some_and(|t| TABLES.iter().any(|d| t.eq_ignore_ascii_case(d)))
}

macro_rules! sqlite_counts {
    ($($t:ident),*) => { concat!($(
        sqlite_counts!(@one $t insert INSERT), sqlite_counts!(@one $t update UPDATE),
        sqlite_counts!(@one $t delete DELETE),
    )*) };
    (@one $t:ident $name:ident $event:ident) => { concat!(
        "\nCREATE TRIGGER ", stringify!($t), "_", stringify!($name), "_counted AFTER ",
        stringify!($event), " ON ", stringify!($t), " BEGIN INSERT INTO core_generation (id, n) \
         VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = n + 1; END;"
    ) };
}

macro_rules! postgres_notifies {
    ($($t:ident),*) => { concat!($(
        "\nCREATE TRIGGER ", stringify!($t), "_notified AFTER INSERT OR UPDATE OR DELETE OR \
         TRUNCATE ON ", stringify!($t), " FOR EACH STATEMENT EXECUTE FUNCTION mailctl_core_changed();",
    )*) };
}

/// Migration 19: the change counter on SQLite, the notifying trigger on PostgreSQL. The
/// table exists on both so `db migrate --to` finds the same tables; PostgreSQL leaves it empty.
pub(crate) const MIGRATION: super::migrations::Migration = super::migrations::Migration::Pair {
    sqlite: concat!(
        "CREATE TABLE core_generation (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);",
        sqlite_counts!(
            domains,
            users,
            aliases,
            settings,
            inbound_overrides,
            sieve_scripts
        )
    ),
    postgres: concat!(
        "CREATE TABLE core_generation (id BIGINT PRIMARY KEY, n BIGINT NOT NULL);
    CREATE FUNCTION mailctl_core_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_notify('mailctl_core', '');
        RETURN NULL;
    END $$;",
        postgres_notifies!(
            domains,
            users,
            aliases,
            settings,
            inbound_overrides,
            sieve_scripts
        )
    ),
};

/// Migration 20: the active bans are cached too (`core::bans`), so their writes count and
/// notify like the directory's. Both engines already have what migration 19 made.
pub(crate) const BANS_MIGRATION: super::migrations::Migration =
    super::migrations::Migration::Pair {
        sqlite: sqlite_counts!(bans),
        postgres: postgres_notifies!(bans),
    };

/// One process's cached directory (one per pool).
#[derive(Default)]
pub struct DirCache {
    contents: Mutex<Contents>,
}

/// What is cached, all of one generation.
#[derive(Default)]
pub(crate) struct Contents {
    generation: u64,
    /// When these contents started (None: never filled).
    since: Option<std::time::Instant>,
    /// Stored settings (keys without a stored value take their default).
    pub settings: Option<Arc<HashMap<String, String>>>,
    /// Domain name → id.
    pub domains: Option<Arc<HashMap<String, i64>>>,
    pub overrides: Option<Arc<AllOverrides>>,
    /// Address → its mailbox, or none.
    pub users: HashMap<String, Option<User>>,
    /// Alias source → its destinations (none: not an alias).
    pub aliases: HashMap<String, Arc<Vec<String>>>,
    /// Address → the Sieve scripts its delivery runs.
    pub sieve: HashMap<String, DeliverySieve>,
    /// The active bans (`core::bans`).
    pub bans: Option<Arc<ActiveBans>>,
}

impl Contents {
    pub fn put_user(&mut self, address: String, user: Option<User>) {
        if self.users.len() >= MAX_ENTRIES {
            self.users.clear();
        }
        self.users.insert(address, user);
    }

    pub fn put_sieve(&mut self, address: String, scripts: DeliverySieve) {
        if self.sieve.len() >= MAX_SCRIPTS {
            self.sieve.clear();
        }
        self.sieve.insert(address, scripts);
    }

    pub fn put_alias(&mut self, source: String, destinations: Arc<Vec<String>>) {
        if self.aliases.len() >= MAX_ENTRIES {
            self.aliases.clear();
        }
        self.aliases.insert(source, destinations);
    }
}

impl DirCache {
    pub fn new() -> Arc<DirCache> {
        Arc::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Contents> {
        self.contents.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Looks up in the contents of `generation`, emptying contents of any other first.
    fn read<T>(&self, generation: u64, get: impl FnOnce(&Contents) -> Option<T>) -> Option<T> {
        let mut c = self.lock();
        let too_old = c.since.is_none_or(|t| t.elapsed() > MAX_AGE);
        if c.generation != generation || too_old {
            *c = Contents {
                generation,
                since: Some(std::time::Instant::now()),
                ..Contents::default()
            };
        }
        get(&c)
    }

    fn through<T: Clone>(
        &self,
        generation: u64,
        get: impl FnOnce(&Contents) -> Option<T>,
        put: impl FnOnce(&mut Contents, T),
        load: impl FnOnce() -> Result<T>,
    ) -> Result<T> {
        if let Some(hit) = self.read(generation, get) {
            return Ok(hit);
        }
        let value = load()?;
        let kept = value.clone();
        self.store(generation, |c| put(c, kept));
        Ok(value)
    }

    /// Keeps what was read at `generation`, unless the contents moved on meanwhile.
    fn store(&self, generation: u64, put: impl FnOnce(&mut Contents)) {
        let mut c = self.lock();
        if c.generation == generation {
            put(&mut c);
        }
    }
}

impl Db {
    /// The cache and the generation a lookup may use now, or None: read the database.
    fn directory_cache(&self) -> Option<(&DirCache, u64)> {
        let cache = self.cache.as_deref()?;
        if self.sql().in_tx.get() {
            return None;
        }
        let generation = if self.is_postgres() {
            heard()?
        } else {
            // An older schema (no counter yet) reads the database.
            let row = self
                .sql()
                .query_one("SELECT coalesce(max(n), 0) FROM core_generation", &[])
                .ok()?;
            row.get::<u64>(0).ok()?
        };
        Some((cache, generation))
    }

    /// `get` from the cache when it holds the answer, else `load` it from the database and
    /// `put` it in.
    pub(crate) fn through_cache<T: Clone>(
        &self,
        get: impl FnOnce(&Contents) -> Option<T>,
        put: impl FnOnce(&mut Contents, T),
        load: impl FnOnce() -> Result<T>,
    ) -> Result<T> {
        match self.directory_cache() {
            Some((cache, generation)) => cache.through(generation, get, put, load),
            None => load(),
        }
    }

    /// As [`Db::through_cache`], but None when there is no cache to use now (a CLI command,
    /// a transaction, PostgreSQL not listening): for a caller whose database read differs
    /// from what it caches (the whole set of bans cached, one IP read).
    pub(crate) fn cached<T: Clone>(
        &self,
        get: impl FnOnce(&Contents) -> Option<T>,
        put: impl FnOnce(&mut Contents, T),
        load: impl FnOnce() -> Result<T>,
    ) -> Result<Option<T>> {
        let Some((cache, generation)) = self.directory_cache() else {
            return Ok(None);
        };
        cache.through(generation, get, put, load).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::pool::DbPool;
    use crate::core::{Address, DataDir, Domain};

    #[test]
    fn writes_of_directory_tables_are_told_apart() {
        assert!(writes_directory(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)"
        ));
        assert!(writes_directory(
            "UPDATE users SET quota = ?1 WHERE id = ?2"
        ));
        assert!(writes_directory("delete from aliases where source = ?1"));
        assert!(writes_directory(
            "DELETE FROM inbound_overrides WHERE user_id = ?1"
        ));
        assert!(!writes_directory("SELECT id FROM users WHERE address = ?1"));
        assert!(!writes_directory(
            "INSERT INTO queue_recipients (message_id) SELECT id FROM users"
        ));
        assert!(!writes_directory("UPDATE queue_recipients SET status = ?1"));
        assert!(!writes_directory(""));
    }

    #[test]
    fn another_connections_writes_are_seen_at_the_next_lookup() {
        let dir = tempfile::tempdir().unwrap();
        let dd = DataDir::new(dir.path());
        let pool = DbPool::new(dd.clone());
        // A separate connection, as a `mailctl` command in another process would be.
        let admin = Db::open(&dd).unwrap();
        let d = Domain::parse("example.org").unwrap();
        let a = Address::parse("a@example.org").unwrap();
        let daemon = pool.get().unwrap();
        assert!(!daemon.domain_exists(&d).unwrap());
        assert!(daemon.user(&a).unwrap().is_none());
        assert_eq!(daemon.setting("hostname").unwrap(), "");
        admin.add_domain(&d).unwrap();
        admin.set_setting("hostname", "mx.example.org").unwrap();
        assert!(daemon.domain_exists(&d).unwrap());
        assert_eq!(daemon.setting("hostname").unwrap(), "mx.example.org");
        admin
            .add_user(&crate::core::users::NewUser {
                address: a.clone(),
                password_hash: "x".into(),
                quota: 0,
            })
            .unwrap();
        assert!(daemon.user(&a).unwrap().is_some());
        admin.unset_setting("hostname").unwrap();
        assert_eq!(daemon.setting("hostname").unwrap(), "");
    }

    #[test]
    fn a_lookup_is_served_from_the_cache_until_the_generation_moves() {
        let dir = tempfile::tempdir().unwrap();
        let pool = DbPool::new(DataDir::new(dir.path()));
        let db = pool.get().unwrap();
        db.set_setting("hostname", "one.example").unwrap();
        assert_eq!(db.setting("hostname").unwrap(), "one.example");
        // Behind the triggers' back (no counter moves): the cached value stays.
        db.conn()
            .unwrap()
            .execute("DROP TRIGGER settings_update_counted", [])
            .unwrap();
        db.set_setting("hostname", "two.example").unwrap();
        assert_eq!(db.setting("hostname").unwrap(), "one.example");
        // Any counted change drops everything cached.
        db.add_domain(&Domain::parse("example.org").unwrap())
            .unwrap();
        assert_eq!(db.setting("hostname").unwrap(), "two.example");
    }
}
