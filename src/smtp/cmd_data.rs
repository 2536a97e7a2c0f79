//! DATA (RFC 5321 §4.1.1.4) and BDAT (RFC 3030): streaming the message into the spool.
//!
//! The `Received:` header is written first, then the content as it arrives, checked by
//! [`BodyScanner`]. A message over the size limit stops being stored but is still read to
//! its end, so the reply comes in step with the client. `250` is sent only after
//! [`MessageSink::commit`](super::policy::MessageSink::commit) made it durable.

use smtp_proto::request::receiver::BdatReceiver;

use super::data::{BodyScanner, DotReader, Verdict};
use super::headers::{HeaderFilter, HeaderRules};
use super::policy::{Accepted, Policy, SpoolError};
use super::received::{TraceInfo, header};
use super::reply;
use super::session::{Flow, Session, State};

impl<P: Policy> Session<P> {
    /// Opens the spool file and writes the trace header. Replies and returns false on failure.
    fn open_message(&mut self, out: &mut Vec<u8>) -> bool {
        let mut sink = match self.policy.begin_message() {
            Ok(s) => s,
            Err(e) => {
                spool_error_reply(&e, out);
                return false;
            }
        };
        let single =
            (self.tx.recipients.len() == 1).then(|| self.tx.recipients[0].address.to_string());
        let auth = self.auth_user.as_ref().map(|a| a.to_string());
        let trace = header(&TraceInfo {
            helo: self.helo.as_deref().unwrap_or(""),
            remote_ip: self.cfg.remote_ip,
            hostname: &self.cfg.hostname,
            esmtp: self.esmtp,
            tls: self.tls.as_ref().map(|(v, c)| (v.as_str(), c.as_str())),
            auth_user: auth.as_deref(),
            queue_id: sink.id(),
            single_rcpt: single.as_deref(),
        });
        if let Err(e) = sink.write(trace.as_bytes()) {
            sink.abort();
            spool_error_reply(&e, out);
            return false;
        }
        self.tx.header_len = trace.len() as u64;
        self.tx.sink = Some(sink);
        self.tx.scanner = Some(BodyScanner::new(
            self.cfg.max_message_size,
            self.cfg.max_hops,
        ));
        let submission = self.cfg.service.is_submission();
        self.tx.headers = Some(HeaderFilter::new(HeaderRules {
            hostname: self.cfg.hostname.clone(),
            add_missing: submission,
            collect_senders: submission && self.auth_user.is_some() && !self.cfg.allow_any_sender,
        }));
        true
    }

    /// Common checks before DATA or the first BDAT.
    fn ready_for_content(&mut self, out: &mut Vec<u8>) -> Result<(), Flow> {
        if self.tx.mail_from.is_none() {
            reply::push(out, 503, "5.5.1", "Need MAIL command");
            return Err(self.error(out));
        }
        if self.tx.recipients.is_empty() {
            reply::push(out, 554, "5.5.1", "No valid recipients");
            return Err(Flow::Continue);
        }
        Ok(())
    }

    pub(super) fn data(&mut self, out: &mut Vec<u8>) -> Flow {
        if let Err(flow) = self.ready_for_content(out) {
            return flow;
        }
        if self.tx.sink.is_some() {
            reply::push(out, 503, "5.5.1", "DATA after BDAT; send RSET first");
            return self.error(out);
        }
        if !self.open_message(out) {
            return Flow::Continue;
        }
        reply::push(out, 354, "", "End data with <CR><LF>.<CR><LF>");
        self.state = State::Data(DotReader::new());
        Flow::Continue
    }

    pub(super) fn bdat(&mut self, size: usize, last: bool, out: &mut Vec<u8>) -> Flow {
        let refuse = |s: &mut Self, flow: Flow| {
            // The chunk still follows on the wire; read past it.
            s.tx.bdat_failed = true;
            if last {
                s.reset_transaction();
            }
            if size > 0 {
                s.state = State::BdatSkip(size);
            }
            flow
        };
        if let Err(flow) = self.ready_for_content(out) {
            return refuse(self, flow);
        }
        if self.tx.bdat_failed {
            reply::push(
                out,
                554,
                "5.5.1",
                "Earlier chunk of this message was refused; send RSET",
            );
            return refuse(self, Flow::Continue);
        }
        if self.tx.sink.is_none() && !self.open_message(out) {
            return refuse(self, Flow::Continue);
        }
        if size == 0 {
            return if last {
                self.finish_message(out)
            } else {
                self.bdat_chunk_done(out)
            };
        }
        self.state = State::Bdat(BdatReceiver::new(size, last));
        Flow::Continue
    }

    pub(super) fn bdat_chunk_done(&mut self, out: &mut Vec<u8>) -> Flow {
        reply::push(out, 250, "2.0.0", "Chunk received");
        Flow::Continue
    }

    /// End of DATA or BDAT LAST: judge the content, commit, reply.
    pub(super) fn finish_message(&mut self, out: &mut Vec<u8>) -> Flow {
        let mut tx = std::mem::take(&mut self.tx);
        let Some(mut sink) = tx.sink.take() else {
            reply::push(out, 451, "4.3.0", "Internal error: no message in progress");
            return Flow::Continue;
        };
        let verdict = tx.scanner.as_ref().map_or(Verdict::Ok, BodyScanner::finish);
        // What the header filter still holds goes to the spool now.
        let mut headers = None;
        if let (Some(filter), None, Verdict::Ok) = (tx.headers.as_mut(), &tx.spool_error, verdict) {
            match filter.finish_to(sink.as_mut()) {
                Ok(summary) => headers = Some(summary),
                Err(e) => tx.spool_error = Some(e),
            }
        }
        let refusal = match (&tx.spool_error, verdict) {
            (_, Verdict::TooBig) => Some((
                552,
                "5.3.4",
                "Message size exceeds fixed maximum message size",
            )),
            (Some(e), _) => {
                sink.abort();
                spool_error_reply(e, out);
                return Flow::Continue;
            }
            (None, Verdict::LineTooLong) => Some((
                500,
                "5.5.2",
                "Line too long in message data (1000 octets is the limit)",
            )),
            (None, Verdict::BareNewline) => Some((
                550,
                "5.6.11",
                "Bare CR or LF in message data; lines must end with CRLF (RFC 5321 §2.3.8)",
            )),
            (None, Verdict::TooManyHops) => {
                Some((554, "5.4.6", "Too many hops (Received headers); mail loop?"))
            }
            (None, Verdict::Ok) => None,
        };
        if let Some((code, status, text)) = refusal {
            sink.abort();
            reply::push(out, code, status, text);
            return Flow::Continue;
        }
        if let Some(text) = self.header_sender_refusal(headers.as_ref()) {
            sink.abort();
            reply::push(out, 553, "5.7.1", &text);
            return Flow::Continue;
        }
        let mut envelope = Accepted {
            mail_from: tx.mail_from.take().flatten(),
            recipients: std::mem::take(&mut tx.recipients),
            auth_user: self.auth_user.clone(),
            remote_ip: self.cfg.remote_ip,
            helo: self.helo.clone().unwrap_or_default(),
            smtputf8: tx.smtputf8,
            size: tx.header_len + tx.headers.as_ref().map_or(0, HeaderFilter::stored),
            dsn: std::mem::take(&mut tx.dsn),
            folder: None,
        };
        if self.cfg.service == super::session::Service::Mx
            && let Some(report) = self.policy.inbound(&envelope, sink.as_mut())
        {
            use crate::inbound::Action;
            let why = report.decision.reason.chars().take(300).collect::<String>();
            match report.decision.action {
                Action::Reject => {
                    sink.abort();
                    reply::push(out, 550, "5.7.1", &format!("Message refused: {why}"));
                    return Flow::Continue;
                }
                Action::TempFail => {
                    sink.abort();
                    reply::push(out, 451, "4.7.1", &format!("Try again later: {why}"));
                    return Flow::Continue;
                }
                Action::Accept | Action::Junk => {
                    let header = report.authentication_results.as_bytes();
                    if let Err(e) = sink.prepend(header) {
                        sink.abort();
                        spool_error_reply(&e, out);
                        return Flow::Continue;
                    }
                    envelope.size += header.len() as u64;
                    if report.decision.action == Action::Junk {
                        envelope.folder = Some("Junk".into());
                    }
                }
            }
        }
        match sink.commit(&envelope) {
            Ok(id) => reply::push(out, 250, "2.0.0", &format!("Ok: queued as {id}")),
            Err(e) => spool_error_reply(&e, out),
        }
        Flow::Continue
    }
}

fn spool_error_reply(e: &SpoolError, out: &mut Vec<u8>) {
    match e {
        SpoolError::NoSpace(_) => reply::push(
            out,
            452,
            "4.3.1",
            "Insufficient system storage; try again later",
        ),
        SpoolError::MailboxFull(why) => {
            reply::push(out, 552, "5.2.2", &format!("Mailbox full: {why}"))
        }
        SpoolError::Other(_) => reply::push(
            out,
            451,
            "4.3.0",
            "Local error in processing; try again later",
        ),
    }
}
