//! Claims and leases on local queue recipients: who may attempt a recipient now. A
//! deliverer leases the recipients it attempts (`lease_until`, `lease_owner`) so two
//! processes (the daemon and `mailctl queue flush`) never deliver one at once; a lease
//! found expired but never released marks an attempt that died midway.
//!
//! Not here: inserting messages and recording outcomes (which also releases the lease;
//! `queue.rs`), outbound claims (`core::outqueue`).

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use crate::core::spool::Sum;
use crate::core::{Db, Result, now};

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
}

/// A lease owner id for this process's queue worker: process id and random bits, so leases
/// of a restarted process (same pid after a reboot) are never taken for its own.
pub fn new_lease_owner(role: &str) -> String {
    let mut r = [0u8; 4];
    let _ = getrandom::fill(&mut r);
    format!(
        "{role}-{}-{:08x}",
        std::process::id(),
        u32::from_le_bytes(r)
    )
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
        // Fresh mail from the daemon's own SMTP side was leased to its deliverer in the queue
        // insert: then there is nothing to write, and no write lock to wait for.
        let mut out = Vec::with_capacity(ids.len());
        let mut need_lease = false;
        for id in ids {
            if let Some((claim, all_ours)) =
                claim_local(self.conn()?, id, owner, t, lease_secs, force, false)?
            {
                need_lease |= !all_ours;
                out.push((id.clone(), claim));
            }
        }
        if !need_lease {
            return Ok(out);
        }
        // A lease need not survive a power cut: one lost would only let the recipient be
        // claimed again, and the copy's stable name stops a second delivery. So this commit
        // skips the WAL fsync (synchronous=NORMAL) and holds the write lock only briefly;
        // the connection goes back to FULL right after, whatever happened.
        self.conn_mut()?
            .pragma_update(None, "synchronous", "NORMAL")?;
        let claimed = (|| {
            let tx = self
                .conn_mut()?
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some((claim, _)) = claim_local(&tx, id, owner, t, lease_secs, force, true)? {
                    out.push((id.clone(), claim));
                }
            }
            tx.commit()?;
            Ok(out)
        })();
        self.conn_mut()?
            .pragma_update(None, "synchronous", "FULL")?;
        claimed
    }

    /// Extends the leases `owner` holds on these recipients (a long attempt keeps them).
    pub fn queue_renew_leases(&mut self, owner: &str, ids: &[i64], until: i64) -> Result<()> {
        let tx = self
            .conn_mut()?
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut upd = tx.prepare_cached(
                "UPDATE queue_recipients SET lease_until = ?2 WHERE id = ?1 AND lease_owner = ?3
                 AND lease_until > 0",
            )?;
            for id in ids {
                upd.execute(params![id, until, owner])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Owners holding unexpired leases now (to find those of a process that died).
    pub fn queue_lease_owners(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn()?.prepare(
            "SELECT DISTINCT lease_owner FROM queue_recipients WHERE lease_until > ?1 AND lease_owner != ''",
        )?;
        let rows = stmt.query_map([now()], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Ends the leases of an owner that is gone, keeping them marked as taken before
    /// (`lease_until` 1, in the past) so the next attempt knows it was interrupted.
    pub fn queue_release_leases(&self, owner: &str) -> Result<usize> {
        Ok(self.conn()?.execute(
            "UPDATE queue_recipients SET lease_until = 1 WHERE lease_owner = ?1 AND lease_until > 1",
            [owner],
        )?)
    }

    /// Messages with local recipients due for a (re)try and free to attempt: after a
    /// restart, a deferral, or an attempt that died holding its lease.
    pub fn queue_local_due(&self, limit: usize) -> Result<Vec<String>> {
        let mut stmt = self.conn()?.prepare_cached(
            "SELECT DISTINCT r.message_id FROM queue_recipients r JOIN queue_messages m ON m.id = r.message_id
             WHERE r.local = 1 AND r.status = 'queued' AND r.next_attempt <= ?1 AND r.lease_until <= ?1
               AND m.quarantined IS NULL LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![now(), limit as i64], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// Reads `id`'s due local recipients for `owner`: those not leased, or leased to `owner`
/// already (the queue insert leases fresh mail to the daemon's deliverer). With `lease`, the
/// ones that are not yet `owner`'s are leased to it (call inside a write transaction); without,
/// the claim is returned only if every recipient is already `owner`'s, so the hot path of
/// fresh mail writes nothing. `None` when there is nothing to deliver.
fn claim_local(
    conn: &rusqlite::Connection,
    id: &str,
    owner: &str,
    t: i64,
    lease_secs: i64,
    force: bool,
    lease: bool,
) -> Result<Option<(LocalClaim, bool)>> {
    let msg = conn
        .prepare_cached(
            "SELECT mail_from, created, spool_len, spool_sha256, folder FROM queue_messages
             WHERE id = ?1 AND quarantined IS NULL",
        )?
        .query_row([id], |r| {
            let len: Option<i64> = r.get(2)?;
            let sha: Option<String> = r.get(3)?;
            Ok(LocalClaim {
                sender: r.get(0)?,
                created: r.get(1)?,
                spool: len.zip(sha).map(|(len, sha256)| Sum {
                    len: len.max(0) as u64,
                    sha256,
                }),
                folder: r.get(4)?,
                recipients: Vec::new(),
            })
        })
        .optional()?;
    let Some(mut claim) = msg else {
        return Ok(None);
    };
    // (recipient, already ours and running)
    let rows = conn
        .prepare_cached(
            "SELECT id, address, attempts, lease_until, lease_owner, coalesce(folder, '')
             FROM queue_recipients
             WHERE message_id = ?1 AND local = 1 AND status = 'queued'
               AND (lease_until <= ?2 OR lease_owner = ?4)
               AND (?3 OR next_attempt <= ?2)",
        )?
        .query_map(params![id, t, force, owner], |r| {
            let until: i64 = r.get(3)?;
            let holder: String = r.get(4)?;
            let ours = holder == owner && until > t;
            Ok((
                LocalRecipient {
                    id: r.get(0)?,
                    address: r.get(1)?,
                    attempts: r.get::<_, i64>(2)?.max(0) as u32,
                    // Leased before, and not the live lease of this very deliverer: an
                    // attempt that never recorded an outcome, whose copy may exist.
                    interrupted: until != 0 && !ours,
                    folder: r.get(5)?,
                },
                ours,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let all_ours = rows.iter().all(|(_, ours)| *ours);
    if lease {
        let mut upd = conn.prepare_cached(
            "UPDATE queue_recipients SET lease_until = ?2, lease_owner = ?3 WHERE id = ?1",
        )?;
        for (r, ours) in &rows {
            if !ours {
                upd.execute(params![r.id, t + lease_secs, owner])?;
            }
        }
    }
    claim.recipients = rows.into_iter().map(|(r, _)| r).collect();
    Ok((!claim.recipients.is_empty()).then_some((claim, all_ours)))
}
