//! Runs POP3 listeners on the shared net layer (`crate::net`: connection limits, TLS store with
//! SIGHUP reload, graceful shutdown, per-IP bans): accepts, drives each [`Session`] over TCP or
//! TLS, verifies logins and opens maildrops on blocking threads.
//!
//! The session moves into a blocking task for every batch of input, because RETR/TOP read
//! files and QUIT unlinks them; sockets stay on the async side.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

use super::maildrop::MaildirDrop;
use super::session::{Action, Config, LoginResult, Session};
use crate::core::pool::DbPool;
use crate::net::conn::{Access, Refusals, Stream, accept_loop, handshake};
use crate::net::shutdown::Shutdown;

const REFUSALS: Refusals = Refusals {
    busy: "-ERR [SYS/TEMP] too many connections; try again later\r\n",
    banned: "-ERR [AUTH] too many failed logins from your address; try again later\r\n",
};

/// RFC 1939 §3: the inactivity autologout timer must be at least 10 minutes. Before login
/// the listener's `pop3.timeout.login` applies instead, from the moment of connection.
const IDLE_TIMEOUT: Duration = Duration::from_secs(600);
/// How long shutdown waits for sessions in flight.
const DRAIN: Duration = Duration::from_secs(30);

/// One POP3 listener: `pop3` (STLS) or `pop3s` (implicit TLS).
pub struct Pop3Listener {
    pub access: Access,
}

impl Pop3Listener {
    pub async fn run(self: Arc<Self>, listener: TcpListener, shutdown: Shutdown) {
        accept_loop(listener, shutdown, DRAIN, |tcp, peer, sd| {
            let me = self.clone();
            async move { me.connection(tcp, peer, sd).await }
        })
        .await;
    }

    async fn connection(self: Arc<Self>, tcp: TcpStream, peer: SocketAddr, shutdown: Shutdown) {
        let Some(a) = self.access.admit(tcp, peer, &REFUSALS).await else {
            return;
        };
        let _permit = a.permit;
        let cfg = Config {
            hostname: self.access.hostname.clone(),
            tls_active: a.tls_active,
            tls_available: a.tls_available,
            plaintext_ok: a.plaintext_ok,
        };
        let ip = peer.ip();
        let conn = Conn {
            ip,
            tls_cfg: a.tls,
            login_deadline: a.login_deadline,
        };
        if let Err(e) = self
            .drive(a.stream, Session::new(cfg), conn, shutdown)
            .await
        {
            tracing::debug!(%peer, "POP3 connection ended: {e}");
        }
    }

    async fn drive(
        &self,
        mut stream: Stream,
        session: Session,
        conn: Conn,
        mut shutdown: Shutdown,
    ) -> std::io::Result<()> {
        stream.io().write_all(&session.greeting()).await?;
        let mut session = Some(session);
        let mut buf = vec![0u8; 16 << 10];
        'conn: loop {
            // Before login the deadline runs from the connection; after, RFC 1939's idle timer.
            let logged_in = session.as_ref().is_some_and(Session::is_logged_in);
            let deadline = if logged_in {
                Instant::now() + IDLE_TIMEOUT
            } else {
                conn.login_deadline
            };
            let n = tokio::select! {
                r = tokio::time::timeout_at(deadline, stream.io().read(&mut buf)) => match r {
                    Ok(r) => r?,
                    Err(_) => {
                        // No QUIT, so no UPDATE: deletions are dropped with the session.
                        let why = if logged_in { "autologout timer expired" } else { "no login in time" };
                        stream.io().write_all(format!("-ERR {why}\r\n").as_bytes()).await?;
                        break;
                    }
                },
                _ = shutdown.wait() => {
                    stream.io().write_all(b"-ERR [SYS/TEMP] server shutting down\r\n").await?;
                    break;
                }
            };
            if n == 0 {
                break;
            }
            let mut input = Some(buf[..n].to_vec());
            loop {
                let mut s = session
                    .take()
                    .ok_or_else(|| std::io::Error::other("session lost"))?;
                if let Some(i) = input.take() {
                    s.receive(&i);
                }
                let pool = self.access.pool.clone();
                let ip = conn.ip;
                let (s, out, action) = tokio::task::spawn_blocking(move || {
                    let mut out = Vec::new();
                    let action = step(&mut s, &mut out, &pool, ip);
                    (s, out, action)
                })
                .await
                .map_err(std::io::Error::other)?;
                session = Some(s);
                stream.io().write_all(&out).await?;
                match action {
                    Action::NeedInput | Action::Authenticate { .. } => break,
                    Action::Close => break 'conn,
                    Action::Pause(d) => {
                        tokio::select! {
                            _ = tokio::time::sleep(d) => {}
                            _ = shutdown.wait() => break 'conn,
                        }
                    }
                    Action::StartTls => {
                        let (Some(tc), Stream::Plain(tcp)) = (conn.tls_cfg.clone(), stream) else {
                            return Ok(());
                        };
                        stream = handshake(tcp, tc, Some(conn.login_deadline)).await?;
                        if let Some(s) = session.as_mut() {
                            s.tls_started();
                        }
                        break;
                    }
                }
            }
        }
        let _ = stream.io().shutdown().await;
        Ok(())
    }
}

/// What the driver keeps about a connection besides its stream and session.
struct Conn {
    ip: IpAddr,
    /// The certificate in force when it connected, for STLS.
    tls_cfg: Option<Arc<rustls::ServerConfig>>,
    login_deadline: Instant,
}

/// Runs the session until it needs input, TLS or the end, answering logins on the way.
/// Blocking: argon2, SQLite and file reads.
fn step(s: &mut Session, out: &mut Vec<u8>, pool: &Arc<DbPool>, ip: IpAddr) -> Action {
    loop {
        match s.poll(out) {
            Action::Authenticate { user, password } => {
                let result = login(pool, &user, &password, ip);
                s.login_result(result, out);
            }
            other => return other,
        }
    }
}

fn login(pool: &Arc<DbPool>, user: &str, password: &str, ip: IpAddr) -> LoginResult {
    let db = match pool.get() {
        Ok(db) => db,
        Err(e) => return LoginResult::TempFail(format!("database unavailable: {e}")),
    };
    match crate::auth::authenticate(&db, user, password) {
        Ok(Some(u)) => match MaildirDrop::open(&pool.data_dir().maildir(&u.address)) {
            Ok(d) => LoginResult::Ok(Box::new(d)),
            Err(e) => {
                if !matches!(e, super::Pop3Error::InUse) {
                    tracing::error!("POP3 maildrop of {}: {e}", u.address);
                }
                e.into()
            }
        },
        Ok(None) => {
            tracing::info!(%ip, user, "POP3 login failed");
            if let Err(e) = db.record_auth_failure(&ip.to_string()) {
                tracing::warn!("cannot record the failed login: {e}");
            }
            LoginResult::Rejected
        }
        Err(e) => LoginResult::TempFail(format!("database error: {e}")),
    }
}
