//! DATA (RFC 5321 §4.1.1.4) and BDAT (RFC 3030): streaming the message into the spool.
//!
//! The `Received:` header is written first, then the content as it arrives, checked by
//! [`BodyScanner`]. A message over the size limit stops being stored but is still read to
//! its end, so the reply comes in step with the client. `250` is sent only after
//! [`MessageSink::commit`](super::policy::MessageSink::commit) made it durable.
//!
//! Not here: reading the dot-stuffed stream and the body checks (`data`), header rules
//! (`headers`), the inbound pipeline's checks (`inbound`), writing and fsyncing the spool
//! (`spool`).

use smtp_proto::request::receiver::BdatReceiver;

use super::data::{BodyScanner, DotReader, Verdict};
use super::headers::{HeaderFilter, HeaderRules};
use super::policy::{Accepted, MessageSink, Policy, SpoolError};
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
        if self.judge_content(&mut tx, sink.as_mut(), out).is_err() {
            sink.abort();
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
            && self
                .inbound_verdict(&mut envelope, sink.as_mut(), out)
                .is_err()
        {
            sink.abort();
            return Flow::Continue;
        }
        let rcpts = envelope.recipients.len();
        if self.send_limited(super::policy::SendStep::Data { rcpts }, out) {
            sink.abort();
            return Flow::Continue;
        }
        match sink.commit(&envelope) {
            Ok(id) => reply::push(out, 250, "2.0.0", &format!("Ok: queued as {id}")),
            Err(e) => spool_error_reply(&e, out),
        }
        Flow::Continue
    }

    /// The content's verdict (RFC 5321 §4.5.3.1 line length, §2.3.8 bare CR/LF, §6.3 hop
    /// count, the size limit), the spool's health, and the header sender check on
    /// submission. `Err` when the message is refused: the reply is in `out`.
    fn judge_content(
        &mut self,
        tx: &mut super::session::Transaction,
        sink: &mut dyn MessageSink,
        out: &mut Vec<u8>,
    ) -> Result<(), Refused> {
        let verdict = tx.scanner.as_ref().map_or(Verdict::Ok, BodyScanner::finish);
        // What the header filter still holds goes to the spool now.
        let mut headers = None;
        if let (Some(filter), None, Verdict::Ok) = (tx.headers.as_mut(), &tx.spool_error, verdict) {
            match filter.finish_to(sink) {
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
                spool_error_reply(e, out);
                return Err(Refused);
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
            reply::push(out, code, status, text);
            return Err(Refused);
        }
        if let Some(text) = self.header_sender_refusal(headers.as_ref()) {
            reply::push(out, 553, "5.7.1", &text);
            return Err(Refused);
        }
        Ok(())
    }

    /// The inbound pipeline's decision on port 25: reject, try later, or accept with its
    /// `Authentication-Results` (RFC 8601) in front, into Junk if so decided. `Err` when the
    /// message is refused: the reply is in `out`.
    fn inbound_verdict(
        &mut self,
        envelope: &mut Accepted,
        sink: &mut dyn MessageSink,
        out: &mut Vec<u8>,
    ) -> Result<(), Refused> {
        let Some(report) = self.policy.inbound(envelope, sink) else {
            return Ok(());
        };
        use crate::inbound::Action;
        let why = report.decision.reason.chars().take(300).collect::<String>();
        match report.decision.action {
            // RFC 5321 §4.2.3: 554 "transaction failed", as virus scanners' refusals are
            // commonly worded; 550 for a policy refusal.
            Action::Reject if report.decision.method == "clamd" => {
                reply::push(out, 554, "5.7.1", &format!("Message refused: {why}"));
                return Err(Refused);
            }
            Action::Reject => {
                reply::push(out, 550, "5.7.1", &format!("Message refused: {why}"));
                return Err(Refused);
            }
            Action::TempFail => {
                reply::push(out, 451, "4.7.1", &format!("Try again later: {why}"));
                return Err(Refused);
            }
            Action::Accept | Action::Junk => {
                let header = report.prepend.as_bytes();
                if let Err(e) = sink.prepend(header) {
                    spool_error_reply(&e, out);
                    return Err(Refused);
                }
                envelope.size += header.len() as u64;
                if report.decision.action == Action::Junk {
                    envelope.folder = Some("Junk".into());
                } else {
                    // The decision is per recipient (`inbound::recipients`), in envelope order.
                    for (r, d) in envelope.recipients.iter_mut().zip(&report.recipients) {
                        if d.junk {
                            r.folder = Some("Junk".into());
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// A refusal whose reply is already in the output: the caller aborts the spool file.
struct Refused;

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
