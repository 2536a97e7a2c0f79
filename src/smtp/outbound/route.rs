//! Where mail for a domain goes (RFC 5321 §5.1): MX records by preference with equal
//! preferences shuffled, the domain's own A/AAAA when it has no MX, null MX (RFC 7505), IP
//! literals, and mail that would loop back to this server.
//!
//! DNS answers map to delivery decisions: NXDOMAIN and null MX are permanent; timeouts and
//! SERVFAIL are temporary. An MX target that is a CNAME is tolerated with a log line, as
//! Postfix does. An MX target that looks like an IP address is a host name all the same
//! (RFC 5321 §5.1: "the names are expected to be domain names"): it is looked up in DNS,
//! never connected to as written, so a hostile zone cannot point mail at an arbitrary
//! address (e.g. inside our own network) without owning a name for it.
//!
//! Not here: trying the hops in turn (`transfer`), relay-host routing (`relay.mode`, the
//! runner in `mod.rs`).

use std::net::{IpAddr, SocketAddr};

use hickory_resolver::TokioResolver;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::RData;

/// Most MX hosts and addresses tried per attempt (Postfix: smtp_mx_address_limit = 5).
pub const MAX_HOPS: usize = 10;

/// One place to try: the host name (for TLS and logs) and the address to connect to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    pub host: String,
    pub addr: SocketAddr,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteError {
    /// Bounce now; the text starts with an SMTP code and enhanced status.
    Permanent(String),
    /// Retry later.
    Temporary(String),
}

/// A resolver from `dns.nameserver` (`ADDR:PORT` list), or the system's when empty.
pub fn resolver(nameservers: &[SocketAddr]) -> Result<TokioResolver, String> {
    crate::dns::resolver(nameservers, crate::dns::Purpose::Delivery)
}

/// How a failed lookup should be treated.
enum Negative {
    NxDomain,
    NoData,
    Temporary(String),
}

fn classify(e: &NetError) -> Negative {
    match e {
        NetError::Dns(DnsError::NoRecordsFound(nr)) => match nr.response_code {
            ResponseCode::NXDomain => Negative::NxDomain,
            ResponseCode::NoError => Negative::NoData,
            code => Negative::Temporary(format!("DNS answered {code}")),
        },
        NetError::Timeout => Negative::Temporary("DNS lookup timed out".into()),
        other => Negative::Temporary(format!("DNS lookup failed: {other}")),
    }
}

/// The hops for a recipient domain (or `[IP]` literal), in the order to try them. `me` is
/// this server's host name: an MX naming it cuts the list there (RFC 5321 §5.1).
pub async fn route(
    resolver: &TokioResolver,
    domain: &str,
    port: u16,
    me: &str,
) -> Result<Vec<Hop>, RouteError> {
    if let Some(lit) = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        let ip: IpAddr = lit
            .strip_prefix("IPv6:")
            .unwrap_or(lit)
            .parse()
            .map_err(|_| RouteError::Permanent(format!("550 5.1.2 bad address literal [{lit}]")))?;
        return Ok(vec![Hop {
            host: ip.to_string(),
            addr: SocketAddr::new(ip, port),
        }]);
    }
    let fqdn = format!("{}.", domain.trim_end_matches('.'));
    let mut exchanges = mail_exchanges(resolver, domain, &fqdn).await?;
    before_own(&mut exchanges, me);
    host_addresses(resolver, domain, &fqdn, &exchanges, port).await
}

/// RFC 5321 §5.1: a server that finds its own name among the MX hosts (a backup MX) keeps
/// only those with a lower preference number, so two backups never pass mail back and forth.
/// When none is better, the list stays as it is and the caller's loop check decides.
fn before_own(exchanges: &mut Vec<(u16, String)>, me: &str) {
    let me = me.trim_end_matches('.');
    let Some(mine) = exchanges
        .iter()
        .filter(|(_, h)| h.trim_end_matches('.').eq_ignore_ascii_case(me))
        .map(|(p, _)| *p)
        .min()
    else {
        return;
    };
    if exchanges.iter().any(|(p, _)| *p < mine) {
        exchanges.retain(|(p, _)| *p < mine);
    }
}

/// The domain's mail exchanges by preference (RFC 5321 §5.1), equal ones shuffled: its MX
/// records, or the domain itself when it has none; null MX (RFC 7505) and NXDOMAIN are
/// permanent refusals.
async fn mail_exchanges(
    resolver: &TokioResolver,
    domain: &str,
    fqdn: &str,
) -> Result<Vec<(u16, String)>, RouteError> {
    let mut exchanges: Vec<(u16, String)> = match resolver.mx_lookup(fqdn).await {
        Ok(lookup) => lookup
            .answers()
            .iter()
            .filter_map(|r| match &r.data {
                RData::MX(mx) => Some((mx.preference, mx.exchange.to_ascii())),
                _ => None,
            })
            .collect(),
        Err(e) => match classify(&e) {
            Negative::NxDomain => {
                return Err(RouteError::Permanent(format!(
                    "550 5.1.2 domain {domain} does not exist (NXDOMAIN)"
                )));
            }
            Negative::NoData => Vec::new(),
            Negative::Temporary(why) => {
                return Err(RouteError::Temporary(format!(
                    "451 4.4.3 MX lookup for {domain}: {why}"
                )));
            }
        },
    };
    // RFC 7505: a single MX of "." says the domain accepts no mail.
    if exchanges.len() == 1 && (exchanges[0].1 == "." || exchanges[0].1.is_empty()) {
        return Err(RouteError::Permanent(format!(
            "556 5.1.10 {domain} does not accept mail (null MX, RFC 7505)"
        )));
    }
    exchanges.retain(|(_, host)| host != "." && !host.is_empty());
    if exchanges.is_empty() {
        // RFC 5321 §5.1: no MX means the domain itself is the mail host.
        exchanges.push((0, fqdn.to_string()));
    }
    shuffle_equal_preferences(&mut exchanges);
    Ok(exchanges)
}

/// The addresses of each exchange in turn (at most [`MAX_HOPS`]): a host that has none is
/// skipped; only when none has any is the route refused, permanently when DNS said so.
async fn host_addresses(
    resolver: &TokioResolver,
    domain: &str,
    fqdn: &str,
    exchanges: &[(u16, String)],
    port: u16,
) -> Result<Vec<Hop>, RouteError> {
    let mut hops = Vec::new();
    let mut last_error = None;
    for (_, host) in exchanges {
        let name = host.trim_end_matches('.').to_string();
        if name.parse::<IpAddr>().is_ok() {
            tracing::warn!(%domain, mx = %name, "MX target looks like an IP address; RFC 5321 §5.1 makes it a host name, so it is looked up as one");
        }
        // A `Name`, not a string: the resolver answers a string that parses as an address
        // with that address, without asking DNS.
        let Ok(fq_name) = hickory_resolver::proto::rr::Name::from_ascii(format!("{name}.")) else {
            last_error = Some((true, format!("mail host {name} is not a valid host name")));
            continue;
        };
        match resolver.lookup_ip(fq_name).await {
            Ok(ips) => {
                // RFC 2181 §10.3: an MX target must not be an alias. Postfix delivers anyway
                // and says so; so do we.
                if ips
                    .as_lookup()
                    .answers()
                    .iter()
                    .any(|r| matches!(r.data, RData::CNAME(_)))
                {
                    tracing::warn!(%domain, mx = %name, "MX target is a CNAME (RFC 2181 §10.3 forbids it); delivering anyway");
                }
                for ip in ips.iter() {
                    hops.push(Hop {
                        host: name.clone(),
                        addr: SocketAddr::new(ip, port),
                    });
                }
            }
            Err(e) => {
                last_error = Some(match classify(&e) {
                    Negative::NxDomain | Negative::NoData => {
                        (true, format!("mail host {name} has no address"))
                    }
                    Negative::Temporary(why) => {
                        (false, format!("address of mail host {name}: {why}"))
                    }
                })
            }
        }
        if hops.len() >= MAX_HOPS {
            break;
        }
    }
    hops.truncate(MAX_HOPS);
    if hops.is_empty() {
        return Err(match last_error {
            Some((true, _)) if exchanges.len() == 1 && exchanges[0].1 == fqdn => {
                RouteError::Permanent(format!(
                    "550 5.1.2 {domain} has no MX and no address record"
                ))
            }
            Some((true, why)) => RouteError::Permanent(format!("550 5.4.4 {why}")),
            Some((false, why)) => RouteError::Temporary(format!("451 4.4.3 {why}")),
            None => RouteError::Temporary(format!("451 4.4.3 no usable mail host for {domain}")),
        });
    }
    Ok(hops)
}

/// Sorts by preference and shuffles hosts of equal preference (RFC 5321 §5.1) so load spreads.
fn shuffle_equal_preferences(v: &mut [(u16, String)]) {
    v.sort_by_key(|(p, _)| *p);
    let mut start = 0;
    while start < v.len() {
        let end = start
            + v[start..]
                .iter()
                .take_while(|(p, _)| *p == v[start].0)
                .count();
        let group = &mut v[start..end];
        for i in (1..group.len()).rev() {
            let mut b = [0u8; 4];
            let _ = getrandom::fill(&mut b);
            let j = (u32::from_le_bytes(b) as usize) % (i + 1);
            group.swap(i, j);
        }
        start = end;
    }
}

/// The addresses of a named host (a relay), or the host itself when it is an IP address.
pub async fn resolver_hops(
    resolver: &TokioResolver,
    host: &str,
    port: u16,
) -> Result<Vec<Hop>, RouteError> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![Hop {
            host: host.to_string(),
            addr: SocketAddr::new(ip, port),
        }]);
    }
    match resolver
        .lookup_ip(format!("{}.", host.trim_end_matches('.')))
        .await
    {
        Ok(ips) => {
            let hops: Vec<Hop> = ips
                .iter()
                .take(MAX_HOPS)
                .map(|ip| Hop {
                    host: host.to_string(),
                    addr: SocketAddr::new(ip, port),
                })
                .collect();
            if hops.is_empty() {
                Err(RouteError::Temporary(format!(
                    "451 4.4.3 relay host {host} has no address"
                )))
            } else {
                Ok(hops)
            }
        }
        // A relay that does not resolve is a configuration problem: keep the mail and retry.
        Err(e) => Err(RouteError::Temporary(format!(
            "451 4.4.3 relay host {host}: {e}"
        ))),
    }
}

/// Whether an address belongs to this machine (binding to it succeeds only if it does).
pub fn is_local_ip(ip: IpAddr) -> bool {
    ip.is_loopback() || std::net::UdpSocket::bind(SocketAddr::new(ip, 0)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backup_mx_keeps_only_the_better_exchanges() {
        let mx = |v: &[(u16, &str)]| -> Vec<(u16, String)> {
            v.iter().map(|(p, h)| (*p, h.to_string())).collect()
        };
        let mut v = mx(&[(10, "mail.a.test"), (20, "MX2.b.test."), (30, "mx3.c.test")]);
        before_own(&mut v, "mx2.b.test");
        assert_eq!(v, mx(&[(10, "mail.a.test")]));
        // Not listed, or listed first: unchanged (the loop check decides the latter).
        let all = mx(&[(10, "mail.a.test"), (20, "mx3.c.test")]);
        let mut v = all.clone();
        before_own(&mut v, "mx2.b.test");
        assert_eq!(v, all);
        let mut v = all.clone();
        before_own(&mut v, "mail.a.test");
        assert_eq!(v, all);
    }

    #[test]
    fn preferences_sort_and_equal_ones_shuffle() {
        let mut seen_first = std::collections::HashSet::new();
        for _ in 0..64 {
            let mut v = vec![
                (20, "c".to_string()),
                (10, "a".to_string()),
                (10, "b".to_string()),
                (30, "d".to_string()),
            ];
            shuffle_equal_preferences(&mut v);
            assert_eq!(v[2].1, "c");
            assert_eq!(v[3].1, "d");
            seen_first.insert(v[0].1.clone());
        }
        assert_eq!(seen_first.len(), 2, "equal preferences must be shuffled");
    }
}
