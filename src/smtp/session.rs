//! The SMTP server session as a sans-IO state machine.
//!
//! [`Session::feed`] takes whatever bytes arrived, appends reply bytes to `out`, and returns
//! an [`Event`] when the driver must act (start TLS, close). It never touches a socket; it
//! calls [`Policy`] synchronously, so the driver runs it off the async workers.
//!
//! Framing rules (RFC 5321 §2.3.8, §4.5.3.1): command lines end with CRLF and nothing else;
//! a line with a bare CR or LF is refused whole (`500 5.5.2`, as Postfix's
//! `smtpd_forbid_bare_newline`), so no command boundary depends on how lenient a proxy in
//! front of us is. Command lines are at most 512 octets including CRLF (`500 5.5.2`, the rest
//! of the line discarded), SASL response lines at most 4096; a line still without its LF at
//! [`LINE_CLOSE_FACTOR`] times that gets `500` and the connection is closed. Replies to
//! pipelined commands accumulate in `out` and go out in one write (RFC 2920). Everything
//! after `STARTTLS` in the same read is discarded (CVE-2011-0411).
//!
//! Not here: timeouts (the driver in [`super::conn`] owns the clock; [`Session::in_content`]
//! and [`Session::lines_done`] tell it which deadline applies), sleeping before a failed
//! AUTH's answer ([`Session::take_delay`]).

use std::net::IpAddr;

use smtp_proto::request::receiver::BdatReceiver;

use super::data::{BodyScanner, DotReader};
use super::policy::{MessageSink, Policy, Recipient};
use super::reply;

pub const MAX_COMMAND_LINE: usize = 512;
pub const MAX_SASL_LINE: usize = 4096;
/// A line this many times over its limit without an LF is not a client in step with us:
/// answer and close instead of discarding for ever.
pub const LINE_CLOSE_FACTOR: usize = 8;

/// Which listener the session came in on: it decides what is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// Port 25: the world delivers to our domains; no AUTH, no relaying.
    Mx,
    /// Port 587: users submit after STARTTLS + AUTH.
    Submission,
    /// Port 465: like submission, TLS from the first byte.
    Submissions,
}

impl Service {
    pub fn is_submission(self) -> bool {
        !matches!(self, Service::Mx)
    }
}

#[derive(Debug, Clone)]
pub struct SessionConfig {
    pub hostname: String,
    pub service: Service,
    pub remote_ip: IpAddr,
    pub max_message_size: u64,
    pub max_recipients: usize,
    pub max_hops: u64,
    /// Unknown/invalid commands tolerated before `421` and close.
    pub max_errors: u32,
    /// Whether STARTTLS can be offered (a certificate is loaded).
    pub tls_available: bool,
    /// Whether the client is in `mynetworks`: may relay without AUTH.
    pub trusted_network: bool,
    /// Whether AUTH may be used without TLS (auth.plaintext = loopback, from loopback).
    pub plaintext_auth: bool,
    /// Authenticated users may use any MAIL FROM (submission.allow_any_sender).
    pub allow_any_sender: bool,
    /// Port 25's per-client limits (`smtp.client_*_rate_limit`).
    pub rate_limits: crate::net::rate::RateLimits,
    /// The listener's counters, when this client's messages are counted (port 25, not
    /// `mynetworks`): MAIL beyond `rate_limits.messages` a minute gets `450 4.7.1`.
    pub client_rates: Option<std::sync::Arc<crate::net::rate::ClientRates>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// `220` was written; flush it, then run the TLS handshake and call [`Session::tls_started`].
    StartTls,
    /// Flush `out`, then close the connection.
    Close,
}

pub(super) enum State {
    /// Reading command lines.
    Command,
    /// Waiting for a SASL response line.
    Sasl(super::cmd_auth::SaslStep),
    /// Reading DATA until CRLF.CRLF, whatever becomes of the content.
    Data(DotReader),
    /// Reading a BDAT chunk of the given size.
    Bdat(BdatReceiver),
    /// Discarding a BDAT chunk that was refused.
    BdatSkip(usize),
}

/// The mail transaction (RFC 5321 §3.3) in progress.
#[derive(Default)]
pub(super) struct Transaction {
    /// `Some(None)` is `MAIL FROM:<>`.
    pub mail_from: Option<Option<crate::core::Address>>,
    pub smtputf8: bool,
    /// RFC 3461 `RET`/`ENVID` from MAIL.
    pub dsn: crate::core::dsn::MessageDsn,
    pub recipients: Vec<Recipient>,
    pub sink: Option<Box<dyn MessageSink>>,
    pub scanner: Option<BodyScanner>,
    /// The header policy between the scanner and the spool (`headers.rs`).
    pub headers: Option<super::headers::HeaderFilter>,
    /// A write to the spool failed: answer 452/451 at the end, keep reading.
    pub spool_error: Option<super::policy::SpoolError>,
    /// An earlier BDAT chunk was refused: refuse the rest of the message too.
    pub bdat_failed: bool,
    /// Octets of the `Received:` header written before the content.
    pub header_len: u64,
}

pub struct Session<P: Policy> {
    pub(super) cfg: SessionConfig,
    pub(super) policy: P,
    pub(super) state: State,
    pub(super) line: Vec<u8>,
    /// Octets of the current line discarded because it is over the limit.
    pub(super) line_overflow: usize,
    /// Command and SASL lines completed so far (the driver restarts its deadline on each).
    pub(super) lines_done: u64,
    /// Failed AUTH attempts on this connection.
    pub(super) auth_failures: u32,
    /// How long the driver waits before sending the replies (a failed AUTH's delay).
    pub(super) delay: Option<std::time::Duration>,
    pub(super) helo: Option<String>,
    pub(super) esmtp: bool,
    pub(super) tls: Option<(String, String)>,
    pub(super) auth_user: Option<crate::core::Address>,
    pub(super) tx: Transaction,
    pub(super) errors: u32,
    pub(super) data_buf: Vec<u8>,
}

/// What a command handler asks the loop to do next.
pub(super) enum Flow {
    Continue,
    Event(Event),
}

impl<P: Policy> Session<P> {
    pub fn new(cfg: SessionConfig, mut policy: P) -> Session<P> {
        if cfg.service == Service::Mx && !cfg.trusted_network {
            policy.inbound_connect(cfg.remote_ip);
        }
        Session {
            cfg,
            policy,
            state: State::Command,
            line: Vec::with_capacity(128),
            line_overflow: 0,
            lines_done: 0,
            auth_failures: 0,
            delay: None,
            helo: None,
            esmtp: false,
            tls: None,
            auth_user: None,
            tx: Transaction::default(),
            errors: 0,
            data_buf: Vec::new(),
        }
    }

    pub fn policy(&self) -> &P {
        &self.policy
    }

    pub fn policy_mut(&mut self) -> &mut P {
        &mut self.policy
    }

    pub fn auth_user(&self) -> Option<&crate::core::Address> {
        self.auth_user.as_ref()
    }

    /// Whether a transaction is under way (MAIL given): shutdown waits for these.
    pub fn in_transaction(&self) -> bool {
        self.tx.mail_from.is_some() || !matches!(self.state, State::Command)
    }

    /// The `220` greeting.
    pub fn greeting(&self, out: &mut Vec<u8>) {
        reply::push(
            out,
            220,
            "",
            &format!("{} ESMTP mailctl", self.cfg.hostname),
        );
    }

    /// The first line of a greeting that is held back (`220-`, RFC 5321 §4.2.1: a
    /// multi-line reply), as postscreen's teaser: a bot that answers the first line it
    /// sees, without waiting for the reply's end, talks out of turn.
    pub fn greeting_teaser(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(format!("220-{} ESMTP mailctl\r\n", self.cfg.hostname).as_bytes());
    }

    /// The client talked before the greeting was complete (postscreen's PREGREET): a bot,
    /// since a real SMTP client waits for the `220` (RFC 5321 §3.1, §4.3.2). Logs what it
    /// said and answers before the connection closes.
    pub fn talked_first(&self, early: &[u8], after: std::time::Duration, out: &mut Vec<u8>) {
        let first = early.split(|&b| b == b'\n').next().unwrap_or_default();
        let said: String = String::from_utf8_lossy(&first[..first.len().min(100)])
            .chars()
            .map(|c| if c.is_control() { '?' } else { c })
            .collect();
        tracing::info!(
            ip = %self.cfg.remote_ip,
            bytes = early.len(),
            after_ms = after.as_millis() as u64,
            said = %said,
            "PREGREET: talked before the greeting; refused"
        );
        reply::push(
            out,
            554,
            "5.5.1",
            "Protocol error: you talked before my greeting",
        );
    }

    /// Called by the driver once the TLS handshake finished (STARTTLS or implicit TLS).
    /// RFC 3207 §4.2: the session forgets everything it learnt before TLS.
    pub fn tls_started(&mut self, version: &str, cipher: &str) {
        self.tls = Some((version.to_string(), cipher.to_string()));
        self.helo = None;
        self.esmtp = false;
        self.auth_user = None;
        self.reset_transaction();
        self.state = State::Command;
        self.line.clear();
        self.line_overflow = 0;
    }

    pub fn is_tls(&self) -> bool {
        self.tls.is_some()
    }

    /// Whether message content (DATA or a BDAT chunk) is being read: the data deadline applies.
    pub fn in_content(&self) -> bool {
        matches!(
            self.state,
            State::Data(_) | State::Bdat(_) | State::BdatSkip(_)
        )
    }

    /// How many command (or SASL) lines have been completed: when it changes, the next
    /// command's whole-command deadline starts.
    pub fn lines_done(&self) -> u64 {
        self.lines_done
    }

    /// A pause the driver must make before writing the replies of the last
    /// [`feed`](Self::feed) (a failed login's, from [`crate::auth::failed_login_delay`]).
    pub fn take_delay(&mut self) -> Option<std::time::Duration> {
        self.delay.take()
    }

    /// The reply to a timeout or shutdown: the driver writes it and closes.
    pub fn closing(&self, out: &mut Vec<u8>, why: &str) {
        reply::push(
            out,
            421,
            "4.4.2",
            &format!("{} {why}, closing connection", self.cfg.hostname),
        );
    }

    /// Processes received bytes. Replies are appended to `out`.
    pub fn feed(&mut self, input: &[u8], out: &mut Vec<u8>) -> Option<Event> {
        let mut rest = input;
        while !rest.is_empty() {
            let flow = match &mut self.state {
                State::Command | State::Sasl(_) => self.take_line(&mut rest, out),
                State::Data(_) | State::Bdat(_) | State::BdatSkip(_) => {
                    self.take_data(&mut rest, out)
                }
            };
            if let Flow::Event(ev) = flow {
                // After STARTTLS or a close, whatever else arrived is not to be trusted.
                return Some(ev);
            }
        }
        None
    }

    /// Collects one line (bounded) and handles it when complete.
    fn take_line(&mut self, rest: &mut &[u8], out: &mut Vec<u8>) -> Flow {
        let limit = if matches!(self.state, State::Sasl(_)) {
            MAX_SASL_LINE
        } else {
            MAX_COMMAND_LINE
        };
        let (chunk, complete) = match memchr::memchr(b'\n', rest) {
            Some(i) => (&rest[..=i], true),
            None => (*rest, false),
        };
        *rest = &rest[chunk.len()..];
        if self.line_overflow > 0 || self.line.len() + chunk.len() > limit {
            self.line_overflow += self.line.len() + chunk.len();
            self.line.clear();
            if !complete && self.line_overflow > limit * LINE_CLOSE_FACTOR {
                reply::push(
                    out,
                    500,
                    "5.5.2",
                    &format!("Line too long ({limit} octets is the limit), closing connection"),
                );
                return Flow::Event(Event::Close);
            }
        } else {
            self.line.extend_from_slice(chunk);
        }
        if !complete {
            return Flow::Continue;
        }
        self.lines_done += 1;
        let sasl = matches!(self.state, State::Sasl(_));
        if std::mem::take(&mut self.line_overflow) > 0 {
            self.line.clear();
            self.state = State::Command;
            reply::push(
                out,
                500,
                "5.5.2",
                &format!("Line too long ({limit} octets is the limit)"),
            );
            return self.error(out);
        }
        let line = std::mem::take(&mut self.line);
        let flow = if !ends_with_crlf_only(&line) {
            // RFC 5321 §2.3.8: only CRLF ends a line. Whatever a lenient peer would make of
            // a bare CR or LF, this line is not a command (nor a SASL response).
            self.state = State::Command;
            let what = if sasl { "response" } else { "command" };
            reply::push(
                out,
                500,
                "5.5.2",
                &format!(
                    "Bare <CR> or <LF> in {what} line; lines end with <CR><LF> (RFC 5321 §2.3.8)"
                ),
            );
            self.error(out)
        } else {
            match std::mem::replace(&mut self.state, State::Command) {
                State::Sasl(step) => self.sasl_line(step, &line, out),
                _ => self.command(&line, out),
            }
        };
        // Reuse the allocation.
        self.line = line;
        self.line.clear();
        flow
    }

    /// Counts a protocol error; too many end the session.
    pub(super) fn error(&mut self, out: &mut Vec<u8>) -> Flow {
        self.errors += 1;
        if self.errors >= self.cfg.max_errors {
            reply::push(
                out,
                421,
                "4.7.0",
                &format!("{} Too many errors, closing connection", self.cfg.hostname),
            );
            return Flow::Event(Event::Close);
        }
        Flow::Continue
    }

    pub(super) fn reset_transaction(&mut self) {
        let tx = std::mem::take(&mut self.tx);
        if let Some(sink) = tx.sink {
            sink.abort();
        }
    }

    /// Dispatches one complete command line.
    fn command(&mut self, line: &[u8], out: &mut Vec<u8>) -> Flow {
        if line.contains(&0) {
            reply::push(out, 500, "5.5.2", "NUL character in command");
            return self.error(out);
        }
        if std::str::from_utf8(line).is_err() {
            // A syntax error in the arguments (the verbs are ASCII), so 501 (RFC 5321 §4.2.2).
            reply::push(out, 501, "5.5.2", "Command is not valid UTF-8");
            return self.error(out);
        }
        let request = match smtp_proto::Request::parse(&mut line.iter()) {
            Ok(r) => r.into_owned(),
            Err(e) => return self.parse_error(line, e, out),
        };
        use smtp_proto::Request as R;
        match request {
            R::Ehlo { host } => self.ehlo(host, true, line, out),
            R::Helo { host } => self.ehlo(host, false, line, out),
            R::Lhlo { .. } => self.unrecognised(out),
            R::Mail { from } => self.mail(from, line, out),
            R::Rcpt { to } => self.rcpt(to, line, out),
            R::Data => self.data(out),
            R::Bdat {
                chunk_size,
                is_last,
            } => self.bdat(chunk_size, is_last, out),
            R::Auth {
                mechanism,
                initial_response,
            } => self.auth(mechanism, initial_response, out),
            R::StartTls => self.starttls(line, out),
            R::Rset => self.rset(out),
            R::Noop { .. } => {
                reply::push(out, 250, "2.0.0", "Ok");
                Flow::Continue
            }
            R::Vrfy { .. } => {
                reply::push(
                    out,
                    252,
                    "2.5.2",
                    "Cannot VRFY user, but will accept message and attempt delivery",
                );
                Flow::Continue
            }
            R::Help { .. } => {
                reply::push(
                    out,
                    214,
                    "2.0.0",
                    "See RFC 5321; commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS AUTH",
                );
                Flow::Continue
            }
            R::Quit => {
                reply::push(out, 221, "2.0.0", "Bye");
                Flow::Event(Event::Close)
            }
            R::Expn { .. } | R::Etrn { .. } | R::Atrn { .. } | R::Burl { .. } => {
                reply::push(out, 502, "5.5.1", "Command not implemented");
                self.error(out)
            }
        }
    }

    fn unrecognised(&mut self, out: &mut Vec<u8>) -> Flow {
        reply::push(out, 500, "5.5.1", "Command unrecognized");
        self.error(out)
    }

    fn parse_error(&mut self, line: &[u8], e: smtp_proto::Error, out: &mut Vec<u8>) -> Flow {
        use smtp_proto::Error as E;
        match e {
            E::UnknownCommand => return self.unrecognised(out),
            E::InvalidSenderAddress => reply::push(out, 501, "5.1.7", "Bad sender address syntax"),
            E::InvalidRecipientAddress => {
                // The parser refuses every IP literal, well-formed or not: a syntax matter
                // (5.1.3), not a relay decision, whoever the client is.
                if super::cmd_mail::raw_path(line).is_some_and(|p| p.contains('[')) {
                    reply::push(
                        out,
                        501,
                        "5.1.3",
                        "Bad recipient address syntax: address literals are not accepted",
                    );
                } else {
                    reply::push(out, 501, "5.1.3", "Bad recipient address syntax");
                }
            }
            E::SyntaxError { syntax } => {
                reply::push(out, 501, "5.5.4", &format!("Syntax: {syntax}"))
            }
            E::InvalidParameter { param } => {
                reply::push(out, 501, "5.5.4", &format!("Invalid parameter {param}"))
            }
            E::UnsupportedParameter { param } => reply::push(
                out,
                555,
                "5.5.4",
                &format!("Unsupported parameter {}", param.escape_debug()),
            ),
            _ => reply::push(out, 500, "5.5.2", "Syntax error"),
        }
        self.error(out)
    }

    /// Streams DATA/BDAT bytes into the spool through the scanner.
    fn take_data(&mut self, rest: &mut &[u8], out: &mut Vec<u8>) -> Flow {
        let mut buf = std::mem::take(&mut self.data_buf);
        let (done, last) = match &mut self.state {
            State::Data(r) => match r.ingest(rest, &mut buf) {
                Some(n) => {
                    *rest = &rest[n..];
                    (true, true)
                }
                None => {
                    *rest = &[];
                    (false, true)
                }
            },
            State::Bdat(r) => {
                let mut it = rest.iter();
                let done = r.ingest(&mut it, &mut buf);
                *rest = it.as_slice();
                (done, r.is_last)
            }
            State::BdatSkip(left) => {
                let n = (*left).min(rest.len());
                *left -= n;
                *rest = &rest[n..];
                (*left == 0, false)
            }
            State::Command | State::Sasl(_) => (false, false),
        };
        self.store(&buf);
        buf.clear();
        self.data_buf = buf;
        if !done {
            return Flow::Continue;
        }
        let was_skip = matches!(self.state, State::BdatSkip(_));
        let was_data = matches!(self.state, State::Data(_));
        self.state = State::Command;
        if was_skip {
            return Flow::Continue;
        }
        if was_data || last {
            self.finish_message(out)
        } else {
            self.bdat_chunk_done(out)
        }
    }

    fn store(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let tx = &mut self.tx;
        let Some(scanner) = tx.scanner.as_mut() else {
            return;
        };
        scanner.scan(bytes);
        if scanner.over_size() || tx.spool_error.is_some() {
            return;
        }
        if let (Some(sink), Some(headers)) = (tx.sink.as_mut(), tx.headers.as_mut())
            && let Err(e) = headers.write_to(bytes, sink.as_mut())
        {
            tx.spool_error = Some(e);
        }
    }
}

/// Whether the line's only CR and LF are its final CRLF.
fn ends_with_crlf_only(line: &[u8]) -> bool {
    match line {
        [body @ .., b'\r', b'\n'] => memchr::memchr2(b'\r', b'\n', body).is_none(),
        _ => false,
    }
}
