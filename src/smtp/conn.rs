//! Drives one SMTP session over TCP (and TLS) with tokio: reads, hands the bytes to the
//! sans-IO [`Session`] on a blocking thread (it may hit SQLite and fsync), writes replies,
//! and performs STARTTLS, timeouts and graceful shutdown.
//!
//! Timeouts follow RFC 5321 §4.5.3.2 (5 minutes for a command, 3 minutes for a block of
//! DATA) but are deadlines a slow peer cannot stretch: a command line must be complete
//! within `smtp.command_timeout` of the previous one's end, however its bytes trickle in.
//! Message content must keep arriving (no gap over `smtp.data_timeout`) and be complete
//! within `smtp.data_timeout` plus one second per `smtp.data_min_rate` octets received
//! (as Postfix's `smtpd_min_data_rate`), so a big message on a slow link is fine and a
//! byte a second is not. Shutdown: an idle session gets `421` at once; a transaction in
//! flight is allowed to finish, then the session gets `421`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::net::conn::Stream;
use tokio_rustls::TlsAcceptor;

use super::backend::{Backend, SqlPolicy};
use super::session::{Event, Service, Session, SessionConfig};
use crate::net::shutdown::Shutdown;
use crate::net::tls::TlsStore;

/// Defaults; the server takes them from `smtp.command_timeout`, `smtp.data_timeout` and
/// `smtp.data_min_rate`.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(300);
pub const DATA_TIMEOUT: Duration = Duration::from_secs(180);
pub const DATA_MIN_RATE: u64 = 1024;

#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// Whole-command deadline.
    pub command: Duration,
    /// Longest gap in message content, and the base of the whole-content deadline.
    pub data: Duration,
    /// Octets per second that earn content one more second; 0: the deadline is `data`.
    pub data_min_rate: u64,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            command: COMMAND_TIMEOUT,
            data: DATA_TIMEOUT,
            data_min_rate: DATA_MIN_RATE,
        }
    }
}

/// The deadline the connection is under, restarted as the session moves on.
struct Deadline {
    at: Instant,
    in_content: bool,
    lines_done: u64,
}

impl Deadline {
    fn new(t: &Timeouts) -> Deadline {
        Deadline {
            at: Instant::now() + t.command,
            in_content: false,
            lines_done: 0,
        }
    }

    /// When the next read must have arrived by.
    fn read_by(&self, t: &Timeouts) -> Instant {
        if self.in_content {
            self.at.min(Instant::now() + t.data)
        } else {
            self.at
        }
    }

    /// After a feed of `n` octets: content gets its deadline when it starts and earns time
    /// as it arrives; a command gets a fresh deadline when the one before it completed.
    fn update<P: super::Policy>(&mut self, s: &Session<P>, n: usize, t: &Timeouts) {
        let now = Instant::now();
        let content = s.in_content();
        if content && !self.in_content {
            self.at = now + t.data;
        } else if content {
            if t.data_min_rate > 0 {
                self.at += Duration::from_secs_f64(n as f64 / t.data_min_rate as f64);
            }
        } else if self.in_content || s.lines_done() != self.lines_done {
            self.at = now + t.command;
        }
        self.in_content = content;
        self.lines_done = s.lines_done();
    }
}

fn tls_names(s: &tokio_rustls::server::TlsStream<TcpStream>) -> (String, String) {
    let (_, conn) = s.get_ref();
    let version = conn
        .protocol_version()
        .and_then(|v| v.as_str())
        .unwrap_or("TLS")
        .replace('_', ".");
    let cipher = conn
        .negotiated_cipher_suite()
        .map(|c| format!("{:?}", c.suite()))
        .unwrap_or_else(|| "unknown".into());
    (version, cipher)
}

/// Runs one connection to its end. Errors are logged, never propagated: a peer cannot take
/// the server down.
pub async fn serve_connection(
    tcp: TcpStream,
    peer: SocketAddr,
    mut cfg: SessionConfig,
    backend: Arc<Backend>,
    tls: Arc<TlsStore>,
    shutdown: Shutdown,
    timeouts: Timeouts,
) {
    let _ = tcp.set_nodelay(true);
    let tls_cfg = tls.get();
    cfg.tls_available = tls_cfg.is_some();
    let implicit = cfg.service == Service::Submissions;
    let stream = if implicit {
        let Some(tc) = tls_cfg.clone() else { return };
        match tokio::time::timeout(timeouts.command, TlsAcceptor::from(tc).accept(tcp)).await {
            Ok(Ok(s)) => Stream::Tls(Box::new(s)),
            _ => return,
        }
    } else {
        Stream::Plain(tcp)
    };
    let mut session = Session::new(cfg, SqlPolicy::new(backend));
    if let Stream::Tls(s) = &stream {
        let (v, c) = tls_names(s);
        session.tls_started(&v, &c);
    }
    if let Err(e) = drive(stream, session, tls_cfg, shutdown, timeouts).await {
        tracing::debug!(%peer, "connection ended: {e}");
    }
}

async fn drive(
    mut stream: Stream,
    session: Session<SqlPolicy>,
    tls_cfg: Option<Arc<rustls::ServerConfig>>,
    mut shutdown: Shutdown,
    timeouts: Timeouts,
) -> std::io::Result<()> {
    let mut out = Vec::with_capacity(1024);
    session.greeting(&mut out);
    stream.io().write_all(&out).await?;
    let mut buf = vec![0u8; 64 << 10];
    // The session moves into a blocking task for each feed and comes back.
    let mut session = Some(session);
    let mut deadline = Deadline::new(&timeouts);
    loop {
        let s = session
            .as_mut()
            .ok_or_else(|| std::io::Error::other("session lost"))?;
        let busy = s.in_transaction();
        if shutdown.is_triggered() && !busy {
            out.clear();
            s.closing(&mut out, "Service shutting down");
            stream.io().write_all(&out).await?;
            break;
        }
        let read_by = deadline.read_by(&timeouts);
        let n = tokio::select! {
            r = tokio::time::timeout_at(read_by, stream.io().read(&mut buf)) => match r {
                Ok(r) => r?,
                Err(_) => {
                    out.clear();
                    s.closing(&mut out, "Timeout exceeded");
                    stream.io().write_all(&out).await?;
                    break;
                }
            },
            _ = shutdown.wait(), if !busy => continue,
        };
        if n == 0 {
            break;
        }
        let input = buf[..n].to_vec();
        let mut sess = session
            .take()
            .ok_or_else(|| std::io::Error::other("session lost"))?;
        let (mut sess, reply, event) = tokio::task::spawn_blocking(move || {
            let mut reply = Vec::new();
            let ev = sess.feed(&input, &mut reply);
            (sess, reply, ev)
        })
        .await
        .map_err(std::io::Error::other)?;
        deadline.update(&sess, n, &timeouts);
        let pause = sess.take_delay();
        session = Some(sess);
        if let Some(pause) = pause {
            // A failed login: the answer waits, and so does the next attempt.
            tokio::time::sleep(pause).await;
        }
        if !reply.is_empty() {
            stream.io().write_all(&reply).await?;
        }
        match event {
            None => {}
            Some(Event::Close) => break,
            Some(Event::StartTls) => {
                let (Some(tc), Stream::Plain(tcp)) = (tls_cfg.clone(), stream) else {
                    return Ok(());
                };
                // Anything pipelined after STARTTLS in the same read was dropped by the
                // session; bytes still unread go into the handshake and make it fail.
                let tls = tokio::time::timeout(timeouts.command, TlsAcceptor::from(tc).accept(tcp))
                    .await
                    .map_err(|_| std::io::Error::other("TLS handshake timed out"))??;
                let (v, c) = tls_names(&tls);
                if let Some(s) = session.as_mut() {
                    s.tls_started(&v, &c);
                }
                stream = Stream::Tls(Box::new(tls));
            }
        }
    }
    let _ = stream.io().shutdown().await;
    Ok(())
}
