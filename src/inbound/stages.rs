//! The stages that ask DNS: connect (lists, iprev), MAIL (SPF) and end of data (DKIM, ARC,
//! DMARC), each mapping mail-auth's outputs to [`Verdict`]s with the configured action.

use std::net::IpAddr;
use std::sync::Arc;

use hickory_resolver::TokioResolver;
use mail_auth::common::cache::NoCache;
use mail_auth::{
    AuthenticatedMessage, DkimResult, DmarcResult, IprevResult, MessageAuthenticator, Parameters,
    SpfOutput, SpfResult,
};

use super::arctrust;
use super::cache::{DnsCache, TtlCache};
use super::policy::{self, Policy, Requested};
use super::{Action, Decision, Envelope, Report, Res, Stage, Verdict};
use crate::dns::check::dnsbl::{self, Verdict as ListVerdict};

/// Runs the stages with one resolver and one cache (both shared across messages).
#[derive(Clone)]
pub struct Checker {
    auth: MessageAuthenticator,
    cache: Arc<DnsCache>,
}

type Cached<'x, P> = Parameters<
    'x,
    P,
    TtlCache<Box<str>, mail_auth::Txt>,
    TtlCache<Box<str>, mail_auth::RecordSet<mail_auth::MX>>,
    TtlCache<Box<str>, mail_auth::RecordSet<std::net::Ipv4Addr>>,
    TtlCache<Box<str>, mail_auth::RecordSet<std::net::Ipv6Addr>>,
    TtlCache<IpAddr, mail_auth::RecordSet<Box<str>>>,
>;

/// What the MAIL stage hands on to DMARC (and the SMTP session from MAIL to its end of data).
#[derive(Clone)]
pub struct MailStage {
    pub verdicts: Vec<Verdict>,
    spf: SpfOutput,
    mail_from_domain: String,
}

impl Checker {
    pub fn new(resolver: TokioResolver) -> Checker {
        Checker {
            auth: MessageAuthenticator(resolver),
            cache: Arc::new(DnsCache::default()),
        }
    }

    fn resolver(&self) -> &TokioResolver {
        &self.auth.0
    }

    fn params<'x, P>(&'x self, p: P) -> Cached<'x, P> {
        let c = &self.cache;
        let base: Parameters<
            'x,
            P,
            NoCache<_, _>,
            NoCache<_, _>,
            NoCache<_, _>,
            NoCache<_, _>,
            NoCache<_, _>,
        > = Parameters::new(p);
        base.with_txt_cache(&c.txt)
            .with_mx_cache(&c.mx)
            .with_ipv4_cache(&c.ipv4)
            .with_ipv6_cache(&c.ipv6)
            .with_ptr_cache(&c.ptr)
    }

    /// The whole pipeline on one message, as `check message` runs it. `sample` (0-99) is
    /// the DMARC `pct` draw.
    pub async fn check(
        &self,
        policy: &Policy,
        env: &Envelope,
        message: &[u8],
        sample: u8,
    ) -> Report {
        self.check_with(policy, env, message, sample, None, None)
            .await
    }

    /// [`Checker::check`] with the connect stage's verdicts when the SMTP session already
    /// has them (looked up as the client connected) and the MAIL stage when it ran for this
    /// envelope at MAIL; `None` asks now.
    pub async fn check_with(
        &self,
        policy: &Policy,
        env: &Envelope,
        message: &[u8],
        sample: u8,
        connect: Option<Vec<Verdict>>,
        mail: Option<MailStage>,
    ) -> Report {
        // The connect and MAIL stages are independent: their lookups overlap.
        let connect_stage = async {
            match connect {
                Some(v) => v,
                None => self.connect(policy, env.ip).await,
            }
        };
        let mail_stage = async {
            match mail {
                Some(m) => m,
                None => self.mail(policy, env).await,
            }
        };
        let (mut verdicts, mail) = tokio::join!(connect_stage, mail_stage);
        verdicts.extend(mail.verdicts.iter().cloned());
        // The scanners work while DKIM and DMARC are verified; rspamd gets the client's
        // name when iprev confirmed one.
        let hostname = verdicts
            .iter()
            .find(|v| v.method == "iprev" && v.result == super::Res::Pass)
            .and_then(|v| v.reason.split_whitespace().next())
            .map(str::to_string);
        let (data, rspamd, spamd, clamd) = tokio::join!(
            self.data(policy, &mail, message, sample),
            super::scan::rspamd::ask(&policy.scanners, env, hostname.as_deref(), message),
            super::scan::spamd::ask(&policy.scanners, message),
            super::scan::clamd::verdict(&policy.scanners, message),
        );
        verdicts.extend(data);
        // The verdicts as the server's thresholds see them; each recipient's own below.
        let server = super::recipients::server_limits(policy);
        if let Some(asked) = &rspamd {
            verdicts.push(super::scan::rspamd::judge(
                &server,
                policy.scanners.rspamd_down,
                asked.as_ref().map_err(String::as_str),
            ));
        }
        if let Some(asked) = &spamd {
            verdicts.push(super::scan::spamd::judge(
                &server,
                policy.scanners.spamd_down,
                asked,
            ));
        }
        verdicts.extend(clamd);
        let scores = super::recipients::Scores {
            rspamd: rspamd.as_ref().and_then(|r| r.as_ref().ok()),
            spamd: match &spamd {
                Some(super::scan::spamd::Asked::Scored(a)) => Some(a),
                _ => None,
            },
        };
        let mut recipients = super::recipients::decide_each(policy, env, &verdicts, scores);
        let decision: Decision =
            super::recipients::combine(policy, env.ip, &verdicts, &mut recipients);
        let authentication_results = super::results::render(&policy.hostname, &verdicts);
        let any_spam = recipients.iter().any(|r| r.spam);
        let prepend =
            authentication_results.clone() + &super::spam_headers(&verdicts, &decision, any_spam);
        Report {
            verdicts,
            decision,
            recipients,
            authentication_results,
            prepend,
        }
    }

    /// Connect: allowlists, blocklists (with each list's return codes) and iprev.
    pub async fn connect(&self, policy: &Policy, ip: IpAddr) -> Vec<Verdict> {
        let mut out = Vec::new();
        let iprev = self.auth.verify_iprev(self.params(ip)).await;
        let names = iprev
            .ptr
            .as_ref()
            .map(|p| {
                p.iter()
                    .map(|n| n.trim_end_matches('.'))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        let (res, reason) = match &iprev.result {
            IprevResult::Pass => (Res::Pass, names.clone()),
            IprevResult::Fail(e) => (Res::Fail, format!("{names}: {e}")),
            IprevResult::TempError(e) => (Res::TempError, e.to_string()),
            IprevResult::PermError(e) => (Res::PermError, e.to_string()),
            IprevResult::None => (Res::None, "no PTR record".into()),
        };
        out.push(
            Verdict::new(Stage::Connect, "iprev", res, reason).prop("policy.iprev", ip.to_string()),
        );
        // Every list at once: a slow list costs its own timeout, not the sum of all of them.
        let mut lookups = tokio::task::JoinSet::new();
        let lists = policy
            .dnswl_zones
            .iter()
            .map(|z| (z, "dnswl"))
            .chain(policy.dnsbl_zones.iter().map(|z| (z, "dnsbl")));
        for (i, (zone, method)) in lists.enumerate() {
            let (r, zone) = (self.resolver().clone(), zone.clone());
            lookups.spawn(async move {
                let answer = dnsbl::ask(&r, ip, &zone).await;
                (i, zone, method, answer)
            });
        }
        let mut answers = lookups.join_all().await;
        answers.sort_by_key(|a| a.0);
        for (_, zone, method, answer) in answers {
            let v = match answer {
                ListVerdict::Listed(meaning) => {
                    let codes: Vec<&str> = meaning
                        .iter()
                        .filter_map(|m| m.split_whitespace().next())
                        .collect();
                    let v = Verdict::new(Stage::Connect, method, Res::Listed, meaning.join("; "))
                        .prop("dns.zone", zone)
                        .prop("policy.ip", codes.join(","));
                    if method == "dnsbl" {
                        v.action(policy.dnsbl_action)
                    } else {
                        v
                    }
                }
                ListVerdict::NotListed => {
                    Verdict::new(Stage::Connect, method, Res::NotListed, "").prop("dns.zone", zone)
                }
                ListVerdict::Error { reason, .. } => {
                    Verdict::new(Stage::Connect, method, Res::TempError, reason)
                        .prop("dns.zone", zone)
                }
            };
            out.push(v);
        }
        out
    }

    /// Whether the client is on any `dnswl.zones` list (greylisting skips it); a list that
    /// cannot be asked counts as not listing it.
    pub async fn dnswl_listed(&self, policy: &Policy, ip: IpAddr) -> bool {
        for zone in &policy.dnswl_zones {
            let name = dnsbl::query_name(ip, zone);
            if let Ok(codes) = crate::dns::lookup::a(self.resolver(), &name).await
                && matches!(dnsbl::judge(zone, &codes), ListVerdict::Listed(_))
            {
                return true;
            }
        }
        false
    }

    /// Whether SPF passes for the MAIL FROM identity (its lookups cached from the MAIL
    /// stage); never for the null sender.
    pub async fn spf_passes(&self, policy: &Policy, env: &Envelope) -> bool {
        if env.mail_from.is_empty() {
            return false;
        }
        let helo = env.helo.trim_end_matches('.');
        let spf = self
            .auth
            .verify_spf(
                self.params(mail_auth::spf::verify::SpfParameters::verify_mail_from(
                    env.ip,
                    helo,
                    &policy.hostname,
                    &env.mail_from,
                )),
            )
            .await;
        spf.result() == SpfResult::Pass
    }

    /// MAIL: SPF for the HELO and MAIL FROM identities (RFC 7208 §2.3, §2.4).
    pub async fn mail(&self, policy: &Policy, env: &Envelope) -> MailStage {
        let helo = env.helo.trim_end_matches('.');
        let host = policy.hostname.as_str();
        let helo_spf = self
            .auth
            .verify_spf(
                self.params(mail_auth::spf::verify::SpfParameters::verify_ehlo(
                    env.ip, helo, host,
                )),
            )
            .await;
        // The null sender is checked as postmaster@HELO (RFC 7208 §2.4).
        let sender = if env.mail_from.is_empty() {
            format!("postmaster@{helo}")
        } else {
            env.mail_from.clone()
        };
        let spf = self
            .auth
            .verify_spf(
                self.params(mail_auth::spf::verify::SpfParameters::verify_mail_from(
                    env.ip, helo, host, &sender,
                )),
            )
            .await;
        let mail_from_domain = sender
            .rsplit_once('@')
            .map_or(helo, |(_, d)| d)
            .to_ascii_lowercase();
        let helo_v = spf_verdict(env.ip, &helo_spf, Action::Accept).prop("smtp.helo", helo);
        let spf_fail = policy.spf_fail;
        let from_v = spf_verdict(env.ip, &spf, spf_fail).prop("smtp.mailfrom", sender.clone());
        MailStage {
            verdicts: vec![from_v, helo_v],
            spf,
            mail_from_domain,
        }
    }

    /// End of data: every DKIM signature, ARC, then DMARC and the own-domain rule.
    pub async fn data(
        &self,
        policy: &Policy,
        mail: &MailStage,
        message: &[u8],
        sample: u8,
    ) -> Vec<Verdict> {
        // No header section: nothing is signed and no From: claims anything. Recorded; what
        // to do with such mail is not an authentication question.
        let Some(msg) = AuthenticatedMessage::parse(message) else {
            return vec![Verdict::new(
                Stage::Data,
                "dkim",
                Res::None,
                "the message has no header section",
            )];
        };
        let dkim = self.auth.verify_dkim(self.params(&msg)).await;
        let mut out = dkim_verdicts(&dkim);
        let arc = self.auth.verify_arc(self.params(&msg)).await;
        let (res, reason) = dkim_result(arc.result());
        let reason = if res == Res::None {
            "no ARC set".to_string()
        } else {
            reason
        };
        out.push(Verdict::new(Stage::Data, "arc", res, reason));
        // The hop that handed the message to us, when the chain holds (RFC 8617 §7.2).
        let newest = (res == Res::Pass)
            .then(|| arc.sets().last())
            .flatten()
            .map(|s| arctrust::Newest {
                sealer: s.seal.header.d.clone(),
                aar: String::from_utf8_lossy(s.results.value).into_owned(),
            });
        out.extend(self.dmarc(policy, mail, &msg, &dkim, newest, sample).await);
        out
    }

    /// DMARC (RFC 7489) with the configured action, then the own-domain rule: any `From:`
    /// address in one of our domains needs a DMARC pass, even where mail-auth exempts the
    /// message (several From: domains) or our domain publishes no record.
    async fn dmarc(
        &self,
        policy: &Policy,
        mail: &MailStage,
        msg: &AuthenticatedMessage<'_>,
        dkim: &[mail_auth::DkimOutput<'_>],
        arc: Option<arctrust::Newest>,
        sample: u8,
    ) -> Vec<Verdict> {
        let dmarc = self
            .auth
            .verify_dmarc(self.params(mail_auth::dmarc::verify::DmarcParameters::new(
                msg,
                dkim,
                &mail.mail_from_domain,
                &mail.spf,
            )))
            .await;
        let from_domains: Vec<String> = msg
            .from
            .iter()
            .filter_map(|f| f.rsplit_once('@'))
            .map(|(_, d)| d.trim_end_matches('>').to_ascii_lowercase())
            .collect();
        let from_domain = from_domains.first().cloned().unwrap_or_default();
        let (mut res, mut reason) = match dmarc.result() {
            DmarcResult::Pass => (Res::Pass, String::new()),
            DmarcResult::Fail(e) => (Res::Fail, e.to_string()),
            DmarcResult::TempError(e) => (Res::TempError, e.to_string()),
            DmarcResult::PermError(e) => (Res::PermError, e.to_string()),
            DmarcResult::None => (Res::None, "no DMARC record".into()),
        };
        let requested = match dmarc.policy() {
            mail_auth::dmarc::Policy::Reject => Requested::Reject,
            mail_auth::dmarc::Policy::Quarantine => Requested::Quarantine,
            _ => Requested::None,
        };
        let own = from_domains
            .iter()
            .find_map(|d| policy.own_domain(d).map(|o| (d.clone(), o.to_string())));
        // Our own domain where DMARC gave no answer: apply relaxed alignment ourselves.
        if let Some((d, _)) = &own
            && res == Res::None
        {
            let dkim_ok = dkim.iter().any(|o| {
                *o.result() == DkimResult::Pass
                    && o.signature().is_some_and(|s| policy::aligned(&s.d, d))
            });
            let spf_ok =
                mail.spf.result() == SpfResult::Pass && policy::aligned(&mail.mail_from_domain, d);
            if (dkim_ok || spf_ok) && from_domains.iter().all(|f| f == d) {
                (res, reason) = (Res::Pass, "aligned (our domain, no record)".into());
            }
        }
        let pct = if res == Res::Fail && requested != Requested::None {
            self.pct(&from_domain).await
        } else {
            100
        };
        let (action, why) = policy::dmarc_action(policy, res, requested, pct, sample);
        // What a recipient domain's own DMARC actions are applied to (`recipients`).
        let applied = (res == Res::Fail).then(|| policy::applied(requested, pct, sample));
        if !why.is_empty() {
            reason = if reason.is_empty() {
                why
            } else {
                format!("{why}: {reason}")
            };
        }
        if from_domain.is_empty() {
            reason = "no From: address".into();
        }
        let mut verdict = Verdict {
            dmarc_applied: applied,
            ..Verdict::new(Stage::Data, "dmarc", res, reason)
                .prop("header.from", from_domain)
                .action(action)
        };
        arctrust::apply(policy, &mut verdict, arc.as_ref(), &from_domains);
        let mut out = vec![verdict];
        if let Some((_, own)) = own
            && let Some((a, why)) = policy::own_domain_action(&own, res)
        {
            out.push(Verdict::new(Stage::Data, "policy", Res::Fail, why).action(a));
        }
        out
    }

    /// The `pct` of the DMARC record that applies to `domain`: its own, else the nearest
    /// parent's (RFC 7489 §6.6.3 without the public suffix list; parents stop at two labels).
    async fn pct(&self, domain: &str) -> u8 {
        let mut d = domain.trim_end_matches('.');
        loop {
            let name = format!("_dmarc.{d}.");
            if let Ok(l) = self.resolver().txt_lookup(name).await {
                for r in l.answers() {
                    if let hickory_resolver::proto::rr::RData::TXT(t) = &r.data {
                        let text: String = t
                            .txt_data
                            .iter()
                            .map(|s| String::from_utf8_lossy(s).into_owned())
                            .collect();
                        if text
                            .trim_start()
                            .to_ascii_lowercase()
                            .starts_with("v=dmarc1")
                        {
                            return policy::parse_pct(&text);
                        }
                    }
                }
            }
            match d.split_once('.') {
                Some((_, parent)) if parent.contains('.') => d = parent,
                _ => return 100,
            }
        }
    }
}

fn spf_verdict(ip: IpAddr, o: &SpfOutput, on_fail: Action) -> Verdict {
    let d = o.domain();
    let (res, reason, action) = match o.result() {
        SpfResult::Pass => (Res::Pass, format!("{ip} is allowed by {d}"), Action::Accept),
        SpfResult::Fail => (
            Res::Fail,
            match o.explanation() {
                Some(x) => format!("{ip} is not allowed by {d}: {x}"),
                None => format!("{ip} is not allowed by {d}"),
            },
            on_fail,
        ),
        SpfResult::SoftFail => (
            Res::SoftFail,
            format!("{ip} is probably not allowed by {d} (~all)"),
            Action::Accept,
        ),
        SpfResult::Neutral => (
            Res::Neutral,
            format!("{d} makes no statement about {ip}"),
            Action::Accept,
        ),
        SpfResult::TempError => (
            Res::TempError,
            format!("DNS error looking up {d}'s SPF record"),
            Action::Accept,
        ),
        SpfResult::PermError => (
            Res::PermError,
            format!("{d}'s SPF record is broken"),
            Action::Accept,
        ),
        SpfResult::None => (
            Res::None,
            format!("{d} publishes no SPF record"),
            Action::Accept,
        ),
    };
    Verdict::new(Stage::Mail, "spf", res, reason).action(action)
}

/// One verdict per DKIM signature (RFC 6376 §6.1: each is verified on its own), or `none`.
fn dkim_verdicts(dkim: &[mail_auth::DkimOutput<'_>]) -> Vec<Verdict> {
    let mut out = Vec::new();
    for o in dkim {
        let (res, reason) = dkim_result(o.result());
        let mut v = Verdict::new(Stage::Data, "dkim", res, reason);
        if let Some(sig) = o.signature() {
            v = v
                .prop("header.d", sig.d.clone())
                .prop("header.s", sig.s.clone())
                .prop("header.b", base64_prefix(&sig.b));
        }
        out.push(v);
    }
    if out.is_empty() {
        out.push(Verdict::new(
            Stage::Data,
            "dkim",
            Res::None,
            "no DKIM-Signature",
        ));
    }
    out
}

fn dkim_result(r: &DkimResult) -> (Res, String) {
    match r {
        DkimResult::Pass => (Res::Pass, String::new()),
        // mail-auth calls a body hash mismatch neutral; it is a verification failure
        // (RFC 6376 §6.1.3: PERMFAIL), so `fail` in RFC 8601's terms.
        DkimResult::Neutral(
            e @ mail_auth::Error::Dkim(mail_auth::dkim::DkimError::FailedBodyHashMatch),
        ) => (Res::Fail, e.to_string()),
        DkimResult::Neutral(e) => (Res::Neutral, e.to_string()),
        DkimResult::Fail(e) => (Res::Fail, e.to_string()),
        DkimResult::PermError(e) => (Res::PermError, e.to_string()),
        DkimResult::TempError(e) => (Res::TempError, e.to_string()),
        DkimResult::None => (Res::None, String::new()),
    }
}

/// The first 8 characters of a signature's base64, to tell signatures apart (RFC 6008).
fn base64_prefix(b: &[u8]) -> String {
    use base64::Engine;
    let s = base64::engine::general_purpose::STANDARD.encode(b);
    s.chars().take(8).collect()
}
