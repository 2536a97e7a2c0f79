//! The outbound queue runner: takes due non-local recipients from the queue, finds where
//! their domain's mail goes (MX, relay host, or both in turn), delivers with opportunistic
//! STARTTLS and DKIM signing, records each recipient's outcome, retries on the configured
//! schedule, and bounces (RFC 3464) what fails for good or for too long.
//!
//! It runs inside `serve smtp` (woken at once when mail is queued, and at least every few
//! seconds so changes made by `mailctl queue` in another process are noticed) and once in
//! the foreground for `mailctl queue flush`. Leases in the queue rows keep the two from
//! attempting the same recipient.
//!
//! Not here: local delivery into Maildirs (see `smtp::delivery`).

pub mod dkim;
pub mod dsn;
mod recorder;
pub mod route;
mod transfer;

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use hickory_resolver::TokioResolver;
use tokio::sync::{Notify, Semaphore};

use crate::core::outqueue::{AttemptOutcome, AttemptResult, Claimed};
use crate::core::{Address, CoreError, DataDir, Db, now};
use crate::net::dbpool::DbPool;
use crate::smtp::client::Timeouts;
use route::{Hop, RouteError};
pub use transfer::RecipientResult;

/// How long a claimed recipient is leased to one attempt.
const LEASE_SECS: i64 = 15 * 60;
/// How many recipients one pass claims.
const BATCH: usize = 500;
/// How often the runner looks at the queue even when nobody woke it.
const POLL: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelayTls {
    StartTls,
    Implicit,
    None,
}

#[derive(Debug, Clone)]
pub struct Relay {
    pub host: String,
    pub port: u16,
    pub credentials: Option<(String, String)>,
    pub tls: RelayTls,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Direct,
    Relay,
    DirectThenRelay,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub hostname: String,
    pub port: u16,
    pub mode: Mode,
    pub relay: Option<Relay>,
    pub retry_schedule: Vec<Duration>,
    pub max_lifetime: Duration,
    /// Tell the sender once a message has waited this long; zero turns it off.
    pub delay_warning: Duration,
    pub timeouts: Timeouts,
    /// Our own SMTP listeners: a hop that is one of these is a mail loop.
    pub own_endpoints: Vec<SocketAddr>,
    pub max_connections: usize,
    pub max_per_domain: usize,
    pub nameservers: Vec<SocketAddr>,
}

impl Config {
    /// Reads every outbound setting. `own_endpoints` are the SMTP listeners of this server.
    pub fn from_settings(db: &Db, own_endpoints: Vec<SocketAddr>) -> Result<Config, CoreError> {
        let hostname = match db.setting("hostname")? {
            h if h.is_empty() => crate::core::settings::system_hostname(),
            h => h,
        };
        let mode = match db.setting("relay.mode")?.as_str() {
            "relay" => Mode::Relay,
            "direct-then-relay" => Mode::DirectThenRelay,
            _ => Mode::Direct,
        };
        let relay_host = db.setting("relay.host")?;
        let relay = if relay_host.is_empty() {
            None
        } else {
            let user = db.setting("relay.user")?;
            Some(Relay {
                host: relay_host,
                port: db.setting_u64("relay.port")? as u16,
                credentials: (!user.is_empty())
                    .then(|| (user, db.setting("relay.password").unwrap_or_default())),
                tls: match db.setting("relay.tls")?.as_str() {
                    "tls" => RelayTls::Implicit,
                    "none" => RelayTls::None,
                    _ => RelayTls::StartTls,
                },
            })
        };
        if mode != Mode::Direct && relay.is_none() {
            return Err(CoreError::Invalid(
                "relay.mode needs relay.host; set it with `mailctl config set relay.host HOST`"
                    .into(),
            ));
        }
        let schedule = db
            .setting("queue.retry_schedule")?
            .split(',')
            .filter_map(|d| crate::core::settings::parse_duration(d).ok())
            .collect::<Vec<_>>();
        let nameservers = db
            .setting("dns.nameserver")?
            .split(',')
            .filter(|s| !s.is_empty())
            .filter_map(|s| crate::core::settings::parse_nameserver(s).ok())
            .collect();
        let cap = db.setting_duration("delivery.timeout")?;
        Ok(Config {
            hostname,
            port: db.setting_u64("delivery.port")? as u16,
            mode,
            relay,
            retry_schedule: if schedule.is_empty() {
                vec![Duration::from_secs(300)]
            } else {
                schedule
            },
            max_lifetime: db.setting_duration("queue.max_lifetime")?,
            delay_warning: db.setting_duration("queue.delay_warning")?,
            timeouts: Timeouts::rfc5321(cap),
            own_endpoints,
            max_connections: db.setting_u64("delivery.max_connections")?.max(1) as usize,
            max_per_domain: db.setting_u64("delivery.max_per_domain")?.max(1) as usize,
            nameservers,
        })
    }

    /// When a deferred recipient is tried next, given how many attempts it has had.
    pub fn next_retry(&self, attempts: u32) -> i64 {
        let i = (attempts as usize).min(self.retry_schedule.len() - 1);
        now() + self.retry_schedule[i].as_secs() as i64
    }
}

/// What one pass did, for `queue flush`'s summary.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Summary {
    /// Recipients taken from the queue for this pass.
    pub claimed: usize,
    pub delivered: usize,
    pub deferred: usize,
    pub failed: usize,
    pub bounces: usize,
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

    /// Runs until shutdown: a pass whenever woken, when something falls due, or every few
    /// seconds.
    pub async fn run(self: Arc<Self>, mut shutdown: crate::net::shutdown::Shutdown) {
        loop {
            if shutdown.is_triggered() {
                return;
            }
            // A full batch means more may be due: go again at once rather than wait for a
            // wake-up that may already have been spent.
            if let Ok(s) = self.pass(false, None).await
                && s.claimed >= BATCH
            {
                continue;
            }
            tokio::select! {
                _ = shutdown.wait() => return,
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(POLL) => {}
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

    /// One pass over everything due (everything queued when `force`), then the bounces.
    /// `progress` is told how many messages there are and when each is done.
    pub async fn pass(
        self: &Arc<Self>,
        force: bool,
        progress: Option<&indicatif::ProgressBar>,
    ) -> Result<Summary, CoreError> {
        let mut summary = Summary::default();
        // One claim per pass: a flush takes everything queued once (a recipient deferred
        // during the pass must not be tried again at once); the runner takes a batch and
        // comes back for more on its next pass.
        let limit = if force { 1_000_000 } else { BATCH };
        {
            let claimed = self
                .blocking(move |db| db.outbound_claim(limit, LEASE_SECS, force))
                .await?;
            summary.claimed = claimed.len();
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
            if let Some(p) = progress {
                p.inc_length(jobs.len() as u64);
            }
            let mut set = tokio::task::JoinSet::new();
            for ((message_id, domain), rcpts) in jobs {
                let me = self.clone();
                set.spawn(async move { me.job(message_id, domain, rcpts).await });
            }
            while let Some(r) = set.join_next().await {
                if let Some(p) = progress {
                    p.inc(1);
                }
                if let Ok(Ok(results)) = r {
                    for res in results {
                        match res.outcome {
                            AttemptOutcome::Delivered => summary.delivered += 1,
                            AttemptOutcome::Deferred(_) => summary.deferred += 1,
                            AttemptOutcome::Failed => summary.failed += 1,
                        }
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
    ) -> Result<Vec<AttemptResult>, CoreError> {
        let _total = self.total.clone().acquire_owned().await;
        let _dom = self.domain_semaphore(&domain).acquire_owned().await;
        let first = rcpts[0].clone();
        let path = self.queue_dir.join(&message_id);
        let dkim_dir = self.dkim_dir.clone();
        let loaded = tokio::task::spawn_blocking(move || -> std::io::Result<Vec<u8>> {
            let body = std::fs::read(&path)?;
            // Sign once per attempt; the header goes in front of the spooled message.
            Ok(match dkim::signature_for(&dkim_dir, &body) {
                Some(h) => [h.as_bytes(), &body[..]].concat(),
                None => body,
            })
        })
        .await
        .map_err(|e| CoreError::Invalid(e.to_string()))?;
        let results: Vec<RecipientResult> = match loaded {
            Ok(message) => self.deliver(&domain, &first, &rcpts, &message).await,
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
        let attempts: Vec<AttemptResult> = results
            .into_iter()
            .map(|r| {
                let claimed = rcpts
                    .iter()
                    .find(|c| c.recipient_id == r.recipient_id)
                    .unwrap_or(&first);
                self.decide(claimed, r)
            })
            .collect();
        for a in &attempts {
            tracing::info!(id = %message_id, to = %rcpts.iter().find(|c| c.recipient_id == a.recipient_id).map(|c| c.address.as_str()).unwrap_or(""), host = %a.host, outcome = ?a.outcome, reply = %a.reply, "outbound delivery");
        }
        self.recorder.record(message_id, attempts.clone()).await?;
        Ok(attempts)
    }

    /// Turns a transfer result into the queue's decision: retry on the schedule, or give up
    /// once the message is older than the maximum lifetime.
    fn decide(&self, claimed: &Claimed, r: RecipientResult) -> AttemptResult {
        let outcome = match r.outcome {
            transfer::Outcome::Delivered => AttemptOutcome::Delivered,
            transfer::Outcome::Failed => AttemptOutcome::Failed,
            transfer::Outcome::Deferred => {
                let age = now() - claimed.created;
                if age >= self.cfg().max_lifetime.as_secs() as i64 {
                    let days = self.cfg().max_lifetime.as_secs() as f64 / 86400.0;
                    return AttemptResult {
                        recipient_id: r.recipient_id,
                        host: r.host,
                        outcome: AttemptOutcome::Failed,
                        reply: format!(
                            "gave up after {days:.1} days in the queue; last error: {}",
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

    /// Tries the route(s) for one domain.
    async fn deliver(
        &self,
        domain: &str,
        first: &Claimed,
        rcpts: &[Claimed],
        message: &[u8],
    ) -> Vec<RecipientResult> {
        let ids: Vec<(i64, String)> = rcpts
            .iter()
            .map(|c| (c.recipient_id, c.address.clone()))
            .collect();
        let env = transfer::Envelope {
            mail_from: &first.mail_from,
            size: message.len() as u64,
            smtputf8: first.smtputf8,
            message,
        };
        // One snapshot for the whole attempt: a reload mid-way must not mix two configs.
        let cfg = self.cfg();
        let direct = |hops: Vec<Hop>| transfer::Attempt {
            cfg: &cfg,
            hops,
            relay: None,
            env: &env,
        };
        match cfg.mode {
            Mode::Relay => self.via_relay(&ids, &env).await,
            Mode::Direct => match self.route(domain).await {
                Ok(hops) => direct(hops).run(&ids).await,
                Err(e) => route_failure(&ids, e),
            },
            Mode::DirectThenRelay => {
                let first_try = match self.route(domain).await {
                    Ok(hops) => direct(hops).run(&ids).await,
                    // A domain that does not exist will not exist through the relay either.
                    Err(RouteError::Permanent(p)) => {
                        return route_failure(&ids, RouteError::Permanent(p));
                    }
                    Err(RouteError::Temporary(t)) => route_failure(&ids, RouteError::Temporary(t)),
                };
                let (done, retry): (Vec<_>, Vec<_>) = first_try
                    .into_iter()
                    .partition(|r| r.outcome == transfer::Outcome::Delivered);
                if retry.is_empty() {
                    return done;
                }
                let again: Vec<(i64, String)> = ids
                    .iter()
                    .filter(|(id, _)| retry.iter().any(|r| r.recipient_id == *id))
                    .cloned()
                    .collect();
                tracing::info!(%domain, recipients = again.len(), "direct delivery failed; trying the relay host");
                let mut out = done;
                out.extend(self.via_relay(&again, &env).await);
                out
            }
        }
    }

    async fn route(&self, domain: &str) -> Result<Vec<Hop>, RouteError> {
        let hops = route::route(&self.resolver, domain, self.cfg().port).await?;
        // An MX that is this very server would hand the mail back to us forever.
        let (own, others): (Vec<Hop>, Vec<Hop>) = hops.into_iter().partition(|h| self.is_own(h));
        if others.is_empty() && !own.is_empty() {
            return Err(RouteError::Permanent(format!(
                "554 5.4.6 mail for {domain} loops back to myself (its MX {} is this server)",
                own[0].host
            )));
        }
        Ok(others)
    }

    fn is_own(&self, hop: &Hop) -> bool {
        if hop.host.eq_ignore_ascii_case(&self.cfg().hostname) {
            return true;
        }
        self.cfg().own_endpoints.iter().any(|e| {
            e.port() == hop.addr.port()
                && (e.ip() == hop.addr.ip()
                    || (e.ip().is_unspecified() && route::is_local_ip(hop.addr.ip())))
        })
    }

    async fn via_relay(
        &self,
        ids: &[(i64, String)],
        env: &transfer::Envelope<'_>,
    ) -> Vec<RecipientResult> {
        let cfg = self.cfg();
        let Some(relay) = cfg.relay.clone() else {
            return route_failure(
                ids,
                RouteError::Temporary("451 4.3.5 relay.mode needs relay.host".into()),
            );
        };
        let hops = match route::resolver_hops(&self.resolver, &relay.host, relay.port).await {
            Ok(h) => h,
            Err(e) => return route_failure(ids, e),
        };
        transfer::Attempt {
            cfg: &cfg,
            hops,
            relay: Some(&relay),
            env,
        }
        .run(ids)
        .await
    }

    /// Bounces every message with permanently failed recipients.
    async fn bounce_all(self: &Arc<Self>) -> Result<usize, CoreError> {
        let hostname = self.cfg().hostname.clone();
        let queue_dir = self.queue_dir.clone();
        let delay = self.cfg().delay_warning;
        let (made, local) = self
            .blocking(move |db| {
                let (mut made, mut local) = bounce_due(db, &queue_dir, &hostname)?;
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

fn route_failure(ids: &[(i64, String)], e: RouteError) -> Vec<RecipientResult> {
    ids.iter()
        .map(|(id, _)| match &e {
            RouteError::Permanent(p) => RecipientResult::permanent(*id, "dns", p.clone()),
            RouteError::Temporary(t) => RecipientResult::temporary(*id, "dns", t.clone()),
        })
        .collect()
}

/// Builds and queues the bounces that are due; returns how many, and the ids of those that
/// go to local mailboxes (for the local deliverer). Never bounces a bounce.
pub fn bounce_due(
    db: &mut Db,
    queue_dir: &std::path::Path,
    hostname: &str,
) -> Result<(usize, Vec<String>), CoreError> {
    let mut made = 0;
    let mut local = Vec::new();
    // A message with a null sender (a bounce) that fails is never bounced; its report goes
    // to queue.double_bounce_to if that is set, else nowhere.
    let double_bounce_to = db.setting("queue.double_bounce_to")?;
    for id in db.bounces_due(100)? {
        let failed = db.failed_recipients(&id)?;
        let Some(envelope_sender) = db.queue_sender(&id)? else {
            continue;
        };
        let created = db.queue_entry(&id)?.map(|e| e.created).unwrap_or_else(now);
        let sender = if envelope_sender.is_empty() {
            double_bounce_to.clone()
        } else {
            envelope_sender.clone()
        };
        if sender.is_empty() {
            tracing::warn!(%id, "dropping a failed message with a null sender (a bounce is never bounced; set queue.double_bounce_to to receive these)");
        } else if let Ok(to) = Address::parse(&sender) {
            let original = std::fs::read(queue_dir.join(&id)).unwrap_or_default();
            let failures: Vec<dsn::Failure> = failed
                .iter()
                .map(|(_, rcpt, why)| dsn::Failure {
                    recipient: rcpt.clone(),
                    diagnostic: why.clone(),
                    remote_mta: None,
                })
                .collect();
            let report = dsn::build(&dsn::Report {
                hostname,
                queue_id: &id,
                sender: &sender,
                arrival: created,
                failures: &failures,
                original: &original,
                delayed: false,
            });
            let origin = crate::smtp::inject::Origin {
                user: None,
                helo: hostname,
            };
            match crate::smtp::inject::inject(
                db,
                queue_dir,
                "",
                std::slice::from_ref(&to),
                &report,
                &origin,
            ) {
                Ok(bounce_id) => {
                    made += 1;
                    tracing::info!(%id, bounce = %bounce_id, to = %sender, "bounce queued");
                    if db.domain_exists(to.domain())? {
                        local.push(bounce_id);
                    }
                }
                Err(e) => {
                    tracing::error!(%id, "could not queue a bounce, will retry: {e}");
                    continue;
                }
            }
        }
        let ids: Vec<i64> = failed.iter().map(|(rid, _, _)| *rid).collect();
        if db.mark_bounced(&id, &ids)? {
            let _ = std::fs::remove_file(queue_dir.join(&id));
        }
    }
    Ok((made, local))
}

/// Queues a delay notice (RFC 3464, Action: delayed) for each message that has waited longer
/// than `after` and whose sender was not told yet. Returns how many, and the local ones.
pub fn delay_warnings(
    db: &mut Db,
    queue_dir: &std::path::Path,
    hostname: &str,
    after: Duration,
) -> Result<(usize, Vec<String>), CoreError> {
    let mut made = 0;
    let mut local = Vec::new();
    for m in db.delay_warnings_due(now() - after.as_secs() as i64)? {
        let Ok(to) = Address::parse(&m.sender) else {
            db.mark_warned(&m.id)?;
            continue;
        };
        let original = std::fs::read(queue_dir.join(&m.id)).unwrap_or_default();
        let failures: Vec<dsn::Failure> = m
            .recipients
            .iter()
            .map(|(rcpt, why)| dsn::Failure {
                recipient: rcpt.clone(),
                diagnostic: why.clone(),
                remote_mta: None,
            })
            .collect();
        let report = dsn::build(&dsn::Report {
            hostname,
            queue_id: &m.id,
            sender: &m.sender,
            arrival: m.created,
            failures: &failures,
            original: &original,
            delayed: true,
        });
        let origin = crate::smtp::inject::Origin {
            user: None,
            helo: hostname,
        };
        let id = crate::smtp::inject::inject(
            db,
            queue_dir,
            "",
            std::slice::from_ref(&to),
            &report,
            &origin,
        )?;
        db.mark_warned(&m.id)?;
        tracing::info!(id = %m.id, notice = %id, to = %m.sender, "delay notice queued");
        made += 1;
        if db.domain_exists(to.domain())? {
            local.push(id);
        }
    }
    Ok((made, local))
}
