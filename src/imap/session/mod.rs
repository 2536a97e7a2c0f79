//! The IMAP session as a state machine (RFC 3501 §3: not authenticated → authenticated →
//! selected → logout). Bytes go in with [`Session::receive`]; [`Session::poll`] appends
//! responses to an output buffer and says what the driver must do next: read, write what it
//! has and come back (a long FETCH is cut into pieces so memory stays flat), verify a login,
//! start TLS, wait in IDLE, or close. It never touches a socket. It sees storage only
//! through the [`MailStore`] trait (`crate::imap::mailstore`), opened after login by a
//! [`StoreOpener`] (the Maildir backend unless a test gives another); storage calls are
//! blocking, so the driver runs `poll` on a blocking thread.
//!
//! The command handlers live in `crate::imap::cmd`, one file per family.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::imap::command::{Command, CommandBody};
use crate::imap::mailstore::{Changes, MailStore, Mailbox, StoreError};
use crate::imap::parse::{Frame, Framer, Limits, parse_command};
use crate::inbound::scan::learn::Job;

pub mod updates;

/// Commands answered BAD in a row after which the peer is dropped.
const MAX_BAD: u32 = 20;
/// Failed logins on one connection after which it is closed.
pub const MAX_AUTH_FAILURES: u32 = crate::auth::MAX_FAILED_LOGINS;
/// Before login an unauthenticated peer cannot make the server hold more than this per
/// connection. The largest command allowed then is RFC 2971's ID: 30 field-value pairs of
/// strings up to 1024 octets each, about 62 KB on one line (quoted) or in 60 literals.
pub const PRE_AUTH_LIMITS: Limits = Limits {
    max_line: 64 << 10,
    max_literal: 4 << 10,
    max_literal_nonsync: 4 << 10,
    max_command: 72 << 10,
};
/// Output size at which a long command pauses so the driver can write it out.
pub const FLUSH_AT: usize = 256 << 10;

/// What the connection allows; decided by the driver from the listener and the peer.
#[derive(Debug, Clone)]
pub struct Config {
    pub hostname: String,
    /// Already encrypted (port 993, or after STARTTLS).
    pub tls_active: bool,
    /// STARTTLS can be offered.
    pub tls_available: bool,
    /// Passwords may cross this connection in the clear (mynetworks, or loopback with
    /// `auth.plaintext = loopback`).
    pub plaintext_ok: bool,
    /// Largest message APPEND takes (APPENDLIMIT, RFC 7889).
    pub append_limit: u64,
    /// Per-user caps on mailboxes, subscriptions and keywords.
    pub limits: crate::imap::mailstore::Limits,
}

/// Opens a logged-in user's store: (address, Maildir root, quota in bytes or None, per-user
/// caps). Called at login and again when an IDLE that gave its store back wakes up.
pub type StoreOpener = Arc<
    dyn Fn(
            &str,
            &Path,
            Option<u64>,
            crate::imap::mailstore::Limits,
        ) -> Result<Box<dyn MailStore>, StoreError>
        + Send
        + Sync,
>;

/// The Maildir + index backend, its indexes where `indexes` says (SQLite in each Maildir,
/// or the PostgreSQL core keyed by the login's address).
pub fn maildir_opener(indexes: crate::maildir::index::Indexes) -> StoreOpener {
    Arc::new(move |user, root, quota, limits| {
        let mut acc = crate::imap::backend::Account::open(&indexes, user, root)?;
        acc.set_quota(quota);
        acc.set_limits(limits);
        Ok(Box::new(acc))
    })
}

/// What the driver must do before calling [`Session::poll`] again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Write the output, then read more input.
    NeedInput,
    /// Write the output, then call `poll` again at once: a command is half done.
    Flush,
    /// Verify these credentials, then call [`Session::login_result`].
    Authenticate { user: String, password: String },
    /// Write the output, run the TLS handshake, then call [`Session::tls_started`].
    StartTls,
    /// Write the output, then deflate both directions (RFC 4978 COMPRESS=DEFLATE).
    Compress,
    /// Write the output; the session is in IDLE on this folder directory. Feed input as it
    /// comes, and call [`Session::idle_wake`] when the folder changes.
    Idle(PathBuf),
    /// Write the output, wait this long, then call `poll` again: a failed login is
    /// answered only after a pause that grows with each failure.
    Pause(std::time::Duration),
    /// Write the output and close.
    Close,
}

/// The driver's answer to [`Action::Authenticate`].
pub enum LoginResult {
    Ok {
        /// The canonical address.
        user: String,
        maildir: PathBuf,
        /// Bytes; 0 = none.
        quota: u64,
    },
    Rejected,
    /// The user has as many sessions as allowed.
    TooManySessions,
    TempFail(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    NotAuthenticated,
    Authenticated,
    Selected,
    Logout,
}

/// A command that spans more than one input line or more than one poll.
pub(crate) enum Pending {
    None,
    /// AUTHENTICATE PLAIN sent `+`; the next line is the client's response.
    SaslResponse {
        tag: String,
    },
    /// Waiting for the driver's [`LoginResult`].
    Login {
        tag: String,
    },
    Idle {
        tag: String,
    },
    Fetch(Box<crate::imap::cmd::fetch::FetchJob>),
}

#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Enabled {
    pub condstore: bool,
    pub qresync: bool,
    pub rev2: bool,
    /// RFC 6855: mailbox names and headers in UTF-8, `UTF8 (~{n})` in APPEND.
    pub utf8: bool,
    /// RFC 4978: the connection is compressed (once per connection).
    pub compress: bool,
}

pub(crate) struct Login {
    pub user: String,
    pub root: PathBuf,
    pub quota: u64,
}

pub struct Session {
    pub(crate) cfg: Config,
    framer: Framer,
    pub(crate) state: State,
    pub(crate) pending: Pending,
    pub(crate) login: Option<Login>,
    /// The logged-in user's mail; None before login and while IDLE has given it back.
    pub(crate) account: Option<Box<dyn MailStore>>,
    opener: StoreOpener,
    pub(crate) selected: Option<Mailbox>,
    pub(crate) enabled: Enabled,
    /// SEARCHRES (RFC 5182): the UIDs of the last `SEARCH RETURN (SAVE)`.
    pub(crate) saved: Vec<u32>,
    /// CONTEXT=SEARCH and CONTEXT=SORT (RFC 5267): searches and sorts kept up to date, at most
    /// [`crate::imap::cmd::context::MAX_UPDATING`].
    pub(crate) updating: Vec<crate::imap::cmd::context::Updating>,
    /// NOTIFY (RFC 5465): what this session asked to hear about, if anything.
    pub(crate) notify: Option<crate::imap::cmd::notify::Notify>,
    pub(crate) auth_failures: u32,
    /// The tag of a failed login whose answer waits for the driver's pause, and whether
    /// the pause was asked for.
    pub(crate) held: Option<(String, bool)>,
    bad_in_a_row: u32,
    /// A folder this session changed, for the driver to wake other sessions' IDLE.
    pub(crate) touched: Option<PathBuf>,
    /// Whether COPY/MOVE into or out of Junk produce [`Job`]s (the driver has a learner).
    pub(crate) learning: bool,
    /// Jobs for the driver to hand to the learner ([`Session::take_learn`]).
    pub(crate) learn: Vec<Job>,
}

impl Session {
    /// A session on the Maildir backend with SQLite indexes (one host).
    pub fn new(cfg: Config) -> Session {
        Session::with_store(cfg, maildir_opener(crate::maildir::index::Indexes::Maildir))
    }

    /// A session whose logins open their store with `opener`.
    pub fn with_store(cfg: Config, opener: StoreOpener) -> Session {
        Session {
            opener,
            cfg,
            framer: Framer::new(PRE_AUTH_LIMITS),
            state: State::NotAuthenticated,
            pending: Pending::None,
            login: None,
            account: None,
            selected: None,
            enabled: Enabled::default(),
            saved: Vec::new(),
            updating: Vec::new(),
            notify: None,
            auth_failures: 0,
            held: None,
            bad_in_a_row: 0,
            touched: None,
            learning: false,
            learn: Vec::new(),
        }
    }

    /// Turns on learning from Junk moves: the driver will [`Session::take_learn`].
    pub fn set_learning(&mut self, on: bool) {
        self.learning = on;
    }

    /// The messages COPY or MOVE taught rspamd something about since the last call.
    pub fn take_learn(&mut self) -> Vec<Job> {
        std::mem::take(&mut self.learn)
    }

    pub fn greeting(&self) -> Vec<u8> {
        let mut out = b"* OK [CAPABILITY ".to_vec();
        out.extend_from_slice(self.capabilities().as_bytes());
        out.extend_from_slice(b"] mailctl IMAP ready\r\n");
        out
    }

    /// Whether the session has said BYE and the connection should close.
    pub fn is_closing(&self) -> bool {
        self.state == State::Logout
    }

    /// The authenticated user, for the driver's per-user connection count and logs.
    pub fn user(&self) -> Option<&str> {
        self.login.as_ref().map(|l| l.user.as_str())
    }

    pub fn receive(&mut self, bytes: &[u8]) {
        self.framer.push(bytes);
    }

    /// Whether bytes after the last complete command wait in the framer (RFC 4978's
    /// COMPRESS must be the last thing sent in the clear).
    pub(crate) fn has_unread(&self) -> bool {
        self.framer.pending()
    }

    /// After the TLS handshake: anything the client sent before it is dropped, since it
    /// came in the clear and a man in the middle may have put it there (RFC 3501 §6.2.1).
    pub fn tls_started(&mut self) {
        self.cfg.tls_active = true;
        self.cfg.tls_available = false;
        self.cfg.plaintext_ok = true;
        self.framer = Framer::new(PRE_AUTH_LIMITS);
    }

    /// Opens the store of a user who just logged in (quota in bytes, 0 = none).
    pub(crate) fn open_store(
        &self,
        user: &str,
        root: &Path,
        quota: u64,
    ) -> Result<Box<dyn MailStore>, StoreError> {
        (self.opener)(user, root, (quota > 0).then_some(quota), self.cfg.limits)
    }

    /// Once logged in, APPEND may send messages up to APPENDLIMIT.
    pub(crate) fn raise_limits(&mut self) {
        let max_literal = self.cfg.append_limit as usize;
        self.framer.set_limits(Limits {
            max_literal,
            max_literal_nonsync: max_literal,
            max_command: max_literal + Limits::default().max_line,
            ..Limits::default()
        });
    }

    /// The folder this session last changed (STORE, EXPUNGE, APPEND, COPY, MOVE), once.
    pub fn take_touched(&mut self) -> Option<PathBuf> {
        self.touched.take()
    }

    /// Runs commands until the session needs something from the driver. Whatever the
    /// driver does next waits on the peer or the clock, so the store gives back its pooled
    /// connection first (a PostgreSQL index; nothing on SQLite).
    pub fn poll(&mut self, out: &mut Vec<u8>) -> Action {
        let action = self.run(out);
        self.release_store();
        action
    }

    fn release_store(&mut self) {
        if let Some(store) = self.account.as_mut() {
            store.release();
        }
    }

    fn run(&mut self, out: &mut Vec<u8>) -> Action {
        if let Some((tag, paused)) = self.held.take() {
            if !paused {
                self.held = Some((tag, true));
                return Action::Pause(crate::auth::failed_login_delay(self.auth_failures));
            }
            if let Some(a) = crate::imap::cmd::auth::login_failed(self, &tag, out) {
                return a;
            }
        }
        loop {
            if let Pending::Fetch(_) = self.pending {
                if let Some(a) = self.continue_fetch(out) {
                    return a;
                }
                continue;
            }
            if self.state == State::Logout {
                return Action::Close;
            }
            if out.len() >= FLUSH_AT {
                return Action::Flush;
            }
            // A login in flight: pipelined commands wait in the framer for its answer.
            if matches!(self.pending, Pending::Login { .. }) {
                return Action::NeedInput;
            }
            let Some(frame) = self.framer.next() else {
                return match (&self.pending, &self.selected) {
                    (Pending::Idle { .. }, Some(s)) => Action::Idle(s.dir().to_path_buf()),
                    (Pending::Idle { .. }, None) => Action::Idle(
                        self.login
                            .as_ref()
                            .map(|l| l.root.clone())
                            .unwrap_or_default(),
                    ),
                    _ => Action::NeedInput,
                };
            };
            if let Some(a) = self.frame(frame, out) {
                return a;
            }
        }
    }

    fn frame(&mut self, frame: Frame, out: &mut Vec<u8>) -> Option<Action> {
        match frame {
            Frame::Continue => {
                out.extend_from_slice(b"+ Ready for literal data\r\n");
                None
            }
            Frame::TooBig { tag } => {
                let tag = tag.unwrap_or_else(|| "*".into());
                let limit = if self.login.is_some() {
                    self.cfg.append_limit
                } else {
                    PRE_AUTH_LIMITS.max_literal as u64
                };
                out.extend_from_slice(
                    format!("{tag} NO [TOOBIG] literal larger than {limit} bytes\r\n").as_bytes(),
                );
                None
            }
            Frame::LineTooLong { .. } => {
                // Skipping to the line's end would let a peer hold the connection with an
                // endless line (with or without its CRLF): it is not speaking IMAP, so the
                // connection ends, as Dovecot's does.
                let limit = self.framer.limits().max_line;
                out.extend_from_slice(
                    format!("* BYE [TOOBIG] command line longer than {limit} octets\r\n")
                        .as_bytes(),
                );
                self.state = State::Logout;
                Some(Action::Close)
            }
            Frame::Fatal(why) => {
                out.extend_from_slice(format!("* BYE [TOOBIG] {why}\r\n").as_bytes());
                self.state = State::Logout;
                Some(Action::Close)
            }
            Frame::Line(line) => self.line(line, out),
        }
    }

    fn line(&mut self, line: Vec<u8>, out: &mut Vec<u8>) -> Option<Action> {
        match std::mem::replace(&mut self.pending, Pending::None) {
            Pending::SaslResponse { tag } => return self.sasl_response(&tag, &line, out),
            Pending::Idle { tag } => return self.idle_input(&tag, &line, out),
            // Login: poll reads no frame until it is answered; Fetch: resumed before.
            Pending::Login { .. } | Pending::Fetch(_) | Pending::None => {}
        }
        let cmd = match parse_command(&line) {
            Ok(c) => c,
            Err(e) => {
                let tag = e.tag.unwrap_or_else(|| "*".into());
                out.extend_from_slice(format!("{tag} BAD {}\r\n", e.message).as_bytes());
                return self.count_bad();
            }
        };
        self.bad_in_a_row = 0;
        self.command(cmd, out)
    }

    fn count_bad(&mut self) -> Option<Action> {
        self.bad_in_a_row += 1;
        if self.bad_in_a_row >= MAX_BAD {
            self.state = State::Logout;
            return Some(Action::Close);
        }
        None
    }

    fn command(&mut self, cmd: Command, out: &mut Vec<u8>) -> Option<Action> {
        use CommandBody as C;
        let Command { tag, body } = cmd;
        let allowed = match &body {
            C::Capability | C::Noop | C::Logout | C::Id(_) => true,
            C::StartTls | C::Authenticate { .. } | C::Login { .. } => {
                self.state == State::NotAuthenticated
            }
            C::Check
            | C::Close
            | C::Unselect
            | C::Expunge { .. }
            | C::Search { .. }
            | C::Sort { .. }
            | C::Thread { .. }
            | C::CancelUpdate(_)
            | C::Fetch { .. }
            | C::Store { .. }
            | C::Copy { .. }
            | C::Move { .. } => self.state == State::Selected,
            _ => matches!(self.state, State::Authenticated | State::Selected),
        };
        if !allowed {
            let why = match self.state {
                State::NotAuthenticated => "log in first",
                State::Authenticated => "select a mailbox first",
                _ => "not valid in this state",
            };
            out.extend_from_slice(format!("{tag} BAD {why}\r\n").as_bytes());
            return self.count_bad();
        }
        crate::imap::cmd::dispatch(self, &tag, body, out)
    }

    /// Writes pending mailbox changes (EXISTS, EXPUNGE, FETCH FLAGS) and then the tagged
    /// reply. Every handler ends through here so updates always precede the tagged line.
    pub(crate) fn finish(
        &mut self,
        tag: &str,
        allow_expunge: bool,
        status: &str,
        out: &mut Vec<u8>,
    ) {
        self.write_updates(allow_expunge, out);
        crate::imap::cmd::context::refresh(self, out);
        out.extend_from_slice(tag.as_bytes());
        out.push(b' ');
        out.extend_from_slice(status.as_bytes());
        out.extend_from_slice(b"\r\n");
    }

    /// Refreshes the selected mailbox and writes what changed; whether it was refreshed.
    pub(crate) fn write_updates(&mut self, allow_expunge: bool, out: &mut Vec<u8>) -> bool {
        let (Some(sel), Some(acc)) = (self.selected.as_mut(), self.account.as_mut()) else {
            return false;
        };
        match acc.refresh(sel, allow_expunge) {
            Ok(ch) => {
                self.write_changes(&ch, out);
                return true;
            }
            Err(StoreError::NoSuchMailbox(name)) => {
                // Deleted, renamed away or recreated by another session: the view's
                // sequence numbers and UIDs mean nothing any more (as Dovecot, say BYE).
                out.extend_from_slice(
                    format!("* BYE [UNAVAILABLE] mailbox {name} was deleted or replaced\r\n")
                        .as_bytes(),
                );
                self.selected = None;
                self.state = State::Logout;
            }
            Err(e) => tracing::warn!("IMAP refresh of {}: {e}", sel.name),
        }
        false
    }

    /// A CONDSTORE enabling command (RFC 7162 §3.1). The first one while a mailbox is
    /// selected also reports the mailbox's `HIGHESTMODSEQ`, which the client has not seen.
    pub(crate) fn enable_condstore(&mut self, out: &mut Vec<u8>) {
        if self.enabled.condstore {
            return;
        }
        self.enabled.condstore = true;
        if let Some(sel) = &self.selected {
            out.extend_from_slice(
                format!("* OK [HIGHESTMODSEQ {}] highest\r\n", sel.highestmodseq).as_bytes(),
            );
        }
    }

    /// Writes the untagged responses for `ch` (EXPUNGE or VANISHED, EXISTS, RECENT, FETCH).
    /// A keyword new to this session in them is first listed by an untagged FLAGS.
    pub(crate) fn write_changes(&mut self, ch: &Changes, out: &mut Vec<u8>) {
        if let Some(sel) = self.selected.as_mut()
            && sel.list_new_keywords(&ch.flags)
        {
            crate::imap::cmd::mailbox::write_flags(sel, out);
        }
        crate::imap::cmd::context::expunged(self, ch, out);
        updates::write(self, ch, out);
    }

    pub(crate) fn tagged(out: &mut Vec<u8>, tag: &str, status: &str) {
        out.extend_from_slice(tag.as_bytes());
        out.push(b' ');
        out.extend_from_slice(status.as_bytes());
        out.extend_from_slice(b"\r\n");
    }

    /// In IDLE: the watched folder changed (or the safety-net timer fired).
    pub fn idle_wake(&mut self, out: &mut Vec<u8>) {
        self.wake(None, out);
    }

    /// In IDLE, or between commands with NOTIFY on: folders changed. `changed` names the
    /// NOTIFY folders that did (`None` or empty: look at all of them, the timer's sweep).
    pub fn wake(&mut self, changed: Option<&[PathBuf]>, out: &mut Vec<u8>) {
        self.wake_with(&mut None, changed, out);
    }

    /// [`Session::wake`] on the store `shared` by the account's idling sessions: in IDLE
    /// it is taken for the refresh (opened if empty) and put back. Returns whether the
    /// selected mailbox was refreshed.
    pub fn wake_with(
        &mut self,
        shared: &mut Option<Box<dyn MailStore>>,
        changed: Option<&[PathBuf]>,
        out: &mut Vec<u8>,
    ) -> bool {
        let changed = changed.filter(|c| !c.is_empty());
        if matches!(self.pending, Pending::Idle { .. }) {
            return crate::imap::cmd::idle::wake(self, shared, changed, out);
        } else if self.notify.is_some() && matches!(self.pending, Pending::None) {
            // NOTIFY between commands (RFC 5465 §1): the same updates, unasked.
            crate::imap::cmd::notify::wake(self, changed, out);
            self.release_store();
        }
        false
    }

    /// What an idling session shows, for the driver to tell whether a wakeup concerns it.
    pub fn idle_view(&self) -> crate::imap::cmd::idle::IdleView {
        crate::imap::cmd::idle::view(self)
    }

    /// The logged-in user's Maildir root.
    pub fn root(&self) -> Option<&Path> {
        self.login.as_ref().map(|l| l.root.as_path())
    }

    /// NOTIFY (RFC 5465): the folders whose changes this session must hear of between
    /// commands, for the driver to watch; `None` when NOTIFY is off.
    pub fn notify_dirs(&self) -> Option<Vec<PathBuf>> {
        crate::imap::cmd::notify::dirs(self)
    }

    /// Continues a FETCH cut short by the flush threshold.
    fn continue_fetch(&mut self, out: &mut Vec<u8>) -> Option<Action> {
        let Pending::Fetch(job) = std::mem::replace(&mut self.pending, Pending::None) else {
            return None;
        };
        crate::imap::cmd::fetch::resume(self, job, out)
    }

    /// The driver's answer to [`Action::Authenticate`].
    pub fn login_result(&mut self, result: LoginResult, out: &mut Vec<u8>) -> Option<Action> {
        let Pending::Login { tag } = std::mem::replace(&mut self.pending, Pending::None) else {
            return None;
        };
        crate::imap::cmd::auth::login_result(self, &tag, result, out)
    }

    fn sasl_response(&mut self, tag: &str, line: &[u8], out: &mut Vec<u8>) -> Option<Action> {
        crate::imap::cmd::auth::sasl_response(self, tag, line, out)
    }

    fn idle_input(&mut self, tag: &str, line: &[u8], out: &mut Vec<u8>) -> Option<Action> {
        crate::imap::cmd::idle::input(self, tag, line, out)
    }
}

#[cfg(test)]
mod context_tests;
#[cfg(test)]
mod ext_tests;
#[cfg(test)]
mod learn_tests;
#[cfg(test)]
mod mem_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod wire_ext_tests;
