//! Runs ManageSieve listeners on the shared net layer (`crate::net`: connection limits,
//! TLS with SIGHUP reload, graceful shutdown, per-IP bans): admits, runs each [`Session`]
//! under the one driver (`net::driver`), and verifies logins and opens the user's scripts on
//! its blocking threads.

use std::borrow::Cow;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

use super::session::{Action, Config, LoginResult, Session};
use super::store::DbScripts;
use crate::core::pool::DbPool;
use crate::net::conn::{Access, Refusals, accept_loop};
use crate::net::driver::{self, Protocol, TlsInfo};
use crate::net::shutdown::Shutdown;

const REFUSALS: Refusals = Refusals {
    busy: Cow::Borrowed("BYE (TRYLATER) \"Too many connections; try again later\"\r\n"),
    banned: Cow::Borrowed(
        "BYE (TRYLATER) \"Too many failed logins from your address; try again later\"\r\n",
    ),
};

/// How long a logged-in client may stay silent (Pigeonhole's default is 30 minutes too).
const IDLE_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// How long shutdown waits for sessions in flight.
const DRAIN: Duration = Duration::from_secs(30);

pub struct ManageSieveListener {
    pub access: Access,
}

impl ManageSieveListener {
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
        let conn = Conn {
            session: Session::new(Config {
                tls_active: a.tls_active,
                tls_available: a.tls_available,
                plaintext_ok: a.plaintext_ok,
            }),
            ip: peer.ip(),
            pool: self.access.pool.clone(),
            login_deadline: a.login_deadline,
        };
        if let Err(e) = driver::drive(a.stream, conn, a.tls, shutdown).await {
            tracing::debug!(%peer, "ManageSieve connection ended: {e}");
        }
    }
}

struct Conn {
    session: Session,
    ip: IpAddr,
    pool: Arc<DbPool>,
    login_deadline: Instant,
}

impl Protocol for Conn {
    const READ_BUF: usize = 16 << 10;

    fn greeting(&self, out: &mut Vec<u8>) {
        self.session.greeting(out);
    }

    fn receive(&mut self, input: Vec<u8>) {
        self.session.receive(&input);
    }

    /// Blocking: argon2 and SQLite.
    fn poll(&mut self, out: &mut Vec<u8>) -> driver::Action {
        loop {
            match self.session.poll(out) {
                Action::Authenticate { user, password } => {
                    let r = login(&self.pool, &user, &password, self.ip);
                    self.session.login_result(r, out);
                }
                Action::NeedInput => return driver::Action::NeedInput,
                Action::Close => return driver::Action::Close,
                Action::Pause(d) => return driver::Action::Pause(d),
                Action::StartTls => return driver::Action::StartTls,
            }
        }
    }

    fn tls_started(&mut self, _tls: &TlsInfo) {}

    fn tls_greeting(&mut self, out: &mut Vec<u8>) {
        self.session.tls_started(out);
    }

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

    fn timeout(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"BYE \"Disconnected for inactivity\"\r\n");
    }

    /// Every command is answered before the next is read: nothing is in flight.
    fn shutdown(&self, out: &mut Vec<u8>) -> bool {
        out.extend_from_slice(b"BYE (TRYLATER) \"Server shutting down\"\r\n");
        true
    }
}

fn login(pool: &Arc<DbPool>, user: &str, password: &str, ip: IpAddr) -> LoginResult {
    let db = match pool.get() {
        Ok(db) => db,
        Err(e) => return LoginResult::TempFail(format!("database unavailable: {e}")),
    };
    use crate::auth::LoginOutcome;
    match crate::auth::login(&db, ip, user, password, "ManageSieve") {
        LoginOutcome::Ok(u) => match DbScripts::open(pool.clone(), u.address) {
            Ok(s) => LoginResult::Ok(Box::new(s)),
            Err(e) => LoginResult::TempFail(format!("{e:?}")),
        },
        LoginOutcome::Failed | LoginOutcome::Banned => LoginResult::Rejected,
        LoginOutcome::TempFail(why) => LoginResult::TempFail(why),
    }
}
