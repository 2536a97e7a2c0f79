//! Local delivery: takes queued messages and writes one copy into each local mailbox their
//! recipients resolve to (aliases and lists expanded by the core, each mailbox once per
//! message), with `Return-Path:` and `Delivered-To:` added. Forwarding targets (aliases to
//! other servers, Sieve redirects) get a copy of their own, SRS-rewritten and ARC-sealed
//! (`smtp::forward`). A message's spool file goes when nothing is left queued.
//!
//! Runs on dedicated threads fed by a channel; a sweep picks up what was queued before a
//! restart or deferred (quota, I/O errors), and now and then removes orphaned spool files.
//!
//! Each attempt first leases its recipients in the queue (so `mailctl queue flush` and the
//! daemon never deliver the same one at once), then reads the spool file and verifies it
//! against the sum recorded at queue time; a damaged file is quarantined, never delivered.
//! Copies are written under a name derived from the queue id and the mailbox
//! ([`crate::maildir::deliver::stable_name`]): a retry after a crash between the Maildir
//! write and the queue update finds its copy and does not deliver it again, so a crash
//! costs neither a loss nor a duplicate. Failures are retried on `queue.retry_schedule` and
//! bounce after `queue.max_lifetime`, as outbound ones do.
//!
//! Quota: each copy holds a reservation in the [`QuotaLedger`] (made at end of DATA, or here
//! after a restart) until it is written. A copy that does not fit fails permanently with
//! `5.2.2` and is bounced (RFC 3463), rather than waiting in the queue for room that may never
//! come; in a list, a full member is skipped and the others get their copy.
//!
//! Not here: the Maildir write itself (`maildir::deliver`), alias expansion (`core::aliases`),
//! queue SQL and leases (`core::queue`), outbound recipients (`smtp::outbound`).

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::core::aliases::Target;
use crate::core::pool::DbPool;
use crate::core::queue::{Attempt, LocalClaim, LocalRecipient, Outcome, RetryPolicy, lease_secs};
use crate::core::spool::{self, ReadError};
use crate::core::{Address, CoreError, Db};
use crate::smtp::forward;
use crate::smtp::outbound::{dsn, notices};
use crate::smtp::quota::{Full, QuotaLedger};
use crate::smtp::sieve_delivery::{self, Plan, ScriptCache};

mod mailbox;
#[cfg(test)]
use mailbox::copy_key;
use mailbox::{Changed, Copy};

/// Most messages recorded in one transaction.
const BATCH: usize = 32;

/// How often the sweep looks for due recipients.
const SWEEP: Duration = Duration::from_secs(5);
/// Orphaned spool files are looked for every this many sweeps (5 minutes)...
const ORPHAN_SWEEPS: u32 = 60;
/// ...and removed once untouched this long: longer than any DATA phase may stall, so a file
/// still being written is never taken for an orphan.
const ORPHAN_AGE: Duration = Duration::from_secs(20 * 60);
/// Quota reservations of entries deleted from the queue by hand are dropped every this many
/// sweeps (1 minute), once older than [`RESERVATION_AGE`].
const PRUNE_SWEEPS: u32 = 12;
const RESERVATION_AGE: Duration = Duration::from_secs(600);

/// The trace fields local delivery puts on top of each copy (RFC 5321 §4.4).
pub fn delivery_head(sender: &str, mailbox: &Address) -> String {
    format!("Return-Path: <{sender}>\r\nDelivered-To: {mailbox}\r\n")
}

pub struct Deliverer {
    pool: Arc<DbPool>,
    queue_dir: PathBuf,
    tx: Mutex<Sender<String>>,
    rx: Mutex<Receiver<String>>,
    in_flight: Mutex<HashSet<String>>,
    /// Who holds the leases this deliverer takes.
    owner: String,
    quota: QuotaLedger,
    /// Compiled Sieve scripts (see `sieve_delivery`).
    scripts: ScriptCache,
}

/// Why one copy could not be written.
enum CopyError {
    /// The mailbox cannot take it: permanent.
    Full(Full),
    /// Anything else (spool, Maildir I/O): try again later.
    Io(String),
}

impl Deliverer {
    pub fn new(pool: Arc<DbPool>, queue_dir: PathBuf) -> Arc<Deliverer> {
        let (tx, rx) = channel();
        let owner = crate::core::queue::new_lease_owner("local", pool.data_dir());
        Arc::new(Deliverer {
            pool,
            queue_dir,
            tx: Mutex::new(tx),
            rx: Mutex::new(rx),
            in_flight: Mutex::new(HashSet::new()),
            owner,
            quota: QuotaLedger::new(),
            scripts: ScriptCache::default(),
        })
    }

    /// The lease (owner, until) a message queued now gives its local recipients: this
    /// deliverer's, taken in the queue insert itself (see `core::queue::claim_local`).
    pub fn lease_for_new(&self) -> (String, i64) {
        (self.owner.clone(), crate::core::now() + lease_secs())
    }

    /// The quota reservations shared with the SMTP sessions.
    pub fn quota(&self) -> &QuotaLedger {
        &self.quota
    }

    /// Schedules a message (unless it is already scheduled or being delivered).
    pub fn enqueue(&self, id: String) {
        if self
            .in_flight
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id.clone())
        {
            let _ = self.tx.lock().unwrap_or_else(|p| p.into_inner()).send(id);
        }
    }

    /// Starts `n` worker threads and the sweep thread.
    pub fn start(self: &Arc<Self>, n: usize) {
        for i in 0..n {
            let me = self.clone();
            let _ = std::thread::Builder::new()
                .name(format!("deliver-{i}"))
                .spawn(move || me.work());
        }
        let me = self.clone();
        let _ = std::thread::Builder::new()
            .name("deliver-sweep".into())
            .spawn(move || {
                for n in 1u32.. {
                    me.sweep();
                    if n % PRUNE_SWEEPS == 0
                        && let Ok(ids) = me.pool.get().and_then(|db| db.queue_ids())
                    {
                        me.quota.prune(&ids, RESERVATION_AGE);
                    }
                    if n % ORPHAN_SWEEPS == 0 {
                        match super::backend::remove_orphans(&me.pool, &me.queue_dir, ORPHAN_AGE) {
                            Ok(0) => {}
                            Ok(k) => tracing::info!(
                                "removed {k} spool files that were never acknowledged"
                            ),
                            Err(e) => tracing::warn!("orphan spool sweep failed: {e}"),
                        }
                    }
                    std::thread::sleep(SWEEP);
                }
            });
    }

    /// Enqueues every message with local recipients that are due.
    pub fn sweep(&self) {
        match self.pool.get().and_then(|db| db.queue_local_due(1000)) {
            Ok(ids) => ids.into_iter().for_each(|id| self.enqueue(id)),
            Err(e) => tracing::warn!("queue sweep failed: {e}"),
        }
    }

    fn work(&self) {
        loop {
            let first = self.rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
            let Ok(first) = first else { return };
            // Under load, take what else is waiting and record it in one transaction.
            let mut ids = vec![first];
            // try_lock: another worker may hold the receiver while blocked in recv(); waiting
            // for it here would deadlock, and it will take the next message anyway.
            if let Ok(rx) = self.rx.try_lock() {
                while ids.len() < BATCH {
                    match rx.try_recv() {
                        Ok(id) => ids.push(id),
                        Err(_) => break,
                    }
                }
            }
            if let Err(e) = self.deliver_batch(&ids) {
                tracing::warn!(count = ids.len(), "local delivery failed, will retry: {e}");
            }
            let mut in_flight = self.in_flight.lock().unwrap_or_else(|p| p.into_inner());
            for id in &ids {
                in_flight.remove(id);
            }
        }
    }

    /// Delivers one queued message to its pending local recipients.
    pub fn deliver(&self, id: &str) -> Result<(), CoreError> {
        self.deliver_batch(&[id.to_string()])
    }

    /// Delivers several messages, then records every outcome in one transaction. Copies are
    /// in the Maildirs (fsynced) before their rows say so; a crash between the two is
    /// repaired on retry by the copies' stable names (see the module doc).
    fn deliver_batch(&self, ids: &[String]) -> Result<(), CoreError> {
        let changed = Changed::default();
        let done = self.deliver_and_record(ids, &changed);
        // Also after a failure: the copies written before it are in their Maildirs.
        self.announce(changed);
        done
    }

    fn deliver_and_record(&self, ids: &[String], changed: &Changed) -> Result<(), CoreError> {
        let mut db = self.pool.get()?;
        let mut policy: Option<RetryPolicy> = None;
        let mut attempts = Vec::with_capacity(ids.len());
        // One lease transaction for the whole batch (see queue_local_claim_many).
        let claims = db.queue_local_claim_many(ids, &self.owner, lease_secs(), false)?;
        for (id, claim) in &claims {
            let path = self.queue_dir.join(id);
            let body = match spool::read_verified(&path, claim.spool.as_ref()) {
                Ok(b) => Some(b),
                Err(ReadError::Corrupt(why)) => {
                    self.quarantine(&mut db, id, &why)?;
                    continue;
                }
                Err(ReadError::Io(e)) => {
                    tracing::warn!(%id, "spool file {}: {e}", path.display());
                    None
                }
            };
            let body = body.as_deref();
            attempts.push(self.attempt(&mut db, (id, claim, body), changed, &mut policy)?);
        }
        if attempts.is_empty() {
            return Ok(());
        }
        self.record(&mut db, &attempts)
    }

    /// One message's attempt: each pending recipient's copy (or why not), deferrals turned
    /// into a retry or a give-up per `queue.retry_schedule`, and the success notices due.
    fn attempt(
        &self,
        db: &mut Db,
        (id, claim, body): (&str, &LocalClaim, Option<&[u8]>),
        changed: &Changed,
        policy: &mut Option<RetryPolicy>,
    ) -> Result<Attempt, CoreError> {
        let mut outcomes = Vec::with_capacity(claim.recipients.len());
        let mut done: HashSet<Address> = HashSet::new();
        for r in &claim.recipients {
            let outcome = match (body, Address::parse(&r.address)) {
                (_, Err(e)) => Outcome::Failed(format!("bad address: {}", e.0)),
                (None, _) => Outcome::Deferred {
                    retry_in: 0,
                    error: "4.3.0 spool file unreadable".into(),
                },
                (Some(body), Ok(addr)) => {
                    let to = Copy {
                        id,
                        claim,
                        rcpt: r,
                        body,
                        changed,
                    };
                    let mut fw = forward::Forwards::default();
                    let o = self.deliver_one(db, &to, &addr, &mut done, &mut fw);
                    let orig = (id, body, &*claim.sender);
                    let (o, local) = forward::settle(db, &self.queue_dir, orig, &addr, &fw, o);
                    local.into_iter().for_each(|id| self.enqueue(id));
                    o
                }
            };
            let outcome = match outcome {
                Outcome::Deferred { error, .. } => {
                    if policy.is_none() {
                        *policy = Some(RetryPolicy::from_db(db)?);
                    }
                    let p = policy
                        .as_ref()
                        .ok_or_else(|| CoreError::Invalid("no retry policy".into()))?;
                    retry_or_give_up(p, claim.created, r.attempts, error)
                }
                o => o,
            };
            tracing::info!(%id, to = %r.address, %outcome, "local delivery");
            crate::metrics::global().delivery(
                crate::metrics::Route::Local,
                match outcome {
                    Outcome::Delivered => crate::metrics::Delivery::Delivered,
                    Outcome::Deferred { .. } => crate::metrics::Delivery::Deferred,
                    Outcome::Failed(_) => crate::metrics::Delivery::Failed,
                },
                crate::core::now() - claim.created,
            );
            outcomes.push((r.id, outcome));
        }
        if let Some(body) = body {
            self.success_notices(db, id, body, &claim.recipients, &outcomes);
        }
        Ok(Attempt {
            id: id.to_string(),
            outcomes,
            forwards: Vec::new(), // forwarded copies are messages of their own (`forward`)
        })
    }

    /// Records a batch's outcomes in one transaction, then removes the spool files of
    /// finished messages and releases their quota reservations.
    fn record(&self, db: &mut Db, attempts: &[Attempt]) -> Result<(), CoreError> {
        let finished = db.queue_record_many(attempts)?;
        for (a, done) in attempts.iter().zip(finished) {
            if done {
                let _ = std::fs::remove_file(self.queue_dir.join(&a.id));
            }
            // Written copies count in their Maildir now; failed ones will never need room.
            if a.outcomes
                .iter()
                .all(|(_, o)| !matches!(o, Outcome::Deferred { .. }))
            {
                self.quota.release_all(&a.id);
            }
        }
        Ok(())
    }

    /// Sets a message with a damaged spool file aside, loudly.
    fn quarantine(&self, db: &mut Db, id: &str, why: &str) -> Result<(), CoreError> {
        tracing::error!(%id, "spool file failed verification, quarantined and not delivered: {why}");
        if let Err(e) = spool::quarantine(&self.queue_dir, id) {
            tracing::error!(%id, "could not move the spool file to quarantine: {e}");
        }
        db.queue_quarantine(id, why)
    }

    /// RFC 3461 §5.2.2.1: recipients that asked for `NOTIFY=SUCCESS` hear that the message
    /// is in their mailbox. Queued before the outcomes are recorded (the spool file may go
    /// then); a failure here costs the notice, never the delivery.
    fn success_notices(
        &self,
        db: &mut crate::core::Db,
        id: &str,
        original: &[u8],
        pending: &[LocalRecipient],
        outcomes: &[(i64, Outcome)],
    ) {
        let done: Vec<notices::Done> = outcomes
            .iter()
            .filter(|(_, o)| matches!(o, Outcome::Delivered))
            .filter_map(|(rid, _)| {
                // Only NOTIFY=SUCCESS is owed a notice (the claim says): else no reads.
                let r = pending
                    .iter()
                    .find(|p| p.id == *rid && p.notify.on_success())?;
                Some(notices::Done {
                    recipient_id: *rid,
                    address: r.address.clone(),
                    detail: "250 2.0.0 delivered to the mailbox".into(),
                    remote_mta: None,
                })
            })
            .collect();
        if done.is_empty() {
            return;
        }
        let hostname = match db.setting("hostname") {
            Ok(h) if !h.is_empty() => h,
            _ => crate::core::settings::system_hostname(),
        };
        match notices::success_notice(
            db,
            &self.queue_dir,
            &hostname,
            id,
            original,
            &done,
            dsn::Action::Delivered,
        ) {
            Ok(Some((notice, true))) => self.enqueue(notice),
            Ok(_) => {}
            Err(e) => tracing::warn!(%id, "could not queue a delivery notice: {e}"),
        }
    }

    fn deliver_one(
        &self,
        db: &Db,
        copy: &Copy<'_>,
        addr: &Address,
        done: &mut HashSet<Address>,
        forwards: &mut forward::Forwards,
    ) -> Outcome {
        let resolved = match db.resolve_recipient(addr) {
            Ok(r) => r,
            Err(e) => {
                return Outcome::Deferred {
                    retry_in: 0,
                    error: e.to_string(),
                };
            }
        };
        if !resolved.local_domain {
            return Outcome::Failed("domain is no longer served here".into());
        }
        if resolved.targets.is_empty() {
            return Outcome::Failed("5.1.1 user unknown".into());
        }
        let list = resolved.targets.len() > 1;
        for target in resolved.targets {
            match target {
                Target::External(x) => forwards.dests.push(x.to_string()),
                Target::Mailbox(mb) => {
                    if done.contains(&mb) {
                        continue;
                    }
                    let plan = self.plan(db, copy, addr, &mb);
                    if let Some(reason) = &plan.reject
                        && !list
                    {
                        return Outcome::Failed(format!(
                            "550 5.7.1 rejected by the recipient's Sieve script: {reason}"
                        ));
                    }
                    match self.store_all(db, copy, &mb, &plan) {
                        // Redirects are queued with the outcome, only once every copy is
                        // written: a retry after a failed copy does not send them twice.
                        Ok(()) => {
                            forwards.redirects.extend(plan.redirects.iter().cloned());
                            forwards.edits.extend(plan.header_edits.iter().cloned());
                            forwards.kept |= !plan.stores.is_empty();
                            let orig = (copy.body, copy.claim.sender.as_str());
                            crate::smtp::vacation::answer(
                                &self.pool,
                                &self.queue_dir,
                                orig,
                                addr,
                                &mb,
                                &plan.replies,
                            )
                            .into_iter()
                            .for_each(|id| self.enqueue(id));
                        }
                        Err(CopyError::Full(full)) if list => {
                            tracing::warn!(id = %copy.id, to = %addr, "list member skipped: {full}");
                        }
                        Err(CopyError::Full(full)) => {
                            return Outcome::Failed(format!("552 5.2.2 mailbox full: {full}"));
                        }
                        Err(CopyError::Io(why)) => {
                            return Outcome::Deferred {
                                retry_in: 0,
                                error: why,
                            };
                        }
                    }
                    done.insert(mb);
                }
            }
        }
        Outcome::Delivered
    }

    /// What the Sieve scripts decide for this mailbox (a plain keep when there are none).
    fn plan(&self, db: &Db, copy: &Copy<'_>, rcpt: &Address, mb: &Address) -> Plan {
        let env = crate::sieve::Envelope {
            from: copy.claim.sender.clone(),
            to: rcpt.to_string(),
            auth: None,
        };
        let plan = sieve_delivery::plan(db, &self.scripts, mb, copy.body, &env);
        for note in &plan.notes {
            tracing::warn!(id = %copy.id, to = %mb, "sieve: {note}");
        }
        plan
    }

    /// Writes every copy the plan asks for; the first failure stops (and the retry finds the
    /// copies already written by their stable names).
    fn store_all(
        &self,
        db: &Db,
        copy: &Copy<'_>,
        mb: &Address,
        plan: &Plan,
    ) -> Result<(), CopyError> {
        // RFC 5293: every copy is the edited message, the new header block written in front
        // of the original body (the body is never copied in memory).
        let (block, rest) = if plan.header_edits.is_empty() {
            (Vec::new(), 0)
        } else {
            crate::sieve::header_block(copy.body, &plan.header_edits)
        };
        for store in &plan.stores {
            self.to_mailbox(db, copy, mb, store, (&block, rest))?;
        }
        Ok(())
    }
}

/// Frees at start the leases held by queue workers whose process is gone (a `kill -9`,
/// a crash): their recipients are attempted now rather than when the lease would have run
/// out, and still count as interrupted. Owners are `<role>-<pid>-<random>@<node id>`
/// (`core::queue::new_lease_owner`), and only this node's are listed (another node on this
/// host has its own id, and its live process's pid is not ours to judge); a live process
/// (a `queue flush`) keeps its leases.
pub fn release_dead_leases(pool: &Arc<DbPool>) -> Result<usize, CoreError> {
    let db = pool.get()?;
    let mut n = 0;
    for owner in db.queue_lease_owners()? {
        let pid = crate::core::queue::lease_owner_pid(&owner).and_then(|p| i32::try_from(p).ok());
        let alive = pid.is_some_and(crate::sys::process_exists);
        if !alive || pid == Some(std::process::id() as i32) {
            n += db.queue_release_leases(&owner)?;
        }
    }
    Ok(n)
}

/// A deferred local delivery follows the queue's retry schedule, and gives up (a bounce is
/// due) once the message has been queued for `queue.max_lifetime`, as outbound mail does.
fn retry_or_give_up(p: &RetryPolicy, created: i64, attempts: u32, error: String) -> Outcome {
    if p.expired(created) {
        let days = p.max_lifetime.as_secs() as f64 / 86400.0;
        return Outcome::Failed(format!(
            "4.4.7 gave up after {days:.1} days in the queue; last error: {error}"
        ));
    }
    Outcome::Deferred {
        retry_in: p.delay(attempts),
        error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_retries_follow_the_schedule_then_fail() {
        let p = RetryPolicy {
            schedule: vec![Duration::from_secs(10), Duration::from_secs(20)],
            max_lifetime: Duration::from_secs(100),
        };
        let now = crate::core::now();
        match retry_or_give_up(&p, now, 1, "x".into()) {
            Outcome::Deferred { retry_in, .. } => assert_eq!(retry_in, 20),
            o => panic!("{o:?}"),
        }
        assert!(matches!(
            retry_or_give_up(&p, now - 100, 1, "x".into()),
            Outcome::Failed(e) if e.contains("last error: x")
        ));
    }

    #[test]
    fn copy_keys_are_stable_and_file_name_safe() {
        let a = Address::parse("Bob@Here.test").unwrap();
        let k = copy_key("0123ABC", &a);
        assert_eq!(
            k,
            copy_key("0123ABC", &Address::parse("bob@here.test").unwrap())
        );
        assert_ne!(k, copy_key("0123ABD", &a));
        assert!(k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    }
}
