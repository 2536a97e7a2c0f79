//! Outbound abuse limits per authenticated user: messages per hour and recipients per day,
//! each over a sliding window, so a compromised account cannot become a spam cannon.
//!
//! One row per message a user submitted (`submissions`: user, time, recipient count) is the
//! whole state: it survives a restart, and every session sees the others' messages. Rows
//! older than the longest window are pruned when a new one is written. The check at MAIL and
//! RCPT only reads; the message is counted at the end of data by [`Db::send_record`], which
//! checks again and inserts in one transaction that locks the user's key
//! ([`Sql::lock_key`]), so sessions finishing at the same moment cannot together go past a
//! limit, on one node or several.
//!
//! Shared between nodes (issue 21): the rows are in the core database, so a user's messages
//! count against one limit whichever node they were submitted to. (`"user"` is quoted in
//! the statements: it is a reserved word in PostgreSQL, an ordinary identifier in SQLite.)
//!
//! Limits: the settings `submission.max_messages_per_hour` and
//! `submission.max_recipients_per_day` (0: none), or the user's own override (`users`
//! columns, `mailctl user set --send-limit`).
//!
//! Not here: who is limited (authenticated SMTP sessions; local `sendmail` is not) and the
//! `450 4.7.1` replies (`smtp::sendlimit`). Every function takes `now` so time can be injected.

use serde::Serialize;

use super::sql::{Sql, args};
use super::{Address, Db, Result};

/// The message window, in seconds.
pub const HOUR: i64 = 3600;
/// The recipient window, in seconds.
pub const DAY: i64 = 86_400;

/// A user's own limits; `None` takes the server's setting. `Some(0)` is "no limit".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Override {
    pub messages_per_hour: Option<u64>,
    pub recipients_per_day: Option<u64>,
}

/// The limits in force for one user (0: no limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Limits {
    pub messages_per_hour: u64,
    pub recipients_per_day: u64,
}

/// Which limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    MessagesPerHour,
    RecipientsPerDay,
}

impl Limit {
    pub fn as_str(self) -> &'static str {
        match self {
            Limit::MessagesPerHour => "messages per hour",
            Limit::RecipientsPerDay => "recipients per day",
        }
    }

    fn window(self) -> i64 {
        match self {
            Limit::MessagesPerHour => HOUR,
            Limit::RecipientsPerDay => DAY,
        }
    }
}

/// A limit that the step asked about would exceed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Hit {
    pub limit: Limit,
    /// The limit's value.
    pub max: u64,
    /// What the window already holds (messages or recipients).
    pub used: u64,
    /// Seconds until enough of the window has aged out for the step to pass (at least 1).
    pub frees_in: i64,
}

/// What the user sent within the windows, for `user show`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Usage {
    pub messages_last_hour: u64,
    pub recipients_last_day: u64,
}

/// The window arithmetic: `entries` are (time, amount) oldest first; whether `wanted` more
/// fits under `max` in the `window` seconds before `now`, and if not, when it will.
pub fn check_window(
    entries: &[(i64, u64)],
    now: i64,
    limit: Limit,
    max: u64,
    wanted: u64,
) -> Option<Hit> {
    if max == 0 {
        return None;
    }
    let window = limit.window();
    let live = entries.iter().filter(|(at, _)| *at > now - window);
    let used: u64 = live.clone().map(|(_, n)| n).sum();
    let excess = (used + wanted).checked_sub(max).filter(|e| *e > 0)?;
    // The oldest entries leave the window first; it frees up when enough have left.
    let mut freed = 0;
    let mut frees_at = now + window;
    for (at, n) in live {
        freed += n;
        if freed >= excess {
            frees_at = at + window;
            break;
        }
    }
    Some(Hit {
        limit,
        max,
        used,
        frees_in: (frees_at - now).max(1),
    })
}

impl Override {
    /// This override over the server's defaults.
    pub fn over(self, defaults: Limits) -> Limits {
        Limits {
            messages_per_hour: self.messages_per_hour.unwrap_or(defaults.messages_per_hour),
            recipients_per_day: self
                .recipients_per_day
                .unwrap_or(defaults.recipients_per_day),
        }
    }
}

fn to_sql(n: Option<u64>) -> Option<i64> {
    n.map(|n| n.min(i64::MAX as u64) as i64)
}

impl Db {
    /// The server-wide limits (settings `submission.max_*`).
    pub fn send_defaults(&self) -> Result<Limits> {
        Ok(Limits {
            messages_per_hour: self.setting_u64("submission.max_messages_per_hour")?,
            recipients_per_day: self.setting_u64("submission.max_recipients_per_day")?,
        })
    }

    /// The limits in force for `user`: its override over the defaults. Someone who is not
    /// (or no longer) a user gets the defaults.
    pub fn send_limits(&self, user: &Address) -> Result<Limits> {
        let own = self.user(user)?.map(|u| u.send_limit).unwrap_or_default();
        Ok(own.over(self.send_defaults()?))
    }

    /// Sets a user's own limits (`None` in a field: back to the server's setting).
    pub fn set_send_limit(&self, user: &Address, own: Override) -> Result<()> {
        let n = self.sql().execute(
            "UPDATE users SET send_per_hour = ?1, send_rcpts_per_day = ?2 WHERE address = ?3",
            super::sql::args![
                to_sql(own.messages_per_hour),
                to_sql(own.recipients_per_day),
                user.to_string()
            ],
        )?;
        if n == 0 {
            return Err(super::CoreError::NotFound {
                kind: "user",
                name: user.to_string(),
            });
        }
        Ok(())
    }

    /// (time, recipients) of the user's messages in the last day, oldest first.
    fn submissions(sql: &Sql, user: &str, now: i64) -> Result<Vec<(i64, u64)>> {
        sql.query(
            "SELECT at, rcpts FROM submissions WHERE \"user\" = ?1 AND at > ?2 ORDER BY at",
            args![user, now - DAY],
        )?
        .iter()
        .map(|r| Ok((r.get(0)?, r.get(1)?)))
        .collect()
    }

    /// What the user sent in the last hour and day.
    pub fn send_usage(&self, user: &Address, now: i64) -> Result<Usage> {
        let rows = Self::submissions(self.sql(), &user.to_string(), now)?;
        Ok(Usage {
            messages_last_hour: rows.iter().filter(|(at, _)| *at > now - HOUR).count() as u64,
            recipients_last_day: rows.iter().map(|(_, n)| n).sum(),
        })
    }

    /// Whether one more message may start now (at MAIL).
    pub fn send_check_message(&self, user: &Address, now: i64) -> Result<Option<Hit>> {
        let limits = self.send_limits(user)?;
        if limits.messages_per_hour == 0 {
            return Ok(None);
        }
        let rows = Self::submissions(self.sql(), &user.to_string(), now)?;
        let msgs: Vec<_> = rows.iter().map(|(at, _)| (*at, 1)).collect();
        Ok(check_window(
            &msgs,
            now,
            Limit::MessagesPerHour,
            limits.messages_per_hour,
            1,
        ))
    }

    /// Whether one more recipient fits, `pending` being those already accepted in this
    /// transaction (at RCPT).
    pub fn send_check_recipient(
        &self,
        user: &Address,
        pending: u64,
        now: i64,
    ) -> Result<Option<Hit>> {
        let limits = self.send_limits(user)?;
        if limits.recipients_per_day == 0 {
            return Ok(None);
        }
        let rows = Self::submissions(self.sql(), &user.to_string(), now)?;
        Ok(check_window(
            &rows,
            now,
            Limit::RecipientsPerDay,
            limits.recipients_per_day,
            pending + 1,
        ))
    }

    /// Counts a message of `rcpts` recipients at the end of data: checks both limits again
    /// and records it in one transaction, so concurrent sessions cannot together exceed a
    /// limit. `Some(hit)`: not recorded, the message must be refused. Prunes rows that no
    /// window needs any more.
    pub fn send_record(&mut self, user: &Address, rcpts: u64, now: i64) -> Result<Option<Hit>> {
        let limits = self.send_limits(user)?;
        let name = user.to_string();
        let sql = self.sql();
        let hit = sql.transaction(|| {
            sql.lock_key(&format!("submissions {name}"))?;
            let rows = Self::submissions(sql, &name, now)?;
            let msgs: Vec<_> = rows.iter().map(|(at, _)| (*at, 1)).collect();
            let hit = check_window(
                &msgs,
                now,
                Limit::MessagesPerHour,
                limits.messages_per_hour,
                1,
            )
            .or_else(|| {
                check_window(
                    &rows,
                    now,
                    Limit::RecipientsPerDay,
                    limits.recipients_per_day,
                    rcpts,
                )
            });
            if hit.is_none() {
                sql.execute(
                    "INSERT INTO submissions (\"user\", at, rcpts) VALUES (?1, ?2, ?3)",
                    args![name.as_str(), now, rcpts.min(i64::MAX as u64) as i64],
                )?;
            }
            Ok(hit)
        })?;
        // Every user's old rows, after the transaction and its lock: two nodes pruning
        // overlapping rows inside their transactions could deadlock each other.
        if hit.is_none() {
            sql.execute("DELETE FROM submissions WHERE at <= ?1", args![now - DAY])?;
        }
        Ok(hit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::DataDir;
    use crate::core::users::NewUser;

    const T: i64 = 1_800_000_000;

    #[test]
    fn under_the_limit_passes_and_zero_is_unlimited() {
        let e = [(T - 10, 1), (T - 5, 1)];
        assert_eq!(check_window(&e, T, Limit::MessagesPerHour, 3, 1), None);
        assert_eq!(check_window(&e, T, Limit::MessagesPerHour, 0, 1000), None);
        assert_eq!(check_window(&[], T, Limit::RecipientsPerDay, 1, 1), None);
    }

    #[test]
    fn the_next_one_over_waits_for_the_oldest_to_age_out() {
        let e = [(T - 3000, 1), (T - 100, 1), (T - 50, 1)];
        let hit = check_window(&e, T, Limit::MessagesPerHour, 3, 1).unwrap();
        assert_eq!((hit.used, hit.max), (3, 3));
        assert_eq!(
            hit.frees_in, 600,
            "the one 3000 s old leaves the hour in 600 s"
        );
        // 600 s later the same rows leave room.
        assert_eq!(
            check_window(&e, T + 600, Limit::MessagesPerHour, 3, 1),
            None
        );
        assert!(check_window(&e, T + 599, Limit::MessagesPerHour, 3, 1).is_some());
    }

    #[test]
    fn entries_outside_the_window_do_not_count() {
        let e = [(T - HOUR, 5), (T - HOUR - 1, 5), (T - 1, 1)];
        assert_eq!(check_window(&e, T, Limit::MessagesPerHour, 2, 1), None);
        let hit = check_window(&e, T, Limit::RecipientsPerDay, 10, 1).unwrap();
        assert_eq!(hit.used, 11);
    }

    #[test]
    fn recipients_free_up_when_enough_of_them_have_aged_out() {
        // 2000 a day, 1990 used in three messages; 15 more need the two oldest gone.
        let e = [(T - 80_000, 4), (T - 70_000, 6), (T - 10, 1980)];
        let hit = check_window(&e, T, Limit::RecipientsPerDay, 2000, 15).unwrap();
        assert_eq!(hit.used, 1990);
        assert_eq!(hit.frees_in, T - 70_000 + DAY - T);
        assert_eq!(check_window(&e, T, Limit::RecipientsPerDay, 2000, 10), None);
        // More than can ever fit behind the newest: a full window.
        let hit = check_window(&e, T, Limit::RecipientsPerDay, 2000, 3000).unwrap();
        assert_eq!(hit.frees_in, DAY);
    }

    fn db_with_user() -> (tempfile::TempDir, Db, Address) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&DataDir::new(dir.path())).unwrap();
        let d = crate::core::Domain::parse("example.test").unwrap();
        db.add_domain(&d).unwrap();
        let a = Address::parse("u@example.test").unwrap();
        db.add_user(&NewUser {
            address: a.clone(),
            password_hash: "x".into(),
            quota: 0,
        })
        .unwrap();
        (dir, db, a)
    }

    #[test]
    fn sessions_recording_at_once_never_pass_the_limit_together() {
        let (dir, db, u) = db_with_user();
        db.set_setting("submission.max_messages_per_hour", "5")
            .unwrap();
        drop(db);
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (path, u) = (dir.path().to_path_buf(), u.clone());
                std::thread::spawn(move || {
                    let mut db = Db::open(&DataDir::new(&path)).unwrap();
                    (0..3)
                        .filter(|_| db.send_record(&u, 1, T).unwrap().is_none())
                        .count()
                })
            })
            .collect();
        let recorded: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
        assert_eq!(recorded, 5);
        let db = Db::open(&DataDir::new(dir.path())).unwrap();
        assert_eq!(db.send_usage(&u, T).unwrap().messages_last_hour, 5);
    }

    #[test]
    fn recorded_messages_count_and_the_override_wins() {
        let (_dir, mut db, u) = db_with_user();
        db.set_setting("submission.max_messages_per_hour", "2")
            .unwrap();
        db.set_setting("submission.max_recipients_per_day", "5")
            .unwrap();
        assert_eq!(db.send_record(&u, 2, T - 100).unwrap(), None);
        assert_eq!(db.send_record(&u, 2, T - 50).unwrap(), None);
        let hit = db.send_check_message(&u, T).unwrap().unwrap();
        assert_eq!(
            (hit.limit, hit.used, hit.frees_in),
            (Limit::MessagesPerHour, 2, 3500)
        );
        // The record re-checks: a third message is refused and not counted.
        assert!(db.send_record(&u, 1, T).unwrap().is_some());
        assert_eq!(db.send_usage(&u, T).unwrap().messages_last_hour, 2);
        // 4 of 5 recipients used: one more fits, two do not.
        assert_eq!(db.send_check_recipient(&u, 0, T).unwrap(), None);
        let hit = db.send_check_recipient(&u, 1, T).unwrap().unwrap();
        assert_eq!((hit.limit, hit.used), (Limit::RecipientsPerDay, 4));
        db.set_send_limit(
            &u,
            Override {
                messages_per_hour: Some(10),
                recipients_per_day: Some(0),
            },
        )
        .unwrap();
        assert_eq!(db.send_check_message(&u, T).unwrap(), None);
        assert_eq!(db.send_check_recipient(&u, 500, T).unwrap(), None);
        // A day later the rows are gone from the windows and pruned by the next record.
        assert_eq!(db.send_record(&u, 1, T + DAY).unwrap(), None);
        let left: i64 = db
            .sql()
            .query_one("SELECT count(*) FROM submissions", &[])
            .unwrap()
            .get(0)
            .unwrap();
        assert_eq!(left, 1);
    }
}
