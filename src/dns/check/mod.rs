//! `dns check`: every DNS record a mail domain depends on, checked at once, each finding
//! saying what was found and, when it is not right, the exact record to publish.
//!
//! Checks: MX (RFC 5321/7505, RFC 2181 §10.3), the MX hosts' PTR and forward confirmation,
//! this server's own PTR against its HELO name, SPF (RFC 7208, through mail-auth for the
//! verdict), DKIM (RFC 6376), DMARC (RFC 7489), MTA-STS and TLS-RPT (RFC 8461/8460), and DNS
//! blocklists. All lookups share one resolver and run concurrently.

pub mod spf;

use std::net::IpAddr;

use base64::Engine;
use hickory_resolver::TokioResolver;
use hickory_resolver::proto::rr::RData;
use serde::Serialize;

use super::dkim::DkimKey;
use super::records::reverse_name;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Warn,
    Fail,
    Info,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub check: String,
    pub status: Status,
    pub found: String,
    /// What to change, with the record to publish; empty when nothing needs doing.
    pub fix: String,
}

fn f(check: &str, status: Status, found: impl Into<String>, fix: impl Into<String>) -> Finding {
    Finding {
        check: check.into(),
        status,
        found: found.into(),
        fix: fix.into(),
    }
}

/// What the check needs to know about this server.
pub struct Input {
    pub domain: String,
    /// The server's HELO name (setting `hostname`).
    pub hostname: String,
    /// The server's public addresses (`--ip` or setting `public_ip`).
    pub ips: Vec<IpAddr>,
    /// DKIM selectors to look at (from `--selector`, or the keys held).
    pub selectors: Vec<String>,
    pub keys: Vec<DkimKey>,
    pub dnsbl_zones: Vec<String>,
    /// The envelope sender SPF is evaluated for (default postmaster@domain).
    pub spf_sender: Option<String>,
}

async fn txt(resolver: &TokioResolver, name: &str) -> Result<Vec<String>, String> {
    match resolver
        .txt_lookup(format!("{}.", name.trim_end_matches('.')))
        .await
    {
        Ok(l) => Ok(l
            .answers()
            .iter()
            .filter_map(|r| match &r.data {
                RData::TXT(t) => Some(
                    t.txt_data
                        .iter()
                        .map(|s| String::from_utf8_lossy(s).into_owned())
                        .collect(),
                ),
                _ => None,
            })
            .collect()),
        Err(e) if e.is_no_records_found() => Ok(Vec::new()),
        Err(e) => Err(format!("lookup of {name} failed: {e}")),
    }
}

async fn addresses(resolver: &TokioResolver, host: &str) -> Vec<IpAddr> {
    resolver
        .lookup_ip(format!("{}.", host.trim_end_matches('.')))
        .await
        .map(|l| l.iter().collect())
        .unwrap_or_default()
}

async fn ptr_names(resolver: &TokioResolver, ip: IpAddr) -> Vec<String> {
    resolver
        .reverse_lookup(ip)
        .await
        .map(|l| {
            l.answers()
                .iter()
                .filter_map(|r| match &r.data {
                    RData::PTR(p) => Some(p.0.to_ascii().trim_end_matches('.').to_string()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// MX: present, targets are host names (not IPs, not CNAMEs) with addresses; null MX.
/// Returns the findings and the (host, addresses) of the MX hosts.
pub async fn check_mx(
    r: &TokioResolver,
    input: &Input,
) -> (Vec<Finding>, Vec<(String, Vec<IpAddr>)>) {
    let d = &input.domain;
    let publish = format!("{d}. IN MX 10 {}.", input.hostname);
    let lookup = r.mx_lookup(format!("{d}.")).await;
    let mut mx: Vec<(u16, String)> = match &lookup {
        Ok(l) => l
            .answers()
            .iter()
            .filter_map(|r| match &r.data {
                RData::MX(m) => Some((
                    m.preference,
                    m.exchange.to_ascii().trim_end_matches('.').to_string(),
                )),
                _ => None,
            })
            .collect(),
        Err(e) if e.is_no_records_found() => Vec::new(),
        Err(e) => {
            return (
                vec![f(
                    "MX",
                    Status::Fail,
                    format!("lookup failed: {e}"),
                    "check that the domain's name servers answer",
                )],
                Vec::new(),
            );
        }
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
        let cname = r
            .lookup(
                format!("{host}."),
                hickory_resolver::proto::rr::RecordType::CNAME,
            )
            .await
            .map(|l| {
                l.answers()
                    .iter()
                    .any(|r| matches!(r.data, RData::CNAME(_)))
            })
            .unwrap_or(false);
        if cname {
            out.push(f("MX", Status::Fail, format!("MX {host} is a CNAME"), format!("RFC 2181 §10.3: point the MX at the canonical name, or make {host} an A/AAAA record")));
        }
        let ips = addresses(r, host).await;
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

/// PTR of every MX host address, forward-confirmed; and this server's own PTR vs HELO name.
pub async fn check_ptr(
    r: &TokioResolver,
    input: &Input,
    hosts: &[(String, Vec<IpAddr>)],
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut targets: Vec<(IpAddr, Option<String>)> = Vec::new();
    for (host, ips) in hosts {
        for ip in ips {
            if seen.insert(*ip) {
                targets.push((*ip, Some(host.clone())));
            }
        }
    }
    for ip in &input.ips {
        if seen.insert(*ip) {
            targets.push((*ip, None));
        }
    }
    for (ip, host) in targets {
        let expect = host.clone().unwrap_or_else(|| input.hostname.clone());
        let names = ptr_names(r, ip).await;
        let ask = format!(
            "ask your provider for {}. IN PTR {expect}.",
            reverse_name(ip)
        );
        if names.is_empty() {
            out.push(f(
                "PTR",
                Status::Fail,
                format!("{ip} has no PTR record"),
                ask,
            ));
            continue;
        }
        let mut confirmed = None;
        for n in &names {
            if addresses(r, n).await.contains(&ip) {
                confirmed = Some(n.clone());
                break;
            }
        }
        match confirmed {
            None => out.push(f(
                "PTR",
                Status::Fail,
                format!("{ip} → {} does not resolve back to {ip}", names.join(", ")),
                format!("publish {}. IN A {ip}, or {ask}", names[0]),
            )),
            Some(n) if input.ips.contains(&ip) && !n.eq_ignore_ascii_case(&input.hostname) => out
                .push(f(
                    "PTR",
                    Status::Warn,
                    format!("{ip} → {n}, but this server says HELO {}", input.hostname),
                    format!("{ask}, or `mailctl config set hostname {n}`"),
                )),
            Some(n) => out.push(f("PTR", Status::Pass, format!("{ip} → {n} → {ip}"), "")),
        }
    }
    out
}

pub async fn check_spf(r: &TokioResolver, input: &Input) -> Vec<Finding> {
    let d = &input.domain;
    let publish = format!("publish {d}. IN TXT \"v=spf1 mx -all\"");
    let recs = match spf::spf_records(r, d).await {
        Ok(v) => v,
        Err(e) => return vec![f("SPF", Status::Fail, format!("lookup failed: {e}"), "")],
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
    let mut a = spf::Analysis::default();
    spf::analyse(r, recs[0].clone(), 0, &mut a).await;
    let tree = a.tree.join("\n");
    let mut out = Vec::new();
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
            format!("{} void lookups (limit 2)", a.void_lookups),
            "remove terms that point at names without records",
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
        None if !recs[0].to_ascii_lowercase().contains("redirect=") => out.push(f(
            "SPF",
            Status::Warn,
            "no 'all' term: unlisted senders get a neutral result",
            format!("end it in -all: {publish}"),
        )),
        None => {}
    }
    // The verdict for this server's own addresses, through mail-auth's evaluator.
    let auth = mail_auth::MessageAuthenticator(r.clone());
    for ip in &input.ips {
        let sender = input
            .spf_sender
            .clone()
            .unwrap_or_else(|| format!("postmaster@{d}"));
        let res = auth
            .verify_spf(mail_auth::spf::verify::SpfParameters::verify_mail_from(
                *ip,
                &input.hostname,
                &input.hostname,
                &sender,
            ))
            .await;
        if res.result() != mail_auth::SpfResult::Pass {
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

pub async fn check_dkim(r: &TokioResolver, input: &Input) -> Vec<Finding> {
    let d = &input.domain;
    if input.selectors.is_empty() {
        return vec![f(
            "DKIM",
            Status::Warn,
            "no selector to check (no key held, none given)",
            format!("`mailctl dkim generate {d}` and publish the record it prints"),
        )];
    }
    let mut out = Vec::new();
    for sel in &input.selectors {
        let name = format!("{sel}._domainkey.{d}");
        let held = input.keys.iter().find(|k| &k.selector == sel);
        let publish = held
            .map(|k| {
                format!(
                    "publish {}",
                    super::dkim::zone_line(&k.record_name(), &k.record_value())
                )
            })
            .unwrap_or_default();
        let recs = match txt(r, &name).await {
            Ok(v) => v,
            Err(e) => {
                out.push(f("DKIM", Status::Fail, e, ""));
                continue;
            }
        };
        let Some(rec) = recs.iter().find(|t| t.contains("p=")) else {
            out.push(f(
                "DKIM",
                Status::Fail,
                format!("no key published at {name}"),
                if publish.is_empty() {
                    format!("publish the key for selector {sel}")
                } else {
                    publish
                },
            ));
            continue;
        };
        let tags: Vec<(String, String)> = rec
            .split(';')
            .filter_map(|t| {
                t.split_once('=').map(|(k, v)| {
                    (
                        k.trim().to_ascii_lowercase(),
                        v.split_whitespace().collect::<String>(),
                    )
                })
            })
            .collect();
        let p = tags
            .iter()
            .find(|(k, _)| k == "p")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let k = tags
            .iter()
            .find(|(k, _)| k == "k")
            .map(|(_, v)| v.to_ascii_lowercase())
            .unwrap_or_else(|| "rsa".into());
        let decoded = base64::engine::general_purpose::STANDARD.decode(&p);
        if p.is_empty() {
            out.push(f(
                "DKIM",
                Status::Warn,
                format!("{name}: key revoked (empty p=)"),
                publish,
            ));
        } else if decoded.is_err() || !(k == "rsa" || k == "ed25519") {
            out.push(f(
                "DKIM",
                Status::Fail,
                format!("{name}: unparsable key record: {rec}"),
                publish,
            ));
        } else if let Some(key) = held {
            if key.public_key == p {
                out.push(f(
                    "DKIM",
                    Status::Pass,
                    format!("{name}: k={k}, matches the key mailctl signs with"),
                    "",
                ));
            } else {
                out.push(f(
                    "DKIM",
                    Status::Fail,
                    format!("{name}: the published key is not the one mailctl signs with"),
                    publish,
                ));
            }
        } else {
            out.push(f(
                "DKIM",
                Status::Pass,
                format!("{name}: k={k} key published (not held here)"),
                "",
            ));
        }
    }
    out
}

pub async fn check_dmarc(r: &TokioResolver, input: &Input) -> Vec<Finding> {
    let d = &input.domain;
    let publish =
        format!("publish _dmarc.{d}. IN TXT \"v=DMARC1; p=quarantine; rua=mailto:postmaster@{d}\"");
    let recs: Vec<String> = match txt(r, &format!("_dmarc.{d}")).await {
        Ok(v) => v
            .into_iter()
            .filter(|t| t.trim_start().to_ascii_uppercase().starts_with("V=DMARC1"))
            .collect(),
        Err(e) => return vec![f("DMARC", Status::Fail, e, "")],
    };
    if recs.is_empty() {
        return vec![f(
            "DMARC",
            Status::Fail,
            format!("no DMARC record at _dmarc.{d}"),
            publish,
        )];
    }
    if recs.len() > 1 {
        return vec![f(
            "DMARC",
            Status::Fail,
            format!("{} DMARC records", recs.len()),
            format!("keep exactly one: {publish}"),
        )];
    }
    let rec = &recs[0];
    let mut policy = None;
    let mut errors = Vec::new();
    for tag in rec.split(';').map(str::trim).filter(|t| !t.is_empty()) {
        let Some((k, v)) = tag.split_once('=') else {
            errors.push(format!("'{tag}' is not tag=value"));
            continue;
        };
        let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
        match k.as_str() {
            "v" => {}
            "p" | "sp" => {
                if !["none", "quarantine", "reject"].contains(&v.to_ascii_lowercase().as_str()) {
                    errors.push(format!("{k}={v} is not none, quarantine or reject"));
                } else if k == "p" {
                    policy = Some(v.to_ascii_lowercase());
                }
            }
            "rua" | "ruf" => {
                for uri in v.split(',') {
                    let addr = uri
                        .trim()
                        .strip_prefix("mailto:")
                        .map(|a| a.split('!').next().unwrap_or(a));
                    if addr
                        .and_then(|a| crate::core::Address::parse(a).ok())
                        .is_none()
                    {
                        errors.push(format!("{k} '{uri}' is not a mailto: address"));
                    }
                }
            }
            "adkim" | "aspf" => {
                if !["r", "s"].contains(&v) {
                    errors.push(format!("{k}={v} is not r or s"));
                }
            }
            "pct" => {
                if v.parse::<u8>().ok().filter(|p| *p <= 100).is_none() {
                    errors.push(format!("pct={v} is not 0-100"));
                }
            }
            "fo" | "rf" | "ri" | "np" | "t" | "psd" => {}
            other => errors.push(format!("unknown tag '{other}'")),
        }
    }
    if policy.is_none() {
        errors.push("no p= policy".into());
    }
    if !errors.is_empty() {
        return vec![f(
            "DMARC",
            Status::Fail,
            format!("{rec}: {}", errors.join("; ")),
            publish,
        )];
    }
    match policy.as_deref() {
        Some("none") => vec![f(
            "DMARC",
            Status::Warn,
            format!("{rec} (p=none only monitors)"),
            "once reports look clean, move to p=quarantine, then p=reject",
        )],
        _ => vec![f("DMARC", Status::Pass, rec.clone(), "")],
    }
}

async fn check_sts_rpt(r: &TokioResolver, input: &Input) -> Vec<Finding> {
    let d = &input.domain;
    let mut out = Vec::new();
    match txt(r, &format!("_mta-sts.{d}"))
        .await
        .unwrap_or_default()
        .into_iter()
        .find(|t| t.starts_with("v=STSv1"))
    {
        Some(t) if t.contains("id=") => out.push(f("MTA-STS", Status::Info, t, "")),
        Some(t) => out.push(f(
            "MTA-STS",
            Status::Warn,
            format!("{t} (no id=)"),
            "add an id= that changes with the policy",
        )),
        None => out.push(f(
            "MTA-STS",
            Status::Info,
            "not published (optional)",
            "needs a policy at https://mta-sts.DOMAIN/.well-known/mta-sts.txt as well",
        )),
    }
    match txt(r, &format!("_smtp._tls.{d}"))
        .await
        .unwrap_or_default()
        .into_iter()
        .find(|t| t.starts_with("v=TLSRPTv1"))
    {
        Some(t) if t.contains("rua=") => out.push(f("TLS-RPT", Status::Info, t, "")),
        Some(t) => out.push(f(
            "TLS-RPT",
            Status::Warn,
            format!("{t} (no rua=)"),
            format!("publish _smtp._tls.{d}. IN TXT \"v=TLSRPTv1; rua=mailto:postmaster@{d}\""),
        )),
        None => out.push(f(
            "TLS-RPT",
            Status::Info,
            "not published (optional)",
            format!("publish _smtp._tls.{d}. IN TXT \"v=TLSRPTv1; rua=mailto:postmaster@{d}\""),
        )),
    }
    out
}

/// Looks an address up in each blocklist zone; a 127.0.0.x answer means listed.
pub async fn blocklists(r: &TokioResolver, ips: &[IpAddr], zones: &[String]) -> Vec<Finding> {
    let mut out = Vec::new();
    for ip in ips {
        let rev = reverse_name(*ip);
        let base = rev
            .trim_end_matches(".in-addr.arpa")
            .trim_end_matches(".ip6.arpa")
            .to_string();
        for zone in zones {
            let name = format!("{base}.{zone}.");
            match r.ipv4_lookup(name.as_str()).await {
                Ok(l)
                    if l.answers()
                        .iter()
                        .any(|a| matches!(&a.data, RData::A(a) if a.0.octets()[0] == 127)) =>
                {
                    let reason = txt(r, &name).await.unwrap_or_default().join(" ");
                    out.push(f(
                        "blocklist",
                        Status::Fail,
                        format!(
                            "{ip} is listed on {zone}{}",
                            if reason.is_empty() {
                                String::new()
                            } else {
                                format!(": {reason}")
                            }
                        ),
                        format!("follow {zone}'s delisting procedure after fixing the cause"),
                    ));
                }
                Ok(_) | Err(_) => out.push(f(
                    "blocklist",
                    Status::Pass,
                    format!("{ip} not listed on {zone}"),
                    "",
                )),
            }
        }
    }
    out
}

/// Runs every check concurrently.
pub async fn run(r: &TokioResolver, input: &Input) -> Vec<Finding> {
    let (mx_ptr, spf, dkim, dmarc, sts, bl) = tokio::join!(
        async {
            let (mut out, hosts) = check_mx(r, input).await;
            out.extend(check_ptr(r, input, &hosts).await);
            out
        },
        check_spf(r, input),
        check_dkim(r, input),
        check_dmarc(r, input),
        check_sts_rpt(r, input),
        blocklists(r, &input.ips, &input.dnsbl_zones),
    );
    [mx_ptr, spf, dkim, dmarc, sts, bl].concat()
}
