//! A per-process pool of PostgreSQL connections lent for one use at a time (issue 21): the
//! mailbox index of a PostgreSQL core borrows one at its first statement and gives it back
//! when its caller is done for now (an IMAP command answered, a delivery placed), so the
//! number of server connections follows the work in flight, not the sessions open. A
//! thousand idle IMAP sessions hold none; PostgreSQL's default `max_connections` is 100.
//!
//! Each connection keeps its prepared statements (`core::sql::PgConn`) for as long as it
//! lives, whoever borrows it. A use is tied to a key (the account of an index): when a
//! borrower's key is not the one the connection last had, the pool's per-use statement sets
//! it first (one round trip), and a borrower is given a connection that already has its key
//! when one is idle. Session settings that never change (the search path) are set once
//! per connection, so no prepared statement is ever invalidated by them.
//!
//! At most [`PgPool::max`] connections are open; a borrower beyond that waits for one to be
//! given back, up to [`WAIT`], then gets an error rather than hanging (the IMAP command
//! answers NO, a delivery is retried from the queue). A connection that broke is dropped
//! when given back, and a new one opened on demand.
//!
//! The connection types `core::sql` runs statements on live here too: [`PgConn`] (a client
//! with its statement cache) and [`Pg`] (one of its own, or one lent by a pool).
//!
//! Not here: what runs over the connections (`core::sql`, `maildir::index`), the core's own
//! `Db` connections (`core::pool`), which pool a data directory uses (`maildir::index::engine`).

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use super::pgclient::Ahead;
use super::{CoreError, Result};

/// How long a borrower waits for a connection when all are lent.
pub const WAIT: Duration = Duration::from_secs(10);

pub struct PgPool {
    url: String,
    /// The URL without its password, for messages.
    place: String,
    /// Run once on each new connection.
    setup: String,
    /// Sets a connection's key: one statement, `?1` is the key.
    per_use: String,
    max: usize,
    state: Mutex<State>,
    freed: Condvar,
}

struct State {
    idle: Vec<PgConn>,
    /// Connections open, lent and idle.
    open: usize,
}

impl PgPool {
    pub fn new(url: &str, setup: &str, per_use: &str, max: usize) -> PgPool {
        PgPool {
            url: url.to_string(),
            place: super::paths::redact_url(url),
            setup: setup.to_string(),
            per_use: per_use.to_string(),
            max: max.max(1),
            state: Mutex::new(State {
                idle: Vec::new(),
                open: 0,
            }),
            freed: Condvar::new(),
        }
    }

    /// The most connections this pool opens.
    pub fn max(&self) -> usize {
        self.max
    }

    /// Connections open now (lent and idle), for tests and `cluster status`.
    pub fn open(&self) -> usize {
        self.lock().open
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A connection set to `key`; blocking (may connect, may wait for one to be given back).
    pub(crate) fn take(&self, key: &str) -> Result<PgConn> {
        let mut conn = match self.idle_or_slot(key)? {
            Some(c) => c,
            None => match self.connect() {
                Ok(c) => c,
                Err(e) => {
                    self.closed();
                    return Err(e);
                }
            },
        };
        if conn.key.as_deref() != Some(key) {
            // Sent ahead of the borrower's first statement, in its round trip.
            let set = match conn.statement(&self.per_use) {
                Ok(s) => s,
                Err(e) => {
                    drop(conn);
                    self.closed();
                    return Err(e);
                }
            };
            conn.ahead.retain(|a| !matches!(a, Ahead::Key(..)));
            conn.ahead.push(Ahead::Key(set, key.to_string()));
            conn.key = Some(key.to_string());
        }
        Ok(conn)
    }

    /// An idle connection (one already set to `key` if any), or None with a slot reserved
    /// for a new one; waits while every connection is lent.
    fn idle_or_slot(&self, key: &str) -> Result<Option<PgConn>> {
        let deadline = std::time::Instant::now() + WAIT;
        let mut st = self.lock();
        loop {
            if let Some(i) = st.idle.iter().rposition(|c| c.key.as_deref() == Some(key)) {
                return Ok(Some(st.idle.swap_remove(i)));
            }
            if let Some(c) = st.idle.pop() {
                return Ok(Some(c));
            }
            if st.open < self.max {
                st.open += 1;
                return Ok(None);
            }
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return Err(CoreError::Refused(format!(
                    "all {} mailbox index connections to PostgreSQL at {} are busy",
                    self.max, self.place
                )));
            }
            st = self
                .freed
                .wait_timeout(st, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    fn connect(&self) -> Result<PgConn> {
        let client = super::pgconnect::connect(&self.url, &self.place)?;
        let mut conn = PgConn::new(client);
        conn.client.batch_execute(&self.setup)?;
        Ok(conn)
    }

    /// A lent connection comes back; a broken one is closed instead.
    pub(crate) fn give(&self, mut conn: PgConn) {
        // A transaction that ran no statement was never begun on the server; writes still
        // waiting belong to a transaction that was never ended (`Pg::end` sends or drops
        // them): never sent, they go with it.
        conn.ahead
            .retain(|a| !matches!(a, Ahead::Begin(_) | Ahead::Write(..)));
        if conn.client.is_closed() {
            drop(conn);
            self.closed();
            return;
        }
        self.lock().idle.push(conn);
        self.freed.notify_one();
    }

    /// A reserved or lent connection will not come back.
    pub(crate) fn closed(&self) {
        let mut st = self.lock();
        st.open = st.open.saturating_sub(1);
        drop(st);
        self.freed.notify_one();
    }
}

/// A PostgreSQL connection with its prepared statements, keyed by the statement's text as
/// written (`?N`), so the translation and the prepare happen once per statement. A pooled
/// connection (`core::pgpool`) keeps its cache across the uses it is lent for.
pub(crate) struct PgConn {
    pub(crate) client: super::pgclient::PgClient,
    prepared: HashMap<String, tokio_postgres::Statement>,
    /// The key the pool's per-use statement last set on this connection (or will set, with
    /// the next statement).
    pub(crate) key: Option<String>,
    /// Statements that go with the next one, in its round trip: a transaction's BEGIN, a
    /// pool's per-use statement. Each is a round trip saved on PostgreSQL, where every one
    /// wakes the server's backend for next to nothing.
    pub(crate) ahead: Vec<Ahead>,
}

/// A PostgreSQL engine: a connection of its own (the core's `Db`), or one borrowed from a
/// pool at the first statement and given back by `Sql::release` (the mailbox index).
pub(crate) struct Pg {
    conn: Option<PgConn>,
    lease: Option<(Arc<PgPool>, String)>,
    /// Between [`Pg::begin`] and [`Pg::end`]: writes may wait for the next round trip.
    open: bool,
}

impl Pg {
    pub(crate) fn own(client: super::pgclient::PgClient) -> Pg {
        Pg {
            conn: Some(PgConn::new(client)),
            lease: None,
            open: false,
        }
    }

    pub(crate) fn lent(pool: Arc<PgPool>, key: String) -> Pg {
        Pg {
            conn: None,
            lease: Some((pool, key)),
            open: false,
        }
    }

    /// The connection, borrowed from the pool first if this engine has none now.
    pub(crate) fn conn(&mut self) -> Result<&mut PgConn> {
        let conn = match (self.conn.take(), &self.lease) {
            (Some(c), _) => c,
            (None, Some((pool, key))) => pool.take(key)?,
            (None, None) => {
                return Err(CoreError::Invalid(
                    "database: the PostgreSQL connection was given back".into(),
                ));
            }
        };
        Ok(self.conn.insert(conn))
    }

    /// Whether the connection it holds is gone (the server restarted or dropped it); one
    /// borrowed from a pool only when used, and holding none now, is not.
    pub(crate) fn is_closed(&self) -> bool {
        self.conn.as_ref().is_some_and(|c| c.client.is_closed())
    }

    /// Begins a transaction with the next statement (see [`PgConn::ahead`]).
    pub(crate) fn begin(&mut self, begin: &'static str) -> Result<()> {
        self.conn()?.ahead.push(Ahead::Begin(begin));
        self.open = true;
        Ok(())
    }

    /// Inside a transaction, `stmt` waits to go with the next round trip (at the latest
    /// the COMMIT's) and true is returned; outside one, false: the caller runs it now.
    pub(crate) fn defer(&mut self, sql: &str, args: &[super::sql::Value]) -> Result<bool> {
        if !self.open {
            return Ok(false);
        }
        let conn = self.conn()?;
        let stmt = conn.statement(sql)?;
        conn.ahead.push(Ahead::Write(stmt, args.to_vec()));
        Ok(true)
    }

    /// Ends the transaction: `COMMIT` with the writes still waiting, in one round trip, or
    /// `ROLLBACK` without them. Nothing is sent when the server never got the `BEGIN`
    /// (no statement ran, none waits): false then.
    pub(crate) fn end(&mut self, commit: bool) -> Result<bool> {
        self.open = false;
        let Some(c) = self.conn.as_mut() else {
            return Ok(false);
        };
        if !commit {
            c.ahead.retain(|a| !matches!(a, Ahead::Write(..)));
        }
        let unsent = c.ahead.iter().any(|a| matches!(a, Ahead::Begin(_)));
        let writes = c.ahead.iter().any(|a| matches!(a, Ahead::Write(..)));
        if unsent && !writes {
            c.ahead.retain(|a| !matches!(a, Ahead::Begin(_)));
            return Ok(false);
        }
        c.batch(if commit { "COMMIT" } else { "ROLLBACK" })?;
        Ok(true)
    }

    /// Gives a lent connection back to its pool. Inside a transaction whose end never came
    /// (a caller's bug, or a panic past its guard) it is closed instead: the server rolls
    /// that transaction back, its deferred writes are never sent, and no later borrower
    /// runs its statements inside it.
    pub(crate) fn give_back(&mut self) {
        if let Some((pool, _)) = &self.lease
            && let Some(c) = self.conn.take()
        {
            if std::mem::take(&mut self.open) {
                drop(c);
                pool.closed();
            } else {
                pool.give(c);
            }
        }
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        self.give_back();
    }
}

impl PgConn {
    pub(crate) fn new(client: super::pgclient::PgClient) -> PgConn {
        PgConn {
            client,
            prepared: HashMap::new(),
            key: None,
            ahead: Vec::new(),
        }
    }

    /// Runs a query, with the statements waiting ahead in its round trip.
    pub(crate) fn query(
        &mut self,
        stmt: &tokio_postgres::Statement,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Vec<tokio_postgres::Row>> {
        if self.ahead.is_empty() {
            return self.client.query(stmt, params);
        }
        let ahead = std::mem::take(&mut self.ahead);
        let r = self.client.query_after(&ahead, stmt, params);
        self.sent(&ahead, r.is_ok());
        r
    }

    /// Runs a statement, with the statements waiting ahead in its round trip.
    pub(crate) fn execute(
        &mut self,
        stmt: &tokio_postgres::Statement,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<u64> {
        if self.ahead.is_empty() {
            return self.client.execute(stmt, params);
        }
        let ahead = std::mem::take(&mut self.ahead);
        let r = self.client.execute_after(&ahead, stmt, params);
        self.sent(&ahead, r.is_ok());
        r
    }

    /// Several queries, with the statements waiting ahead, in one round trip: their rows
    /// in order.
    pub(crate) fn queries(
        &mut self,
        queries: &[(
            tokio_postgres::Statement,
            Vec<&(dyn tokio_postgres::types::ToSql + Sync)>,
        )],
    ) -> Result<Vec<Vec<tokio_postgres::Row>>> {
        let ahead = std::mem::take(&mut self.ahead);
        let r = self.client.queries_after(&ahead, queries);
        self.sent(&ahead, r.is_ok());
        r
    }

    /// Statements without parameters (`COMMIT`), with the statements waiting ahead, in one
    /// round trip.
    pub(crate) fn batch(&mut self, sql: &str) -> Result<()> {
        if self.ahead.is_empty() {
            return self.client.batch_execute(sql);
        }
        let ahead = std::mem::take(&mut self.ahead);
        let r = self.client.batch_after(&ahead, sql);
        self.sent(&ahead, r.is_ok());
        r
    }

    /// After a round trip that carried `ahead`: a key that may not have been set is set
    /// again by the next use.
    fn sent(&mut self, ahead: &[Ahead], ok: bool) {
        if !ok && ahead.iter().any(|a| matches!(a, Ahead::Key(..))) {
            self.key = None;
        }
    }

    /// The prepared statement of `sql` (written with `?N`), prepared on first use.
    pub(crate) fn statement(&mut self, sql: &str) -> Result<tokio_postgres::Statement> {
        if let Some(s) = self.prepared.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(&super::sql::to_postgres(sql))?;
        self.prepared.insert(sql.to_string(), s.clone());
        Ok(s)
    }
}
