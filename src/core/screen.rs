//! The memory of port 25's pre-greeting test (Postfix postscreen's `postscreen_greet_ttl`):
//! which client addresses waited for the greeting and then spoke SMTP in turn, and when. A
//! client remembered here is greeted at once until `smtp.greet_ttl` after its pass; the
//! daemon keeps a copy in memory (`inbound::screen`) so no connection waits on SQL.
//!
//! Shared between nodes (issue 21) as rows of the core database; each daemon's in-memory
//! copy is loaded at start and then holds only its own passes (see `inbound::screen`): a
//! client that passed on one node waits once more on another node that started before.
//!
//! Not here: the test itself (the driver's wait, the session's `554 5.5.1`), the in-memory
//! copy and its bounds (`inbound::screen`). Every function takes `now` or a cut-off so time
//! can be injected.

use std::net::IpAddr;

use super::sql::args;
use super::{Db, Result};

impl Db {
    /// Records that `ip` passed the test at `now` (a later pass moves the time forward).
    pub fn screen_pass(&self, ip: IpAddr, now: i64) -> Result<()> {
        // "Only forward" as the update's condition, not `max()`: SQLite's two-argument max
        // is PostgreSQL's `greatest`, and the condition reads the same on both.
        self.sql().execute(
            "INSERT INTO screen_passes (ip, passed) VALUES (?1, ?2)
             ON CONFLICT (ip) DO UPDATE SET passed = excluded.passed
             WHERE screen_passes.passed < excluded.passed",
            args![ip.to_string(), now],
        )?;
        Ok(())
    }

    /// Forgets `ip` (it talked before the greeting). Returns whether it was remembered.
    pub fn screen_forget(&self, ip: IpAddr) -> Result<bool> {
        Ok(self.sql().execute(
            "DELETE FROM screen_passes WHERE ip = ?1",
            args![ip.to_string()],
        )? > 0)
    }

    /// The clients that passed at or after `since`, newest first, at most `cap` of them.
    /// Rows that do not parse as an address (written by hand) are skipped.
    pub fn screen_passes(&self, since: i64, cap: usize) -> Result<Vec<(IpAddr, i64)>> {
        let rows = self.sql().query(
            "SELECT ip, passed FROM screen_passes WHERE passed >= ?1
             ORDER BY passed DESC, ip LIMIT ?2",
            args![since, cap as i64],
        )?;
        let mut out = Vec::new();
        for row in rows {
            let (ip, passed): (String, i64) = (row.get(0)?, row.get(1)?);
            if let Ok(ip) = ip.parse() {
                out.push((ip, passed));
            }
        }
        Ok(out)
    }

    /// Forgets passes older than `before`, and beyond the newest `cap`. Returns how many.
    pub fn screen_expire(&self, before: i64, cap: usize) -> Result<usize> {
        let sql = self.sql();
        let mut n = sql.execute("DELETE FROM screen_passes WHERE passed < ?1", args![before])?;
        n += sql.execute(
            "DELETE FROM screen_passes WHERE ip NOT IN
             (SELECT ip FROM screen_passes ORDER BY passed DESC, ip LIMIT ?1)",
            args![cap as i64],
        )?;
        Ok(n as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::DataDir;

    fn db() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&DataDir::new(dir.path())).unwrap();
        (dir, db)
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_pass_is_remembered_until_it_is_older_than_the_cut_off() {
        let (_d, db) = db();
        db.screen_pass(ip("192.0.2.1"), 1000).unwrap();
        db.screen_pass(ip("2001:db8::1"), 2000).unwrap();
        // An older pass never moves the time back.
        db.screen_pass(ip("2001:db8::1"), 1500).unwrap();
        assert_eq!(
            db.screen_passes(0, 10).unwrap(),
            vec![(ip("2001:db8::1"), 2000), (ip("192.0.2.1"), 1000)]
        );
        assert_eq!(
            db.screen_passes(1001, 10).unwrap(),
            vec![(ip("2001:db8::1"), 2000)]
        );
        assert_eq!(db.screen_expire(1001, 10).unwrap(), 1);
        assert_eq!(db.screen_passes(0, 10).unwrap().len(), 1);
    }

    #[test]
    fn expiry_keeps_only_the_newest_cap_and_forget_removes_one() {
        let (_d, db) = db();
        for i in 0..5u8 {
            db.screen_pass(IpAddr::from([192, 0, 2, i]), 100 + i as i64)
                .unwrap();
        }
        assert_eq!(db.screen_expire(0, 3).unwrap(), 2);
        let kept: Vec<_> = db.screen_passes(0, 10).unwrap();
        assert_eq!(
            kept.iter().map(|p| p.1).collect::<Vec<_>>(),
            [104, 103, 102]
        );
        assert!(db.screen_forget(ip("192.0.2.4")).unwrap());
        assert!(!db.screen_forget(ip("192.0.2.4")).unwrap());
        assert_eq!(db.screen_passes(0, 10).unwrap().len(), 2);
    }
}
