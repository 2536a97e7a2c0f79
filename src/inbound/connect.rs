//! The connect stage of one SMTP session on port 25: the DNS allow- and blocklist lookups
//! and iprev (RFC 5782, RFC 8601 §3), started as the client connects and read once, at the
//! first RCPT that needs them and again at the end of data, so the banner never waits on
//! DNS and no message of the session asks the same questions twice.
//!
//! [`refusal`] is the one rule for refusing a client at RCPT (Postfix's `reject_rbl_client`):
//! on a `dnsbl.zones` list, `inbound.dnsbl_action = reject`, not on a `dnswl.zones` list
//! and not in `mynetworks`. A list that could not be asked never refuses anyone.
//!
//! Not here: the lookups themselves ([`super::Checker::connect`]), the reply text (the SMTP
//! session words it).

use std::net::IpAddr;
use std::sync::Arc;

use tokio::task::JoinHandle;

use super::{Action, Inbound, Policy, Res, Verdict};

/// The connect stage's lookups for one session: running, then their verdicts.
pub struct ConnectLookup {
    task: Option<JoinHandle<Option<Vec<Verdict>>>>,
    verdicts: Option<Vec<Verdict>>,
}

impl ConnectLookup {
    /// Starts the lookups for `ip` on the current runtime without waiting for them;
    /// `read_policy` (which may block on SQLite) runs on a blocking thread first. `None`
    /// outside a runtime.
    pub fn start(
        inbound: Arc<Inbound>,
        ip: IpAddr,
        read_policy: impl FnOnce() -> Policy + Send + 'static,
    ) -> Option<ConnectLookup> {
        let handle = tokio::runtime::Handle::try_current().ok()?;
        let task = handle.spawn(async move {
            let policy = tokio::task::spawn_blocking(read_policy).await.ok()?;
            Some(inbound.checker.connect(&policy, ip).await)
        });
        Some(ConnectLookup {
            task: Some(task),
            verdicts: None,
        })
    }

    /// The verdicts, waiting for the lookups from a blocking thread (the session's) the
    /// first time; `None` when they could not run (the caller asks again or goes without).
    pub fn verdicts_blocking(&mut self) -> Option<&[Verdict]> {
        if let Some(task) = self.task.take() {
            let handle = tokio::runtime::Handle::try_current().ok()?;
            self.verdicts = handle.block_on(task).ok().flatten();
        }
        self.verdicts.as_deref()
    }
}

impl Drop for ConnectLookup {
    /// A client that leaves before RCPT does not keep its lookups running.
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

/// A blocklist that refuses the client: the list's zone and what its answer means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub zone: String,
    pub reason: String,
}

/// Whether the connect verdicts refuse `ip` at RCPT under `policy` (see the module doc).
pub fn refusal(policy: &Policy, ip: IpAddr, verdicts: &[Verdict]) -> Option<Listed> {
    if policy.dnsbl_action != Action::Reject || policy.in_mynetworks(ip) {
        return None;
    }
    if verdicts
        .iter()
        .any(|v| v.method == "dnswl" && v.result == Res::Listed)
    {
        return None;
    }
    let v = verdicts
        .iter()
        .find(|v| v.method == "dnsbl" && v.result == Res::Listed)?;
    Some(Listed {
        zone: v.get("dns.zone").unwrap_or_default().to_string(),
        reason: v.reason.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::Stage;
    use super::*;

    fn list(method: &'static str, zone: &str, result: Res) -> Verdict {
        Verdict::new(Stage::Connect, method, result, "127.0.0.2").prop("dns.zone", zone)
    }

    #[test]
    fn only_a_listing_under_reject_outside_allowlists_and_mynetworks_refuses() {
        let mut p = Policy::defaults(vec!["ours.test".into()], "mx.ours.test");
        p.mynetworks = vec!["10.0.0.0/8".parse().unwrap()];
        let outside: IpAddr = "192.0.2.1".parse().unwrap();
        let listed = vec![
            list("dnsbl", "ok.test", Res::NotListed),
            list("dnsbl", "err.test", Res::TempError),
            list("dnsbl", "bl.test", Res::Listed),
        ];
        assert_eq!(
            refusal(&p, outside, &listed),
            Some(Listed {
                zone: "bl.test".into(),
                reason: "127.0.0.2".into()
            })
        );
        assert_eq!(refusal(&p, "10.1.1.1".parse().unwrap(), &listed), None);
        let mut allowed = listed.clone();
        allowed.push(list("dnswl", "wl.test", Res::Listed));
        assert_eq!(refusal(&p, outside, &allowed), None);
        // An error is not a listing.
        assert_eq!(refusal(&p, outside, &listed[..2]), None);
        p.dnsbl_action = Action::Junk;
        assert_eq!(refusal(&p, outside, &listed), None);
    }
}
