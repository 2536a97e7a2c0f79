//! DMARC record check (RFC 7489 §6.3, §6.4) and the repaired record to publish.
//!
//! A fix corrects only what is wrong: the user's policy (`p=reject` stays reject), report
//! addresses and other valid tags are kept in their order; a bad tag is dropped (the RFC
//! default applies) or, for `p`, set to what mailctl recommends. Not here: the record
//! `dns records` recommends for a new domain (dns::records).

use hickory_resolver::TokioResolver;

use super::{Finding, Input, Status, error, f};
use crate::dns::lookup;

/// The errors of a record and the record with only those errors corrected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    pub errors: Vec<String>,
    /// The `p=` policy of the repaired record.
    pub policy: String,
    pub fixed: String,
}

const POLICIES: [&str; 3] = ["none", "quarantine", "reject"];

fn valid_uri(uri: &str) -> bool {
    uri.trim()
        .strip_prefix("mailto:")
        .map(|a| a.split('!').next().unwrap_or(a))
        .and_then(|a| crate::core::Address::parse(a).ok())
        .is_some()
}

/// Checks each tag of `rec` and builds the record to publish for `domain`.
pub fn repair(rec: &str, domain: &str) -> Repair {
    let mut errors = Vec::new();
    let mut kept: Vec<(String, String)> = Vec::new();
    let mut policy: Option<String> = None;
    for tag in rec.split(';').map(str::trim).filter(|t| !t.is_empty()) {
        let Some((k, v)) = tag.split_once('=') else {
            errors.push(format!("'{tag}' is not tag=value"));
            continue;
        };
        let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
        if kept.iter().any(|(x, _)| *x == k) || (k == "p" && policy.is_some()) {
            errors.push(format!("{k}= appears twice"));
            continue;
        }
        if let Some(p) = one_tag(k, v, domain, &mut errors, &mut kept) {
            policy = Some(p);
        }
    }
    // RFC 7489 §6.3: v must come first and p right after it.
    let first = rec.split(';').next().unwrap_or("").trim();
    if !first.eq_ignore_ascii_case("v=DMARC1") && !errors.iter().any(|e| e.starts_with("v=")) {
        errors.push("v=DMARC1 must be the first tag".into());
    }
    let policy = match policy {
        Some(p) => p,
        None => {
            if !errors.iter().any(|e| e.starts_with("p=")) {
                errors.push("no p= policy".into());
            }
            "quarantine".into()
        }
    };
    let mut fixed = format!("v=DMARC1; p={policy}");
    for (k, v) in &kept {
        fixed.push_str(&format!("; {k}={v}"));
    }
    Repair {
        errors,
        policy,
        fixed,
    }
}

/// Judges one `k=v` tag: an error for a bad value, the (possibly corrected) tag kept for the
/// repaired record, or the `p=` policy returned.
fn one_tag(
    k: String,
    v: &str,
    domain: &str,
    errors: &mut Vec<String>,
    kept: &mut Vec<(String, String)>,
) -> Option<String> {
    match k.as_str() {
        "v" => {
            if v != "DMARC1" {
                errors.push(format!("v={v} must be v=DMARC1"));
            }
        }
        "p" | "sp" | "np" => {
            let lower = v.to_ascii_lowercase();
            if !POLICIES.contains(&lower.as_str()) {
                errors.push(format!("{k}={v} is not none, quarantine or reject"));
            } else if k == "p" {
                return Some(lower);
            } else {
                kept.push((k, lower));
            }
        }
        "rua" | "ruf" => {
            let (good, bad): (Vec<&str>, Vec<&str>) =
                v.split(',').map(str::trim).partition(|u| valid_uri(u));
            for uri in &bad {
                errors.push(format!("{k} '{uri}' is not a mailto: address"));
            }
            if !good.is_empty() {
                kept.push((k, good.join(",")));
            } else if k == "rua" {
                kept.push((k, format!("mailto:postmaster@{domain}")));
            }
        }
        "adkim" | "aspf" => {
            if ["r", "s"].contains(&v) {
                kept.push((k, v.to_string()));
            } else {
                errors.push(format!("{k}={v} is not r or s"));
            }
        }
        "pct" => {
            if v.parse::<u8>().ok().filter(|p| *p <= 100).is_some() {
                kept.push((k, v.to_string()));
            } else {
                errors.push(format!("pct={v} is not 0-100"));
            }
        }
        "ri" => {
            if v.parse::<u32>().is_ok() {
                kept.push((k, v.to_string()));
            } else {
                errors.push(format!("ri={v} is not a number of seconds"));
            }
        }
        "fo" | "rf" | "t" | "psd" => kept.push((k, v.to_string())),
        other => errors.push(format!("unknown tag '{other}'")),
    }
    None
}

pub async fn check_dmarc(r: &TokioResolver, input: &Input) -> Vec<Finding> {
    let d = &input.domain;
    let publish = |value: &str| format!("publish _dmarc.{d}. IN TXT \"{value}\"");
    let recs: Vec<String> = match lookup::txt(r, &format!("_dmarc.{d}")).await {
        Ok(v) => v
            .into_iter()
            .filter(|t| t.trim_start().to_ascii_uppercase().starts_with("V=DMARC1"))
            .collect(),
        Err(e) => return vec![error("DMARC", &e)],
    };
    let default = format!("v=DMARC1; p=quarantine; rua=mailto:postmaster@{d}");
    if recs.is_empty() {
        return vec![f(
            "DMARC",
            Status::Fail,
            format!("no DMARC record at _dmarc.{d}"),
            publish(&default),
        )];
    }
    if recs.len() > 1 {
        return vec![f(
            "DMARC",
            Status::Fail,
            format!("{} DMARC records: {}", recs.len(), recs.join(" | ")),
            format!(
                "keep exactly one (RFC 7489 §6.6.3 ignores them all): {}",
                publish(&repair(&recs[0], d).fixed)
            ),
        )];
    }
    let rec = &recs[0];
    let Repair {
        errors,
        policy,
        fixed,
    } = repair(rec, d);
    if !errors.is_empty() {
        return vec![f(
            "DMARC",
            Status::Fail,
            format!("{rec}: {}", errors.join("; ")),
            publish(&fixed),
        )];
    }
    match policy.as_str() {
        "none" => vec![f(
            "DMARC",
            Status::Warn,
            format!("{rec} (p=none only monitors)"),
            "once reports look clean, move to p=quarantine, then p=reject",
        )],
        _ => vec![f("DMARC", Status::Pass, rec.clone(), "")],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fix_keeps_the_policy_and_corrects_only_what_is_wrong() {
        let r = repair(
            "v=DMARC1; p=reject; adkim=x; rua=mailto:dmarc@example.org,nobody; pct=50",
            "example.org",
        );
        assert_eq!(r.policy, "reject");
        assert_eq!(
            r.fixed,
            "v=DMARC1; p=reject; rua=mailto:dmarc@example.org; pct=50"
        );
        assert_eq!(r.errors.len(), 2, "{:?}", r.errors);

        let r = repair("v=DMARC1; p=reject; sp=none; bogus=1", "example.org");
        assert_eq!(r.fixed, "v=DMARC1; p=reject; sp=none");

        let r = repair("v=DMARC1; p=none; rua=nobody", "example.org");
        assert_eq!(
            r.fixed,
            "v=DMARC1; p=none; rua=mailto:postmaster@example.org"
        );

        // Only a broken policy itself is replaced.
        let r = repair("v=DMARC1; p=maybe; rua=mailto:d@example.org", "example.org");
        assert_eq!(r.fixed, "v=DMARC1; p=quarantine; rua=mailto:d@example.org");
        assert!(r.errors[0].contains("p=maybe"));

        // v first, p right after.
        let r = repair("p=reject; v=DMARC1", "example.org");
        assert_eq!(r.fixed, "v=DMARC1; p=reject");
        assert!(!r.errors.is_empty());

        let ok = repair(
            "v=DMARC1; p=reject; adkim=s; aspf=r; rua=mailto:a@example.org!10m",
            "example.org",
        );
        assert!(ok.errors.is_empty(), "{:?}", ok.errors);
    }
}
