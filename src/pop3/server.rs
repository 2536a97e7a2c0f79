//! Runs POP3 listeners on the shared net layer (`crate::net`: connection limits, TLS store with
//! SIGHUP reload, graceful shutdown, per-IP bans): admits, runs each [`Session`] under the
//! one driver (`net::driver`), verifies logins and opens maildrops on blocking threads.
//!
//! The driver runs the session on a blocking thread for every batch of input, because
//! RETR/TOP read files and QUIT unlinks them; sockets stay on the async side.

use std::borrow::Cow;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

use super::maildrop::MaildirDrop;
use super::session::{Action, Config, LoginResult, Session};
use crate::core::pool::DbPool;
use crate::net::conn::{Access, Refusals, accept_loop};
use crate::net::driver::{self, Protocol, TlsInfo};
use crate::net::shutdown::Shutdown;

const REFUSALS: Refusals = Refusals {
    busy: Cow::Borrowed("-ERR [SYS/TEMP] too many connections; try again later\r\n"),
    banned: Cow::Borrowed(
        "-ERR [AUTH] too many failed logins from your address; try again later\r\n",
    ),
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
        let conn = Pop3Conn {
            session: Session::new(cfg),
            ip: peer.ip(),
            pool: self.access.pool.clone(),
            login_deadline: a.login_deadline,
        };
        if let Err(e) = driver::drive(a.stream, conn, a.tls, shutdown).await {
            tracing::debug!(%peer, "POP3 connection ended: {e}");
        }
    }
}

/// A POP3 session as the driver runs it.
struct Pop3Conn {
    session: Session,
    ip: IpAddr,
    pool: Arc<DbPool>,
    login_deadline: Instant,
}

impl Protocol for Pop3Conn {
    const READ_BUF: usize = 16 << 10;

    fn greeting(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.session.greeting());
    }

    fn receive(&mut self, input: Vec<u8>) {
        self.session.receive(&input);
    }

    /// Runs the session until it needs input, TLS or the end, answering logins on the way.
    /// Blocking: argon2, SQLite and file reads.
    fn poll(&mut self, out: &mut Vec<u8>) -> driver::Action {
        loop {
            match self.session.poll(out) {
                Action::Authenticate { user, password } => {
                    let result = login(&self.pool, &user, &password, self.ip);
                    self.session.login_result(result, out);
                }
                Action::NeedInput => return driver::Action::NeedInput,
                Action::Close => return driver::Action::Close,
                Action::Pause(d) => return driver::Action::Pause(d),
                Action::StartTls => return driver::Action::StartTls,
            }
        }
    }

    fn tls_started(&mut self, _tls: &TlsInfo) {
        self.session.tls_started();
    }

    /// Before login the deadline runs from the connection; after, RFC 1939's idle timer.
    fn read_deadline(&self) -> Instant {
        if self.session.is_logged_in() {
            Instant::now() + IDLE_TIMEOUT
        } else {
            self.login_deadline
        }
    }

    fn tls_deadline(&self) -> Option<Instant> {
        Some(self.login_deadline)
    }

    /// No QUIT, so no UPDATE: deletions are dropped with the session.
    fn timeout(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(if self.session.is_logged_in() {
            b"-ERR autologout timer expired\r\n"
        } else {
            b"-ERR no login in time\r\n"
        });
    }

    fn shutdown(&self, out: &mut Vec<u8>) -> bool {
        out.extend_from_slice(b"-ERR [SYS/TEMP] server shutting down\r\n");
        true
    }
}

fn login(pool: &Arc<DbPool>, user: &str, password: &str, ip: IpAddr) -> LoginResult {
    let db = match pool.get() {
        Ok(db) => db,
        Err(e) => return LoginResult::TempFail(format!("database unavailable: {e}")),
    };
    use crate::auth::LoginOutcome;
    match crate::auth::login(&db, ip, user, password, "POP3") {
        LoginOutcome::Ok(u) => match MaildirDrop::open(&pool.data_dir().maildir(&u.address)) {
            Ok(d) => LoginResult::Ok(Box::new(d)),
            Err(e) => {
                if !matches!(e, super::Pop3Error::InUse) {
                    tracing::error!("POP3 maildrop of {}: {e}", u.address);
                }
                e.into()
            }
        },
        // A ban is answered like a wrong password (RFC 2449 has no code for it).
        LoginOutcome::Failed | LoginOutcome::Banned => LoginResult::Rejected,
        LoginOutcome::TempFail(why) => LoginResult::TempFail(why),
    }
}
