//! A synchronous PostgreSQL client whose every wait is bounded (issue 21: a PostgreSQL that
//! stops answering). The `postgres` crate's client waits on a round trip for as long as the
//! socket lives, and a server that is hung or behind a partition that drops packets keeps it
//! alive: the kernel of a stopped server still acknowledges what is sent, so neither TCP
//! keepalives nor `tcp_user_timeout` fire. Sessions then never answer and their blocking
//! threads pile up. This client is the same thing built on `tokio_postgres` (as the
//! `postgres` crate is: a current-thread runtime per connection, driven while a call
//! waits), with a deadline on the login and on every round trip.
//!
//! A round trip that outlives its bound leaves the connection in an unknown state: the
//! server may still act on what was sent (a `COMMIT` among it), and its answer would be
//! read as the next call's. Such a connection is marked lost: [`PgClient::is_closed`] says
//! so, the pools drop it instead of lending it again, and dropping it closes the socket
//! (the server rolls back whatever it had not committed when it next runs). The caller gets
//! [`CoreError::Unavailable`] and answers "try again later".
//!
//! Not here: the URL, TLS, the timeouts chosen (`core::pgconnect`), statements and their
//! cache (`core::pgpool::PgConn`, `core::sql`).

use std::future::Future;
use std::time::Duration;

use tokio_postgres::tls::{MakeTlsConnect, TlsConnect};
use tokio_postgres::types::ToSql;
use tokio_postgres::{Row, Socket, Statement};

use super::sql::Value;
use super::{CoreError, Result};

pub(crate) struct PgClient {
    /// `None` only while dropping.
    rt: Option<tokio::runtime::Runtime>,
    client: tokio_postgres::Client,
    /// The longest one round trip may take.
    bound: Duration,
    /// A round trip outlived its bound: never used again.
    lost: bool,
    /// The URL without its password, for messages.
    place: String,
}

impl PgClient {
    /// Connects and logs in within `login` (socket, TLS handshake and authentication
    /// together: a stopped server accepts the TCP connection and then says nothing).
    pub(crate) fn connect<T>(
        config: &tokio_postgres::Config,
        tls: T,
        login: Duration,
        bound: Duration,
        place: &str,
    ) -> Result<PgClient>
    where
        T: MakeTlsConnect<Socket> + 'static + Send,
        T::TlsConnect: Send,
        T::Stream: Send,
        <T::TlsConnect as TlsConnect<Socket>>::Future: Send,
    {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| CoreError::Refused(format!("PostgreSQL client runtime: {e}")))?;
        // The timer is made inside the runtime: it needs the runtime's clock.
        let connected =
            rt.block_on(async { tokio::time::timeout(login, config.connect(tls)).await });
        let (client, connection) = match connected {
            Ok(Ok(c)) => c,
            Ok(Err(e)) => {
                return Err(CoreError::Refused(format!(
                    "cannot connect to PostgreSQL at {place}: {}",
                    super::pgconnect::with_causes(&e)
                )));
            }
            Err(_) => {
                return Err(CoreError::Unavailable(format!(
                    "PostgreSQL at {place} did not answer the login within {} s",
                    login.as_secs_f32()
                )));
            }
        };
        // Runs whenever a call below waits on the runtime; ends when the socket does.
        rt.spawn(connection);
        Ok(PgClient {
            rt: Some(rt),
            client,
            bound,
            lost: false,
            place: place.to_string(),
        })
    }

    /// Whether the connection is gone (the server closed it) or lost (a round trip outlived
    /// its bound): either way it must not be used again.
    pub(crate) fn is_closed(&self) -> bool {
        self.lost || self.client.is_closed()
    }

    /// Sets the longest one round trip may take; returns the one it replaces.
    pub(crate) fn set_bound(&mut self, bound: Duration) -> Duration {
        std::mem::replace(&mut self.bound, bound)
    }

    pub(crate) fn prepare(&mut self, query: &str) -> Result<Statement> {
        let f = self.client.prepare(query);
        wait(&self.rt, self.bound, &mut self.lost, &self.place, f)
    }

    pub(crate) fn execute(
        &mut self,
        stmt: &Statement,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<u64> {
        let f = self.client.execute(stmt, params);
        wait(&self.rt, self.bound, &mut self.lost, &self.place, f)
    }

    pub(crate) fn query(
        &mut self,
        stmt: &Statement,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>> {
        let f = self.client.query(stmt, params);
        wait(&self.rt, self.bound, &mut self.lost, &self.place, f)
    }

    /// `query`, with the statements `ahead` sent before it in the same round trip.
    pub(crate) fn query_after(
        &mut self,
        ahead: &[Ahead],
        stmt: &Statement,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>> {
        let f = futures_util::future::try_join(
            sent_ahead(&self.client, ahead),
            self.client.query(stmt, params),
        );
        let (_, rows) = wait(&self.rt, self.bound, &mut self.lost, &self.place, f)?;
        Ok(rows)
    }

    /// `execute`, with the statements `ahead` sent before it in the same round trip.
    pub(crate) fn execute_after(
        &mut self,
        ahead: &[Ahead],
        stmt: &Statement,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<u64> {
        let f = futures_util::future::try_join(
            sent_ahead(&self.client, ahead),
            self.client.execute(stmt, params),
        );
        let (_, n) = wait(&self.rt, self.bound, &mut self.lost, &self.place, f)?;
        Ok(n)
    }

    /// Several queries in one round trip, after the statements `ahead`; their rows in order.
    /// The server runs them one after the other, each with a snapshot of its own.
    pub(crate) fn queries_after(
        &mut self,
        ahead: &[Ahead],
        queries: &[(Statement, Vec<&(dyn ToSql + Sync)>)],
    ) -> Result<Vec<Vec<Row>>> {
        let client = &self.client;
        let f = futures_util::future::try_join(
            sent_ahead(client, ahead),
            futures_util::future::try_join_all(
                queries
                    .iter()
                    .map(|(stmt, params)| client.query(stmt, params)),
            ),
        );
        let (_, rows) = wait(&self.rt, self.bound, &mut self.lost, &self.place, f)?;
        Ok(rows)
    }

    /// Statements without parameters (`COMMIT`), after the statements `ahead`, in one round
    /// trip.
    pub(crate) fn batch_after(&mut self, ahead: &[Ahead], sql: &str) -> Result<()> {
        let f = futures_util::future::try_join(
            sent_ahead(&self.client, ahead),
            self.client.batch_execute(sql),
        );
        wait(&self.rt, self.bound, &mut self.lost, &self.place, f).map(drop)
    }

    /// Statements without parameters, several separated by `;`.
    pub(crate) fn batch_execute(&mut self, sql: &str) -> Result<()> {
        let f = self.client.batch_execute(sql);
        wait(&self.rt, self.bound, &mut self.lost, &self.place, f)
    }
}

/// A statement whose answer nobody waits for before the next one is sent: it goes ahead of
/// that one in the same round trip (pipelining). tokio-postgres sends a request when its
/// future is first polled, and the joined futures are first polled in order, so the server
/// runs them in order; an error in one is the call's error.
pub(crate) enum Ahead {
    /// A transaction's `BEGIN` (as written: `BEGIN ISOLATION LEVEL …` too), sent with its
    /// first statement.
    Begin(&'static str),
    /// A pool's per-use statement (`core::pgpool`) with its one argument, the key.
    Key(Statement, String),
    /// A write inside a transaction whose row count nobody reads (`core::sql::Sql::defer`):
    /// it goes with the next statement, or with the COMMIT. If it fails, the transaction
    /// is aborted on the server, so what follows it fails or COMMIT rolls back, and its
    /// error is the call's.
    Write(Statement, Vec<Value>),
}

/// The requests of `ahead`, in order, as one future.
fn sent_ahead<'a>(
    client: &'a tokio_postgres::Client,
    ahead: &'a [Ahead],
) -> impl Future<Output = std::result::Result<(), tokio_postgres::Error>> + 'a {
    let each = ahead.iter().map(
        move |a| -> std::pin::Pin<Box<dyn Future<Output = _> + 'a>> {
            match a {
                Ahead::Begin(begin) => Box::pin(client.batch_execute(begin)),
                Ahead::Key(stmt, key) => Box::pin(async move {
                    let key: &(dyn ToSql + Sync) = key;
                    client.query(stmt, &[key]).await.map(drop)
                }),
                Ahead::Write(stmt, args) => Box::pin(async move {
                    let params: Vec<&(dyn ToSql + Sync)> =
                        args.iter().map(|a| a as &(dyn ToSql + Sync)).collect();
                    client.execute(stmt, &params).await.map(drop)
                }),
            }
        },
    );
    async move { futures_util::future::try_join_all(each).await.map(drop) }
}

thread_local! {
    static ROUND_TRIPS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Round trips to PostgreSQL this thread has waited for so far (every call waits on the
/// calling thread): for tests and benchmarks that count what an operation costs, without
/// the noise of other threads' work.
pub fn round_trips() -> u64 {
    ROUND_TRIPS.with(std::cell::Cell::get)
}

/// Runs `f` (one round trip) on the connection's runtime for at most `bound`.
fn wait<R>(
    rt: &Option<tokio::runtime::Runtime>,
    bound: Duration,
    lost: &mut bool,
    place: &str,
    f: impl Future<Output = std::result::Result<R, tokio_postgres::Error>>,
) -> Result<R> {
    let gone = |what: &str| CoreError::Unavailable(format!("PostgreSQL at {place} {what}"));
    if *lost {
        return Err(gone(
            "did not answer before; this connection is not used again",
        ));
    }
    let rt = rt.as_ref().ok_or_else(|| gone("connection is closed"))?;
    ROUND_TRIPS.with(|n| n.set(n.get() + 1));
    match rt.block_on(async { tokio::time::timeout(bound, f).await }) {
        Ok(r) => Ok(r?),
        Err(_) => {
            *lost = true;
            Err(gone(&format!(
                "did not answer within {} s",
                bound.as_secs_f32()
            )))
        }
    }
}

impl Drop for PgClient {
    fn drop(&mut self) {
        // Never waits: a lost connection's server may not answer a goodbye, and a pool may
        // drop a connection on an async thread, where blocking on a runtime panics. The
        // socket closes with the runtime's tasks; the server treats that as a goodbye.
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server that accepts the connection and then says nothing (a stopped postmaster):
    /// the login gives up within its bound instead of waiting for ever.
    #[test]
    fn a_silent_server_fails_the_login_within_its_bound() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let config: tokio_postgres::Config =
            format!("postgres://u@127.0.0.1:{port}/d").parse().unwrap();
        let start = std::time::Instant::now();
        let r = PgClient::connect(
            &config,
            tokio_postgres::NoTls,
            Duration::from_millis(300),
            Duration::from_secs(1),
            "here",
        );
        let Err(e) = r else {
            panic!("connected to a silent server")
        };
        assert!(matches!(e, CoreError::Unavailable(_)), "{e}");
        assert!(start.elapsed() < Duration::from_secs(30), "no bound");
        drop(l);
    }
}
