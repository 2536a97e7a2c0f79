//! Delivery status notification parameters (RFC 3461) as the queue keeps them: `RET` and
//! `ENVID` per message, `NOTIFY` and `ORCPT` per recipient (migration 5); and the memory of
//! MX hosts whose STARTTLS failed, which keeps the next attempt from going out in plaintext.
//!
//! Values are stored decoded (smtp-proto decodes xtext); [`xtext`] encodes them again for
//! the next hop's parameters and for report fields, so a peer's control bytes never reach
//! a header or a command line raw.
//!
//! Not here: parsing the parameters (the SMTP session), building reports (smtp/outbound/dsn).

use std::collections::{HashMap, HashSet};

use super::sql::args;
use super::{Db, Result, now};

/// RFC 3461 §4.3: how much of the message a failure report returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ret {
    Full,
    Hdrs,
}

impl Ret {
    pub fn as_str(self) -> &'static str {
        match self {
            Ret::Full => "FULL",
            Ret::Hdrs => "HDRS",
        }
    }

    fn parse(s: &str) -> Option<Ret> {
        match s {
            "FULL" => Some(Ret::Full),
            "HDRS" => Some(Ret::Hdrs),
            _ => None,
        }
    }
}

/// The message's DSN parameters from `MAIL FROM`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageDsn {
    pub ret: Option<Ret>,
    /// `ENVID`, decoded.
    pub envid: Option<String>,
}

/// RFC 3461 §4.1 `NOTIFY` as bits; `0` means the client did not say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Notify(pub u8);

impl Notify {
    pub const SUCCESS: u8 = 1;
    pub const FAILURE: u8 = 2;
    pub const DELAY: u8 = 4;
    pub const NEVER: u8 = 8;

    pub fn given(self) -> bool {
        self.0 != 0
    }

    /// A failure report is due unless the client asked for NEVER or left FAILURE out
    /// (no NOTIFY at all means FAILURE,DELAY, RFC 3461 §4.1).
    pub fn on_failure(self) -> bool {
        !self.given() || self.0 & Self::FAILURE != 0
    }

    pub fn on_delay(self) -> bool {
        !self.given() || self.0 & Self::DELAY != 0
    }

    pub fn on_success(self) -> bool {
        self.0 & Self::SUCCESS != 0
    }

    /// The parameter value for the next hop, e.g. `SUCCESS,FAILURE`.
    pub fn param(self) -> Option<String> {
        if !self.given() {
            return None;
        }
        if self.0 & Self::NEVER != 0 {
            return Some("NEVER".into());
        }
        let words: Vec<&str> = [
            (Self::SUCCESS, "SUCCESS"),
            (Self::FAILURE, "FAILURE"),
            (Self::DELAY, "DELAY"),
        ]
        .iter()
        .filter(|(b, _)| self.0 & b != 0)
        .map(|(_, w)| *w)
        .collect();
        Some(words.join(","))
    }
}

/// One recipient's DSN parameters from `RCPT TO`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RcptDsn {
    pub notify: Notify,
    /// `ORCPT=rfc822;...`, the address part decoded.
    pub orcpt: Option<String>,
}

/// RFC 3461 §4: xtext, where every octet outside `!`..`~` and `+`, `=` is `+XX`.
pub fn xtext(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if (b'!'..=b'~').contains(&b) && b != b'+' && b != b'=' {
            out.push(b as char);
        } else {
            out.push_str(&format!("+{b:02X}"));
        }
    }
    out
}

/// How long a failed STARTTLS keeps a host on TLS-or-nothing.
pub const TLS_FAILURE_MEMORY_SECS: i64 = 30 * 86400;

impl Db {
    /// The DSN parameters of a queued message and of each of its recipients (by row id).
    pub fn queue_dsn(&self, message_id: &str) -> Result<(MessageDsn, HashMap<i64, RcptDsn>)> {
        let sql = self.sql();
        let msg = match sql.query_opt(
            "SELECT dsn_ret, dsn_envid FROM queue_messages WHERE id = ?1",
            args![message_id],
        )? {
            Some(r) => MessageDsn {
                ret: r.get::<Option<String>>(0)?.as_deref().and_then(Ret::parse),
                envid: r.get(1)?,
            },
            None => MessageDsn::default(),
        };
        let rcpts = sql
            .query(
                "SELECT id, dsn_notify, dsn_orcpt FROM queue_recipients WHERE message_id = ?1",
                args![message_id],
            )?
            .iter()
            .map(|r| {
                Ok((
                    r.get::<i64>(0)?,
                    RcptDsn {
                        notify: Notify(r.get::<i64>(1)?.clamp(0, 15) as u8),
                        orcpt: r.get(2)?,
                    },
                ))
            })
            .collect::<Result<_>>()?;
        Ok((msg, rcpts))
    }

    /// [`Db::queue_dsn`]'s recipient parameters keyed by address instead of row id.
    pub fn queue_dsn_by_address(
        &self,
        message_id: &str,
        by_id: &HashMap<i64, RcptDsn>,
    ) -> Result<HashMap<String, RcptDsn>> {
        let rows = self.sql().query(
            "SELECT id, address FROM queue_recipients WHERE message_id = ?1",
            args![message_id],
        )?;
        let mut out = HashMap::new();
        for r in &rows {
            if let Some(d) = by_id.get(&r.get::<i64>(0)?) {
                out.insert(r.get::<String>(1)?, d.clone());
            }
        }
        Ok(out)
    }

    /// Which of `hosts` had a STARTTLS failure within [`TLS_FAILURE_MEMORY_SECS`].
    pub fn tls_failed_hosts(&self, hosts: &[String]) -> Result<HashSet<String>> {
        let since = now() - TLS_FAILURE_MEMORY_SECS;
        let mut out = HashSet::new();
        for h in hosts {
            let h = h.to_ascii_lowercase();
            let failed = self.sql().query_opt(
                "SELECT 1 FROM outbound_tls_failures WHERE host = ?1 AND at >= ?2",
                args![&h, since],
            )?;
            if failed.is_some() {
                out.insert(h);
            }
        }
        Ok(out)
    }

    /// Remembers that STARTTLS to `host` failed (see [`Db::tls_failed_hosts`]).
    pub fn record_tls_failure(&self, host: &str, reason: &str) -> Result<()> {
        self.sql().execute(
            "INSERT INTO outbound_tls_failures (host, at, reason) VALUES (?1, ?2, ?3)
             ON CONFLICT (host) DO UPDATE SET at = excluded.at, reason = excluded.reason",
            args![host.to_ascii_lowercase(), now(), reason],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_stored_and_follow_a_forward() {
        use crate::core::DataDir;
        use crate::core::queue::{NewMessage, Outcome};
        let dir = tempfile::tempdir().unwrap();
        let mut db = Db::open(&DataDir::new(dir.path())).unwrap();
        let never = RcptDsn {
            notify: Notify(Notify::NEVER),
            orcpt: None,
        };
        let success = RcptDsn {
            notify: Notify(Notify::SUCCESS),
            orcpt: Some("Orig@x.test".into()),
        };
        db.queue_insert(
            &NewMessage {
                id: "Q1",
                mail_from: "a@x.test",
                auth_user: None,
                remote_ip: "::1",
                helo: "h",
                smtputf8: false,
                size: 1,
                spool: None,
                dsn: MessageDsn {
                    ret: Some(Ret::Full),
                    envid: Some("e1".into()),
                },
                rcpt_dsn: &[never.clone(), success.clone()],
                folder: "",
                rcpt_folders: &[],
                local_lease: None,
            },
            &[("l@x.test".into(), true), ("r@y.test".into(), false)],
        )
        .unwrap();
        let (m, r) = db.queue_dsn("Q1").unwrap();
        assert_eq!(m.ret, Some(Ret::Full));
        assert_eq!(m.envid.as_deref(), Some("e1"));
        let mut got: Vec<RcptDsn> = r.values().cloned().collect();
        got.sort_by_key(|d| d.notify.0);
        assert_eq!(got, vec![success.clone(), never.clone()]);
        // l@x.test is an alias that forwards outward: the forward asks for no bounce either.
        let local = db
            .queue_local_claim("Q1", "test", 60, false)
            .unwrap()
            .unwrap()
            .recipients[0]
            .id;
        db.queue_record(
            "Q1",
            &[(local, Outcome::Delivered)],
            &[("f@z.test".into(), "l@x.test".into())],
        )
        .unwrap();
        let (_, r) = db.queue_dsn("Q1").unwrap();
        let fwd = db
            .queue_recipients()
            .unwrap()
            .into_iter()
            .find(|q| q.address == "f@z.test")
            .unwrap();
        assert_eq!(r[&fwd.id].notify, Notify(Notify::NEVER));
        assert_eq!(r[&fwd.id].orcpt.as_deref(), Some("l@x.test"));
    }

    #[test]
    fn tls_failures_are_remembered_per_host() {
        use crate::core::DataDir;
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&DataDir::new(dir.path())).unwrap();
        db.record_tls_failure("MX.Example.test", "handshake")
            .unwrap();
        let got = db
            .tls_failed_hosts(&["mx.example.test".into(), "other.test".into()])
            .unwrap();
        assert_eq!(got.into_iter().collect::<Vec<_>>(), vec!["mx.example.test"]);
    }

    #[test]
    fn xtext_encodes_what_it_must() {
        assert_eq!(xtext("abc@x.test"), "abc@x.test");
        assert_eq!(xtext("a b+c=d"), "a+20b+2Bc+3Dd");
        assert_eq!(xtext("\r\n\u{1b}é"), "+0D+0A+1B+C3+A9");
    }

    #[test]
    fn notify_defaults_and_words() {
        let none = Notify::default();
        assert!(none.on_failure() && none.on_delay() && !none.on_success());
        assert_eq!(none.param(), None);
        let never = Notify(Notify::NEVER);
        assert!(!never.on_failure() && !never.on_delay() && !never.on_success());
        assert_eq!(never.param().as_deref(), Some("NEVER"));
        let s = Notify(Notify::SUCCESS | Notify::DELAY);
        assert!(!s.on_failure() && s.on_success());
        assert_eq!(s.param().as_deref(), Some("SUCCESS,DELAY"));
    }
}
