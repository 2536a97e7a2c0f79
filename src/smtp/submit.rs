//! An authenticated submission made inside the server (the webmail's Send): the message
//! goes through the very [`Session`] state machine and [`SqlPolicy`] that port 587 runs
//! after `AUTH`, fed the commands a client would send, so every rule of submission applies
//! unchanged and there is no second implementation to drift: MAIL FROM and `From:`/`Sender:`
//! limited to the user's own addresses and aliases (`submission.rs`, RFC 6409 §6.1), the
//! sending limits (`sendlimit.rs`), the recipient checks, the header policy (`Date:` and
//! `Message-ID:` added when missing, trace fields removed), the spool written and fsynced
//! and the queue rows committed before success, then local delivery and the outbound runner
//! (which DKIM-signs what leaves).
//!
//! Blocking (SQLite, fsync): call it on a blocking thread. Not here: building the message
//! (the caller, with mail-builder), saving a copy to Sent (the caller's mail store).

use std::sync::Arc;

use super::backend::{Backend, SqlPolicy};
use super::policy::Policy;
use super::session::{Service, Session, SessionConfig};
use crate::core::Address;

/// What the session refused, as its reply said it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub code: u16,
    /// The reply text without code and enhanced status.
    pub text: String,
    /// The recipient refused, when it was a RCPT.
    pub recipient: Option<String>,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.recipient {
            Some(r) => write!(f, "{r}: {} ({})", self.text, self.code),
            None => write!(f, "{} ({})", self.text, self.code),
        }
    }
}

/// The addresses `user` may send as (its own and the aliases that deliver to it).
pub fn sendable_addresses(backend: &Arc<Backend>, user: &Address) -> Vec<Address> {
    SqlPolicy::new(backend.clone()).sendable_addresses(user)
}

/// Submits `message` from `mail_from` to `recipients` as the authenticated `user`, with
/// the submission listener's settings `cfg` (its service, TLS and trust fields are set
/// here). Returns the queue id; a refusal at any step ends the transaction.
pub fn submit(
    backend: Arc<Backend>,
    mut cfg: SessionConfig,
    user: &Address,
    (mail_from, recipients): (&Address, &[Address]),
    message: &[u8],
) -> Result<String, Refused> {
    // A web session outlives its login: an account disabled or removed since then sends
    // nothing more (SMTP AUTH would refuse it a new login too).
    let live = backend.pool.get().and_then(|db| db.user(user));
    if !matches!(live, Ok(Some(u)) if u.enabled) {
        return Err(Refused {
            code: 535,
            text: format!("the account {user} is disabled or no longer exists"),
            recipient: None,
        });
    }
    cfg.service = Service::Submission;
    cfg.trusted_network = false;
    cfg.tls_available = false;
    cfg.plaintext_auth = false;
    cfg.client_rates = None;
    let mut s = Session::new(cfg, SqlPolicy::new(backend));
    // What a successful AUTH sets (`cmd_auth.rs`): the login path already checked the
    // password when the web session was made.
    s.auth_user = Some(user.clone());
    step(&mut s, b"EHLO webmail\r\n", None)?;
    let utf8 =
        !mail_from.to_string().is_ascii() || recipients.iter().any(|r| !r.to_string().is_ascii());
    let mail = format!(
        "MAIL FROM:<{mail_from}>{}\r\n",
        if utf8 { " SMTPUTF8" } else { "" }
    );
    step(&mut s, mail.as_bytes(), None)?;
    for r in recipients {
        step(&mut s, format!("RCPT TO:<{r}>\r\n").as_bytes(), Some(r))?;
    }
    step(&mut s, b"DATA\r\n", None)?;
    let reply = step(&mut s, &dot_stuffed(message), None)?;
    // `250 2.0.0 Ok: queued as ID`: the id is the last word.
    Ok(reply.rsplit(' ').next().unwrap_or("").to_string())
}

/// Feeds `input`; the last reply line's text, or the refusal when its code is 4xx/5xx.
fn step(
    s: &mut Session<SqlPolicy>,
    input: &[u8],
    rcpt: Option<&Address>,
) -> Result<String, Refused> {
    let mut out = Vec::new();
    s.feed(input, &mut out);
    let (code, text) = last_reply(&out);
    if code >= 400 || code == 0 {
        return Err(Refused {
            code,
            text,
            recipient: rcpt.map(|r| r.to_string()),
        });
    }
    Ok(text)
}

/// The code and text of the last reply line in `out` (0 when there is none), without the
/// RFC 3463 enhanced status.
fn last_reply(out: &[u8]) -> (u16, String) {
    let text = String::from_utf8_lossy(out);
    let Some(line) = text.trim_end().lines().last() else {
        return (0, "no reply".into());
    };
    let code = line.get(..3).and_then(|c| c.parse().ok()).unwrap_or(0);
    let rest = line.get(4..).unwrap_or("");
    let rest = match rest.split_once(' ') {
        Some((status, t))
            if status.split('.').count() == 3 && status.starts_with(['2', '4', '5']) =>
        {
            t
        }
        _ => rest,
    };
    (code, rest.to_string())
}

/// The message as DATA carries it (RFC 5321 §4.5.2): CRLF lines, a leading dot doubled,
/// ended by `.`.
fn dot_stuffed(message: &[u8]) -> Vec<u8> {
    let crlf = super::inject::to_crlf(message);
    let mut out = Vec::with_capacity(crlf.len() + 64);
    for line in crlf.split_inclusive(|&b| b == b'\n') {
        if line.first() == Some(&b'.') {
            out.push(b'.');
        }
        out.extend_from_slice(line);
    }
    if !out.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b".\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_read_without_the_enhanced_status() {
        assert_eq!(
            last_reply(b"250-a\r\n250 2.0.0 Ok: queued as X1\r\n"),
            (250, "Ok: queued as X1".into())
        );
        assert_eq!(
            last_reply(b"553 5.7.1 Sender address rejected\r\n"),
            (553, "Sender address rejected".into())
        );
        assert_eq!(last_reply(b"354 go ahead\r\n"), (354, "go ahead".into()));
        assert_eq!(last_reply(b"").0, 0);
    }

    #[test]
    fn data_is_dot_stuffed_and_terminated() {
        assert_eq!(
            dot_stuffed(b"a\n.b\r\n..\r\nc"),
            b"a\r\n..b\r\n...\r\nc\r\n.\r\n"
        );
        assert_eq!(dot_stuffed(b"x\r\n"), b"x\r\n.\r\n");
    }
}
