//! Local delivery: takes queued messages and writes one copy into each local mailbox their
//! recipients resolve to (aliases and lists expanded by the core, each mailbox once per
//! message), with `Return-Path:` and `Delivered-To:` added. Forwarding targets become
//! outbound queue rows. A message's spool file goes when nothing is left queued.
//!
//! Runs on dedicated threads fed by a channel; a sweep picks up what was queued before a
//! restart or deferred (quota, I/O errors). A crash mid-delivery can duplicate a copy on
//! retry, never lose one.

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
use crate::smtp::outbound::{dsn, notices};

/// Most messages recorded in one transaction.
const BATCH: usize = 32;

/// Seconds before a deferred local delivery is retried.
const RETRY_SECS: i64 = 300;

pub struct Deliverer {
    pool: Arc<DbPool>,
    queue_dir: PathBuf,
    tx: Mutex<Sender<String>>,
    rx: Mutex<Receiver<String>>,
    in_flight: Mutex<HashSet<String>>,
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
        })
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
                    Ok(addr) => {
                        self.deliver_one(&db, &spool, &sender, &addr, &mut done, &mut forwards)
                    }
                };
                tracing::info!(%id, to = %r.address, ?outcome, "local delivery");
                outcomes.push((r.id, outcome));
            }
            self.success_notices(&mut db, id, &spool, &pending, &outcomes);
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
        }
        Ok(())
    }

    /// RFC 3461 §5.2.2.1: recipients that asked for `NOTIFY=SUCCESS` hear that the message
    /// is in their mailbox. Queued before the outcomes are recorded (the spool file may go
    /// then); a failure here costs the notice, never the delivery.
    fn success_notices(
        &self,
        db: &mut crate::core::Db,
        id: &str,
        spool: &std::path::Path,
        pending: &[crate::core::queue::QueuedRecipient],
        outcomes: &[(i64, Outcome)],
    ) {
        let done: Vec<notices::Done> = outcomes
            .iter()
            .filter(|(_, o)| matches!(o, Outcome::Delivered))
            .filter_map(|(rid, _)| {
                let r = pending.iter().find(|p| p.id == *rid)?;
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
        let original = std::fs::read(spool).unwrap_or_default();
        match notices::success_notice(
            db,
            &self.queue_dir,
            &hostname,
            id,
            &original,
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
        db: &crate::core::Db,
        spool: &std::path::Path,
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
        for target in resolved.targets {
            match target {
                Target::External(x) => forwards.push((x.to_string(), addr.to_string())),
                Target::Mailbox(mb) => {
                    if done.contains(&mb) {
                        continue;
                    }
                    if let Err(why) = self.to_mailbox(db, spool, sender, &mb) {
                        return Outcome::Deferred {
                            retry_in: RETRY_SECS,
                            error: why,
                        };
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
        spool: &std::path::Path,
        sender: &str,
        mb: &Address,
    ) -> Result<(), String> {
        let maildir = db.data_dir().maildir(mb);
        let mut file = std::fs::File::open(spool)
            .map_err(|e| format!("spool file {}: {e}", spool.display()))?;
        // Maildir++ rule: a mailbox under its quota takes the next message even if that
        // message crosses the limit; a mailbox at or over it takes nothing more.
        if let Ok(Some(user)) = db.user(mb)
            && user.quota > 0
        {
            let used = deliver::usage(&maildir).unwrap_or(0);
            if used >= user.quota {
                return Err(format!("4.2.2 mailbox {mb} is over quota"));
            }
        }
        let head = format!("Return-Path: <{sender}>\r\nDelivered-To: {mb}\r\n");
        deliver::deliver(&maildir, head.as_bytes(), &mut file)
            .map_err(|e| format!("{}: {e}", maildir.display()))?;
        Ok(())
    }
}
