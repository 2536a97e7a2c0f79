//! Runs IMAP listeners on the shared net layer (`crate::net`: connection limits, TLS store
//! with SIGHUP reload, graceful shutdown, per-IP bans): accepts, drives each [`Session`]
//! over TCP or TLS, verifies logins, and wakes IDLE through the [`Hub`].
//!
//! The session moves into a blocking task for every batch of input, because storage calls
//! read files and SQLite; sockets stay on the async side. Autologout (RFC 9051 §5.4): 30
//! minutes idle once logged in; before, `imap.timeout.login` from the moment of connection
//! (3 minutes by default, as Dovecot's login processes; the RFC's 30-minute minimum is for
//! authenticated sessions), so dribbling bytes cannot stretch it.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::session::{Action, Config, LoginResult, Session};
use super::watch::{Hub, Subscription};
use crate::core::pool::DbPool;
use crate::net::conn::{Access, Refusals, Stream, accept_loop, handshake};
use crate::net::shutdown::Shutdown;

const AUTH_TIMEOUT: Duration = Duration::from_secs(30 * 60);
const REFUSALS: Refusals = Refusals {
    busy: "* BYE [UNAVAILABLE] too many connections; try again later\r\n",
    banned: "* BYE [UNAVAILABLE] too many failed logins from your address; try again later\r\n",
};

/// IDLE re-checks the folder this often even without a wakeup: a safety net for writers
/// inotify cannot see (NFS, watch limits).
const IDLE_RECHECK: Duration = Duration::from_secs(30);
const DRAIN: Duration = Duration::from_secs(30);
/// Read buffer per connection: small, because idle connections are the common case.
const READ_BUF: usize = 4096;

/// Sessions per user, across listeners; a client that opens a connection per folder
/// (Thunderbird does, 5 by default) must still fit.
pub struct UserSessions {
    max: usize,
    counts: Mutex<HashMap<String, usize>>,
}

pub struct UserSlot {
    owner: Arc<UserSessions>,
    user: String,
}

impl Drop for UserSlot {
    fn drop(&mut self) {
        let mut c = self.owner.counts.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = c.get_mut(&self.user) {
            *n -= 1;
            if *n == 0 {
                c.remove(&self.user);
            }
        }
    }
}

impl UserSessions {
    pub fn new(max: usize) -> Arc<UserSessions> {
        Arc::new(UserSessions {
            max,
            counts: Mutex::new(HashMap::new()),
        })
    }

    fn acquire(self: &Arc<Self>, user: &str) -> Option<UserSlot> {
        let mut c = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        let n = c.entry(user.to_string()).or_insert(0);
        if *n >= self.max {
            return None;
        }
        *n += 1;
        Some(UserSlot {
            owner: self.clone(),
            user: user.to_string(),
        })
    }
}

/// One IMAP listener: `imap` (STARTTLS) or `imaps` (implicit TLS).
pub struct ImapListener {
    pub access: Access,
    /// APPENDLIMIT as in force when a connection starts (`smtp.max_message_size`, which a
    /// SIGHUP reloads).
    pub append_limit: Arc<dyn Fn() -> u64 + Send + Sync>,
    /// `imap.max_mailboxes`, `imap.max_subscriptions`, `imap.max_keywords`.
    pub limits: crate::imap::store::Limits,
    pub hub: Arc<Hub>,
    pub users: Arc<UserSessions>,
}

impl ImapListener {
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
            append_limit: (self.append_limit)(),
            limits: self.limits,
        };
        let conn = Conn {
            ip: peer.ip(),
            tls_cfg: a.tls,
            login_deadline: a.login_deadline,
        };
        if let Err(e) = self
            .drive(a.stream, Session::new(cfg), conn, shutdown)
            .await
        {
            tracing::debug!(%peer, "IMAP connection ended: {e}");
        }
    }

    async fn drive(
        &self,
        mut stream: Stream,
        session: Session,
        conn: Conn,
        mut shutdown: Shutdown,
    ) -> std::io::Result<()> {
        let ip = conn.ip;
        stream.io().write_all(&session.greeting()).await?;
        let mut session = Some(session);
        let mut slot: Option<UserSlot> = None;
        let mut idle: Option<Subscription> = None;
        let mut buf = vec![0u8; READ_BUF];
        let mut input: Option<Vec<u8>> = None;
        'conn: loop {
            // Run the session on what we have (nothing, the first time: it may have
            // pipelined commands left from the last batch).
            let s = session
                .take()
                .ok_or_else(|| std::io::Error::other("session lost"))?;
            let (s, out, action, touched) = self.step(s, input.take(), ip, &mut slot).await?;
            session = Some(s);
            stream.io().write_all(&out).await?;
            if let Some(dir) = touched {
                self.hub.touch(&dir);
            }
            match action {
                Action::Flush => continue,
                Action::Close => break,
                Action::Pause(d) => {
                    tokio::select! {
                        _ = tokio::time::sleep(d) => continue,
                        _ = shutdown.wait() => break,
                    }
                }
                // `step` answers every login itself; never seen here.
                Action::Authenticate { .. } => {}
                Action::StartTls => {
                    let (Some(tc), Stream::Plain(tcp)) = (conn.tls_cfg.clone(), stream) else {
                        return Ok(());
                    };
                    let tls = handshake(tcp, tc, Some(conn.login_deadline)).await?;
                    if let Some(s) = session.as_mut() {
                        s.tls_started();
                    }
                    stream = tls;
                    continue;
                }
                Action::Idle(dir) => {
                    if idle.as_ref().is_none_or(|sub| sub.dir() != dir) {
                        // Adding an inotify watch waits on notify's thread: not on a worker.
                        let hub = self.hub.clone();
                        let old = idle.take();
                        let sub = tokio::task::spawn_blocking(move || {
                            drop(old);
                            hub.subscribe(&dir)
                        })
                        .await
                        .map_err(std::io::Error::other)?;
                        idle = Some(sub);
                    }
                }
                Action::NeedInput => {
                    // The last subscriber's drop removes the watch, which also waits.
                    if let Some(sub) = idle.take() {
                        tokio::task::spawn_blocking(move || drop(sub));
                    }
                }
            }
            let logged_in = slot.is_some() || session.as_ref().is_some_and(|s| s.user().is_some());
            // Wait for input; an idling session is woken for changes in between without
            // running anything else, and the autologout clock does not restart on wakeups.
            let deadline = if logged_in {
                tokio::time::Instant::now() + AUTH_TIMEOUT
            } else {
                conn.login_deadline
            };
            loop {
                tokio::select! {
                    r = tokio::time::timeout_at(deadline, stream.io().read(&mut buf)) => match r {
                        Ok(Ok(0)) => break 'conn,
                        Ok(Ok(n)) => {
                            input = Some(buf[..n].to_vec());
                            break;
                        }
                        Ok(Err(e)) => return Err(e),
                        Err(_) => {
                            let why: &[u8] = if logged_in {
                                b"* BYE autologout; idle for too long\r\n"
                            } else {
                                b"* BYE no login in time\r\n"
                            };
                            stream.io().write_all(why).await?;
                            break 'conn;
                        }
                    },
                    _ = wait_idle(&mut idle) => {}
                    _ = shutdown.wait() => {
                        stream.io().write_all(b"* BYE [UNAVAILABLE] server shutting down\r\n").await?;
                        break 'conn;
                    }
                }
                let mut s = session
                    .take()
                    .ok_or_else(|| std::io::Error::other("session lost"))?;
                let (s, out) = tokio::task::spawn_blocking(move || {
                    let mut out = Vec::new();
                    s.idle_wake(&mut out);
                    (s, out)
                })
                .await
                .map_err(std::io::Error::other)?;
                stream.io().write_all(&out).await?;
                let closing = s.is_closing();
                session = Some(s);
                if closing {
                    break 'conn;
                }
            }
        }
        if let Some(sub) = idle.take() {
            tokio::task::spawn_blocking(move || drop(sub));
        }
        let _ = stream.io().shutdown().await;
        Ok(())
    }

    /// Feeds `input` and polls until the session needs the network again, verifying
    /// logins on the way. Blocking work, so on a blocking thread.
    async fn step(
        &self,
        mut s: Session,
        input: Option<Vec<u8>>,
        ip: IpAddr,
        slot: &mut Option<UserSlot>,
    ) -> std::io::Result<(Session, Vec<u8>, Action, Option<PathBuf>)> {
        let pool = self.access.pool.clone();
        let users = self.users.clone();
        let had_slot = slot.is_some();
        let (s, out, action, new_slot) = tokio::task::spawn_blocking(move || {
            if let Some(i) = input {
                s.receive(&i);
            }
            let mut out = Vec::new();
            let mut new_slot = None;
            let action = loop {
                match s.poll(&mut out) {
                    Action::Authenticate { user, password } => {
                        let (result, got) = login(&pool, &users, &user, &password, ip, had_slot);
                        if got.is_some() {
                            new_slot = got;
                        }
                        if let Some(a) = s.login_result(result, &mut out) {
                            break a;
                        }
                    }
                    other => break other,
                }
            };
            (s, out, action, new_slot)
        })
        .await
        .map_err(std::io::Error::other)?;
        if new_slot.is_some() {
            *slot = new_slot;
        }
        let mut s = s;
        let touched = s.take_touched();
        Ok((s, out, action, touched))
    }
}

/// What the driver keeps about a connection besides its stream and session.
struct Conn {
    ip: IpAddr,
    /// The certificate in force when it connected, for STARTTLS.
    tls_cfg: Option<Arc<rustls::ServerConfig>>,
    login_deadline: tokio::time::Instant,
}

/// Resolves when the idled-on folder changes, or after [`IDLE_RECHECK`]; never when not
/// idling.
async fn wait_idle(idle: &mut Option<Subscription>) {
    match idle {
        Some(sub) => {
            let _ = tokio::time::timeout(IDLE_RECHECK, sub.rx.changed()).await;
        }
        None => std::future::pending().await,
    }
}

fn login(
    pool: &Arc<DbPool>,
    users: &Arc<UserSessions>,
    user: &str,
    password: &str,
    ip: IpAddr,
    had_slot: bool,
) -> (LoginResult, Option<UserSlot>) {
    let db = match pool.get() {
        Ok(db) => db,
        Err(e) => {
            return (
                LoginResult::TempFail(format!("database unavailable: {e}")),
                None,
            );
        }
    };
    match crate::auth::authenticate(&db, user, password) {
        Ok(Some(u)) => {
            let address = u.address.to_string();
            let slot = if had_slot {
                None
            } else {
                match users.acquire(&address) {
                    Some(s) => Some(s),
                    None => return (LoginResult::TooManySessions, None),
                }
            };
            let r = LoginResult::Ok {
                maildir: pool.data_dir().maildir(&u.address),
                user: address,
                quota: u.quota,
            };
            (r, slot)
        }
        Ok(None) => {
            tracing::info!(%ip, user, "IMAP login failed");
            if let Err(e) = db.record_auth_failure(&ip.to_string()) {
                tracing::warn!("cannot record the failed login: {e}");
            }
            (LoginResult::Rejected, None)
        }
        Err(e) => (LoginResult::TempFail(format!("database error: {e}")), None),
    }
}
