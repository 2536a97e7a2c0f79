//! Claims and leases on local queue recipients: who may attempt a recipient now. A
//! deliverer leases the recipients it attempts (`lease_until`, `lease_owner`) so two
//! processes (the daemon and `mailctl queue flush`), or two nodes sharing one PostgreSQL
//! database (issue 21), never deliver one at once; a lease found expired but never released
//! marks an attempt that died midway, and any node may take it over.
//!
//! On SQLite a claim runs in a `BEGIN IMMEDIATE` transaction (one writer at a time). On
//! PostgreSQL the claim's read locks its rows with `FOR UPDATE SKIP LOCKED` in the lease
//! transaction ([`claim_lock`]): a row another node is leasing right now is skipped, and one
//! it leased meanwhile is re-read and no longer qualifies.
//!
//! Not here: inserting messages and recording outcomes (which also releases the lease;
//! `queue.rs`), outbound claims (`core::outqueue`).

use crate::core::spool::Sum;
use crate::core::sql::{Row, Sql, args};
use crate::core::{DataDir, Db, Result, now};

/// A message's local recipients leased to one delivery attempt.
#[derive(Debug, Clone)]
pub struct LocalClaim {
    pub sender: String,
    pub created: i64,
    pub spool: Option<Sum>,
    /// The Maildir++ folder the copies go to; empty for INBOX.
    pub folder: String,
    pub recipients: Vec<LocalRecipient>,
}

#[derive(Debug, Clone)]
pub struct LocalRecipient {
    pub id: i64,
    pub address: String,
    pub attempts: u32,
    /// An earlier attempt leased this recipient and never recorded an outcome (it died):
    /// its copy may already be in the Maildir.
    pub interrupted: bool,
    /// This recipient's own folder; empty = the message's ([`LocalClaim::folder`]).
    pub folder: String,
    /// What the recipient's DSN request asks to hear (RFC 3461 NOTIFY), so a delivery that
    /// owes no notice reads nothing more.
    pub notify: crate::core::dsn::Notify,
}

/// How long a queue worker's claim on a recipient lasts unless renewed: what a node killed
/// mid-attempt (`kill -9`, a crash, a power cut) costs its recipients before any other node
/// may take them over.
pub const LEASE_SECS: i64 = 15 * 60;

/// [`LEASE_SECS`]; in debug builds `MAILCTL_TEST_LEASE_SECS` (the cluster test kills a node
/// and must not wait 15 minutes for the others to take its claims over).
pub fn lease_secs() -> i64 {
    #[cfg(debug_assertions)]
    if let Some(s) = std::env::var("MAILCTL_TEST_LEASE_SECS")
        .ok()
        .and_then(|v| v.parse::<i64>().ok())
    {
        return s.max(2);
    }
    LEASE_SECS
}

/// A lease owner id for this process's queue worker: `<role>-<pid>-<random>@<node>`. The
/// node is this node's id (`core::cluster::node_id`: `MAILCTL_NODE_ID`, else
/// `hostname:data-dir`), which tells one node's leases from another's when several share a
/// PostgreSQL database, even on one host or with one host name (containers): only the node
/// that holds a lease can tell whether its process is gone (see [`Db::queue_lease_owners`]).
/// The random bits keep the leases of a restarted process (same pid after a reboot) from
/// being taken for its own. Role and random part hold neither `-` nor `@`, so the node is
/// everything after the first `@`, whatever it holds ([`lease_owner_node`]).
pub fn new_lease_owner(role: &str, data_dir: &DataDir) -> String {
    debug_assert!(!role.contains(['-', '@']));
    let mut r = [0u8; 4];
    let _ = getrandom::fill(&mut r);
    format!(
        "{role}-{}-{:08x}@{}",
        std::process::id(),
        u32::from_le_bytes(r),
        crate::core::cluster::node_id(data_dir)
    )
}

/// The node part of a lease owner (everything after the first `@`: a node id may hold `@`,
/// `:` and `-`); `None` for owners from before leases named their node.
pub fn lease_owner_node(owner: &str) -> Option<&str> {
    owner.split_once('@').map(|(_, node)| node)
}

/// The process id in a lease owner (`<role>-<pid>-...`), read before the node part.
pub fn lease_owner_pid(owner: &str) -> Option<u32> {
    let head = owner.split_once('@').map_or(owner, |(head, _)| head);
    head.split('-')
        .nth(1)
        .and_then(|p| p.parse().ok())
        .filter(|p| *p > 0)
}

/// The statement suffix that makes a claim's read lock what it reads, on PostgreSQL only:
/// `FOR UPDATE OF <table> SKIP LOCKED`, so two nodes claiming at once get disjoint rows and
/// neither waits for the other (READ COMMITTED re-reads a row leased meanwhile, which then
/// no longer qualifies). SQLite has no row locks and needs none: its claim transaction is
/// IMMEDIATE, one writer at a time.
pub(crate) fn claim_lock(sql: &Sql, table: &str) -> String {
    if sql.is_postgres() {
        format!(" FOR UPDATE OF {table} SKIP LOCKED")
    } else {
        String::new()
    }
}

/// Runs a lease transaction whose commit need not survive a power cut: a lost lease only
/// lets the recipient be claimed again, and the copy's stable name stops a second delivery.
/// SQLite skips the WAL fsync for it (synchronous=NORMAL, back to FULL right after,
/// whatever happened); PostgreSQL does not wait for the WAL flush (synchronous_commit off,
/// for this transaction only).
fn lease_transaction<T>(sql: &Sql, f: impl FnOnce() -> Result<T>) -> Result<T> {
    if sql.is_postgres() {
        return sql.transaction(|| {
            sql.batch("SET LOCAL synchronous_commit = off")?;
            f()
        });
    }
    sql.batch("PRAGMA synchronous = NORMAL")?;
    let out = sql.transaction(f);
    sql.batch("PRAGMA synchronous = FULL")?;
    out
}

impl Db {
    /// Leases the local recipients of one message that are waiting and not leased by anyone
    /// (`force`: even if not yet due, as `queue flush` does) to `owner` for `lease_secs`.
    /// `None` when the message is gone, quarantined, or nothing of it is free to attempt.
    pub fn queue_local_claim(
        &mut self,
        id: &str,
        owner: &str,
        lease_secs: i64,
        force: bool,
    ) -> Result<Option<LocalClaim>> {
        let ids = [id.to_string()];
        Ok(self
            .queue_local_claim_many(&ids, owner, lease_secs, force)?
            .pop()
            .map(|(_, c)| c))
    }

    /// [`Db::queue_local_claim`] for several messages in one transaction: under load the
    /// deliverer takes a batch at once, and one commit (one WAL fsync) per batch instead of
    /// one per message is what keeps local delivery at the speed of the SMTP side.
    pub fn queue_local_claim_many(
        &mut self,
        ids: &[String],
        owner: &str,
        lease_secs: i64,
        force: bool,
    ) -> Result<Vec<(String, LocalClaim)>> {
        let t = now();
        let sql = self.sql();
        // Fresh mail from the daemon's own SMTP side was leased to its deliverer in the queue
        // insert: then there is nothing to write, and no write lock to wait for.
        let mut out = Vec::with_capacity(ids.len());
        let mut need_lease = false;
        for (id, claim, all_ours) in claim_local_unleased(sql, ids, owner, t, force)? {
            need_lease |= !all_ours;
            out.push((id, claim));
        }
        if !need_lease {
            return Ok(out);
        }
        lease_transaction(sql, || {
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some((claim, _)) = claim_local(sql, id, owner, t, lease_secs, force, true)? {
                    out.push((id.clone(), claim));
                }
            }
            Ok(out)
        })
    }

    /// Extends the leases `owner` holds on these recipients (a long attempt keeps them).
    pub fn queue_renew_leases(&mut self, owner: &str, ids: &[i64], until: i64) -> Result<()> {
        let sql = self.sql();
        sql.transaction(|| {
            for id in ids {
                sql.execute(
                    "UPDATE queue_recipients SET lease_until = ?2 WHERE id = ?1 AND lease_owner = ?3
                     AND lease_until > 0",
                    args![*id, until, owner],
                )?;
            }
            Ok(())
        })
    }

    /// Owners of this node (`core::cluster::node_id`) holding unexpired leases now, to find
    /// those of a process that died. Another node's owners are never listed, even on this
    /// host: whether their process lives can only be told there, and their leases run out by
    /// themselves if it died.
    pub fn queue_lease_owners(&self) -> Result<Vec<String>> {
        let node = crate::core::cluster::node_id(self.data_dir());
        let owners: Vec<String> = self
            .sql()
            .query(
                "SELECT DISTINCT lease_owner FROM queue_recipients WHERE lease_until > ?1 AND lease_owner != ''",
                args![now()],
            )?
            .into_iter()
            .map(|r| r.get(0))
            .collect::<Result<_>>()?;
        Ok(owners
            .into_iter()
            .filter(|o| lease_owner_node(o).is_none_or(|n| n == node.as_str()))
            .collect())
    }

    /// Ends every lease, whoever holds it, keeping them marked as taken before: for a
    /// restored snapshot, whose leases all belong to the backed-up server's processes.
    pub fn queue_release_all_leases(&self) -> Result<usize> {
        Ok(self.sql().execute(
            "UPDATE queue_recipients SET lease_until = 1 WHERE lease_until > 1",
            &[],
        )? as usize)
    }

    /// Ends the leases of an owner that is gone, keeping them marked as taken before
    /// (`lease_until` 1, in the past) so the next attempt knows it was interrupted.
    pub fn queue_release_leases(&self, owner: &str) -> Result<usize> {
        Ok(self.sql().execute(
            "UPDATE queue_recipients SET lease_until = 1 WHERE lease_owner = ?1 AND lease_until > 1",
            args![owner],
        )? as usize)
    }

    /// Messages with local recipients due for a (re)try and free to attempt: after a
    /// restart, a deferral, or an attempt that died holding its lease.
    pub fn queue_local_due(&self, limit: usize) -> Result<Vec<String>> {
        self.sql()
            .query(
                "SELECT DISTINCT r.message_id FROM queue_recipients r JOIN queue_messages m ON m.id = r.message_id
                 WHERE r.local = 1 AND r.status = 'queued' AND r.next_attempt <= ?1 AND r.lease_until <= ?1
                   AND m.quarantined IS NULL LIMIT ?2",
                args![now(), limit as i64],
            )?
            .into_iter()
            .map(|r| r.get(0))
            .collect()
    }
}

/// Reads `id`'s due local recipients for `owner`: those not leased, or leased to `owner`
/// already (the queue insert leases fresh mail to the daemon's deliverer). With `lease`, the
/// ones that are not yet `owner`'s are leased to it (call inside a write transaction; on
/// PostgreSQL the read locks them, see [`claim_lock`]); without, the claim is returned only
/// if every recipient is already `owner`'s, so the hot path of fresh mail writes nothing.
/// `None` when there is nothing to deliver.
fn claim_local(
    sql: &Sql,
    id: &str,
    owner: &str,
    t: i64,
    lease_secs: i64,
    force: bool,
    lease: bool,
) -> Result<Option<(LocalClaim, bool)>> {
    let Some(msg) = sql.query_opt(
        "SELECT mail_from, created, spool_len, spool_sha256, folder FROM queue_messages
         WHERE id = ?1 AND quarantined IS NULL",
        args![id],
    )?
    else {
        return Ok(None);
    };
    let mut claim = LocalClaim {
        sender: msg.get(0)?,
        created: msg.get(1)?,
        spool: spool_sum(&msg, 2)?,
        folder: msg.get(4)?,
        recipients: Vec::new(),
    };
    let lock = if lease {
        claim_lock(sql, "queue_recipients")
    } else {
        String::new()
    };
    let rows = sql.query(
        &format!(
            "SELECT id, address, attempts, lease_until, lease_owner, coalesce(folder, ''),
                    dsn_notify FROM queue_recipients
             WHERE message_id = ?1 AND local = 1 AND status = 'queued'
               AND (lease_until <= ?2 OR lease_owner = ?4)
               AND (?3 OR next_attempt <= ?2){lock}"
        ),
        args![id, t, force, owner],
    )?;
    let rows = rows
        .iter()
        .map(|r| recipient(r, 0, owner, t))
        .collect::<Result<Vec<_>>>()?;
    let all_ours = rows.iter().all(|(_, ours)| *ours);
    if lease {
        for (r, ours) in &rows {
            if !ours {
                sql.execute(
                    "UPDATE queue_recipients SET lease_until = ?2, lease_owner = ?3 WHERE id = ?1",
                    args![r.id, t + lease_secs, owner],
                )?;
            }
        }
    }
    claim.recipients = rows.into_iter().map(|(r, _)| r).collect();
    Ok((!claim.recipients.is_empty()).then_some((claim, all_ours)))
}

/// A recipient row from column `at` on (id, address, attempts, lease_until, lease_owner,
/// folder, dsn_notify), and whether it is already `owner`'s and running.
fn recipient(r: &Row, at: usize, owner: &str, t: i64) -> Result<(LocalRecipient, bool)> {
    let until: i64 = r.get(at + 3)?;
    let holder: String = r.get(at + 4)?;
    let ours = holder == owner && until > t;
    Ok((
        LocalRecipient {
            id: r.get(at)?,
            address: r.get(at + 1)?,
            attempts: r.get::<u64>(at + 2)?.min(u32::MAX as u64) as u32,
            // Leased before, and not the live lease of this very deliverer: an attempt
            // that never recorded an outcome, whose copy may exist.
            interrupted: until != 0 && !ours,
            folder: r.get(at + 5)?,
            notify: crate::core::dsn::Notify(r.get::<i64>(at + 6)?.clamp(0, 15) as u8),
        },
        ours,
    ))
}

/// [`claim_local`] without a lease to take, for a whole batch in one query (the hot path:
/// fresh mail arrives leased to this deliverer). Per message with due recipients, in the
/// order of `ids`: its claim, and whether every recipient is already `owner`'s.
fn claim_local_unleased(
    sql: &Sql,
    ids: &[String],
    owner: &str,
    t: i64,
    force: bool,
) -> Result<Vec<(String, LocalClaim, bool)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // One statement text per batch size (each prepared once per connection).
    let list = (0..ids.len())
        .map(|i| format!("?{}", i + 4))
        .collect::<Vec<_>>()
        .join(", ");
    let mut args = vec![t.into(), force.into(), owner.into()];
    args.extend(ids.iter().map(crate::core::sql::Value::from));
    let rows = sql.query(
        &format!(
            "SELECT m.id, m.mail_from, m.created, m.spool_len, m.spool_sha256, m.folder,
                    r.id, r.address, r.attempts, r.lease_until, r.lease_owner,
                    coalesce(r.folder, ''), r.dsn_notify
             FROM queue_messages m JOIN queue_recipients r ON r.message_id = m.id
             WHERE m.id IN ({list}) AND m.quarantined IS NULL
               AND r.local = 1 AND r.status = 'queued'
               AND (r.lease_until <= ?1 OR r.lease_owner = ?3) AND (?2 OR r.next_attempt <= ?1)
             ORDER BY r.id"
        ),
        &args,
    )?;
    let mut claims: std::collections::HashMap<String, (LocalClaim, bool)> = Default::default();
    for r in &rows {
        let id: String = r.get(0)?;
        let (rcpt, ours) = recipient(r, 6, owner, t)?;
        let entry = match claims.entry(id) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert((
                LocalClaim {
                    sender: r.get(1)?,
                    created: r.get(2)?,
                    spool: spool_sum(r, 3)?,
                    folder: r.get(5)?,
                    recipients: Vec::new(),
                },
                true,
            )),
        };
        entry.0.recipients.push(rcpt);
        entry.1 &= ours;
    }
    Ok(ids
        .iter()
        .filter_map(|id| {
            let (claim, all_ours) = claims.remove(id)?;
            Some((id.clone(), claim, all_ours))
        })
        .collect())
}

/// The spool file's recorded sum from columns `idx` (length) and `idx + 1` (SHA-256);
/// `None` for rows from before sums were kept.
pub(crate) fn spool_sum(row: &Row, idx: usize) -> Result<Option<Sum>> {
    let len: Option<u64> = row.get(idx)?;
    let sha: Option<String> = row.get(idx + 1)?;
    Ok(len.zip(sha).map(|(len, sha256)| Sum { len, sha256 }))
}
