//! The POP3 session as a sans-IO state machine (RFC 1939 states AUTHORIZATION → TRANSACTION →
//! UPDATE, RFC 2449 CAPA and response codes, RFC 5034 AUTH PLAIN). Bytes from the peer go in
//! with [`Session::receive`]; [`Session::poll`] appends replies to an output buffer and says
//! when the driver must act: verify a login, start TLS, or close. It never touches a socket,
//! a file or the database: storage is behind [`Maildrop`], handed over after a login.

use super::Pop3Error;
use super::maildrop::{Maildrop, MessageInfo};
use super::wire;

/// Longest command line accepted, CRLF included. RFC 2449 allows 255 octets for commands;
/// an AUTH PLAIN response with a long password needs more, so allow some headroom.
pub const MAX_LINE: usize = 1024;
/// Errors (bad commands, bad arguments, failed logins) after which the peer is dropped.
pub const MAX_ERRORS: u32 = 20;
/// Failed logins after which the peer is dropped.
pub const MAX_AUTH_FAILURES: u32 = crate::auth::MAX_FAILED_LOGINS;

/// What the connection allows; decided by the driver from the listener and the peer address.
#[derive(Debug, Clone)]
pub struct Config {
    pub hostname: String,
    /// The connection is already encrypted (port 995, or after STLS).
    pub tls_active: bool,
    /// STLS can be offered (a certificate is loaded and TLS is not active yet).
    pub tls_available: bool,
    /// Passwords may cross this connection unencrypted (peer in `mynetworks`, or loopback
    /// with `auth.plaintext = loopback`).
    pub plaintext_ok: bool,
}

/// What the driver must do before calling [`Session::poll`] again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Write the output, then read more input.
    NeedInput,
    /// Verify these credentials, then call [`Session::login_result`].
    Authenticate { user: String, password: String },
    /// Write the output (the `+OK` to STLS), run the TLS handshake, then call
    /// [`Session::tls_started`].
    StartTls,
    /// Write the output, wait this long, then call [`Session::poll`] again without new
    /// input: a failed login is answered only after a pause that grows with each failure.
    Pause(std::time::Duration),
    /// Write the output and close the connection.
    Close,
}

/// The driver's answer to [`Action::Authenticate`].
pub enum LoginResult {
    Ok(Box<dyn Maildrop>),
    /// Wrong user or password (or a disabled account).
    Rejected,
    /// The credentials were right but another POP3 session holds the maildrop.
    InUse,
    /// Storage or database trouble; the client may retry later.
    TempFail(String),
}

enum State {
    Authorization {
        user: Option<String>,
    },
    /// After `AUTH PLAIN` without an initial response: the next line is the response.
    AuthContinue,
    WaitLogin,
    Transaction(Box<Transaction>),
    Done,
}

struct Transaction {
    drop: Box<dyn Maildrop>,
    messages: Vec<MessageInfo>,
    deleted: Vec<bool>,
}

pub struct Session {
    cfg: Config,
    state: State,
    input: Vec<u8>,
    errors: u32,
    auth_failures: u32,
    /// A failed login's answer, held back until the driver has paused ([`Action::Pause`]).
    held: Option<Held>,
}

struct Held {
    reply: &'static str,
    paused: bool,
}

fn ok(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(format!("+OK {text}\r\n").as_bytes());
}

fn err(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(format!("-ERR {text}\r\n").as_bytes());
}

/// A decimal argument as RFC 1939 writes them (message numbers, TOP's line count): digits
/// only, no sign, and within a u32, so no count from the peer can overflow anything later.
fn parse_u32(s: &str, what: &str) -> Result<u32, String> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("invalid {what}: expected digits 0-9 only"));
    }
    s.parse::<u32>()
        .map_err(|_| format!("{what} out of range (at most {})", u32::MAX))
}

/// A message number: 1-based, of a message that exists; the index is returned.
fn parse_number(arg: Option<&str>, count: usize) -> Result<usize, String> {
    let s = arg.ok_or("message number required")?;
    let n = parse_u32(s, "message number")? as usize;
    if n == 0 || n > count {
        return Err(format!("no such message {n} (maildrop has {count})"));
    }
    Ok(n - 1)
}

impl Session {
    pub fn new(cfg: Config) -> Session {
        Session {
            cfg,
            state: State::Authorization { user: None },
            input: Vec::new(),
            errors: 0,
            auth_failures: 0,
            held: None,
        }
    }

    pub fn greeting(&self) -> Vec<u8> {
        format!("+OK {} POP3 server ready\r\n", self.cfg.hostname).into_bytes()
    }

    /// Bytes read from the peer. Buffered up to one line beyond what was processed; the
    /// driver should read only when [`Session::poll`] returned [`Action::NeedInput`].
    pub fn receive(&mut self, data: &[u8]) {
        self.input.extend_from_slice(data);
    }

    /// The login is done (or failed); the driver calls this after [`Action::Authenticate`].
    pub fn login_result(&mut self, result: LoginResult, out: &mut Vec<u8>) {
        match result {
            LoginResult::Ok(drop) => {
                let messages = drop.messages().to_vec();
                let n = messages.len();
                let octets: u64 = messages.iter().map(|m| m.size).sum();
                self.state = State::Transaction(Box::new(Transaction {
                    drop,
                    deleted: vec![false; n],
                    messages,
                }));
                ok(out, &format!("maildrop has {n} messages ({octets} octets)"));
            }
            LoginResult::Rejected => {
                self.state = State::Authorization { user: None };
                self.auth_failures += 1;
                self.errors += 1;
                self.held = Some(Held {
                    reply: "[AUTH] authentication failed",
                    paused: false,
                });
            }
            LoginResult::InUse => {
                self.state = State::Authorization { user: None };
                err(out, "[IN-USE] maildrop is locked by another POP3 session");
            }
            LoginResult::TempFail(why) => {
                self.state = State::Authorization { user: None };
                err(out, &format!("[SYS/TEMP] {why}; try again later"));
            }
        }
    }

    /// TLS is up: anything the peer sent before the handshake was discarded at STLS, and
    /// passwords may now be sent.
    pub fn tls_started(&mut self) {
        self.cfg.tls_active = true;
        self.cfg.tls_available = false;
        self.cfg.plaintext_ok = true;
        self.state = State::Authorization { user: None };
        self.input.clear();
    }

    /// How many logins failed; the driver feeds them to the per-IP ban.
    pub fn auth_failures(&self) -> u32 {
        self.auth_failures
    }

    /// Whether the session reached UPDATE (so a dropped connection lost nothing).
    pub fn is_done(&self) -> bool {
        matches!(self.state, State::Done)
    }

    /// Whether a login succeeded (the driver's idle timeout changes from the pre-login one).
    pub fn is_logged_in(&self) -> bool {
        matches!(self.state, State::Transaction(_))
    }

    /// Processes buffered input, appending replies to `out`.
    pub fn poll(&mut self, out: &mut Vec<u8>) -> Action {
        if let Some(h) = self.held.as_mut() {
            if !h.paused {
                h.paused = true;
                return Action::Pause(crate::auth::failed_login_delay(self.auth_failures));
            }
            err(out, h.reply);
            self.held = None;
        }
        loop {
            match self.state {
                State::WaitLogin => return Action::NeedInput,
                State::Done => return Action::Close,
                _ => {}
            }
            if self.errors >= MAX_ERRORS || self.auth_failures >= MAX_AUTH_FAILURES {
                err(out, "too many errors, closing connection");
                self.close_without_update();
                return Action::Close;
            }
            let Some(line) = self.take_line(out) else {
                if matches!(self.state, State::Done) {
                    return Action::Close;
                }
                return Action::NeedInput;
            };
            let action = self.command(&line, out);
            if action != Action::NeedInput {
                return action;
            }
        }
    }

    /// The next complete line without its terminator, or `None` if more input is needed.
    /// A line over [`MAX_LINE`] (terminated or not) ends the session: a peer that sends one
    /// is not speaking POP3, and skipping to its LF would let it hold the connection with
    /// an endless line.
    fn take_line(&mut self, out: &mut Vec<u8>) -> Option<Vec<u8>> {
        let end = memchr::memchr(b'\n', &self.input);
        if end.map_or(self.input.len(), |i| i + 1) > MAX_LINE {
            err(
                out,
                &format!("line too long (limit {MAX_LINE} octets); closing connection"),
            );
            self.close_without_update();
            return None;
        }
        let mut line: Vec<u8> = self.input.drain(..=end?).collect();
        line.pop();
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        Some(line)
    }

    fn close_without_update(&mut self) {
        // Dropping the maildrop releases its lock; deletions are only applied in UPDATE.
        self.state = State::Done;
        self.input.clear();
    }

    fn command(&mut self, line: &[u8], out: &mut Vec<u8>) -> Action {
        if matches!(self.state, State::AuthContinue) {
            return self.auth_plain_response(line, out);
        }
        let Ok(line) = std::str::from_utf8(line) else {
            self.errors += 1;
            err(out, "command is not valid UTF-8");
            return Action::NeedInput;
        };
        let mut parts = line.split(' ');
        let verb = parts.next().unwrap_or("").to_ascii_uppercase();
        let args: Vec<&str> = parts.collect();
        match verb.as_str() {
            "CAPA" => {
                self.capa(out);
                return Action::NeedInput;
            }
            "NOOP" if matches!(self.state, State::Transaction(_)) => {
                ok(out, "");
                return Action::NeedInput;
            }
            "QUIT" => return self.quit(out),
            _ => {}
        }
        if matches!(self.state, State::Transaction(_)) {
            self.transaction(&verb, &args, out);
            return Action::NeedInput;
        }
        self.authorization(&verb, &args, out)
    }

    fn capa(&self, out: &mut Vec<u8>) {
        ok(out, "capability list follows");
        let mut caps = vec!["TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING"];
        let in_auth = matches!(self.state, State::Authorization { .. });
        if in_auth && self.cfg.plaintext_ok {
            caps.extend(["USER", "SASL PLAIN"]);
        }
        if in_auth && self.cfg.tls_available && !self.cfg.tls_active {
            caps.push("STLS");
        }
        for c in caps {
            out.extend_from_slice(c.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b".\r\n");
    }

    fn quit(&mut self, out: &mut Vec<u8>) -> Action {
        let state = std::mem::replace(&mut self.state, State::Done);
        if let State::Transaction(mut t) = state {
            let doomed: Vec<usize> = (0..t.messages.len()).filter(|&i| t.deleted[i]).collect();
            match t.drop.delete(&doomed) {
                Ok(()) => ok(out, &format!("{} bye", self.cfg.hostname)),
                Err(e) => err(
                    out,
                    &format!("[SYS/TEMP] some messages were not deleted: {e}"),
                ),
            }
        } else {
            ok(out, &format!("{} bye", self.cfg.hostname));
        }
        self.input.clear();
        Action::Close
    }

    fn authorization(&mut self, verb: &str, args: &[&str], out: &mut Vec<u8>) -> Action {
        let is_login = matches!(verb, "USER" | "PASS" | "AUTH");
        if is_login && !self.cfg.plaintext_ok {
            self.errors += 1;
            let how = if self.cfg.tls_available {
                "use STLS first"
            } else {
                "use port 995"
            };
            err(
                out,
                &format!(
                    "[AUTH] plaintext authentication disallowed on unencrypted connections; {how}"
                ),
            );
            return Action::NeedInput;
        }
        match verb {
            "USER" if args.len() == 1 && !args[0].is_empty() => {
                self.state = State::Authorization {
                    user: Some(args[0].to_string()),
                };
                ok(out, "send PASS");
            }
            "PASS" => {
                let user = match &mut self.state {
                    State::Authorization { user } => user.take(),
                    _ => None,
                };
                let Some(user) = user else {
                    self.errors += 1;
                    err(out, "USER first");
                    return Action::NeedInput;
                };
                // RFC 1939 lets passwords contain spaces: take the rest of the line.
                let password = args.join(" ");
                self.state = State::WaitLogin;
                return Action::Authenticate { user, password };
            }
            "AUTH" if args.is_empty() => {
                ok(out, "supported mechanisms follow");
                out.extend_from_slice(b"PLAIN\r\n.\r\n");
            }
            "AUTH" if args[0].eq_ignore_ascii_case("PLAIN") && args.len() <= 2 => {
                match args.get(1) {
                    Some(initial) => return self.auth_plain_response(initial.as_bytes(), out),
                    None => {
                        self.state = State::AuthContinue;
                        out.extend_from_slice(b"+ \r\n");
                    }
                }
            }
            "AUTH" => {
                self.errors += 1;
                err(out, "unsupported SASL mechanism");
            }
            "STLS" if self.cfg.tls_available && !self.cfg.tls_active && args.is_empty() => {
                ok(out, "begin TLS negotiation");
                // Anything pipelined after STLS was sent in clear text; it must not be
                // executed inside TLS (the STARTTLS command-injection attack).
                self.input.clear();
                return Action::StartTls;
            }
            "STAT" | "LIST" | "RETR" | "DELE" | "RSET" | "TOP" | "UIDL" | "NOOP" => {
                self.errors += 1;
                err(out, "not authenticated; log in first");
            }
            _ => {
                self.errors += 1;
                err(out, "unknown command or bad arguments");
            }
        }
        Action::NeedInput
    }

    /// RFC 5034: one PLAIN response, decoded by [`crate::auth::sasl`]; the replies are POP3's.
    fn auth_plain_response(&mut self, line: &[u8], out: &mut Vec<u8>) -> Action {
        use crate::auth::sasl::SaslError;
        self.state = State::Authorization { user: None };
        match crate::auth::sasl::plain(line) {
            Ok(c) => {
                self.state = State::WaitLogin;
                Action::Authenticate {
                    user: c.authcid,
                    password: c.password,
                }
            }
            Err(SaslError::Cancelled) => {
                self.errors += 1;
                err(out, "authentication canceled");
                Action::NeedInput
            }
            Err(SaslError::AuthzidNotPermitted) => {
                self.errors += 1;
                self.auth_failures += 1;
                err(out, "[AUTH] acting as another user is not supported");
                Action::NeedInput
            }
            Err(_) => {
                self.errors += 1;
                err(out, "malformed AUTH PLAIN response");
                Action::NeedInput
            }
        }
    }

    fn transaction(&mut self, verb: &str, args: &[&str], out: &mut Vec<u8>) {
        let State::Transaction(t) = &mut self.state else {
            return;
        };
        let count = t.messages.len();
        // The message a command names, unless it is missing, out of range or deleted.
        let pick = |t: &Transaction, arg: Option<&&str>| -> Result<usize, String> {
            let i = parse_number(arg.copied(), count)?;
            if t.deleted[i] {
                return Err(format!("message {} already deleted", i + 1));
            }
            Ok(i)
        };
        let result: Result<(), String> = (|| {
            match (verb, args.len()) {
                ("STAT", 0) => {
                    let live = (0..count).filter(|&i| !t.deleted[i]);
                    let (n, size) =
                        live.fold((0, 0u64), |(n, s), i| (n + 1, s + t.messages[i].size));
                    ok(out, &format!("{n} {size}"));
                }
                ("LIST" | "UIDL", 0) => {
                    ok(out, "listing follows");
                    for i in (0..count).filter(|&i| !t.deleted[i]) {
                        let m = &t.messages[i];
                        let line = if verb == "LIST" {
                            format!("{} {}\r\n", i + 1, m.size)
                        } else {
                            format!("{} {}\r\n", i + 1, m.uidl)
                        };
                        out.extend_from_slice(line.as_bytes());
                    }
                    out.extend_from_slice(b".\r\n");
                }
                ("LIST" | "UIDL", 1) => {
                    let i = pick(t, args.first())?;
                    let m = &t.messages[i];
                    let value = if verb == "LIST" {
                        m.size.to_string()
                    } else {
                        m.uidl.clone()
                    };
                    ok(out, &format!("{} {value}", i + 1));
                }
                ("RETR", 1) => {
                    let i = pick(t, args.first())?;
                    let raw = t
                        .drop
                        .read(i)
                        .map_err(|e| format!("message {}: {e}", i + 1))?;
                    ok(out, &format!("{} octets", wire::wire_size(&raw)));
                    wire::push_message(out, &raw);
                    // Like Dovecot: a retrieved message is \Seen for IMAP. Best effort; the
                    // message was delivered either way.
                    let _ = t.drop.mark_seen(i);
                }
                ("TOP", 2) => {
                    let i = pick(t, args.first())?;
                    let n = u64::from(parse_u32(args[1], "line count")?);
                    let raw = t
                        .drop
                        .read(i)
                        .map_err(|e| format!("message {}: {e}", i + 1))?;
                    ok(out, "top of message follows");
                    wire::push_top(out, &raw, n);
                }
                ("DELE", 1) => {
                    let i = pick(t, args.first())?;
                    t.deleted[i] = true;
                    ok(out, &format!("message {} deleted", i + 1));
                }
                ("RSET", 0) => {
                    t.deleted.iter_mut().for_each(|d| *d = false);
                    ok(out, &format!("maildrop has {count} messages"));
                }
                ("STLS" | "USER" | "PASS" | "AUTH", _) => {
                    return Err("already authenticated".into());
                }
                _ => return Err("unknown command or bad arguments".into()),
            }
            Ok(())
        })();
        if let Err(e) = result {
            self.errors += 1;
            err(out, &e);
        }
    }
}

impl From<Pop3Error> for LoginResult {
    fn from(e: Pop3Error) -> LoginResult {
        match e {
            Pop3Error::InUse => LoginResult::InUse,
            other => LoginResult::TempFail(other.to_string()),
        }
    }
}

#[cfg(test)]
#[path = "session_tests.rs"]
mod tests;
