//! One delivery attempt to one destination: try each hop in turn until one takes the
//! transaction, and give every recipient its own result.
//!
//! A hop that cannot be reached, greets with 4xx or 5xx, or answers MAIL with 4xx is skipped
//! for the next one (RFC 5321 §5.1, §3.1); once a hop has answered the recipients, its answers
//! stand. Only when every hop refused us permanently (e.g. a `554` greeting) is the result
//! permanent; one that could not be reached leaves it temporary. A partial failure never
//! resends to recipients already accepted.
//!
//! TLS toward MX hosts is opportunistic (RFC 7435), but never downgraded by a failure: after
//! STARTTLS to a host failed, later attempts to it require STARTTLS again unless the
//! destination is listed in `delivery.plaintext_fallback`.
//!
//! DSN parameters (RFC 3461) go to a next hop that offers DSN; an 8-bit message goes to one
//! without 8BITMIME only converted to 7 bit, else it is refused with `5.6.3` (RFC 6152 §3).
//!
//! Not here: the SMTP client's wire protocol (`smtp::client`), finding the hops (`route`),
//! converting to 7 bit (`eightbit`), recording the results in the queue (`recorder`).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::route::Hop;
use super::{Config, Relay, RelayTls};
use crate::core::dsn::{MessageDsn, RcptDsn, xtext};
use crate::smtp::client::{Capabilities, Client, ClientError, RecordingVerifier, Reply};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    Deferred,
    Failed,
}

#[derive(Debug, Clone)]
pub struct RecipientResult {
    pub recipient_id: i64,
    pub host: String,
    pub outcome: Outcome,
    pub reply: String,
    /// Delivered to a next hop that offers DSN: it reports success itself (RFC 3461 §5.2.2),
    /// else a `NOTIFY=SUCCESS` recipient is due a "relayed" notice from us.
    pub next_hop_dsn: bool,
}

impl RecipientResult {
    pub fn temporary(id: i64, host: &str, reply: String) -> Self {
        RecipientResult {
            recipient_id: id,
            host: host.into(),
            outcome: Outcome::Deferred,
            reply,
            next_hop_dsn: false,
        }
    }

    pub fn permanent(id: i64, host: &str, reply: String) -> Self {
        RecipientResult {
            recipient_id: id,
            host: host.into(),
            outcome: Outcome::Failed,
            reply,
            next_hop_dsn: false,
        }
    }

    fn from_reply(id: i64, host: &str, r: &Reply) -> Self {
        let outcome = if r.positive() {
            Outcome::Delivered
        } else if r.transient() {
            Outcome::Deferred
        } else {
            Outcome::Failed
        };
        RecipientResult {
            recipient_id: id,
            host: host.into(),
            outcome,
            reply: r.text(),
            next_hop_dsn: false,
        }
    }
}

/// What one transfer to a next hop sends: the reverse-path, the message (and its 7-bit form)
/// and the DSN parameters to pass on (RFC 3461). The recipients go with the [`Attempt`].
pub struct Outgoing<'a> {
    /// Empty for `<>`.
    pub mail_from: &'a str,
    pub smtputf8: bool,
    pub message: &'a [u8],
    /// When `message` has 8-bit octets: the same message converted to 7 bit (signed anew),
    /// or why it cannot be, for a next hop without 8BITMIME.
    pub seven_bit: Option<&'a Result<Vec<u8>, String>>,
    pub dsn: &'a MessageDsn,
    /// Per recipient row id; a missing entry means no parameters were given.
    pub rcpt_dsn: &'a HashMap<i64, RcptDsn>,
}

pub struct Attempt<'a> {
    pub cfg: &'a Config,
    pub hops: Vec<Hop>,
    pub relay: Option<&'a Relay>,
    pub env: &'a Outgoing<'a>,
    /// MX host names (lower case) whose STARTTLS failed lately: TLS or nothing for them.
    pub tls_failed_before: &'a HashSet<String>,
    /// The destination is in `delivery.plaintext_fallback`: after a failed STARTTLS the
    /// next attempt may go without TLS.
    pub plaintext_fallback: bool,
}

/// What an attempt found out.
pub struct Report {
    pub results: Vec<RecipientResult>,
    /// (host, why) of every STARTTLS that failed toward an MX, to be remembered.
    pub tls_failures: Vec<(String, String)>,
}

/// Why a hop did not take the transaction: try the next one. `permanent` when the hop
/// refused us for good (a 5xx greeting or HELO), not when it could not be reached.
struct NextHop {
    why: String,
    permanent: bool,
}

#[allow(non_snake_case)]
fn NextHop(why: String) -> NextHop {
    NextHop {
        why,
        permanent: false,
    }
}

impl Attempt<'_> {
    pub async fn run(self, rcpts: &[(i64, String)]) -> Report {
        let mut last = String::from("451 4.4.0 no mail host could be tried");
        let mut last_host = String::from("-");
        let mut tls_failures = Vec::new();
        let mut all_permanent = !self.hops.is_empty();
        for hop in &self.hops {
            match self.hop(hop, rcpts, &mut tls_failures).await {
                Ok(results) => {
                    return Report {
                        results,
                        tls_failures,
                    };
                }
                Err(NextHop { why, permanent }) => {
                    tracing::info!(host = %hop.host, addr = %hop.addr, "{why}");
                    all_permanent &= permanent;
                    last = why;
                    last_host = format!("{} [{}]", hop.host, hop.addr.ip());
                }
            }
        }
        // RFC 5321 §3.1: a 554 greeting sends us to the next MX; when there is none left
        // (and none was merely unreachable), the mail cannot be delivered.
        let results = rcpts
            .iter()
            .map(|(id, _)| {
                if all_permanent {
                    RecipientResult::permanent(*id, &last_host, last.clone())
                } else {
                    RecipientResult::temporary(*id, &last_host, last.clone())
                }
            })
            .collect();
        Report {
            results,
            tls_failures,
        }
    }

    /// One hop, RFC 5321 §3 in order: connect and greeting, EHLO, STARTTLS, relay AUTH,
    /// then the mail transaction. `Err` sends the caller on to the next hop.
    async fn hop(
        &self,
        hop: &Hop,
        rcpts: &[(i64, String)],
        tls_failures: &mut Vec<(String, String)>,
    ) -> Result<Vec<RecipientResult>, NextHop> {
        let where_ = format!("{} [{}]", hop.host, hop.addr.ip());
        let client = self.open(hop, &where_).await?;
        let mut client = self
            .negotiate_tls(client, hop, &where_, tls_failures)
            .await?;
        self.authenticate(&mut client, hop, &where_).await?;
        self.transaction(client, rcpts, &where_).await
    }

    /// Connect (with implicit TLS toward a relay configured so), take the greeting and
    /// say EHLO (RFC 5321 §3.1, §4.1.1.1). A 4xx/5xx greeting or EHLO reply is a reason to
    /// try the next hop; a 5xx one counts as the hop refusing us for good.
    async fn open(&self, hop: &Hop, where_: &str) -> Result<Client, NextHop> {
        let io_err = |e: ClientError| NextHop(format!("451 4.4.2 {where_}: {e}"));
        let t = self.cfg.timeouts;
        if self.relay.is_some_and(|r| r.tls == RelayTls::None) && !hop.addr.ip().is_loopback() {
            return Err(NextHop(format!(
                "451 4.7.0 relay.tls = none is allowed only for a relay on loopback, not {where_}; use starttls or tls"
            )));
        }
        let implicit = self.relay.is_some_and(|r| r.tls == RelayTls::Implicit);
        let (mut client, greeting) = if implicit {
            let tcp = tokio::time::timeout(t.connect, tokio::net::TcpStream::connect(hop.addr))
                .await
                .map_err(|_| NextHop(format!("451 4.4.1 {where_}: connection timed out")))?
                .map_err(|e| NextHop(format!("451 4.4.1 {where_}: {e}")))?;
            let verifier = Arc::new(RecordingVerifier::new());
            let name = rustls::pki_types::ServerName::try_from(hop.host.clone())
                .map_err(|_| NextHop(format!("451 4.7.5 {where_}: not a valid TLS name")))?;
            let tls = tokio::time::timeout(
                t.command,
                tokio_rustls::TlsConnector::from(verifier.client_config()).connect(name, tcp),
            )
            .await
            .map_err(|_| NextHop(format!("451 4.7.5 {where_}: TLS handshake timed out")))?
            .map_err(|e| NextHop(format!("451 4.7.5 {where_}: TLS handshake failed: {e}")))?;
            self.require_verified(&verifier, where_)?;
            Client::over(Box::new(tls), t).await.map_err(io_err)?
        } else {
            Client::connect(hop.addr, t)
                .await
                .map_err(|e| NextHop(format!("451 4.4.1 {where_}: {e}")))?
        };
        if !greeting.positive() {
            let permanent = greeting.permanent();
            // §3.1: a client refused at the greeting sends QUIT and waits for the reply.
            client.quit().await;
            return Err(NextHop {
                why: format!("{} (greeting from {where_})", greeting.text()),
                permanent,
            });
        }
        let ehlo = client.ehlo(&self.cfg.hostname).await.map_err(io_err)?;
        if !ehlo.positive() {
            let permanent = ehlo.permanent();
            client.quit().await;
            return Err(NextHop {
                why: format!("{} (EHLO at {where_})", ehlo.text()),
                permanent,
            });
        }
        Ok(client)
    }

    /// STARTTLS (RFC 3207) and the EHLO after it, when this hop gets TLS: always toward a
    /// relay with `relay.tls = starttls`, opportunistically toward an MX (RFC 7435).
    async fn negotiate_tls(
        &self,
        mut client: Client,
        hop: &Hop,
        where_: &str,
        tls_failures: &mut Vec<(String, String)>,
    ) -> Result<Client, NextHop> {
        let io_err = |e: ClientError| NextHop(format!("451 4.4.2 {where_}: {e}"));
        // Opportunistic STARTTLS toward MX hosts; required toward a relay configured so, and
        // toward an MX whose STARTTLS failed before (else whoever broke that handshake gets
        // the next attempt in plaintext).
        // Also within this attempt: the host's next address gets no plaintext either.
        let tls_failed_before = self.relay.is_none()
            && (self
                .tls_failed_before
                .contains(&hop.host.to_ascii_lowercase())
                || tls_failures
                    .iter()
                    .any(|(h, _)| h.eq_ignore_ascii_case(&hop.host)));
        let want_tls = match self.relay.map(|r| &r.tls) {
            Some(RelayTls::StartTls) => true,
            Some(_) => false,
            None if tls_failed_before && self.plaintext_fallback => {
                tracing::warn!(host = %hop.host, "STARTTLS to this host failed before; sending without TLS as delivery.plaintext_fallback allows");
                false
            }
            None if tls_failed_before => {
                if !client.caps.starttls {
                    client.quit().await;
                    return Err(NextHop(format!(
                        "451 4.7.4 {where_} no longer offers STARTTLS after a failed TLS attempt; not falling back to plaintext (see delivery.plaintext_fallback)"
                    )));
                }
                true
            }
            None => client.caps.starttls,
        };
        if want_tls {
            if !client.caps.starttls {
                return Err(NextHop(format!(
                    "451 4.7.4 relay {where_} does not offer STARTTLS (relay.tls = starttls)"
                )));
            }
            let verifier = Arc::new(RecordingVerifier::new());
            let v2 = verifier.clone();
            client = match client
                .starttls(verifier.client_config(), &hop.host, move || {
                    v2.seen().is_some_and(|(_, e)| e.is_none())
                })
                .await
            {
                Ok(c) => c,
                Err(e) => {
                    if self.relay.is_none() {
                        tls_failures.push((hop.host.clone(), e.to_string()));
                    }
                    return Err(NextHop(format!("451 4.7.5 {where_}: STARTTLS failed: {e}")));
                }
            };
            if self.relay.is_some() {
                self.require_verified(&verifier, where_)?;
            }
            let again = client.ehlo(&self.cfg.hostname).await.map_err(io_err)?;
            if !again.positive() {
                return Err(NextHop(format!(
                    "{} (EHLO after STARTTLS at {where_})",
                    again.text()
                )));
            }
        }
        Ok(client)
    }

    /// AUTH PLAIN (RFC 4954) toward a relay that has credentials; never in plaintext
    /// beyond loopback.
    async fn authenticate(
        &self,
        client: &mut Client,
        hop: &Hop,
        where_: &str,
    ) -> Result<(), NextHop> {
        if let Some((user, pass)) = self.relay.and_then(|r| r.credentials.as_ref()) {
            if client.tls.is_none() && !hop.addr.ip().is_loopback() {
                return Err(NextHop(format!(
                    "451 4.7.0 refusing to send the relay password to {where_} without TLS"
                )));
            }
            let r = client
                .auth_plain(user, pass)
                .await
                .map_err(|e| NextHop(format!("451 4.4.2 {where_}: {e}")))?;
            if !r.positive() {
                return Err(NextHop(format!(
                    "{} (AUTH as {user} at {where_})",
                    r.text()
                )));
            }
        }
        Ok(())
    }

    /// The mail transaction (RFC 5321 §3.3): fit the message to the hop's extensions, send
    /// MAIL and RCPT pipelined, then DATA to the accepted recipients, and classify each
    /// reply per recipient.
    async fn transaction(
        &self,
        mut client: Client,
        rcpts: &[(i64, String)],
        where_: &str,
    ) -> Result<Vec<RecipientResult>, NextHop> {
        let io_err = |e: ClientError| NextHop(format!("451 4.4.2 {where_}: {e}"));
        let all_fail = |reply: String| -> Vec<RecipientResult> {
            rcpts
                .iter()
                .map(|(id, _)| RecipientResult::permanent(*id, where_, reply.clone()))
                .collect()
        };
        let body = match self.fit_body(&client, where_) {
            Ok(body) => body,
            Err((reply, quit)) => {
                if quit {
                    client.quit().await;
                }
                return Ok(all_fail(reply));
            }
        };
        let dsn = client.caps.dsn;
        let mail = self.mail_command(&client.caps, body);
        let rcpt_cmds = self.rcpt_commands(rcpts, dsn);
        let (mail_reply, rcpt_replies) =
            client.envelope(&mail, &rcpt_cmds).await.map_err(io_err)?;
        if mail_reply.transient() {
            return Err(NextHop(format!("{} (MAIL at {where_})", mail_reply.text())));
        }
        if !mail_reply.positive() {
            return Ok(all_fail(format!(
                "{} (MAIL FROM at {where_})",
                mail_reply.text()
            )));
        }
        let mut results: Vec<RecipientResult> = Vec::with_capacity(rcpts.len());
        let mut accepted = Vec::new();
        for ((id, _), reply) in rcpts.iter().zip(&rcpt_replies) {
            if reply.positive() {
                accepted.push(*id);
            } else {
                results.push(RecipientResult::from_reply(*id, where_, reply));
            }
        }
        if accepted.is_empty() {
            client.quit().await;
            return Ok(results);
        }
        match client.data(body).await {
            Ok(reply) => {
                for id in &accepted {
                    let mut r = RecipientResult::from_reply(*id, where_, &reply);
                    r.next_hop_dsn = dsn;
                    results.push(r);
                }
                client.quit().await;
            }
            // The server may or may not have the message: retrying may duplicate it, which
            // SMTP allows; not retrying could lose it.
            Err(e) => {
                for id in &accepted {
                    results.push(RecipientResult::temporary(
                        *id,
                        where_,
                        format!("451 4.4.2 {where_}: lost during the message transfer: {e}"),
                    ));
                }
            }
        }
        Ok(results)
    }

    /// The body this hop can take: the 7-bit copy for a hop without 8BITMIME (RFC 6152
    /// §3), within its SIZE (RFC 1870). `Err((reply, send QUIT))` fails every recipient
    /// for good: SMTPUTF8 mail to a hop without it (RFC 6531), an 8-bit message that
    /// cannot be converted, or one too big.
    fn fit_body<'m>(&'m self, client: &Client, where_: &str) -> Result<&'m [u8], (String, bool)> {
        if self.env.smtputf8 && !client.caps.smtputf8 {
            return Err((
                format!(
                    "550 5.6.7 the message needs SMTPUTF8 (non-ASCII addresses) and {where_} does not support it"
                ),
                false,
            ));
        }
        let mut body = self.env.message;
        let eight_bit = self.env.seven_bit.is_some();
        if eight_bit && !client.caps.eightbitmime {
            match self.env.seven_bit {
                Some(Ok(converted)) => body = converted.as_slice(),
                None => {}
                Some(Err(why)) => {
                    return Err((
                        format!(
                            "554 5.6.3 the message has 8-bit content, {where_} does not offer 8BITMIME, and it cannot be converted: {why}"
                        ),
                        true,
                    ));
                }
            }
        }
        if let Some(limit) = client.caps.size
            && body.len() as u64 > limit
        {
            return Err((
                format!(
                    "552 5.3.4 message of {} bytes exceeds the {limit}-byte limit of {where_}",
                    body.len()
                ),
                false,
            ));
        }
        Ok(body)
    }

    /// `MAIL FROM` with the parameters this hop offers: SIZE (RFC 1870), BODY (RFC 6152),
    /// SMTPUTF8 (RFC 6531), RET/ENVID (RFC 3461 §5.2: passed on to a next hop that takes them).
    fn mail_command(&self, caps: &Capabilities, body: &[u8]) -> String {
        let mut mail = format!("MAIL FROM:<{}>", self.env.mail_from);
        if caps.size.is_some() {
            mail.push_str(&format!(" SIZE={}", body.len()));
        }
        if caps.eightbitmime && !body.is_ascii() {
            mail.push_str(" BODY=8BITMIME");
        }
        if self.env.smtputf8 {
            mail.push_str(" SMTPUTF8");
        }
        if caps.dsn {
            // RFC 3461 §5.2: pass the parameters on to a next hop that takes them.
            if let Some(ret) = self.env.dsn.ret {
                mail.push_str(&format!(" RET={}", ret.as_str()));
            }
            if let Some(envid) = &self.env.dsn.envid {
                mail.push_str(&format!(" ENVID={}", xtext(envid)));
            }
        }
        mail
    }

    /// One `RCPT TO` per recipient, with NOTIFY/ORCPT (RFC 3461 §4) when the hop offers DSN.
    fn rcpt_commands(&self, rcpts: &[(i64, String)], dsn: bool) -> Vec<String> {
        rcpts
            .iter()
            .map(|(id, a)| {
                let mut cmd = format!("RCPT TO:<{a}>");
                if let Some(d) = self.env.rcpt_dsn.get(id).filter(|_| dsn) {
                    if let Some(n) = d.notify.param() {
                        cmd.push_str(&format!(" NOTIFY={n}"));
                    }
                    if let Some(o) = &d.orcpt {
                        cmd.push_str(&format!(" ORCPT=rfc822;{}", xtext(o)));
                    }
                }
                cmd
            })
            .collect()
    }

    fn require_verified(&self, verifier: &RecordingVerifier, where_: &str) -> Result<(), NextHop> {
        match verifier.seen() {
            Some((_, None)) => Ok(()),
            Some((_, Some(why))) => Err(NextHop(format!(
                "451 4.7.5 relay {where_}: certificate not trusted: {why}"
            ))),
            None => Err(NextHop(format!(
                "451 4.7.5 relay {where_}: no certificate seen"
            ))),
        }
    }
}
