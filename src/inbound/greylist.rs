//! Greylisting, the pipeline's RCPT stage (Postgrey's model; the idea is Evan Harris's
//! 2003 paper): a legitimate MTA retries a `451`, most spam cannons do not. The triplet is
//! the client's network (/24 for IPv4, /64 for IPv6: big senders retry from another address
//! of their pool), the reverse-path and the forward-path.
//!
//! Who is never greylisted: `mynetworks`, clients on a DNS allowlist (`dnswl.zones`), the
//! administrator's `greylist allow` entries (networks and sender domains), client networks
//! that retried correctly `inbound.greylist_auto_clients` times, and sender domains that
//! passed greylisting with SPF pass before when SPF passes again.
//!
//! Not here: the state and its SQL (`core::greylist`), the `451 4.7.1` reply (the SMTP
//! session's), DNS (the caller says whether the client is allowlisted).

use std::net::IpAddr;

use serde::Serialize;

use super::Policy;
use crate::core::Db;
use crate::core::greylist::{AllowRow, Outcome, Pass, Triplet};

/// The greylisting answer for one recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "result")]
pub enum Verdict {
    /// Not greylisted at all, and why.
    Skipped {
        reason: String,
    },
    Passed {
        why: Pass,
    },
    /// Deferred: `451 4.7.1`, retry after `retry_in` seconds.
    Deferred {
        retry_in: i64,
    },
}

/// What greylisting looks at for one recipient.
pub struct Question<'a> {
    pub ip: IpAddr,
    /// The reverse-path; empty for the null sender.
    pub sender: &'a str,
    pub recipient: &'a str,
    /// The client is on one of the `dnswl.zones` lists.
    pub dnswl_listed: bool,
    /// SPF passed for the MAIL FROM identity in this transaction.
    pub spf_pass: bool,
}

/// The network a client address is greylisted as: its /24 or /64, IPv4-mapped IPv6 as IPv4.
pub fn client_network(ip: IpAddr) -> String {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    };
    let prefix = if ip.is_ipv4() { 24 } else { 64 };
    ipnet::IpNet::new(ip, prefix)
        .map(|n| n.trunc().to_string())
        .unwrap_or_else(|_| ip.to_string())
}

/// The domain of a reverse-path, lowercase; `None` for the null sender.
fn sender_domain(sender: &str) -> Option<String> {
    sender
        .rsplit_once('@')
        .map(|(_, d)| d.trim_end_matches('.').to_ascii_lowercase())
        .filter(|d| !d.is_empty())
}

/// The allow entry covering this client or sender domain (a domain entry covers its
/// subdomains), if any.
pub fn allowed<'a>(rows: &'a [AllowRow], ip: IpAddr, sender: &str) -> Option<&'a AllowRow> {
    let domain = sender_domain(sender);
    rows.iter().find(|r| match r.kind.as_str() {
        "network" => r
            .entry
            .parse::<ipnet::IpNet>()
            .is_ok_and(|n| n.contains(&ip)),
        _ => domain
            .as_deref()
            .is_some_and(|d| d == r.entry || d.ends_with(&format!(".{}", r.entry))),
    })
}

/// Answers one recipient, recording what greylisting learnt. `Ok(None)` when greylisting
/// is off.
pub fn judge(
    db: &mut Db,
    policy: &Policy,
    q: &Question<'_>,
    now: i64,
) -> crate::core::Result<Option<Verdict>> {
    let Some(timing) = policy.greylist else {
        return Ok(None);
    };
    let skipped = |reason: String| Ok(Some(Verdict::Skipped { reason }));
    if policy.in_mynetworks(q.ip) {
        return skipped(format!("{} is in mynetworks", q.ip));
    }
    if q.dnswl_listed {
        return skipped(format!("{} is on a DNS allowlist", q.ip));
    }
    if let Some(row) = allowed(&db.greylist_allowed()?, q.ip, q.sender) {
        return skipped(format!("allowed by `greylist allow {}`", row.entry));
    }
    let client = client_network(q.ip);
    let sender = q.sender.to_ascii_lowercase();
    let recipient = q.recipient.to_ascii_lowercase();
    let spf_domain = if q.spf_pass {
        sender_domain(q.sender)
    } else {
        None
    };
    let triplet = Triplet {
        client: &client,
        sender: &sender,
        recipient: &recipient,
    };
    Ok(Some(
        match db.greylist_check(&triplet, spf_domain.as_deref(), now, &timing)? {
            Outcome::Pass(why) => Verdict::Passed { why },
            Outcome::Defer { retry_in } => Verdict::Deferred { retry_in },
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::greylist::Timing;
    use crate::core::paths::DataDir;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn clients_are_greylisted_by_network() {
        assert_eq!(client_network(ip("192.0.2.77")), "192.0.2.0/24");
        assert_eq!(
            client_network(ip("2001:db8:1:2:3:4:5:6")),
            "2001:db8:1:2::/64"
        );
        assert_eq!(client_network(ip("::ffff:192.0.2.9")), "192.0.2.0/24");
    }

    #[test]
    fn allow_entries_cover_networks_and_subdomains() {
        let row = |entry: &str, kind: &str| AllowRow {
            entry: entry.into(),
            kind: kind.into(),
            created: 0,
        };
        let rows = [row("198.51.100.0/24", "network"), row("big.test", "domain")];
        assert!(allowed(&rows, ip("198.51.100.9"), "x@else.test").is_some());
        assert!(allowed(&rows, ip("192.0.2.1"), "x@mail.big.test").is_some());
        assert!(allowed(&rows, ip("192.0.2.1"), "x@BIG.test").is_some());
        assert!(allowed(&rows, ip("192.0.2.1"), "x@notbig.test").is_none());
        assert!(allowed(&rows, ip("192.0.2.1"), "").is_none());
    }

    #[test]
    fn skips_come_before_the_triplet_and_record_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Db::open(&DataDir::new(dir.path())).unwrap();
        let mut policy = Policy::defaults(vec!["here.test".into()], "mx.here.test");
        assert_eq!(
            judge(
                &mut db,
                &policy,
                &Question {
                    ip: ip("192.0.2.1"),
                    sender: "a@b.test",
                    recipient: "u@here.test",
                    dnswl_listed: false,
                    spf_pass: false,
                },
                0
            )
            .unwrap(),
            None,
            "off by default"
        );
        policy.greylist = Some(Timing {
            delay: 300,
            retry_window: 86400,
            max_age: 86400 * 35,
            auto_clients: 5,
        });
        policy.mynetworks = vec!["10.0.0.0/8".parse().unwrap()];
        let ask = |db: &mut Db, ip_s: &str, dnswl: bool| {
            let q = Question {
                ip: ip(ip_s),
                sender: "A@B.test",
                recipient: "U@here.test",
                dnswl_listed: dnswl,
                spf_pass: false,
            };
            judge(db, &policy, &q, 1000).unwrap().unwrap()
        };
        assert!(matches!(
            ask(&mut db, "10.1.1.1", false),
            Verdict::Skipped { .. }
        ));
        assert!(matches!(
            ask(&mut db, "192.0.2.1", true),
            Verdict::Skipped { .. }
        ));
        assert!(db.greylist_triplets(10).unwrap().is_empty());
        assert_eq!(
            ask(&mut db, "192.0.2.1", false),
            Verdict::Deferred { retry_in: 300 }
        );
        let t = &db.greylist_triplets(10).unwrap()[0];
        assert_eq!(
            (t.sender.as_str(), t.recipient.as_str()),
            ("a@b.test", "u@here.test")
        );
        db.greylist_allow("b.test", "domain", 0).unwrap();
        assert!(matches!(
            ask(&mut db, "192.0.2.1", false),
            Verdict::Skipped { .. }
        ));
    }
}
