//! Greylisting state, in Postgrey's model: a (client network, sender, recipient) triplet
//! seen for the first time is deferred; the same triplet retried after the delay passes and
//! is remembered; a client network that retried correctly for several triplets is let
//! through at once from then on; entries unused for the maximum age are forgotten. Plus the
//! administrator's allow list (networks and sender domains) and the sender domains that
//! passed with SPF before, which skip greylisting.
//!
//! Not here: which mail is greylisted at all (mynetworks, DNSWL, SPF: `inbound::greylist`),
//! or what the SMTP session answers. Every function takes `now` so time can be injected.
//!
//! Shared between nodes (issue 21): every row is in the core database and nothing is cached
//! in memory, so a triplet first seen by one node passes on another once retried after the
//! delay (senders retry to any MX). A check is one transaction that locks its client
//! network's key ([`Sql::lock_key`]), so nodes asking about the same client take turns as
//! SQLite's single writer makes them.

use serde::Serialize;

use super::sql::{Sql, args};
use super::{Db, Result};

/// How long things take, in seconds (settings `inbound.greylist_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// A new triplet is deferred this long.
    pub delay: i64,
    /// A triplet never retried after the delay is forgotten after this long.
    pub retry_window: i64,
    /// A triplet, client or sender domain not seen for this long is forgotten.
    pub max_age: i64,
    /// Triplets a client network must pass before it is let through at once; 0: never.
    pub auto_clients: u32,
}

/// One greylisting question: may this client send this sender's mail to this recipient?
#[derive(Debug, Clone)]
pub struct Triplet<'a> {
    /// The client's network (`192.0.2.0/24`, `2001:db8:1:2::/64`): senders retry from
    /// another address of the same pool.
    pub client: &'a str,
    /// The reverse-path, lowercase; empty for the null sender.
    pub sender: &'a str,
    /// The forward-path, lowercase.
    pub recipient: &'a str,
}

/// Why mail passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pass {
    /// The triplet was retried after the delay (now or before).
    Triplet,
    /// The client network retried correctly often enough (`auto_clients`).
    KnownClient,
    /// The sender domain passed greylisting with SPF pass before, and SPF passes now.
    KnownSpfDomain,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Pass(Pass),
    /// Deferred; the triplet passes `retry_in` seconds from now.
    Defer {
        retry_in: i64,
    },
}

/// One remembered triplet, for `greylist list`.
#[derive(Debug, Clone, Serialize)]
pub struct TripletRow {
    pub client: String,
    pub sender: String,
    pub recipient: String,
    #[serde(serialize_with = "super::time::serialize")]
    pub first_seen: i64,
    #[serde(serialize_with = "super::time::serialize")]
    pub last_seen: i64,
    /// Times it passed after the delay; 0: still deferred.
    pub passes: u64,
}

/// A client network with correct retries, for `greylist list`.
#[derive(Debug, Clone, Serialize)]
pub struct ClientRow {
    pub client: String,
    pub passes: u64,
    #[serde(serialize_with = "super::time::serialize")]
    pub last_seen: i64,
}

/// An administrator's allow entry: a network (`kind` "network") or a sender domain ("domain").
#[derive(Debug, Clone, Serialize)]
pub struct AllowRow {
    pub entry: String,
    pub kind: String,
    #[serde(serialize_with = "super::time::serialize")]
    pub created: i64,
}

/// What `remove` forgot.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Removed {
    pub allow: usize,
    pub triplets: usize,
    pub clients: usize,
    pub domains: usize,
}

impl Removed {
    pub fn total(&self) -> usize {
        self.allow + self.triplets + self.clients + self.domains
    }
}

impl Db {
    /// Answers one triplet and records what it learnt, in one transaction (two sessions
    /// asking at once see one first sighting). `spf_pass_domain`: the sender's domain when
    /// SPF passed for it in this transaction.
    pub fn greylist_check(
        &mut self,
        t: &Triplet<'_>,
        spf_pass_domain: Option<&str>,
        now: i64,
        timing: &Timing,
    ) -> Result<Outcome> {
        let sql = self.sql();
        sql.transaction(|| {
            sql.lock_key(&format!("greylist {}", t.client))?;
            Ok(if known_client(sql, t.client, now, timing)? {
                Outcome::Pass(Pass::KnownClient)
            } else if let Some(d) = spf_pass_domain
                && known_domain(sql, d, now, timing)?
            {
                Outcome::Pass(Pass::KnownSpfDomain)
            } else {
                triplet(sql, t, spf_pass_domain, now, timing)?
            })
        })
    }

    /// Forgets what is too old to matter: triplets never retried within the retry window,
    /// and triplets, clients and domains unused for the maximum age. Returns how many rows.
    pub fn greylist_expire(&self, now: i64, timing: &Timing) -> Result<usize> {
        let sql = self.sql();
        let old = now - timing.max_age;
        let mut n = sql.execute(
            "DELETE FROM greylist_triplets
             WHERE (passes = 0 AND first_seen < ?1) OR last_seen < ?2",
            args![now - timing.retry_window, old],
        )?;
        n += sql.execute(
            "DELETE FROM greylist_clients WHERE last_seen < ?1",
            args![old],
        )?;
        n += sql.execute(
            "DELETE FROM greylist_domains WHERE last_seen < ?1",
            args![old],
        )?;
        Ok(n as usize)
    }

    /// The allow list, oldest first.
    pub fn greylist_allowed(&self) -> Result<Vec<AllowRow>> {
        self.sql()
            .query(
                "SELECT entry, kind, created FROM greylist_allow ORDER BY created, entry",
                &[],
            )?
            .iter()
            .map(|r| {
                Ok(AllowRow {
                    entry: r.get(0)?,
                    kind: r.get(1)?,
                    created: r.get(2)?,
                })
            })
            .collect()
    }

    /// Adds a network or sender domain to the allow list; false when it was there already.
    pub fn greylist_allow(&self, entry: &str, kind: &str, now: i64) -> Result<bool> {
        let n = self.sql().execute(
            "INSERT INTO greylist_allow (entry, kind, created) VALUES (?1, ?2, ?3)
             ON CONFLICT (entry) DO NOTHING",
            args![entry, kind, now],
        )?;
        Ok(n == 1)
    }

    /// Forgets everything about `entry` (a network or a sender domain): its allow entry,
    /// the triplets of that client network or from that domain, its client and domain record.
    pub fn greylist_remove(&self, entry: &str) -> Result<Removed> {
        let sql = self.sql();
        let n = |stmt: &str, arg: &str| sql.execute(stmt, args![arg]).map(|n| n as usize);
        Ok(Removed {
            allow: n("DELETE FROM greylist_allow WHERE entry = ?1", entry)?,
            // Both columns are compared as written: the client with `=`, the sender's
            // domain with LIKE, its wildcards escaped so they match only themselves.
            triplets: sql.execute(
                "DELETE FROM greylist_triplets
                 WHERE client = ?1 OR sender LIKE '%@' || ?2 ESCAPE '\\'",
                args![entry, entry.replace('%', "\\%").replace('_', "\\_")],
            )? as usize,
            clients: n("DELETE FROM greylist_clients WHERE client = ?1", entry)?,
            domains: n("DELETE FROM greylist_domains WHERE domain = ?1", entry)?,
        })
    }

    /// Remembered triplets, most recent first, at most `limit`.
    pub fn greylist_triplets(&self, limit: usize) -> Result<Vec<TripletRow>> {
        self.sql()
            .query(
                "SELECT client, sender, recipient, first_seen, last_seen, passes
                 FROM greylist_triplets
                 ORDER BY last_seen DESC, client, sender, recipient LIMIT ?1",
                args![limit as i64],
            )?
            .iter()
            .map(|r| {
                Ok(TripletRow {
                    client: r.get(0)?,
                    sender: r.get(1)?,
                    recipient: r.get(2)?,
                    first_seen: r.get(3)?,
                    last_seen: r.get(4)?,
                    passes: r.get(5)?,
                })
            })
            .collect()
    }

    /// Client networks with correct retries, most passes first.
    pub fn greylist_clients(&self) -> Result<Vec<ClientRow>> {
        self.sql()
            .query(
                "SELECT client, passes, last_seen FROM greylist_clients ORDER BY passes DESC, client",
                &[],
            )?
            .iter()
            .map(|r| {
                Ok(ClientRow {
                    client: r.get(0)?,
                    passes: r.get(1)?,
                    last_seen: r.get(2)?,
                })
            })
            .collect()
    }
}

/// Whether the client network retried correctly often enough (`auto_clients`); touches it.
fn known_client(sql: &Sql, client: &str, now: i64, timing: &Timing) -> Result<bool> {
    if timing.auto_clients == 0 {
        return Ok(false);
    }
    let passes: Option<i64> = sql
        .query_opt(
            "SELECT passes FROM greylist_clients WHERE client = ?1 AND last_seen > ?2",
            args![client, now - timing.max_age],
        )?
        .map(|r| r.get(0))
        .transpose()?;
    let known = passes.is_some_and(|p| p >= i64::from(timing.auto_clients));
    if known {
        sql.execute(
            "UPDATE greylist_clients SET last_seen = ?2 WHERE client = ?1",
            args![client, now],
        )?;
    }
    Ok(known)
}

/// Whether the sender domain passed greylisting with SPF pass before; touches it.
fn known_domain(sql: &Sql, domain: &str, now: i64, timing: &Timing) -> Result<bool> {
    let known = sql
        .query_opt(
            "SELECT 1 FROM greylist_domains WHERE domain = ?1 AND last_seen > ?2",
            args![domain, now - timing.max_age],
        )?
        .is_some();
    if known {
        sql.execute(
            "UPDATE greylist_domains SET last_seen = ?2 WHERE domain = ?1",
            args![domain, now],
        )?;
    }
    Ok(known)
}

/// The triplet itself: new (or forgotten) → deferred; retried too soon → deferred for the
/// rest of the delay; retried after it → passes, and a first correct retry earns the client
/// (and an SPF-passing domain) trust.
fn triplet(
    sql: &Sql,
    t: &Triplet<'_>,
    spf_pass_domain: Option<&str>,
    now: i64,
    timing: &Timing,
) -> Result<Outcome> {
    let row = sql.query_opt(
        "SELECT first_seen, last_seen, passes FROM greylist_triplets
         WHERE client = ?1 AND sender = ?2 AND recipient = ?3",
        args![t.client, t.sender, t.recipient],
    )?;
    let row: Option<(i64, i64, i64)> = row
        .map(|r| Ok::<_, super::CoreError>((r.get(0)?, r.get(1)?, r.get(2)?)))
        .transpose()?;
    let current = row.filter(|&(first, last, passes)| {
        (passes == 0 && now - first <= timing.retry_window)
            || (passes > 0 && now - last <= timing.max_age)
    });
    let Some((first, _, passes)) = current else {
        sql.execute(
            "INSERT INTO greylist_triplets
             (client, sender, recipient, first_seen, last_seen, passes)
             VALUES (?1, ?2, ?3, ?4, ?4, 0)
             ON CONFLICT (client, sender, recipient) DO UPDATE
             SET first_seen = ?4, last_seen = ?4, passes = 0",
            args![t.client, t.sender, t.recipient, now],
        )?;
        return Ok(Outcome::Defer {
            retry_in: timing.delay,
        });
    };
    if passes == 0 && now - first < timing.delay {
        sql.execute(
            "UPDATE greylist_triplets SET last_seen = ?4
             WHERE client = ?1 AND sender = ?2 AND recipient = ?3",
            args![t.client, t.sender, t.recipient, now],
        )?;
        return Ok(Outcome::Defer {
            retry_in: timing.delay - (now - first),
        });
    }
    sql.execute(
        "UPDATE greylist_triplets SET last_seen = ?4, passes = passes + 1
         WHERE client = ?1 AND sender = ?2 AND recipient = ?3",
        args![t.client, t.sender, t.recipient, now],
    )?;
    if passes == 0 {
        sql.execute(
            "INSERT INTO greylist_clients (client, passes, last_seen) VALUES (?1, 1, ?2)
             ON CONFLICT (client) DO UPDATE
             SET passes = greylist_clients.passes + 1, last_seen = excluded.last_seen",
            args![t.client, now],
        )?;
        if let Some(domain) = spf_pass_domain {
            sql.execute(
                "INSERT INTO greylist_domains (domain, last_seen) VALUES (?1, ?2)
                 ON CONFLICT (domain) DO UPDATE SET last_seen = excluded.last_seen",
                args![domain, now],
            )?;
        }
    }
    Ok(Outcome::Pass(Pass::Triplet))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::paths::DataDir;

    const T: Timing = Timing {
        delay: 300,
        retry_window: 2 * 86400,
        max_age: 35 * 86400,
        auto_clients: 2,
    };

    fn db() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&DataDir::new(dir.path())).unwrap();
        (dir, db)
    }

    fn trip<'a>(client: &'a str, rcpt: &'a str) -> Triplet<'a> {
        Triplet {
            client,
            sender: "a@sender.test",
            recipient: rcpt,
        }
    }

    #[test]
    fn first_sight_defers_retry_before_delay_defers_after_delay_passes() {
        let (_d, mut db) = db();
        let t = trip("192.0.2.0/24", "u@here.test");
        assert_eq!(
            db.greylist_check(&t, None, 1000, &T).unwrap(),
            Outcome::Defer { retry_in: 300 }
        );
        assert_eq!(
            db.greylist_check(&t, None, 1100, &T).unwrap(),
            Outcome::Defer { retry_in: 200 }
        );
        assert_eq!(
            db.greylist_check(&t, None, 1300, &T).unwrap(),
            Outcome::Pass(Pass::Triplet)
        );
        // Remembered: passes at once afterwards.
        assert_eq!(
            db.greylist_check(&t, None, 90_000, &T).unwrap(),
            Outcome::Pass(Pass::Triplet)
        );
    }

    #[test]
    fn a_client_that_retried_correctly_for_enough_triplets_passes_at_once() {
        let (_d, mut db) = db();
        for rcpt in ["1@here.test", "2@here.test"] {
            let t = trip("192.0.2.0/24", rcpt);
            db.greylist_check(&t, None, 0, &T).unwrap();
            assert_eq!(
                db.greylist_check(&t, None, 400, &T).unwrap(),
                Outcome::Pass(Pass::Triplet)
            );
        }
        let new = trip("192.0.2.0/24", "3@here.test");
        assert_eq!(
            db.greylist_check(&new, None, 500, &T).unwrap(),
            Outcome::Pass(Pass::KnownClient)
        );
        // Another network is a stranger.
        let other = trip("198.51.100.0/24", "3@here.test");
        assert!(matches!(
            db.greylist_check(&other, None, 500, &T).unwrap(),
            Outcome::Defer { .. }
        ));
    }

    #[test]
    fn an_spf_domain_that_passed_before_skips_the_delay_only_with_spf_pass() {
        let (_d, mut db) = db();
        let t = trip("192.0.2.0/24", "1@here.test");
        db.greylist_check(&t, Some("sender.test"), 0, &T).unwrap();
        db.greylist_check(&t, Some("sender.test"), 400, &T).unwrap();
        let elsewhere = trip("203.0.113.0/24", "2@here.test");
        assert_eq!(
            db.greylist_check(&elsewhere, Some("sender.test"), 500, &T)
                .unwrap(),
            Outcome::Pass(Pass::KnownSpfDomain)
        );
        let no_spf = trip("203.0.113.0/24", "3@here.test");
        assert!(matches!(
            db.greylist_check(&no_spf, None, 500, &T).unwrap(),
            Outcome::Defer { .. }
        ));
    }

    #[test]
    fn old_entries_start_over_and_expire() {
        let (_d, mut db) = db();
        let t = trip("192.0.2.0/24", "u@here.test");
        db.greylist_check(&t, None, 0, &T).unwrap();
        // Never retried within the retry window: a retry now is a first sighting.
        let late = T.retry_window + 10;
        assert_eq!(
            db.greylist_check(&t, None, late, &T).unwrap(),
            Outcome::Defer { retry_in: 300 }
        );
        assert_eq!(
            db.greylist_check(&t, None, late + 300, &T).unwrap(),
            Outcome::Pass(Pass::Triplet)
        );
        // Unused for the maximum age: forgotten by expiry.
        let much_later = late + 300 + T.max_age + 1;
        assert_eq!(db.greylist_expire(much_later, &T).unwrap(), 2);
        assert!(db.greylist_triplets(10).unwrap().is_empty());
        assert!(db.greylist_clients().unwrap().is_empty());
    }

    #[test]
    fn remove_forgets_a_network_or_a_sender_domain() {
        let (_d, mut db) = db();
        db.greylist_check(&trip("192.0.2.0/24", "u@here.test"), None, 0, &T)
            .unwrap();
        assert!(db.greylist_allow("sender.test", "domain", 0).unwrap());
        assert!(!db.greylist_allow("sender.test", "domain", 0).unwrap());
        let r = db.greylist_remove("sender.test").unwrap();
        assert_eq!((r.allow, r.triplets), (1, 1));
        assert_eq!(db.greylist_remove("192.0.2.0/24").unwrap().total(), 0);
        // LIKE wildcards in the entry match only themselves.
        db.greylist_check(&trip("192.0.2.0/24", "u@here.test"), None, 0, &T)
            .unwrap();
        assert_eq!(db.greylist_remove("%").unwrap().total(), 0);
    }
}
