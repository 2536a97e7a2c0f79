//! SPF record analysis (RFC 7208): exactly one `v=spf1` record, syntax, the DNS-querying
//! term budget across nested includes (§4.6.4: at most 10), void lookups (§4.6.4: at most
//! 2, counted for `a`, `mx`, `exists`, `include` and `redirect`), and the final `all`; then
//! the verdict for this server's own addresses, evaluated by mail-auth.
//!
//! Not here: evaluating SPF for incoming mail (inbound, planned), macro expansion beyond
//! what mail-auth's evaluator does, what record to publish for a new domain (dns::records).

use std::future::Future;
use std::pin::Pin;

use hickory_resolver::TokioResolver;

use super::{Finding, Input, Status, error, f};
use crate::dns::lookup::{self, Failed};

/// The SPF findings for `input.domain`: one record, its analysis, and the verdict for each
/// of `input.ips`.
pub async fn check_spf(r: &TokioResolver, input: &Input) -> Vec<Finding> {
    let d = &input.domain;
    let publish = format!("publish {d}. IN TXT \"v=spf1 mx -all\"");
    let recs = match spf_records(r, d).await {
        Ok(v) => v,
        Err(e) => return vec![error("SPF", &e)],
    };
    match recs.len() {
        0 => return vec![f("SPF", Status::Fail, "no v=spf1 record", publish)],
        1 => {}
        n => {
            return vec![f(
                "SPF",
                Status::Fail,
                format!("{n} v=spf1 records: {}", recs.join(" | ")),
                format!("merge them into one (RFC 7208 §4.5 makes two a permerror): {publish}"),
            )];
        }
    }
    let mut a = Analysis::default();
    analyse(r, d.clone(), recs[0].clone(), 0, &mut a).await;
    let tree = a.tree.join("\n");
    let mut out = analysis_findings(d, &recs[0], &a, &publish);
    out.extend(own_verdicts(r, input).await);
    if out.is_empty() {
        out.push(f(
            "SPF",
            Status::Pass,
            format!("{} ({} lookups)\n{tree}", recs[0], a.lookups),
            "",
        ));
    }
    out
}

/// What the analysis of the one record found wrong: failed lookups, syntax, the lookup and
/// void-lookup limits, and a missing or permissive `all`.
fn analysis_findings(d: &str, rec: &str, a: &Analysis, publish: &str) -> Vec<Finding> {
    let tree = a.tree.join("\n");
    let mut out = Vec::new();
    if !a.failed.is_empty() {
        out.push(error("SPF", &Failed(a.failed.join("; "))));
    }
    if !a.errors.is_empty() {
        out.push(f(
            "SPF",
            Status::Fail,
            format!("{}\n{}", a.errors.join("; "), tree),
            format!("fix the record's syntax, e.g. {publish}"),
        ));
    }
    if a.lookups > 10 {
        out.push(f(
            "SPF",
            Status::Fail,
            format!(
                "{} DNS-querying terms (limit 10, RFC 7208 §4.6.4)\n{tree}",
                a.lookups
            ),
            "flatten includes into ip4:/ip6: terms or drop unused ones",
        ));
    }
    if a.void_lookups > 2 {
        out.push(f(
            "SPF",
            Status::Fail,
            format!(
                "{} void lookups (limit 2, RFC 7208 §4.6.4: receivers return permerror): {}",
                a.void_lookups,
                a.voids.join(", ")
            ),
            "remove the terms that point at names without records",
        ));
    }
    match a.all {
        Some('-') | Some('~') => {}
        Some(q) => out.push(f(
            "SPF",
            Status::Warn,
            format!("ends in {q}all: anyone may send as {d}"),
            format!("end it in -all: {publish}"),
        )),
        None if !rec.to_ascii_lowercase().contains("redirect=") => out.push(f(
            "SPF",
            Status::Warn,
            "no 'all' term: unlisted senders get a neutral result",
            format!("end it in -all: {publish}"),
        )),
        None => {}
    }
    out
}

/// The verdict for this server's own addresses, through mail-auth's evaluator: a finding
/// for each address that does not pass.
async fn own_verdicts(r: &TokioResolver, input: &Input) -> Vec<Finding> {
    let d = &input.domain;
    let mut out = Vec::new();
    let auth = mail_auth::MessageAuthenticator(r.clone());
    for ip in &input.ips {
        let sender = input
            .spf_sender
            .clone()
            .unwrap_or_else(|| format!("postmaster@{d}"));
        let res = auth
            .verify_spf(mail_auth::spf::verify::SpfParameters::verify_mail_from(
                *ip,
                &input.mail_host(),
                &input.mail_host(),
                &sender,
            ))
            .await;
        if res.result() == mail_auth::SpfResult::TempError {
            out.push(error(
                "SPF",
                &Failed(format!(
                    "the verdict for {sender} at {ip} got a temporary DNS error"
                )),
            ));
        } else if res.result() != mail_auth::SpfResult::Pass {
            out.push(f(
                "SPF",
                Status::Fail,
                format!("mail from {sender} at {ip} gets {:?}", res.result()),
                format!(
                    "add ip{}:{ip} (or mx, if {ip} is an MX host) to the record",
                    if ip.is_ipv4() { 4 } else { 6 }
                ),
            ));
        }
    }
    out
}

/// The SPF records found at a name (TXT strings starting with `v=spf1`).
pub async fn spf_records(resolver: &TokioResolver, name: &str) -> Result<Vec<String>, Failed> {
    Ok(lookup::txt(resolver, name)
        .await?
        .into_iter()
        .filter(|t| {
            t.eq_ignore_ascii_case("v=spf1") || t.to_ascii_lowercase().starts_with("v=spf1 ")
        })
        .collect())
}

#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Analysis {
    /// DNS-querying terms (include, a, mx, ptr, exists, redirect) counted through includes.
    pub lookups: usize,
    /// Lookups that found nothing (NXDOMAIN or no answer), for `a`, `mx`, `exists`,
    /// `include` and `redirect` (RFC 7208 §4.6.4: more than 2 is a permerror).
    pub void_lookups: usize,
    /// The terms whose lookup was void.
    pub voids: Vec<String>,
    /// Lookups that did not complete (timeout, SERVFAIL): the analysis is incomplete.
    pub failed: Vec<String>,
    /// The qualifier of the top record's `all` (`-`, `~`, `?`, `+`), if it has one.
    pub all: Option<char>,
    pub errors: Vec<String>,
    /// The include tree, one line per record, indented.
    pub tree: Vec<String>,
}

/// What a term asks of DNS (RFC 7208 §5, §6).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// No DNS query: ip4, ip6, all, exp.
    Static,
    /// `include:` and `redirect=`: the target's SPF record is evaluated in turn.
    Record,
    /// `a`, `exists`: address records of the target.
    Address,
    Mx,
    Ptr,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Term {
    kind: Kind,
    /// The domain-spec, when the term names one (`a` and `mx` default to the current domain).
    target: Option<String>,
}

impl Term {
    fn queries(&self) -> bool {
        self.kind != Kind::Static
    }
}

/// The domain-spec of `a:dom/24`, `mx:dom//64`: what follows the colon, before any CIDR.
fn domain_spec(arg: &str) -> Option<String> {
    let d = arg.strip_prefix(':')?;
    let d = d.split('/').next().unwrap_or(d);
    (!d.is_empty()).then(|| d.to_string())
}

/// Checks one term's syntax and says what it queries.
fn term(t: &str) -> Result<Term, String> {
    let body = t.trim_start_matches(['+', '-', '~', '?']);
    let lower = body.to_ascii_lowercase();
    let fixed = |kind| Ok(Term { kind, target: None });
    if let Some(rest) = lower.strip_prefix("redirect=") {
        return Ok(Term {
            kind: Kind::Record,
            target: Some(rest.to_string()),
        });
    }
    if lower.starts_with("exp=") {
        return fixed(Kind::Static);
    }
    let (mech, arg) = match lower.split_once([':', '/']) {
        Some((m, _)) => (m.to_string(), lower[m.len()..].to_string()),
        None => (lower.clone(), String::new()),
    };
    match mech.as_str() {
        "all" if arg.is_empty() => fixed(Kind::Static),
        "include" | "exists" => {
            let target = arg
                .strip_prefix(':')
                .filter(|d| !d.is_empty())
                .ok_or_else(|| format!("'{t}' needs a domain"))?;
            Ok(Term {
                kind: if mech == "include" {
                    Kind::Record
                } else {
                    Kind::Address
                },
                target: Some(target.to_string()),
            })
        }
        "a" => Ok(Term {
            kind: Kind::Address,
            target: domain_spec(&arg),
        }),
        "mx" => Ok(Term {
            kind: Kind::Mx,
            target: domain_spec(&arg),
        }),
        "ptr" => fixed(Kind::Ptr),
        "ip4" => {
            let v = arg
                .strip_prefix(':')
                .ok_or_else(|| format!("'{t}' needs an address"))?;
            v.parse::<ipnet::Ipv4Net>()
                .map(|_| ())
                .or_else(|_| v.parse::<std::net::Ipv4Addr>().map(|_| ()))
                .map_err(|_| format!("'{t}' is not a valid ip4 term"))?;
            fixed(Kind::Static)
        }
        "ip6" => {
            let v = arg
                .strip_prefix(':')
                .ok_or_else(|| format!("'{t}' needs an address"))?;
            v.parse::<ipnet::Ipv6Net>()
                .map(|_| ())
                .or_else(|_| v.parse::<std::net::Ipv6Addr>().map(|_| ()))
                .map_err(|_| format!("'{t}' is not a valid ip6 term"))?;
            fixed(Kind::Static)
        }
        _ => Err(format!("unknown term '{t}'")),
    }
}

/// Whether an `a`/`exists`/`mx` term's lookup is void (RFC 7208 §4.6.4: NXDOMAIN or no
/// answer). A target with macros (`%{i}`) depends on the connecting client, so it is not
/// looked up here.
async fn void(resolver: &TokioResolver, kind: &Kind, target: &str) -> Result<bool, Failed> {
    if target.contains('%') {
        return Ok(false);
    }
    let found = match kind {
        Kind::Mx => !lookup::mx(resolver, target).await?.is_empty(),
        _ => !lookup::addresses(resolver, target).await?.is_empty(),
    };
    Ok(!found)
}

/// Walks a record of `domain` and its includes, counting lookups and void lookups.
/// Depth-limited so an include loop ends.
pub fn analyse<'a>(
    resolver: &'a TokioResolver,
    domain: String,
    record: String,
    depth: usize,
    acc: &'a mut Analysis,
) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>> {
    Box::pin(async move {
        let indent = "  ".repeat(depth);
        acc.tree.push(format!("{indent}{record}"));
        if depth > 10 {
            acc.errors
                .push("includes nest more than 10 deep (a loop?)".into());
            return;
        }
        for t in record.split_whitespace().skip(1) {
            let term = match term(t) {
                Ok(x) => x,
                Err(e) => {
                    acc.errors.push(e);
                    continue;
                }
            };
            if depth == 0 {
                let lower = t.to_ascii_lowercase();
                if lower.ends_with("all") && lower.trim_start_matches(['+', '-', '~', '?']) == "all"
                {
                    acc.all = Some(
                        t.chars()
                            .next()
                            .filter(|c| "+-~?".contains(*c))
                            .unwrap_or('+'),
                    );
                }
            }
            if term.queries() {
                acc.lookups += 1;
            }
            match term.kind {
                Kind::Static | Kind::Ptr => {}
                Kind::Address | Kind::Mx => {
                    let target = term.target.unwrap_or_else(|| domain.clone());
                    match void(resolver, &term.kind, &target).await {
                        Ok(true) => {
                            acc.void_lookups += 1;
                            acc.voids.push(format!("{t} ({target}: no records)"));
                        }
                        Ok(false) => {}
                        Err(e) => acc.failed.push(format!("'{t}': {e}")),
                    }
                }
                Kind::Record => {
                    let target = term.target.unwrap_or_default();
                    match spf_records(resolver, &target).await {
                        Ok(recs) if recs.len() == 1 => {
                            analyse(resolver, target, recs[0].clone(), depth + 1, acc).await
                        }
                        Ok(recs) if recs.is_empty() => {
                            acc.void_lookups += 1;
                            acc.voids.push(format!("{t} ({target}: no SPF record)"));
                            acc.tree.push(format!("{indent}  {target}: no SPF record"));
                            acc.errors.push(format!(
                                "{target} (from '{t}') has no SPF record: the check fails with permerror"
                            ));
                        }
                        Ok(_) => acc
                            .errors
                            .push(format!("{target} has more than one SPF record")),
                        Err(e) => acc.failed.push(format!("'{t}': {e}")),
                    }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms() {
        let t = |s: &str| term(s).unwrap();
        assert_eq!(
            t("include:_spf.example.org"),
            Term {
                kind: Kind::Record,
                target: Some("_spf.example.org".into())
            }
        );
        assert_eq!(t("-all").kind, Kind::Static);
        assert!(term("ip4:192.0.2.0/24").is_ok());
        assert!(term("ip4:300.1.1.1").is_err());
        assert!(term("include:").is_err());
        assert!(term("bogus").is_err());
        assert!(t("mx").queries());
        assert_eq!(t("mx").target, None);
        assert_eq!(
            t("a:mail.example.org/24"),
            Term {
                kind: Kind::Address,
                target: Some("mail.example.org".into())
            }
        );
        assert_eq!(t("mx:example.org//64").target, Some("example.org".into()));
        assert_eq!(t("exists:%{i}.x.example.org").kind, Kind::Address);
        assert_eq!(t("a/24").target, None);
        assert_eq!(
            t("redirect=_spf.example.org"),
            Term {
                kind: Kind::Record,
                target: Some("_spf.example.org".into())
            }
        );
    }
}
