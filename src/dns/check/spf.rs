//! SPF record analysis (RFC 7208): exactly one `v=spf1` record, syntax, the DNS-querying
//! term budget across nested includes (§4.6.4: at most 10), void lookups (at most 2), and
//! the final `all`. Evaluating the verdict for an IP is left to mail-auth.

use std::future::Future;
use std::pin::Pin;

use hickory_resolver::TokioResolver;

/// The SPF records found at a name (TXT strings starting with `v=spf1`).
pub async fn spf_records(resolver: &TokioResolver, name: &str) -> Result<Vec<String>, String> {
    match resolver
        .txt_lookup(format!("{}.", name.trim_end_matches('.')))
        .await
    {
        Ok(l) => Ok(l
            .answers()
            .iter()
            .filter_map(|r| match &r.data {
                hickory_resolver::proto::rr::RData::TXT(t) => Some(
                    t.txt_data
                        .iter()
                        .map(|s| String::from_utf8_lossy(s).into_owned())
                        .collect::<String>(),
                ),
                _ => None,
            })
            .filter(|t| {
                t.eq_ignore_ascii_case("v=spf1") || t.to_ascii_lowercase().starts_with("v=spf1 ")
            })
            .collect()),
        Err(e) if e.is_no_records_found() => Ok(Vec::new()),
        Err(e) => Err(e.to_string()),
    }
}

#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Analysis {
    /// DNS-querying terms (include, a, mx, ptr, exists, redirect) counted through includes.
    pub lookups: usize,
    /// Terms whose lookup found nothing.
    pub void_lookups: usize,
    /// The qualifier of the top record's `all` (`-`, `~`, `?`, `+`), if it has one.
    pub all: Option<char>,
    pub errors: Vec<String>,
    /// The include tree, one line per record, indented.
    pub tree: Vec<String>,
}

/// Checks one term's syntax; returns whether it queries DNS and its target, if any.
fn term(t: &str) -> Result<(bool, Option<String>, bool), String> {
    let body = t.trim_start_matches(['+', '-', '~', '?']);
    let lower = body.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("redirect=") {
        return Ok((true, Some(rest.to_string()), true));
    }
    if lower.starts_with("exp=") {
        return Ok((false, None, false));
    }
    let (mech, arg) = match lower.split_once([':', '/']) {
        Some((m, _)) => (m.to_string(), lower[m.len()..].to_string()),
        None => (lower.clone(), String::new()),
    };
    match mech.as_str() {
        "all" if arg.is_empty() => Ok((false, None, false)),
        "include" | "exists" => {
            let target = arg
                .strip_prefix(':')
                .filter(|d| !d.is_empty())
                .ok_or_else(|| format!("'{t}' needs a domain"))?;
            Ok((true, Some(target.to_string()), mech == "include"))
        }
        "a" | "mx" | "ptr" => Ok((true, None, false)),
        "ip4" => {
            let v = arg
                .strip_prefix(':')
                .ok_or_else(|| format!("'{t}' needs an address"))?;
            v.parse::<ipnet::Ipv4Net>()
                .map(|_| ())
                .or_else(|_| v.parse::<std::net::Ipv4Addr>().map(|_| ()))
                .map_err(|_| format!("'{t}' is not a valid ip4 term"))?;
            Ok((false, None, false))
        }
        "ip6" => {
            let v = arg
                .strip_prefix(':')
                .ok_or_else(|| format!("'{t}' needs an address"))?;
            v.parse::<ipnet::Ipv6Net>()
                .map(|_| ())
                .or_else(|_| v.parse::<std::net::Ipv6Addr>().map(|_| ()))
                .map_err(|_| format!("'{t}' is not a valid ip6 term"))?;
            Ok((false, None, false))
        }
        _ => Err(format!("unknown term '{t}'")),
    }
}

/// Walks a record and its includes, counting lookups. Depth-limited so an include loop ends.
pub fn analyse<'a>(
    resolver: &'a TokioResolver,
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
            let (queries, target, follow) = match term(t) {
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
            if queries {
                acc.lookups += 1;
            }
            if let (Some(target), true) = (target, follow) {
                match spf_records(resolver, &target).await {
                    Ok(recs) if recs.len() == 1 => {
                        analyse(resolver, recs[0].clone(), depth + 1, acc).await
                    }
                    Ok(recs) if recs.is_empty() => {
                        acc.void_lookups += 1;
                        acc.tree.push(format!("{indent}  {target}: no SPF record"));
                        acc.errors.push(format!("{target} (from '{t}') has no SPF record: the check fails with permerror"));
                    }
                    Ok(_) => acc
                        .errors
                        .push(format!("{target} has more than one SPF record")),
                    Err(e) => acc.errors.push(format!("{target}: {e}")),
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
        assert_eq!(
            term("include:_spf.example.org").unwrap(),
            (true, Some("_spf.example.org".into()), true)
        );
        assert_eq!(term("-all").unwrap(), (false, None, false));
        assert!(term("ip4:192.0.2.0/24").is_ok());
        assert!(term("ip4:300.1.1.1").is_err());
        assert!(term("include:").is_err());
        assert!(term("bogus").is_err());
        assert!(term("mx").unwrap().0);
        assert_eq!(
            term("redirect=_spf.example.org").unwrap(),
            (true, Some("_spf.example.org".into()), true)
        );
    }
}
