//! The backup MX's recipient verification cache (Postfix's `verify(8)` database): what the
//! primary MX answered when asked about a recipient by an SMTP callout, and when. A positive
//! answer is trusted for `backupmx.verify_ttl` (days), a negative one for
//! `backupmx.verify_negative_ttl` (hours), so a recipient known while the primary was up is
//! still accepted while it is down, and a dictionary attack does not turn into one callout
//! per guess.
//!
//! Not here: the callout and the RCPT decision (`smtp::backupmx`). Every function takes `now`
//! so time can be injected.

use super::sql::args;
use super::{Address, Db, Result};

/// One remembered answer of the primary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Whether the primary accepted the recipient (2xx at RCPT) or refused it (5xx).
    pub good: bool,
    /// The primary's reply, for the log.
    pub reply: String,
    /// When it was asked (seconds since the epoch).
    pub checked: i64,
}

/// How long answers are trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ttl {
    pub positive: i64,
    pub negative: i64,
}

impl Verified {
    /// Whether the answer is still trusted at `now`.
    pub fn fresh(&self, ttl: Ttl, now: i64) -> bool {
        let keep = if self.good {
            ttl.positive
        } else {
            ttl.negative
        };
        now.saturating_sub(self.checked) < keep
    }
}

/// Cache keys are case-insensitive in the domain and kept as written in the local part
/// (RFC 5321 §2.4: only the primary knows whether its local parts fold case).
fn key(rcpt: &Address) -> String {
    format!("{}@{}", rcpt.local(), rcpt.domain().as_str())
}

impl Db {
    /// The primary's answer about `rcpt`, if one is remembered and still trusted at `now`.
    pub fn verify_cached(&self, rcpt: &Address, ttl: Ttl, now: i64) -> Result<Option<Verified>> {
        let row = self.sql().query_opt(
            "SELECT good, reply, checked FROM verify_cache WHERE address = ?1",
            args![key(rcpt)],
        )?;
        let Some(row) = row else { return Ok(None) };
        let v = Verified {
            good: row.get(0)?,
            reply: row.get(1)?,
            checked: row.get(2)?,
        };
        Ok(v.fresh(ttl, now).then_some(v))
    }

    /// Remembers the primary's answer about `rcpt` (replacing an older one).
    pub fn verify_store(&self, rcpt: &Address, good: bool, reply: &str, now: i64) -> Result<()> {
        let reply: String = reply.chars().take(300).collect();
        self.sql().execute(
            "INSERT INTO verify_cache (address, good, reply, checked) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (address) DO UPDATE
             SET good = excluded.good, reply = excluded.reply, checked = excluded.checked",
            args![key(rcpt), good as i64, reply, now],
        )?;
        Ok(())
    }

    /// Forgets answers checked before `before` (older than the longest TTL). Returns how many.
    pub fn verify_expire(&self, before: i64) -> Result<u64> {
        self.sql()
            .execute("DELETE FROM verify_cache WHERE checked < ?1", args![before])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::DataDir;

    const TTL: Ttl = Ttl {
        positive: 7 * 86400,
        negative: 3 * 3600,
    };

    fn db() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&DataDir::new(dir.path())).unwrap();
        (dir, db)
    }

    fn a(s: &str) -> Address {
        Address::parse(s).unwrap()
    }

    #[test]
    fn positive_answers_last_days_negative_ones_hours() {
        let (_d, db) = db();
        let t = 1_000_000;
        db.verify_store(&a("bob@a.test"), true, "250 2.1.5 Ok", t)
            .unwrap();
        db.verify_store(&a("nobody@a.test"), false, "550 5.1.1 unknown", t)
            .unwrap();
        let later = t + 4 * 3600;
        assert!(
            db.verify_cached(&a("bob@a.test"), TTL, later)
                .unwrap()
                .unwrap()
                .good
        );
        // The negative answer is forgotten after hours: the primary is asked again.
        assert_eq!(
            db.verify_cached(&a("nobody@a.test"), TTL, later).unwrap(),
            None
        );
        let v = db
            .verify_cached(&a("nobody@a.test"), TTL, t + 60)
            .unwrap()
            .unwrap();
        assert!(!v.good && v.reply.starts_with("550"));
        assert_eq!(
            db.verify_cached(&a("bob@a.test"), TTL, t + 8 * 86400)
                .unwrap(),
            None
        );
        assert_eq!(db.verify_cached(&a("carol@a.test"), TTL, t).unwrap(), None);
    }

    #[test]
    fn a_new_answer_replaces_the_old_one_and_expiry_forgets_old_rows() {
        let (_d, db) = db();
        db.verify_store(&a("bob@a.test"), false, "550", 100)
            .unwrap();
        // The domain is case-insensitive in the key.
        db.verify_store(&a("bob@A.TEST"), true, "250", 200).unwrap();
        let v = db
            .verify_cached(&a("bob@a.test"), TTL, 300)
            .unwrap()
            .unwrap();
        assert_eq!((v.good, v.checked), (true, 200));
        db.verify_store(&a("old@a.test"), true, "250", 50).unwrap();
        assert_eq!(db.verify_expire(100).unwrap(), 1);
        assert_eq!(db.verify_cached(&a("old@a.test"), TTL, 60).unwrap(), None);
    }
}
