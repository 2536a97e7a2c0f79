//! Reverse DNS of sending addresses (FCrDNS; PTR records per RFC 1035 §3.5, RFC 1912 §2.1),
//! with one rule for `dns check` and `dns ptr`: the PTR of
//! an address must name the host that says HELO/EHLO from it, and that name must resolve
//! back to the address (forward-confirmed reverse DNS, "FCrDNS"). Large receivers reject or
//! junk mail from addresses that fail either half.
//!
//! The HELO name is the `hostname` setting (this server's addresses), else the MX host name
//! when checking a domain from somewhere without that setting (helo_name). Not here: what
//! to publish (dns::records), the MX checks (mx.rs), checking the HELO name a
//! connecting client gives (inbound, planned).

use std::net::IpAddr;

use hickory_resolver::TokioResolver;

use super::{Finding, Input, Status, error, f};
use crate::dns::lookup::{self, Failed};
use crate::dns::records::reverse_name;

/// The name the PTR of `ip` must give, and whether it is known to be the HELO name (this
/// server's setting) or only the best guess (the MX host name of another server).
pub fn helo_name(
    input: &Input,
    ip: IpAddr,
    mx_hosts: &[(String, Vec<IpAddr>)],
) -> Option<(String, bool)> {
    let mx = mx_hosts
        .iter()
        .find(|(_, ips)| ips.contains(&ip))
        .map(|(h, _)| h.clone());
    match &input.hostname {
        Some(h) if input.ips.contains(&ip) => Some((h.clone(), true)),
        Some(h) if mx.as_deref().is_some_and(|m| m.eq_ignore_ascii_case(h)) => {
            Some((h.clone(), true))
        }
        _ => mx.map(|m| (m, false)),
    }
}

/// The rule, said once in each finding so the advice is never a puzzle.
fn rule(ip: IpAddr, helo: Option<&str>) -> String {
    match helo {
        Some(h) => format!(
            "rule: the PTR of {ip} must name the HELO host {h}, and {h} must resolve to {ip}"
        ),
        None => format!(
            "rule: the PTR of {ip} must name the host's HELO name, which must resolve to {ip} \
             (set `hostname` to check which name)"
        ),
    }
}

/// Checks one address against the rule.
async fn one(r: &TokioResolver, ip: IpAddr, helo: Option<(String, bool)>) -> Finding {
    let rule = rule(ip, helo.as_ref().map(|(h, _)| h.as_str()));
    let want = helo
        .as_ref()
        .map(|(h, _)| h.clone())
        .unwrap_or_else(|| "HOSTNAME".into());
    let ask = format!("ask your provider for {}. IN PTR {want}.", reverse_name(ip));
    let names = match lookup::ptr_names(r, ip).await {
        Ok(n) => n,
        Err(e) => return error("PTR", &e),
    };
    if names.is_empty() {
        return f(
            "PTR",
            Status::Fail,
            format!("{ip} has no PTR record; {rule}"),
            ask,
        );
    }
    let looked =
        futures_util::future::join_all(names.iter().map(|n| lookup::addresses(r, n))).await;
    let mut confirmed = Vec::new();
    let mut failed = Vec::new();
    for (n, a) in names.iter().zip(looked) {
        match a {
            Ok(a) if a.contains(&ip) => confirmed.push(n.clone()),
            Ok(_) => {}
            Err(e) => failed.push(e.0),
        }
    }
    verdict(ip, helo, &names, &confirmed, &failed, (&rule, &ask))
}

/// The finding for `ip` from its PTR `names`, those of them that resolve back to it
/// (`confirmed`) and the forward lookups that failed. `texts` are the rule and the request
/// to the provider, as worded for this address.
fn verdict(
    ip: IpAddr,
    helo: Option<(String, bool)>,
    names: &[String],
    confirmed: &[String],
    failed: &[String],
    (rule, ask): (&str, &str),
) -> Finding {
    let shown = names.join(", ");
    let Some((helo, known)) = helo else {
        return match confirmed.first() {
            Some(n) => f(
                "PTR",
                Status::Pass,
                format!("{ip} → {n} → {ip}; {rule}"),
                "",
            ),
            None if !failed.is_empty() => error("PTR", &Failed(failed.join("; "))),
            None => f(
                "PTR",
                Status::Fail,
                format!("{ip} → {shown}, which does not resolve back to {ip}; {rule}"),
                format!("publish {}. IN A {ip}, or {ask}", names[0]),
            ),
        };
    };
    let names_helo = names.iter().any(|n| n.eq_ignore_ascii_case(&helo));
    let helo_confirmed = confirmed.iter().any(|n| n.eq_ignore_ascii_case(&helo));
    if helo_confirmed {
        return f(
            "PTR",
            Status::Pass,
            format!("{ip} → {helo} → {ip}; {rule}"),
            "",
        );
    }
    if !failed.is_empty() {
        return error("PTR", &Failed(failed.join("; ")));
    }
    if names_helo {
        return f(
            "PTR",
            Status::Fail,
            format!("{ip} → {helo}, but {helo} does not resolve back to {ip}; {rule}"),
            format!("publish {helo}. IN A {ip}"),
        );
    }
    match (confirmed.first(), known) {
        (Some(n), true) => f(
            "PTR",
            Status::Fail,
            format!("{ip} → {n}, but this server says HELO {helo}; {rule}"),
            format!("{ask}, or `mailctl config set hostname {n}`"),
        ),
        // Another operator's host: its HELO name is not known here, and FCrDNS holds.
        (Some(n), false) => f(
            "PTR",
            Status::Warn,
            format!(
                "{ip} → {n} → {ip}, not the MX name {helo}; fine if that host says HELO {n}; {rule}"
            ),
            "",
        ),
        (None, _) => f(
            "PTR",
            Status::Fail,
            format!("{ip} → {shown}, which does not resolve back to {ip}; {rule}"),
            format!("{ask} (and publish {helo}. IN A {ip})"),
        ),
    }
}

/// PTR of this server's addresses (input.ips) and of the MX hosts' addresses, each once.
/// With `hosts` empty only this server's addresses are checked.
pub async fn check_ptr(
    r: &TokioResolver,
    input: &Input,
    hosts: &[(String, Vec<IpAddr>)],
) -> Vec<Finding> {
    let mut targets: Vec<IpAddr> = Vec::new();
    for ip in input
        .ips
        .iter()
        .chain(hosts.iter().flat_map(|(_, ips)| ips))
    {
        if !targets.contains(ip) {
            targets.push(*ip);
        }
    }
    check_addresses(r, input, &targets, hosts).await
}

/// The rule for each of `ips`, concurrently.
pub async fn check_addresses(
    r: &TokioResolver,
    input: &Input,
    ips: &[IpAddr],
    hosts: &[(String, Vec<IpAddr>)],
) -> Vec<Finding> {
    futures_util::future::join_all(
        ips.iter()
            .map(|ip| one(r, *ip, helo_name(input, *ip, hosts))),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(hostname: Option<&str>, ips: &[&str]) -> Input {
        Input {
            domain: "example.org".into(),
            hostname: hostname.map(str::to_string),
            ips: ips.iter().map(|s| s.parse().unwrap()).collect(),
            selectors: Vec::new(),
            keys: Vec::new(),
            dnsbl_zones: Vec::new(),
            spf_sender: None,
            managesieve: None,
            backup_mx: false,
        }
    }

    #[test]
    fn one_rule_for_the_helo_name() {
        let ip: IpAddr = "192.0.2.10".parse().unwrap();
        // The MX is an alias of this server; the PTR must still name the HELO host.
        let hosts = vec![("mx-alias.example.org".to_string(), vec![ip])];
        assert_eq!(
            helo_name(
                &input(Some("mail.example.org"), &["192.0.2.10"]),
                ip,
                &hosts
            ),
            Some(("mail.example.org".into(), true))
        );
        // `dns ptr` (no MX known) gives the same answer.
        assert_eq!(
            helo_name(&input(Some("mail.example.org"), &["192.0.2.10"]), ip, &[]),
            Some(("mail.example.org".into(), true))
        );
        // No local setting: the MX host name stands in, as a guess.
        assert_eq!(
            helo_name(&input(None, &[]), ip, &hosts),
            Some(("mx-alias.example.org".into(), false))
        );
        assert_eq!(helo_name(&input(None, &["192.0.2.10"]), ip, &[]), None);
    }
}
