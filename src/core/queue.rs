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
//!
//! Migration 5 adds `queue_messages.spool_len`/`spool_sha256` (the spool file's sum, see
//! `core/spool.rs`; NULL for rows from before), `queue_messages.quarantined` (why the spool
//! file was set aside; such a message is never attempted) and `queue_recipients.lease_owner`.
//! Whoever attempts a recipient, local or outbound, first leases it (`lease_until`,
//! `lease_owner`) in one transaction, so two processes (the daemon and `mailctl queue flush`),
//! or two nodes sharing a PostgreSQL database, never deliver it at once; recording the
//! outcome releases the lease. A lease found
//! expired but never released marks an attempt that died midway (`kill -9`): local delivery
//! then checks the Maildir for the copy it may already have written.
//!
//! Here: inserting a message with its recipients, recording attempts' outcomes, quarantine,
//! listing. Not here: claims and leases of local recipients (`queue/claim.rs`), the retry
//! schedule and lifetime (`queue/retry.rs`), outbound claims and bounces (`core::outqueue`).

use super::multirow;
use super::spool::Sum;
use super::sql::{Row, Value, args};
use super::{Db, Result, now};

pub(crate) mod claim;
mod retry;

pub use claim::{
    LEASE_SECS, LocalClaim, LocalRecipient, lease_owner_node, lease_owner_pid, lease_secs,
    new_lease_owner,
};
pub use retry::RetryPolicy;

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
    /// The spool file's sum, taken while it was written.
    pub spool: Option<&'a Sum>,
    /// RFC 3461 `RET`/`ENVID` (core/dsn.rs).
    pub dsn: super::dsn::MessageDsn,
    /// `NOTIFY`/`ORCPT` per recipient, in the order of the recipients; shorter (or empty)
    /// means "not given" for the rest.
    pub rcpt_dsn: &'a [super::dsn::RcptDsn],
    /// The Maildir++ folder for local copies (`Junk`); empty for INBOX.
    pub folder: &'a str,
    /// A recipient's own folder where it differs from `folder` (the inbound decision is per
    /// recipient), in the order of the recipients; empty or missing = `folder`.
    pub rcpt_folders: &'a [String],
    /// Lease the local recipients to this owner until then, in the insert itself: the daemon's
    /// deliverer then needs no write of its own before it delivers (see `claim_local`).
    pub local_lease: Option<(&'a str, i64)>,
}

#[cfg(test)]
impl<'a> NewMessage<'a> {
    /// A plain message for tests: its id and sender, every other field the common case.
    pub(crate) fn test(id: &'a str, mail_from: &'a str) -> NewMessage<'a> {
        NewMessage {
            id,
            mail_from,
            auth_user: None,
            remote_ip: "127.0.0.1",
            helo: "h",
            smtputf8: false,
            size: 10,
            spool: None,
            dsn: Default::default(),
            rcpt_dsn: &[],
            folder: "",
            rcpt_folders: &[],
            local_lease: None,
        }
    }
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

/// The queue at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct QueueFigures {
    pub messages: u64,
    /// Seconds since the oldest queued message was received; 0 when the queue is empty.
    pub oldest_age: u64,
}

/// For log lines: plain words, e.g. `deferred for 300 s: disk full`.
impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Delivered => f.write_str("delivered"),
            Outcome::Deferred { retry_in, error } => {
                write!(f, "deferred, next try in {retry_in} s: {error}")
            }
            Outcome::Failed(why) => write!(f, "failed permanently: {why}"),
        }
    }
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
        let rcpts: Vec<Vec<Value>> = batch
            .iter()
            .flat_map(|(msg, recipients)| {
                recipients
                    .iter()
                    .enumerate()
                    .map(move |(i, (addr, local))| {
                        let d = msg.rcpt_dsn.get(i).cloned().unwrap_or_default();
                        let (until, owner) = match msg.local_lease {
                            Some((owner, until)) if *local => (until, owner),
                            _ => (0, ""),
                        };
                        let folder = msg.rcpt_folders.get(i).filter(|f| !f.is_empty());
                        let row = args![
                            msg.id,
                            addr,
                            *local,
                            t,
                            d.notify.0 as i64,
                            d.orcpt,
                            until,
                            owner,
                            folder
                        ];
                        row.to_vec()
                    })
            })
            .collect();
        let sql = self.sql();
        // One INSERT per table and chunk rather than per row (see core::multirow), each
        // deferred: on PostgreSQL the whole batch, its BEGIN and its COMMIT are one round
        // trip, the wait before the SMTP server may say 250.
        sql.transaction(|| {
            for part in multirow::chunks(batch, 64) {
                let mut a = Vec::with_capacity(part.len() * 13);
                for (msg, _) in part {
                    a.extend_from_slice(args![
                        msg.id,
                        msg.mail_from,
                        msg.auth_user,
                        msg.remote_ip,
                        msg.helo,
                        msg.smtputf8,
                        msg.size as i64,
                        t,
                        msg.spool.map(|s| s.len as i64),
                        msg.spool.map(|s| s.sha256.as_str()),
                        msg.dsn.ret.map(|r| r.as_str()),
                        msg.dsn.envid.as_deref(),
                        msg.folder,
                    ]);
                }
                let rows = multirow::values(
                    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                    part.len(),
                    0,
                );
                sql.defer(
                    &format!(
                        "INSERT INTO queue_messages (id, mail_from, auth_user, remote_ip, helo, smtputf8, size, created,
                            spool_len, spool_sha256, dsn_ret, dsn_envid, folder) VALUES {rows}"
                    ),
                    &a,
                )?;
            }
            for part in multirow::chunks(&rcpts, 256) {
                let rows =
                    multirow::values("(?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7, ?8, ?9)", part.len(), 0);
                sql.defer(
                    &format!(
                        "INSERT INTO queue_recipients (message_id, address, local, next_attempt, updated, dsn_notify, dsn_orcpt,
                            lease_until, lease_owner, folder) VALUES {rows}"
                    ),
                    &part.concat(),
                )?;
            }
            Ok(())
        })
    }

    /// How many messages are queued and how old the oldest is, in one query: what
    /// `/metrics` and `mailctl stats` show.
    pub fn queue_figures(&self) -> Result<QueueFigures> {
        let r = self
            .sql()
            .query_one("SELECT COUNT(*), MIN(created) FROM queue_messages", &[])?;
        let oldest: Option<i64> = r.get(1)?;
        Ok(QueueFigures {
            messages: r.get(0)?,
            oldest_age: oldest.map_or(0, |o| (now() - o).max(0) as u64),
        })
    }

    /// The message's sender (`''` for `<>`), if the message is still queued.
    pub fn queue_sender(&self, id: &str) -> Result<Option<String>> {
        self.sql()
            .query_opt(
                "SELECT mail_from FROM queue_messages WHERE id = ?1",
                args![id],
            )?
            .map(|r| r.get(0))
            .transpose()
    }

    /// Sets a message aside: its spool file failed verification (`reason`). Its recipients
    /// stay queued but are never attempted; their leases are released.
    pub fn queue_quarantine(&mut self, id: &str, reason: &str) -> Result<()> {
        let sql = self.sql();
        sql.transaction(|| {
            sql.execute(
                "UPDATE queue_messages SET quarantined = ?2 WHERE id = ?1",
                args![id, reason],
            )?;
            sql.execute(
                "UPDATE queue_recipients SET lease_until = 0, lease_owner = '', last_error = ?2
                 WHERE message_id = ?1 AND status = 'queued'",
                args![id, format!("quarantined: {reason}")],
            )?;
            Ok(())
        })
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
        let queue_dir = self.data_dir().queue();
        // The history's reads of the spool files, for the attempts likely to finish their
        // message (every outcome delivered), happen before the write lock is taken.
        let heads: Vec<Option<super::history::SpoolHead>> = attempts
            .iter()
            .map(|a| {
                let done = a.forwards.is_empty()
                    && a.outcomes
                        .iter()
                        .all(|(_, o)| matches!(o, Outcome::Delivered));
                done.then(|| super::history::spool_head(&queue_dir.join(&a.id)))
            })
            .collect();
        let t = now();
        let sql = self.sql();
        // Per kind of statement, one per batch (and chunk, see core::multirow), not one per
        // message: the common case, every recipient delivered, costs a few round trips per
        // batch. Deferred and failed outcomes and forwards are written per row.
        sql.transaction(move || {
            let delivered: Vec<i64> = attempts
                .iter()
                .flat_map(|a| &a.outcomes)
                .filter(|(_, o)| matches!(o, Outcome::Delivered))
                .map(|(rid, _)| *rid)
                .collect();
            for part in multirow::chunks(&delivered, 256) {
                let mut a = vec![Value::from(t)];
                a.extend(part.iter().map(|&rid| Value::from(rid)));
                sql.execute(
                    &format!(
                        "UPDATE queue_recipients SET status = 'delivered', attempts = attempts + 1, next_attempt = ?1,
                         last_error = NULL, updated = ?1, lease_until = 0, lease_owner = '' WHERE id IN ({})",
                        multirow::values("?1", part.len(), 1)
                    ),
                    &a,
                )?;
            }
            for a in attempts {
                record_one(sql, a, t)?;
            }
            // Failed recipients stay for the bounce engine (core/outqueue.rs); a message
            // goes once every recipient is delivered or bounced.
            let ids: Vec<&str> = attempts.iter().map(|a| a.id.as_str()).collect();
            let mut open = std::collections::HashSet::new();
            for part in multirow::chunks(&ids, 256) {
                let rows = sql.query(
                    &format!(
                        "SELECT DISTINCT message_id FROM queue_recipients
                         WHERE message_id IN ({}) AND status IN ('queued', 'failed')",
                        multirow::values("?1", part.len(), 0)
                    ),
                    &part.iter().map(|&id| Value::from(id)).collect::<Vec<_>>(),
                )?;
                for r in rows {
                    open.insert(r.get::<String>(0)?);
                }
            }
            let mut done: Vec<(&str, super::history::SpoolHead)> = Vec::new();
            for (a, head) in attempts.iter().zip(heads) {
                if !open.contains(&a.id) && !done.iter().any(|(id, _)| *id == a.id) {
                    let head = head
                        .unwrap_or_else(|| super::history::spool_head(&queue_dir.join(&a.id)));
                    done.push((&a.id, head));
                }
            }
            super::history::archive_many(sql, &done, false)?;
            for part in multirow::chunks(&done, 256) {
                // Its recipients and attempts go with it (ON DELETE CASCADE).
                sql.execute(
                    &format!(
                        "DELETE FROM queue_messages WHERE id IN ({})",
                        multirow::values("?1", part.len(), 0)
                    ),
                    &part.iter().map(|(id, _)| Value::from(*id)).collect::<Vec<_>>(),
                )?;
            }
            Ok(attempts.iter().map(|a| !open.contains(&a.id)).collect())
        })
    }

    /// Every queue id that has a row, to tell orphaned spool files (written, never committed)
    /// from real ones at startup.
    pub fn queue_ids(&self) -> Result<std::collections::HashSet<String>> {
        self.sql()
            .query("SELECT id FROM queue_messages", &[])?
            .into_iter()
            .map(|r| r.get(0))
            .collect()
    }

    /// All recipients in the queue, for inspection.
    pub fn queue_recipients(&self) -> Result<Vec<QueuedRecipient>> {
        self.sql()
            .query(
                "SELECT id, message_id, address, local, status, attempts FROM queue_recipients ORDER BY id",
                &[],
            )?
            .iter()
            .map(row)
            .collect()
    }
}

/// One attempt's outcomes other than delivered, and the outbound recipients its alias expansion produced (inside
/// the recording transaction).
fn record_one(sql: &super::sql::Sql, a: &Attempt, t: i64) -> Result<()> {
    const UPDATE: &str =
        "UPDATE queue_recipients SET status = ?2, attempts = attempts + 1, next_attempt = ?3,
         last_error = ?4, updated = ?5, lease_until = 0, lease_owner = '' WHERE id = ?1";
    for (rid, outcome) in &a.outcomes {
        match outcome {
            // All of a batch's at once, by the caller.
            Outcome::Delivered => 0,
            Outcome::Deferred { retry_in, error } => {
                sql.execute(UPDATE, args![*rid, QUEUED, t + retry_in, error, t])?
            }
            Outcome::Failed(e) => sql.execute(UPDATE, args![*rid, FAILED, t, e, t])?,
        };
    }
    // A forward keeps the DSN request of the recipient it was expanded from, and that
    // recipient as ORCPT when the client gave none (RFC 3461 §6.2).
    for (addr, original) in &a.forwards {
        sql.execute(
            "INSERT INTO queue_recipients (message_id, address, original, local, next_attempt, updated, dsn_notify, dsn_orcpt)
             VALUES (?1, ?2, ?3, 0, ?4, ?4,
               COALESCE((SELECT dsn_notify FROM queue_recipients WHERE message_id = ?1 AND address = ?3 AND local = 1 LIMIT 1), 0),
               COALESCE((SELECT dsn_orcpt FROM queue_recipients WHERE message_id = ?1 AND address = ?3 AND local = 1 LIMIT 1), ?3))",
            args![&a.id, addr, original, t],
        )?;
    }
    Ok(())
}

fn row(r: &Row) -> Result<QueuedRecipient> {
    Ok(QueuedRecipient {
        id: r.get(0)?,
        message_id: r.get(1)?,
        address: r.get(2)?,
        local: r.get(3)?,
        status: r.get(4)?,
        attempts: r.get::<u64>(5)?.min(u32::MAX as u64) as u32,
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
        let sum = Sum::of(b"hello");
        let msg = NewMessage {
            spool: Some(&sum),
            ..NewMessage::test("Q1", "")
        };
        db.queue_insert(
            &msg,
            &[("a@x.test".into(), true), ("b@y.test".into(), false)],
        )
        .unwrap();
        assert_eq!(db.queue_local_due(10).unwrap(), vec!["Q1".to_string()]);
        let claim = db
            .queue_local_claim("Q1", "me", 600, false)
            .unwrap()
            .unwrap();
        assert_eq!(claim.spool, Some(sum));
        assert_eq!(claim.recipients.len(), 1);
        assert!(!claim.recipients[0].interrupted);
        // Leased: neither the sweep nor another process (even forcing) gets it.
        assert!(db.queue_local_due(10).unwrap().is_empty());
        assert!(
            db.queue_local_claim("Q1", "other", 600, true)
                .unwrap()
                .is_none()
        );
        // The outbound recipient keeps the message alive.
        assert!(
            !db.queue_record("Q1", &[(claim.recipients[0].id, Outcome::Delivered)], &[])
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

    #[test]
    fn an_expired_unreleased_lease_marks_an_interrupted_attempt() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Db::open(&DataDir::new(dir.path())).unwrap();
        let msg = NewMessage::test("Q1", "");
        db.queue_insert(&msg, &[("a@x.test".into(), true)]).unwrap();
        // A claimer that dies: its lease runs out without an outcome.
        let first = db
            .queue_local_claim("Q1", "dead", -1, false)
            .unwrap()
            .unwrap();
        assert!(!first.recipients[0].interrupted);
        assert_eq!(db.queue_local_due(10).unwrap(), ["Q1"]);
        let again = db
            .queue_local_claim("Q1", "me", 600, false)
            .unwrap()
            .unwrap();
        assert!(again.recipients[0].interrupted);
        // Renewal only touches our own leases.
        db.queue_renew_leases("other", &[again.recipients[0].id], 0)
            .unwrap();
        assert!(
            db.queue_local_claim("Q1", "x", 600, true)
                .unwrap()
                .is_none()
        );
        db.queue_quarantine("Q1", "spool file is missing").unwrap();
        assert!(db.queue_local_due(10).unwrap().is_empty());
        assert!(
            db.queue_local_claim("Q1", "x", 600, true)
                .unwrap()
                .is_none()
        );
    }

    /// Owners name their node by its id: a node judges only its own owners' processes
    /// (their pid means nothing on another node sharing the database, even one on this
    /// host or with this host name), and owners from before nodes were named count as this
    /// node's.
    #[test]
    fn lease_owners_name_their_node_and_only_ours_are_listed() {
        let dir = tempfile::tempdir().unwrap();
        let dd = DataDir::new(dir.path());
        let mut db = Db::open(&dd).unwrap();
        let ours = new_lease_owner("local", &dd);
        assert!(ours.starts_with(&format!("local-{}-", std::process::id())));
        assert_eq!(lease_owner_pid(&ours), Some(std::process::id()));
        let node = crate::core::cluster::node_id(&dd);
        assert_eq!(lease_owner_node(&ours), Some(node.as_str()));
        // The same host name, another node (another data directory, or MAILCTL_NODE_ID).
        let host = crate::core::settings::system_hostname();
        let same_host = format!("local-1-00000000@{host}");
        let theirs = "local-1-00000000@another-node";
        for (id, owner) in [
            ("Q1", ours.as_str()),
            ("Q2", theirs),
            ("Q3", "local-2-0"),
            ("Q4", same_host.as_str()),
        ] {
            db.queue_insert(&NewMessage::test(id, ""), &[("a@x.test".into(), true)])
                .unwrap();
            assert!(
                db.queue_local_claim(id, owner, 600, false)
                    .unwrap()
                    .is_some()
            );
        }
        let mut owners = db.queue_lease_owners().unwrap();
        owners.sort();
        let mut want = vec![ours.clone(), "local-2-0".to_string()];
        want.sort();
        assert_eq!(owners, want);
    }

    /// A node id may hold `@`, `:` and `-`: the owner still parses one way.
    #[test]
    fn lease_owners_parse_whatever_the_node_id_holds() {
        let o = "outbound-4242-0badcafe@mx-1@site:/var/lib/mail-ctl";
        assert_eq!(lease_owner_node(o), Some("mx-1@site:/var/lib/mail-ctl"));
        assert_eq!(lease_owner_pid(o), Some(4242));
        assert_eq!(lease_owner_pid("local-2-0"), Some(2));
        assert_eq!(lease_owner_node("local-2-0"), None);
        assert_eq!(lease_owner_pid("local-x-0@n"), None);
    }

    #[test]
    fn retry_policy_repeats_the_last_delay() {
        let p = RetryPolicy {
            schedule: vec![
                std::time::Duration::from_secs(60),
                std::time::Duration::from_secs(600),
            ],
            max_lifetime: std::time::Duration::from_secs(3600),
        };
        assert_eq!([p.delay(0), p.delay(1), p.delay(9)], [60, 600, 600]);
        assert!(!p.expired(now()) && p.expired(now() - 3600));
    }
}

#[cfg(test)]
mod lease_at_insert {
    use super::*;
    use crate::core::DataDir;

    /// Mail the daemon's SMTP side queues is leased to its deliverer in the insert: the
    /// deliverer claims it without writing (its own live lease, not an interrupted attempt),
    /// and neither the sweep nor a `queue flush` in another process takes it meanwhile.
    #[test]
    fn the_deliverer_owns_fresh_mail_from_the_insert_on() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Db::open(&DataDir::new(dir.path())).unwrap();
        let msg = NewMessage {
            remote_ip: "::1",
            local_lease: Some(("deliverer", now() + 600)),
            ..NewMessage::test("Q1", "")
        };
        db.queue_insert(&msg, &[("a@x.test".into(), true)]).unwrap();
        assert!(db.queue_local_due(10).unwrap().is_empty());
        assert!(
            db.queue_local_claim("Q1", "flush", 600, true)
                .unwrap()
                .is_none()
        );
        let before = db.conn().unwrap().total_changes();
        let claim = db
            .queue_local_claim("Q1", "deliverer", 600, false)
            .unwrap()
            .unwrap();
        assert_eq!(
            db.conn().unwrap().total_changes(),
            before,
            "claiming wrote to the database"
        );
        assert_eq!(claim.recipients.len(), 1);
        assert!(!claim.recipients[0].interrupted);
    }
}
