//! Whether the keys `dns check` finds published are the ones the running daemon signs with:
//! a key the daemon's account cannot read is held and published, yet outbound mail goes out
//! unsigned (issue 16.1). This compares the keys held in the data dir with the signing keys
//! the daemon reported in its runtime file (`core::runtime`).
//!
//! Not here: DNS lookups (the DKIM record check is dkim.rs), reading the runtime file, the
//! keys and signing themselves (crate::dkim). It stays in dns/check because what it makes
//! is a `dns check` finding, not a key or a signature.

use super::{Finding, Status, f};
use crate::dkim::DkimKey;

/// What a running daemon signs with for this domain.
pub struct Daemon<'a> {
    pub pid: u32,
    /// The account it runs as.
    pub user: &'a str,
    /// Selectors it signs this domain's mail with.
    pub selectors: Vec<&'a str>,
}

/// One finding per held key while a daemon runs: `pass` when it signs with the key, `fail`
/// when it does not (with the chown and reload that fix it).
pub fn daemon_signing(held: &[DkimKey], daemon: Option<&Daemon<'_>>) -> Vec<Finding> {
    // Without a daemon there is nothing to compare: `mailctl serve` checks the keys it can
    // read when it starts and refuses an unreadable one.
    let Some(daemon) = daemon else {
        return Vec::new();
    };
    held.iter()
        .map(|k| {
            if daemon.selectors.contains(&k.selector.as_str()) {
                f(
                    "DKIM",
                    Status::Pass,
                    format!(
                        "the running daemon (pid {}) signs with selector {}",
                        daemon.pid, k.selector
                    ),
                    "",
                )
            } else {
                f(
                    "DKIM",
                    Status::Fail,
                    format!(
                        "key {} is held but the running daemon (pid {}, user {}) does not sign with it: mail goes out without it",
                        k.selector, daemon.pid, daemon.user
                    ),
                    format!(
                        "chown {}: {} and reload the daemon (`systemctl reload mailctl` or kill -HUP {})",
                        daemon.user,
                        k.path.display(),
                        daemon.pid
                    ),
                )
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(sel: &str) -> DkimKey {
        DkimKey {
            domain: "example.org".into(),
            selector: sel.into(),
            algorithm: crate::dkim::Algorithm::Ed25519,
            path: format!("/data/dkim/example.org/{sel}.key").into(),
            public_key: "AAAA".into(),
        }
    }

    #[test]
    fn a_held_key_the_daemon_does_not_sign_with_fails_with_its_fix() {
        let held = [key("mail"), key("old")];
        let d = Daemon {
            pid: 42,
            user: "mailctl",
            selectors: vec!["mail"],
        };
        let out = daemon_signing(&held, Some(&d));
        assert_eq!(out[0].status, Status::Pass);
        assert_eq!(out[1].status, Status::Fail);
        assert!(
            out[1]
                .fix
                .contains("chown mailctl: /data/dkim/example.org/old.key")
        );
        assert!(daemon_signing(&held, None).is_empty());
    }
}
