//! Auth-failure bans: failed logins counted per client IP over `ban.window`; at
//! `ban.threshold` the IP is refused for `ban.duration`. Shared by SMTP, IMAP and POP3.

use rusqlite::{OptionalExtension, params};

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

impl Db {
    /// The end of the active ban on `ip`, if any.
    pub fn ban_until(&self, ip: &str) -> Result<Option<i64>> {
        Ok(self
            .conn()?
            .prepare_cached("SELECT until FROM bans WHERE ip = ?1 AND until > ?2")?
            .query_row(params![ip, now()], |r| r.get(0))
            .optional()?)
    }

    /// Counts a failed login; returns true when this failure put the IP over the threshold
    /// (the ban is then in place).
    pub fn record_auth_failure(&self, ip: &str) -> Result<bool> {
        let threshold = self.setting_u64("ban.threshold")?;
        let window = self.setting_duration("ban.window")?.as_secs() as i64;
        let duration = self.setting_duration("ban.duration")?.as_secs() as i64;
        let t = now();
        self.conn()?
            .execute("DELETE FROM auth_failures WHERE at <= ?1", [t - window])?;
        self.conn()?.execute(
            "INSERT INTO auth_failures (ip, at) VALUES (?1, ?2)",
            params![ip, t],
        )?;
        if threshold == 0 {
            return Ok(false);
        }
        let count: i64 = self.conn()?.query_row(
            "SELECT COUNT(*) FROM auth_failures WHERE ip = ?1",
            [ip],
            |r| r.get(0),
        )?;
        if (count as u64) < threshold {
            return Ok(false);
        }
        self.conn()?.execute(
            "INSERT INTO bans (ip, until, failures, created) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (ip) DO UPDATE SET until = excluded.until, failures = excluded.failures",
            params![ip, t + duration, count, t],
        )?;
        self.conn()?
            .execute("DELETE FROM auth_failures WHERE ip = ?1", [ip])?;
        Ok(true)
    }

    /// Active bans, soonest ending first.
    pub fn bans(&self) -> Result<Vec<Ban>> {
        let mut stmt = self.conn()?.prepare(
            "SELECT ip, until, failures, created FROM bans WHERE until > ?1 ORDER BY until",
        )?;
        let rows = stmt.query_map([now()], |r| {
            Ok(Ban {
                ip: r.get(0)?,
                until: r.get(1)?,
                failures: r.get::<_, i64>(2)?.max(0) as u64,
                created: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Lifts a ban and forgets the IP's failures. Returns whether a ban was active.
    pub fn remove_ban(&self, ip: &str) -> Result<bool> {
        self.conn()?
            .execute("DELETE FROM auth_failures WHERE ip = ?1", [ip])?;
        let active = self.ban_until(ip)?.is_some();
        self.conn()?
            .execute("DELETE FROM bans WHERE ip = ?1", [ip])?;
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
