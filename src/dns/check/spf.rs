//! SPF record analysis (RFC 7208): exactly one `v=spf1` record, syntax, the DNS-querying
//! term budget across nested includes (§4.6.4: at most 10), void lookups (§4.6.4: at most
//! 2, counted for `a`, `mx`, `exists`, `include` and `redirect`), and the final `all`. Evaluating the verdict for an IP is left to mail-auth.

use std::future::Future;
use std::pin::Pin;

use hickory_resolver::TokioResolver;

use crate::dns::lookup::{self, Failed};

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
