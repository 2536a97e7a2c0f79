//! The SMTP listeners (`smtp` on 25, `submission` on 587, `submissions` on 465): admission
//! through [`Access`] with SMTP's own `421` refusals, and the adapter that runs a sans-IO
//! [`Session`] under the one driver ([`crate::net::driver`]), which reads, runs each step
//! on a blocking thread (it may hit SQLite and fsync), writes replies, and performs
//! STARTTLS (RFC 3207), timeouts and graceful shutdown.
//!
//! Not here: the SMTP state machine (`session.rs`, `cmd_*.rs`), storage (`backend.rs`).
//!
//! Timeouts follow RFC 5321 §4.5.3.2 (5 minutes for a command, 3 minutes for a block of
//! DATA) but are deadlines a slow peer cannot stretch: a command line must be complete
//! within `smtp.command_timeout` of the previous one's end, however its bytes trickle in.
//! Message content must keep arriving (no gap over `smtp.data_timeout`) and be complete
//! within `smtp.data_timeout` plus one second per `smtp.data_min_rate` octets received
//! (as Postfix's `smtpd_min_data_rate`), so a big message on a slow link is fine and a
//! byte a second is not. Shutdown: an idle session gets `421` at once; a transaction in
//! flight is allowed to finish, then the session gets `421`.
//!
//! Port 25's connect stage, for clients outside `mynetworks` (as Postfix's postscreen and
//! anvil): a `220-` teaser, then `smtp.greet_wait` before the greeting, and `554 5.5.1` to
//! a client that talks during it (the driver races the timer against a read); a client
//! that waited and then said HELO/EHLO is greeted at once for `smtp.greet_ttl`
//! ([`crate::inbound::screen`]); at most
//! `smtp.client_connection_rate_limit` connections a minute per client (`421 4.7.0`), and
//! the listener's counters handed to the session for the MAIL limit.

use std::borrow::Cow;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

use super::backend::{Backend, SqlPolicy};
use super::session::{Event, Service, Session, SessionConfig};
use crate::inbound::screen::Memory;
use crate::net::conn::{Access, Refusals, accept_loop};
use crate::net::driver::{self, Action, Protocol, TlsInfo};
use crate::net::rate::{ClientRates, Event as RateEvent};
use crate::net::shutdown::Shutdown;

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
    /// Port 25's wait before the greeting (`smtp.greet_wait`); zero: none.
    pub greet_wait: Duration,
    /// How long a client that passed the wait is greeted at once (`smtp.greet_ttl`).
    pub greet_ttl: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            command: COMMAND_TIMEOUT,
            data: DATA_TIMEOUT,
            data_min_rate: DATA_MIN_RATE,
            greet_wait: Duration::ZERO,
            greet_ttl: Duration::ZERO,
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

/// How long shutdown waits for transactions in flight before the listener gives up on them.
const DRAIN: Duration = Duration::from_secs(30);

/// One SMTP listener: `smtp`, `submission` or `submissions` (implicit TLS).
pub struct SmtpListener {
    access: Access,
    service: Service,
    /// The session settings and timeouts in force now (SIGHUP swaps them); each connection
    /// takes one snapshot.
    settings: Arc<dyn Fn() -> (SessionConfig, Timeouts) + Send + Sync>,
    backend: Arc<Backend>,
    refusals: Refusals,
    /// Per-client connection and message counts (port 25), for this daemon's life.
    rates: Arc<ClientRates>,
}

impl SmtpListener {
    pub fn new(
        access: Access,
        service: Service,
        settings: Arc<dyn Fn() -> (SessionConfig, Timeouts) + Send + Sync>,
        backend: Arc<Backend>,
    ) -> SmtpListener {
        let host = &access.hostname;
        let refusals = Refusals {
            busy: Cow::Owned(format!(
                "421 4.7.0 {host} Too many connections; try again later\r\n"
            )),
            banned: Cow::Owned(format!(
                "421 4.7.0 {host} Too many failed logins from your address; try again later\r\n"
            )),
        };
        SmtpListener {
            access,
            service,
            settings,
            backend,
            refusals,
            rates: Arc::new(ClientRates::default()),
        }
    }

    pub async fn run(self: Arc<Self>, listener: TcpListener, shutdown: Shutdown) {
        accept_loop(listener, shutdown, DRAIN, |tcp, peer, sd| {
            let me = self.clone();
            async move { me.connection(tcp, peer, sd).await }
        })
        .await;
    }

    /// Runs one connection to its end. Errors are logged, never propagated: a peer cannot
    /// take the server down.
    async fn connection(self: Arc<Self>, tcp: TcpStream, peer: SocketAddr, shutdown: Shutdown) {
        let Some(a) = self.access.admit(tcp, peer, &self.refusals).await else {
            return;
        };
        let _permit = a.permit;
        let (mut cfg, timeouts) = (self.settings)();
        let ip = peer.ip();
        cfg.service = self.service;
        cfg.remote_ip = ip;
        cfg.trusted_network = a.policy.trusted(ip);
        cfg.plaintext_auth = a.policy.plaintext_loopback && ip.is_loopback();
        cfg.tls_available = a.tls.is_some();
        let mut stream = a.stream;
        if self.service == Service::Mx && !cfg.trusted_network {
            let limit = cfg.rate_limits.connections;
            if !self
                .rates
                .allow(ip, RateEvent::Connection, limit, std::time::Instant::now())
            {
                tracing::warn!(%peer, limit, "connection refused: connection rate limit");
                let line = format!(
                    "421 4.7.0 {} Error: too many connections from {ip}; try again later\r\n",
                    self.access.hostname
                );
                let _ = stream.io().write_all(line.as_bytes()).await;
                let _ = stream.io().shutdown().await;
                return;
            }
            cfg.client_rates = Some(self.rates.clone());
        }
        let session = Session::new(cfg, SqlPolicy::new(self.backend.clone()));
        let conn =
            SmtpConn::new(session, timeouts).screened(self.backend.screen.clone(), unix_now());
        if let Err(e) = driver::drive(stream, conn, a.tls, shutdown).await {
            tracing::debug!(%peer, "connection ended: {e}");
        }
    }
}

/// An SMTP session as the driver runs it.
pub struct SmtpConn<P: super::Policy> {
    session: Session<P>,
    timeouts: Timeouts,
    deadline: Deadline,
    /// Port 25's wait before the greeting, if this client must wait it out.
    wait: Option<Duration>,
    /// Where a client that waits is remembered once it says HELO/EHLO.
    screen: Option<Arc<Memory>>,
    /// The bytes of the last read, fed at the next poll (no copy).
    input: Option<Vec<u8>>,
    /// Replies that wait out a failed login's pause, and what follows them.
    held: Option<(Vec<u8>, Option<Event>)>,
}

impl<P: super::Policy> SmtpConn<P> {
    pub fn new(session: Session<P>, timeouts: Timeouts) -> SmtpConn<P> {
        let wait = greet_wait(&session, &timeouts);
        let mut deadline = Deadline::new(&timeouts);
        // The first command's time starts once the greeting is out.
        deadline.at += wait.unwrap_or_default();
        SmtpConn {
            session,
            deadline,
            timeouts,
            wait,
            screen: None,
            input: None,
            held: None,
        }
    }

    /// Ties the pre-greeting wait to the memory of clients that passed it (postscreen's
    /// `postscreen_greet_ttl`): a client remembered at `now` is greeted at once; one that
    /// waits is remembered when it says HELO/EHLO.
    pub fn screened(mut self, memory: Arc<Memory>, now: i64) -> SmtpConn<P> {
        if self.wait.is_none() {
            return self;
        }
        let ttl = ttl_secs(&self.timeouts);
        if memory.remembered(self.session.cfg.remote_ip, now, ttl) {
            self.wait = None;
            self.deadline = Deadline::new(&self.timeouts);
        } else if ttl > 0 {
            self.screen = Some(memory);
        }
        self
    }

    /// After a step: a client that waited and has now said HELO/EHLO passed the test.
    /// Blocking (it stores the pass); `poll` runs on a blocking thread.
    fn note_pass(&mut self) {
        if self.session.helo.is_some()
            && let Some(m) = self.screen.take()
        {
            let ttl = ttl_secs(&self.timeouts);
            m.pass_blocking(self.session.cfg.remote_ip, unix_now(), ttl);
        }
    }
}

fn ttl_secs(t: &Timeouts) -> i64 {
    t.greet_ttl.as_secs().min(i64::MAX as u64) as i64
}

fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The wait before the greeting: port 25 only, and not for `mynetworks` (submission
/// clients are our users; postscreen too lets mynetworks skip its tests).
fn greet_wait<P: super::Policy>(s: &Session<P>, t: &Timeouts) -> Option<Duration> {
    let skip = s.cfg.service != Service::Mx || s.cfg.trusted_network;
    (!skip && !t.greet_wait.is_zero()).then_some(t.greet_wait)
}

fn action(ev: Option<Event>) -> Action {
    match ev {
        None => Action::NeedInput,
        Some(Event::Close) => Action::Close,
        Some(Event::StartTls) => Action::StartTls,
    }
}

impl<P: super::Policy + Send + 'static> Protocol for SmtpConn<P> {
    const READ_BUF: usize = 64 << 10;

    fn greeting(&self, out: &mut Vec<u8>) {
        self.session.greeting(out);
    }

    fn greet_wait(&self, out: &mut Vec<u8>) -> Option<Duration> {
        let wait = self.wait?;
        self.session.greeting_teaser(out);
        Some(wait)
    }

    fn talked_first(&self, early: &[u8], after: Duration, out: &mut Vec<u8>) {
        self.session.talked_first(early, after, out);
        if let Some(m) = &self.screen {
            m.forget(self.session.cfg.remote_ip);
        }
    }

    fn receive(&mut self, input: Vec<u8>) {
        self.input = Some(input);
    }

    fn poll(&mut self, out: &mut Vec<u8>) -> Action {
        if let Some((reply, ev)) = self.held.take() {
            out.extend_from_slice(&reply);
            return action(ev);
        }
        let Some(input) = self.input.take() else {
            return Action::NeedInput;
        };
        let ev = self.session.feed(&input, out);
        self.deadline
            .update(&self.session, input.len(), &self.timeouts);
        self.note_pass();
        match self.session.take_delay() {
            // A failed login: the answer waits, and so does the next attempt.
            Some(pause) => {
                self.held = Some((std::mem::take(out), ev));
                Action::Pause(pause)
            }
            None => action(ev),
        }
    }

    fn tls_started(&mut self, tls: &TlsInfo) {
        self.session.tls_started(&tls.version, &tls.cipher);
    }

    fn read_deadline(&self) -> Instant {
        self.deadline.read_by(&self.timeouts)
    }

    fn tls_deadline(&self) -> Option<Instant> {
        Some(Instant::now() + self.timeouts.command)
    }

    fn timeout(&self, out: &mut Vec<u8>) {
        self.session.closing(out, "Timeout exceeded");
    }

    /// RFC 5321 §3.8: an idle session gets `421` at once; a transaction in flight finishes.
    fn shutdown(&self, out: &mut Vec<u8>) -> bool {
        if self.session.in_transaction() {
            return false;
        }
        self.session.closing(out, "Service shutting down");
        true
    }
}
