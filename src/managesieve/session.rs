//! The ManageSieve session (RFC 5804) as a sans-IO state machine: bytes in with
//! [`Session::receive`], replies out from [`Session::poll`], which says when the driver must
//! verify a login, start TLS, pause or close. Scripts are reached through [`Scripts`],
//! handed over after a login; the session never touches a socket or the database.
//!
//! Commands: CAPABILITY, STARTTLS, AUTHENTICATE "PLAIN" (RFC 4616, initial response or
//! continuation), LOGOUT, NOOP, HAVESPACE, PUTSCRIPT, CHECKSCRIPT, LISTSCRIPTS, SETACTIVE,
//! GETSCRIPT, DELETESCRIPT, RENAMESCRIPT. Not here: UNAUTHENTICATE and SASL security layers
//! (neither is required), REFERRAL.

use std::time::Duration;

use super::store::{Scripts, StoreError};
use super::wire::{self, Arg, Parsed};
use crate::core::sieve::OverQuota;

/// Errors (bad commands, bad arguments) after which the peer is dropped.
pub const MAX_ERRORS: u32 = 20;
/// Failed logins after which the peer is dropped.
pub const MAX_AUTH_FAILURES: u32 = crate::auth::MAX_FAILED_LOGINS;
/// The largest literal before login: a SASL PLAIN response, with room for its quoting.
const MAX_AUTH_LITERAL: u64 = crate::auth::sasl::MAX_RESPONSE as u64 + 64;
/// Room for a script name beside the script in one PUTSCRIPT.
const NAME_ROOM: u64 = 4 << 10;

/// What the connection allows; decided by the listener from the peer and the certificate.
#[derive(Debug, Clone)]
pub struct Config {
    /// The connection is already encrypted (after STARTTLS).
    pub tls_active: bool,
    /// STARTTLS can be offered (a certificate is loaded and TLS is not active yet).
    pub tls_available: bool,
    /// Passwords may cross this connection unencrypted (`auth.plaintext`, `mynetworks`).
    pub plaintext_ok: bool,
}

/// What the driver must do before calling [`Session::poll`] again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    NeedInput,
    /// Verify these credentials, then call [`Session::login_result`].
    Authenticate {
        user: String,
        password: String,
    },
    /// Write the output (the OK to STARTTLS), run the handshake, call
    /// [`Session::tls_started`] and write what it gives (the capabilities again, §2.2).
    StartTls,
    /// Wait this long (a failed login's pause), then poll again without input.
    Pause(Duration),
    Close,
}

/// The driver's answer to [`Action::Authenticate`].
pub enum LoginResult {
    Ok(Box<dyn Scripts>),
    /// Wrong user or password, a disabled account, or a banned address.
    Rejected,
    TempFail(String),
}

enum State {
    Unauth,
    /// After `AUTHENTICATE "PLAIN"` without an initial response: the next line is one.
    AuthContinue,
    WaitLogin,
    Auth(Box<dyn Scripts>),
    Done,
}

/// A literal over the limit being skipped: its octets, then the rest of its line.
struct Skip {
    octets: u64,
    tail: usize,
}

pub struct Session {
    cfg: Config,
    state: State,
    input: Vec<u8>,
    /// Nothing can be parsed before the input is this long.
    need: usize,
    skip: Option<Skip>,
    errors: u32,
    auth_failures: u32,
    /// A failed login's answer: paused for first (`false`), then sent.
    held: Option<bool>,
}

type Reply = Result<(), (Option<&'static str>, String)>;

fn no(text: impl Into<String>) -> (Option<&'static str>, String) {
    (None, text.into())
}

impl Session {
    pub fn new(cfg: Config) -> Session {
        Session {
            cfg,
            state: State::Unauth,
            input: Vec::new(),
            need: 0,
            skip: None,
            errors: 0,
            auth_failures: 0,
            held: None,
        }
    }

    /// RFC 5804 §1.7: the greeting is the capability listing and an OK.
    pub fn greeting(&self, out: &mut Vec<u8>) {
        self.capabilities(out);
        wire::reply(out, "OK", None, "mailctl ManageSieve ready");
    }

    pub fn receive(&mut self, data: &[u8]) {
        self.input.extend_from_slice(data);
    }

    pub fn is_logged_in(&self) -> bool {
        matches!(self.state, State::Auth(_))
    }

    /// The handshake after STARTTLS finished: §2.2 asks for the capabilities again, now
    /// without STARTTLS and with the mechanisms TLS allows.
    pub fn tls_started(&mut self, out: &mut Vec<u8>) {
        self.cfg.tls_active = true;
        self.cfg.tls_available = false;
        self.greeting(out);
    }

    fn plaintext_ok(&self) -> bool {
        self.cfg.tls_active || self.cfg.plaintext_ok
    }

    fn capabilities(&self, out: &mut Vec<u8>) {
        let line = |out: &mut Vec<u8>, k: &str, v: Option<&str>| {
            wire::string(out, k.as_bytes());
            if let Some(v) = v {
                out.push(b' ');
                wire::string(out, v.as_bytes());
            }
            out.extend_from_slice(b"\r\n");
        };
        line(out, "IMPLEMENTATION", Some("mailctl"));
        // An empty list while passwords may not cross in the clear: STARTTLS first.
        line(
            out,
            "SASL",
            Some(if self.plaintext_ok() { "PLAIN" } else { "" }),
        );
        line(out, "SIEVE", Some(&crate::sieve::CAPABILITIES.join(" ")));
        if self.cfg.tls_available && !self.cfg.tls_active {
            line(out, "STARTTLS", None);
        }
        let redirects = crate::sieve::Limits::default().max_redirects.to_string();
        line(out, "MAXREDIRECTS", Some(&redirects));
        line(out, "VERSION", Some("1.0"));
    }

    /// Processes buffered input, appending replies to `out`.
    pub fn poll(&mut self, out: &mut Vec<u8>) -> Action {
        match self.held {
            Some(false) => {
                self.held = Some(true);
                return Action::Pause(crate::auth::failed_login_delay(self.auth_failures));
            }
            Some(true) => {
                wire::reply(out, "NO", None, "Authentication failed");
                self.held = None;
            }
            None => {}
        }
        loop {
            match self.state {
                State::WaitLogin => return Action::NeedInput,
                State::Done => return Action::Close,
                _ => {}
            }
            if self.errors >= MAX_ERRORS || self.auth_failures >= MAX_AUTH_FAILURES {
                return self.bye(out, "Too many errors");
            }
            if self.skip.is_some() {
                match self.skip_literal(out) {
                    Some(a) => return a,
                    None => continue,
                }
            }
            if self.input.len() < self.need {
                return Action::NeedInput;
            }
            let a = self.step(out);
            if a != Action::NeedInput || self.input.len() < self.need {
                return a;
            }
        }
    }

    /// Parses and runs one command (or SASL response) from the buffered input.
    fn step(&mut self, out: &mut Vec<u8>) -> Action {
        let max = match &self.state {
            State::Auth(s) => s.max_size().saturating_add(NAME_ROOM),
            _ => MAX_AUTH_LITERAL,
        };
        let continuing = matches!(self.state, State::AuthContinue);
        let parsed = if continuing {
            wire::parse_response(&self.input, max)
        } else {
            wire::parse(&self.input, max)
        };
        match parsed {
            Parsed::Incomplete { need } => {
                self.need = need;
                Action::NeedInput
            }
            Parsed::LineTooLong => self.bye(out, "Line too long"),
            Parsed::Bad { len, why } => {
                self.consume(len);
                if continuing {
                    self.state = State::Unauth;
                }
                self.errors += 1;
                wire::reply(out, "NO", None, why);
                Action::NeedInput
            }
            Parsed::TooBig { at, size } => {
                self.consume(at);
                self.skip = Some(Skip {
                    octets: size,
                    tail: 0,
                });
                Action::NeedInput
            }
            Parsed::Command { len, name, args } => {
                self.consume(len);
                if continuing {
                    self.state = State::Unauth;
                    return self.sasl_response(&args, out);
                }
                self.command(&name, args, out)
            }
        }
    }

    fn consume(&mut self, n: usize) {
        self.input.drain(..n.min(self.input.len()));
        self.need = 0;
    }

    fn bye(&mut self, out: &mut Vec<u8>, text: &str) -> Action {
        wire::reply(out, "BYE", None, text);
        self.state = State::Done;
        self.input.clear();
        Action::Close
    }

    /// Drops the octets of a literal over the limit as they come (never buffered), then the
    /// rest of its line, and refuses the command. `None`: done, go on parsing.
    fn skip_literal(&mut self, out: &mut Vec<u8>) -> Option<Action> {
        let skip = self.skip.as_mut()?;
        let n = usize::try_from(skip.octets)
            .unwrap_or(usize::MAX)
            .min(self.input.len());
        self.input.drain(..n);
        skip.octets -= n as u64;
        if skip.octets > 0 {
            return Some(Action::NeedInput);
        }
        match memchr::memchr(b'\n', &self.input) {
            Some(i) => {
                self.input.drain(..=i);
                self.skip = None;
                self.need = 0;
                self.errors += 1;
                match &self.state {
                    State::Auth(s) => {
                        let over = OverQuota::MaxSize(s.max_size());
                        wire::reply(out, "NO", Some("QUOTA/MAXSIZE"), &over.to_string());
                    }
                    _ => wire::reply(out, "NO", None, "Literal too large"),
                }
                None
            }
            None => {
                skip.tail += self.input.len();
                self.input.clear();
                if skip.tail > wire::MAX_LINE {
                    return Some(self.bye(out, "Line too long"));
                }
                Some(Action::NeedInput)
            }
        }
    }

    fn command(&mut self, name: &str, args: Vec<Arg>, out: &mut Vec<u8>) -> Action {
        let r = match name {
            "CAPABILITY" => no_args(&args).map(|()| self.capabilities(out)),
            "NOOP" => return self.noop(&args, out),
            "LOGOUT" => {
                wire::reply(out, "OK", None, "Logout complete");
                self.state = State::Done;
                return Action::Close;
            }
            "STARTTLS" => return self.starttls(&args, out),
            "AUTHENTICATE" => return self.authenticate(args, out),
            _ => match &self.state {
                State::Auth(s) => scripts(s.as_ref(), name, args, out),
                _ if is_script_command(name) => Err(no("Authenticate first")),
                _ => Err(no("Unknown command")),
            },
        };
        match r {
            Ok(()) => wire::reply(out, "OK", None, ""),
            Err((code, text)) => {
                // Protocol garbage counts towards the limit; a script that does not compile
                // (or any storage refusal) is a user editing, and does not.
                if !self.is_logged_in() || !is_known(name) {
                    self.errors += 1;
                }
                wire::reply(out, "NO", code, &text);
            }
        }
        Action::NeedInput
    }

    /// §2.14: an optional tag, echoed as the TAG response code.
    fn noop(&mut self, args: &[Arg], out: &mut Vec<u8>) -> Action {
        match args {
            [] => wire::reply(out, "OK", None, "Done"),
            [Arg::Str(tag)] => {
                let mut code = b"TAG ".to_vec();
                wire::string(&mut code, tag);
                out.extend_from_slice(b"OK (");
                out.extend_from_slice(&code);
                out.extend_from_slice(b") \"Done\"\r\n");
            }
            _ => {
                self.errors += 1;
                wire::reply(out, "NO", None, "NOOP takes one optional string");
            }
        }
        Action::NeedInput
    }

    fn starttls(&mut self, args: &[Arg], out: &mut Vec<u8>) -> Action {
        let refusal = if !args.is_empty() {
            "STARTTLS takes no arguments"
        } else if self.cfg.tls_active {
            "TLS is already active"
        } else if !self.cfg.tls_available {
            "TLS is not available"
        } else if !matches!(self.state, State::Unauth) {
            "STARTTLS is only allowed before AUTHENTICATE"
        } else {
            wire::reply(out, "OK", None, "Begin TLS negotiation now");
            // Anything pipelined after STARTTLS came in the clear: never run it under TLS.
            self.input.clear();
            return Action::StartTls;
        };
        self.errors += 1;
        wire::reply(out, "NO", None, refusal);
        Action::NeedInput
    }

    fn authenticate(&mut self, args: Vec<Arg>, out: &mut Vec<u8>) -> Action {
        let refusal = match (&self.state, args.as_slice()) {
            (State::Auth(_), _) => (None, "Already authenticated"),
            (_, [Arg::Str(m)] | [Arg::Str(m), Arg::Str(_)])
                if !m.eq_ignore_ascii_case(b"PLAIN") =>
            {
                (None, "Unsupported mechanism; this server offers PLAIN")
            }
            (_, [Arg::Str(_)] | [Arg::Str(_), Arg::Str(_)]) if !self.plaintext_ok() => (
                Some("ENCRYPT-NEEDED"),
                "Passwords only over TLS: use STARTTLS first",
            ),
            (_, [Arg::Str(_)]) => {
                // §2.1: an empty challenge, answered by a string with the response.
                out.extend_from_slice(b"\"\"\r\n");
                self.state = State::AuthContinue;
                return Action::NeedInput;
            }
            (_, [Arg::Str(_), initial]) => {
                return self.sasl_response(std::slice::from_ref(initial), out);
            }
            _ => (
                None,
                "AUTHENTICATE takes a mechanism and an optional response",
            ),
        };
        self.errors += 1;
        wire::reply(out, "NO", refusal.0, refusal.1);
        Action::NeedInput
    }

    /// A PLAIN response (initial or after the empty challenge); `"*"` cancels (§2.1).
    fn sasl_response(&mut self, args: &[Arg], out: &mut Vec<u8>) -> Action {
        let [Arg::Str(r)] = args else {
            self.errors += 1;
            wire::reply(out, "NO", None, "Expected a string with the SASL response");
            return Action::NeedInput;
        };
        if r == b"*" {
            wire::reply(out, "NO", None, "Authentication cancelled");
            return Action::NeedInput;
        }
        match crate::auth::sasl::plain(r) {
            Ok(c) => {
                self.state = State::WaitLogin;
                Action::Authenticate {
                    user: c.authcid,
                    password: c.password,
                }
            }
            Err(e) => {
                self.errors += 1;
                wire::reply(out, "NO", None, &e.to_string());
                Action::NeedInput
            }
        }
    }

    /// The verdict on [`Action::Authenticate`]'s credentials.
    pub fn login_result(&mut self, result: LoginResult, out: &mut Vec<u8>) {
        self.state = State::Unauth;
        match result {
            LoginResult::Ok(s) => {
                self.state = State::Auth(s);
                wire::reply(out, "OK", None, "Logged in");
            }
            LoginResult::Rejected => {
                self.auth_failures += 1;
                self.held = Some(false);
            }
            LoginResult::TempFail(why) => {
                tracing::warn!("ManageSieve login: {why}");
                wire::reply(
                    out,
                    "NO",
                    Some("TRYLATER"),
                    "Temporary failure, try again later",
                );
            }
        }
    }
}

fn no_args(args: &[Arg]) -> Reply {
    if args.is_empty() {
        Ok(())
    } else {
        Err(no("This command takes no arguments"))
    }
}

fn is_known(name: &str) -> bool {
    is_script_command(name) || matches!(name, "CAPABILITY" | "NOOP" | "LOGOUT" | "STARTTLS")
}

fn is_script_command(name: &str) -> bool {
    matches!(
        name,
        "HAVESPACE"
            | "PUTSCRIPT"
            | "CHECKSCRIPT"
            | "LISTSCRIPTS"
            | "SETACTIVE"
            | "GETSCRIPT"
            | "DELETESCRIPT"
            | "RENAMESCRIPT"
    )
}

/// A string argument that must be UTF-8 (names, scripts: RFC 5804 §1.6, RFC 5228 §2.2).
fn text(a: &Arg) -> Result<&str, (Option<&'static str>, String)> {
    match a {
        Arg::Str(s) => std::str::from_utf8(s).map_err(|_| no("Strings must be UTF-8")),
        Arg::Number(_) => Err(no("Expected a string")),
    }
}

/// The commands of the authenticated state.
fn scripts(s: &dyn Scripts, name: &str, args: Vec<Arg>, out: &mut Vec<u8>) -> Reply {
    let usage = |u: &str| Err(no(format!("Usage: {name} {u}")));
    match (name, args.as_slice()) {
        ("HAVESPACE", [n, Arg::Number(size)]) => s.have_space(text(n)?, *size).map_err(code),
        ("HAVESPACE", _) => usage("name size"),
        ("PUTSCRIPT", [n, c]) => s.put(text(n)?, text(c)?).map_err(code),
        ("PUTSCRIPT", _) => usage("name script"),
        ("CHECKSCRIPT", [c]) => s.check(text(c)?).map_err(code),
        ("CHECKSCRIPT", _) => usage("script"),
        ("LISTSCRIPTS", []) => {
            for (n, active) in s.list().map_err(code)? {
                wire::string(out, n.as_bytes());
                out.extend_from_slice(if active { b" ACTIVE\r\n" } else { b"\r\n" });
            }
            Ok(())
        }
        ("SETACTIVE", [n]) => {
            let n = text(n)?;
            s.activate((!n.is_empty()).then_some(n)).map_err(code)
        }
        ("SETACTIVE", _) => usage("name"),
        ("GETSCRIPT", [n]) => {
            let content = s.get(text(n)?).map_err(code)?;
            // §2.9: always a literal, then CRLF before the OK.
            out.extend_from_slice(format!("{{{}}}\r\n", content.len()).as_bytes());
            out.extend_from_slice(content.as_bytes());
            out.extend_from_slice(b"\r\n");
            Ok(())
        }
        ("GETSCRIPT", _) => usage("name"),
        ("DELETESCRIPT", [n]) => s.delete(text(n)?).map_err(code),
        ("DELETESCRIPT", _) => usage("name"),
        ("RENAMESCRIPT", [a, b]) => s.rename(text(a)?, text(b)?).map_err(code),
        ("RENAMESCRIPT", _) => usage("old new"),
        ("LISTSCRIPTS", _) => usage(""),
        _ => Err(no("Unknown command")),
    }
}

/// RFC 5804 §1.3's response code for a storage error, with its text.
fn code(e: StoreError) -> (Option<&'static str>, String) {
    match e {
        StoreError::NonExistent(n) => (Some("NONEXISTENT"), format!("There is no script {n}")),
        StoreError::AlreadyExists(n) => (
            Some("ALREADYEXISTS"),
            format!("A script {n} already exists"),
        ),
        StoreError::Active(n) => (
            Some("ACTIVE"),
            format!("Script {n} is active; activate another (or SETACTIVE \"\") first"),
        ),
        StoreError::Quota(q @ OverQuota::MaxSize(_)) => (Some("QUOTA/MAXSIZE"), q.to_string()),
        StoreError::Quota(q @ OverQuota::MaxScripts(_)) => {
            (Some("QUOTA/MAXSCRIPTS"), q.to_string())
        }
        StoreError::Invalid(why) => (None, why),
        StoreError::TryLater(why) => {
            tracing::warn!("ManageSieve storage: {why}");
            (
                Some("TRYLATER"),
                "Temporary failure, try again later".into(),
            )
        }
    }
}

#[cfg(test)]
#[path = "session_tests.rs"]
mod tests;
