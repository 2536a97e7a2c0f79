//! Queue rows: one message per accepted transaction, one row per recipient with its own
//! status. The message bytes live in the spool file `<data-dir>/queue/<id>`.
//!
//! Schema (migration 2):
//! - `queue_messages(id, mail_from, auth_user, remote_ip, helo, smtputf8, size, created, held)`:
//!   `id` is the queue id (also the spool file name); `mail_from` is `''` for `<>`.
//! - `queue_recipients(id, message_id, address, original, local, status, attempts,
//!   next_attempt, last_error, updated)`: `local` = 1 for a recipient delivered into a Maildir
//!   here, 0 for outbound; `status` is `queued` (waiting for an attempt at `next_attempt`),
//!   `delivered`, or `failed` (permanent; a bounce is due); `original` is the address given at
//!   RCPT when this row came from alias expansion.
//!
//! A message is removed (row and spool file) once no recipient is `queued`. The SMTP server
//! writes and finishes local rows; outbound delivery owns the `local = 0` rows.

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::{Db, Result, now};

pub const QUEUED: &str = "queued";
pub const DELIVERED: &str = "delivered";
pub const FAILED: &str = "failed";

#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    pub id: &'a str,
    pub mail_from: &'a str,
    pub auth_user: Option<&'a str>,
    pub remote_ip: &'a str,
    pub helo: &'a str,
    pub smtputf8: bool,
    pub size: u64,
    /// RFC 3461 `RET`/`ENVID` (core/dsn.rs).
    pub dsn: super::dsn::MessageDsn,
    /// `NOTIFY`/`ORCPT` per recipient, in the order of the recipients; shorter (or empty)
    /// means "not given" for the rest.
    pub rcpt_dsn: &'a [super::dsn::RcptDsn],
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct QueuedRecipient {
    pub id: i64,
    pub message_id: String,
    pub address: String,
    pub local: bool,
    pub status: String,
    pub attempts: u32,
}

/// One message's delivery attempt, to be recorded.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub id: String,
    /// (recipient row id, outcome)
    pub outcomes: Vec<(i64, Outcome)>,
    /// (new outbound address, the recipient it was expanded from)
    pub forwards: Vec<(String, String)>,
}

/// What happened to one recipient in a delivery attempt.
#[derive(Debug, Clone)]
pub enum Outcome {
    Delivered,
    /// Try again after this many seconds.
    Deferred {
        retry_in: i64,
        error: String,
    },
    Failed(String),
}

impl Db {
    /// Stores a message and its recipients in one transaction: the commit is the point after
    /// which the SMTP server may say 250.
    pub fn queue_insert(
        &mut self,
        msg: &NewMessage<'_>,
        recipients: &[(String, bool)],
    ) -> Result<()> {
        self.queue_insert_many(&[(msg.clone(), recipients)])
    }

    /// [`Db::queue_insert`] for several messages in one transaction (one fsync): the SMTP
    /// server's group commit under concurrent load. All or none are stored.
    pub fn queue_insert_many(
        &mut self,
        batch: &[(NewMessage<'_>, &[(String, bool)])],
    ) -> Result<()> {
        let t = now();
        let tx = self
            .conn_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut m = tx.prepare_cached(
                "INSERT INTO queue_messages (id, mail_from, auth_user, remote_ip, helo, smtputf8, size, created, dsn_ret, dsn_envid)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            let mut r = tx.prepare_cached(
                "INSERT INTO queue_recipients (message_id, address, local, next_attempt, updated, dsn_notify, dsn_orcpt)
                 VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6)",
            )?;
            for (msg, recipients) in batch {
                m.execute(params![
                    msg.id,
                    msg.mail_from,
                    msg.auth_user,
                    msg.remote_ip,
                    msg.helo,
                    msg.smtputf8,
                    msg.size as i64,
                    t,
                    msg.dsn.ret.map(|r| r.as_str()),
                    msg.dsn.envid,
                ])?;
                for (i, (addr, local)) in recipients.iter().enumerate() {
                    let d = msg.rcpt_dsn.get(i).cloned().unwrap_or_default();
                    r.execute(params![msg.id, addr, local, t, d.notify.0, d.orcpt])?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The message's sender (`''` for `<>`), if the message is still queued.
    pub fn queue_sender(&self, id: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT mail_from FROM queue_messages WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?)
    }

    /// Local recipients of one message still waiting for delivery.
    pub fn queue_local_pending(&self, id: &str) -> Result<Vec<QueuedRecipient>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, message_id, address, local, status, attempts FROM queue_recipients
             WHERE message_id = ?1 AND local = 1 AND status = 'queued'",
        )?;
        let rows = stmt.query_map([id], row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Messages with local recipients due for a (re)try: after a restart, or a deferral.
    pub fn queue_local_due(&self, limit: usize) -> Result<Vec<String>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT DISTINCT message_id FROM queue_recipients
             WHERE local = 1 AND status = 'queued' AND next_attempt <= ?1 LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![now(), limit as i64], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records a delivery attempt's outcomes and any outbound recipients that alias expansion
    /// produced, in one transaction. Returns true when nothing is left queued, i.e. the
    /// message row is gone and the caller should delete the spool file.
    pub fn queue_record(
        &mut self,
        id: &str,
        outcomes: &[(i64, Outcome)],
        forwards: &[(String, String)],
    ) -> Result<bool> {
        Ok(self.queue_record_many(&[Attempt {
            id: id.to_string(),
            outcomes: outcomes.to_vec(),
            forwards: forwards.to_vec(),
        }])?[0])
    }

    /// [`Db::queue_record`] for several messages in one transaction (one fsync), as local
    /// delivery does under load. Returns, per attempt, whether the message is finished.
    pub fn queue_record_many(&mut self, attempts: &[Attempt]) -> Result<Vec<bool>> {
        let t = now();
        let tx = self
            .conn_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut finished = Vec::with_capacity(attempts.len());
        for a in attempts {
            {
                let mut upd = tx.prepare_cached(
                    "UPDATE queue_recipients SET status = ?2, attempts = attempts + 1, next_attempt = ?3,
                     last_error = ?4, updated = ?5 WHERE id = ?1",
                )?;
                for (rid, outcome) in &a.outcomes {
                    match outcome {
                        Outcome::Delivered => {
                            upd.execute(params![rid, DELIVERED, t, None::<String>, t])?
                        }
                        Outcome::Deferred { retry_in, error } => {
                            upd.execute(params![rid, QUEUED, t + retry_in, error, t])?
                        }
                        Outcome::Failed(e) => upd.execute(params![rid, FAILED, t, e, t])?,
                    };
                }
                // A forward keeps the DSN request of the recipient it was expanded from, and
                // that recipient as ORCPT when the client gave none (RFC 3461 §6.2).
                let mut ins = tx.prepare_cached(
                    "INSERT INTO queue_recipients (message_id, address, original, local, next_attempt, updated, dsn_notify, dsn_orcpt)
                     VALUES (?1, ?2, ?3, 0, ?4, ?4,
                       COALESCE((SELECT dsn_notify FROM queue_recipients WHERE message_id = ?1 AND address = ?3 AND local = 1 LIMIT 1), 0),
                       COALESCE((SELECT dsn_orcpt FROM queue_recipients WHERE message_id = ?1 AND address = ?3 AND local = 1 LIMIT 1), ?3))",
                )?;
                for (addr, original) in &a.forwards {
                    ins.execute(params![a.id, addr, original, t])?;
                }
            }
            // Failed recipients stay for the bounce engine (core/outqueue.rs); a message goes
            // once every recipient is delivered or bounced.
            let open: i64 = tx.prepare_cached(
                "SELECT COUNT(*) FROM queue_recipients WHERE message_id = ?1 AND status IN ('queued', 'failed')",
            )?
            .query_row([&a.id], |r| r.get(0))?;
            if open == 0 {
                tx.prepare_cached("DELETE FROM queue_recipients WHERE message_id = ?1")?
                    .execute([&a.id])?;
                tx.prepare_cached("DELETE FROM queue_messages WHERE id = ?1")?
                    .execute([&a.id])?;
            }
            finished.push(open == 0);
        }
        tx.commit()?;
        Ok(finished)
    }

    /// Every queue id that has a row, to tell orphaned spool files (written, never committed)
    /// from real ones at startup.
    pub fn queue_ids(&self) -> Result<std::collections::HashSet<String>> {
        let mut stmt = self.conn().prepare("SELECT id FROM queue_messages")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// All recipients in the queue, for inspection.
    pub fn queue_recipients(&self) -> Result<Vec<QueuedRecipient>> {
        let mut stmt = self.conn().prepare(
            "SELECT id, message_id, address, local, status, attempts FROM queue_recipients ORDER BY id",
        )?;
        let rows = stmt.query_map([], row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<QueuedRecipient> {
    Ok(QueuedRecipient {
        id: r.get(0)?,
        message_id: r.get(1)?,
        address: r.get(2)?,
        local: r.get(3)?,
        status: r.get(4)?,
        attempts: r.get::<_, i64>(5)?.max(0) as u32,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::DataDir;

    #[test]
    fn insert_record_and_finish() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Db::open(&DataDir::new(dir.path())).unwrap();
        let msg = NewMessage {
            id: "Q1",
            mail_from: "",
            auth_user: None,
            remote_ip: "127.0.0.1",
            helo: "h",
            smtputf8: false,
            size: 10,
            dsn: Default::default(),
            rcpt_dsn: &[],
        };
        db.queue_insert(
            &msg,
            &[("a@x.test".into(), true), ("b@y.test".into(), false)],
        )
        .unwrap();
        let pending = db.queue_local_pending("Q1").unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(db.queue_local_due(10).unwrap(), vec!["Q1".to_string()]);
        // The outbound recipient keeps the message alive.
        assert!(
            !db.queue_record("Q1", &[(pending[0].id, Outcome::Delivered)], &[])
                .unwrap()
        );
        assert!(db.queue_local_due(10).unwrap().is_empty());
        let all = db.queue_recipients().unwrap();
        assert_eq!(all.iter().filter(|r| r.status == QUEUED).count(), 1);
        let out = all.iter().find(|r| !r.local).unwrap().id;
        assert!(
            db.queue_record("Q1", &[(out, Outcome::Delivered)], &[])
                .unwrap()
        );
        assert!(db.queue_ids().unwrap().is_empty());
    }
}
