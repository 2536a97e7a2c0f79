//! One delivery attempt to one destination: try each hop in turn until one takes the
//! transaction, and give every recipient its own result.
//!
//! A hop that cannot be reached, greets with 4xx, or answers MAIL with 4xx is skipped for
//! the next one (RFC 5321 §5.1); once a hop has answered the recipients, its answers stand.
//! A partial failure never resends to recipients already accepted.

use std::sync::Arc;

use super::route::Hop;
use super::{Config, Relay, RelayTls};
use crate::smtp::client::{Client, ClientError, RecordingVerifier, Reply};

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
}

impl RecipientResult {
    pub fn temporary(id: i64, host: &str, reply: String) -> Self {
        RecipientResult {
            recipient_id: id,
            host: host.into(),
            outcome: Outcome::Deferred,
            reply,
        }
    }

    pub fn permanent(id: i64, host: &str, reply: String) -> Self {
        RecipientResult {
            recipient_id: id,
            host: host.into(),
            outcome: Outcome::Failed,
            reply,
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
        }
    }
}

pub struct Envelope<'a> {
    /// Empty for `<>`.
    pub mail_from: &'a str,
    pub size: u64,
    pub smtputf8: bool,
    pub message: &'a [u8],
}

pub struct Attempt<'a> {
    pub cfg: &'a Config,
    pub hops: Vec<Hop>,
    pub relay: Option<&'a Relay>,
    pub env: &'a Envelope<'a>,
}

/// Why a hop did not take the transaction: try the next one.
struct NextHop(String);

impl Attempt<'_> {
    pub async fn run(self, rcpts: &[(i64, String)]) -> Vec<RecipientResult> {
        let mut last = String::from("451 4.4.0 no mail host could be tried");
        let mut last_host = String::from("-");
        for hop in &self.hops {
            match self.hop(hop, rcpts).await {
                Ok(results) => return results,
                Err(NextHop(why)) => {
                    tracing::info!(host = %hop.host, addr = %hop.addr, "{why}");
                    last = why;
                    last_host = format!("{} [{}]", hop.host, hop.addr.ip());
                }
            }
        }
        rcpts
            .iter()
            .map(|(id, _)| RecipientResult::temporary(*id, &last_host, last.clone()))
            .collect()
    }

    async fn hop(
        &self,
        hop: &Hop,
        rcpts: &[(i64, String)],
    ) -> Result<Vec<RecipientResult>, NextHop> {
        let where_ = format!("{} [{}]", hop.host, hop.addr.ip());
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
            self.require_verified(&verifier, &where_)?;
            Client::over(Box::new(tls), t).await.map_err(io_err)?
        } else {
            Client::connect(hop.addr, t)
                .await
                .map_err(|e| NextHop(format!("451 4.4.1 {where_}: {e}")))?
        };
        if !greeting.positive() {
            return Err(NextHop(format!(
                "{} (greeting from {where_})",
                greeting.text()
            )));
        }
        let ehlo = client.ehlo(&self.cfg.hostname).await.map_err(io_err)?;
        if !ehlo.positive() {
            return Err(NextHop(format!("{} (EHLO at {where_})", ehlo.text())));
        }
        // Opportunistic STARTTLS toward MX hosts; required toward a relay configured so.
        let want_tls = match self.relay.map(|r| &r.tls) {
            Some(RelayTls::StartTls) => true,
            Some(_) => false,
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
            client = client
                .starttls(verifier.client_config(), &hop.host, move || {
                    v2.seen().is_some_and(|(_, e)| e.is_none())
                })
                .await
                .map_err(|e| NextHop(format!("451 4.7.5 {where_}: STARTTLS failed: {e}")))?;
            if self.relay.is_some() {
                self.require_verified(&verifier, &where_)?;
            }
            let again = client.ehlo(&self.cfg.hostname).await.map_err(io_err)?;
            if !again.positive() {
                return Err(NextHop(format!(
                    "{} (EHLO after STARTTLS at {where_})",
                    again.text()
                )));
            }
        }
        if let Some((user, pass)) = self.relay.and_then(|r| r.credentials.as_ref()) {
            if client.tls.is_none() && !hop.addr.ip().is_loopback() {
                return Err(NextHop(format!(
                    "451 4.7.0 refusing to send the relay password to {where_} without TLS"
                )));
            }
            let r = client.auth_plain(user, pass).await.map_err(io_err)?;
            if !r.positive() {
                return Err(NextHop(format!(
                    "{} (AUTH as {user} at {where_})",
                    r.text()
                )));
            }
        }
        let all_fail = |reply: String| -> Vec<RecipientResult> {
            rcpts
                .iter()
                .map(|(id, _)| RecipientResult::permanent(*id, &where_, reply.clone()))
                .collect()
        };
        if self.env.smtputf8 && !client.caps.smtputf8 {
            return Ok(all_fail(format!(
                "550 5.6.7 the message needs SMTPUTF8 (non-ASCII addresses) and {where_} does not support it"
            )));
        }
        if let Some(limit) = client.caps.size
            && self.env.size > limit
        {
            return Ok(all_fail(format!(
                "552 5.3.4 message of {} bytes exceeds the {limit}-byte limit of {where_}",
                self.env.size
            )));
        }
        let mut mail = format!("MAIL FROM:<{}>", self.env.mail_from);
        if client.caps.size.is_some() {
            mail.push_str(&format!(" SIZE={}", self.env.size));
        }
        if client.caps.eightbitmime && !self.env.message.is_ascii() {
            mail.push_str(" BODY=8BITMIME");
        }
        if self.env.smtputf8 {
            mail.push_str(" SMTPUTF8");
        }
        let rcpt_cmds: Vec<String> = rcpts
            .iter()
            .map(|(_, a)| format!("RCPT TO:<{a}>"))
            .collect();
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
                results.push(RecipientResult::from_reply(*id, &where_, reply));
            }
        }
        if accepted.is_empty() {
            client.quit().await;
            return Ok(results);
        }
        match client.data(self.env.message).await {
            Ok(reply) => {
                for id in &accepted {
                    results.push(RecipientResult::from_reply(*id, &where_, &reply));
                }
                client.quit().await;
            }
            // The server may or may not have the message: retrying may duplicate it, which
            // SMTP allows; not retrying could lose it.
            Err(e) => {
                for id in &accepted {
                    results.push(RecipientResult::temporary(
                        *id,
                        &where_,
                        format!("451 4.4.2 {where_}: lost during the message transfer: {e}"),
                    ));
                }
            }
        }
        Ok(results)
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
