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

use super::maildrop::MaildirDrop;
use super::session::{Action, Config, LoginResult, Session};
use crate::net::conn::{Access, Refusals, Stream, accept_loop, handshake};
use crate::net::dbpool::DbPool;
use crate::net::shutdown::Shutdown;

const REFUSALS: Refusals = Refusals {
    busy: "-ERR [SYS/TEMP] too many connections; try again later\r\n",
    banned: "-ERR [AUTH] too many failed logins from your address; try again later\r\n",
};

/// RFC 1939 §3: the inactivity autologout timer must be at least 10 minutes.
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
        let (stream, tls_cfg) = (a.stream, a.tls);
        if let Err(e) = self
            .drive(stream, Session::new(cfg), ip, tls_cfg, shutdown)
            .await
        {
            tracing::debug!(%peer, "POP3 connection ended: {e}");
        }
    }

    async fn drive(
        &self,
        mut stream: Stream,
        session: Session,
        ip: IpAddr,
        tls_cfg: Option<Arc<rustls::ServerConfig>>,
        mut shutdown: Shutdown,
    ) -> std::io::Result<()> {
        stream.io().write_all(&session.greeting()).await?;
        let mut session = Some(session);
        let mut buf = vec![0u8; 16 << 10];
        loop {
            let n = tokio::select! {
                r = tokio::time::timeout(IDLE_TIMEOUT, stream.io().read(&mut buf)) => match r {
                    Ok(r) => r?,
                    Err(_) => {
                        // No QUIT, so no UPDATE: deletions are dropped with the session.
                        stream.io().write_all(b"-ERR autologout timer expired\r\n").await?;
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
            let mut s = session
                .take()
                .ok_or_else(|| std::io::Error::other("session lost"))?;
            s.receive(&buf[..n]);
            let pool = self.access.pool.clone();
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
                Action::NeedInput | Action::Authenticate { .. } => {}
                Action::Close => break,
                Action::StartTls => {
                    let (Some(tc), Stream::Plain(tcp)) = (tls_cfg.clone(), stream) else {
                        return Ok(());
                    };
                    let tls = handshake(tcp, tc).await?;
                    if let Some(s) = session.as_mut() {
                        s.tls_started();
                    }
                    stream = tls;
                }
            }
        }
        let _ = stream.io().shutdown().await;
        Ok(())
    }
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
