//! `dns check`: every DNS record a mail domain depends on, checked at once, each finding
//! saying what was found and, when it is not right, the exact record to publish.
//!
//! One file per standard: MX (RFC 5321 §5, RFC 7505, RFC 2181 §10.3; mx.rs), PTR of this
//! server's and the MX hosts' addresses against the HELO name, forward-confirmed (ptr.rs),
//! SPF (RFC 7208, through mail-auth for the verdict; spf.rs), DKIM (RFC 6376; dkim.rs, and
//! the running daemon's signing keys in signing.rs), DMARC (RFC 7489; dmarc.rs), MTA-STS and
//! TLS-RPT (RFC 8461/8460; mta_sts.rs), ManageSieve's SRV record when it runs here (RFC 5804
//! §1.8; managesieve.rs), and DNS blocklists (RFC 5782; dnsbl.rs). This file
//! holds what they share (Finding, Status, Input) and `run`. All lookups share one
//! short-timeout resolver (dns::lookup) and run concurrently.
//!
//! A lookup that did not complete makes its check `error`: nothing is known, so neither
//! pass nor fail is said. Not here: what to publish (dns::records).

pub mod dkim;
pub mod dmarc;
pub mod dnsbl;
pub mod managesieve;
pub mod mta_sts;
pub mod mx;
pub mod ptr;
pub mod signing;
pub mod spf;

use std::net::IpAddr;

use hickory_resolver::TokioResolver;
use serde::Serialize;

use super::lookup::Failed;
use crate::dkim::DkimKey;

pub use dkim::check_dkim;
pub use dmarc::check_dmarc;
pub use dnsbl::blocklists;
pub use managesieve::check_managesieve;
pub use mta_sts::check_sts_rpt;
pub use mx::check_mx;
pub use ptr::check_ptr;
pub use spf::check_spf;

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
    /// ManageSieve's port when this server runs it (`listen.managesieve`), for its SRV
    /// record; None without a data directory or with ManageSieve off.
    pub managesieve: Option<u16>,
    /// This server is a backup MX for the domain (`relay.mode = backup-mx`, the domain in
    /// `backupmx.domains`): its MX must list this host behind the primary.
    pub backup_mx: bool,
}

impl Input {
    /// The mail host name to put in suggested records.
    fn mail_host(&self) -> String {
        self.hostname
            .clone()
            .unwrap_or_else(|| format!("mail.{}", self.domain))
    }
}

/// Runs every check concurrently. This server's own PTR does not wait for the MX lookup:
/// with a dead resolver each chain of lookups costs its timeouts, so chains stay short.
pub async fn run(r: &TokioResolver, input: &Input) -> Vec<Finding> {
    let (mx_ptr, spf, dkim, dmarc, sts, sieve, bl) = tokio::join!(
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
        check_managesieve(r, input),
        blocklists(r, &input.ips, &input.dnsbl_zones),
    );
    [mx_ptr, spf, dkim, dmarc, sts, sieve, bl].concat()
}
