//! Backup MX, the standard way (Postfix `relay_domains` + `reject_unverified_recipient` +
//! `transport_maps`): with `relay.mode = backup-mx`, this node accepts mail for the domains
//! in `backupmx.domains` when their primary MX is down, queues it, and hands it to the
//! primary when it is back. The primary is `backupmx.primary` (`HOST:PORT`) or, when that is
//! empty, the domain's MX hosts other than this one. Set up:
//!
//! ```text
//! mailctl config set relay.mode backup-mx
//! mailctl config set backupmx.domains example.org
//! mailctl config set backupmx.primary mx1.example.org:25    # optional
//! example.org. MX 10 mx1.example.org.  MX 20 <this host>.   # in the domain's zone
//! ```
//!
//! A backed-up domain is not a local domain (no mailboxes, no aliases here): at RCPT the
//! recipient is checked against the primary by an SMTP callout (`outbound::primary`), whose
//! answer is cached in the core (`core::verify`): a recipient the primary accepted (now or
//! within `backupmx.verify_ttl`) is accepted and queued for it; one it refused (within
//! `backupmx.verify_negative_ttl`) gets `550 5.1.1`; when the primary cannot be asked and
//! nothing is known, `450 4.1.1`, so the sender retries. Never accepting an unknown
//! recipient is what keeps a backup MX from bouncing spam to forged senders (backscatter).
//! The queued mail goes out by the normal queue runner and retry schedule, to the primary
//! only (never back to this host, nor to an MX with a preference number not below this
//! host's: RFC 5321 §5.1), within `queue.max_lifetime`. The backup runs the same inbound
//! checks as any MX before it accepts; the primary should trust the backup's address (its
//! `mynetworks`, or an exemption in its own checks), since SPF cannot pass for mail the
//! backup hands on.
//!
//! Not here: the callout conversation (`outbound::primary`), the cache rows
//! (`core::verify`), the replies (`cmd_mail`), routing the queued mail
//! (`outbound::destination`). RFC 5321 §5.1 (MX preference), §3.3 (no DATA in a probe).

use std::time::Duration;

use super::backend::Backend;
use super::outbound::primary::Answer;
use super::policy::RcptCheck;
use crate::core::pool::PooledDb;
use crate::core::verify::{Ttl, Verified};
use crate::core::{Address, CoreError, Db, now};

/// The backup MX settings as they are now (read per recipient: `config set` needs no restart).
#[derive(Debug, Clone)]
pub struct Settings {
    pub domains: Vec<String>,
    pub ttl: Ttl,
}

impl Settings {
    /// `None` unless `relay.mode = backup-mx`.
    pub fn read(db: &Db) -> Result<Option<Settings>, CoreError> {
        if db.setting("relay.mode")? != "backup-mx" {
            return Ok(None);
        }
        let secs = |k: &str| -> Result<i64, CoreError> {
            Ok(db.setting_duration(k)?.as_secs().min(i64::MAX as u64) as i64)
        };
        Ok(Some(Settings {
            domains: domain_list(&db.setting("backupmx.domains")?),
            ttl: Ttl {
                positive: secs("backupmx.verify_ttl")?,
                negative: secs("backupmx.verify_negative_ttl")?,
            },
        }))
    }

    pub fn serves(&self, domain: &str) -> bool {
        listed(&self.domains, domain)
    }
}

/// `backupmx.domains` as a list: lower-case, without trailing dots.
pub fn domain_list(v: &str) -> Vec<String> {
    v.split(',')
        .map(|d| d.trim().trim_end_matches('.').to_ascii_lowercase())
        .filter(|d| !d.is_empty())
        .collect()
}

/// Whether `domain` itself (not a subdomain: Postfix's parent_domain_matches_subdomains is
/// off for relay_domains in new setups) is in `domains`.
pub fn listed(domains: &[String], domain: &str) -> bool {
    let domain = domain.trim_end_matches('.');
    domains.iter().any(|d| d.eq_ignore_ascii_case(domain))
}

/// The RCPT decision table: a trusted cached answer decides without asking; otherwise the
/// callout's answer does; no answer at all is "try later", never "accept".
pub fn decide(cached: Option<&Verified>, asked: Option<&Answer>) -> RcptCheck {
    match (cached, asked) {
        (Some(v), _) if v.good => RcptCheck::Backup,
        (Some(_), _) => RcptCheck::Unverified { refused: true },
        (None, Some(Answer::Accepted(_))) => RcptCheck::Backup,
        (None, Some(Answer::Refused(_))) => RcptCheck::Unverified { refused: true },
        (None, Some(Answer::Unavailable(_)) | None) => RcptCheck::Unverified { refused: false },
    }
}

/// A recipient outside the local domains: [`RcptCheck::NotLocal`] unless this node is backup
/// MX for its domain, else the decision. Blocks (the session runs off the tokio workers); the
/// database connection is given back before the callout.
pub(super) fn check_recipient(backend: &Backend, db: PooledDb, rcpt: &Address) -> RcptCheck {
    let run = || -> Result<RcptCheck, CoreError> {
        let Some(settings) = Settings::read(&db)? else {
            return Ok(RcptCheck::NotLocal);
        };
        if !settings.serves(rcpt.domain().as_str()) {
            return Ok(RcptCheck::NotLocal);
        }
        if let Some(v) = db.verify_cached(rcpt, settings.ttl, now())? {
            return Ok(decide(Some(&v), None));
        }
        Ok(ask(backend, db, rcpt, settings.ttl))
    };
    run().unwrap_or_else(|e| {
        tracing::warn!("backup MX: recipient check for {rcpt} failed: {e}");
        RcptCheck::TempFail
    })
}

/// The callout, its answer remembered.
fn ask(backend: &Backend, db: PooledDb, rcpt: &Address, ttl: Ttl) -> RcptCheck {
    drop(db);
    let answer = match (&backend.outbound, tokio::runtime::Handle::try_current()) {
        (Some(o), Ok(rt)) => rt.block_on(o.verify_recipient(rcpt)),
        _ => Answer::Unavailable("no outbound runner to ask the primary with".into()),
    };
    let good = match &answer {
        Answer::Accepted(r) => Some((true, r)),
        Answer::Refused(r) => Some((false, r)),
        Answer::Unavailable(why) => {
            tracing::info!("backup MX: cannot verify {rcpt} at the primary: {why}");
            None
        }
    };
    if let Some((good, reply)) = good {
        tracing::info!(%rcpt, good, "backup MX: the primary says {reply}");
        let t = now();
        let longest = Duration::from_secs(ttl.positive.max(ttl.negative).max(0) as u64);
        let stored = backend.pool.get().and_then(|db| {
            db.verify_store(rcpt, good, reply, t)?;
            db.verify_expire(t - longest.as_secs() as i64)
        });
        if let Err(e) = stored {
            tracing::warn!("backup MX: could not cache the answer for {rcpt}: {e}");
        }
    }
    decide(None, Some(&answer))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cached(good: bool) -> Verified {
        Verified {
            good,
            reply: String::new(),
            checked: 0,
        }
    }

    #[test]
    fn the_rcpt_decision_table() {
        let acc = Answer::Accepted("250 2.1.5 Ok".into());
        let refd = Answer::Refused("550 5.1.1 unknown".into());
        let down = Answer::Unavailable("connection refused".into());
        let refused = RcptCheck::Unverified { refused: true };
        let later = RcptCheck::Unverified { refused: false };
        // A cached answer decides, whatever the primary would say now.
        assert_eq!(decide(Some(&cached(true)), None), RcptCheck::Backup);
        assert_eq!(decide(Some(&cached(true)), Some(&down)), RcptCheck::Backup);
        assert_eq!(decide(Some(&cached(false)), None), refused);
        assert_eq!(decide(Some(&cached(false)), Some(&acc)), refused);
        // Otherwise the callout does.
        assert_eq!(decide(None, Some(&acc)), RcptCheck::Backup);
        assert_eq!(decide(None, Some(&refd)), refused);
        // Nothing known and nobody to ask: try later, never accept.
        assert_eq!(decide(None, Some(&down)), later);
        assert_eq!(decide(None, None), later);
    }

    #[test]
    fn only_listed_domains_are_backed_up() {
        let s = Settings {
            domains: vec!["a.test".into()],
            ttl: Ttl {
                positive: 1,
                negative: 1,
            },
        };
        assert!(s.serves("A.TEST") && s.serves("a.test."));
        assert!(!s.serves("b.test") && !s.serves("sub.a.test"));
    }

    #[test]
    fn settings_are_read_only_in_backup_mx_mode() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&crate::core::DataDir::new(dir.path())).unwrap();
        assert!(Settings::read(&db).unwrap().is_none());
        db.set_setting("relay.mode", "backup-mx").unwrap();
        db.set_setting("backupmx.domains", "a.test, B.test.")
            .unwrap();
        let s = Settings::read(&db).unwrap().unwrap();
        assert_eq!(s.domains, ["a.test", "b.test"]);
        assert_eq!(s.ttl.positive, 7 * 86400);
        assert_eq!(s.ttl.negative, 3 * 3600);
    }
}
