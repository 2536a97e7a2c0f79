//! `dns check`: every DNS record a mail domain depends on, checked at once, each finding
//! saying what was found and, when it is not right, the exact record to publish.
//!
//! Checks: MX (RFC 5321/7505, RFC 2181 §10.3), PTR of this server's and the MX hosts'
//! addresses against the HELO name, forward-confirmed (ptr.rs), SPF (RFC 7208, through
//! mail-auth for the verdict), DKIM (RFC 6376), DMARC (RFC 7489, dmarc.rs), MTA-STS and
//! TLS-RPT (RFC 8461/8460), and DNS blocklists (RFC 5782, dnsbl.rs). All lookups share one
//! short-timeout resolver (dns::lookup) and run concurrently.
//!
//! A lookup that did not complete makes its check `error`: nothing is known, so neither
//! pass nor fail is said. Not here: what to publish (dns::records).

pub mod dmarc;
pub mod dnsbl;
pub mod ptr;
pub mod signing;
pub mod spf;

use std::net::IpAddr;

use base64::Engine;
use hickory_resolver::TokioResolver;
use serde::Serialize;

use super::dkim::DkimKey;
use super::lookup::{self, Failed};

pub use dmarc::check_dmarc;
pub use dnsbl::blocklists;
pub use ptr::check_ptr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Warn,
    Fail,
    Info,
    /// The check could not be made (a lookup timed out, SERVFAIL, an error answer from a
    /// blocklist): neither pass nor fail, and the run exits 1.
    Error,
}

impl Status {
    /// Whether the run as a whole is not ok (exit 1).
    pub fn is_bad(self) -> bool {
        matches!(self, Status::Fail | Status::Error)
    }
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

/// The finding for a check whose lookup failed: the reason, and what to do about it.
fn error(check: &str, e: &Failed) -> Finding {
    f(
        check,
        Status::Error,
        format!("not checked: {e}"),
        "make sure the resolver answers (--nameserver ADDR, setting dns.nameserver, or \
         /etc/resolv.conf), then check again",
    )
}

/// What the check needs to know about this server.
pub struct Input {
    pub domain: String,
    /// The name this server says in HELO/EHLO: setting `hostname` (or the system's host name
    /// when there is a data directory but no setting). None when checking without a data
    /// directory: the MX host name stands in for it then.
    pub hostname: Option<String>,
    /// The server's public addresses (`--ip` or setting `public_ip`).
    pub ips: Vec<IpAddr>,
    /// DKIM selectors to look at (from `--selector`, or the keys held).
    pub selectors: Vec<String>,
    pub keys: Vec<DkimKey>,
    pub dnsbl_zones: Vec<String>,
    /// The envelope sender SPF is evaluated for (default postmaster@domain).
    pub spf_sender: Option<String>,
}

impl Input {
    /// The mail host name to put in suggested records.
    fn mail_host(&self) -> String {
        self.hostname
            .clone()
            .unwrap_or_else(|| format!("mail.{}", self.domain))
    }
}

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

pub async fn check_spf(r: &TokioResolver, input: &Input) -> Vec<Finding> {
    let d = &input.domain;
    let publish = format!("publish {d}. IN TXT \"v=spf1 mx -all\"");
    let recs = match spf::spf_records(r, d).await {
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
    let mut a = spf::Analysis::default();
    spf::analyse(r, d.clone(), recs[0].clone(), 0, &mut a).await;
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
    let looked = futures_util::future::join_all(
        input
            .selectors
            .iter()
            .map(|sel| async move { lookup::txt(r, &format!("{sel}._domainkey.{d}")).await }),
    )
    .await;
    let mut out = Vec::new();
    for (sel, looked) in input.selectors.iter().zip(looked) {
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
        let recs = match looked {
            Ok(v) => v,
            Err(e) => {
                out.push(error("DKIM", &e));
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

async fn check_sts_rpt(r: &TokioResolver, input: &Input) -> Vec<Finding> {
    let d = &input.domain;
    let mut out = Vec::new();
    let (sts_name, rpt_name) = (format!("_mta-sts.{d}"), format!("_smtp._tls.{d}"));
    let (sts, rpt) = tokio::join!(lookup::txt(r, &sts_name), lookup::txt(r, &rpt_name));
    match sts.map(|v| v.into_iter().find(|t| t.starts_with("v=STSv1"))) {
        Err(e) => out.push(error("MTA-STS", &e)),
        Ok(Some(t)) if t.contains("id=") => out.push(f("MTA-STS", Status::Info, t, "")),
        Ok(Some(t)) => out.push(f(
            "MTA-STS",
            Status::Warn,
            format!("{t} (no id=)"),
            "add an id= that changes with the policy",
        )),
        Ok(None) => out.push(f(
            "MTA-STS",
            Status::Info,
            "not published (optional)",
            "needs a policy at https://mta-sts.DOMAIN/.well-known/mta-sts.txt as well",
        )),
    }
    let publish =
        format!("publish _smtp._tls.{d}. IN TXT \"v=TLSRPTv1; rua=mailto:postmaster@{d}\"");
    match rpt.map(|v| v.into_iter().find(|t| t.starts_with("v=TLSRPTv1"))) {
        Err(e) => out.push(error("TLS-RPT", &e)),
        Ok(Some(t)) if t.contains("rua=") => out.push(f("TLS-RPT", Status::Info, t, "")),
        Ok(Some(t)) => out.push(f(
            "TLS-RPT",
            Status::Warn,
            format!("{t} (no rua=)"),
            publish,
        )),
        Ok(None) => out.push(f(
            "TLS-RPT",
            Status::Info,
            "not published (optional)",
            publish,
        )),
    }
    out
}

/// Runs every check concurrently. This server's own PTR does not wait for the MX lookup:
/// with a dead resolver each chain of lookups costs its timeouts, so chains stay short.
pub async fn run(r: &TokioResolver, input: &Input) -> Vec<Finding> {
    let (mx_ptr, spf, dkim, dmarc, sts, bl) = tokio::join!(
        async {
            // Without a HELO name the MX hosts decide what this server's PTR should say.
            let ((mut out, hosts), own) = if input.hostname.is_some() {
                tokio::join!(check_mx(r, input), check_ptr(r, input, &[]))
            } else {
                (check_mx(r, input).await, Vec::new())
            };
            let done = if input.hostname.is_some() {
                input.ips.clone()
            } else {
                Vec::new()
            };
            let mut rest: Vec<IpAddr> = Vec::new();
            for ip in input
                .ips
                .iter()
                .chain(hosts.iter().flat_map(|(_, ips)| ips))
            {
                if !done.contains(ip) && !rest.contains(ip) {
                    rest.push(*ip);
                }
            }
            out.extend(own);
            out.extend(ptr::check_addresses(r, input, &rest, &hosts).await);
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
