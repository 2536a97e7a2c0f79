//! The backup MX's recipient verification callout (as Postfix's `verify(8)` probes and
//! Exim's callouts): asks the primary MX of a domain whether it would take a recipient,
//! with EHLO, `MAIL FROM:<>`, `RCPT TO` and `RSET`/`QUIT`, never DATA (RFC 5321 §3.3), so the
//! backup accepts only what the primary will, and never bounces to forged senders later.
//!
//! Bounded: at most [`MAX_CALLOUTS`] at once for the whole process, each within
//! `backupmx.callout_timeout` from the first connection to the answer; every reply is read by
//! the bounded client reader (`smtp::client`).
//!
//! Not here: the cache and the RCPT decision (`smtp::backupmx`), which hop is the primary
//! (`destination::route`, shared with the delivery of the queued mail).

use std::time::Duration;

use tokio::sync::Semaphore;

use super::Outbound;
use super::route::RouteError;
use crate::core::Address;
use crate::smtp::client::{Client, Reply, Timeouts};

/// Most callouts in flight at once; more wait for a slot within their own timeout.
pub const MAX_CALLOUTS: usize = 16;
static CALLOUTS: Semaphore = Semaphore::const_new(MAX_CALLOUTS);

/// What the primary said about a recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// 2xx at RCPT: it takes mail for the recipient.
    Accepted(String),
    /// 5xx at RCPT: it does not.
    Refused(String),
    /// No word: no primary reachable, a 4xx, a timeout, or a refusal of the null sender.
    Unavailable(String),
}

fn text(r: &Reply) -> String {
    let line = r.lines.first().map(String::as_str).unwrap_or("");
    format!("{} {}", r.code, line.chars().take(200).collect::<String>())
}

impl Outbound {
    /// Asks the primary MX of `rcpt`'s domain about `rcpt`.
    pub async fn verify_recipient(&self, rcpt: &Address) -> Answer {
        let cfg = self.cfg();
        let limit = cfg
            .backup
            .as_ref()
            .map(|b| b.callout_timeout)
            .filter(|d| !d.is_zero())
            .unwrap_or(Duration::from_secs(10));
        let asked = async {
            let Ok(_slot) = CALLOUTS.acquire().await else {
                return Answer::Unavailable("callouts stopped".into());
            };
            let hops = match self.route(rcpt.domain().as_str()).await {
                Ok(h) => h,
                Err(RouteError::Permanent(e) | RouteError::Temporary(e)) => {
                    return Answer::Unavailable(e);
                }
            };
            let mut last = String::from("no primary MX to ask");
            for hop in hops {
                match probe(hop.addr, &cfg.hostname, rcpt, Timeouts::rfc5321(limit)).await {
                    Answer::Unavailable(why) => last = format!("{}: {why}", hop.host),
                    answer => return answer,
                }
            }
            Answer::Unavailable(last)
        };
        match tokio::time::timeout(limit, asked).await {
            Ok(a) => a,
            Err(_) => Answer::Unavailable(format!(
                "no answer within {}s (backupmx.callout_timeout)",
                limit.as_secs()
            )),
        }
    }
}

/// One conversation with one hop of the primary.
async fn probe(
    addr: std::net::SocketAddr,
    helo: &str,
    rcpt: &Address,
    timeouts: Timeouts,
) -> Answer {
    let (mut c, greeting) = match Client::connect(addr, timeouts).await {
        Ok(v) => v,
        Err(e) => return Answer::Unavailable(e.to_string()),
    };
    if !greeting.positive() {
        c.quit().await;
        return Answer::Unavailable(format!("greeting {}", text(&greeting)));
    }
    let answer = async {
        let ehlo = c.ehlo(helo).await?;
        if !ehlo.positive() {
            return Ok(Answer::Unavailable(format!("EHLO {}", text(&ehlo))));
        }
        let mail = c.command("MAIL FROM:<>", "the MAIL reply").await?;
        if !mail.positive() {
            // A primary that refuses bounces says nothing about the recipient.
            return Ok(Answer::Unavailable(format!("MAIL FROM:<> {}", text(&mail))));
        }
        let r = c
            .command(&format!("RCPT TO:<{rcpt}>"), "the RCPT reply")
            .await?;
        let _ = c.command("RSET", "the RSET reply").await;
        Ok::<_, crate::smtp::client::ClientError>(if r.positive() {
            Answer::Accepted(text(&r))
        } else if r.transient() {
            Answer::Unavailable(text(&r))
        } else {
            Answer::Refused(text(&r))
        })
    }
    .await;
    c.quit().await;
    answer.unwrap_or_else(|e| Answer::Unavailable(e.to_string()))
}
