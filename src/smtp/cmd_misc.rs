//! RSET and STARTTLS (RFC 3207).
//!
//! STARTTLS takes no parameters (`501 5.5.4`, RFC 3207 §4) and is refused inside a mail
//! transaction (`503 5.5.1`): the transaction would straddle the plaintext and TLS parts.

use super::policy::Policy;
use super::reply;
use super::session::{Event, Flow, Session};

impl<P: Policy> Session<P> {
    pub(super) fn rset(&mut self, out: &mut Vec<u8>) -> Flow {
        self.reset_transaction();
        reply::push(out, 250, "2.0.0", "Ok");
        Flow::Continue
    }

    pub(super) fn starttls(&mut self, line: &[u8], out: &mut Vec<u8>) -> Flow {
        // smtp-proto skips whatever follows the verb.
        if line.get(8..).is_some_and(|p| !p.trim_ascii().is_empty()) {
            reply::push(out, 501, "5.5.4", "STARTTLS takes no parameters");
            return self.error(out);
        }
        if self.tx.mail_from.is_some() || self.tx.sink.is_some() {
            reply::push(
                out,
                503,
                "5.5.1",
                "STARTTLS not allowed during a mail transaction; send RSET first",
            );
            return self.error(out);
        }
        if self.tls.is_some() {
            reply::push(out, 503, "5.5.1", "TLS already active");
            return self.error(out);
        }
        if !self.cfg.tls_available {
            reply::push(
                out,
                454,
                "4.7.0",
                "TLS not available: no certificate configured",
            );
            return Flow::Continue;
        }
        self.reset_transaction();
        reply::push(out, 220, "2.0.0", "Ready to start TLS");
        Flow::Event(Event::StartTls)
    }
}
