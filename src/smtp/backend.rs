//! The [`Policy`] the real server uses: recipients, logins and senders from the core
//! database, messages spooled to `<data-dir>/queue/<id>` and committed as queue rows.
//!
//! Durability order for a `250` (the sink itself is in `spool.rs`): quota reserved for the
//! local mailboxes, spool file written and fsynced, queue directory fsynced, queue rows
//! committed (SQLite `synchronous=FULL`). Only then is the id handed to
//! [`super::delivery`]. A crash before the row commit leaves an orphan file without a row,
//! which [`remove_orphans`] deletes at the next start; nothing that got a `250` is lost.

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;

use super::delivery::Deliverer;
use super::policy::{AuthVerdict, MessageSink, Policy, RcptCheck, SpoolError};
use crate::core::aliases::Target;
use crate::core::pool::DbPool;
use crate::core::queue::NewMessage;
use crate::core::{Address, CoreError};

/// What every SMTP session of this server shares.
pub struct Backend {
    pub pool: Arc<DbPool>,
    pub queue_dir: PathBuf,
    pub deliverer: Arc<Deliverer>,
    pub committer: Committer,
    /// The outbound runner, woken when a message for another domain is queued.
    pub outbound: Option<Arc<crate::smtp::outbound::Outbound>>,
    /// The inbound checks for port 25 (setting `inbound.checks`); `None` when off.
    pub inbound: Option<Arc<crate::inbound::Inbound>>,
    /// Port 25's clients that passed the pre-greeting wait (`smtp.greet_ttl`).
    pub screen: Arc<crate::inbound::screen::Memory>,
}

/// One message's queue rows, waiting for the group commit.
pub(super) struct Job {
    pub id: String,
    pub mail_from: String,
    pub auth_user: Option<String>,
    pub remote_ip: String,
    pub helo: String,
    pub smtputf8: bool,
    pub size: u64,
    pub spool: crate::core::spool::Sum,
    /// The Maildir++ folder for local copies; empty for INBOX.
    pub folder: String,
    /// Each recipient's own folder where the inbound decision differs per recipient.
    pub rcpt_folders: Vec<String>,
    /// The deliverer's lease on the local recipients, taken in the same commit (owner, until).
    pub local_lease: Option<(String, i64)>,
    pub rcpts: Vec<(String, bool)>,
    pub dsn: crate::core::dsn::MessageDsn,
    pub rcpt_dsn: Vec<crate::core::dsn::RcptDsn>,
    pub done: std::sync::mpsc::SyncSender<Result<(), SpoolError>>,
}

impl Job {
    fn row(&self) -> NewMessage<'_> {
        NewMessage {
            id: &self.id,
            mail_from: &self.mail_from,
            auth_user: self.auth_user.as_deref(),
            remote_ip: &self.remote_ip,
            helo: &self.helo,
            smtputf8: self.smtputf8,
            size: self.size,
            spool: Some(&self.spool),
            dsn: self.dsn.clone(),
            rcpt_dsn: &self.rcpt_dsn,
            folder: &self.folder,
            rcpt_folders: &self.rcpt_folders,
            local_lease: self
                .local_lease
                .as_ref()
                .map(|(owner, until)| (owner.as_str(), *until)),
        }
    }
}

/// Group commit of queue rows: sessions finishing a message at the same time share one
/// SQLite transaction (one fsync) instead of queueing for the write lock one by one. Each
/// session still waits for its own rows to be committed before it answers 250.
pub struct Committer {
    tx: std::sync::Mutex<std::sync::mpsc::Sender<Job>>,
}

/// Most messages in one commit.
const COMMIT_BATCH: usize = 64;

impl Committer {
    pub fn start(pool: Arc<DbPool>) -> Committer {
        let (tx, rx) = std::sync::mpsc::channel::<Job>();
        let _ = std::thread::Builder::new()
            .name("queue-commit".into())
            .spawn(move || {
                while let Ok(first) = rx.recv() {
                    let mut jobs = vec![first];
                    while jobs.len() < COMMIT_BATCH {
                        match rx.try_recv() {
                            Ok(j) => jobs.push(j),
                            Err(_) => break,
                        }
                    }
                    let insert = |jobs: &[Job]| -> Result<(), CoreError> {
                        let rows: Vec<_> =
                            jobs.iter().map(|j| (j.row(), j.rcpts.as_slice())).collect();
                        pool.get()?.queue_insert_many(&rows)
                    };
                    match insert(&jobs) {
                        Ok(()) => jobs.iter().for_each(|j| drop(j.done.send(Ok(())))),
                        // One by one: a bad message fails alone (not after a timeout).
                        Err(e) if jobs.len() > 1 && !matches!(e, CoreError::Unavailable(_)) => {
                            for j in &jobs {
                                let one = insert(std::slice::from_ref(j));
                                let _ = j.done.send(one.map_err(core_to_spool));
                            }
                        }
                        Err(e) => {
                            let e = core_to_spool(e);
                            jobs.iter().for_each(|j| drop(j.done.send(Err(e.clone()))));
                        }
                    }
                }
            });
        Committer {
            tx: std::sync::Mutex::new(tx),
        }
    }

    /// Queues the rows and waits until they are committed (or failed).
    pub(super) fn commit(&self, job: Job) -> Result<(), SpoolError> {
        let (done, wait) = std::sync::mpsc::sync_channel(1);
        let job = Job { done, ..job };
        self.tx
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .send(job)
            .map_err(|_| SpoolError::Other("queue committer stopped".into()))?;
        wait.recv()
            .unwrap_or_else(|_| Err(SpoolError::Other("queue committer stopped".into())))
    }
}

/// A new queue id: 12 hex digits of microseconds then 6 random, so ids sort by arrival
/// and never collide across processes.
pub fn new_queue_id() -> String {
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros())
        .unwrap_or(0);
    let mut r = [0u8; 3];
    let _ = getrandom::fill(&mut r);
    format!(
        "{:012X}{:02X}{:02X}{:02X}",
        micros & 0xFFFF_FFFF_FFFF,
        r[0],
        r[1],
        r[2]
    )
}

pub(super) fn core_to_spool(e: CoreError) -> SpoolError {
    if e.is_disk_full() {
        return SpoolError::NoSpace(e.to_string());
    }
    SpoolError::Other(e.to_string())
}

/// Deletes spool files that have no queue row (written, but the writer died before the
/// commit, so no 250 was given) and are older than `min_age`. The age keeps it away from
/// a message another process (a running session, `sendmail`) is writing right now.
pub fn remove_orphans(
    pool: &Arc<DbPool>,
    queue_dir: &std::path::Path,
    min_age: std::time::Duration,
) -> Result<usize, CoreError> {
    let mut candidates = Vec::new();
    if let Ok(entries) = std::fs::read_dir(queue_dir) {
        for e in entries.flatten() {
            let old = e
                .metadata()
                .ok()
                .filter(|m| m.is_file())
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age >= min_age);
            if old {
                candidates.push(e);
            }
        }
    }
    if candidates.is_empty() {
        return Ok(0);
    }
    // Rows are read after the listing: a file committed in between has its row by now.
    let ids = pool.get()?.queue_ids()?;
    let mut removed = 0;
    for e in candidates {
        let name = e.file_name().to_string_lossy().into_owned();
        if !ids.contains(&name) && std::fs::remove_file(e.path()).is_ok() {
            removed += 1;
        }
    }
    Ok(removed)
}

/// The per-session policy object (cheap: a handle on [`Backend`]).
pub struct SqlPolicy {
    backend: Arc<Backend>,
    /// The connect stage's lookups for this session (port 25), started at connect.
    connect: Option<crate::inbound::connect::ConnectLookup>,
    /// The inbound policy of the transaction in progress: read at MAIL (or when first
    /// needed) and kept until the end of data, so its three queries and parsing happen once
    /// per message, not at MAIL, every RCPT and the end of data; the next transaction reads
    /// the settings again, so `config set` still needs no restart.
    tx_policy: Option<Arc<crate::inbound::Policy>>,
    /// The MAIL stage (SPF) of the transaction in progress and the (HELO, MAIL FROM) it
    /// was evaluated for, handed to the end of data instead of evaluating SPF again.
    tx_mail: Option<((String, String), crate::inbound::MailStage)>,
}

impl SqlPolicy {
    pub fn new(backend: Arc<Backend>) -> SqlPolicy {
        SqlPolicy {
            backend,
            connect: None,
            tx_policy: None,
            tx_mail: None,
        }
    }
}

impl SqlPolicy {
    /// The transaction's inbound policy (see `tx_policy`).
    fn inbound_policy(&mut self, inbound: &crate::inbound::Inbound) -> Arc<crate::inbound::Policy> {
        self.tx_policy
            .get_or_insert_with(|| Arc::new(inbound_policy(&self.backend, inbound)))
            .clone()
    }

    /// The connect stage's verdicts for this session, if its lookups ran.
    fn connect_verdicts(&mut self) -> Option<Vec<crate::inbound::Verdict>> {
        Some(self.connect.as_mut()?.verdicts_blocking()?.to_vec())
    }
}

/// The inbound settings and served domains as they are now, so `config set` needs no
/// restart for them; those read at start if the database cannot be read.
fn inbound_policy(backend: &Backend, inbound: &crate::inbound::Inbound) -> crate::inbound::Policy {
    let policy = backend
        .pool
        .get()
        .map_err(|e| e.to_string())
        .and_then(|db| {
            // Three queries per message, none per recipient: every setting at once, the
            // domain names, and the per-domain/per-user overrides (only those that exist).
            let domains = db.domain_names().map_err(|e| e.to_string())?;
            let settings = db.effective_settings().map_err(|e| e.to_string())?;
            let overrides = db.inbound_overrides().map_err(|e| e.to_string())?;
            let mut policy = crate::inbound::Policy::from_lookup(
                |k| settings.get(k).cloned().unwrap_or_default(),
                domains,
                &inbound.policy.hostname,
            )?;
            policy.overrides = overrides;
            Ok(policy)
        });
    policy.unwrap_or_else(|e| {
        tracing::error!("inbound checks use the settings read at start: {e}");
        inbound.policy.clone()
    })
}

impl Policy for SqlPolicy {
    fn check_recipient(&mut self, rcpt: &Address) -> RcptCheck {
        let run = || -> Result<RcptCheck, CoreError> {
            let db = self.backend.pool.get()?;
            let resolved = db.resolve_recipient(rcpt)?;
            if !resolved.local_domain {
                return Ok(super::backupmx::check_recipient(&self.backend, db, rcpt));
            }
            let mailboxes: Vec<&Address> = resolved
                .targets
                .iter()
                .filter_map(|t| {
                    if let Target::Mailbox(a) = t {
                        Some(a)
                    } else {
                        None
                    }
                })
                .collect();
            if let Some(why) = &resolved.srs_refused {
                tracing::info!("mail for {rcpt} refused: {why}");
                return Ok(RcptCheck::BadSrs);
            }
            if resolved.targets.is_empty() {
                if rcpt.without_detail("+").local() == "postmaster" {
                    tracing::warn!(
                        "mail for {rcpt} refused: no postmaster alias and no administrator known; \
                         run `mailctl alias add {rcpt} ADMIN` or `mailctl config set postmaster ADMIN` \
                         (RFC 5321 §4.5.1 requires postmaster to be accepted)"
                    );
                }
                return Ok(RcptCheck::UnknownLocal);
            }
            // A single full mailbox refuses at RCPT; a list delivers to whoever has room.
            // Full counts what accepted messages on their way in have reserved.
            if let [only] = mailboxes.as_slice()
                && resolved.targets.len() == 1
                && let Some(user) = db.user(only)?
                && user.quota > 0
            {
                let used =
                    crate::maildir::deliver::usage(&db.data_dir().maildir(only)).unwrap_or(0);
                let reserved = self.backend.deliverer.quota().reserved_in(only);
                if used.saturating_add(reserved) >= user.quota {
                    return Ok(RcptCheck::OverQuota);
                }
            }
            Ok(RcptCheck::Local)
        };
        run().unwrap_or_else(|e| {
            tracing::warn!("recipient lookup for {rcpt} failed: {e}");
            RcptCheck::TempFail
        })
    }

    fn authenticate(&mut self, ip: IpAddr, user: &str, password: &str) -> AuthVerdict {
        use crate::auth::LoginOutcome;
        let db = match self.backend.pool.get() {
            Ok(db) => db,
            Err(e) => {
                tracing::warn!("login check failed: {e}");
                return AuthVerdict::TempFail;
            }
        };
        match crate::auth::login(&db, ip, user, password, "SMTP") {
            LoginOutcome::Ok(u) => AuthVerdict::Ok(u.address),
            LoginOutcome::Failed => AuthVerdict::Failed,
            LoginOutcome::Banned => AuthVerdict::Banned,
            LoginOutcome::TempFail(_) => AuthVerdict::TempFail,
        }
    }

    fn may_send_as(&mut self, user: &Address, from: &Address) -> bool {
        let sep = |db: &crate::core::Db| db.setting("smtp.recipient_delimiter").unwrap_or_default();
        match self.backend.pool.get() {
            Ok(db) => {
                let base = from.without_detail(&sep(&db));
                db.sendable_addresses(user)
                    .map(|a| a.contains(from) || a.contains(&base))
                    .unwrap_or(false)
            }
            Err(_) => false,
        }
    }

    fn sendable_addresses(&mut self, user: &Address) -> Vec<Address> {
        self.backend
            .pool
            .get()
            .and_then(|db| db.sendable_addresses(user))
            .unwrap_or_else(|_| vec![user.clone()])
    }

    fn spool_space(&mut self) -> Option<u64> {
        let keep = self
            .backend
            .pool
            .get()
            .ok()?
            .setting("smtp.spool_min_free")
            .ok()
            .and_then(|v| crate::core::settings::parse_size(&v).ok())
            .unwrap_or(0);
        Some(crate::sys::free_space(&self.backend.queue_dir)?.saturating_sub(keep))
    }

    fn postmaster(&mut self) -> Option<Address> {
        // postmaster@ the first domain served; its alias (or catch-all) decides who reads it.
        let db = self.backend.pool.get().ok()?;
        let first = db.domains().ok()?.into_iter().next()?;
        Address::parse(&format!("postmaster@{}", first.name)).ok()
    }

    fn begin_message(&mut self) -> Result<Box<dyn MessageSink>, SpoolError> {
        super::spool::open(self.backend.clone())
    }

    fn inbound_connect(&mut self, ip: IpAddr) {
        let Some(inbound) = self.backend.inbound.clone() else {
            return;
        };
        let (backend, i) = (self.backend.clone(), inbound.clone());
        self.connect = crate::inbound::connect::ConnectLookup::start(inbound, ip, move || {
            inbound_policy(&backend, &i)
        });
    }

    fn inbound_client(&mut self, ip: IpAddr) -> Option<crate::inbound::connect::Listed> {
        let inbound = self.backend.inbound.clone()?;
        let policy = self.inbound_policy(&inbound);
        let verdicts = self.connect.as_mut()?.verdicts_blocking()?;
        let listed = crate::inbound::connect::refusal(&policy, ip, verdicts)?;
        tracing::info!(%ip, zone = %listed.zone, "inbound: client refused at RCPT: {}", listed.reason);
        Some(listed)
    }

    fn inbound_mail(
        &mut self,
        ip: IpAddr,
        helo: &str,
        mail_from: Option<&Address>,
    ) -> Option<String> {
        // A new transaction: its settings are read afresh.
        self.tx_policy = None;
        self.tx_mail = None;
        let inbound = self.backend.inbound.clone()?;
        let policy = self.inbound_policy(&inbound);
        let env = crate::inbound::Envelope {
            ip,
            helo: helo.to_string(),
            mail_from: mail_from.map(|a| a.to_string()).unwrap_or_default(),
            rcpts: Vec::new(),
        };
        let (stage, refusal) = inbound.mail_blocking(&policy, &env)?;
        self.tx_mail = Some(((env.helo.clone(), env.mail_from.clone()), stage));
        let refusal = refusal?;
        tracing::info!(%ip, from = %env.mail_from, "inbound: sender refused at MAIL: {refusal}");
        Some(refusal)
    }

    fn inbound_rcpt(
        &mut self,
        ip: IpAddr,
        helo: &str,
        mail_from: Option<&Address>,
        rcpt: &Address,
    ) -> Option<i64> {
        let inbound = self.backend.inbound.clone()?;
        let policy = self.inbound_policy(&inbound);
        policy.greylist?;
        let sender = mail_from.map(|a| a.to_string()).unwrap_or_default();
        let recipient = rcpt.to_string();
        let facts = inbound.greylist_facts_blocking(&policy, ip, helo, &sender)?;
        let question = crate::inbound::greylist::Question {
            ip,
            sender: &sender,
            recipient: &recipient,
            dnswl_listed: facts.dnswl_listed,
            spf_pass: facts.spf_pass,
        };
        let verdict = self.backend.pool.get().and_then(|mut db| {
            crate::inbound::greylist::judge(&mut db, &policy, &question, crate::core::now())
        });
        match verdict {
            Ok(Some(crate::inbound::greylist::Verdict::Deferred { retry_in })) => {
                tracing::info!(%ip, from = %sender, to = %recipient, retry_in, "greylisted");
                Some(retry_in)
            }
            Ok(_) => None,
            Err(e) => {
                // Greylisting is a delay, not a defence to fail closed on: let mail through.
                tracing::error!(%ip, "greylisting skipped, database error: {e}");
                None
            }
        }
    }

    fn send_limit(
        &mut self,
        user: &Address,
        step: super::policy::SendStep,
    ) -> Option<crate::core::sendlimit::Hit> {
        use super::policy::SendStep;
        let now = crate::core::now();
        let verdict = self.backend.pool.get().and_then(|mut db| match step {
            SendStep::Mail => db.send_check_message(user, now),
            SendStep::Rcpt { pending } => db.send_check_recipient(user, pending as u64, now),
            SendStep::Data { rcpts } => db.send_record(user, rcpts as u64, now),
        });
        match verdict {
            Ok(Some(hit)) => {
                // One line per refusal: who, which limit, how far, when it frees up.
                tracing::warn!(
                    %user,
                    limit = hit.limit.as_str(),
                    max = hit.max,
                    used = hit.used,
                    step = ?step,
                    frees_in = hit.frees_in,
                    "send limit: refused"
                );
                Some(hit)
            }
            Ok(None) => None,
            Err(e) => {
                // A broken database fails the commit anyway; do not refuse on a guess here.
                tracing::error!(%user, "send limit not checked, database error: {e}");
                None
            }
        }
    }

    fn inbound(
        &mut self,
        envelope: &super::policy::Accepted,
        sink: &mut dyn MessageSink,
    ) -> Option<crate::inbound::Report> {
        let inbound = self.backend.inbound.clone()?;
        let message = match sink.written() {
            Ok(m) => m,
            Err(e) => {
                tracing::error!(id = %sink.id(), "inbound checks skipped, spool unreadable: {e}");
                return None;
            }
        };
        let policy = self.inbound_policy(&inbound);
        let env = crate::inbound::Envelope {
            ip: envelope.remote_ip,
            helo: envelope.helo.clone(),
            mail_from: envelope
                .mail_from
                .as_ref()
                .map(|a| a.to_string())
                .unwrap_or_default(),
            rcpts: envelope
                .recipients
                .iter()
                .map(|r| r.address.to_string())
                .collect(),
        };
        let connect = self.connect_verdicts();
        let mail = self
            .tx_mail
            .take()
            .filter(|(seen, _)| seen.0 == env.helo && seen.1 == env.mail_from)
            .map(|(_, stage)| stage);
        // The transaction ends here: the next one reads the settings again.
        self.tx_policy = None;
        let report = inbound.check_blocking(&policy, &env, &message, connect, mail)?;
        // One line per message: `grep` of the queue id answers "why".
        tracing::info!(
            id = %sink.id(),
            ip = %envelope.remote_ip,
            decision = report.decision.action.as_str(),
            reason = %report.decision.reason,
            verdicts = %crate::inbound::summary(&report.verdicts),
            "inbound"
        );
        let m = crate::metrics::global();
        m.decision(report.decision.action.as_str());
        for v in &report.verdicts {
            m.verdict(v.method, v.result.as_str());
        }
        Some(report)
    }
}

#[cfg(test)]
mod tests {
    use std::fs::File;
    use std::time::{Duration, SystemTime};

    use super::*;
    use crate::core::DataDir;
    use crate::core::queue::NewMessage;

    fn job(id: &str) -> Job {
        let (done, _) = std::sync::mpsc::sync_channel(1);
        Job {
            id: id.into(),
            mail_from: String::new(),
            auth_user: None,
            remote_ip: "::1".into(),
            helo: "h".into(),
            smtputf8: false,
            size: 1,
            spool: crate::core::spool::Sum::of(b"x"),
            dsn: Default::default(),
            rcpt_dsn: Vec::new(),
            folder: String::new(),
            rcpt_folders: Vec::new(),
            local_lease: None,
            rcpts: vec![("a@b.test".into(), true)],
            done,
        }
    }

    #[test]
    fn group_commit_isolates_a_failing_message() {
        let dir = tempfile::tempdir().unwrap();
        let pool = DbPool::new(DataDir::new(dir.path()));
        let c = Arc::new(Committer::start(pool.clone()));
        c.commit(job("DUP")).unwrap();
        let threads: Vec<_> = ["DUP", "N1", "N2", "N3"]
            .into_iter()
            .map(|id| {
                let c = c.clone();
                std::thread::spawn(move || (id, c.commit(job(id)).is_ok()))
            })
            .collect();
        for t in threads {
            let (id, ok) = t.join().unwrap();
            assert_eq!(ok, id != "DUP", "{id}");
        }
        let ids = pool.get().unwrap().queue_ids().unwrap();
        assert_eq!(ids.len(), 4);
    }

    #[test]
    fn only_old_files_without_rows_are_orphans() {
        let dir = tempfile::tempdir().unwrap();
        let pool = DbPool::new(DataDir::new(dir.path()));
        let q = dir.path().join("queue");
        std::fs::create_dir_all(&q).unwrap();
        let msg = NewMessage {
            id: "KEEP",
            mail_from: "",
            auth_user: None,
            remote_ip: "::1",
            helo: "h",
            smtputf8: false,
            size: 1,
            spool: None,
            dsn: Default::default(),
            rcpt_dsn: &[],
            folder: "",
            rcpt_folders: &[],
            local_lease: None,
        };
        pool.get()
            .unwrap()
            .queue_insert(&msg, &[("a@b.test".into(), false)])
            .unwrap();
        let hour_ago = SystemTime::now() - Duration::from_secs(7200);
        for name in ["KEEP", "ORPHAN", "FRESH"] {
            let f = File::create(q.join(name)).unwrap();
            if name != "FRESH" {
                f.set_modified(hour_ago).unwrap();
            }
        }
        assert_eq!(
            remove_orphans(&pool, &q, Duration::from_secs(3600)).unwrap(),
            1
        );
        assert!(q.join("KEEP").exists() && q.join("FRESH").exists() && !q.join("ORPHAN").exists());
    }
}
