//! The pipeline's configuration, read from the `inbound.*`, `dnsbl.zones`, `dnswl.zones` and
//! `mynetworks` settings, and the pure rules that turn a DMARC outcome into an action
//! (RFC 7489 §6.6.4 `pct` sampling; our own domains always enforced).

use std::net::IpAddr;

use super::{Action, Res};

#[derive(Debug, Clone)]
pub struct Policy {
    /// The authserv-id of `Authentication-Results` (the `hostname` setting).
    pub hostname: String,
    pub dnsbl_zones: Vec<String>,
    pub dnswl_zones: Vec<String>,
    pub dnsbl_action: Action,
    pub spf_fail: Action,
    pub dmarc_reject: Action,
    pub dmarc_quarantine: Action,
    /// For a DMARC temperror on someone else's domain: accept or tempfail.
    pub temperror: Action,
    /// `inbound.arc_trusted_sealers`, lowercase: whose ARC verdicts may override a DMARC
    /// failure ([`super::arctrust`]).
    pub arc_trusted_sealers: Vec<String>,
    pub mynetworks: Vec<ipnet::IpNet>,
    /// The domains served here, lowercase.
    pub local_domains: Vec<String>,
    /// Greylisting's timing when `inbound.greylist` is on.
    pub greylist: Option<crate::core::greylist::Timing>,
    /// rspamd and clamd, when configured.
    pub scanners: super::scan::Scanners,
    /// The most spam gets server-wide (`inbound.spam_action`): reject, junk, or accept (tag).
    pub spam_action: Action,
    /// Per-domain and per-user thresholds and actions (`domain set`, `user set`), read with
    /// the settings for each message; see [`super::recipients`].
    pub overrides: crate::core::overrides::AllOverrides,
}

/// `reject` | `junk` | `tag` (tag = deliver with the verdicts in the header only).
pub(crate) fn action_word(key: &str, v: &str) -> Result<Action, String> {
    match v {
        "reject" => Ok(Action::Reject),
        "junk" => Ok(Action::Junk),
        "tag" => Ok(Action::Accept),
        "tempfail" => Ok(Action::TempFail),
        "accept" => Ok(Action::Accept),
        other => Err(format!("{key}: '{other}' is not an action")),
    }
}

/// Greylisting's timing from the `inbound.greylist*` settings; `None` when it is off.
fn greylist_timing(
    get: impl Fn(&str) -> String,
) -> Result<Option<crate::core::greylist::Timing>, String> {
    if get("inbound.greylist") != "true" {
        return Ok(None);
    }
    let secs = |key: &str| {
        crate::core::settings::parse_duration(&get(key))
            .map(|d| d.as_secs() as i64)
            .map_err(|e| format!("{key}: {e}"))
    };
    Ok(Some(crate::core::greylist::Timing {
        delay: secs("inbound.greylist_delay")?,
        retry_window: secs("inbound.greylist_retry_window")?,
        max_age: secs("inbound.greylist_max_age")?,
        auto_clients: get("inbound.greylist_auto_clients")
            .parse()
            .map_err(|e| format!("inbound.greylist_auto_clients: {e}"))?,
    }))
}

/// The content scanners from the `inbound.rspamd`, `inbound.spamd`, `inbound.clamd` and
/// related settings.
fn scanners(get: impl Fn(&str) -> String) -> Result<super::scan::Scanners, String> {
    use super::scan::Endpoint;
    let endpoint = |key: &str| Endpoint::parse(&get(key)).map_err(|e| format!("{key}: {e}"));
    let score = |key: &str| get(key).parse::<f64>().map_err(|e| format!("{key}: {e}"));
    Ok(super::scan::Scanners {
        rspamd: endpoint("inbound.rspamd")?,
        spamd: endpoint("inbound.spamd")?,
        clamd: endpoint("inbound.clamd")?,
        timeout: crate::core::settings::parse_duration(&get("inbound.scan_timeout"))
            .map_err(|e| format!("inbound.scan_timeout: {e}"))?,
        junk_score: score("inbound.spam_junk_score")?,
        reject_score: score("inbound.spam_reject_score")?,
        rspamd_down: action_word("inbound.rspamd_down", &get("inbound.rspamd_down"))?,
        spamd_down: action_word("inbound.spamd_down", &get("inbound.spamd_down"))?,
        clamd_down: action_word("inbound.clamd_down", &get("inbound.clamd_down"))?,
    })
}

fn list(v: &str) -> Vec<String> {
    v.split(',')
        .map(|s| s.trim().trim_end_matches('.').to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

impl Policy {
    /// Builds the policy from a settings lookup giving each key's effective value (what
    /// `Db::setting` returns: the stored value, else the default).
    pub fn from_lookup(
        get: impl Fn(&str) -> String,
        local_domains: Vec<String>,
        hostname: &str,
    ) -> Result<Policy, String> {
        let setting = &get;
        let mynetworks = get("mynetworks")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(crate::core::settings::parse_network)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Policy {
            hostname: hostname.to_string(),
            dnsbl_zones: list(&setting("dnsbl.zones")),
            dnswl_zones: list(&setting("dnswl.zones")),
            dnsbl_action: action_word("inbound.dnsbl_action", &setting("inbound.dnsbl_action"))?,
            spf_fail: action_word("inbound.spf_fail", &setting("inbound.spf_fail"))?,
            dmarc_reject: action_word("inbound.dmarc_reject", &setting("inbound.dmarc_reject"))?,
            dmarc_quarantine: action_word(
                "inbound.dmarc_quarantine",
                &setting("inbound.dmarc_quarantine"),
            )?,
            temperror: action_word("inbound.temperror", &setting("inbound.temperror"))?,
            arc_trusted_sealers: list(&setting("inbound.arc_trusted_sealers")),
            mynetworks,
            local_domains: local_domains
                .into_iter()
                .map(|d| d.to_ascii_lowercase())
                .collect(),
            greylist: greylist_timing(setting)?,
            scanners: scanners(setting)?,
            spam_action: action_word("inbound.spam_action", &setting("inbound.spam_action"))?,
            overrides: Default::default(),
        })
    }

    pub fn in_mynetworks(&self, ip: IpAddr) -> bool {
        self.mynetworks.iter().any(|n| n.contains(&ip))
    }

    /// The registry's defaults, as a fresh server has them.
    pub fn defaults(local_domains: Vec<String>, hostname: &str) -> Policy {
        let get = |k: &str| {
            crate::core::settings::lookup(k)
                .map(|s| s.default.to_string())
                .unwrap_or_default()
        };
        // The registry's defaults are valid words, checked by the test below.
        Self::from_lookup(get, local_domains, hostname).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The served domain `domain` is, or is a subdomain of.
    pub fn own_domain(&self, domain: &str) -> Option<&str> {
        let d = domain.trim_end_matches('.').to_ascii_lowercase();
        self.local_domains
            .iter()
            .find(|o| d == **o || d.ends_with(&format!(".{o}")))
            .map(String::as_str)
    }
}

/// The policy a DMARC record asks for, as mail-auth reports it (`sp`/`np` and `t=y`
/// already applied).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requested {
    None,
    Quarantine,
    Reject,
}

/// The policy applied after `pct` sampling (RFC 7489 §6.6.4): outside the sampled share,
/// the next weaker one.
pub fn applied(requested: Requested, pct: u8, sample: u8) -> Requested {
    if sample < pct.min(100) {
        requested
    } else {
        match requested {
            Requested::Reject => Requested::Quarantine,
            _ => Requested::None,
        }
    }
}

/// The action for a DMARC outcome on someone else's domain. `pct` (0-100) and `sample`
/// (uniform 0-99) implement RFC 7489 §6.6.4: a message outside the sampled share gets the
/// next weaker policy (reject → quarantine → none).
pub fn dmarc_action(
    policy: &Policy,
    result: Res,
    requested: Requested,
    pct: u8,
    sample: u8,
) -> (Action, String) {
    match result {
        Res::Pass => (Action::Accept, String::new()),
        Res::TempError => (
            policy.temperror,
            "the DMARC policy could not be looked up".into(),
        ),
        Res::Fail => {
            let applied = applied(requested, pct, sample);
            let sampled = if pct < 100 {
                format!(" (pct={pct}, sample {sample})")
            } else {
                String::new()
            };
            match applied {
                Requested::Reject => (
                    policy.dmarc_reject,
                    format!("not aligned with From:, the domain asks for p=reject{sampled}"),
                ),
                Requested::Quarantine => (
                    policy.dmarc_quarantine,
                    format!("not aligned with From:, the domain asks for quarantine{sampled}"),
                ),
                Requested::None => (
                    Action::Accept,
                    format!("not aligned with From:, the domain asks for no action{sampled}"),
                ),
            }
        }
        _ => (Action::Accept, String::new()),
    }
}

/// Mail whose From: is one of our domains must prove it (DMARC pass), whatever that domain
/// publishes: anything else from outside is a spoof of our own users.
pub fn own_domain_action(own: &str, result: Res) -> Option<(Action, String)> {
    match result {
        Res::Pass => None,
        Res::TempError => Some((
            Action::TempFail,
            format!("From: claims our domain {own} and DMARC could not be evaluated"),
        )),
        _ => Some((
            Action::Reject,
            format!("From: claims our domain {own} but the message is not authenticated by it"),
        )),
    }
}

/// Relaxed alignment (RFC 7489 §3.1) for our own domains, where we know the organizational
/// domain: equal, or one a subdomain of the other.
pub fn aligned(a: &str, b: &str) -> bool {
    let (a, b) = (
        a.trim_end_matches('.').to_ascii_lowercase(),
        b.trim_end_matches('.').to_ascii_lowercase(),
    );
    !a.is_empty() && (a == b || a.ends_with(&format!(".{b}")) || b.ends_with(&format!(".{a}")))
}

/// `pct=` of a DMARC record's text, 100 when absent or malformed (RFC 7489 §6.3).
pub fn parse_pct(record: &str) -> u8 {
    record
        .split(';')
        .filter_map(|t| t.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("pct"))
        .and_then(|(_, v)| v.trim().parse::<u8>().ok())
        .map_or(100, |p| p.min(100))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> Policy {
        Policy::defaults(vec!["Ours.test".into()], "mx")
    }

    #[test]
    fn defaults_come_from_the_settings_registry() {
        let p = p();
        assert_eq!(p.dmarc_reject, Action::Reject);
        assert_eq!(p.dmarc_quarantine, Action::Junk);
        assert_eq!(p.spf_fail, Action::Accept);
        assert_eq!(p.temperror, Action::Accept);
        assert_eq!(p.dnsbl_action, Action::Reject);
        assert!(p.dnsbl_zones.contains(&"zen.spamhaus.org".to_string()));
        assert!(p.dnswl_zones.is_empty());
        assert!(
            p.arc_trusted_sealers.is_empty(),
            "nothing trusted by default"
        );
        assert_eq!(p.own_domain("a.OURS.test."), Some("ours.test"));
        assert_eq!(p.own_domain("notours.test"), None);
    }

    #[test]
    fn pct_samples_and_downgrades_one_step() {
        let p = p();
        let (a, _) = dmarc_action(&p, Res::Fail, Requested::Reject, 100, 99);
        assert_eq!(a, Action::Reject);
        let (a, why) = dmarc_action(&p, Res::Fail, Requested::Reject, 20, 19);
        assert_eq!(a, Action::Reject, "{why}");
        let (a, why) = dmarc_action(&p, Res::Fail, Requested::Reject, 20, 20);
        assert_eq!(
            a,
            Action::Junk,
            "outside the sample, reject becomes quarantine: {why}"
        );
        let (a, _) = dmarc_action(&p, Res::Fail, Requested::Quarantine, 0, 0);
        assert_eq!(a, Action::Accept);
        let (a, _) = dmarc_action(&p, Res::Fail, Requested::None, 100, 0);
        assert_eq!(a, Action::Accept);
        let (a, _) = dmarc_action(&p, Res::TempError, Requested::Reject, 100, 0);
        assert_eq!(
            a,
            Action::Accept,
            "temperror follows inbound.temperror (accept)"
        );
        assert_eq!(
            dmarc_action(&p, Res::Pass, Requested::Reject, 100, 0).0,
            Action::Accept
        );
    }

    #[test]
    fn own_domains_are_enforced_regardless_of_policy() {
        assert_eq!(own_domain_action("ours.test", Res::Pass), None);
        assert_eq!(
            own_domain_action("ours.test", Res::None).unwrap().0,
            Action::Reject
        );
        assert_eq!(
            own_domain_action("ours.test", Res::Fail).unwrap().0,
            Action::Reject
        );
        assert_eq!(
            own_domain_action("ours.test", Res::TempError).unwrap().0,
            Action::TempFail
        );
    }

    #[test]
    fn pct_and_alignment_parse() {
        assert_eq!(parse_pct("v=DMARC1; p=reject; pct=25"), 25);
        assert_eq!(parse_pct("v=DMARC1; p=reject"), 100);
        assert_eq!(parse_pct("v=DMARC1; pct=x"), 100);
        assert_eq!(parse_pct("v=DMARC1; PCT = 300"), 100);
        assert!(aligned("mail.ours.test", "ours.test"));
        assert!(aligned("ours.test", "OURS.test."));
        assert!(!aligned("evilours.test", "ours.test"));
        assert!(!aligned("", "ours.test"));
    }
}
