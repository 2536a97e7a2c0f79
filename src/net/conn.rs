//! What every daemon does with a connection before its protocol starts: the accept loop
//! with graceful drain, the per-IP ban check, one stream type for plain TCP and TLS, a
//! one-line refusal, and for every listener (SMTP, IMAP, POP3) the whole admission:
//! connection limit, ban, implicit TLS, whether passwords may cross in the clear, and the
//! pre-login deadline (which the implicit-TLS handshake counts against).
//!
//! Not here: the refusal texts (each protocol supplies its own [`Refusals`]), running the
//! session once admitted ([`super::driver`]).

use std::borrow::Cow;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use std::io::ErrorKind;

use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

use tokio_rustls::TlsAcceptor;

use super::limits::{ConnLimiter, Permit};
use super::shutdown::Shutdown;
use super::tls::TlsStore;
use crate::core::pool::DbPool;

/// How long a TLS handshake may take: a peer that stalls there has not even said hello.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(60);

pub use super::Io;

pub enum Stream {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::server::TlsStream<TcpStream>>),
}

impl Stream {
    pub fn io(&mut self) -> &mut dyn Io {
        match self {
            Stream::Plain(s) => s,
            Stream::Tls(s) => s.as_mut(),
        }
    }
}

/// Accepts until shutdown, one task per connection, then waits up to `drain` for the
/// sessions in flight.
pub async fn accept_loop<F, Fut>(
    listener: TcpListener,
    mut shutdown: Shutdown,
    drain: Duration,
    handle: F,
) where
    F: Fn(TcpStream, SocketAddr, Shutdown) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let mut conns = tokio::task::JoinSet::new();
    loop {
        let (tcp, peer) = tokio::select! {
            // Reaped as they end: a finished task keeps its whole allocation (sized for the
            // connection's future) until joined, and reaping only at the next accept left a
            // thousand closed IDLE sessions' worth in the heap while no one connected.
            Some(_) = conns.join_next(), if !conns.is_empty() => continue,
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(e) => {
                    // EMFILE and friends: back off instead of spinning.
                    tracing::warn!("accept: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = shutdown.wait() => break,
        };
        conns.spawn(handle(tcp, peer, shutdown.clone()));
    }
    drop(listener);
    let _ = tokio::time::timeout(drain, async { while conns.join_next().await.is_some() {} }).await;
}

/// How long a new connection waits for its ban check before it is greeted anyway.
const BAN_CHECK_WAIT: Duration = Duration::from_secs(2);

/// Whether `ip` is banned for failed logins (a database error counts as not banned: a
/// broken database must not lock everyone out; logins fail on it anyway). A database that
/// does not answer counts the same after [`BAN_CHECK_WAIT`], so a hung PostgreSQL does not
/// hold every greeting; the lookup's thread ends on its own bound (`core::pgclient`).
pub async fn is_banned(pool: &Arc<DbPool>, ip: IpAddr) -> bool {
    let pool = pool.clone();
    let ip = ip.to_string();
    let check = tokio::task::spawn_blocking(move || pool.get().and_then(|db| db.ban_until(&ip)));
    tokio::time::timeout(BAN_CHECK_WAIT, check)
        .await
        .ok()
        .and_then(Result::ok)
        .and_then(Result::ok)
        .flatten()
        .is_some()
}

/// Writes one line and closes.
pub async fn refuse(mut tcp: TcpStream, line: &str) {
    let _ = tcp.write_all(line.as_bytes()).await;
    let _ = tcp.shutdown().await;
}

/// Runs the server side of a TLS handshake (implicit TLS, or after STARTTLS/STLS), for at
/// most [`HANDSHAKE_TIMEOUT`] and never past `deadline` (the pre-login deadline: a handshake
/// is part of the time a peer has to log in).
pub async fn handshake(
    tcp: TcpStream,
    cfg: Arc<rustls::ServerConfig>,
    deadline: Option<Instant>,
) -> std::io::Result<Stream> {
    let mut until = Instant::now() + HANDSHAKE_TIMEOUT;
    if let Some(d) = deadline {
        until = until.min(d);
    }
    let tls = tokio::time::timeout_at(until, TlsAcceptor::from(cfg).accept(tcp))
        .await
        .map_err(|_| std::io::Error::new(ErrorKind::TimedOut, "TLS handshake timed out"))??;
    Ok(Stream::Tls(Box::new(tls)))
}

/// A listener: who may connect and how.
pub struct Access {
    pub hostname: String,
    /// Port 993/995: TLS from the first byte.
    pub implicit_tls: bool,
    pub pool: Arc<DbPool>,
    pub tls: Arc<TlsStore>,
    pub limiter: Arc<ConnLimiter>,
    /// `mynetworks` and `auth.plaintext`, reloaded on SIGHUP.
    pub policy: Arc<super::live::Live<super::live::ConnPolicy>>,
    /// How long a peer has from connecting (TLS handshake included) to logging in:
    /// `imap.timeout.login`, `pop3.timeout.login`; for SMTP, where login is optional, the
    /// command timeout (it bounds the implicit-TLS handshake).
    pub login_timeout: Duration,
    /// What the metrics count this listener's connections as.
    pub protocol: crate::metrics::Protocol,
}

/// An admitted connection.
pub struct Admitted {
    pub stream: Stream,
    /// Held for the connection's life.
    pub permit: Permit,
    /// The certificate in force when it connected, for a later STARTTLS.
    pub tls: Option<Arc<rustls::ServerConfig>>,
    pub tls_active: bool,
    pub tls_available: bool,
    pub plaintext_ok: bool,
    /// The `mynetworks` / `auth.plaintext` snapshot the decision above came from (SMTP
    /// needs its parts: relaying and plaintext AUTH are separate questions there).
    pub policy: Arc<super::live::ConnPolicy>,
    /// When the peer must have logged in by ([`Access::login_timeout`] after it connected).
    pub login_deadline: Instant,
}

/// The one-line refusals, in the protocol's own syntax.
pub struct Refusals {
    pub busy: Cow<'static, str>,
    pub banned: Cow<'static, str>,
}

impl Access {
    /// Admits `tcp` or refuses it with the protocol's line (connection limit, ban); `None`
    /// also when an implicit-TLS handshake fails.
    pub async fn admit(
        &self,
        tcp: TcpStream,
        peer: SocketAddr,
        refusals: &Refusals,
    ) -> Option<Admitted> {
        let ip = peer.ip();
        let login_deadline = Instant::now() + self.login_timeout;
        let mut permit = match self.limiter.try_acquire(ip) {
            Ok(p) => p,
            Err(why) => {
                tracing::warn!(%peer, ?why, "connection refused: limit reached");
                refuse(tcp, &refusals.busy).await;
                return None;
            }
        };
        if is_banned(&self.pool, ip).await {
            refuse(tcp, &refusals.banned).await;
            return None;
        }
        let _ = tcp.set_nodelay(true);
        permit.count_session(self.protocol);
        let tls = self.tls.get();
        let stream = if self.implicit_tls {
            match handshake(tcp, tls.clone()?, Some(login_deadline)).await {
                Ok(s) => s,
                Err(e) => {
                    tracing::debug!(%peer, "implicit TLS: {e}");
                    return None;
                }
            }
        } else {
            Stream::Plain(tcp)
        };
        let policy = self.policy.get();
        Some(Admitted {
            stream,
            permit,
            tls_active: self.implicit_tls,
            tls_available: tls.is_some() && !self.implicit_tls,
            plaintext_ok: self.implicit_tls
                || policy.trusted(ip)
                || (policy.plaintext_loopback && ip.is_loopback()),
            policy,
            tls,
            login_deadline,
        })
    }
}
