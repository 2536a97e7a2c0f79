//! What every daemon does with a connection before its protocol starts: the accept loop
//! with graceful drain, the per-IP ban check, one stream type for plain TCP and TLS, and a
//! one-line refusal.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::dbpool::DbPool;
use super::shutdown::Shutdown;

pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

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
        while conns.try_join_next().is_some() {}
        conns.spawn(handle(tcp, peer, shutdown.clone()));
    }
    drop(listener);
    let _ = tokio::time::timeout(drain, async { while conns.join_next().await.is_some() {} }).await;
}

/// Whether `ip` is banned for failed logins (a database error counts as not banned: a
/// broken database must not lock everyone out; logins fail on it anyway).
pub async fn is_banned(pool: &Arc<DbPool>, ip: IpAddr) -> bool {
    let pool = pool.clone();
    let ip = ip.to_string();
    tokio::task::spawn_blocking(move || pool.get().and_then(|db| db.ban_until(&ip)))
        .await
        .ok()
        .and_then(Result::ok)
        .flatten()
        .is_some()
}

/// Writes one line and closes.
pub async fn refuse(mut tcp: TcpStream, line: &str) {
    let _ = tcp.write_all(line.as_bytes()).await;
    let _ = tcp.shutdown().await;
}
