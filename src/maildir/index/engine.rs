//! The one way to open an account's index: [`Indexes`] says where a data directory's
//! indexes live, chosen from its core — SQLite in each Maildir (`mailctl.index.db`) when the
//! core is SQLite, the core's PostgreSQL database when it is PostgreSQL (issue 21) — and
//! [`Indexes::open`] opens one account's. The account key on PostgreSQL is the user's
//! address: the caller knows it (delivery its recipient, IMAP/POP3/web the login, the CLI
//! its argument). Nothing here creates a file in a Maildir on PostgreSQL.
//!
//! Connections on PostgreSQL: one pool per process and URL (`core::pgpool`), at most
//! [`POOL_MAX`] connections. An [`Index`] borrows one at its first statement and keeps it
//! until [`Index::release`]; long-lived holders (an IMAP session, the store its idling
//! sessions share) release after each command or wakeup, so a session between commands or
//! in IDLE holds no connection, and 1,000 open sessions need only as many connections as
//! commands run at once (bounded by the blocking threads). Chosen over a connection per
//! session, which would need a server connection per IMAP client, and over opening a new
//! connection per command, which would cost a login (SCRAM) and every statement's prepare
//! each time: a pooled connection keeps its prepared statements, and a borrower for another
//! account costs one `set_config` round trip. SQLite stays a connection per holder, as
//! before: releasing is a no-op there.
//!
//! Not here: the statements (`super`), the pool itself (`core::pgpool`), cross-node
//! wakeups (`super::notify`).

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use super::{Index, Result};
use crate::core::pgpool::PgPool;
use crate::core::sql::{Sql, args};
use crate::core::{CoreError, DataDir};

/// Most index connections one process opens to PostgreSQL. Three nodes use 60 at most of
/// the server's default 100, beside each node's few core connections.
pub const POOL_MAX: usize = 20;

/// Set once per connection: the index's per-account views come first.
const SETUP: &str = "SET search_path = mailbox_index, public";
/// Set per use when the account differs: every view shows this account's rows only.
const PER_USE: &str = "SELECT set_config('mailctl.account', ?1, false)";

/// Where a data directory's mailbox indexes live.
#[derive(Clone)]
pub enum Indexes {
    /// One SQLite file in each Maildir root.
    Maildir,
    /// The PostgreSQL core, through this process's pool for its URL.
    Postgres(Arc<PgPool>),
}

impl std::fmt::Debug for Indexes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Indexes::Maildir => "Indexes::Maildir",
            Indexes::Postgres(_) => "Indexes::Postgres",
        })
    }
}

/// The pools of this process, by URL: every caller of one data directory shares one.
fn pools() -> &'static Mutex<HashMap<String, Arc<PgPool>>> {
    static POOLS: OnceLock<Mutex<HashMap<String, Arc<PgPool>>>> = OnceLock::new();
    POOLS.get_or_init(|| Mutex::new(HashMap::new()))
}

impl Indexes {
    /// The data directory's: PostgreSQL when its core is (`database.url`), else SQLite.
    /// Opens no connection; the schema is the core's, migrated when the core is opened.
    pub fn of(data_dir: &DataDir) -> Result<Indexes> {
        Ok(match data_dir.database_url()? {
            Some(url) => Indexes::postgres(&url),
            None => Indexes::Maildir,
        })
    }

    /// The PostgreSQL core at `url` (this process's pool for it).
    pub fn postgres(url: &str) -> Indexes {
        let mut pools = pools().lock().unwrap_or_else(|p| p.into_inner());
        let pool = pools
            .entry(url.to_string())
            .or_insert_with(|| Arc::new(PgPool::new(url, SETUP, PER_USE, POOL_MAX)));
        Indexes::Postgres(pool.clone())
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Indexes::Postgres(_))
    }

    /// Opens the index of `account` (the user's address; unused on SQLite), whose Maildir
    /// is at `root`. On SQLite the file is created or migrated as needed.
    pub fn open(&self, account: &str, root: &Path) -> Result<Index> {
        match self {
            Indexes::Maildir => Index::open(root),
            Indexes::Postgres(pool) => {
                if account.is_empty() {
                    return Err(CoreError::Invalid(
                        "mailbox index: an account name is needed on PostgreSQL".to_string(),
                    )
                    .into());
                }
                Ok(Index {
                    sql: Sql::pooled(pool.clone(), account.to_string()),
                    root: root.to_path_buf(),
                })
            }
        }
    }

    /// Drops every row `account` has in the PostgreSQL index (its folders, UIDs, flags,
    /// subscriptions, metadata), in one transaction: what removing its Maildir is on SQLite,
    /// where the index file goes with it. Without this a new user of the same address would
    /// inherit the old one's subscriptions, metadata and UIDVALIDITY. Nothing on SQLite.
    pub fn forget(&self, account: &str, root: &Path) -> Result<()> {
        if !self.is_postgres() {
            return Ok(());
        }
        let mut index = self.open(account, root)?;
        let done = index.write(|sql| {
            for table in super::copy::TABLES {
                sql.execute(&format!("DELETE FROM mailbox_index.{table}"), &[])?;
            }
            Ok::<_, super::IndexError>(())
        });
        index.release();
        done
    }

    /// Tells every node that `folder` of `account` changed on disk without the index
    /// changing (a delivery into `new/`), so their idling sessions look now. On SQLite,
    /// one host's inotify sees the file: nothing to do.
    pub fn announce(&self, account: &str, folder: &str) -> Result<()> {
        let Indexes::Postgres(pool) = self else {
            return Ok(());
        };
        let sql = Sql::pooled(pool.clone(), account.to_string());
        notify_folder(&sql, account, folder)
    }

    /// [`Indexes::announce`] over a connection to the same database the caller holds
    /// already (local delivery's core connection): none to borrow, no account to set first.
    pub fn announce_over(&self, sql: &Sql, account: &str, folder: &str) -> Result<()> {
        if !self.is_postgres() {
            return Ok(());
        }
        notify_folder(sql, account, folder)
    }
}

impl Indexes {
    /// [`Indexes::announce_over`] for several changes (account, folder) at once: each
    /// distinct one once, in one statement per chunk (the queue's delivery batch).
    pub fn announce_many_over(&self, sql: &Sql, changes: &[(String, String)]) -> Result<()> {
        if !self.is_postgres() {
            return Ok(());
        }
        let mut distinct = changes.to_vec();
        distinct.sort();
        distinct.dedup();
        for chunk in crate::core::multirow::chunks(&distinct, 64) {
            let rows = crate::core::multirow::values(
                "(CAST(?1 AS TEXT), CAST(?2 AS TEXT))",
                chunk.len(),
                1,
            );
            let mut params = vec![crate::core::sql::Value::from(super::notify::CHANNEL)];
            for (account, folder) in chunk {
                params.push(account.as_str().into());
                params.push(folder.as_str().into());
            }
            // pg_notify returns void, which no row type reads: select around it.
            sql.query(
                &format!(
                    "SELECT 1 FROM (SELECT pg_notify(?1, json_build_array(v.a, v.f)::text) \
                     FROM (VALUES {rows}) AS v(a, f)) AS sent"
                ),
                &params,
            )?;
        }
        Ok(())
    }
}

fn notify_folder(sql: &Sql, account: &str, folder: &str) -> Result<()> {
    sql.query(
        // pg_notify returns void, which no row type reads: select around it.
        "SELECT 1 FROM (SELECT pg_notify(?1, \
         json_build_array(CAST(?2 AS TEXT), CAST(?3 AS TEXT))::text)) AS sent",
        args![super::notify::CHANNEL, account, folder],
    )?;
    Ok(())
}

impl Index {
    /// Gives the index's PostgreSQL connection back to the pool until the next statement;
    /// nothing on SQLite. For holders that live across commands (see the module doc).
    pub fn release(&mut self) {
        self.sql.release();
    }

    /// Statements this index has run: for tests and benchmarks that count what a command
    /// costs.
    pub fn statements(&self) -> u64 {
        self.sql.statements()
    }

    /// Rows this index's queries have returned: what a read brings back.
    pub fn rows_read(&self) -> u64 {
        self.sql.rows_read()
    }

    /// Round trips to PostgreSQL the calling thread has made so far (several statements may
    /// share one: `core::pgclient::Ahead`); 0 on SQLite.
    pub fn round_trips() -> u64 {
        crate::core::pgclient::round_trips()
    }
}
