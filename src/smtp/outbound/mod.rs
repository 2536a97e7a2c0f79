//! The outbound queue runner: takes due non-local recipients from the queue, finds where
//! their domain's mail goes (MX, relay host, or both in turn), delivers with opportunistic
//! STARTTLS and DKIM signing, records each recipient's outcome, retries on the configured
//! schedule, and bounces (RFC 3464) what fails for good or for too long.
//!
//! It runs inside `serve smtp` (woken at once when mail is queued, and at least every few
//! seconds so changes made by `mailctl queue` in another process are noticed) and once in
//! the foreground for `mailctl queue flush`. Leases in the queue rows (owner and expiry,
//! renewed while an attempt runs) keep the two from attempting the same recipient.
//!
//! Scheduling: the daemon's runner never waits for the deliveries it starts. Each claimed
//! (message, destination domain) pair is a task that first takes a slot for its domain
//! (`delivery.max_per_domain`, default 20, Postfix's destination concurrency limit), then
//! one of the total (`delivery.max_connections`, default 100), so a next hop that stalls
//! holds at most its own domain's slots while mail for every other destination goes on,
//! and the runner keeps claiming what falls due meanwhile. Spool files are verified against
//! their recorded sum before they are sent; a damaged one is quarantined (`core/spool.rs`).
//!
//! Not here: local delivery into Maildirs (see `smtp::delivery`); the settings (`config`);
//! choosing MX or relay per domain (`destination`); the SMTP client side of one attempt
//! (`transfer`); failure, delay and success reports (`bounce`, `notices`, `dsn`).

mod bounce;
mod config;
mod destination;
pub mod dsn;
mod eightbit;
pub mod notices;
pub mod primary;
mod recorder;
pub mod route;
mod transfer;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use hickory_resolver::TokioResolver;
use tokio::sync::{Notify, Semaphore};

use crate::core::outqueue::{AttemptOutcome, AttemptResult, Claimed};
use crate::core::pool::DbPool;
use crate::core::queue::lease_secs;
use crate::core::spool::{self, ReadError};
use crate::core::{CoreError, DataDir, Db, now};
use crate::dkim;
pub use bounce::{bounce_due, delay_warnings};
pub use config::{BackupMx, Config, Mode, Relay, RelayTls, parse_primary};
pub use transfer::RecipientResult;

/// A claimed recipient is leased to one attempt for `core::queue::lease_secs()` (15 min),
/// renewed every third of that while it runs (or waits for a slot).
fn renew_every() -> Duration {
    Duration::from_secs((lease_secs() / 3).max(1) as u64)
}
/// How many recipients one pass claims.
const BATCH: usize = 500;
/// How often the runner looks at the queue even when nobody woke it.
const POLL: Duration = Duration::from_secs(5);

/// What one pass did, for `queue flush`'s summary.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Summary {
    /// Recipients taken from the queue for this pass.
    pub claimed: usize,
    pub delivered: usize,
    pub deferred: usize,
    pub failed: usize,
    pub bounces: usize,
    /// Messages set aside because their spool file failed verification.
    pub quarantined: usize,
}

/// What one delivery task did.
#[derive(Debug, Default)]
struct JobDone {
    attempts: Vec<AttemptResult>,
    quarantined: bool,
}

pub struct Outbound {
    pool: Arc<DbPool>,
    queue_dir: PathBuf,
    dkim_dir: PathBuf,
    /// Swapped by [`Outbound::reconfigure`] on SIGHUP; each attempt takes one snapshot.
    cfg: std::sync::RwLock<Arc<Config>>,
    resolver: TokioResolver,
    wake: Notify,
    total: Arc<Semaphore>,
    per_domain: std::sync::Mutex<HashMap<String, Arc<Semaphore>>>,
    /// Called with the id of every message queued here (bounces) that has local recipients.
    on_local: Box<dyn Fn(String) + Send + Sync>,
    recorder: recorder::Recorder,
    /// Who holds the leases this runner takes, and the recipients it holds now.
    owner: String,
    leased: std::sync::Mutex<HashSet<i64>>,
}

impl Outbound {
    pub fn new(
        pool: Arc<DbPool>,
        data_dir: &DataDir,
        cfg: Config,
        on_local: Box<dyn Fn(String) + Send + Sync>,
    ) -> Result<Arc<Outbound>, String> {
        let resolver = route::resolver(&cfg.nameservers)?;
        let recorder = recorder::Recorder::start(pool.clone(), data_dir.queue());
        Ok(Arc::new(Outbound {
            pool,
            queue_dir: data_dir.queue(),
            dkim_dir: data_dir.dkim(),
            total: Arc::new(Semaphore::new(cfg.max_connections)),
            cfg: std::sync::RwLock::new(Arc::new(cfg)),
            resolver,
            wake: Notify::new(),
            per_domain: std::sync::Mutex::new(HashMap::new()),
            on_local,
            recorder,
            owner: crate::core::queue::new_lease_owner("outbound", data_dir),
            leased: std::sync::Mutex::new(HashSet::new()),
        }))
    }

    fn cfg(&self) -> Arc<Config> {
        self.cfg.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// New settings from a reload (SIGHUP): relay, retries, lifetimes, timeouts, delivery
    /// port. What was sized or built at start stays: this server's own endpoints, the
    /// resolver (`dns.nameserver`) and the connection limits' semaphores need a restart.
    pub fn reconfigure(&self, mut cfg: Config) {
        let mut cur = self.cfg.write().unwrap_or_else(|p| p.into_inner());
        cfg.own_endpoints = cur.own_endpoints.clone();
        cfg.nameservers = cur.nameservers.clone();
        cfg.max_connections = cur.max_connections;
        cfg.max_per_domain = cur.max_per_domain;
        *cur = Arc::new(cfg);
    }

    /// Asks the runner to look at the queue now (new mail was queued).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Runs until shutdown: claims what is due whenever woken, when a delivery finishes,
    /// or every few seconds, and starts its deliveries without waiting for them.
    pub async fn run(self: Arc<Self>, mut shutdown: crate::net::shutdown::Shutdown) {
        let mut running = tokio::task::JoinSet::new();
        let mut renew = tokio::time::interval(renew_every());
        renew.tick().await;
        loop {
            if shutdown.is_triggered() {
                return;
            }
            let claimed = match self.start_due(false, BATCH, &mut running).await {
                Ok(n) => n,
                Err(e) => {
                    tracing::warn!("outbound queue claim failed: {e}");
                    0
                }
            };
            if let Err(e) = self.bounce_all().await {
                tracing::warn!("bounce pass failed: {e}");
            }
            while running.try_join_next().is_some() {}
            // A full batch means more may be due: go again at once rather than wait for a
            // wake-up that may already have been spent.
            if claimed >= BATCH {
                continue;
            }
            tokio::select! {
                _ = shutdown.wait() => return,
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(POLL) => {}
                _ = renew.tick() => self.renew_leases().await,
                Some(_) = running.join_next(), if !running.is_empty() => {}
            }
        }
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Db) -> Result<T, CoreError> + Send + 'static,
    ) -> Result<T, CoreError> {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut db = pool.get()?;
            f(&mut db)
        })
        .await
        .map_err(|e| CoreError::Invalid(format!("blocking task failed: {e}")))?
    }

    /// Claims up to `limit` due recipients (all queued ones when `force`) and starts one
    /// delivery task per message and destination domain in `running`. Returns how many
    /// recipients were claimed.
    async fn start_due(
        self: &Arc<Self>,
        force: bool,
        limit: usize,
        running: &mut tokio::task::JoinSet<Result<JobDone, CoreError>>,
    ) -> Result<usize, CoreError> {
        let owner = self.owner.clone();
        let claimed = self
            .blocking(move |db| db.outbound_claim(&owner, limit, lease_secs(), force))
            .await?;
        let n = claimed.len();
        self.leased
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend(claimed.iter().map(|c| c.recipient_id));
        // One job per message and destination domain: one connection carries them all.
        let mut jobs: BTreeMap<(String, String), Vec<Claimed>> = BTreeMap::new();
        for c in claimed {
            let domain = c
                .address
                .rsplit_once('@')
                .map(|(_, d)| d.to_ascii_lowercase())
                .unwrap_or_default();
            jobs.entry((c.message_id.clone(), domain))
                .or_default()
                .push(c);
        }
        for ((message_id, domain), rcpts) in jobs {
            let me = self.clone();
            running.spawn(async move {
                let ids: Vec<i64> = rcpts.iter().map(|c| c.recipient_id).collect();
                let done = me.clone().job(message_id, domain, rcpts).await;
                let mut leased = me.leased.lock().unwrap_or_else(|p| p.into_inner());
                for id in ids {
                    leased.remove(&id);
                }
                done
            });
        }
        Ok(n)
    }

    /// Extends the leases of every recipient this runner holds (delivering, or waiting for
    /// a slot), so a slow attempt is never taken over by another process.
    async fn renew_leases(&self) {
        let ids: Vec<i64> = self
            .leased
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .copied()
            .collect();
        if ids.is_empty() {
            return;
        }
        let owner = self.owner.clone();
        let r = self
            .blocking(move |db| db.queue_renew_leases(&owner, &ids, now() + lease_secs()))
            .await;
        if let Err(e) = r {
            tracing::warn!("could not renew queue leases: {e}");
        }
    }

    /// One pass over everything due (everything queued when `force`), then the bounces,
    /// waiting for every delivery (`queue flush`). `progress` is told how many messages
    /// there are and when each is done.
    pub async fn pass(
        self: &Arc<Self>,
        force: bool,
        progress: Option<&indicatif::ProgressBar>,
    ) -> Result<Summary, CoreError> {
        let mut summary = Summary::default();
        // One claim per pass: a flush takes everything queued once (a recipient deferred
        // during the pass must not be tried again at once).
        let limit = if force { 1_000_000 } else { BATCH };
        let mut running = tokio::task::JoinSet::new();
        summary.claimed = self.start_due(force, limit, &mut running).await?;
        if let Some(p) = progress {
            p.inc_length(running.len() as u64);
        }
        let mut renew = tokio::time::interval(renew_every());
        renew.tick().await;
        loop {
            let r = tokio::select! {
                r = running.join_next() => match r {
                    Some(r) => r,
                    None => break,
                },
                _ = renew.tick() => {
                    self.renew_leases().await;
                    continue;
                }
            };
            if let Some(p) = progress {
                p.inc(1);
            }
            if let Ok(Ok(done)) = r {
                summary.quarantined += usize::from(done.quarantined);
                for res in done.attempts {
                    match res.outcome {
                        AttemptOutcome::Delivered => summary.delivered += 1,
                        AttemptOutcome::Deferred(_) => summary.deferred += 1,
                        AttemptOutcome::Failed => summary.failed += 1,
                    }
                }
            }
        }
        summary.bounces = self.bounce_all().await?;
        Ok(summary)
    }

    fn domain_semaphore(&self, domain: &str) -> Arc<Semaphore> {
        let mut map = self.per_domain.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(domain.to_string())
            .or_insert_with(|| Arc::new(Semaphore::new(self.cfg().max_per_domain)))
            .clone()
    }

    /// Delivers one message to the recipients it has in one domain and records the results.
    async fn job(
        self: Arc<Self>,
        message_id: String,
        domain: String,
        rcpts: Vec<Claimed>,
    ) -> Result<JobDone, CoreError> {
        // The destination's slot first: a task waiting for a stalled domain must not sit on
        // one of the total slots that other destinations need.
        let _dom = self.domain_semaphore(&domain).acquire_owned().await;
        let _total = self.total.clone().acquire_owned().await;
        let Some(first) = rcpts.first().cloned() else {
            return Ok(JobDone::default());
        };
        let loaded = self.load(&message_id, &first).await?;
        let loaded = match loaded {
            Err(ReadError::Corrupt(why)) => {
                self.quarantine(&message_id, why).await?;
                return Ok(JobDone {
                    attempts: Vec::new(),
                    quarantined: true,
                });
            }
            Err(ReadError::Io(e)) => Err(e),
            Ok(m) => Ok(m),
        };
        let results: Vec<RecipientResult> = match &loaded {
            Ok(l) => self.deliver(&domain, &first, &rcpts, l).await,
            Err(e) => rcpts
                .iter()
                .map(|r| {
                    RecipientResult::temporary(
                        r.recipient_id,
                        "local",
                        format!("451 4.3.0 spool file unreadable: {e}"),
                    )
                })
                .collect(),
        };
        if let Ok(l) = &loaded {
            self.notify_relayed(&message_id, &rcpts, &results, l).await;
        }
        let attempts = self.decide_all(&message_id, &rcpts, &first, results);
        self.recorder.record(message_id, attempts.clone()).await?;
        Ok(JobDone {
            attempts,
            quarantined: false,
        })
    }

    /// Reads the spool file (verified against its sum), DKIM-signs it, makes the 7-bit copy
    /// when it has 8-bit octets, and reads its DSN parameters: all off the runtime.
    async fn load(
        &self,
        message_id: &str,
        first: &Claimed,
    ) -> Result<Result<Loaded, ReadError>, CoreError> {
        let path = self.queue_dir.join(message_id);
        let dkim_dir = self.dkim_dir.clone();
        let want = first.spool.clone();
        let pool = self.pool.clone();
        let mid = message_id.to_string();
        tokio::task::spawn_blocking(move || -> Result<Loaded, ReadError> {
            let body = spool::read_verified(&path, want.as_ref())?;
            // Sign once per attempt; the header goes in front of the spooled message.
            let sign = |body: Vec<u8>| match dkim::signature_for(&dkim_dir, &body) {
                Some(h) => [h.as_bytes(), &body[..]].concat(),
                None => body,
            };
            // A 7-bit copy for next hops without 8BITMIME, signed as it will be sent.
            let seven_bit = (!body.is_ascii()).then(|| {
                eightbit::to_seven_bit(&body)
                    .map(sign)
                    .map_err(|e| e.0.to_string())
            });
            let (dsn, rcpt_dsn) = pool
                .get()
                .and_then(|db| db.queue_dsn(&mid))
                .unwrap_or_default();
            Ok(Loaded {
                message: sign(body),
                seven_bit,
                dsn,
                rcpt_dsn,
            })
        })
        .await
        .map_err(|e| CoreError::Invalid(e.to_string()))
    }

    /// The queue's decision for each recipient's result, logged.
    fn decide_all(
        &self,
        message_id: &str,
        rcpts: &[Claimed],
        first: &Claimed,
        results: Vec<RecipientResult>,
    ) -> Vec<AttemptResult> {
        let attempts: Vec<AttemptResult> = results
            .into_iter()
            .map(|r| {
                let claimed = rcpts
                    .iter()
                    .find(|c| c.recipient_id == r.recipient_id)
                    .unwrap_or(first);
                self.decide(claimed, r)
            })
            .collect();
        let now = crate::core::now();
        for a in &attempts {
            let claimed = rcpts
                .iter()
                .find(|c| c.recipient_id == a.recipient_id)
                .unwrap_or(first);
            tracing::info!(id = %message_id, to = %claimed.address, host = %a.host, outcome = ?a.outcome, reply = %a.reply, "outbound delivery");
            crate::metrics::global().delivery(
                crate::metrics::Route::Remote,
                match a.outcome {
                    AttemptOutcome::Delivered => crate::metrics::Delivery::Delivered,
                    AttemptOutcome::Deferred(_) => crate::metrics::Delivery::Deferred,
                    AttemptOutcome::Failed => crate::metrics::Delivery::Failed,
                },
                now - claimed.created,
            );
        }
        attempts
    }

    /// Sets a message whose spool file failed verification aside, loudly; it is never sent.
    async fn quarantine(&self, id: &str, why: String) -> Result<(), CoreError> {
        tracing::error!(%id, "spool file failed verification, quarantined and not sent: {why}");
        let queue_dir = self.queue_dir.clone();
        let id = id.to_string();
        self.blocking(move |db| {
            if let Err(e) = spool::quarantine(&queue_dir, &id) {
                tracing::error!(%id, "could not move the spool file to quarantine: {e}");
            }
            db.queue_quarantine(&id, &why)
        })
        .await
    }

    /// Turns a transfer result into the queue's decision: retry on the schedule, or give up
    /// once the message is older than the maximum lifetime.
    fn decide(&self, claimed: &Claimed, r: RecipientResult) -> AttemptResult {
        let outcome = match r.outcome {
            transfer::Outcome::Delivered => AttemptOutcome::Delivered,
            transfer::Outcome::Failed => AttemptOutcome::Failed,
            transfer::Outcome::Deferred => {
                let age = now() - claimed.created;
                let max_lifetime = self.cfg().max_lifetime;
                if age >= max_lifetime.as_secs() as i64 {
                    let days = max_lifetime.as_secs() as f64 / 86400.0;
                    // RFC 3463 4.4.7 "delivery time expired" (Action: failed): the bounce
                    // takes its Status from the leading code, its Diagnostic-Code from the
                    // last error.
                    return AttemptResult {
                        recipient_id: r.recipient_id,
                        host: r.host,
                        outcome: AttemptOutcome::Failed,
                        reply: format!(
                            "4.4.7 message expired: gave up after {days:.1} days in the queue; last error: {}",
                            r.reply
                        ),
                    };
                }
                AttemptOutcome::Deferred(self.cfg().next_retry(claimed.attempts))
            }
        };
        AttemptResult {
            recipient_id: r.recipient_id,
            host: r.host,
            outcome,
            reply: r.reply,
        }
    }

    /// RFC 3461 §5.2.2.2: a `NOTIFY=SUCCESS` recipient handed to a next hop that does not
    /// offer DSN gets a "relayed" notice now, since nobody further on will send one.
    async fn notify_relayed(
        &self,
        message_id: &str,
        rcpts: &[Claimed],
        results: &[RecipientResult],
        loaded: &Loaded,
    ) {
        let done: Vec<notices::Done> = results
            .iter()
            .filter(|r| r.outcome == transfer::Outcome::Delivered && !r.next_hop_dsn)
            .filter(|r| {
                loaded
                    .rcpt_dsn
                    .get(&r.recipient_id)
                    .is_some_and(|d| d.notify.on_success())
            })
            .filter_map(|r| {
                let c = rcpts.iter().find(|c| c.recipient_id == r.recipient_id)?;
                Some(notices::Done {
                    recipient_id: r.recipient_id,
                    address: c.address.clone(),
                    detail: r.reply.clone(),
                    remote_mta: Some(r.host.clone()),
                })
            })
            .collect();
        if done.is_empty() {
            return;
        }
        let (hostname, queue_dir) = (self.cfg().hostname.clone(), self.queue_dir.clone());
        let id = message_id.to_string();
        let original = dsn::header_section(&loaded.message).to_vec();
        let made = self
            .blocking(move |db| {
                notices::success_notice(
                    db,
                    &queue_dir,
                    &hostname,
                    &id,
                    &original,
                    &done,
                    dsn::Action::Relayed,
                )
            })
            .await;
        match made {
            Ok(Some((notice, true))) => (self.on_local)(notice),
            Ok(Some(_)) => self.wake(),
            Ok(None) => {}
            Err(e) => tracing::error!(id = %message_id, "could not queue a relayed notice: {e}"),
        }
    }

    /// Bounces every message with permanently failed recipients.
    async fn bounce_all(self: &Arc<Self>) -> Result<usize, CoreError> {
        let hostname = self.cfg().hostname.clone();
        let queue_dir = self.queue_dir.clone();
        let delay = self.cfg().delay_warning;
        let (made, local) = self
            .blocking(move |db| {
                let (mut made, mut local) = bounce_due(db, &queue_dir, &hostname)?;
                // The delivery history's retention (core/history.rs), on the same pass.
                let keep = db.setting_duration("queue.history_retention")?;
                db.history_expire(now() - keep.as_secs() as i64)?;
                if !delay.is_zero() {
                    let (m, l) = delay_warnings(db, &queue_dir, &hostname, delay)?;
                    made += m;
                    local.extend(l);
                }
                Ok((made, local))
            })
            .await?;
        for id in local {
            (self.on_local)(id);
        }
        if made > 0 {
            self.wake();
        }
        Ok(made)
    }
}

/// One message as an attempt sends it.
struct Loaded {
    /// The spooled message, DKIM-signed.
    message: Vec<u8>,
    /// For an 8-bit message: its 7-bit conversion (signed), or why there is none.
    seven_bit: Option<Result<Vec<u8>, String>>,
    dsn: crate::core::dsn::MessageDsn,
    rcpt_dsn: HashMap<i64, crate::core::dsn::RcptDsn>,
}
