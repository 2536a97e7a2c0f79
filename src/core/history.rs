//! The delivery history: a message's timeline kept after its queue rows are gone, so "why
//! didn't this mail arrive?" has an answer days later. Each time the queue removes a message
//! (delivered, bounced, expired and bounced, deleted by the administrator) the same
//! transaction copies its envelope, recipients' final states and every attempt with the
//! remote's full reply into `history_*` (migration 12), with INSERT ... SELECT: no extra
//! round trip beyond the transaction that deletes the rows. The `Message-ID:` and the inbound
//! verdicts (our `Authentication-Results:`) are read from the spool file's header section then. Timelines older than
//! `queue.history_retention` are removed by the queue runner's periodic pass.
//!
//! Here also the lookup behind `mailctl trace`: live queue entries and history entries by
//! queue id, `Message-ID:` or sender/recipient address.
//!
//! Not here: what the replies mean (`core::diagnosis`), printing (`cli/trace.rs`). Not
//! recorded (yet): TLS details per attempt (the queue does not keep them).

use std::io::BufRead;
use std::path::Path;

use serde::Serialize;

use super::multirow;
use super::sql::{Row, Sql, Value, args};
use super::{Db, Result, now};

/// One message's timeline, from the live queue or the history.
#[derive(Debug, Clone, Serialize)]
pub struct Timeline {
    pub queue_id: String,
    /// Still in the queue (`mailctl queue show` has more), or kept in the history.
    pub live: bool,
    pub sender: String,
    pub auth_user: Option<String>,
    pub client_ip: String,
    pub helo: String,
    pub message_id: Option<String>,
    /// The inbound checks' verdicts (our `Authentication-Results:`) for port 25 mail.
    pub inbound_verdicts: Option<String>,
    pub size: u64,
    #[serde(serialize_with = "super::time::serialize")]
    pub received: i64,
    #[serde(serialize_with = "super::time::serialize_opt")]
    pub finished: Option<i64>,
    /// `queued`, `delivered`, `bounced`, `partly delivered`, `deleted`.
    pub outcome: String,
    pub bounce_sent: bool,
    pub recipients: Vec<RecipientLine>,
    pub attempts: Vec<AttemptLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecipientLine {
    pub address: String,
    pub original: Option<String>,
    pub local: bool,
    pub status: String,
    pub attempts: u32,
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AttemptLine {
    pub recipient: String,
    #[serde(serialize_with = "super::time::serialize")]
    pub at: i64,
    pub host: String,
    pub outcome: String,
    pub reply: String,
}

/// Copies the timeline of queue message `id` into the history; call inside the transaction
/// that deletes its queue rows, before the deletes. `deleted`: the administrator removed it.
pub(super) fn archive(sql: &Sql, queue_dir: &Path, id: &str, deleted: bool) -> Result<()> {
    archive_with(sql, &spool_head(&queue_dir.join(id)), id, deleted)
}

/// [`archive`] with the spool file's head already read, by a caller that reads it before
/// taking SQLite's write lock (which accepting mail waits for).
pub(super) fn archive_with(sql: &Sql, head: &SpoolHead, id: &str, deleted: bool) -> Result<()> {
    archive_many(sql, &[(id, head.clone())], deleted)
}

/// [`archive_with`] for several messages (distinct ids), one statement per table and chunk
/// (`core::multirow`) rather than per message, as recording a batch of deliveries does.
pub(super) fn archive_many(sql: &Sql, done: &[(&str, SpoolHead)], deleted: bool) -> Result<()> {
    let t = now();
    for part in multirow::chunks(done, 64) {
        let ids = multirow::values("?1", part.len(), 0);
        let id_args: Vec<Value> = part.iter().map(|(id, _)| Value::from(*id)).collect();
        // An earlier archive of a message (a retried deletion) is replaced whole: its
        // recipients and attempts go with it (ON DELETE CASCADE).
        sql.execute(
            &format!(
                "DELETE FROM history_messages WHERE id IN ({ids})
                 AND id IN (SELECT id FROM queue_messages WHERE id IN ({ids}))"
            ),
            &id_args,
        )?;
        // Each message's head comes as a row of a VALUES table (columns `column1`… in both
        // engines); parameters are cast: PostgreSQL cannot infer their types there.
        let heads = multirow::values(
            "(CAST(?1 AS TEXT), CAST(?2 AS TEXT), CAST(?3 AS TEXT))",
            part.len(),
            2,
        );
        let mut a = args![t, deleted].to_vec();
        for (id, head) in part {
            a.extend_from_slice(args![
                *id,
                head.message_id.as_deref(),
                head.verdicts.as_deref()
            ]);
        }
        sql.execute(
            &format!(
                "INSERT INTO history_messages (id, mail_from, auth_user, remote_ip, helo,
                    header_message_id, inbound_verdicts, size, created, finished, outcome, bounce_sent)
                 SELECT m.id, m.mail_from, m.auth_user, m.remote_ip, m.helo, h.column2, h.column3,
                    m.size, m.created, CAST(?1 AS BIGINT),
                    CASE WHEN ?2 THEN 'deleted'
                         WHEN NOT EXISTS (SELECT 1 FROM queue_recipients r WHERE r.message_id = m.id AND r.status != 'delivered') THEN 'delivered'
                         WHEN NOT EXISTS (SELECT 1 FROM queue_recipients r WHERE r.message_id = m.id AND r.status = 'delivered') THEN 'bounced'
                         ELSE 'partly delivered' END,
                    CASE WHEN m.mail_from != '' AND EXISTS (SELECT 1 FROM queue_recipients r WHERE r.message_id = m.id AND r.status = 'bounced')
                         THEN 1 ELSE 0 END
                 FROM queue_messages m, (VALUES {heads}) AS h WHERE m.id = h.column1
                 ON CONFLICT (id) DO UPDATE SET mail_from = excluded.mail_from, auth_user = excluded.auth_user,
                    remote_ip = excluded.remote_ip, helo = excluded.helo, header_message_id = excluded.header_message_id,
                    inbound_verdicts = excluded.inbound_verdicts, size = excluded.size, created = excluded.created,
                    finished = excluded.finished, outcome = excluded.outcome, bounce_sent = excluded.bounce_sent"
            ),
            &a,
        )?;
        // Messages without a queue row have no recipients or attempts either.
        sql.execute(
            &format!(
                "INSERT INTO history_recipients (message_id, address, original, local, status, attempts, last_error)
                 SELECT message_id, address, original, local, status, attempts, last_error
                 FROM queue_recipients WHERE message_id IN ({ids}) ORDER BY id"
            ),
            &id_args,
        )?;
        sql.execute(
            &format!(
                "INSERT INTO history_attempts (message_id, recipient, at, host, outcome, reply)
                 SELECT a.message_id, r.address, a.at, a.host, a.outcome, a.reply
                 FROM queue_attempts a JOIN queue_recipients r ON r.id = a.recipient_id
                 WHERE a.message_id IN ({ids}) ORDER BY a.id"
            ),
            &id_args,
        )?;
    }
    Ok(())
}

/// `column` equals parameter `param`, ignoring case, in the form each engine's index serves:
/// SQLite's indexes are `COLLATE NOCASE`, PostgreSQL's are on `lower(column)` (it has no
/// NOCASE collation; see migration 13). NOCASE folds ASCII only, PostgreSQL's `lower()`
/// other letters too: there a search may find a little more, never less.
fn same_address(sql: &Sql, column: &str, param: &str) -> String {
    if sql.is_postgres() {
        format!("lower({column}) = lower({param})")
    } else {
        format!("{column} = {param} COLLATE NOCASE")
    }
}

/// The order the history's recipient and attempt rows were written in: SQLite's rowid;
/// PostgreSQL's tables have none (and no id column: migration 13 made them without one),
/// so the row's place in the heap. That follows insertion for these rows (written once in
/// one statement, never updated) unless a page freed by `history_expire` is reused midway;
/// then only the display order of one timeline's lines differs, nothing is lost.
fn insertion_order(sql: &Sql) -> &'static str {
    if sql.is_postgres() { "ctid" } else { "rowid" }
}

/// What the history keeps from a spooled message's header section.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SpoolHead {
    /// `Message-ID:` (RFC 5322 §3.6.4).
    pub message_id: Option<String>,
    /// Our `Authentication-Results:` (RFC 8601), unfolded: the inbound checks' verdicts on
    /// port 25 mail. Ours is the one the SMTP server put before everything else (before its
    /// own `Received:`), so a client's field further down is never taken for it.
    pub verdicts: Option<String>,
}

/// Reads [`SpoolHead`] from a spool file's header section only, within a bound; empty when
/// the file is gone.
pub fn spool_head(path: &Path) -> SpoolHead {
    const MAX_HEAD: u64 = 256 << 10;
    let mut head = SpoolHead::default();
    let Ok(file) = std::fs::File::open(path) else {
        return head;
    };
    let lines = std::io::BufReader::new(std::io::Read::take(file, MAX_HEAD)).split(b'\n');
    // (field name, unfolded value) of the field being read, and whether it is the first.
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in lines {
        let Ok(line) = line else { break };
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = fields.last_mut() {
                if !v.is_empty() {
                    v.push(' ');
                }
                v.push_str(line.trim());
            }
        } else if let Some((name, rest)) = line.split_once(':') {
            fields.push((name.trim().to_ascii_lowercase(), rest.trim().to_string()));
        }
        // Only the first field and the Message-ID matter; stop once both are known.
        if fields.len() > 2 && head_done(&fields) {
            break;
        }
    }
    head.message_id = fields
        .iter()
        .find(|(n, _)| n == "message-id")
        .map(|(_, v)| v.clone())
        .filter(|v| !v.is_empty());
    head.verdicts = fields
        .first()
        .filter(|(n, _)| n == "authentication-results")
        .map(|(_, v)| v.chars().take(2000).collect());
    head
}

fn head_done(fields: &[(String, String)]) -> bool {
    // The last field may still be folded onto; a Message-ID before it is complete.
    fields[..fields.len() - 1]
        .iter()
        .any(|(n, _)| n == "message-id")
}

/// The `Message-ID:` of a spooled message, if it has one.
pub fn spool_message_id(path: &Path) -> Option<String> {
    spool_head(path).message_id
}

/// `<x@y>` and `x@y` are the same Message-ID for a search.
fn bare_message_id(s: &str) -> &str {
    s.trim().trim_start_matches('<').trim_end_matches('>')
}

impl Db {
    /// Forgets timelines of messages finished before `before`. Returns how many.
    pub fn history_expire(&self, before: i64) -> Result<usize> {
        let sql = self.sql();
        sql.execute(
            "DELETE FROM history_attempts WHERE message_id IN (SELECT id FROM history_messages WHERE finished < ?1)",
            args![before],
        )?;
        sql.execute(
            "DELETE FROM history_recipients WHERE message_id IN (SELECT id FROM history_messages WHERE finished < ?1)",
            args![before],
        )?;
        Ok(sql.execute(
            "DELETE FROM history_messages WHERE finished < ?1",
            args![before],
        )? as usize)
    }

    /// Timelines matching `query` (a queue id, a Message-ID, or a sender or recipient
    /// address), live ones and those in the history, received at or after `since`; oldest
    /// first. Live messages' Message-IDs are read from their spool files.
    pub fn trace(&self, query: &str, since: i64) -> Result<Vec<Timeline>> {
        let q = query.trim();
        let mid = bare_message_id(q);
        let queue_dir = self.data_dir().queue();
        let sql = self.sql();
        let eq = |column: &str| same_address(sql, column, "?1");
        let mut out = Vec::new();
        let live_ids = first_column(sql.query(
            &format!(
                "SELECT m.id FROM queue_messages m WHERE m.created >= ?2 AND (m.id = ?1 OR {}
                    OR EXISTS (SELECT 1 FROM queue_recipients r WHERE r.message_id = m.id
                               AND ({} OR {})))
                 ORDER BY m.created, m.id",
                eq("m.mail_from"),
                eq("r.address"),
                eq("r.original")
            ),
            args![q, since],
        )?)?;
        let mut by_header = Vec::new();
        if live_ids.is_empty() && q.contains('@') {
            for id in self.queue_ids()? {
                if spool_message_id(&queue_dir.join(&id))
                    .is_some_and(|m| bare_message_id(&m) == mid)
                {
                    by_header.push(id);
                }
            }
        }
        for id in live_ids.iter().chain(&by_header) {
            out.extend(self.live_timeline(id, &queue_dir)?);
        }
        let hist_ids = first_column(sql.query(
            &format!(
                "SELECT h.id FROM history_messages h WHERE h.created >= ?3 AND (h.id = ?1 OR {}
                    OR h.header_message_id IN (?2, '<' || CAST(?2 AS TEXT) || '>')
                    OR EXISTS (SELECT 1 FROM history_recipients r WHERE r.message_id = h.id
                               AND ({} OR {})))
                 ORDER BY h.created, h.id",
                eq("h.mail_from"),
                eq("r.address"),
                eq("r.original")
            ),
            args![q, mid, since],
        )?)?;
        for id in &hist_ids {
            out.extend(self.history_timeline(id)?);
        }
        out.sort_by_key(|t| t.received);
        Ok(out)
    }

    fn live_timeline(&self, id: &str, queue_dir: &Path) -> Result<Option<Timeline>> {
        self.timeline(
            id,
            true,
            "SELECT id, mail_from, auth_user, remote_ip, helo, NULL, NULL, size, created, NULL, 'queued', 0
             FROM queue_messages WHERE id = ?1",
            "SELECT address, original, local, status, attempts, last_error FROM queue_recipients
             WHERE message_id = ?1 ORDER BY id",
            "SELECT r.address, a.at, a.host, a.outcome, a.reply FROM queue_attempts a
             JOIN queue_recipients r ON r.id = a.recipient_id WHERE a.message_id = ?1 ORDER BY a.id",
        )
        .map(|t| {
            t.map(|mut t| {
                let head = spool_head(&queue_dir.join(id));
                t.message_id = head.message_id;
                t.inbound_verdicts = head.verdicts;
                t
            })
        })
    }

    fn history_timeline(&self, id: &str) -> Result<Option<Timeline>> {
        let order = insertion_order(self.sql());
        self.timeline(
            id,
            false,
            "SELECT id, mail_from, auth_user, remote_ip, helo, header_message_id, inbound_verdicts, size,
                created, finished, outcome, bounce_sent FROM history_messages WHERE id = ?1",
            &format!(
                "SELECT address, original, local, status, attempts, last_error FROM history_recipients
                 WHERE message_id = ?1 ORDER BY {order}"
            ),
            &format!(
                "SELECT recipient, at, host, outcome, reply FROM history_attempts
                 WHERE message_id = ?1 ORDER BY {order}"
            ),
        )
    }

    fn timeline(
        &self,
        id: &str,
        live: bool,
        msg_sql: &str,
        rcpt_sql: &str,
        attempt_sql: &str,
    ) -> Result<Option<Timeline>> {
        let sql = self.sql();
        let Some(r) = sql.query_opt(msg_sql, args![id])? else {
            return Ok(None);
        };
        let mut t = Timeline {
            queue_id: r.get(0)?,
            live,
            sender: r.get(1)?,
            auth_user: r.get(2)?,
            client_ip: r.get(3)?,
            helo: r.get(4)?,
            message_id: r.get(5)?,
            inbound_verdicts: r.get(6)?,
            size: r.get(7)?,
            received: r.get(8)?,
            finished: r.get(9)?,
            outcome: r.get(10)?,
            bounce_sent: r.get(11)?,
            recipients: Vec::new(),
            attempts: Vec::new(),
        };
        t.recipients = sql
            .query(rcpt_sql, args![id])?
            .iter()
            .map(|r| {
                Ok(RecipientLine {
                    address: r.get(0)?,
                    original: r.get(1)?,
                    local: r.get(2)?,
                    status: r.get(3)?,
                    attempts: r.get::<u64>(4)?.min(u32::MAX as u64) as u32,
                    last_error: r.get(5)?,
                })
            })
            .collect::<Result<_>>()?;
        t.attempts = sql
            .query(attempt_sql, args![id])?
            .iter()
            .map(|r| {
                Ok(AttemptLine {
                    recipient: r.get(0)?,
                    at: r.get(1)?,
                    host: r.get(2)?,
                    outcome: r.get(3)?,
                    reply: r.get(4)?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Some(t))
    }
}

/// The first column of every row, as text.
fn first_column(rows: Vec<Row>) -> Result<Vec<String>> {
    rows.iter().map(|r| r.get(0)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::DataDir;
    use crate::core::outqueue::{AttemptOutcome, AttemptResult};
    use crate::core::queue::NewMessage;

    fn queue_one(db: &mut Db, id: &str, from: &str, rcpts: &[&str]) {
        let msg = NewMessage {
            auth_user: Some("me@x.test"),
            remote_ip: "192.0.2.7",
            helo: "client.x.test",
            ..NewMessage::test(id, from)
        };
        let r: Vec<(String, bool)> = rcpts.iter().map(|a| (a.to_string(), false)).collect();
        db.queue_insert(&msg, &r).unwrap();
    }

    #[test]
    fn a_bounced_message_keeps_its_timeline_until_retention() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Db::open(&DataDir::new(dir.path())).unwrap();
        let q = dir.path().join("queue");
        std::fs::create_dir_all(&q).unwrap();
        std::fs::write(
            q.join("Q1"),
            "From: a@x.test\r\nMessage-ID:\r\n <m1@x.test>\r\n\r\nbody\r\n",
        )
        .unwrap();
        queue_one(&mut db, "Q1", "a@x.test", &["b@y.test"]);
        let c = db.outbound_claim("me", 10, 600, false).unwrap();
        let reply = "550 5.1.1 <b@y.test>: user unknown";
        db.outbound_record(&[(
            "Q1".into(),
            vec![AttemptResult {
                recipient_id: c[0].recipient_id,
                host: "mx.y.test".into(),
                outcome: AttemptOutcome::Failed,
                reply: reply.into(),
            }],
        )])
        .unwrap();
        // Live: found by recipient, with the attempt.
        let live = db.trace("B@y.test", 0).unwrap();
        assert!(live[0].live && live[0].attempts.len() == 1);
        assert_eq!(live[0].message_id.as_deref(), Some("<m1@x.test>"));
        assert!(db.mark_bounced("Q1", &[c[0].recipient_id]).unwrap());
        assert!(db.queue_ids().unwrap().is_empty());
        for query in ["Q1", "a@x.test", "b@y.test", "<m1@x.test>", "m1@x.test"] {
            let t = db.trace(query, 0).unwrap();
            assert_eq!(t.len(), 1, "{query}");
            let t = &t[0];
            assert!(!t.live);
            assert_eq!(t.outcome, "bounced");
            assert!(t.bounce_sent);
            assert_eq!(
                (t.client_ip.as_str(), t.helo.as_str()),
                ("192.0.2.7", "client.x.test")
            );
            assert_eq!(t.attempts[0].reply, reply);
            assert_eq!(t.recipients[0].status, "bounced");
        }
        assert!(db.trace("nobody@y.test", 0).unwrap().is_empty());
        assert!(db.trace("Q1", now() + 10).unwrap().is_empty(), "--since");
        assert_eq!(db.history_expire(now() - 60).unwrap(), 0);
        assert_eq!(db.history_expire(now() + 1).unwrap(), 1);
        assert!(db.trace("Q1", 0).unwrap().is_empty());
    }

    #[test]
    fn deleted_and_delivered_messages_are_kept_too() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Db::open(&DataDir::new(dir.path())).unwrap();
        queue_one(&mut db, "Q1", "a@x.test", &["b@y.test"]);
        queue_one(&mut db, "Q2", "a@x.test", &["c@y.test"]);
        db.queue_delete(Some(&["Q1".into()])).unwrap();
        let c = db.outbound_claim("me", 10, 600, false).unwrap();
        db.outbound_record(&[(
            "Q2".into(),
            vec![AttemptResult {
                recipient_id: c[0].recipient_id,
                host: "mx.y.test".into(),
                outcome: AttemptOutcome::Delivered,
                reply: "250 2.0.0 ok".into(),
            }],
        )])
        .unwrap();
        let t = db.trace("a@x.test", 0).unwrap();
        let outcomes: Vec<&str> = t.iter().map(|t| t.outcome.as_str()).collect();
        assert_eq!(outcomes.len(), 2);
        assert!(outcomes.contains(&"deleted") && outcomes.contains(&"delivered"));
        assert!(t.iter().all(|t| !t.bounce_sent));
    }

    /// A batch bigger than one chunk (64 + 4 + 2 messages), mixed outcomes: each message is
    /// finished, archived and kept exactly as if recorded on its own.
    #[test]
    fn a_batch_is_recorded_as_its_messages_would_be_one_by_one() {
        use crate::core::queue::{Attempt, Outcome};
        let dir = tempfile::tempdir().unwrap();
        let mut db = Db::open(&DataDir::new(dir.path())).unwrap();
        let ids: Vec<String> = (0..70).map(|i| format!("B{i}")).collect();
        let rcpts: Vec<(String, bool)> =
            vec![("a@here.test".into(), true), ("b@here.test".into(), true)];
        let batch: Vec<_> = ids
            .iter()
            .map(|id| (NewMessage::test(id, "s@x.test"), rcpts.as_slice()))
            .collect();
        db.queue_insert_many(&batch).unwrap();
        let rows = db.queue_recipients().unwrap();
        assert_eq!(rows.len(), 140);
        let attempts: Vec<Attempt> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let mine: Vec<i64> = rows
                    .iter()
                    .filter(|r| &r.message_id == id)
                    .map(|r| r.id)
                    .collect();
                let second = match i % 3 {
                    0 => Outcome::Delivered,
                    1 => Outcome::Deferred {
                        retry_in: 60,
                        error: "busy".into(),
                    },
                    _ => Outcome::Failed("no such user".into()),
                };
                Attempt {
                    id: id.clone(),
                    outcomes: vec![(mine[0], Outcome::Delivered), (mine[1], second)],
                    forwards: Vec::new(),
                }
            })
            .collect();
        let finished = db.queue_record_many(&attempts).unwrap();
        assert_eq!(finished, (0..70).map(|i| i % 3 == 0).collect::<Vec<_>>());
        let left = db.queue_recipients().unwrap();
        assert_eq!(left.len(), 2 * 46);
        for r in &left {
            assert_eq!(r.attempts, 1, "{r:?}");
            let first = r.address.starts_with('a');
            assert_eq!(first, r.status == "delivered", "{r:?}");
        }
        for (i, id) in ids.iter().enumerate() {
            let t = db.trace(id, 0).unwrap();
            assert_eq!(t.len(), 1, "{id}");
            assert_eq!(t[0].live, i % 3 != 0, "{id}");
            assert_eq!(t[0].recipients.len(), 2, "{id}");
            if i % 3 == 0 {
                assert_eq!(t[0].outcome, "delivered");
                assert!(t[0].recipients.iter().all(|r| r.status == "delivered"));
            }
        }
    }

    #[test]
    fn a_locally_delivered_message_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Db::open(&DataDir::new(dir.path())).unwrap();
        let msg = NewMessage {
            remote_ip: "192.0.2.9",
            ..NewMessage::test("L1", "a@x.test")
        };
        db.queue_insert(&msg, &[("me@here.test".into(), true)])
            .unwrap();
        let claim = db
            .queue_local_claim("L1", "me", 600, false)
            .unwrap()
            .unwrap();
        let outcome = crate::core::queue::Outcome::Delivered;
        assert!(
            db.queue_record("L1", &[(claim.recipients[0].id, outcome)], &[])
                .unwrap()
        );
        let t = db.trace("me@here.test", 0).unwrap();
        assert_eq!(t.len(), 1);
        assert_eq!((t[0].outcome.as_str(), t[0].live), ("delivered", false));
        assert!(t[0].recipients[0].local);
    }

    #[test]
    fn message_id_is_read_from_the_header_section_only() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("m");
        std::fs::write(&p, "Subject: x\r\n\r\nMessage-ID: <body@x>\r\n").unwrap();
        assert_eq!(spool_message_id(&p), None);
        std::fs::write(&p, "message-id: <a@b>\nSubject: x\n\n").unwrap();
        assert_eq!(spool_message_id(&p).as_deref(), Some("<a@b>"));
        assert_eq!(spool_message_id(&dir.path().join("gone")), None);
        // Our verdicts come first; a client's Authentication-Results further down is not ours.
        std::fs::write(
            &p,
            "Authentication-Results: mx.test;\r\n\tspf=pass smtp.mailfrom=a.test\r\nReceived: from x\r\nAuthentication-Results: evil; spf=pass\r\nMessage-ID: <c@d>\r\n\r\n",
        )
        .unwrap();
        let head = spool_head(&p);
        assert_eq!(
            head.verdicts.as_deref(),
            Some("mx.test; spf=pass smtp.mailfrom=a.test")
        );
        assert_eq!(head.message_id.as_deref(), Some("<c@d>"));
        std::fs::write(
            &p,
            "Received: x\r\nAuthentication-Results: evil; spf=pass\r\n\r\n",
        )
        .unwrap();
        assert_eq!(spool_head(&p).verdicts, None);
    }
}
