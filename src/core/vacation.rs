//! The memory of vacation replies (RFC 5230 §4.2, RFC 3834 §2): which sender a user's
//! vacation already answered under which handle, until when. Claiming a reply is one
//! atomic statement, so two delivery threads meeting the same sender at once send one
//! reply, and a retried delivery never answers twice.
//!
//! Stored in `vacation_replies` (migration 14); rows go with their user and are dropped
//! once expired. Every function takes `now` so time can be injected. Shared between nodes
//! (issue 21): the claim is one statement on the shared database, so two nodes delivering
//! to the same user at once still send one reply.
//!
//! Not here: whether a message deserves a reply at all, and the reply itself
//! (`smtp::vacation`).

use super::sql::args;
use super::{Address, Db, Result};

impl Db {
    /// Claims the right to answer `sender` for `user`'s vacation `handle` at `now`: true (and
    /// remembered until `now + period`) unless a reply under that handle went to that sender
    /// less than its period ago. An unknown user is never answered for. Senders compare
    /// without regard to case.
    pub fn vacation_claim(
        &self,
        user: &Address,
        sender: &str,
        handle: &str,
        now: i64,
        period: u64,
    ) -> Result<bool> {
        let Some(u) = self.user(user)? else {
            return Ok(false);
        };
        let sql = self.sql();
        sql.execute(
            "DELETE FROM vacation_replies WHERE expires <= ?1",
            args![now],
        )?;
        let expires = now.saturating_add(i64::try_from(period).unwrap_or(i64::MAX));
        // The upsert's condition makes the claim one atomic statement on both engines: a
        // row still in its period is left alone and the statement changes nothing.
        let n = sql.execute(
            "INSERT INTO vacation_replies (user_id, sender, handle, sent, expires)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (user_id, sender, handle) DO UPDATE
             SET sent = excluded.sent, expires = excluded.expires
             WHERE vacation_replies.expires <= excluded.sent",
            args![u.id, sender.to_lowercase(), handle, now, expires],
        )?;
        Ok(n > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::DataDir;

    fn setup() -> (tempfile::TempDir, Db, Address) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&DataDir::new(dir.path())).unwrap();
        db.add_domain(&crate::core::Domain::parse("example.test").unwrap())
            .unwrap();
        let a = Address::parse("ann@example.test").unwrap();
        db.add_user(&crate::core::users::NewUser {
            address: a.clone(),
            password_hash: "x".into(),
            quota: 0,
        })
        .unwrap();
        (dir, db, a)
    }

    #[test]
    fn once_per_sender_and_handle_per_period() {
        let (_d, db, a) = setup();
        let day: u64 = 86_400;
        let d = day as i64;
        let t = 1_000_000;
        assert!(db.vacation_claim(&a, "bob@x.test", "h", t, day).unwrap());
        // Same sender (any case), same handle, within the period: no second reply.
        assert!(
            !db.vacation_claim(&a, "BOB@x.test", "h", t + 10, day)
                .unwrap()
        );
        assert!(
            !db.vacation_claim(&a, "bob@x.test", "h", t + d - 1, day)
                .unwrap()
        );
        // Another handle (another vacation text) or another sender is answered.
        assert!(
            db.vacation_claim(&a, "bob@x.test", "h2", t + 10, day)
                .unwrap()
        );
        assert!(
            db.vacation_claim(&a, "carl@x.test", "h", t + 10, day)
                .unwrap()
        );
        // Once the period is over, the sender hears again, and the period starts over.
        assert!(
            db.vacation_claim(&a, "bob@x.test", "h", t + d, day)
                .unwrap()
        );
        assert!(
            !db.vacation_claim(&a, "bob@x.test", "h", t + d + 5, day)
                .unwrap()
        );
        // Nobody to answer for.
        let ghost = Address::parse("ghost@example.test").unwrap();
        assert!(
            !db.vacation_claim(&ghost, "bob@x.test", "h", t, day)
                .unwrap()
        );
    }

    #[test]
    fn rows_go_with_their_user_and_expire() {
        let (_d, db, a) = setup();
        assert!(db.vacation_claim(&a, "bob@x.test", "h", 100, 50).unwrap());
        let rows = |db: &Db| -> i64 {
            db.sql()
                .query_one("SELECT count(*) FROM vacation_replies", &[])
                .unwrap()
                .get(0)
                .unwrap()
        };
        assert!(db.vacation_claim(&a, "carl@x.test", "h", 160, 50).unwrap());
        assert_eq!(rows(&db), 1, "bob's expired row was dropped");
        db.remove_user(&a).unwrap();
        assert_eq!(rows(&db), 0);
    }
}
