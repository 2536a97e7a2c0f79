//! The outbound side of the queue: claiming due recipients, recording attempts with the
//! remote's replies, bounce bookkeeping, and the administrator's queue operations (list,
//! show, hold, release, retry, delete). Rows are those of `core/queue.rs`.
//!
//! Claims are leases stored in the row (`lease_until`, `lease_owner`), so a running server
//! and a `mailctl queue flush` in another process never attempt the same recipient at once,
//! a long attempt renews its lease (`Db::queue_renew_leases`), and a crashed attempt is
//! retried when its lease runs out. Quarantined messages (`core/spool.rs`) are never claimed.
//! Several nodes sharing a PostgreSQL database claim from one queue: there the claim locks
//! the rows it reads with `FOR UPDATE SKIP LOCKED` (`queue::claim::claim_lock`), so each
//! recipient is leased to one node, and an expired lease (a node killed) is free for any.
//!
//! Recipient states: `queued` → `delivered` | `failed` (permanent, bounce due) →
//! `bounced` (the sender was told, or the sender was `<>`). A message is done, and its row
//! and spool file go, when no recipient is `queued` or `failed`.

use serde::Serialize;

use super::queue::claim::{claim_lock, spool_sum};
use super::sql::{Row, Sql, args};
use super::{Db, Result, now};

pub const BOUNCED: &str = "bounced";

/// One recipient claimed for an outbound attempt.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub recipient_id: i64,
    pub message_id: String,
    pub address: String,
    pub attempts: u32,
    pub mail_from: String,
    pub created: i64,
    pub size: u64,
    pub smtputf8: bool,
    /// The spool file's recorded sum, to verify before sending.
    pub spool: Option<super::spool::Sum>,
}

/// The result of one attempt for one recipient.
#[derive(Debug, Clone)]
pub struct AttemptResult {
    pub recipient_id: i64,
    pub host: String,
    pub outcome: AttemptOutcome,
    pub reply: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptOutcome {
    Delivered,
    /// Try again at this time.
    Deferred(i64),
    Failed,
}

#[derive(Debug, Clone, Serialize)]
pub struct QueueEntry {
    pub id: String,
    pub sender: String,
    pub size: u64,
    #[serde(serialize_with = "super::time::serialize")]
    pub created: i64,
    pub held: bool,
    /// Why the spool file was set aside (`queue/quarantine/<id>`); never attempted.
    pub quarantined: Option<String>,
    pub recipients: Vec<RecipientState>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecipientState {
    pub address: String,
    pub local: bool,
    pub status: String,
    pub attempts: u32,
    #[serde(serialize_with = "super::time::serialize")]
    pub next_attempt: i64,
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Attempt {
    pub recipient: String,
    #[serde(serialize_with = "super::time::serialize")]
    pub at: i64,
    pub host: String,
    pub outcome: String,
    pub reply: String,
}

/// A message whose sender is due a delay notice.
#[derive(Debug, Clone)]
pub struct DelayedMessage {
    pub id: String,
    pub sender: String,
    pub created: i64,
    /// (recipient, last error) of the recipients still being retried.
    pub recipients: Vec<(String, String)>,
}

/// Which messages `queue list` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    All,
    /// Waiting for a retry after at least one failed attempt.
    Deferred,
    Held,
    /// Set aside because the spool file failed verification.
    Quarantined,
}

impl Db {
    /// Claims up to `limit` due outbound recipients of messages not on hold, leasing them to
    /// `owner` for `lease_secs`. Recipients of one message come together, so one connection
    /// can carry them. `force` ignores `next_attempt` (queue flush).
    pub fn outbound_claim(
        &mut self,
        owner: &str,
        limit: usize,
        lease_secs: i64,
        force: bool,
    ) -> Result<Vec<Claimed>> {
        let t = now();
        let sql = self.sql();
        let select = format!(
            "SELECT r.id, r.message_id, r.address, r.attempts, m.mail_from, m.created, m.size, m.smtputf8,
                    m.spool_len, m.spool_sha256
             FROM queue_recipients r JOIN queue_messages m ON m.id = r.message_id
             WHERE r.local = 0 AND r.status = 'queued' AND m.held = 0 AND m.quarantined IS NULL
               AND (?2 OR r.next_attempt <= ?1) AND r.lease_until <= ?1
             ORDER BY r.next_attempt, r.message_id LIMIT ?3{}",
            claim_lock(sql, "r")
        );
        sql.transaction(|| {
            let claimed = sql
                .query(&select, args![t, force, limit as i64])?
                .iter()
                .map(|r| {
                    Ok(Claimed {
                        recipient_id: r.get(0)?,
                        message_id: r.get(1)?,
                        address: r.get(2)?,
                        attempts: attempts(r, 3)?,
                        mail_from: r.get(4)?,
                        created: r.get(5)?,
                        size: r.get(6)?,
                        smtputf8: r.get(7)?,
                        spool: spool_sum(r, 8)?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            for c in &claimed {
                sql.execute(
                    "UPDATE queue_recipients SET lease_until = ?2, lease_owner = ?3 WHERE id = ?1",
                    args![c.recipient_id, t + lease_secs, owner],
                )?;
            }
            Ok(claimed)
        })
    }

    /// When the next outbound recipient falls due (for the runner's sleep), if any.
    pub fn outbound_next_due(&self) -> Result<Option<i64>> {
        // CASE rather than max(a, b): SQLite's two-argument max is GREATEST on PostgreSQL.
        self.sql()
            .query_one(
                "SELECT min(CASE WHEN r.next_attempt > r.lease_until THEN r.next_attempt ELSE r.lease_until END)
                 FROM queue_recipients r JOIN queue_messages m ON m.id = r.message_id
                 WHERE r.local = 0 AND r.status = 'queued' AND m.held = 0 AND m.quarantined IS NULL",
                &[],
            )?
            .get(0)
    }

    /// Records the results of attempts on several messages in one transaction (one fsync
    /// for a whole batch, not one per message), releases the leases, keeps the history, and
    /// removes the messages that are done. Returns the ids removed (the caller deletes their
    /// spool files).
    pub fn outbound_record(
        &mut self,
        batch: &[(String, Vec<AttemptResult>)],
    ) -> Result<Vec<String>> {
        let t = now();
        let queue_dir = self.data_dir().queue();
        let sql = self.sql();
        sql.transaction(|| {
            for (message_id, results) in batch {
                for r in results {
                    let (status, next, err, word) = match r.outcome {
                        AttemptOutcome::Delivered => ("delivered", t, None, "delivered"),
                        AttemptOutcome::Deferred(at) => {
                            ("queued", at, Some(r.reply.as_str()), "deferred")
                        }
                        AttemptOutcome::Failed => ("failed", t, Some(r.reply.as_str()), "failed"),
                    };
                    sql.execute(
                        "UPDATE queue_recipients SET status = ?2, attempts = attempts + 1, next_attempt = ?3,
                         last_error = ?4, updated = ?5, lease_until = 0, lease_owner = '' WHERE id = ?1",
                        args![r.recipient_id, status, next, err, t],
                    )?;
                    sql.execute(
                        "INSERT INTO queue_attempts (recipient_id, message_id, at, host, outcome, reply) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        args![r.recipient_id, message_id, t, &r.host, word, &r.reply],
                    )?;
                }
            }
            let mut done = Vec::new();
            for (message_id, _) in batch {
                if finish_if_done(sql, &queue_dir, message_id)? {
                    done.push(message_id.clone());
                }
            }
            Ok(done)
        })
    }

    /// Messages with recipients that failed permanently and whose sender was not told yet.
    pub fn bounces_due(&self, limit: usize) -> Result<Vec<String>> {
        strings(self.sql().query(
            "SELECT DISTINCT message_id FROM queue_recipients WHERE status = 'failed' LIMIT ?1",
            args![limit as i64],
        )?)
    }

    /// The failed recipients of a message with their last error, for its bounce.
    pub fn failed_recipients(&self, message_id: &str) -> Result<Vec<(i64, String, String)>> {
        self.sql()
            .query(
                "SELECT id, coalesce(original, address), coalesce(last_error, '') FROM queue_recipients
                 WHERE message_id = ?1 AND status = 'failed' ORDER BY id",
                args![message_id],
            )?
            .iter()
            .map(|r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .collect()
    }

    /// Messages queued before `older_than` whose sender has not been told they are delayed:
    /// (id, sender, created, [(recipient, last error)]) for recipients still being retried.
    pub fn delay_warnings_due(&self, older_than: i64) -> Result<Vec<DelayedMessage>> {
        let rows = self.sql().query(
            "SELECT m.id, m.mail_from, m.created, coalesce(r.original, r.address), coalesce(r.last_error, '')
             FROM queue_messages m JOIN queue_recipients r ON r.message_id = m.id
             WHERE m.warned = 0 AND m.mail_from != '' AND m.created <= ?1
               AND r.local = 0 AND r.status = 'queued' AND r.attempts > 0
             ORDER BY m.id, r.id LIMIT 1000",
            args![older_than],
        )?;
        let mut out: Vec<DelayedMessage> = Vec::new();
        for r in &rows {
            let id: String = r.get(0)?;
            let rcpt = (r.get(3)?, r.get(4)?);
            match out.last_mut() {
                Some(m) if m.id == id => m.recipients.push(rcpt),
                _ => out.push(DelayedMessage {
                    id,
                    sender: r.get(1)?,
                    created: r.get(2)?,
                    recipients: vec![rcpt],
                }),
            }
        }
        Ok(out)
    }

    pub fn mark_warned(&self, message_id: &str) -> Result<()> {
        self.sql().execute(
            "UPDATE queue_messages SET warned = 1 WHERE id = ?1",
            args![message_id],
        )?;
        Ok(())
    }

    /// Marks failed recipients as told, and removes the message if nothing is left to do.
    /// Returns true when the message is gone (the caller deletes the spool file).
    pub fn mark_bounced(&mut self, message_id: &str, recipient_ids: &[i64]) -> Result<bool> {
        let queue_dir = self.data_dir().queue();
        let sql = self.sql();
        sql.transaction(|| {
            for id in recipient_ids {
                sql.execute(
                    "UPDATE queue_recipients SET status = 'bounced', updated = ?2 WHERE id = ?1",
                    args![*id, now()],
                )?;
            }
            finish_if_done(sql, &queue_dir, message_id)
        })
    }

    /// Removes a message whose recipients are all delivered or bounced. True if removed.
    pub fn outbound_finish(&mut self, message_id: &str) -> Result<bool> {
        let queue_dir = self.data_dir().queue();
        let sql = self.sql();
        sql.transaction(|| finish_if_done(sql, &queue_dir, message_id))
    }

    /// The queue for `queue list`, oldest first.
    pub fn queue_entries(&self, filter: Filter) -> Result<Vec<QueueEntry>> {
        let rows = self.sql().query(
            "SELECT m.id, m.mail_from, m.size, m.created, m.held, r.address, r.local, r.status, r.attempts,
                    r.next_attempt, r.last_error, m.quarantined
             FROM queue_messages m JOIN queue_recipients r ON r.message_id = m.id
             ORDER BY m.created, m.id, r.id",
            &[],
        )?;
        let mut out: Vec<QueueEntry> = Vec::new();
        for r in &rows {
            let id: String = r.get(0)?;
            let rcpt = RecipientState {
                address: r.get(5)?,
                local: r.get(6)?,
                status: r.get(7)?,
                attempts: attempts(r, 8)?,
                next_attempt: r.get(9)?,
                last_error: r.get(10)?,
            };
            match out.last_mut() {
                Some(e) if e.id == id => e.recipients.push(rcpt),
                _ => out.push(QueueEntry {
                    id,
                    sender: r.get(1)?,
                    size: r.get(2)?,
                    created: r.get(3)?,
                    held: r.get(4)?,
                    quarantined: r.get(11)?,
                    recipients: vec![rcpt],
                }),
            }
        }
        Ok(match filter {
            Filter::All => out,
            Filter::Held => out.into_iter().filter(|e| e.held).collect(),
            Filter::Quarantined => out
                .into_iter()
                .filter(|e| e.quarantined.is_some())
                .collect(),
            Filter::Deferred => out
                .into_iter()
                .filter(|e| {
                    !e.held
                        && e.recipients
                            .iter()
                            .any(|r| r.status == "queued" && r.attempts > 0)
                })
                .collect(),
        })
    }

    pub fn queue_entry(&self, id: &str) -> Result<Option<QueueEntry>> {
        Ok(self
            .queue_entries(Filter::All)?
            .into_iter()
            .find(|e| e.id == id))
    }

    pub fn queue_attempts(&self, id: &str) -> Result<Vec<Attempt>> {
        self.sql()
            .query(
                "SELECT r.address, a.at, a.host, a.outcome, a.reply FROM queue_attempts a
                 JOIN queue_recipients r ON r.id = a.recipient_id WHERE a.message_id = ?1 ORDER BY a.id",
                args![id],
            )?
            .iter()
            .map(|r| {
                Ok(Attempt {
                    recipient: r.get(0)?,
                    at: r.get(1)?,
                    host: r.get(2)?,
                    outcome: r.get(3)?,
                    reply: r.get(4)?,
                })
            })
            .collect()
    }

    /// Puts messages on hold or releases them. Returns how many existed.
    pub fn queue_set_held(&self, ids: &[String], held: bool) -> Result<usize> {
        let mut n = 0;
        for id in ids {
            n += self.sql().execute(
                "UPDATE queue_messages SET held = ?2 WHERE id = ?1",
                args![id, held],
            )?;
        }
        Ok(n as usize)
    }

    /// Makes queued recipients of these messages (all messages when `ids` is empty) due now.
    pub fn queue_retry_now(&self, ids: &[String]) -> Result<usize> {
        let t = now();
        if ids.is_empty() {
            return Ok(self.sql().execute(
                "UPDATE queue_recipients SET next_attempt = ?1 WHERE status = 'queued' AND next_attempt > ?1",
                args![t],
            )? as usize);
        }
        let mut n = 0;
        for id in ids {
            // CASE rather than min(a, b): SQLite's two-argument min is LEAST on PostgreSQL.
            n += self.sql().execute(
                "UPDATE queue_recipients SET next_attempt = CASE WHEN next_attempt > ?2 THEN ?2 ELSE next_attempt END
                 WHERE message_id = ?1 AND status = 'queued'",
                args![id, t],
            )?;
        }
        Ok(n as usize)
    }

    /// Deletes messages from the queue without delivering or bouncing them. Returns the ids
    /// that existed (the caller deletes their spool files).
    pub fn queue_delete(&mut self, ids: Option<&[String]>) -> Result<Vec<String>> {
        let queue_dir = self.data_dir().queue();
        let sql = self.sql();
        sql.transaction(|| {
            let existing: Vec<String> = match ids {
                None => strings(sql.query("SELECT id FROM queue_messages", &[])?)?,
                Some(ids) => {
                    let mut v = Vec::new();
                    for id in ids {
                        v.extend(strings(sql.query(
                            "SELECT id FROM queue_messages WHERE id = ?1",
                            args![id],
                        )?)?);
                    }
                    v
                }
            };
            for id in &existing {
                super::history::archive(sql, &queue_dir, id, true)?;
                remove_message(sql, id)?;
            }
            Ok(existing)
        })
    }

    /// [`Db::queue_delete`], then the spool files of the deleted messages (queued or
    /// quarantined): what `queue delete` and the web administration do.
    pub fn queue_delete_spooled(&mut self, ids: Option<&[String]>) -> Result<Vec<String>> {
        let gone = self.queue_delete(ids)?;
        let queue_dir = self.data_dir().queue();
        for id in &gone {
            let _ = std::fs::remove_file(queue_dir.join(id));
            let _ = std::fs::remove_file(super::spool::quarantine_dir(&queue_dir).join(id));
        }
        Ok(gone)
    }

    pub fn queue_size(&self) -> Result<u64> {
        self.sql()
            .query_one("SELECT count(*) FROM queue_messages", &[])?
            .get(0)
    }
}

/// A recipient's attempt count (stored as a signed integer).
fn attempts(r: &Row, idx: usize) -> Result<u32> {
    Ok(r.get::<u64>(idx)?.min(u32::MAX as u64) as u32)
}

/// The first column of every row, as text.
fn strings(rows: Vec<Row>) -> Result<Vec<String>> {
    rows.iter().map(|r| r.get(0)).collect()
}

/// Deletes a message's queue rows (inside a transaction, after `history::archive`).
/// Returns whether the message row existed.
fn remove_message(sql: &Sql, message_id: &str) -> Result<bool> {
    sql.execute(
        "DELETE FROM queue_attempts WHERE message_id = ?1",
        args![message_id],
    )?;
    sql.execute(
        "DELETE FROM queue_recipients WHERE message_id = ?1",
        args![message_id],
    )?;
    Ok(sql.execute(
        "DELETE FROM queue_messages WHERE id = ?1",
        args![message_id],
    )? > 0)
}

fn finish_if_done(sql: &Sql, queue_dir: &std::path::Path, message_id: &str) -> Result<bool> {
    let open: i64 = sql
        .query_one(
            "SELECT count(*) FROM queue_recipients WHERE message_id = ?1 AND status IN ('queued', 'failed')",
            args![message_id],
        )?
        .get(0)?;
    if open > 0 {
        return Ok(false);
    }
    super::history::archive(sql, queue_dir, message_id, false)?;
    remove_message(sql, message_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::DataDir;
    use crate::core::queue::NewMessage;

    fn queue_one(db: &mut Db, id: &str, rcpts: &[&str]) {
        let msg = NewMessage::test(id, "a@x.test");
        let r: Vec<(String, bool)> = rcpts.iter().map(|a| (a.to_string(), false)).collect();
        db.queue_insert(&msg, &r).unwrap();
    }

    #[test]
    fn claims_lease_record_and_finish() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Db::open(&DataDir::new(dir.path())).unwrap();
        queue_one(&mut db, "Q1", &["b@y.test", "c@y.test"]);
        let c = db.outbound_claim("me", 10, 600, false).unwrap();
        assert_eq!(c.len(), 2);
        // Leased: a second claimer gets nothing, even when forcing.
        assert!(
            db.outbound_claim("other", 10, 600, true)
                .unwrap()
                .is_empty()
        );
        db.outbound_record(&[(
            "Q1".to_string(),
            vec![
                AttemptResult {
                    recipient_id: c[0].recipient_id,
                    host: "mx".into(),
                    outcome: AttemptOutcome::Delivered,
                    reply: "250 ok".into(),
                },
                AttemptResult {
                    recipient_id: c[1].recipient_id,
                    host: "mx".into(),
                    outcome: AttemptOutcome::Failed,
                    reply: "550 no".into(),
                },
            ],
        )])
        .unwrap();
        assert!(
            !db.outbound_finish("Q1").unwrap(),
            "a failed recipient keeps the message until bounced"
        );
        assert_eq!(db.bounces_due(10).unwrap(), ["Q1"]);
        let failed = db.failed_recipients("Q1").unwrap();
        assert_eq!(failed[0].1, "c@y.test");
        assert_eq!(db.queue_attempts("Q1").unwrap().len(), 2);
        assert!(db.mark_bounced("Q1", &[failed[0].0]).unwrap());
        assert!(db.queue_entries(Filter::All).unwrap().is_empty());
    }

    #[test]
    fn hold_retry_delete() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Db::open(&DataDir::new(dir.path())).unwrap();
        queue_one(&mut db, "Q1", &["b@y.test"]);
        queue_one(&mut db, "Q2", &["c@y.test"]);
        assert_eq!(db.queue_set_held(&["Q1".into()], true).unwrap(), 1);
        let c = db.outbound_claim("me", 10, 600, false).unwrap();
        assert_eq!(c.len(), 1, "held messages are not attempted");
        let done = db
            .outbound_record(&[(
                "Q2".to_string(),
                vec![AttemptResult {
                    recipient_id: c[0].recipient_id,
                    host: "mx".into(),
                    outcome: AttemptOutcome::Deferred(now() + 3600),
                    reply: "451 later".into(),
                }],
            )])
            .unwrap();
        assert!(done.is_empty());
        assert_eq!(db.queue_entries(Filter::Held).unwrap().len(), 1);
        assert_eq!(db.queue_entries(Filter::Deferred).unwrap()[0].id, "Q2");
        assert!(db.outbound_claim("me", 10, 600, false).unwrap().is_empty());
        assert_eq!(db.queue_retry_now(&["Q2".into()]).unwrap(), 1);
        assert_eq!(db.outbound_claim("me", 10, 600, false).unwrap().len(), 1);
        assert_eq!(
            db.queue_delete(Some(&["Q1".into(), "nope".into()]))
                .unwrap(),
            ["Q1"]
        );
        assert_eq!(db.queue_delete(None).unwrap(), ["Q2"]);
    }
}
