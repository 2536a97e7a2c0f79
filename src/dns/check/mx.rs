//! MX check (RFC 5321 §5.1, null MX RFC 7505, RFC 2181 §10.3): the domain has MX records,
//! each names a host (not an IP address, not a CNAME) that has A/AAAA records, or it
//! publishes a null MX on purpose.
//!
//! Not here: whether the MX hosts accept mail or speak TLS (`mailctl test smtp`), their
//! reverse DNS (ptr.rs), how delivery picks among them (smtp::outbound::route).

use std::net::IpAddr;

use hickory_resolver::TokioResolver;

use super::{Finding, Input, Status, error, f};
use crate::dns::lookup;

/// MX: present, targets are host names (not IPs, not CNAMEs) with addresses; null MX.
/// Returns the findings and the (host, addresses) of the MX hosts.
pub async fn check_mx(
    r: &TokioResolver,
    input: &Input,
) -> (Vec<Finding>, Vec<(String, Vec<IpAddr>)>) {
    let d = &input.domain;
    let publish = format!("{d}. IN MX 10 {}.", input.mail_host());
    let mut mx = match lookup::mx(r, d).await {
        Ok(mx) => mx,
        Err(e) => return (vec![error("MX", &e)], Vec::new()),
    };
    mx.sort();
    if mx.is_empty() {
        return (
            vec![f(
                "MX",
                Status::Fail,
                "no MX record",
                format!("publish {publish}"),
            )],
            Vec::new(),
        );
    }
    if mx.len() == 1 && mx[0].1.is_empty() {
        return (
            vec![f(
                "MX",
                Status::Info,
                "null MX (RFC 7505): the domain accepts no mail",
                "remove it to receive mail",
            )],
            Vec::new(),
        );
    }
    let mut out = Vec::new();
    let mut hosts = Vec::new();
    let listed: Vec<String> = mx.iter().map(|(p, h)| format!("{p} {h}")).collect();
    for (_, host) in &mx {
        if host.parse::<IpAddr>().is_ok() {
            out.push(f(
                "MX",
                Status::Fail,
                format!("MX {host} is an IP address"),
                format!(
                    "an MX names a host (RFC 5321 §5.1): publish {publish} and an A record for it"
                ),
            ));
            continue;
        }
        let (cname, ips) = tokio::join!(lookup::is_cname(r, host), lookup::addresses(r, host));
        let (cname, ips) = match (cname, ips) {
            (Ok(c), Ok(i)) => (c, i),
            (Err(e), _) | (_, Err(e)) => {
                out.push(error("MX", &e));
                continue;
            }
        };
        if cname {
            out.push(f("MX", Status::Fail, format!("MX {host} is a CNAME"), format!("RFC 2181 §10.3: point the MX at the canonical name, or make {host} an A/AAAA record")));
        }
        if ips.is_empty() {
            out.push(f(
                "MX",
                Status::Fail,
                format!("MX {host} has no A/AAAA record"),
                format!("publish {host}. IN A <address>"),
            ));
        }
        hosts.push((host.clone(), ips));
    }
    if out.is_empty() {
        out.push(f("MX", Status::Pass, listed.join(", "), ""));
    }
    (out, hosts)
}
