//! DNS blocklists (RFC 5782): is this server's address listed, and does the answer mean what
//! it seems to mean.
//!
//! An A answer is not always a listing. Lists answer errors in-band: Spamhaus returns
//! 127.255.255.252 for a mistyped zone, .254 for a query through a public resolver (8.8.8.8,
//! 1.1.1.1, ...) and .255 when over its limit; resolvers that rewrite NXDOMAIN return an
//! address outside 127/8. Each is reported as `error`, as is a lookup that never completed:
//! nothing is known about the listing then, and "not listed" would be a guess.
//!
//! The return codes of lists we know come from their documentation (Spamhaus "Available
//! zones", SpamCop, Barracuda BRBL, PSBL, UCEPROTECT, Mailspike, SpamRATS). For any other
//! list: 127.0.0.0/8 except 127.255.255.0/24 is a listing (RFC 5782 §2.1 puts listings in
//! 127/8; 127.255.255.x is the de-facto error range).
//!
//! The inbound pipeline (`inbound/`) reads the answers about connecting clients with the
//! same [`judge`].
//!
//! Not here: domain-based lists (RHSBL, RFC 5782 §3), delisting, and deciding what to do with
//! a listed client (inbound).

use std::net::{IpAddr, Ipv4Addr};

use hickory_resolver::TokioResolver;

use super::{Finding, Status, f};
use crate::dns::lookup;
use crate::dns::records::reverse_name;

/// What one list documents: the zone suffix it is queried under, its listing codes and the
/// codes that are errors rather than listings.
struct Known {
    /// Matches the zone itself or any zone ending in `.suffix`.
    suffix: &'static str,
    name: &'static str,
    listings: &'static [(u8, &'static str)],
    errors: &'static [(Ipv4Addr, &'static str)],
    hint: &'static str,
}

const SPAMHAUS_ERRORS: &[(Ipv4Addr, &str)] = &[
    (
        Ipv4Addr::new(127, 255, 255, 252),
        "Spamhaus answered 127.255.255.252: the zone name is mistyped",
    ),
    (
        Ipv4Addr::new(127, 255, 255, 254),
        "Spamhaus answered 127.255.255.254: it refuses queries through public or open \
         resolvers (8.8.8.8, 1.1.1.1, ...) and some cloud networks' resolvers",
    ),
    (
        Ipv4Addr::new(127, 255, 255, 255),
        "Spamhaus answered 127.255.255.255: the resolver sent more queries than its free \
         limit allows",
    ),
    (
        Ipv4Addr::new(127, 0, 1, 255),
        "Spamhaus answered 127.0.1.255: an IP address was asked of a domain list",
    ),
];

const SPAMHAUS_HINT: &str = "query Spamhaus through a resolver of your own (unbound or \
    systemd-resolved on this host, then --nameserver 127.0.0.1 or `mailctl config set \
    dns.nameserver 127.0.0.1:53`), not a public one like 8.8.8.8; heavy users need a \
    Spamhaus DQS key";

const KNOWN: &[Known] = &[
    Known {
        suffix: "spamhaus.org",
        name: "Spamhaus",
        listings: &[
            (2, "SBL: a spam source or spam operation"),
            (3, "SBL CSS: a low-reputation sender seen sending spam"),
            (4, "XBL: an infected or exploited host"),
            (5, "XBL"),
            (6, "XBL"),
            (7, "XBL"),
            (9, "SBL DROP: a hijacked or spammer-run network"),
            (
                10,
                "PBL: the provider says this range should not send mail directly",
            ),
            (
                11,
                "PBL: Spamhaus says this range should not send mail directly",
            ),
            (20, "AuthBL: a host seen with stolen SMTP credentials"),
            (30, "BCL: a botnet controller"),
        ],
        errors: SPAMHAUS_ERRORS,
        hint: SPAMHAUS_HINT,
    },
    Known {
        suffix: "dq.spamhaus.net",
        name: "Spamhaus DQS",
        listings: &[
            (2, "SBL: a spam source or spam operation"),
            (3, "SBL CSS: a low-reputation sender seen sending spam"),
            (4, "XBL: an infected or exploited host"),
            (9, "SBL DROP: a hijacked or spammer-run network"),
            (
                10,
                "PBL: the provider says this range should not send mail directly",
            ),
            (
                11,
                "PBL: Spamhaus says this range should not send mail directly",
            ),
            (20, "AuthBL: a host seen with stolen SMTP credentials"),
            (30, "BCL: a botnet controller"),
        ],
        errors: SPAMHAUS_ERRORS,
        hint: "check the DQS key in the zone name",
    },
    Known {
        // An allowlist (dnswl.zones): 127.0.<category>.<trust 0-3>.
        suffix: "dnswl.org",
        name: "DNSWL",
        listings: &[
            (0, "DNSWL: trust none"),
            (1, "DNSWL: trust low"),
            (2, "DNSWL: trust medium"),
            (3, "DNSWL: trust high"),
        ],
        errors: &[(
            Ipv4Addr::new(127, 0, 0, 255),
            "DNSWL answered 127.0.0.255: the resolver is over its query limit or a public one",
        )],
        hint: "query DNSWL through a resolver of your own",
    },
    Known {
        suffix: "bl.spamcop.net",
        name: "SpamCop",
        listings: &[(2, "reported by SpamCop users as a spam source")],
        errors: &[],
        hint: "",
    },
    Known {
        suffix: "b.barracudacentral.org",
        name: "Barracuda BRBL",
        listings: &[(2, "listed on the Barracuda Reputation Block List")],
        errors: &[],
        hint: "Barracuda answers only resolvers registered at barracudacentral.org",
    },
    Known {
        suffix: "psbl.surriel.com",
        name: "PSBL",
        listings: &[(2, "seen sending to PSBL spam traps")],
        errors: &[],
        hint: "",
    },
    Known {
        suffix: "uceprotect.net",
        name: "UCEPROTECT",
        listings: &[(2, "listed by UCEPROTECT")],
        errors: &[],
        hint: "",
    },
    Known {
        suffix: "bl.mailspike.net",
        name: "Mailspike",
        listings: &[
            (2, "listed by Mailspike"),
            (10, "worst reputation"),
            (11, "very bad reputation"),
            (12, "bad reputation"),
            (13, "suspicious reputation"),
            (14, "neutral to bad reputation"),
        ],
        errors: &[],
        hint: "",
    },
    Known {
        suffix: "spamrats.com",
        name: "SpamRATS",
        listings: &[
            (36, "RATS-Dyna: a dynamic-looking address"),
            (37, "RATS-NoPtr: no reverse DNS"),
            (38, "RATS-Spam: seen sending spam"),
            (
                43,
                "RATS-Auth: seen trying to log in with guessed passwords",
            ),
        ],
        errors: &[],
        hint: "",
    },
];

fn known(zone: &str) -> Option<&'static Known> {
    let z = zone.trim_end_matches('.').to_ascii_lowercase();
    // The longest matching suffix wins (dq.spamhaus.net is not spamhaus.org, but be exact).
    KNOWN
        .iter()
        .filter(|k| z == k.suffix || z.ends_with(&format!(".{}", k.suffix)))
        .max_by_key(|k| k.suffix.len())
}

/// What a list's answer means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    NotListed,
    /// Listed, with what each code means.
    Listed(Vec<String>),
    /// The answer is an error, not a listing: why, and what to do.
    Error {
        reason: String,
        hint: String,
    },
}

/// Reads the A records a list returned for an address (empty: NXDOMAIN/NODATA).
pub fn judge(zone: &str, answers: &[Ipv4Addr]) -> Verdict {
    let list = known(zone);
    let mut listed = Vec::new();
    for a in answers {
        let o = a.octets();
        if let Some((_, why)) = list.and_then(|l| l.errors.iter().find(|(ip, _)| ip == a)) {
            return Verdict::Error {
                reason: why.to_string(),
                hint: list.map(|l| l.hint).unwrap_or_default().to_string(),
            };
        }
        if o[0] != 127 {
            return Verdict::Error {
                reason: format!(
                    "{zone} answered {a}, which is no blocklist code: the resolver probably \
                     rewrites unknown names (NXDOMAIN hijacking)"
                ),
                hint: "use a resolver that does not rewrite answers (a local unbound, or \
                       --nameserver)"
                    .into(),
            };
        }
        if o[1] == 255 && o[2] == 255 {
            return Verdict::Error {
                reason: format!(
                    "{zone} answered {a}: an error code (query refused, over limit or a \
                     mistyped zone), not a listing"
                ),
                hint: list
                    .map(|l| l.hint)
                    .unwrap_or(
                        "check the zone name and the list's usage terms; query it through \
                         a resolver of your own (--nameserver, setting dns.nameserver)",
                    )
                    .to_string(),
            };
        }
        let meaning = match list {
            Some(l) if o[1] == 0 && o[2] == 0 => l
                .listings
                .iter()
                .find(|(code, _)| *code == o[3])
                .map(|(_, m)| format!("{a} {}: {m}", l.name))
                .unwrap_or_else(|| format!("{a} (a code {} does not document)", l.name)),
            Some(l) => format!("{a} (a code {} does not document)", l.name),
            None => a.to_string(),
        };
        listed.push(meaning);
    }
    if listed.is_empty() {
        Verdict::NotListed
    } else {
        Verdict::Listed(listed)
    }
}

/// The name to ask: the address's reverse labels under the zone (RFC 5782 §2.1, §2.4).
pub fn query_name(ip: IpAddr, zone: &str) -> String {
    let rev = reverse_name(ip);
    let base = rev
        .trim_end_matches(".in-addr.arpa")
        .trim_end_matches(".ip6.arpa");
    format!("{base}.{}", zone.trim_end_matches('.'))
}

/// Asks `zone` about `ip` and reads the answer: a lookup that did not complete is an error
/// (nothing is known), never "not listed".
pub async fn ask(r: &TokioResolver, ip: IpAddr, zone: &str) -> Verdict {
    match lookup::a(r, &query_name(ip, zone)).await {
        Ok(answers) => judge(zone, &answers),
        Err(e) => Verdict::Error {
            reason: format!("the lookup failed: {e}"),
            hint: known(zone)
                .map(|l| l.hint)
                .filter(|h| !h.is_empty())
                .unwrap_or(
                    "check that the resolver answers (--nameserver, setting dns.nameserver); \
                     blocklists refuse public resolvers like 8.8.8.8: use a local one",
                )
                .to_string(),
        },
    }
}

/// The list's TXT record for a listed address (RFC 5782 §2.1: usually its reason and a
/// removal URL); empty when there is none or it cannot be had, as it is only a nicety.
pub async fn txt_reason(r: &TokioResolver, ip: IpAddr, zone: &str) -> String {
    lookup::txt(r, &query_name(ip, zone))
        .await
        .unwrap_or_default()
        .join(" ")
}

async fn one(r: &TokioResolver, ip: IpAddr, zone: &str) -> Finding {
    match ask(r, ip, zone).await {
        Verdict::NotListed => f(
            "blocklist",
            Status::Pass,
            format!("{ip} not listed on {zone}"),
            "",
        ),
        Verdict::Error { reason, hint } => f(
            "blocklist",
            Status::Error,
            format!("{ip} on {zone}: unknown: {reason}"),
            hint,
        ),
        Verdict::Listed(why) => {
            let reason = txt_reason(r, ip, zone).await;
            f(
                "blocklist",
                Status::Fail,
                format!(
                    "{ip} is listed on {zone}: {}{}",
                    why.join("; "),
                    if reason.is_empty() {
                        String::new()
                    } else {
                        format!(" ({reason})")
                    }
                ),
                format!("follow {zone}'s delisting procedure after fixing the cause"),
            )
        }
    }
}

/// Looks every address up in every zone, all at once.
pub async fn blocklists(r: &TokioResolver, ips: &[IpAddr], zones: &[String]) -> Vec<Finding> {
    let asks = ips
        .iter()
        .flat_map(|ip| zones.iter().map(move |z| one(r, *ip, z)));
    futures_util::future::join_all(asks).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }

    #[test]
    fn spamhaus_error_answers_are_errors_not_listings() {
        for code in ["127.255.255.252", "127.255.255.254", "127.255.255.255"] {
            for zone in [
                "zen.spamhaus.org",
                "sbl.spamhaus.org",
                "KEY.zen.dq.spamhaus.net",
            ] {
                assert!(
                    matches!(judge(zone, &[ip(code)]), Verdict::Error { .. }),
                    "{zone} {code}"
                );
            }
        }
        match judge("zen.spamhaus.org", &[ip("127.255.255.254")]) {
            Verdict::Error { reason, hint } => {
                assert!(reason.contains("public"), "{reason}");
                assert!(hint.contains("8.8.8.8"), "{hint}");
            }
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn documented_codes_are_listings_with_their_meaning() {
        match judge("zen.spamhaus.org", &[ip("127.0.0.4"), ip("127.0.0.10")]) {
            Verdict::Listed(w) => {
                assert!(w[0].contains("XBL"), "{w:?}");
                assert!(w[1].contains("PBL"), "{w:?}");
            }
            v => panic!("{v:?}"),
        }
        assert!(matches!(
            judge("bl.spamcop.net", &[ip("127.0.0.2")]),
            Verdict::Listed(_)
        ));
        assert!(matches!(
            judge("noptr.spamrats.com", &[ip("127.0.0.37")]),
            Verdict::Listed(w) if w[0].contains("NoPtr")
        ));
    }

    #[test]
    fn unknown_lists_use_the_127_rule() {
        assert!(matches!(
            judge("bl.example", &[ip("127.0.0.2")]),
            Verdict::Listed(_)
        ));
        assert!(matches!(
            judge("bl.example", &[ip("127.0.3.9")]),
            Verdict::Listed(_)
        ));
        assert!(matches!(
            judge("bl.example", &[ip("127.255.255.254")]),
            Verdict::Error { .. }
        ));
        // An NXDOMAIN-rewriting resolver's ad server.
        assert!(matches!(
            judge("bl.example", &[ip("203.0.113.80")]),
            Verdict::Error { .. }
        ));
        assert_eq!(judge("bl.example", &[]), Verdict::NotListed);
    }

    #[test]
    fn dnswl_over_quota_is_an_error() {
        assert!(matches!(
            judge("list.dnswl.org", &[ip("127.0.0.255")]),
            Verdict::Error { .. }
        ));
        assert!(matches!(
            judge("list.dnswl.org", &[ip("127.0.0.2")]),
            Verdict::Listed(w) if w[0].contains("medium")
        ));
    }

    #[test]
    fn query_names() {
        assert_eq!(
            query_name("192.0.2.10".parse().unwrap(), "zen.spamhaus.org."),
            "10.2.0.192.zen.spamhaus.org"
        );
        assert!(
            query_name("2001:db8::1".parse().unwrap(), "bl.example")
                .ends_with(".8.b.d.0.1.0.0.2.bl.example")
        );
    }
}
