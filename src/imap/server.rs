//! Runs IMAP listeners on the shared net layer (`crate::net`: connection limits, TLS store
//! with SIGHUP reload, graceful shutdown, per-IP bans): admits, runs each [`Session`] under
//! the one driver (`net::driver`), verifies logins, and wakes IDLE (RFC 2177) through the
//! [`Hub`]. COPY/MOVE into or out of Junk hand their messages to the [`Learner`] (rspamd).
//!
//! The driver runs the session on a blocking thread for every batch of input, because
//! storage calls read files and SQLite; sockets stay on the async side. Autologout (RFC 9051 §5.4): 30
//! minutes idle once logged in; before, `imap.timeout.login` from the moment of connection
//! (3 minutes by default, as Dovecot's login processes; the RFC's 30-minute minimum is for
//! authenticated sessions), so dribbling bytes cannot stretch it.

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

use super::cmd::idle::IdleView;
use super::session::{Action, Config, LoginResult, Session};
use super::wake::SharedStore;
use super::watch::{Group, Hub, Subscription};
use crate::core::pool::DbPool;
use crate::inbound::scan::learn::Learner;
use crate::net::conn::{Access, Refusals, accept_loop};
use crate::net::driver::{self, Protocol, TlsInfo};
use crate::net::shutdown::Shutdown;

const AUTH_TIMEOUT: Duration = Duration::from_secs(30 * 60);
const REFUSALS: Refusals = Refusals {
    busy: Cow::Borrowed("* BYE [UNAVAILABLE] too many connections; try again later\r\n"),
    banned: Cow::Borrowed(
        "* BYE [UNAVAILABLE] too many failed logins from your address; try again later\r\n",
    ),
};

/// IDLE re-checks the folder this often even without a wakeup: a safety net for writers
/// inotify cannot see (NFS, watch limits).
const IDLE_RECHECK: Duration = Duration::from_secs(30);
const DRAIN: Duration = Duration::from_secs(30);

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
    pub limits: crate::imap::mailstore::Limits,
    pub hub: Arc<Hub>,
    pub users: Arc<UserSessions>,
    /// Teaches rspamd from Junk moves (#18.4); None: sessions never look.
    pub learner: Option<Learner>,
    /// Where the mailbox indexes live (SQLite in each Maildir, or the PostgreSQL core).
    pub indexes: crate::maildir::index::Indexes,
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
        let opener = crate::imap::session::maildir_opener(self.indexes.clone());
        let mut session = Session::with_store(cfg, opener);
        session.set_learning(self.learner.is_some());
        let conn = ImapConn {
            session,
            learner: self.learner.clone(),
            ip: peer.ip(),
            pool: self.access.pool.clone(),
            users: self.users.clone(),
            hub: self.hub.clone(),
            slot: None,
            idle: None,
            notify: None,
            store: None,
            login_deadline: a.login_deadline,
        };
        if let Err(e) = driver::drive(a.stream, conn, a.tls, shutdown).await {
            tracing::debug!(%peer, "IMAP connection ended: {e}");
        }
    }
}

/// An IMAP session as the driver runs it, with what it holds besides: the user's session
/// slot once logged in, and the folder watch while in IDLE.
struct ImapConn {
    session: Session,
    ip: IpAddr,
    pool: Arc<DbPool>,
    users: Arc<UserSessions>,
    hub: Arc<Hub>,
    learner: Option<Learner>,
    slot: Option<UserSlot>,
    /// Subscribed in `poll`, on the blocking thread: adding an inotify watch waits on
    /// notify's thread (releasing one does not: the hub's keeper thread removes it).
    idle: Option<Subscription>,
    /// NOTIFY (RFC 5465): the folders the session hears of between commands and in IDLE.
    notify: Option<Group>,
    /// While in IDLE: the store the account's idling sessions share, once woken.
    store: Option<Arc<SharedStore>>,
    login_deadline: Instant,
}

impl Protocol for ImapConn {
    /// Small, because idle connections are the common case.
    const READ_BUF: usize = 4096;

    fn greeting(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.session.greeting());
    }

    fn receive(&mut self, input: Vec<u8>) {
        self.session.receive(&input);
    }

    /// Polls until the session needs the network again, verifying logins on the way.
    fn poll(&mut self, out: &mut Vec<u8>) -> driver::Action {
        let action = loop {
            match self.session.poll(out) {
                Action::Authenticate { user, password } => {
                    let had_slot = self.slot.is_some();
                    let (result, got) =
                        login(&self.pool, &self.users, &user, &password, self.ip, had_slot);
                    if got.is_some() {
                        self.slot = got;
                    }
                    if let Some(a) = self.session.login_result(result, out) {
                        break a;
                    }
                }
                other => break other,
            }
        };
        if let Some(dir) = self.session.take_touched() {
            self.hub.touch(&dir);
        }
        if let Some(l) = &self.learner {
            for job in self.session.take_learn() {
                l.submit(job);
            }
        }
        match action {
            Action::Flush => driver::Action::Flush,
            Action::Close => driver::Action::Close,
            Action::Pause(d) => driver::Action::Pause(d),
            Action::StartTls => driver::Action::StartTls,
            Action::Compress => driver::Action::Compress,
            // Answered in the loop above; never left over.
            Action::Authenticate { .. } | Action::NeedInput => {
                self.idle = None;
                self.store = None;
                match self.notify_wakeup(None) {
                    Some(w) => driver::Action::Idle(w),
                    None => driver::Action::NeedInput,
                }
            }
            Action::Idle(dir) => {
                if let Some(w) = self.notify_wakeup(Some(&dir)) {
                    self.idle = None;
                    return driver::Action::Idle(w);
                }
                if self.idle.as_ref().is_none_or(|sub| sub.dir() != dir) {
                    self.idle = None;
                    self.idle = Some(self.hub.subscribe(&dir));
                }
                let rx = self.idle.as_ref().map(|sub| sub.rx.clone());
                match rx {
                    Some(rx) => driver::Action::Idle(driver::Wakeup {
                        rx,
                        recheck: IDLE_RECHECK,
                    }),
                    None => driver::Action::NeedInput,
                }
            }
        }
    }

    fn tls_started(&mut self, _tls: &TlsInfo) {
        self.session.tls_started();
    }

    /// Autologout (RFC 9051 §5.4) once logged in; before, the login deadline.
    fn read_deadline(&self) -> Instant {
        if self.logged_in() {
            Instant::now() + AUTH_TIMEOUT
        } else {
            self.login_deadline
        }
    }

    fn tls_deadline(&self) -> Option<Instant> {
        Some(self.login_deadline)
    }

    fn timeout(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(if self.logged_in() {
            b"* BYE autologout; idle for too long\r\n"
        } else {
            b"* BYE no login in time\r\n"
        });
    }

    fn shutdown(&self, out: &mut Vec<u8>) -> bool {
        out.extend_from_slice(b"* BYE [UNAVAILABLE] server shutting down\r\n");
        true
    }

    fn idle_wake(&mut self, out: &mut Vec<u8>) -> bool {
        // Only the NOTIFY folders that changed are looked at (each costs a folder scan).
        let changed = self.notify.as_mut().map(|g| g.changed());
        // Read before the refresh: what it finds covers every change signalled up to here.
        let signal = self.idle.as_ref().map(|sub| *sub.rx.borrow());
        let refreshed = match self.shared_store() {
            Some(shared) => {
                let mut store = shared.store.lock().unwrap_or_else(|p| p.into_inner());
                self.session.wake_with(&mut store, changed.as_deref(), out)
            }
            None => self.session.wake_with(&mut None, changed.as_deref(), out),
        };
        if let (true, Some(sub), Some(signal), IdleView::Selected(counters)) =
            (refreshed, &self.idle, signal, self.session.idle_view())
        {
            self.hub.publish(sub.dir(), signal, counters);
        }
        !self.session.is_closing()
    }

    /// On the async side, before a wakeup takes a thread: a session whose view the
    /// folder's newest mark shows current has nothing to report (`super::wake`).
    fn idle_wake_needed(&mut self) -> bool {
        match (self.session.idle_view(), &self.idle) {
            (IdleView::Selected(view), Some(sub)) if self.notify.is_none() => {
                self.hub.must_refresh(sub, view, IDLE_RECHECK)
            }
            (IdleView::Unselected, _) if self.notify.is_none() => false,
            _ => true,
        }
    }
}

impl ImapConn {
    /// With NOTIFY on: one group over its folders (and `idle`'s), kept while they stay the
    /// same so a change between two polls still wakes; `None` with NOTIFY off.
    fn notify_wakeup(&mut self, idle: Option<&std::path::Path>) -> Option<driver::Wakeup> {
        let Some(mut dirs) = self.session.notify_dirs() else {
            self.notify = None;
            return None;
        };
        if let Some(d) = idle
            && !dirs.iter().any(|x| x == d)
        {
            dirs.push(d.to_path_buf());
            dirs.sort();
        }
        if self.notify.as_ref().is_none_or(|g| g.dirs() != dirs) {
            self.notify = None;
            self.notify = Some(self.hub.subscribe_group(&dirs));
        }
        self.notify.as_ref().map(|g| driver::Wakeup {
            rx: g.rx.clone(),
            recheck: IDLE_RECHECK,
        })
    }

    /// The account's shared store, kept while this session idles.
    fn shared_store(&mut self) -> Option<Arc<SharedStore>> {
        let root = self.session.root()?;
        if self.store.as_ref().is_none_or(|s| s.root() != root) {
            self.store = Some(self.hub.shared_store(root));
        }
        self.store.clone()
    }

    fn logged_in(&self) -> bool {
        self.slot.is_some() || self.session.user().is_some()
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
    use crate::auth::LoginOutcome;
    match crate::auth::login(&db, ip, user, password, "IMAP") {
        LoginOutcome::Ok(u) => {
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
        // A ban is answered like a wrong password: IMAP has no code for it, and the
        // connection closes after MAX_FAILED_LOGINS anyway.
        LoginOutcome::Failed | LoginOutcome::Banned => (LoginResult::Rejected, None),
        LoginOutcome::TempFail(why) => (LoginResult::TempFail(why), None),
    }
}
