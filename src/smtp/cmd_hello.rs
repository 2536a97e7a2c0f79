//! EHLO and HELO (RFC 5321 §4.1.1.1), and the extensions EHLO advertises.
//!
//! The argument must look like a domain or a complete address literal (`501 5.5.4`
//! otherwise). Lenient where real clients are sloppy (underscores, one label, a trailing
//! dot), strict where it matters: a broken literal such as `[127.0.0.1` is refused.
//! Not here: whether the name resolves or matches the client's address (we do not check).

use std::net::{Ipv4Addr, Ipv6Addr};

use super::policy::Policy;
use super::reply;
use super::session::{Flow, Session};

impl<P: Policy> Session<P> {
    pub(super) fn ehlo(
        &mut self,
        host: String,
        esmtp: bool,
        line: &[u8],
        out: &mut Vec<u8>,
    ) -> Flow {
        // smtp-proto takes the first word and skips the rest; the whole argument must be one.
        let arg = line.get(4..).unwrap_or_default().trim_ascii();
        if arg != host.as_bytes() || !valid_helo(&host) {
            reply::push(
                out,
                501,
                "5.5.4",
                "Syntax: EHLO domain or address literal (RFC 5321 §4.1.1.1)",
            );
            return self.error(out);
        }
        // EHLO resets the transaction as RSET does (§4.1.4).
        self.reset_transaction();
        self.helo = Some(host);
        self.esmtp = esmtp;
        if !esmtp {
            reply::push(out, 250, "", &self.cfg.hostname.clone());
            return Flow::Continue;
        }
        let mut lines = vec![
            self.cfg.hostname.clone(),
            "PIPELINING".into(),
            format!("SIZE {}", self.cfg.max_message_size),
            "8BITMIME".into(),
            "SMTPUTF8".into(),
            "ENHANCEDSTATUSCODES".into(),
            "CHUNKING".into(),
            // RFC 3461: RET/ENVID on MAIL, NOTIFY/ORCPT on RCPT (see core/dsn.rs).
            "DSN".into(),
        ];
        if self.cfg.tls_available && self.tls.is_none() {
            lines.push("STARTTLS".into());
        }
        if self.auth_offered() {
            lines.push("AUTH PLAIN LOGIN".into());
        }
        reply::push_multi(out, 250, &lines);
        Flow::Continue
    }

    /// AUTH is offered on submission, once the connection is encrypted or plaintext
    /// passwords are allowed for this client.
    pub(super) fn auth_offered(&self) -> bool {
        self.cfg.service.is_submission()
            && self.auth_user.is_none()
            && (self.tls.is_some() || self.cfg.plaintext_auth)
    }
}

/// `Domain / address-literal` (RFC 5321 §4.1.2), with the leniency described above.
pub(super) fn valid_helo(host: &str) -> bool {
    if let Some(inner) = host.strip_prefix('[') {
        let Some(inner) = inner.strip_suffix(']') else {
            return false;
        };
        return match inner.get(..5) {
            Some(tag) if tag.eq_ignore_ascii_case("IPv6:") => {
                inner[5..].parse::<Ipv6Addr>().is_ok()
            }
            _ => inner.parse::<Ipv4Addr>().is_ok(),
        };
    }
    let name = host.strip_suffix('.').unwrap_or(host);
    !name.is_empty()
        && name.split('.').all(|label| {
            !label.is_empty()
                && label
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        })
}
