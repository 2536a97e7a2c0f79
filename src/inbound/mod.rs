//! The inbound pipeline: what mail arriving on port 25 is checked against, stage by stage,
//! and the one decision taken from the verdicts. Never run for authenticated submission.
//!
//! Stages, in the order of the SMTP transaction:
//! - **connect**: DNS allow- and blocklists (`dnswl.zones`, `dnsbl.zones`, read with each
//!   list's return codes, RFC 5782) and forward-confirmed reverse DNS (`iprev`, recorded
//!   only);
//! - **MAIL**: SPF (RFC 7208) for the MAIL FROM identity (postmaster@HELO for the null
//!   sender) and the HELO identity;
//! - **end of data**: DKIM (RFC 6376, every signature), ARC (RFC 8617) and DMARC
//!   (RFC 7489: alignment, policy and subdomain policy by mail-auth, `pct` sampling here; a
//!   failure overridden when a trusted forwarder's ARC seal vouches for it: [`arctrust`]).
//!
//! Each stage yields [`Verdict`]s (method, result, reason, and the action that check alone
//! asks for, from the `inbound.*` settings); [`decide`] turns them into one [`Action`]:
//! accept, junk, reject (5xx at DATA, so the sender bounces and we never backscatter) or
//! tempfail. Mail whose `From:` claims one of our own domains and does not pass DMARC is
//! rejected whatever the domain publishes, unless the client is in `mynetworks`.
//! [`results`] renders `Authentication-Results:` (RFC 8601). Every lookup goes through the
//! project's resolver and a shared [`cache::DnsCache`].
//!
//! The decision and the header are pure functions of the verdicts; the stages are the only
//! code that does DNS. `mailctl check message` runs everything on a file; the MX runs it
//! when `inbound.checks` is on, through `smtp::Policy::inbound_connect` (the connect stage,
//! started as the client connects and kept for the session: [`connect`]; a blocklisted
//! client is refused at RCPT through `smtp::Policy::inbound_client`),
//! `smtp::Policy::inbound_mail` (SPF at MAIL, for
//! `inbound.spf_fail = reject`) and `smtp::Policy::inbound` (everything at end of data, on
//! the session's blocking thread, before the `250`; junk is queued for the Junk folder).
//!
//! - **RCPT**: greylisting ([`greylist`], setting `inbound.greylist`);
//! - **end of data**, beside DKIM/DMARC: the content scanners ([`scan`]: rspamd's score, clamd's
//!   virus verdict), which add `X-Spam-Status:` and can refuse, junk or defer.
//!
//! - **the decision per recipient** ([`recipients`]): a recipient's domain and user may set
//!   their own spam thresholds and actions; a message is refused only when every recipient
//!   refuses it.
//!
//! Beside the pipeline, [`screen`] remembers clients that passed port 25's pre-greeting
//! test (the wait itself is the SMTP listener's), so they are greeted at once.
//!
//! Not here (yet): learning from Junk moves.

pub mod arctrust;
pub mod cache;
pub mod connect;
pub mod greylist;
pub mod policy;
pub mod recipients;
pub mod results;
pub mod scan;
pub mod screen;
mod stages;

use std::net::IpAddr;

use serde::Serialize;

pub use policy::Policy;
pub use stages::{Checker, MailStage};

/// Where in the SMTP transaction a check runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Connect,
    Mail,
    Data,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Connect => "connect",
            Stage::Mail => "mail",
            Stage::Data => "data",
        }
    }
}

/// A check's result: RFC 8601's result words, plus listed / not listed for DNS lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Res {
    Pass,
    Fail,
    SoftFail,
    Neutral,
    None,
    TempError,
    PermError,
    Listed,
    NotListed,
}

impl Res {
    pub fn as_str(self) -> &'static str {
        match self {
            Res::Pass => "pass",
            Res::Fail => "fail",
            Res::SoftFail => "softfail",
            Res::Neutral => "neutral",
            Res::None => "none",
            Res::TempError => "temperror",
            Res::PermError => "permerror",
            Res::Listed => "listed",
            Res::NotListed => "notlisted",
        }
    }
}

/// What to do with the message. Ordered by precedence: when checks disagree, the later one
/// wins (a reject beats a tempfail, which beats junk).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Accept,
    Junk,
    TempFail,
    Reject,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::Junk => "junk",
            Action::TempFail => "tempfail",
            Action::Reject => "reject",
        }
    }
}

/// An `Authentication-Results` property such as `smtp.mailfrom` or `header.d`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Prop {
    pub name: String,
    pub value: String,
}

/// One check's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub stage: Stage,
    /// `dnsbl`, `dnswl`, `iprev`, `spf`, `dkim`, `dmarc`, `arc` or `policy`.
    pub method: &'static str,
    pub result: Res,
    /// Why, in words an administrator can act on; empty for a plain pass.
    pub reason: String,
    pub props: Vec<Prop>,
    /// What this check alone asks for (from the settings).
    pub action: Action,
    /// For a DMARC failure: the policy the sender's domain asked for after `pct` sampling,
    /// which each recipient's domain maps to its own action ([`recipients`]).
    #[serde(skip)]
    pub dmarc_applied: Option<policy::Requested>,
}

impl Verdict {
    pub fn new(stage: Stage, method: &'static str, result: Res, reason: impl Into<String>) -> Self {
        Verdict {
            stage,
            method,
            result,
            reason: reason.into(),
            props: Vec::new(),
            action: Action::Accept,
            dmarc_applied: None,
        }
    }

    pub fn prop(mut self, name: &str, value: impl Into<String>) -> Self {
        self.props.push(Prop {
            name: name.into(),
            value: value.into(),
        });
        self
    }

    pub fn action(mut self, action: Action) -> Self {
        self.action = action;
        self
    }

    /// The value of a property, if set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.props
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.value.as_str())
    }
}

/// The SMTP envelope of the message being checked.
#[derive(Debug, Clone)]
pub struct Envelope {
    pub ip: IpAddr,
    pub helo: String,
    /// The MAIL FROM address; empty for the null sender `<>`.
    pub mail_from: String,
    pub rcpts: Vec<String>,
}

/// The final decision and the check that caused it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub action: Action,
    pub reason: String,
    /// The check that decided (`clamd` for a virus, whose refusal the SMTP session words
    /// differently); empty when none objected.
    pub method: &'static str,
}

/// Everything the pipeline found about one message.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub verdicts: Vec<Verdict>,
    pub decision: Decision,
    /// Each recipient's own decision, in the envelope's order ([`recipients`]).
    pub recipients: Vec<recipients::RcptDecision>,
    pub authentication_results: String,
    /// Every header field the message gets, ready to prepend: `Authentication-Results:`
    /// and, when rspamd was asked, `X-Spam-Status:` (and `X-Spam: Yes` for junk).
    pub prepend: String,
}

/// The pipeline as the SMTP server holds it (setting `inbound.checks`): one checker (resolver
/// and DNS cache shared by all sessions) and the policy read at start, the fallback when
/// the settings cannot be read again for a message.
pub struct Inbound {
    pub checker: Checker,
    pub policy: Policy,
}

impl Inbound {
    /// Runs the whole pipeline on a finished message from a blocking thread (the SMTP
    /// session's), with the session's connect verdicts when it has them ([`connect`]) and
    /// the transaction's MAIL stage when it ran ([`Inbound::mail_blocking`]), driving the
    /// lookups on the runtime the thread belongs to. Verification
    /// work (hashing) stays on this thread, off the tokio workers. `None` outside a runtime.
    pub fn check_blocking(
        &self,
        policy: &Policy,
        env: &Envelope,
        message: &[u8],
        connect: Option<Vec<Verdict>>,
        mail: Option<MailStage>,
    ) -> Option<Report> {
        let handle = tokio::runtime::Handle::try_current().ok()?;
        let sample = (getrandom::u32().unwrap_or(0) % 100) as u8;
        let check = self
            .checker
            .check_with(policy, env, message, sample, connect, mail);
        Some(handle.block_on(check))
    }
}

impl Inbound {
    /// The MAIL stage alone (SPF), from a blocking thread: the stage, for the end of data
    /// of the same transaction (SPF is evaluated once per message), and the refusal reason
    /// when the policy rejects on the SPF result. `None` for `mynetworks` (never refused
    /// here; the end of data runs the stage itself) and outside a runtime.
    pub fn mail_blocking(
        &self,
        policy: &Policy,
        env: &Envelope,
    ) -> Option<(MailStage, Option<String>)> {
        if policy.in_mynetworks(env.ip) {
            return None;
        }
        let handle = tokio::runtime::Handle::try_current().ok()?;
        let mail = handle.block_on(self.checker.mail(policy, env));
        let refusal = mail
            .verdicts
            .iter()
            .find(|v| v.action == Action::Reject)
            .map(|v| v.reason.clone());
        Some((mail, refusal))
    }
}

/// What greylisting needs to know from DNS about a client and sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GreylistFacts {
    /// The client is on one of the `dnswl.zones` lists.
    pub dnswl_listed: bool,
    /// SPF passes for the sender (cached from the MAIL stage).
    pub spf_pass: bool,
}

impl Inbound {
    /// The DNS facts greylisting skips on, from a blocking thread; `None` outside a runtime.
    pub fn greylist_facts_blocking(
        &self,
        policy: &Policy,
        ip: IpAddr,
        helo: &str,
        sender: &str,
    ) -> Option<GreylistFacts> {
        let handle = tokio::runtime::Handle::try_current().ok()?;
        let env = Envelope {
            ip,
            helo: helo.to_string(),
            mail_from: sender.to_string(),
            rcpts: Vec::new(),
        };
        let (dnswl_listed, spf_pass) = handle.block_on(async {
            tokio::join!(
                self.checker.dnswl_listed(policy, ip),
                self.checker.spf_passes(policy, &env)
            )
        });
        Some(GreylistFacts {
            dnswl_listed,
            spf_pass,
        })
    }
}

/// One log line's worth of the verdicts: `spf=pass dkim=fail dmarc=fail ...`.
/// Scanner verdicts carry what the scanner said: `rspamd=fail(7.20)`, `spamd=pass(1.30)`,
/// `clamd=fail(Eicar)`.
pub fn summary(verdicts: &[Verdict]) -> String {
    verdicts
        .iter()
        .filter(|v| v.result != Res::NotListed)
        .map(|v| {
            let said = v
                .get("rspamd.score")
                .or_else(|| v.get("spamd.score"))
                .or_else(|| v.get("clamd.virus"));
            match (v.get("dns.zone"), said) {
                (Some(z), _) => format!("{}:{z}={}", v.method, v.result.as_str()),
                (None, Some(x)) => format!("{}={}({x})", v.method, v.result.as_str()),
                (None, None) => format!("{}={}", v.method, v.result.as_str()),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The one decision: `mynetworks` is accepted whatever the checks say (it is ours) except
/// for a virus; a DNSWL listing cancels DNSBL listings; otherwise the strongest action any
/// check asks for, with the first such check's reason.
pub fn decide(policy: &Policy, ip: IpAddr, verdicts: &[Verdict]) -> Decision {
    let virus = verdicts
        .iter()
        .find(|v| v.method == "clamd" && v.result == Res::Fail);
    if policy.in_mynetworks(ip) && virus.is_none() {
        return Decision {
            action: Action::Accept,
            reason: format!("{ip} is in mynetworks"),
            method: "",
        };
    }
    let allowlisted = verdicts
        .iter()
        .any(|v| v.method == "dnswl" && v.result == Res::Listed);
    let worst = verdicts
        .iter()
        .filter(|v| !(allowlisted && v.method == "dnsbl"))
        .fold(None::<&Verdict>, |w, v| match w {
            Some(w) if w.action >= v.action => Some(w),
            _ => Some(v),
        });
    match worst {
        Some(v) if v.action != Action::Accept => Decision {
            action: v.action,
            reason: format!("{} {}: {}", v.method, v.result.as_str(), v.reason),
            method: v.method,
        },
        _ => Decision {
            action: Action::Accept,
            reason: "no check objected".into(),
            method: "",
        },
    }
}

/// The `X-Spam-Status:` field (SpamAssassin's name, which mail clients' filters know) when
/// a spam scanner (rspamd, else spamd) gave a score, plus `X-Spam: Yes` when the message
/// goes to Junk or `any_spam`: some recipient's thresholds judge it spam (one spool file
/// serves every recipient, so the header says what the strictest of them found; a domain
/// with `tag` gets only this).
pub fn spam_headers(verdicts: &[Verdict], decision: &Decision, any_spam: bool) -> String {
    let scored = |m: &str| {
        verdicts
            .iter()
            .find(|v| v.method == m && v.get(&format!("{m}.score")).is_some())
    };
    let Some(v) = scored("rspamd").or_else(|| scored("spamd")) else {
        return String::new();
    };
    let spam = v.result == Res::Fail || any_spam;
    let mut h = format!(
        "X-Spam-Status: {}, score={}",
        if spam { "Yes" } else { "No" },
        v.get(&format!("{}.score", v.method)).unwrap_or("?"),
    );
    match v.get("rspamd.action") {
        Some(a) => h.push_str(&format!(", action={a}\r\n")),
        None => h.push_str(&format!(", scanner={}\r\n", v.method)),
    }
    if decision.action == Action::Junk || spam {
        h.push_str("X-Spam: Yes\r\n");
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        let mut p = Policy::defaults(vec!["ours.test".into()], "mx.ours.test");
        p.mynetworks = vec!["10.0.0.0/8".parse().unwrap()];
        p
    }

    fn v(method: &'static str, result: Res, action: Action) -> Verdict {
        Verdict::new(Stage::Data, method, result, format!("{method} says so")).action(action)
    }

    #[test]
    fn the_strongest_action_wins_with_its_reason() {
        let p = policy();
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let d = decide(
            &p,
            ip,
            &[
                v("spf", Res::Fail, Action::Junk),
                v("dmarc", Res::TempError, Action::TempFail),
                v("dkim", Res::Pass, Action::Accept),
            ],
        );
        assert_eq!(d.action, Action::TempFail);
        assert_eq!(d.reason, "dmarc temperror: dmarc says so");
        let d = decide(
            &p,
            ip,
            &[
                v("dnsbl", Res::Listed, Action::Reject),
                v("dmarc", Res::Fail, Action::Junk),
            ],
        );
        assert_eq!(d.action, Action::Reject);
        assert!(d.reason.starts_with("dnsbl listed"));
        assert_eq!(decide(&p, ip, &[]).action, Action::Accept);
    }

    #[test]
    fn the_log_summary_names_lists_and_what_scanners_said() {
        let verdicts = [
            v("spf", Res::Pass, Action::Accept),
            Verdict::new(Stage::Connect, "dnsbl", Res::Listed, "x").prop("dns.zone", "bl.test"),
            Verdict::new(Stage::Connect, "dnsbl", Res::NotListed, "").prop("dns.zone", "ok.test"),
            v("rspamd", Res::Fail, Action::Junk).prop("rspamd.score", "7.20"),
            v("clamd", Res::Fail, Action::Reject).prop("clamd.virus", "Eicar"),
        ];
        assert_eq!(
            summary(&verdicts),
            "spf=pass dnsbl:bl.test=listed rspamd=fail(7.20) clamd=fail(Eicar)"
        );
    }

    #[test]
    fn mynetworks_and_allowlists_override() {
        let p = policy();
        let listed = [
            v("dnsbl", Res::Listed, Action::Reject),
            v("dnswl", Res::Listed, Action::Accept),
        ];
        let outside: IpAddr = "192.0.2.1".parse().unwrap();
        assert_eq!(decide(&p, outside, &listed).action, Action::Accept);
        // The allowlist cancels only blocklists, not a DMARC rejection.
        let mut with_dmarc = listed.to_vec();
        with_dmarc.push(v("dmarc", Res::Fail, Action::Reject));
        assert_eq!(decide(&p, outside, &with_dmarc).action, Action::Reject);
        let inside: IpAddr = "10.1.2.3".parse().unwrap();
        let d = decide(&p, inside, &with_dmarc);
        assert_eq!(d.action, Action::Accept);
        assert!(d.reason.contains("mynetworks"));
    }

    #[test]
    fn spamd_scores_make_x_spam_status_when_rspamd_gave_none() {
        let junk = Decision {
            action: Action::Junk,
            reason: String::new(),
            method: "spamd",
        };
        let spamd = v("spamd", Res::Fail, Action::Junk).prop("spamd.score", "7.30");
        let down = v("rspamd", Res::TempError, Action::Accept);
        assert_eq!(
            spam_headers(&[down, spamd.clone()], &junk, false),
            "X-Spam-Status: Yes, score=7.30, scanner=spamd\r\nX-Spam: Yes\r\n"
        );
        assert_eq!(summary(&[spamd]), "spamd=fail(7.30)");
        let rspamd = v("rspamd", Res::Pass, Action::Accept)
            .prop("rspamd.score", "1.00")
            .prop("rspamd.action", "no action");
        let spamd = v("spamd", Res::Pass, Action::Accept).prop("spamd.score", "2.00");
        assert_eq!(
            spam_headers(&[spamd, rspamd], &junk, false),
            "X-Spam-Status: No, score=1.00, action=no action\r\nX-Spam: Yes\r\n",
            "rspamd's score first, as before"
        );
    }
}
