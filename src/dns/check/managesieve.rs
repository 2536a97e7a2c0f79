//! ManageSieve's SRV record (RFC 5804 §1.8): `_sieve._tcp.DOMAIN` tells Sieve clients
//! (Thunderbird's sieve add-on, Roundcube's managesieve plugin, K-9) where to upload
//! scripts. Checked only when this server runs ManageSieve (`listen.managesieve`); a
//! missing or wrong record is a warning, since clients can be given the host and port by
//! hand.
//!
//! Not here: the RFC 6186 SRV records of IMAP/POP3/submission (not checked), what to publish
//! (dns::records).

use hickory_resolver::TokioResolver;

use super::{Finding, Input, Status, error, f};
use crate::dns::lookup;

const CHECK: &str = "ManageSieve";

/// The finding for `_sieve._tcp.DOMAIN`, or none when ManageSieve is not offered here.
pub async fn check_managesieve(r: &TokioResolver, input: &Input) -> Vec<Finding> {
    let Some(port) = input.managesieve else {
        return Vec::new();
    };
    let name = format!("_sieve._tcp.{}", input.domain);
    let host = input.mail_host();
    let publish = format!("publish {name}. IN SRV 0 1 {port} {host}.");
    let found = match lookup::srv(r, &name).await {
        Err(e) => return vec![error(CHECK, &e)],
        Ok(v) => v,
    };
    let finding = match found.iter().min_by_key(|s| s.0) {
        None => f(
            CHECK,
            Status::Warn,
            format!("no {name} SRV record"),
            publish,
        ),
        // RFC 2782: a target of "." says the service is not offered at all.
        Some((_, _, _, t)) if t.is_empty() => f(
            CHECK,
            Status::Warn,
            format!("{name} says ManageSieve is not offered (target \".\")"),
            publish,
        ),
        Some((_, _, p, t)) if *p != port => f(
            CHECK,
            Status::Warn,
            format!("{name} points at {t} port {p}, ManageSieve listens on {port}"),
            publish,
        ),
        Some((_, _, p, t)) if !t.eq_ignore_ascii_case(&host) => f(
            CHECK,
            Status::Info,
            format!("{name} points at {t} port {p} (this server is {host})"),
            "",
        ),
        Some((_, _, p, t)) => f(CHECK, Status::Pass, format!("{name} → {t}:{p}"), ""),
    };
    vec![finding]
}
