//! Lookups for the diagnostics (`dns check`, `dns mx|ptr|spf|dmarc|dkim|bl`, `setup`), on a
//! resolver built with Purpose::Diagnostic (short timeouts), and typed answers that keep
//! "the name has no such record" apart from "the lookup did not complete".
//!
//! That distinction is the whole point: a timeout, SERVFAIL or REFUSED says nothing about
//! the record, so a check that got one must report `error`, never `pass` or "not listed".
//! NXDOMAIN and NODATA (RFC 2308) are real answers: the record is absent.
//!
//! Not here: building the resolver (dns::resolver), delivery's view of DNS answers
//! (smtp::outbound::route).

use std::net::IpAddr;
use std::time::Duration;

use hickory_resolver::TokioResolver;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::{RData, RecordType};

/// How long one query waits for the resolver. A healthy local resolver answers in
/// milliseconds and even a cold recursive lookup takes well under a second; a dead one
/// should cost the user seconds, not the 45 s of the system defaults.
pub const TIMEOUT: Duration = Duration::from_secs(2);
/// One retry after the first try (hickory counts retries).
pub const ATTEMPTS: usize = 1;

/// A lookup that did not complete: the reason, in words (no answer in time, SERVFAIL, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failed(pub String);

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Records found, or an empty list for NXDOMAIN/NODATA; `Err` only when the lookup failed.
pub type Answer<T> = Result<Vec<T>, Failed>;

/// Sorts a hickory error into "no such record" (`None`) or a failure with its reason.
pub fn classify(e: &NetError) -> Option<Failed> {
    match e {
        NetError::Dns(DnsError::NoRecordsFound(nr)) => match nr.response_code {
            ResponseCode::NXDomain | ResponseCode::NoError => None,
            code => Some(Failed(format!("the resolver answered {code}"))),
        },
        NetError::Dns(DnsError::ResponseCode(code)) => {
            Some(Failed(format!("the resolver answered {code}")))
        }
        NetError::Timeout => Some(Failed(format!(
            "no answer from the resolver within {} s",
            TIMEOUT.as_secs() * (ATTEMPTS as u64 + 1)
        ))),
        other => Some(Failed(format!("lookup failed: {other}"))),
    }
}

fn fqdn(name: &str) -> String {
    format!("{}.", name.trim_end_matches('.'))
}

/// The records of one type at `name`, as their RData.
async fn records(r: &TokioResolver, name: &str, ty: RecordType) -> Answer<RData> {
    match r.lookup(fqdn(name), ty).await {
        Ok(l) => Ok(l
            .answers()
            .iter()
            .filter(|rec| rec.record_type() == ty)
            .map(|rec| rec.data.clone())
            .collect()),
        Err(e) => match classify(&e) {
            None => Ok(Vec::new()),
            Some(f) => Err(Failed(format!("{} {ty}: {f}", name.trim_end_matches('.')))),
        },
    }
}

/// TXT strings at `name`, each record's character-strings joined (RFC 7208 §3.3).
pub async fn txt(r: &TokioResolver, name: &str) -> Answer<String> {
    Ok(records(r, name, RecordType::TXT)
        .await?
        .into_iter()
        .filter_map(|d| match d {
            RData::TXT(t) => Some(
                t.txt_data
                    .iter()
                    .map(|s| String::from_utf8_lossy(s).into_owned())
                    .collect(),
            ),
            _ => None,
        })
        .collect())
}

/// IPv4 addresses at `name` (A records).
pub async fn a(r: &TokioResolver, name: &str) -> Answer<std::net::Ipv4Addr> {
    Ok(records(r, name, RecordType::A)
        .await?
        .into_iter()
        .filter_map(|d| match d {
            RData::A(a) => Some(a.0),
            _ => None,
        })
        .collect())
}

/// A and AAAA addresses of `host`, asked at once. A failure of either is a failure: a host
/// whose AAAA lookup timed out may well have the address being looked for.
pub async fn addresses(r: &TokioResolver, host: &str) -> Answer<IpAddr> {
    let (v4, v6) = tokio::join!(
        records(r, host, RecordType::A),
        records(r, host, RecordType::AAAA)
    );
    Ok(v4?
        .into_iter()
        .chain(v6?)
        .filter_map(|d| match d {
            RData::A(a) => Some(IpAddr::V4(a.0)),
            RData::AAAA(a) => Some(IpAddr::V6(a.0)),
            _ => None,
        })
        .collect())
}

/// PTR names of `ip`, without the trailing dot.
pub async fn ptr_names(r: &TokioResolver, ip: IpAddr) -> Answer<String> {
    let name = super::records::reverse_name(ip);
    Ok(records(r, &name, RecordType::PTR)
        .await?
        .into_iter()
        .filter_map(|d| match d {
            RData::PTR(p) => Some(p.0.to_ascii().trim_end_matches('.').to_string()),
            _ => None,
        })
        .collect())
}

/// MX records of `domain` as (preference, exchange without the trailing dot).
pub async fn mx(r: &TokioResolver, domain: &str) -> Answer<(u16, String)> {
    Ok(records(r, domain, RecordType::MX)
        .await?
        .into_iter()
        .filter_map(|d| match d {
            RData::MX(m) => Some((
                m.preference,
                m.exchange.to_ascii().trim_end_matches('.').to_string(),
            )),
            _ => None,
        })
        .collect())
}

/// SRV records at `name` (RFC 2782) as (priority, weight, port, target without the dot).
pub async fn srv(r: &TokioResolver, name: &str) -> Answer<(u16, u16, u16, String)> {
    Ok(records(r, name, RecordType::SRV)
        .await?
        .into_iter()
        .filter_map(|d| match d {
            RData::SRV(s) => Some((
                s.priority,
                s.weight,
                s.port,
                s.target.to_ascii().trim_end_matches('.').to_string(),
            )),
            _ => None,
        })
        .collect())
}

/// Whether `name` is an alias (has a CNAME record).
pub async fn is_cname(r: &TokioResolver, name: &str) -> Result<bool, Failed> {
    Ok(!records(r, name, RecordType::CNAME).await?.is_empty())
}
