//! AUTH (RFC 4954) with the PLAIN (RFC 4616) and LOGIN mechanisms, with initial response.
//!
//! Offered on submission only, and only over TLS unless `auth.plaintext` allows this client.
//! Responses are decoded by [`crate::auth::sasl`], with its one authorization-identity rule
//! (PLAIN naming another user is refused: mailctl has no proxy authorisation); this file
//! keeps the SMTP side: when AUTH is allowed, and the reply codes.
//!
//! AUTH needs an EHLO on the current channel: after STARTTLS the client must say EHLO again
//! (RFC 3207 §4.2), else `503 5.5.1`. Failed attempts are answered after
//! [`crate::auth::failed_login_delay`]; the [`crate::auth::MAX_FAILED_LOGINS`]th gets `421`
//! and the connection is closed, as IMAP and POP3 do.

use smtp_proto::{AUTH_LOGIN, AUTH_PLAIN};

use super::policy::{AuthVerdict, Policy};
use super::reply;
use super::session::{Event, Flow, Session, State};
use crate::auth::sasl::{Exchange, Mechanism, SaslError, Step};

/// The SASL exchange an AUTH command started, waiting for the client's next line.
pub(super) type SaslStep = Exchange;

impl<P: Policy> Session<P> {
    pub(super) fn auth(&mut self, mechanism: u64, initial: String, out: &mut Vec<u8>) -> Flow {
        if !self.cfg.service.is_submission() {
            reply::push(
                out,
                503,
                "5.5.1",
                "AUTH is offered on the submission ports (587, 465) only",
            );
            return self.error(out);
        }
        if self.helo.is_none() || !self.esmtp {
            reply::push(out, 503, "5.5.1", "Send EHLO first");
            return self.error(out);
        }
        if self.auth_user.is_some() {
            reply::push(out, 503, "5.5.1", "Already authenticated");
            return self.error(out);
        }
        if self.tx.mail_from.is_some() {
            reply::push(
                out,
                503,
                "5.5.1",
                "AUTH not allowed during a mail transaction",
            );
            return self.error(out);
        }
        if self.tls.is_none() && !self.cfg.plaintext_auth {
            reply::push(out, 530, "5.7.0", "Must issue a STARTTLS command first");
            return Flow::Continue;
        }
        let mechanism = match mechanism {
            AUTH_PLAIN => Mechanism::Plain,
            AUTH_LOGIN => Mechanism::Login,
            _ => {
                reply::push(
                    out,
                    504,
                    "5.5.4",
                    "Unrecognized authentication type; use PLAIN or LOGIN",
                );
                return Flow::Continue;
            }
        };
        // An empty argument is no initial response; "=" is an empty one (RFC 4954 §4).
        let initial = Some(initial.as_bytes()).filter(|s| !s.is_empty());
        let (exchange, step) = Exchange::start(mechanism, initial);
        self.sasl_step(exchange, step, out)
    }

    pub(super) fn sasl_line(
        &mut self,
        mut exchange: SaslStep,
        line: &[u8],
        out: &mut Vec<u8>,
    ) -> Flow {
        let text = line.strip_suffix(b"\n").unwrap_or(line);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        let step = exchange.respond(text);
        self.sasl_step(exchange, step, out)
    }

    fn sasl_step(&mut self, exchange: Exchange, step: Step, out: &mut Vec<u8>) -> Flow {
        let err = match step {
            Step::Challenge(c) => {
                reply::push(out, 334, "", c);
                self.state = State::Sasl(exchange);
                return Flow::Continue;
            }
            Step::Done(c) => return self.check_login(&c.authcid, &c.password, out),
            Step::Failed(e) => e,
        };
        let why = match err {
            SaslError::Cancelled => {
                reply::push(out, 501, "5.0.0", "Authentication canceled");
                return Flow::Continue;
            }
            SaslError::AuthzidNotPermitted => {
                return self.auth_failed(
                    "Authorization identity differs from the user; not permitted",
                    out,
                );
            }
            SaslError::Base64 => "Invalid base64 in SASL response",
            SaslError::Utf8 => "SASL response is not UTF-8",
            SaslError::Malformed => "PLAIN response must be authzid NUL user NUL password",
            SaslError::TooLong => "SASL response too long",
        };
        reply::push(out, 501, "5.5.2", why);
        self.error(out)
    }

    fn check_login(&mut self, user: &str, pass: &str, out: &mut Vec<u8>) -> Flow {
        match self.policy.authenticate(self.cfg.remote_ip, user, pass) {
            AuthVerdict::Ok(addr) => {
                self.auth_user = Some(addr);
                reply::push(out, 235, "2.7.0", "Authentication successful");
                Flow::Continue
            }
            AuthVerdict::Failed => self.auth_failed("Authentication credentials invalid", out),
            AuthVerdict::Banned => {
                reply::push(
                    out,
                    421,
                    "4.7.0",
                    "Too many failed logins from your address; try again later",
                );
                Flow::Event(Event::Close)
            }
            AuthVerdict::TempFail => {
                reply::push(out, 454, "4.7.0", "Temporary authentication failure");
                Flow::Continue
            }
        }
    }

    /// Answers a failed login after the shared delay; the last allowed one closes.
    fn auth_failed(&mut self, why: &str, out: &mut Vec<u8>) -> Flow {
        self.auth_failures += 1;
        self.delay = Some(crate::auth::failed_login_delay(self.auth_failures));
        if self.auth_failures >= crate::auth::MAX_FAILED_LOGINS {
            reply::push(
                out,
                421,
                "4.7.0",
                &format!(
                    "{} Too many failed authentication attempts, closing connection",
                    self.cfg.hostname
                ),
            );
            return Flow::Event(Event::Close);
        }
        reply::push(out, 535, "5.7.8", why);
        Flow::Continue
    }
}
