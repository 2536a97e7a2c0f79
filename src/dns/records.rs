//! What to publish in DNS for a mailctl server: the records `dns records` prints and `setup`
//! shows. Every record here is one `dns check` accepts once published.

use std::net::IpAddr;

use serde::Serialize;

use crate::core::Domain;
use crate::dkim::{self, DkimKey};

#[derive(Debug, Clone, Serialize)]
pub struct Record {
    /// Owner name, fully qualified, without the trailing dot.
    pub name: String,
    pub r#type: &'static str,
    /// The value as a DNS provider's web form wants it.
    pub value: String,
    /// The same record as a BIND zone line.
    pub zone: String,
    /// Why it is there, or what else to do.
    pub note: String,
}

fn rec(name: &str, ty: &'static str, value: String, note: &str) -> Record {
    let zone = match ty {
        "TXT" => dkim::zone_line(name, &value),
        _ => format!("{name}. IN {ty} {value}"),
    };
    Record {
        name: name.to_string(),
        r#type: ty,
        value,
        zone,
        note: note.to_string(),
    }
}

/// The reverse-DNS name of an address (`4.3.2.1.in-addr.arpa`, nibbles for IPv6).
pub fn reverse_name(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            format!("{}.{}.{}.{}.in-addr.arpa", o[3], o[2], o[1], o[0])
        }
        IpAddr::V6(v6) => {
            let mut s = String::new();
            for b in v6.octets().iter().rev() {
                s.push_str(&format!("{:x}.{:x}.", b & 0xf, b >> 4));
            }
            s + "ip6.arpa"
        }
    }
}

/// Which client services are on, for the RFC 6186 SRV records (and RFC 5804's for
/// ManageSieve): each one's port, or None when it is off.
pub struct Services {
    pub submission: Option<u16>,
    pub submissions: Option<u16>,
    pub imap: Option<u16>,
    pub imaps: Option<u16>,
    pub pop3: Option<u16>,
    pub pop3s: Option<u16>,
    pub managesieve: Option<u16>,
    /// The webmail's address when it is on (`crate::autoconfig::webmail_url`): served under
    /// the mail host's name, so that name's A/AAAA records say so.
    pub webmail: Option<String>,
}

/// An A or AAAA record for each of the host's addresses.
fn address_records<'a>(
    host: &'a str,
    ips: &'a [std::net::IpAddr],
    note: &'a str,
) -> impl Iterator<Item = Record> + 'a {
    ips.iter().map(move |ip| {
        let ty = if ip.is_ipv4() { "A" } else { "AAAA" };
        rec(host, ty, ip.to_string(), note)
    })
}

pub fn records(
    domain: &Domain,
    hostname: &str,
    ips: &[IpAddr],
    keys: &[DkimKey],
    services: &Services,
) -> Vec<Record> {
    let d = domain.as_str();
    let h = hostname.trim_end_matches('.');
    let mut out = vec![rec(
        d,
        "MX",
        format!("10 {h}."),
        "mail for the domain goes to this server",
    )];
    let host_note = match &services.webmail {
        Some(url) => format!(
            "the mail host's address, and webmail's ({url}; the certificate must name {h}) (skip if it exists already)"
        ),
        None => "the mail host's address (skip if it exists already)".into(),
    };
    out.extend(address_records(h, ips, &host_note));
    if let (Some(url), true) = (&services.webmail, ips.is_empty()) {
        // Like a missing DKIM key: a line saying what is needed, no value to publish yet.
        out.push(Record {
            name: h.to_string(),
            r#type: "A",
            value: String::new(),
            zone: format!(
                "; webmail is served at {url}: {h} needs A/AAAA records for this server (pass --ip or set public_ip)"
            ),
            note: format!("webmail at {url}: {h} must resolve to this server"),
        });
    }
    out.push(rec(
        d,
        "TXT",
        "v=spf1 mx -all".into(),
        "SPF: only the domain's MX hosts send its mail (add include:... for other senders)",
    ));
    out.push(rec(
        h,
        "TXT",
        "v=spf1 a -all".into(),
        "SPF for the HELO name, so bounces from this host pass too",
    ));
    if keys.is_empty() {
        out.push(Record {
            name: format!("mail._domainkey.{d}"),
            r#type: "TXT",
            value: String::new(),
            zone: format!(
                "; no DKIM key yet: run `mailctl dkim generate {d}` and print these records again"
            ),
            note: "DKIM: no key held yet".into(),
        });
    }
    for k in keys {
        out.push(rec(
            &k.record_name(),
            "TXT",
            k.record_value(),
            "DKIM: the public key outbound mail is signed with",
        ));
    }
    out.push(rec(
        &format!("_dmarc.{d}"),
        "TXT",
        format!("v=DMARC1; p=quarantine; adkim=r; aspf=r; rua=mailto:postmaster@{d}"),
        "DMARC: receivers quarantine mail that fails SPF and DKIM, and report to postmaster",
    ));
    out.push(rec(
        &format!("_smtp._tls.{d}"),
        "TXT",
        format!("v=TLSRPTv1; rua=mailto:postmaster@{d}"),
        "TLS-RPT: receivers report TLS problems with mail sent to you (RFC 8460)",
    ));
    out.extend(client_records(d, h, services));
    for ip in ips {
        out.push(Record {
            name: reverse_name(*ip),
            r#type: "PTR",
            value: format!("{h}."),
            zone: format!("{}. IN PTR {h}.", reverse_name(*ip)),
            note: "ask your hosting provider to set this reverse record (you cannot publish it yourself)".into(),
        });
    }
    out
}

/// Adds an MX line for each backup MX host (`dns records --backup-mx HOST`), behind this
/// server's `MX 10`: 20, 30, ... in the order given (RFC 5321 §5.1: lowest number first).
pub fn add_backup_mx(recs: &mut Vec<Record>, domain: &Domain, hosts: &[String]) {
    let d = domain.as_str();
    let at = recs
        .iter()
        .position(|r| r.r#type == "MX")
        .map_or(0, |i| i + 1);
    for (i, host) in hosts.iter().enumerate() {
        let pref = 20 + 10 * i;
        let host = host.trim_end_matches('.');
        recs.insert(
            at + i,
            rec(
                d,
                "MX",
                format!("{pref} {host}."),
                "backup MX: takes the mail while this server is down and hands it over (on a mailctl there: relay.mode backup-mx, backupmx.domains)",
            ),
        );
    }
}

/// What a backup MX publishes for a domain it backs up (`relay.mode = backup-mx`): the
/// primary's MX line (when `backupmx.primary` names it) and its own behind it, with its
/// address and reverse records.
pub fn backup_records(
    domain: &Domain,
    primary: Option<&str>,
    hostname: &str,
    ips: &[IpAddr],
) -> Vec<Record> {
    let d = domain.as_str();
    let h = hostname.trim_end_matches('.');
    let mut out = vec![match primary {
        Some(p) => rec(
            d,
            "MX",
            format!("10 {}.", p.trim_end_matches('.')),
            "the primary MX (backupmx.primary): mail goes there first",
        ),
        None => Record {
            name: d.to_string(),
            r#type: "MX",
            value: String::new(),
            zone: format!("; keep the primary's MX line for {d} (e.g. {d}. IN MX 10 PRIMARY.)"),
            note: "the primary MX: mail goes there first".into(),
        },
    }];
    out.push(rec(
        d,
        "MX",
        format!("20 {h}."),
        "this backup MX, behind the primary: takes the mail while the primary is down",
    ));
    out.extend(address_records(
        h,
        ips,
        "the backup host's address (skip if it exists already)",
    ));
    for ip in ips {
        out.push(Record {
            name: reverse_name(*ip),
            r#type: "PTR",
            value: format!("{h}."),
            zone: format!("{}. IN PTR {h}.", reverse_name(*ip)),
            note: "ask your hosting provider to set this reverse record (you cannot publish it yourself)".into(),
        });
    }
    out
}

/// What mail clients look up to configure themselves (RFC 6186 SRV records, autoconfig and
/// autodiscover names), for the services this server offers.
fn client_records(d: &str, h: &str, services: &Services) -> Vec<Record> {
    let mut out = Vec::new();
    for (sub, note) in [
        (
            "autoconfig",
            "Thunderbird-style client autoconfiguration (serve it with listen.autoconfig or `mailctl autoconfig`)",
        ),
        ("autodiscover", "clients that look for autodiscover"),
    ] {
        out.push(rec(&format!("{sub}.{d}"), "CNAME", format!("{h}."), note));
    }
    let srv = |label: &str, port: Option<u16>, note: &str| match port {
        Some(p) => rec(
            &format!("_{label}._tcp.{d}"),
            "SRV",
            format!("0 1 {p} {h}."),
            note,
        ),
        // RFC 6186 §3.4: a target of "." says the service is not offered.
        None => rec(
            &format!("_{label}._tcp.{d}"),
            "SRV",
            "0 0 0 .".into(),
            "RFC 6186: not offered here",
        ),
    };
    out.push(srv(
        "submissions",
        services.submissions,
        "RFC 8314: submission over implicit TLS",
    ));
    out.push(srv(
        "submission",
        services.submission,
        "RFC 6186: submission with STARTTLS",
    ));
    out.push(srv(
        "imaps",
        services.imaps,
        "RFC 6186: IMAP over implicit TLS",
    ));
    out.push(srv("imap", services.imap, "RFC 6186: IMAP with STARTTLS"));
    out.push(srv(
        "pop3s",
        services.pop3s,
        "RFC 6186: POP3 over implicit TLS",
    ));
    out.push(srv("pop3", services.pop3, "RFC 6186: POP3 with STLS"));
    // RFC 5804 §1.8: where Sieve clients find ManageSieve (Thunderbird's add-on, Roundcube).
    out.push(srv(
        "sieve",
        services.managesieve,
        "RFC 5804: ManageSieve (Sieve scripts), STARTTLS",
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reverse_names() {
        assert_eq!(
            reverse_name("192.0.2.10".parse().unwrap()),
            "10.2.0.192.in-addr.arpa"
        );
        assert_eq!(
            reverse_name("2001:db8::1".parse().unwrap()),
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"
        );
    }

    #[test]
    fn records_cover_what_a_mail_domain_needs() {
        let svc = Services {
            submission: Some(587),
            submissions: Some(465),
            imap: None,
            imaps: Some(993),
            pop3: None,
            pop3s: None,
            managesieve: Some(4190),
            webmail: None,
        };
        let r = records(
            &Domain::parse("example.org").unwrap(),
            "mail.example.org",
            &["192.0.2.10".parse().unwrap()],
            &[],
            &svc,
        );
        let find = |name: &str, ty: &str| {
            r.iter()
                .find(|x| x.name == name && x.r#type == ty)
                .unwrap_or_else(|| panic!("{name} {ty}"))
        };
        assert_eq!(find("example.org", "MX").value, "10 mail.example.org.");
        assert_eq!(find("mail.example.org", "A").value, "192.0.2.10");
        assert!(find("example.org", "TXT").value.starts_with("v=spf1"));
        assert!(
            find("_dmarc.example.org", "TXT")
                .value
                .starts_with("v=DMARC1; p=quarantine")
        );
        assert_eq!(find("_imap._tcp.example.org", "SRV").value, "0 0 0 .");
        assert_eq!(
            find("_imaps._tcp.example.org", "SRV").value,
            "0 1 993 mail.example.org."
        );
        assert_eq!(
            find("_sieve._tcp.example.org", "SRV").value,
            "0 1 4190 mail.example.org."
        );
        assert_eq!(
            find("10.2.0.192.in-addr.arpa", "PTR").value,
            "mail.example.org."
        );
        assert!(
            find("mail._domainkey.example.org", "TXT")
                .zone
                .contains("dkim generate")
        );
        assert!(
            !r.iter().any(|x| x.note.contains("webmail")),
            "webmail is off"
        );
    }

    #[test]
    fn webmail_is_named_on_the_host_records() {
        let svc = Services {
            submission: None,
            submissions: None,
            imap: None,
            imaps: None,
            pop3: None,
            pop3s: None,
            managesieve: None,
            webmail: Some("https://mail.example.org:2443/".into()),
        };
        let d = Domain::parse("example.org").unwrap();
        let ip: IpAddr = "192.0.2.10".parse().unwrap();
        let r = records(&d, "mail.example.org", &[ip], &[], &svc);
        let a: Vec<_> = r
            .iter()
            .filter(|x| x.name == "mail.example.org" && x.r#type == "A")
            .collect();
        assert_eq!(a.len(), 1, "{a:?}");
        assert_eq!(a[0].value, "192.0.2.10");
        assert!(
            a[0].note
                .contains("webmail's (https://mail.example.org:2443/"),
            "{}",
            a[0].note
        );
        // No address known: a line saying the name must resolve, with nothing to publish.
        let r = records(&d, "mail.example.org", &[], &[], &svc);
        let a = r
            .iter()
            .find(|x| x.name == "mail.example.org" && x.r#type == "A")
            .unwrap();
        assert!(a.value.is_empty());
        assert!(
            a.zone
                .starts_with("; webmail is served at https://mail.example.org:2443/"),
            "{}",
            a.zone
        );
    }
}
