//! Local delivery: takes queued messages and writes one copy into each local mailbox their
//! recipients resolve to (aliases and lists expanded by the core, each mailbox once per
//! message), with `Return-Path:` and `Delivered-To:` added. Forwarding targets become
//! outbound queue rows. A message's spool file goes when nothing is left queued.
//!
//! Runs on dedicated threads fed by a channel; a sweep picks up what was queued before a
//! restart or deferred (I/O errors). A crash mid-delivery can duplicate a copy on retry, never
//! lose one.
//!
//! Quota: each copy holds a reservation in the [`QuotaLedger`] (made at end of DATA, or here
//! after a restart) until it is written. A copy that does not fit fails permanently with
//! `5.2.2` and is bounced (RFC 3463), rather than waiting in the queue for room that may never
//! come; in a list, a full member is skipped and the others get their copy.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::core::aliases::Target;
use crate::core::queue::{Attempt, Outcome};
use crate::core::{Address, CoreError};
use crate::maildir::deliver;
use crate::net::dbpool::DbPool;
use crate::smtp::quota::{Full, QuotaLedger};

/// Most messages recorded in one transaction.
const BATCH: usize = 32;

/// Seconds before a deferred local delivery is retried.
const RETRY_SECS: i64 = 300;

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
    quota: QuotaLedger,
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
        Arc::new(Deliverer {
            pool,
            queue_dir,
            tx: Mutex::new(tx),
            rx: Mutex::new(rx),
            in_flight: Mutex::new(HashSet::new()),
            quota: QuotaLedger::new(),
        })
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
                loop {
                    me.sweep();
                    std::thread::sleep(Duration::from_secs(30));
                }
            });
    }

    /// Enqueues every message with local recipients that are due.
    pub fn sweep(&self) {
        match self.pool.get().and_then(|db| db.queue_local_due(1000)) {
            Ok(ids) => ids.into_iter().for_each(|id| self.enqueue(id)),
            Err(e) => tracing::warn!("queue sweep failed: {e}"),
        }
        // Reservations of entries deleted from the queue by hand would hold room for ever.
        if let Ok(ids) = self.pool.get().and_then(|db| db.queue_ids()) {
            self.quota.prune(&ids, Duration::from_secs(600));
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
    /// in the Maildirs (fsynced) before their rows say so; a crash between the two means
    /// a duplicate on retry, never a loss.
    fn deliver_batch(&self, ids: &[String]) -> Result<(), CoreError> {
        let mut db = self.pool.get()?;
        let mut attempts = Vec::with_capacity(ids.len());
        for id in ids {
            let Some(sender) = db.queue_sender(id)? else {
                continue;
            };
            let pending = db.queue_local_pending(id)?;
            if pending.is_empty() {
                continue;
            }
            let spool = self.queue_dir.join(id);
            let mut outcomes = Vec::with_capacity(pending.len());
            let mut forwards = Vec::new();
            let mut done: HashSet<Address> = HashSet::new();
            for r in &pending {
                let outcome = match Address::parse(&r.address) {
                    Err(e) => Outcome::Failed(format!("bad address: {}", e.0)),
                    Ok(addr) => self.deliver_one(
                        &db,
                        (id, &spool),
                        &sender,
                        &addr,
                        &mut done,
                        &mut forwards,
                    ),
                };
                tracing::info!(%id, to = %r.address, %outcome, "local delivery");
                outcomes.push((r.id, outcome));
            }
            attempts.push(Attempt {
                id: id.clone(),
                outcomes,
                forwards,
            });
        }
        if attempts.is_empty() {
            return Ok(());
        }
        let finished = db.queue_record_many(&attempts)?;
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

    fn deliver_one(
        &self,
        db: &crate::core::Db,
        (id, spool): (&str, &std::path::Path),
        sender: &str,
        addr: &Address,
        done: &mut HashSet<Address>,
        forwards: &mut Vec<(String, String)>,
    ) -> Outcome {
        let resolved = match db.resolve_recipient(addr) {
            Ok(r) => r,
            Err(e) => {
                return Outcome::Deferred {
                    retry_in: RETRY_SECS,
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
                Target::External(x) => forwards.push((x.to_string(), addr.to_string())),
                Target::Mailbox(mb) => {
                    if done.contains(&mb) {
                        continue;
                    }
                    match self.to_mailbox(db, (id, spool), sender, &mb) {
                        Ok(()) => {}
                        Err(CopyError::Full(full)) if list => {
                            tracing::warn!(%id, to = %addr, "list member skipped: {full}");
                        }
                        Err(CopyError::Full(full)) => {
                            return Outcome::Failed(format!("552 5.2.2 mailbox full: {full}"));
                        }
                        Err(CopyError::Io(why)) => {
                            return Outcome::Deferred {
                                retry_in: RETRY_SECS,
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

    fn to_mailbox(
        &self,
        db: &crate::core::Db,
        (id, spool): (&str, &std::path::Path),
        sender: &str,
        mb: &Address,
    ) -> Result<(), CopyError> {
        let maildir = db.data_dir().maildir(mb);
        let mut file = std::fs::File::open(spool)
            .map_err(|e| CopyError::Io(format!("spool file {}: {e}", spool.display())))?;
        let head = delivery_head(sender, mb);
        // The copy must fit, counting what other queued messages have reserved. Usually the
        // reservation was made at end of DATA and this finds it.
        let quota = match db.user(mb) {
            Ok(u) => u.map_or(0, |u| u.quota),
            Err(e) => return Err(CopyError::Io(e.to_string())),
        };
        if quota > 0 {
            let size = file
                .metadata()
                .map_err(|e| CopyError::Io(format!("spool file {}: {e}", spool.display())))?
                .len()
                + head.len() as u64;
            self.quota
                .reserve(mb, id, size, quota, || {
                    deliver::usage(&maildir).unwrap_or(0)
                })
                .map_err(CopyError::Full)?;
        }
        let written = deliver::deliver(&maildir, head.as_bytes(), &mut file)
            .map_err(|e| CopyError::Io(format!("{}: {e}", maildir.display())));
        if written.is_ok() {
            self.quota.release(mb, id);
        }
        written.map(|_| ())
    }
}
