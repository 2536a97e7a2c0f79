//! Auth-failure bans: failed logins counted per client IP over `ban.window`; at
//! `ban.threshold` the IP is refused for `ban.duration`. Shared by SMTP, IMAP and POP3.
//!
//! Shared between nodes (issue 21): the failures and the bans are rows in the core
//! database. Failures made on several nodes add up to one count: counting is one
//! transaction that locks the IP's key ([`super::sql::Sql::lock_key`]), so two nodes failing
//! the same IP at once count both, and it always reads the database.
//!
//! The checks ([`Db::ban_until`] at connect, `net::conn::is_banned`, and again at each login)
//! read a daemon's directory cache (`core::dircache`): the set of active bans, loaded once
//! per change of `bans` (at most `MAX_CACHED` of them; past that each check reads its IP),
//! each ban's end compared with the clock at every check, since a ban ends without a write.
//! A ban written or lifted by this process counts at once. One written or lifted by another
//! process or node is seen: on SQLite at the next check (a trigger-kept counter is read each
//! time); on PostgreSQL as soon as its `NOTIFY` reaches this process's LISTEN connection,
//! milliseconds after the commit. While that connection is down nothing is cached and each
//! check reads the database; if it hangs without breaking, a change is seen at the latest when
//! the cache's contents reach their 30 s maximum age. `mailctl` commands read the database.
//! Times are each node's clock: nodes are expected to keep time with NTP.
//!
//! Not here: refusing the connection or the login (`net::conn`, `auth::login`); the
//! per-node connection and message rates (`net::rate`).

use std::collections::HashMap;
use std::sync::Arc;

use super::sql::{Row, args};
use super::{Db, Result, now};

#[derive(Debug, Clone, serde::Serialize)]
pub struct Ban {
    pub ip: String,
    /// Unix seconds when the ban ends (RFC 3339 in JSON).
    #[serde(serialize_with = "super::time::serialize")]
    pub until: i64,
    pub failures: u64,
    #[serde(serialize_with = "super::time::serialize")]
    pub created: i64,
}

fn ban(r: &Row) -> Result<Ban> {
    Ok(Ban {
        ip: r.get(0)?,
        until: r.get(1)?,
        failures: r.get(2)?,
        created: r.get(3)?,
    })
}

/// Active bans kept in the directory cache at most: past it (a distributed attack) each check
/// reads its IP, one small indexed read, rather than a large set loaded per change.
const MAX_CACHED: usize = 10_000;

/// The active bans as the directory cache keeps them: IP → when its ban ends, or None when
/// there are more than [`MAX_CACHED`] (each check then reads the database).
pub(crate) type ActiveBans = Option<HashMap<String, i64>>;

impl Db {
    /// The end of the active ban on `ip`, if any. A daemon answers from its directory cache
    /// (loaded once per change of `bans`), comparing with the clock at each call: a ban
    /// ends without a write.
    pub fn ban_until(&self, ip: &str) -> Result<Option<i64>> {
        let active = self.cached(
            |c| c.bans.clone(),
            |c, bans| c.bans = Some(bans),
            || self.active_bans().map(Arc::new),
        )?;
        match active.as_deref() {
            Some(Some(bans)) => Ok(bans.get(ip).copied().filter(|&until| until > now())),
            _ => self.ban_of(ip),
        }
    }

    /// Every active ban, or None past [`MAX_CACHED`].
    fn active_bans(&self) -> Result<ActiveBans> {
        let rows = self.sql().query(
            "SELECT ip, until FROM bans WHERE until > ?1 LIMIT ?2",
            args![now(), MAX_CACHED as i64 + 1],
        )?;
        if rows.len() > MAX_CACHED {
            return Ok(None);
        }
        rows.iter()
            .map(|r| Ok((r.get(0)?, r.get(1)?)))
            .collect::<Result<_>>()
            .map(Some)
    }

    /// The end of the active ban on `ip`, read from the database.
    fn ban_of(&self, ip: &str) -> Result<Option<i64>> {
        self.sql()
            .query_opt(
                "SELECT until FROM bans WHERE ip = ?1 AND until > ?2",
                args![ip, now()],
            )?
            .map(|r| r.get(0))
            .transpose()
    }

    /// Counts a failed login; returns true when this failure put the IP over the threshold
    /// (the ban is then in place).
    pub fn record_auth_failure(&self, ip: &str) -> Result<bool> {
        let threshold = self.setting_u64("ban.threshold")?;
        let window = self.setting_duration("ban.window")?.as_secs() as i64;
        let duration = self.setting_duration("ban.duration")?.as_secs() as i64;
        let t = now();
        let sql = self.sql();
        // Every IP's old failures, before the transaction and its lock: two nodes pruning
        // overlapping rows inside their transactions could deadlock each other.
        sql.execute(
            "DELETE FROM auth_failures WHERE at <= ?1",
            args![t - window],
        )?;
        sql.transaction(|| {
            sql.lock_key(&format!("ban {ip}"))?;
            sql.execute(
                "INSERT INTO auth_failures (ip, at) VALUES (?1, ?2)",
                args![ip, t],
            )?;
            if threshold == 0 {
                return Ok(false);
            }
            let count: u64 = sql
                .query_one(
                    "SELECT COUNT(*) FROM auth_failures WHERE ip = ?1",
                    args![ip],
                )?
                .get(0)?;
            if count < threshold {
                return Ok(false);
            }
            sql.execute(
                "INSERT INTO bans (ip, until, failures, created) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (ip) DO UPDATE SET until = excluded.until, failures = excluded.failures",
                args![ip, t + duration, count as i64, t],
            )?;
            sql.execute("DELETE FROM auth_failures WHERE ip = ?1", args![ip])?;
            Ok(true)
        })
    }

    /// Active bans, soonest ending first.
    pub fn bans(&self) -> Result<Vec<Ban>> {
        self.sql()
            .query(
                "SELECT ip, until, failures, created FROM bans WHERE until > ?1 ORDER BY until, ip",
                args![now()],
            )?
            .iter()
            .map(ban)
            .collect()
    }

    /// Lifts a ban and forgets the IP's failures. Returns whether a ban was active.
    pub fn remove_ban(&self, ip: &str) -> Result<bool> {
        let sql = self.sql();
        sql.execute("DELETE FROM auth_failures WHERE ip = ?1", args![ip])?;
        let active = self.ban_of(ip)?.is_some();
        sql.execute("DELETE FROM bans WHERE ip = ?1", args![ip])?;
        Ok(active)
    }
}

#[cfg(test)]
mod tests {
    use crate::core::pool::DbPool;
    use crate::core::sql::args;
    use crate::core::{DataDir, Db, now};

    #[test]
    fn threshold_bans_and_remove_lifts() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&DataDir::new(dir.path())).unwrap();
        db.set_setting("ban.threshold", "3").unwrap();
        assert!(!db.record_auth_failure("192.0.2.7").unwrap());
        assert!(!db.record_auth_failure("192.0.2.7").unwrap());
        assert!(db.ban_until("192.0.2.7").unwrap().is_none());
        assert!(db.record_auth_failure("192.0.2.7").unwrap());
        assert!(db.ban_until("192.0.2.7").unwrap().is_some());
        assert!(db.ban_until("192.0.2.8").unwrap().is_none());
        assert_eq!(db.bans().unwrap().len(), 1);
        assert!(db.remove_ban("192.0.2.7").unwrap());
        assert!(db.bans().unwrap().is_empty());
    }

    /// A daemon's check reads its cache: it sees another process's ban once the
    /// generation moves, nothing written behind the triggers' back, and a ban's end by the
    /// clock alone.
    #[test]
    fn a_daemon_checks_bans_in_its_cache_and_sees_them_end_by_the_clock() {
        let dir = tempfile::tempdir().unwrap();
        let dd = DataDir::new(dir.path());
        let pool = DbPool::new(dd.clone());
        // A separate connection, as a `mailctl` command or another daemon would be.
        let admin = Db::open(&dd).unwrap();
        let daemon = pool.get().unwrap();
        assert!(daemon.ban_until("192.0.2.7").unwrap().is_none());
        admin.set_setting("ban.threshold", "1").unwrap();
        assert!(admin.record_auth_failure("192.0.2.7").unwrap());
        assert!(daemon.ban_until("192.0.2.7").unwrap().is_some());
        // Lifted behind the triggers' back (no generation moves): the cached ban stays.
        let conn = admin.conn().unwrap();
        conn.execute("DROP TRIGGER bans_delete_counted", [])
            .unwrap();
        conn.execute("DELETE FROM bans", []).unwrap();
        assert!(daemon.ban_until("192.0.2.7").unwrap().is_some());
        // A counted write (a ban ending within a second) reloads the set.
        let until = now() + 1;
        admin
            .sql()
            .execute(
                "INSERT INTO bans (ip, until, failures, created) VALUES (?1, ?2, 1, ?3)",
                args!["192.0.2.8", until, now()],
            )
            .unwrap();
        assert!(daemon.ban_until("192.0.2.7").unwrap().is_none());
        assert_eq!(daemon.ban_until("192.0.2.8").unwrap(), Some(until));
        // It ends with nothing written: the cached entry is compared with the clock.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
        while now() <= until && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        assert!(daemon.ban_until("192.0.2.8").unwrap().is_none());
    }

    /// Past the bound the set is not cached: each check reads its IP, and still answers.
    #[test]
    fn too_many_bans_are_checked_one_by_one() {
        let dir = tempfile::tempdir().unwrap();
        let pool = DbPool::new(DataDir::new(dir.path()));
        let db = pool.get().unwrap();
        let until = now() + 3600;
        db.sql()
            .execute(
                "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
                 INSERT INTO bans (ip, until, failures, created)
                 SELECT '10.0.' || (i / 256) || '.' || (i % 256), ?2, 1, ?3 FROM n",
                args![super::MAX_CACHED as i64, until, now()],
            )
            .unwrap();
        assert!(db.active_bans().unwrap().is_none());
        assert_eq!(db.ban_until("10.0.39.16").unwrap(), Some(until));
        assert!(db.ban_until("10.0.39.17").unwrap().is_none());
    }
}
