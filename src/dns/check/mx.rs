//! MX check (RFC 5321 §5.1, null MX RFC 7505, RFC 2181 §10.3): the domain has MX records,
//! each names a host (not an IP address, not a CNAME) that has A/AAAA records, or it
//! publishes a null MX on purpose. Several MX hosts are each checked and named in their own
//! finding; on a backup MX, the domain's MX must list this host at a higher preference
//! number than the primary (RFC 5321 §5.1: senders try the lowest number first).
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
    if input.backup_mx {
        out.push(backup_finding(d, &input.mail_host(), &mx));
    }
    if out.iter().all(|x| x.status == Status::Pass) {
        out.insert(0, f("MX", Status::Pass, listed.join(", "), ""));
    }
    (out, hosts)
}

/// On a backup MX: whether `mx` (sorted by preference) lists `me` behind a primary.
pub fn backup_finding(d: &str, me: &str, mx: &[(u16, String)]) -> Finding {
    let me = me.trim_end_matches('.');
    let is_me = |h: &str| h.trim_end_matches('.').eq_ignore_ascii_case(me);
    let mine = mx.iter().find(|(_, h)| is_me(h)).map(|(p, _)| *p);
    let primary = mx.iter().find(|(_, h)| !is_me(h));
    match (mine, primary) {
        (_, None) => f(
            "MX backup",
            Status::Fail,
            format!(
                "{d} has no MX besides this backup host {me}: there is no primary to hand mail to"
            ),
            format!("publish {d}. IN MX 10 <primary>. and {d}. IN MX 20 {me}."),
        ),
        (None, Some((p, host))) => f(
            "MX backup",
            Status::Fail,
            format!("{d}'s MX does not list this backup host {me} (primary {host} at {p})"),
            format!("publish {d}. IN MX {} {me}.", p.saturating_add(10)),
        ),
        (Some(mine), Some((p, host))) if mine <= *p => f(
            "MX backup",
            Status::Fail,
            format!(
                "this backup host {me} has preference {mine}, not above the primary {host}'s {p}: senders try it first"
            ),
            format!(
                "publish {d}. IN MX {} {me}. (a higher number than the primary's) instead of {mine}",
                p.saturating_add(10)
            ),
        ),
        (Some(mine), Some((p, host))) => f(
            "MX backup",
            Status::Pass,
            format!("backup MX {me} ({mine}) behind the primary {host} ({p})"),
            "",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mx(list: &[(u16, &str)]) -> Vec<(u16, String)> {
        list.iter().map(|(p, h)| (*p, h.to_string())).collect()
    }

    #[test]
    fn a_backup_mx_must_be_listed_behind_the_primary() {
        let me = "mx2.b.test";
        let ok = backup_finding(
            "a.test",
            me,
            &mx(&[(10, "mail.a.test"), (20, "mx2.b.test")]),
        );
        assert_eq!(ok.status, Status::Pass, "{ok:?}");
        let missing = backup_finding("a.test", me, &mx(&[(10, "mail.a.test")]));
        assert_eq!(missing.status, Status::Fail);
        assert!(missing.fix.contains("IN MX 20 mx2.b.test."), "{missing:?}");
        let first = backup_finding("a.test", me, &mx(&[(5, "mx2.b.test"), (10, "mail.a.test")]));
        assert_eq!(first.status, Status::Fail);
        assert!(first.found.contains("preference 5"), "{first:?}");
        assert!(first.fix.contains("IN MX 20 mx2.b.test."), "{first:?}");
        let equal = backup_finding(
            "a.test",
            me,
            &mx(&[(10, "mail.a.test"), (10, "mx2.b.test.")]),
        );
        assert_eq!(equal.status, Status::Fail);
        let alone = backup_finding("a.test", me, &mx(&[(10, "mx2.b.test")]));
        assert_eq!(alone.status, Status::Fail);
        assert!(alone.found.contains("no MX besides"), "{alone:?}");
    }
}
