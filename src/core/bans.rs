//! Auth-failure bans: failed logins counted per client IP over `ban.window`; at
//! `ban.threshold` the IP is refused for `ban.duration`. Shared by SMTP, IMAP and POP3.
//!
//! Shared between nodes (issue 21): the failures and the bans are rows in the core
//! database, and every check reads it ([`Db::ban_until`] at connect, `net::conn::is_banned`,
//! and again at each login) with no cache in between, so a ban decided on one node refuses
//! the client on every node from its next connection, and failures made on several nodes add
//! up to one count. Counting is one transaction that locks the IP's key
//! ([`super::sql::Sql::lock_key`]), so two nodes failing the same IP at once count both.
//! Times are each node's clock: nodes are expected to keep time with NTP.
//!
//! Not here: refusing the connection or the login (`net::conn`, `auth::login`); the
//! per-node connection and message rates (`net::rate`).

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

impl Db {
    /// The end of the active ban on `ip`, if any.
    pub fn ban_until(&self, ip: &str) -> Result<Option<i64>> {
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
        let active = self.ban_until(ip)?.is_some();
        sql.execute("DELETE FROM bans WHERE ip = ?1", args![ip])?;
        Ok(active)
    }
}

#[cfg(test)]
mod tests {
    use crate::core::{DataDir, Db};

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
}
