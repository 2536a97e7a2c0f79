//! MAIL and RCPT (RFC 5321 §4.1.1.2–3): the envelope, and who may send what.
//!
//! smtp-proto silently strips source routes and unquotes local parts, so relay tricks are
//! judged on the raw path text: a client that may not relay gets `501 5.1.3` for
//! `user%other@local`, `"user@other"@local`, `@a:u@b`, `other!user@local` and IP literals,
//! whatever the domain, since each of these can make a downstream host route elsewhere.
//! They are syntax we do not accept, not a relay decision: `554 5.7.1` is kept for a
//! well-formed address in a domain that is not ours.
//!
//! ESMTP parameters (RFC 5321 §4.1.1.2) need EHLO (`555 5.5.4` after HELO); a parameter
//! given twice or a `SIZE` that is not a plain decimal number is `501 5.5.4` (RFC 1870).
//!
//! Not here: who is local, who may send as whom, SPF and the spool's free space (the
//! [`Policy`] behind the session, `smtp::backend`); the message itself (`cmd_data`).

use smtp_proto::{
    MAIL_BODY_BINARYMIME, MAIL_RET_FULL, MAIL_RET_HDRS, MAIL_SMTPUTF8, MailFrom, RCPT_NOTIFY_DELAY,
    RCPT_NOTIFY_FAILURE, RCPT_NOTIFY_NEVER, RCPT_NOTIFY_SUCCESS, RcptTo,
};

use super::policy::{Policy, RcptCheck, Recipient, SendStep};
use super::reply;
use super::session::{Flow, Session};
use crate::core::Address;
use crate::core::dsn::{MessageDsn, Notify, RcptDsn, Ret};

/// RFC 3461 `RET` and `ENVID` of a MAIL command (smtp-proto has checked their syntax).
fn message_dsn(from: &MailFrom<String>) -> MessageDsn {
    MessageDsn {
        ret: if from.flags & MAIL_RET_FULL != 0 {
            Some(Ret::Full)
        } else if from.flags & MAIL_RET_HDRS != 0 {
            Some(Ret::Hdrs)
        } else {
            None
        },
        envid: from.env_id.clone(),
    }
}

/// RFC 3461 `NOTIFY` and `ORCPT` of a RCPT command; `None` for NEVER combined with another
/// value (§4.1), which smtp-proto lets through when NEVER comes first.
fn rcpt_dsn(to: &RcptTo<String>) -> Option<RcptDsn> {
    let mut bits = 0;
    for (flag, bit) in [
        (RCPT_NOTIFY_SUCCESS, Notify::SUCCESS),
        (RCPT_NOTIFY_FAILURE, Notify::FAILURE),
        (RCPT_NOTIFY_DELAY, Notify::DELAY),
        (RCPT_NOTIFY_NEVER, Notify::NEVER),
    ] {
        if to.flags & flag != 0 {
            bits |= bit;
        }
    }
    if bits & Notify::NEVER != 0 && bits != Notify::NEVER {
        return None;
    }
    Some(RcptDsn {
        notify: Notify(bits),
        orcpt: to.orcpt.clone(),
    })
}

/// The text between `<` and `>` of a MAIL/RCPT line, if any.
pub(super) fn raw_path(line: &[u8]) -> Option<&str> {
    let s = std::str::from_utf8(line).ok()?;
    let open = s.find('<')?;
    let close = s[open..].find('>')? + open;
    Some(&s[open + 1..close])
}

/// The ESMTP parameters: the text after the path's closing `>`.
pub(super) fn raw_params(line: &[u8]) -> &str {
    let s = std::str::from_utf8(line).unwrap_or("");
    let after = s
        .find('<')
        .and_then(|open| s[open..].find('>').map(|close| &s[open + close + 1..]));
    after.unwrap_or("").trim_ascii()
}

/// Checks what smtp-proto lets through: a keyword given twice (it keeps the last) and a
/// `SIZE` whose value is not 1 to 20 digits fitting 64 bits.
fn check_params(params: &str) -> Result<(), String> {
    let mut seen: Vec<&str> = Vec::new();
    for p in params.split_ascii_whitespace() {
        let (key, value) = p.split_once('=').unwrap_or((p, ""));
        if seen.iter().any(|k| k.eq_ignore_ascii_case(key)) {
            return Err(format!("Parameter {key} given twice"));
        }
        seen.push(key);
        if key.eq_ignore_ascii_case("SIZE")
            && !(value.len() <= 20
                && !value.is_empty()
                && value.bytes().all(|b| b.is_ascii_digit())
                && value.parse::<u64>().is_ok())
        {
            return Err("SIZE must be a decimal number of octets (RFC 1870)".into());
        }
    }
    Ok(())
}

/// Why a path uses an old routing syntax or a literal that could relay, if it does.
pub(super) fn relay_trick(raw: &str) -> Option<&'static str> {
    if raw.starts_with('@') {
        Some("source routes are not accepted")
    } else if raw.contains('"') || raw.contains('\\') {
        Some("quoted local parts are not accepted")
    } else if raw.contains('[') {
        Some("address literals are not accepted")
    } else if raw.contains(['%', '!']) {
        Some("'%' and '!' routing is not accepted")
    } else if raw.matches('@').count() > 1 {
        Some("more than one '@'")
    } else {
        None
    }
}

impl<P: Policy> Session<P> {
    fn may_relay(&self) -> bool {
        self.auth_user.is_some() || self.cfg.trusted_network
    }

    /// The parameter checks MAIL and RCPT share; replies and errs when they fail.
    fn params_ok(&mut self, line: &[u8], out: &mut Vec<u8>) -> Result<(), Flow> {
        let params = raw_params(line);
        if params.is_empty() {
            return Ok(());
        }
        if !self.esmtp {
            reply::push(out, 555, "5.5.4", "ESMTP parameters need EHLO, not HELO");
            return Err(self.error(out));
        }
        if let Err(why) = check_params(params) {
            reply::push(out, 501, "5.5.4", &why);
            return Err(self.error(out));
        }
        Ok(())
    }

    pub(super) fn mail(&mut self, from: MailFrom<String>, line: &[u8], out: &mut Vec<u8>) -> Flow {
        if let Err(flow) = self.mail_allowed(&from, line, out) {
            return flow;
        }
        let smtputf8 = from.flags & MAIL_SMTPUTF8 != 0;
        let addr = match self.sender(&from, smtputf8, out) {
            Ok(addr) => addr,
            Err(flow) => return flow,
        };
        if let Err(flow) = self.sender_policy(addr.as_ref(), out) {
            return flow;
        }
        if self.send_limited(SendStep::Mail, out) {
            return Flow::Continue;
        }
        self.tx.mail_from = Some(addr);
        self.tx.smtputf8 = smtputf8;
        self.tx.dsn = message_dsn(&from);
        reply::push(out, 250, "2.1.0", "Ok");
        Flow::Continue
    }

    /// Whether a MAIL command may start a transaction here at all: sequence (RFC 5321
    /// §4.1.4), parameters, authentication on submission (RFC 6409 §4.3), the declared SIZE
    /// (RFC 1870) against the limit and the spool, and BODY.
    fn mail_allowed(
        &mut self,
        from: &MailFrom<String>,
        line: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), Flow> {
        if self.helo.is_none() {
            reply::push(out, 503, "5.5.1", "Send EHLO or HELO first");
            return Err(self.error(out));
        }
        if self.tx.mail_from.is_some() {
            reply::push(out, 503, "5.5.1", "Nested MAIL command; send RSET first");
            return Err(self.error(out));
        }
        self.params_ok(line, out)?;
        if self.cfg.service.is_submission() && !self.may_relay() {
            let why = if self.tls.is_none() && !self.cfg.plaintext_auth {
                "Authentication required; issue STARTTLS, then AUTH"
            } else {
                "Authentication required"
            };
            reply::push(out, 530, "5.7.0", why);
            return Err(Flow::Continue);
        }
        if from.size as u64 > self.cfg.max_message_size {
            reply::push(
                out,
                552,
                "5.3.4",
                "Message size exceeds fixed maximum message size",
            );
            return Err(Flow::Continue);
        }
        // RFC 1870 §6.1: a declared size the spool has no room for is a temporary refusal.
        if from.size > 0
            && let Some(free) = self.policy.spool_space()
            && from.size as u64 > free
        {
            reply::push(
                out,
                452,
                "4.3.1",
                "Insufficient system storage for a message of that size; try again later",
            );
            return Err(Flow::Continue);
        }
        if from.flags & MAIL_BODY_BINARYMIME != 0 {
            reply::push(
                out,
                555,
                "5.5.4",
                "BODY=BINARYMIME is not supported; use 8BITMIME",
            );
            return Err(Flow::Continue);
        }
        self.message_rate().map_err(|why| {
            reply::push(out, 450, "4.7.1", &why);
            Flow::Continue
        })
    }

    /// Port 25's per-client message rate (Postfix `smtpd_client_message_rate_limit`),
    /// counted last so a MAIL refused for another reason costs nothing; the refusal is
    /// temporary, as the limit is a window that passes.
    fn message_rate(&self) -> Result<(), String> {
        let Some(rates) = &self.cfg.client_rates else {
            return Ok(());
        };
        let (ip, limit) = (self.cfg.remote_ip, self.cfg.rate_limits.messages);
        let now = std::time::Instant::now();
        if rates.allow(ip, crate::net::rate::Event::Message, limit, now) {
            return Ok(());
        }
        tracing::warn!(%ip, limit, "MAIL refused: message rate limit");
        Err(format!("Error: too much mail from {ip}; try again later"))
    }

    /// The reverse-path as an address (`None` for `<>`); non-ASCII only with SMTPUTF8
    /// (RFC 6531).
    fn sender(
        &mut self,
        from: &MailFrom<String>,
        smtputf8: bool,
        out: &mut Vec<u8>,
    ) -> Result<Option<Address>, Flow> {
        if !smtputf8 && !from.address.is_ascii() {
            reply::push(
                out,
                553,
                "5.6.7",
                "Non-ASCII sender address needs the SMTPUTF8 parameter",
            );
            return Err(Flow::Continue);
        }
        Ok(if from.address.is_empty() {
            None
        } else {
            match Address::parse(&from.address) {
                Ok(a) => Some(a),
                Err(e) => {
                    reply::push(out, 553, "5.1.7", &format!("Bad sender address: {}", e.0));
                    return Err(Flow::Continue);
                }
            }
        })
    }

    /// Who may send as this sender: an authenticated user only as an address of theirs
    /// (unless `submission.allow_any_sender`), and on port 25 what SPF says (RFC 7208 §2.4).
    fn sender_policy(&mut self, addr: Option<&Address>, out: &mut Vec<u8>) -> Result<(), Flow> {
        if let (Some(user), Some(a)) = (self.auth_user.clone(), addr)
            && !self.cfg.allow_any_sender
            && !self.policy.may_send_as(&user, a)
        {
            reply::push(
                out,
                553,
                "5.7.1",
                &format!("Sender address rejected: not owned by user {user}"),
            );
            return Err(Flow::Continue);
        }
        // SPF belongs to MAIL (RFC 7208 §2.4): refused here when inbound.spf_fail says so.
        if self.cfg.service == super::session::Service::Mx
            && let Some(why) = self.policy.inbound_mail(
                self.cfg.remote_ip,
                self.helo.as_deref().unwrap_or(""),
                addr,
            )
        {
            // RFC 7372 §3.2: 5.7.23, SPF validation failed.
            reply::push(out, 550, "5.7.23", &format!("SPF: {why}"));
            return Err(Flow::Continue);
        }
        Ok(())
    }

    pub(super) fn rcpt(&mut self, to: RcptTo<String>, line: &[u8], out: &mut Vec<u8>) -> Flow {
        let (dsn, may_relay) = match self.rcpt_allowed(&to, line, out) {
            Ok(v) => v,
            Err(flow) => return flow,
        };
        let addr = match self.recipient(&to, line, out) {
            Ok(addr) => addr,
            Err(flow) => return flow,
        };
        let pending = self.tx.recipients.len();
        if self.send_limited(SendStep::Rcpt { pending }, out) {
            return Flow::Continue;
        }
        self.accept_recipient(addr, dsn, may_relay, out)
    }

    /// Whether a RCPT command may add a recipient: sequence, parameters, the recipient
    /// limit, relay tricks in the raw path, SMTPUTF8 (RFC 6531 §3.5) and NOTIFY
    /// (RFC 3461 §4.1). Gives the DSN request and whether this client may relay.
    fn rcpt_allowed(
        &mut self,
        to: &RcptTo<String>,
        line: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(RcptDsn, bool), Flow> {
        if self.tx.mail_from.is_none() {
            reply::push(out, 503, "5.5.1", "Need MAIL before RCPT");
            return Err(self.error(out));
        }
        self.params_ok(line, out)?;
        if self.tx.recipients.len() >= self.cfg.max_recipients {
            reply::push(out, 452, "4.5.3", "Too many recipients");
            return Err(Flow::Continue);
        }
        let may_relay = self.may_relay();
        if let Some(why) = raw_path(line).and_then(relay_trick)
            && !may_relay
        {
            reply::push(
                out,
                501,
                "5.1.3",
                &format!("Bad recipient address syntax: {why}"),
            );
            return Err(self.error(out));
        }
        if !self.tx.smtputf8 && !to.address.is_ascii() {
            // RFC 6531 §3.5: internationalised addresses only in an SMTPUTF8 transaction.
            reply::push(
                out,
                553,
                "5.6.7",
                "Non-ASCII recipient address needs MAIL FROM with SMTPUTF8",
            );
            return Err(Flow::Continue);
        }
        let Some(dsn) = rcpt_dsn(to) else {
            reply::push(
                out,
                501,
                "5.5.4",
                "NOTIFY=NEVER cannot be combined with other values (RFC 3461 §4.1)",
            );
            return Err(Flow::Continue);
        };
        Ok((dsn, may_relay))
    }

    /// The forward-path as an address; a bare `<postmaster>` (RFC 5321 §4.5.1) is this
    /// server's postmaster.
    fn recipient(
        &mut self,
        to: &RcptTo<String>,
        line: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<Address, Flow> {
        let postmaster = to.address.is_empty()
            && raw_path(line).is_some_and(|p| p.eq_ignore_ascii_case("postmaster"));
        let parsed = if postmaster {
            self.policy
                .postmaster()
                .ok_or_else(|| crate::core::address::AddressError("no postmaster here".into()))
        } else {
            Address::parse(&to.address)
        };
        match parsed {
            Ok(a) => Ok(a),
            Err(e) => {
                reply::push(
                    out,
                    501,
                    "5.1.3",
                    &format!("Bad recipient address: {}", e.0),
                );
                Err(Flow::Continue)
            }
        }
    }

    /// Greylisting on port 25 (RFC 6647): a deferred recipient gets `451 4.7.1` with when to
    /// retry; it is not an error towards the disconnect limit (a real MTA simply retries).
    fn greylisted(&mut self, rcpt: &Address, out: &mut Vec<u8>) -> bool {
        if self.cfg.service != super::session::Service::Mx {
            return false;
        }
        let from = self.tx.mail_from.clone().flatten();
        let Some(retry_in) = self.policy.inbound_rcpt(
            self.cfg.remote_ip,
            self.helo.as_deref().unwrap_or(""),
            from.as_ref(),
            rcpt,
        ) else {
            return false;
        };
        reply::push(
            out,
            451,
            "4.7.1",
            &format!(
                "Greylisted: first mail from your network for <{rcpt}>; please retry in {} seconds",
                retry_in.max(1)
            ),
        );
        true
    }

    /// A client on a DNS blocklist (RFC 5782), refused at RCPT as Postfix's
    /// `reject_rbl_client` words it, so the sender's MTA bounces with the list's name.
    fn blocklisted(&mut self, out: &mut Vec<u8>) -> bool {
        if self.cfg.service != super::session::Service::Mx {
            return false;
        }
        let Some(listed) = self.policy.inbound_client(self.cfg.remote_ip) else {
            return false;
        };
        let reason = listed.reason.chars().take(200).collect::<String>();
        reply::push(
            out,
            554,
            "5.7.1",
            &format!(
                "Service unavailable; client [{}] blocked using {}: {reason}",
                self.cfg.remote_ip, listed.zone
            ),
        );
        true
    }

    /// The policy's word on the recipient: accepted (local, or relayed for a client that
    /// may relay), or refused with the reply that fits.
    fn accept_recipient(
        &mut self,
        addr: Address,
        dsn: RcptDsn,
        may_relay: bool,
        out: &mut Vec<u8>,
    ) -> Flow {
        match self.policy.check_recipient(&addr) {
            RcptCheck::Local if !may_relay && self.blocklisted(out) => return self.error(out),
            RcptCheck::Local if !may_relay && self.greylisted(&addr, out) => {}
            RcptCheck::Local => {
                self.tx.recipients.push(Recipient {
                    address: addr,
                    local: true,
                    dsn,
                    folder: None,
                });
                reply::push(out, 250, "2.1.5", "Ok");
            }
            RcptCheck::Backup if !may_relay && self.blocklisted(out) => return self.error(out),
            // Backup MX: the primary knows the recipient; the queue hands the message on.
            RcptCheck::Backup => {
                self.tx.recipients.push(Recipient {
                    address: addr,
                    local: false,
                    dsn,
                    folder: None,
                });
                reply::push(out, 250, "2.1.5", "Ok, queued for the primary MX");
            }
            RcptCheck::Unverified { refused: true } => {
                reply::push(
                    out,
                    550,
                    "5.1.1",
                    "Recipient address rejected: undeliverable address (unknown at the primary MX)",
                );
                return self.error(out);
            }
            // RFC 3463 X.1.1 with a 4xx: the address cannot be verified now, retry later.
            RcptCheck::Unverified { refused: false } => reply::push(
                out,
                450,
                "4.1.1",
                "Recipient address rejected: unverified address (the primary MX cannot be asked now); try again later",
            ),
            RcptCheck::NotLocal if may_relay => {
                self.tx.recipients.push(Recipient {
                    address: addr,
                    local: false,
                    dsn,
                    folder: None,
                });
                reply::push(out, 250, "2.1.5", "Ok");
            }
            // Refused recipients count as errors, as Postfix's hard error limit does, so a
            // dictionary attack or relay probe ends in a disconnect.
            RcptCheck::NotLocal => {
                reply::push(out, 554, "5.7.1", "Relay access denied");
                return self.error(out);
            }
            RcptCheck::OverQuota => reply::push(out, 452, "4.2.2", "Mailbox full"),
            RcptCheck::UnknownLocal => {
                reply::push(
                    out,
                    550,
                    "5.1.1",
                    "Recipient address rejected: User unknown",
                );
                return self.error(out);
            }
            RcptCheck::BadSrs => {
                reply::push(
                    out,
                    550,
                    "5.1.1",
                    "Recipient address rejected: invalid or expired SRS address (not a bounce of mail forwarded here)",
                );
                return self.error(out);
            }
            RcptCheck::TempFail => reply::push(
                out,
                451,
                "4.3.0",
                "Temporary lookup failure; try again later",
            ),
        }
        Flow::Continue
    }
}
