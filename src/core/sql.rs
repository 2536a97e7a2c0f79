//! The engine seam: the core's state lives in SQLite (one machine, the default) or in
//! PostgreSQL (`database.url`, several nodes, issue 21), and the core's functions are written
//! once against this small typed API — [`Sql::execute`], [`Sql::query`], [`Sql::query_opt`],
//! [`Sql::query_one`], [`Sql::transaction`] — with one value type ([`Value`]) and one row
//! type ([`Row`]).
//!
//! Statement text is written once, in the dialect both engines share, with numbered
//! placeholders `?1`, `?2` (SQLite's). For PostgreSQL it is translated to `$1`, `$2` once per
//! distinct statement and prepared once per connection (both cached together), not per call.
//!
//! Why this and not sqlx or diesel: the storage functions are synchronous and run off the
//! async runtime (`spawn_blocking`), which the synchronous `postgres` crate fits as rusqlite
//! does; sqlx is async-only, wants its own pool and rustc headroom we do not have; diesel's
//! schema DSL would rewrite every query of the core. The dependency set is fixed
//! (CRATES.md §9), and the statements the core needs are plain enough that one dialect
//! covers both engines; where they are not, the caller asks [`Sql::is_postgres`].
//!
//! Not here: the schema and its migrations (`core::migrations`), which database a data
//! directory uses (`core::paths`, `database.url`), pooling (`core::pool`; PostgreSQL
//! connections lent per use and their statement caches: `core::pgpool`). Code not yet
//! ported still reaches SQLite through `Db::conn`, which refuses on PostgreSQL.

use std::cell::{Cell, RefCell};

use super::pgpool::Pg;

/// The wait of [`Sql::unhurried`].
const UNHURRIED: std::time::Duration = std::time::Duration::from_secs(3600);
use super::{CoreError, Result};

mod value;
pub(crate) use value::from_sqlite;
pub use value::{FromValue, Row, Value};

/// `args![a, b]`: the parameters of a statement, each converted with `Value::from`.
macro_rules! args {
    ($($v:expr),* $(,)?) => { &[$($crate::core::sql::Value::from($v)),*][..] };
}
pub(crate) use args;

pub(crate) enum Engine {
    Sqlite(rusqlite::Connection),
    /// Boxed: a client with its statement cache is three times a SQLite connection.
    Postgres(Box<RefCell<Pg>>),
}

/// The engine plus whether a transaction is open (a nested [`Sql::transaction`] joins it).
pub struct Sql {
    pub(crate) engine: Engine,
    /// Inside [`Sql::transaction`] (the directory cache reads through then).
    pub(crate) in_tx: Cell<bool>,
    /// The open transaction wrote a table of the directory cache (`core::dircache`).
    wrote_directory: Cell<bool>,
    /// Statements run (each a round trip on PostgreSQL): what tests of round trips count.
    statements: Cell<u64>,
    /// Rows the queries returned: what tests of how much a read brings count.
    rows: Cell<u64>,
}

impl Sql {
    fn with(engine: Engine) -> Sql {
        let no = || Cell::new(false);
        Sql {
            engine,
            in_tx: no(),
            wrote_directory: no(),
            statements: Cell::new(0),
            rows: Cell::new(0),
        }
    }

    pub(crate) fn sqlite(conn: rusqlite::Connection) -> Sql {
        Sql::with(Engine::Sqlite(conn))
    }

    pub(crate) fn postgres(client: super::pgclient::PgClient) -> Sql {
        Sql::with(Engine::Postgres(Box::new(RefCell::new(Pg::own(client)))))
    }

    /// PostgreSQL through `pool`: a connection is borrowed at the first statement, set to
    /// `key` (the pool's per-use statement), and kept until [`Sql::release`].
    pub(crate) fn pooled(pool: std::sync::Arc<super::pgpool::PgPool>, key: String) -> Sql {
        Sql::with(Engine::Postgres(Box::new(RefCell::new(Pg::lent(
            pool, key,
        )))))
    }

    /// Gives a pooled connection back to its pool (a no-op for any other engine, and
    /// inside a [`Sql::transaction`]). The next statement borrows one again. Never call it
    /// inside a transaction begun with `batch("BEGIN")`: the caller owns that order.
    pub fn release(&self) {
        if self.in_tx.get() {
            return;
        }
        if let Engine::Postgres(pg) = &self.engine {
            pg.borrow_mut().give_back();
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.engine, Engine::Postgres(_))
    }

    /// Statements (and batches) run so far through this `Sql`, BEGIN and COMMIT included.
    pub fn statements(&self) -> u64 {
        self.statements.get()
    }

    /// Rows its queries returned so far.
    pub fn rows_read(&self) -> u64 {
        self.rows.get()
    }

    /// This process's own write of a cached table counts at once on PostgreSQL (and again
    /// at COMMIT), not only when its notification comes back (`core::dircache`).
    fn count_directory_write(&self, sql: &str) {
        if super::dircache::counted_write(sql) && self.in_tx.get() {
            self.wrote_directory.set(true);
        }
    }

    /// Whether the connection is gone (PostgreSQL restarted, the network dropped it): a
    /// pool must not hand it out again. A SQLite connection never is.
    pub fn is_closed(&self) -> bool {
        match &self.engine {
            Engine::Sqlite(_) => false,
            Engine::Postgres(pg) => pg.borrow().is_closed(),
        }
    }

    /// Runs one statement; returns the number of rows it changed.
    pub fn execute(&self, sql: &str, args: &[Value]) -> Result<u64> {
        self.statements.set(self.statements.get() + 1);
        match &self.engine {
            Engine::Sqlite(c) => {
                Ok(c.prepare_cached(sql)?
                    .execute(rusqlite::params_from_iter(args))? as u64)
            }
            Engine::Postgres(pg) => {
                self.count_directory_write(sql);
                let mut pg = pg.borrow_mut();
                let pg = pg.conn()?;
                let stmt = pg.statement(sql)?;
                Ok(pg.execute(&stmt, &pg_args(args))?)
            }
        }
    }

    /// Every row of a query.
    pub fn query(&self, sql: &str, args: &[Value]) -> Result<Vec<Row>> {
        self.statements.set(self.statements.get() + 1);
        match &self.engine {
            Engine::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let n = stmt.column_count();
                let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| {
                    (0..n)
                        .map(|i| r.get_ref(i).map(from_sqlite))
                        .collect::<rusqlite::Result<Vec<_>>>()
                        .map(Row)
                })?;
                let rows = rows.collect::<rusqlite::Result<Vec<_>>>()?;
                self.rows.set(self.rows.get() + rows.len() as u64);
                Ok(rows)
            }
            Engine::Postgres(pg) => {
                self.count_directory_write(sql);
                let mut pg = pg.borrow_mut();
                let pg = pg.conn()?;
                let stmt = pg.statement(sql)?;
                let rows = pg.query(&stmt, &pg_args(args))?;
                self.rows.set(self.rows.get() + rows.len() as u64);
                rows.iter().map(pg_row).collect()
            }
        }
    }

    /// Every row of a query, each turned into a `T` as it is read: no list of rows in
    /// between (on SQLite), and `f` may [`Row::take`] its columns instead of copying them.
    pub fn query_map<T>(
        &self,
        sql: &str,
        args: &[Value],
        mut f: impl FnMut(Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        match &self.engine {
            Engine::Sqlite(c) => {
                self.statements.set(self.statements.get() + 1);
                let mut stmt = c.prepare_cached(sql)?;
                let n = stmt.column_count();
                let mut rows = stmt.query(rusqlite::params_from_iter(args))?;
                let mut out = Vec::new();
                while let Some(r) = rows.next()? {
                    let row = (0..n)
                        .map(|i| r.get_ref(i).map(from_sqlite))
                        .collect::<rusqlite::Result<Vec<_>>>()?;
                    out.push(f(Row(row))?);
                }
                self.rows.set(self.rows.get() + out.len() as u64);
                Ok(out)
            }
            Engine::Postgres(_) => self.query(sql, args)?.into_iter().map(f).collect(),
        }
    }

    /// The first row of a query, if any.
    pub fn query_opt(&self, sql: &str, args: &[Value]) -> Result<Option<Row>> {
        Ok(self.query(sql, args)?.into_iter().next())
    }

    /// The first row of a query that always returns one (`SELECT count(*) …`).
    pub fn query_one(&self, sql: &str, args: &[Value]) -> Result<Row> {
        self.query_opt(sql, args)?
            .ok_or_else(|| CoreError::Invalid(format!("database: no row from {sql}")))
    }

    /// Runs `f` free of the bounds a mail session's statements have (`core::pgconnect`): no
    /// statement timeout on the server, an hour's wait on the node. For schema migrations,
    /// which may build an index over millions of rows or wait for another node's. A no-op
    /// on SQLite.
    pub(crate) fn unhurried<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        let Engine::Postgres(pg) = &self.engine else {
            return f();
        };
        let usual = pg.borrow_mut().conn()?.client.set_bound(UNHURRIED);
        let r = self.batch("SET statement_timeout = 0").and_then(|()| f());
        let _ = self.batch("RESET statement_timeout");
        if let Ok(c) = pg.borrow_mut().conn() {
            c.client.set_bound(usual);
        }
        r
    }

    /// Runs `f` in one transaction: committed when it returns `Ok`, rolled back otherwise.
    /// SQLite's is IMMEDIATE (the write lock first, so two writers never deadlock on an
    /// upgrade). Inside a transaction, a nested call joins the outer one.
    pub fn transaction<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        if self.in_tx.get() {
            return f();
        }
        self.begin(match self.engine {
            Engine::Sqlite(_) => "BEGIN IMMEDIATE",
            Engine::Postgres(_) => "BEGIN",
        })?;
        self.in_tx.set(true);
        let out = f();
        self.in_tx.set(false);
        let wrote_directory = self.wrote_directory.replace(false);
        match out {
            Ok(v) => {
                self.end(true)?;
                if wrote_directory {
                    super::dircache::changed();
                }
                Ok(v)
            }
            Err(e) => {
                // The error that made us roll back is the one worth reporting.
                let _ = self.end(false);
                Err(e)
            }
        }
    }

    /// Opens a transaction with `begin` (`BEGIN`, `BEGIN IMMEDIATE`, `BEGIN ISOLATION LEVEL
    /// …`). On PostgreSQL it is sent with the transaction's first statement, in the same
    /// round trip (`core::pgclient::Ahead`): one round trip less per transaction.
    pub(crate) fn begin(&self, begin: &'static str) -> Result<()> {
        match &self.engine {
            Engine::Sqlite(_) => self.batch(begin),
            Engine::Postgres(pg) => {
                self.statements.set(self.statements.get() + 1);
                pg.borrow_mut().begin(begin)
            }
        }
    }

    /// Ends the transaction [`Sql::begin`] opened: `COMMIT`, or `ROLLBACK`. Nothing on
    /// PostgreSQL when it ran no statement: the server never got its `BEGIN`.
    pub(crate) fn end(&self, commit: bool) -> Result<()> {
        match &self.engine {
            Engine::Sqlite(_) => self.batch(if commit { "COMMIT" } else { "ROLLBACK" }),
            Engine::Postgres(pg) => {
                if pg.borrow_mut().end(commit)? {
                    self.statements.set(self.statements.get() + 1);
                }
                Ok(())
            }
        }
    }

    /// Runs a write whose row count the caller does not need. Inside a transaction on
    /// PostgreSQL it is not sent yet: it goes ahead of the transaction's next statement, or
    /// with its COMMIT, in that round trip (a transaction's last write and its COMMIT are
    /// one round trip, not two). Its error, if any, is then that statement's or the
    /// COMMIT's, and the transaction is rolled back all the same. Runs at once on SQLite
    /// and outside a transaction.
    pub fn defer(&self, sql: &str, args: &[Value]) -> Result<()> {
        if let Engine::Postgres(pg) = &self.engine
            && pg.borrow_mut().defer(sql, args)?
        {
            self.statements.set(self.statements.get() + 1);
            self.count_directory_write(sql);
            return Ok(());
        }
        self.execute(sql, args).map(drop)
    }

    /// Several queries in one round trip on PostgreSQL (one after the other on SQLite): the
    /// rows of each, in order. Each sees what the ones before it did; on PostgreSQL outside
    /// a REPEATABLE READ transaction each also sees what others committed before it ran (a
    /// row lock taken by the first is held when the second reads).
    pub fn queries(&self, queries: &[(&str, &[Value])]) -> Result<Vec<Vec<Row>>> {
        let Engine::Postgres(pg) = &self.engine else {
            return queries.iter().map(|(q, a)| self.query(q, a)).collect();
        };
        self.statements
            .set(self.statements.get() + queries.len() as u64);
        let mut pg = pg.borrow_mut();
        let conn = pg.conn()?;
        let mut prepared = Vec::with_capacity(queries.len());
        for (q, a) in queries {
            self.count_directory_write(q);
            prepared.push((conn.statement(q)?, pg_args(a)));
        }
        let answers = conn.queries(&prepared)?;
        let n: usize = answers.iter().map(Vec::len).sum();
        self.rows.set(self.rows.get() + n as u64);
        answers
            .iter()
            .map(|rows| rows.iter().map(pg_row).collect())
            .collect()
    }

    /// Inside a [`Sql::transaction`]: serialises it with every other transaction that locks
    /// the same `key` until it ends, on every node. A read-then-write (a limit checked, then
    /// counted) is then safe across nodes. SQLite needs nothing: its IMMEDIATE transaction
    /// already holds the database's one write lock. PostgreSQL's default isolation (READ
    /// COMMITTED) would let two nodes read the same count and both write, and a row lock
    /// (`FOR UPDATE`) cannot lock a row that does not exist yet, so this takes a
    /// transaction-scoped advisory lock on a stable 64-bit hash of the key.
    pub fn lock_key(&self, key: &str) -> Result<()> {
        if !self.is_postgres() {
            return Ok(());
        }
        self.query_one(
            "SELECT 1 FROM (SELECT pg_advisory_xact_lock(?1)) AS locked",
            &[Value::Int(lock_id(key))],
        )?;
        Ok(())
    }

    /// Statements without parameters or results, several separated by `;` (migrations).
    pub(crate) fn batch(&self, sql: &str) -> Result<()> {
        self.statements.set(self.statements.get() + 1);
        match &self.engine {
            Engine::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Engine::Postgres(pg) => {
                let mut pg = pg.borrow_mut();
                pg.conn()?.batch(sql)
            }
        }
    }
}

/// FNV-1a over the key: the same number on every node and every build (std's hasher is
/// randomly seeded per process), which is all an advisory lock key needs.
fn lock_id(key: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h as i64
}

fn pg_row(r: &tokio_postgres::Row) -> Result<Row> {
    (0..r.len())
        .map(|i| r.try_get::<_, Value>(i).map_err(CoreError::from))
        .collect::<Result<Vec<_>>>()
        .map(Row)
}

fn pg_args(args: &[Value]) -> Vec<&(dyn postgres::types::ToSql + Sync)> {
    args.iter()
        .map(|a| a as &(dyn postgres::types::ToSql + Sync))
        .collect()
}

/// Translates SQLite's numbered placeholders (`?1`, and a bare `?` meaning "the next") into
/// PostgreSQL's `$1`, leaving string literals, quoted identifiers and comments alone.
pub fn to_postgres(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.char_indices().peekable();
    let mut next = 1u32;
    while let Some((_, c)) = chars.next() {
        match c {
            '\'' | '"' => {
                out.push(c);
                // A doubled quote inside is an escaped one: leaving and re-entering the
                // literal copies it unchanged.
                for (_, d) in chars.by_ref() {
                    out.push(d);
                    if d == c {
                        break;
                    }
                }
            }
            '-' if chars.peek().is_some_and(|&(_, d)| d == '-') => {
                out.push(c);
                for (_, d) in chars.by_ref() {
                    out.push(d);
                    if d == '\n' {
                        break;
                    }
                }
            }
            '?' => {
                let mut digits = String::new();
                while let Some(&(_, d)) = chars.peek().filter(|(_, d)| d.is_ascii_digit()) {
                    digits.push(d);
                    chars.next();
                }
                let n = digits.parse().unwrap_or(next);
                next = n + 1;
                out.push('$');
                out.push_str(&n.to_string());
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
