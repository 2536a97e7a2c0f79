//! RSET and STARTTLS (RFC 3207).

use super::policy::Policy;
use super::reply;
use super::session::{Event, Flow, Session};

impl<P: Policy> Session<P> {
    pub(super) fn rset(&mut self, out: &mut Vec<u8>) -> Flow {
        self.reset_transaction();
        reply::push(out, 250, "2.0.0", "Ok");
        Flow::Continue
    }

    pub(super) fn starttls(&mut self, out: &mut Vec<u8>) -> Flow {
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
