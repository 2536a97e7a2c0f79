//! The decision per recipient: which thresholds and actions apply to each recipient of a
//! message, and how their decisions make the one SMTP answer.
//!
//! Precedence, per value: the recipient's user (`user set --spam-junk-score`,
//! `--spam-reject-score`), else its domain (`domain set`: spam scores, `--spam-action`,
//! `--dmarc-reject`, `--dmarc-quarantine`), else the server (`inbound.spam_junk_score`,
//! `inbound.spam_reject_score`, `inbound.spam_action`, `inbound.dmarc_reject`,
//! `inbound.dmarc_quarantine`). Only the spam verdict (rspamd's answer) and the action for a
//! DMARC failure vary per recipient; everything else (a virus, a blocklisted client, a
//! spoof of our own domain, a DNS error) is the same for all of them.
//!
//! Several recipients, different decisions. After DATA, SMTP has one answer for the whole
//! transaction (RFC 5321 §4.2.5; only LMTP answers per recipient), so:
//! - the message is refused (5xx at DATA, the sender's MTA bounces: no backscatter from us)
//!   only when **every** recipient would refuse it;
//! - it is deferred (4xx) when some recipient would defer it and none accepts it outright
//!   (a DNS or scanner failure applies to all, so the retry helps every one);
//! - otherwise it is accepted, and each recipient gets it where its own decision says: INBOX,
//!   or Junk for a recipient whose policy junks *or refuses* it. A refusal that cannot be
//!   given to one recipient alone becomes that recipient's Junk, never a silent drop.
//!
//! This is mox's model (decide per recipient) rather than rspamd's (settings of the first
//! recipient for the whole message), so one user's strict thresholds never cost another
//! user a message, and a loose domain never lets spam into a strict one's INBOX.
//! Aliases: a recipient is judged by the address given at RCPT (an alias is judged by its
//! own domain's policy, not that of the mailboxes it expands to).
//!
//! Not here: the checks themselves (`stages`, `scan`), storing the overrides
//! (`core::overrides`).

use std::net::IpAddr;

use serde::Serialize;

use super::policy::{Policy, Requested, action_word};
use super::scan::rspamd::{self, Answer, Limits};
use super::scan::spamd;
use super::{Action, Decision, Envelope, Res, Verdict};
use crate::core::overrides::Override;

/// Where a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Server,
    Domain,
    User,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Server => "server",
            Source::Domain => "domain",
            Source::User => "user",
        }
    }
}

/// A value and the level it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Applied<T> {
    pub value: T,
    pub from: Source,
}

/// The thresholds and actions that apply to one recipient. Actions are the words of the
/// settings: `reject`, `junk`, `tag`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Thresholds {
    pub spam_junk_score: Applied<f64>,
    pub spam_reject_score: Applied<f64>,
    pub spam_action: Applied<String>,
    pub dmarc_reject: Applied<String>,
    pub dmarc_quarantine: Applied<String>,
}

/// One recipient's decision.
#[derive(Debug, Clone, Serialize)]
pub struct RcptDecision {
    pub rcpt: String,
    /// What this recipient's policy alone asks for.
    pub action: Action,
    pub reason: String,
    #[serde(skip)]
    pub method: &'static str,
    /// The message goes to this recipient's Junk folder (when it is accepted at all).
    pub junk: bool,
    /// Spam by this recipient's thresholds (whatever its spam action does about it).
    pub spam: bool,
    pub thresholds: Thresholds,
}

/// The settings' word for an action (`Accept` is tag: deliver with the header only).
fn word(a: Action) -> &'static str {
    match a {
        Action::Reject => "reject",
        Action::Junk => "junk",
        Action::TempFail => "tempfail",
        Action::Accept => "tag",
    }
}

/// The user's value, else the domain's, else the server's.
fn pick<T>(server: T, domain: Option<T>, user: Option<T>) -> Applied<T> {
    match (user, domain) {
        (Some(value), _) => Applied {
            value,
            from: Source::User,
        },
        (None, Some(value)) => Applied {
            value,
            from: Source::Domain,
        },
        (None, None) => Applied {
            value: server,
            from: Source::Server,
        },
    }
}

/// The thresholds for `rcpt`, from the overrides the policy was read with.
pub fn thresholds(policy: &Policy, rcpt: &str) -> Thresholds {
    let domain = rcpt
        .rsplit_once('@')
        .map_or("", |(_, d)| d)
        .trim_end_matches('.');
    let find = |list: &[(String, Override)], key: &str| {
        list.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, o)| o.clone())
    };
    let d = find(&policy.overrides.domains, domain).unwrap_or_default();
    let u = find(&policy.overrides.users, rcpt).unwrap_or_default();
    // Users set only scores (core refuses more); a hand-edited action is ignored.
    let s = &policy.scanners;
    Thresholds {
        spam_junk_score: pick(s.junk_score, d.spam_junk_score, u.spam_junk_score),
        spam_reject_score: pick(s.reject_score, d.spam_reject_score, u.spam_reject_score),
        spam_action: pick(word(policy.spam_action).into(), d.spam_action, None),
        dmarc_reject: pick(word(policy.dmarc_reject).into(), d.dmarc_reject, None),
        dmarc_quarantine: pick(
            word(policy.dmarc_quarantine).into(),
            d.dmarc_quarantine,
            None,
        ),
    }
}

impl Thresholds {
    /// An action word as an action; a word the core would not have stored falls back to
    /// `fallback` (the server's).
    fn action(a: &Applied<String>, fallback: Action) -> Action {
        action_word("", &a.value).unwrap_or(fallback)
    }

    pub fn limits(&self, policy: &Policy) -> Limits {
        Limits {
            junk_score: self.spam_junk_score.value,
            reject_score: self.spam_reject_score.value,
            cap: Self::action(&self.spam_action, policy.spam_action),
        }
    }
}

/// The server's own thresholds, as the message-wide verdicts show them.
pub fn server_limits(policy: &Policy) -> Limits {
    Limits {
        cap: policy.spam_action,
        ..Limits::of(&policy.scanners)
    }
}

/// What the spam scanners answered (when they did), to be judged per recipient.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scores<'a> {
    pub rspamd: Option<&'a Answer>,
    pub spamd: Option<&'a spamd::Answer>,
}

/// The verdicts as `t` sees them: each spam scanner's answer judged by its thresholds, a
/// DMARC failure given its domain's action.
fn verdicts_for(
    policy: &Policy,
    t: &Thresholds,
    verdicts: &[Verdict],
    spam: Scores,
) -> Vec<Verdict> {
    verdicts
        .iter()
        .map(|v| match (v.method, v.dmarc_applied) {
            ("rspamd", _) if v.result != Res::TempError => match spam.rspamd {
                Some(a) => rspamd::judge(&t.limits(policy), policy.scanners.rspamd_down, Ok(a)),
                None => v.clone(),
            },
            ("spamd", _) => match spam.spamd {
                Some(a) => {
                    let asked = spamd::Asked::Scored(a.clone());
                    spamd::judge(&t.limits(policy), policy.scanners.spamd_down, &asked)
                }
                None => v.clone(),
            },
            ("dmarc", Some(applied)) if v.result == Res::Fail => {
                let action = match applied {
                    Requested::Reject => Thresholds::action(&t.dmarc_reject, policy.dmarc_reject),
                    Requested::Quarantine => {
                        Thresholds::action(&t.dmarc_quarantine, policy.dmarc_quarantine)
                    }
                    Requested::None => Action::Accept,
                };
                v.clone().action(action)
            }
            _ => v.clone(),
        })
        .collect()
}

/// Each recipient's decision, in the envelope's order.
pub fn decide_each(
    policy: &Policy,
    env: &Envelope,
    verdicts: &[Verdict],
    spam: Scores,
) -> Vec<RcptDecision> {
    env.rcpts
        .iter()
        .map(|rcpt| {
            let t = thresholds(policy, rcpt);
            let own = verdicts_for(policy, &t, verdicts, spam);
            let d = super::decide(policy, env.ip, &own);
            RcptDecision {
                rcpt: rcpt.clone(),
                action: d.action,
                reason: d.reason,
                method: d.method,
                junk: false,
                spam: own
                    .iter()
                    .any(|v| matches!(v.method, "rspamd" | "spamd") && v.result == Res::Fail),
                thresholds: t,
            }
        })
        .collect()
}

/// The one SMTP answer from the recipients' decisions (see the module doc), marking which
/// recipients get the message in Junk.
pub fn combine(
    policy: &Policy,
    ip: IpAddr,
    verdicts: &[Verdict],
    each: &mut [RcptDecision],
) -> Decision {
    let of = |r: &RcptDecision| Decision {
        action: r.action,
        reason: r.reason.clone(),
        method: r.method,
    };
    if each.is_empty() {
        return super::decide(policy, ip, verdicts);
    }
    if each.iter().all(|r| r.action == Action::Reject) {
        return of(&each[0]);
    }
    if let Some(r) = each.iter().find(|r| r.action == Action::TempFail)
        && !each.iter().any(|r| r.action == Action::Accept)
    {
        return of(r);
    }
    for r in each.iter_mut() {
        r.junk = matches!(r.action, Action::Junk | Action::Reject | Action::TempFail);
    }
    let junked = each.iter().filter(|r| r.junk).count();
    let first_junk = each.iter().find(|r| r.junk);
    match first_junk {
        None => of(&each[0]),
        Some(r) if junked == each.len() => Decision {
            action: Action::Junk,
            reason: r.reason.clone(),
            method: r.method,
        },
        Some(r) => Decision {
            action: Action::Accept,
            reason: format!(
                "per recipient: {junked} of {} to Junk ({}: {})",
                each.len(),
                r.rcpt,
                r.reason
            ),
            method: "",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::Stage;
    use super::*;

    fn policy() -> Policy {
        let mut p = Policy::defaults(vec!["a.test".into(), "b.test".into()], "mx");
        p.overrides.domains = vec![(
            "a.test".into(),
            Override {
                spam_junk_score: Some(3.0),
                spam_reject_score: Some(8.0),
                dmarc_reject: Some("junk".into()),
                ..Default::default()
            },
        )];
        p.overrides.users = vec![(
            "strict@a.test".into(),
            Override {
                spam_reject_score: Some(4.0),
                ..Default::default()
            },
        )];
        p
    }

    fn env(rcpts: &[&str]) -> Envelope {
        Envelope {
            ip: "192.0.2.1".parse().unwrap(),
            helo: "h".into(),
            mail_from: "s@sender.test".into(),
            rcpts: rcpts.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn answer(score: f64) -> Answer {
        Answer {
            score,
            action: "no action".into(),
            symbols: vec![],
        }
    }

    /// The message-wide verdicts with the server's thresholds, as `stages` makes them.
    fn scanned(p: &Policy, a: &Answer) -> Vec<Verdict> {
        vec![rspamd::judge(&server_limits(p), Action::Accept, Ok(a))]
    }

    fn run(
        p: &Policy,
        rcpts: &[&str],
        v: &[Verdict],
        a: Option<&Answer>,
    ) -> (Decision, Vec<RcptDecision>) {
        let e = env(rcpts);
        let scores = Scores {
            rspamd: a,
            spamd: None,
        };
        let mut each = decide_each(p, &e, v, scores);
        let d = combine(p, e.ip, v, &mut each);
        (d, each)
    }

    #[test]
    fn user_over_domain_over_server() {
        let p = policy();
        let t = thresholds(&p, "Strict@A.test");
        assert_eq!(t.spam_reject_score.value, 4.0);
        assert_eq!(t.spam_reject_score.from, Source::User);
        assert_eq!(t.spam_junk_score.value, 3.0);
        assert_eq!(t.spam_junk_score.from, Source::Domain);
        assert_eq!(t.spam_action.value, "reject");
        assert_eq!(t.spam_action.from, Source::Server);
        let t = thresholds(&p, "x@b.test");
        assert_eq!(t.spam_junk_score.value, 6.0);
        assert_eq!(t.spam_junk_score.from, Source::Server);
        assert_eq!(t.dmarc_quarantine.value, "junk");
    }

    #[test]
    fn each_recipient_gets_its_own_folder() {
        let p = policy();
        let a = answer(5.0);
        let v = scanned(&p, &a);
        // 5.0: under the server's junk score, over a.test's.
        let (d, each) = run(&p, &["x@b.test", "y@a.test"], &v, Some(&a));
        assert_eq!(d.action, Action::Accept, "{d:?}");
        assert!(
            d.reason.starts_with("per recipient: 1 of 2 to Junk"),
            "{}",
            d.reason
        );
        assert_eq!((each[0].junk, each[1].junk), (false, true));
        assert!(each[1].spam && !each[0].spam);
        // The whole message to Junk when every recipient junks it.
        let (d, _) = run(&p, &["y@a.test", "z@a.test"], &v, Some(&a));
        assert_eq!(d.action, Action::Junk);
    }

    #[test]
    fn a_reject_only_when_every_recipient_rejects() {
        let p = policy();
        let a = answer(4.5);
        let v = scanned(&p, &a);
        let (d, each) = run(&p, &["strict@a.test"], &v, Some(&a));
        assert_eq!(d.action, Action::Reject, "{d:?}");
        assert_eq!(each[0].action, Action::Reject);
        // Another recipient accepts: the strict one gets it in Junk, nothing is lost.
        let (d, each) = run(&p, &["strict@a.test", "x@b.test"], &v, Some(&a));
        assert_eq!(d.action, Action::Accept, "{d:?}");
        assert!(each[0].junk && !each[1].junk);
        // Something that applies to all (a virus) refuses for all.
        let mut virus = v.clone();
        virus.push(Verdict::new(Stage::Data, "clamd", Res::Fail, "Eicar").action(Action::Reject));
        let (d, _) = run(&p, &["strict@a.test", "x@b.test"], &virus, Some(&a));
        assert_eq!(d.action, Action::Reject);
    }

    #[test]
    fn spam_action_caps_what_spam_gets() {
        let mut p = policy();
        p.overrides.domains.push((
            "b.test".into(),
            Override {
                spam_action: Some("tag".into()),
                ..Default::default()
            },
        ));
        // GTUBE: rspamd's own reject.
        let gtube = Answer {
            score: 0.0,
            action: "reject".into(),
            symbols: vec![],
        };
        let v = scanned(&p, &gtube);
        let (d, each) = run(&p, &["x@b.test"], &v, Some(&gtube));
        assert_eq!(d.action, Action::Accept, "{d:?}");
        assert!(each[0].spam && !each[0].junk, "tagged: spam, but in INBOX");
        p.overrides.domains[1].1.spam_action = Some("junk".into());
        let (d, _) = run(&p, &["x@b.test"], &v, Some(&gtube));
        assert_eq!(d.action, Action::Junk);
    }

    #[test]
    fn dmarc_failures_take_the_recipient_domains_action() {
        let p = policy();
        let mut v =
            Verdict::new(Stage::Data, "dmarc", Res::Fail, "not aligned").action(Action::Reject);
        v.dmarc_applied = Some(Requested::Reject);
        let (d, each) = run(&p, &["x@b.test", "y@a.test"], &[v.clone()], None);
        assert_eq!(
            each[0].action,
            Action::Reject,
            "server: inbound.dmarc_reject"
        );
        assert_eq!(each[1].action, Action::Junk, "a.test: --dmarc-reject junk");
        // b.test would refuse, a.test junks: accepted, into both Junk folders.
        assert_eq!(d.action, Action::Junk);
        assert!(each[0].junk && each[1].junk);
        let (d, _) = run(&p, &["x@b.test"], &[v], None);
        assert_eq!(d.action, Action::Reject);
    }
}
