//! EHLO and HELO (RFC 5321 §4.1.1.1), and the extensions EHLO advertises.

use super::policy::Policy;
use super::reply;
use super::session::{Flow, Session};

impl<P: Policy> Session<P> {
    pub(super) fn ehlo(&mut self, host: String, esmtp: bool, out: &mut Vec<u8>) -> Flow {
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
