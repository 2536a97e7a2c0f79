//! DMARC local policy override by a trusted ARC chain (RFC 8617 §7.2, RFC 7489 §6.7): mail
//! that fails DMARC here because a forwarder or list changed it on the way (a footer, a
//! subject tag, a new envelope sender) is treated as the DMARC policy treats a pass when a
//! forwarder the administrator trusts (`inbound.arc_trusted_sealers`) vouches for it.
//!
//! All of these must hold, or nothing changes:
//! - the ARC chain validates (mail-auth's `arc=pass`: every seal and the newest
//!   ARC-Message-Signature verify, `cv=` consistent);
//! - the **newest** ARC-Seal's `d=` is exactly one of the trusted domains (the hop that
//!   handed the message to us; older hops are only as good as what it says about them);
//! - that hop's ARC-Authentication-Results say `dmarc=pass header.from=<From domain>`, or
//!   `dkim=pass` with `header.d` (or `header.i`'s domain) aligned with the From domain, or
//!   `spf=pass` with `smtp.mailfrom`'s domain aligned (relaxed alignment as
//!   [`super::policy::aligned`] does it: equal, or one a subdomain of the other);
//! - the message has exactly one From: domain, and it is not one of ours (the own-domain
//!   rule stays absolute).
//!
//! What the override looks like: the `dmarc` verdict keeps its result `fail` (RFC 8601: the
//! result is what DMARC evaluation found) with the action of a pass, its reason starts with
//! `dmarc overridden by trusted ARC sealer <domain>` and it carries the property
//! `policy.arc-sealer=<domain>`, so `Authentication-Results:` reads e.g.
//! `dmarc=fail reason="dmarc overridden by trusted ARC sealer fwd.test (dkim=pass
//! header.d=sender.test): ..." header.from=sender.test policy.arc-sealer=fwd.test`.
//! Spam scores still apply.
//!
//! Not here: verifying the chain (mail-auth, in [`super::stages`]); sealing forwarded mail.

use super::policy::aligned;
use super::{Action, Res, Verdict};

/// The newest ARC set of a chain that validated: who sealed it and what it saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Newest {
    /// The ARC-Seal's `d=`.
    pub sealer: String,
    /// The ARC-Authentication-Results field's value (`i=N; authserv-id; results`).
    pub aar: String,
}

/// Overrides the `dmarc` verdict `v` when the override holds ([`overriding_sealer`]): the
/// action of a pass (no refusal, no Junk, no recipient domain's DMARC action), the result
/// kept, the reason and `policy.arc-sealer` saying who vouched. Logged. Never for a From:
/// in one of `policy`'s own domains.
pub fn apply(
    policy: &super::Policy,
    v: &mut Verdict,
    newest: Option<&Newest>,
    from_domains: &[String],
) {
    if v.method != "dmarc" || v.result != Res::Fail {
        return;
    }
    let own = from_domains.iter().any(|d| policy.own_domain(d).is_some());
    let trusted = &policy.arc_trusted_sealers;
    let Some((sealer, vouched)) = overriding_sealer(trusted, newest, from_domains, own) else {
        return;
    };
    let said = format!("dmarc overridden by trusted ARC sealer {sealer} ({vouched})");
    tracing::info!(from = %from_domains.join(","), "{said}");
    v.reason = format!("{said}: {}", v.reason);
    v.action = Action::Accept;
    v.dmarc_applied = None;
    v.props.push(super::Prop {
        name: "policy.arc-sealer".into(),
        value: sealer,
    });
}

/// The trusted sealer and the result it vouched with, when the DMARC failure of mail from
/// `from_domains` is overridden. `newest` is `None` unless the chain validated; `own` is
/// whether a From: domain is one of ours.
pub fn overriding_sealer(
    trusted: &[String],
    newest: Option<&Newest>,
    from_domains: &[String],
    own: bool,
) -> Option<(String, String)> {
    let newest = newest?;
    let [from] = from_domains else {
        return None;
    };
    if own || from.is_empty() {
        return None;
    }
    let sealer = newest.sealer.trim_end_matches('.').to_ascii_lowercase();
    if !trusted.contains(&sealer) {
        return None;
    }
    let vouched = aligned_pass(&newest.aar, from)?;
    Some((sealer, vouched))
}

/// The result in an (ARC-)Authentication-Results value that passes for `from`, as
/// `method=pass prop=value`: `dmarc=pass` naming it, else an aligned `dkim=pass` (it names
/// the author's domain), else an aligned `spf=pass`.
pub fn aligned_pass(results: &str, from: &str) -> Option<String> {
    let mut best: Option<(usize, String)> = None;
    // `i=N` and the authserv-id come first (RFC 8617 §4.1.1, RFC 8601 §2.2).
    for resinfo in split_top(results, b';').into_iter().skip(2) {
        let tokens = split_top(&resinfo, b' ');
        let Some((method, result)) = tokens.first().and_then(|t| t.split_once('=')) else {
            continue;
        };
        if !result.eq_ignore_ascii_case("pass") {
            continue;
        }
        let method = method.split('/').next().unwrap_or("").to_ascii_lowercase();
        let prop = |name: &str| {
            tokens.iter().skip(1).find_map(|t| {
                let (k, v) = t.split_once('=')?;
                k.eq_ignore_ascii_case(name).then(|| unquote(v))
            })
        };
        let domain_of = |v: String| match v.rsplit_once('@') {
            Some((_, d)) => d.to_string(),
            None => v,
        };
        let found = match method.as_str() {
            "dmarc" => prop("header.from")
                .filter(|d| d.trim_end_matches('.').eq_ignore_ascii_case(from))
                .map(|d| ("header.from", d)),
            "dkim" => prop("header.d")
                .or_else(|| prop("header.i").map(domain_of))
                .filter(|d| aligned(d, from))
                .map(|d| ("header.d", d)),
            "spf" => prop("smtp.mailfrom")
                .map(domain_of)
                .filter(|d| aligned(d, from))
                .map(|d| ("smtp.mailfrom", d)),
            _ => None,
        };
        let rank = ["dmarc", "dkim", "spf"].iter().position(|m| *m == method);
        if let (Some((name, value)), Some(rank)) = (found, rank)
            && best.as_ref().is_none_or(|(b, _)| rank < *b)
        {
            best = Some((rank, format!("{method}=pass {name}={value}")));
        }
    }
    best.map(|(_, said)| said)
}

/// `text` split at `sep` outside quoted strings, with RFC 5322 comments (nested, with
/// quoted-pairs) removed and every run of white space made one space; empty pieces dropped.
/// With `sep` a space, the tokens of one result.
fn split_top(text: &str, sep: u8) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut quoted, mut depth, mut escaped) = (false, 0u32, false);
    for c in text.chars() {
        let c = if c.is_whitespace() { ' ' } else { c };
        if escaped {
            escaped = false;
            if depth == 0 {
                cur.push(c);
            }
            continue;
        }
        match c {
            '\\' if quoted || depth > 0 => {
                escaped = true;
                if depth == 0 {
                    cur.push(c);
                }
            }
            '"' if depth == 0 => {
                quoted = !quoted;
                cur.push(c);
            }
            '(' if !quoted => depth = depth.saturating_add(1),
            ')' if !quoted && depth > 0 => depth -= 1,
            _ if depth > 0 => {}
            c if !quoted && c as u32 == u32::from(sep) => {
                out.push(std::mem::take(&mut cur));
            }
            ' ' if !quoted && cur.ends_with(' ') => {}
            c => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// A pvalue without its quotes and quoted-pairs.
fn unquote(v: &str) -> String {
    let Some(inner) = v.strip_prefix('"').and_then(|v| v.strip_suffix('"')) else {
        return v.to_string();
    };
    let mut out = String::new();
    let mut escaped = false;
    for c in inner.chars() {
        if c == '\\' && !escaped {
            escaped = true;
        } else {
            out.push(c);
            escaped = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trusted() -> Vec<String> {
        vec!["fwd.test".to_string()]
    }

    fn newest(sealer: &str, aar: &str) -> Newest {
        Newest {
            sealer: sealer.into(),
            aar: aar.into(),
        }
    }

    fn from(d: &str) -> Vec<String> {
        vec![d.to_string()]
    }

    const DKIM_PASS: &str = " i=1; mx.fwd.test;\r\n\tspf=fail smtp.mailfrom=a@other.test;\r\n\tdkim=pass header.d=sender.test header.s=sel header.b=\"Ab+/12\"";

    #[test]
    fn a_trusted_sealer_with_an_aligned_pass_overrides() {
        let n = newest("FWD.test.", DKIM_PASS);
        assert_eq!(
            overriding_sealer(&trusted(), Some(&n), &from("sender.test"), false),
            Some((
                "fwd.test".to_string(),
                "dkim=pass header.d=sender.test".to_string()
            ))
        );
        // Relaxed alignment: a subdomain's signature vouches for the parent's From:.
        let n = newest(
            "fwd.test",
            " i=1; mx.fwd.test; dkim=pass header.d=mail.sender.test",
        );
        assert!(overriding_sealer(&trusted(), Some(&n), &from("sender.test"), false).is_some());
    }

    #[test]
    fn an_untrusted_sealer_or_no_trust_at_all_changes_nothing() {
        let n = newest("evil.test", DKIM_PASS);
        assert_eq!(
            overriding_sealer(&trusted(), Some(&n), &from("sender.test"), false),
            None
        );
        // A trusted name only as a suffix is not the trusted domain.
        let n = newest("notfwd.test", DKIM_PASS);
        assert_eq!(
            overriding_sealer(&trusted(), Some(&n), &from("sender.test"), false),
            None
        );
        let n = newest("fwd.test", DKIM_PASS);
        assert_eq!(
            overriding_sealer(&[], Some(&n), &from("sender.test"), false),
            None
        );
    }

    #[test]
    fn a_chain_that_did_not_validate_changes_nothing() {
        // The stage hands over the newest set only for `arc=pass` (cv=fail, a broken
        // seal or a changed body give None).
        assert_eq!(
            overriding_sealer(&trusted(), None, &from("sender.test"), false),
            None
        );
    }

    #[test]
    fn results_without_an_aligned_pass_change_nothing() {
        for aar in [
            " i=1; mx.fwd.test; dkim=fail header.d=sender.test; spf=softfail smtp.mailfrom=a@sender.test",
            " i=1; mx.fwd.test; dkim=pass header.d=other.test; spf=pass smtp.mailfrom=a@other.test",
            " i=1; mx.fwd.test; dmarc=pass header.from=other.test",
            " i=1; mx.fwd.test; dkim=pass header.d=evilsender.test",
            " i=1; mx.fwd.test; none",
            // A pass inside a comment or a reason is not a result.
            " i=1; mx.fwd.test; dkim=fail (dkim=pass header.d=sender.test) header.d=x.test",
            " i=1; mx.fwd.test; spf=fail reason=\"x; dkim=pass header.d=sender.test\"",
            // The authserv-id is not a result either.
            " i=1; dkim=pass header.d=sender.test",
            "",
        ] {
            let n = newest("fwd.test", aar);
            assert_eq!(
                overriding_sealer(&trusted(), Some(&n), &from("sender.test"), false),
                None,
                "{aar}"
            );
        }
    }

    #[test]
    fn dmarc_and_spf_passes_vouch_too() {
        assert_eq!(
            aligned_pass(
                "i=1; mx; spf=pass smtp.mailfrom=sender.test; dkim=pass header.d=sender.test; dmarc=pass header.from=sender.test",
                "sender.test"
            )
            .as_deref(),
            Some("dmarc=pass header.from=sender.test"),
            "the strongest statement is named"
        );
        assert_eq!(
            aligned_pass(
                " i=2; mx.fwd.test; dmarc=pass (p=reject) header.from=Sender.test",
                "sender.test"
            )
            .as_deref(),
            Some("dmarc=pass header.from=Sender.test")
        );
        assert_eq!(
            aligned_pass(
                "i=1; mx.fwd.test 1; spf=pass smtp.mailfrom=\"a b\"@bounce.sender.test",
                "sender.test"
            )
            .as_deref(),
            Some("spf=pass smtp.mailfrom=bounce.sender.test")
        );
        assert_eq!(
            aligned_pass(
                "i=1; mx; dkim=pass header.i=\"@sender.test\"",
                "sender.test"
            )
            .as_deref(),
            Some("dkim=pass header.d=sender.test")
        );
    }

    #[test]
    fn our_own_domains_and_several_from_domains_are_never_overridden() {
        let n = newest("fwd.test", DKIM_PASS);
        assert_eq!(
            overriding_sealer(&trusted(), Some(&n), &from("sender.test"), true),
            None
        );
        let two = vec!["sender.test".to_string(), "other.test".to_string()];
        assert_eq!(overriding_sealer(&trusted(), Some(&n), &two, false), None);
        assert_eq!(overriding_sealer(&trusted(), Some(&n), &[], false), None);
    }

    #[test]
    fn apply_turns_a_refusal_into_a_pass_and_says_why() {
        use super::super::{Stage, policy::Requested};
        let failed = || Verdict {
            dmarc_applied: Some(Requested::Reject),
            ..Verdict::new(
                Stage::Data,
                "dmarc",
                Res::Fail,
                "the domain asks for p=reject",
            )
            .prop("header.from", "sender.test")
            .action(Action::Reject)
        };
        let mut p = super::super::Policy::defaults(vec!["ours.test".into()], "mx.ours.test");
        p.arc_trusted_sealers = trusted();
        let n = newest("fwd.test", DKIM_PASS);
        let mut v = failed();
        apply(&p, &mut v, Some(&n), &from("sender.test"));
        assert_eq!(
            (v.result, v.action, v.dmarc_applied),
            (Res::Fail, Action::Accept, None)
        );
        assert_eq!(
            v.reason,
            "dmarc overridden by trusted ARC sealer fwd.test (dkim=pass header.d=sender.test): the domain asks for p=reject"
        );
        assert_eq!(v.get("policy.arc-sealer"), Some("fwd.test"));
        let header = super::super::results::render("mx.ours.test", &[v]);
        assert!(
            header.contains("dmarc=fail reason=\"dmarc overridden by trusted ARC sealer fwd.test (dkim=pass header.d=sender.test): the domain asks for p=reject\" header.from=sender.test policy.arc-sealer=fwd.test"),
            "{header}"
        );
        // Nothing to override on a pass, and nothing for an untrusted sealer or our domain.
        let mut v = failed();
        apply(
            &p,
            &mut v,
            Some(&newest("evil.test", DKIM_PASS)),
            &from("sender.test"),
        );
        assert_eq!(v, failed());
        // The sealer vouches for a signature of our own domain: still no override.
        let ours = newest(
            "fwd.test",
            " i=1; mx.fwd.test; dkim=pass header.d=ours.test",
        );
        apply(&p, &mut v, Some(&ours), &from("a.ours.test"));
        assert_eq!(v, failed());
        let mut pass = Verdict::new(Stage::Data, "dmarc", Res::Pass, "");
        apply(&p, &mut pass, Some(&n), &from("sender.test"));
        assert!(pass.props.is_empty() && pass.reason.is_empty());
    }

    proptest::proptest! {
        /// Whatever a sealer writes, reading it never panics.
        #[test]
        fn any_results_text_is_read_without_panic(text in ".{0,300}") {
            let _ = aligned_pass(&text, "sender.test");
        }
    }
}
