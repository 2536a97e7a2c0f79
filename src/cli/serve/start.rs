//! Starting the daemons from what `settings` read: bind every listener, drop root, start
//! the SMTP backend and the outbound queue, then run each listener's service until
//! shutdown, with SIGHUP wired to `reload`.
//!
//! Not here: any protocol (each listener lives in its protocol's `server.rs`), any reply
//! text, reading settings (`settings`, `tunables`).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use super::{Args, reload, tunables};
use crate::cli::Fail;
use crate::core::DataDir;
use crate::core::pool::DbPool;
use crate::core::runtime::DaemonState;
use crate::inbound::screen::Memory;
use crate::net::conn::Access;
use crate::net::limits::ConnLimiter;
use crate::net::listen::{self, ListenMap};
use crate::net::live::{ConnPolicy, Live};
use crate::net::shutdown::{self, Shutdown};
use crate::net::tls::TlsStore;
use crate::smtp::backend::{self, Backend};
use crate::smtp::delivery::Deliverer;
use crate::smtp::outbound::{Config as OutboundConfig, Outbound};
use crate::smtp::server::{SmtpListener, Timeouts};
use crate::smtp::session::{Service, SessionConfig};

/// Bound listeners: name, the address it got, the socket.
pub(super) type Bound = Vec<(String, SocketAddr, std::net::TcpListener)>;

/// Binds everything (before dropping root), printing `listening NAME ADDR` for each.
pub(super) fn bind_all(map: &ListenMap) -> anyhow::Result<Bound> {
    let mut bound = Vec::new();
    for (name, addrs) in map {
        for addr in addrs {
            let l = listen::bind(name, *addr)?;
            let local = l.local_addr()?;
            eprintln!("listening {name} {local}");
            bound.push((name.clone(), local, l));
        }
    }
    if bound.is_empty() {
        return Err(Fail::hint(
            "no listeners configured",
            "set listen.smtp (mailctl config set listen.smtp 0.0.0.0:25) or pass --listen",
        )
        .into());
    }
    Ok(bound)
}

/// The dev server runs as whoever started it, data in the cwd. Otherwise root only binds:
/// a mail daemon parsing the world's input must not keep root's powers.
pub(super) fn drop_privileges(args: &Args, server_user: &str) -> anyhow::Result<()> {
    if !args.dev && crate::sys::is_root() {
        if !server_user.is_empty() {
            crate::net::privs::drop_to(server_user).map_err(|e| {
                Fail::hint(e.to_string(), "create the account (`mailctl setup` does), or set server.user to an existing one")
            })?;
        } else if !args.allow_root {
            return Err(Fail::hint(
                "refusing to run as root with server.user empty",
                "`mailctl config set server.user mailctl` (an existing account), or pass --allow-root in a container that has no other account",
            )
            .into());
        }
    }
    Ok(())
}

/// ACME's state directories, made before the drop and given to the account that renews.
pub(super) fn acme_dirs(cfg: &crate::acme::Config, server_user: &str) -> anyhow::Result<()> {
    let owner = crate::core::owner::Owner::lookup(server_user);
    for dir in [cfg.state_dir.clone(), cfg.challenges()] {
        std::fs::create_dir_all(&dir).map_err(|e| Fail::new(format!("{}: {e}", dir.display())))?;
        if let Some(o) = &owner {
            crate::core::owner::give(&dir, o)
                .map_err(|e| Fail::new(format!("{}: {e}", dir.display())))?;
        }
    }
    Ok(())
}

/// Recovers what a crash left, then starts local delivery, the outbound queue (when an SMTP
/// listener runs) and the spool committer.
pub(super) fn backend(
    data_dir: &DataDir,
    bound: &Bound,
    mut outbound_cfg: OutboundConfig,
    inbound: Option<Arc<crate::inbound::Inbound>>,
) -> anyhow::Result<Arc<Backend>> {
    let queue_dir = data_dir.queue();
    data_dir.create_dir(&queue_dir, 0o700)?;
    let pool = DbPool::new(data_dir.clone());
    // Spool files without a row are what a crash mid-DATA left (no 250 was given). A minute
    // of age keeps this away from a `sendmail` writing its file right now; younger ones
    // go in the deliverer's periodic sweep.
    let orphans = backend::remove_orphans(&pool, &queue_dir, Duration::from_secs(60))?;
    if orphans > 0 {
        tracing::info!("removed {orphans} spool files that were never acknowledged");
    }
    let released = crate::smtp::delivery::release_dead_leases(&pool)?;
    if released > 0 {
        tracing::info!("took over {released} queue entries from a process that died mid-delivery");
    }
    // maildir(5): tmp/ files over 36 h old are abandoned deliveries; hourly, off the runtime.
    crate::maildir::sweep::start(data_dir.mail_root(), Duration::from_secs(3600))?;
    let deliverer = Deliverer::new(pool.clone(), queue_dir.clone());
    // Outbound delivery runs beside the SMTP service; our own SMTP listeners are what an MX
    // must not point back to.
    let smtp_endpoints: Vec<SocketAddr> = bound
        .iter()
        .filter(|(n, _, _)| n == "smtp")
        .map(|(_, a, _)| *a)
        .collect();
    let outbound = if smtp_endpoints.is_empty()
        && !bound.iter().any(|(n, _, _)| n.starts_with("submission"))
    {
        None
    } else {
        outbound_cfg.own_endpoints = smtp_endpoints;
        let local = deliverer.clone();
        Some(
            Outbound::new(
                pool.clone(),
                data_dir,
                outbound_cfg,
                Box::new(move |id| local.enqueue(id)),
            )
            .map_err(Fail::new)?,
        )
    };
    deliverer.start(4);
    let committer = backend::Committer::start(pool.clone());
    let ttl = pool.get()?.setting_duration("smtp.greet_ttl")?.as_secs();
    let now = chrono::Utc::now().timestamp();
    let screen = Memory::load_blocking(pool.clone(), now, ttl.min(i64::MAX as u64) as i64)?;
    Ok(Arc::new(Backend {
        pool,
        queue_dir,
        deliverer,
        committer,
        outbound,
        inbound,
        screen: Arc::new(screen),
    }))
}

/// What `status` and `config set` read: this daemon, its real listeners, its keys.
pub(super) fn daemon_state(
    run_as: String,
    bound: &Bound,
    dkim: Vec<crate::core::runtime::SigningKey>,
) -> Arc<std::sync::Mutex<DaemonState>> {
    Arc::new(std::sync::Mutex::new(DaemonState {
        pid: std::process::id(),
        started: chrono::Utc::now().timestamp(),
        user: run_as,
        listeners: bound
            .iter()
            .map(|(name, addr, _)| crate::core::runtime::Listener {
                name: name.clone(),
                address: addr.to_string(),
            })
            .collect(),
        generation: 0,
        reloaded: None,
        reload_errors: Vec::new(),
        dkim,
    }))
}

fn service_of(listener: &str) -> Service {
    match listener {
        "submission" => Service::Submission,
        "submissions" => Service::Submissions,
        _ => Service::Mx,
    }
}

/// Everything the running services share.
pub(super) struct Services {
    pub data_dir: DataDir,
    pub hostname: String,
    pub tls: Arc<TlsStore>,
    pub cert_reader: Option<Arc<crate::net::privs::FileReader>>,
    pub state: Arc<std::sync::Mutex<DaemonState>>,
    pub live: Arc<Live<tunables::Tunables>>,
    pub policy: Arc<Live<ConnPolicy>>,
    pub limiters: BTreeMap<String, Arc<ConnLimiter>>,
    pub backend: Arc<Backend>,
    pub imap_per_user: usize,
    pub imap_limits: crate::imap::mailstore::Limits,
    pub imap_login_timeout: Duration,
    pub pop3_login_timeout: Duration,
    pub acme: Option<crate::acme::Config>,
    /// The web listener's settings, when it runs.
    pub web: Option<crate::web::Config>,
    /// Where the mailbox indexes live: SQLite in each Maildir, or the PostgreSQL core.
    pub indexes: crate::maildir::index::Indexes,
}

/// Per-protocol state shared by all listeners of that protocol.
struct Shared {
    imap_hub: Arc<crate::imap::watch::Hub>,
    imap_users: Arc<crate::imap::server::UserSessions>,
    /// Reads `inbound.rspamd_controller` and `inbound.learn` per job, so it always runs.
    learner: crate::inbound::scan::learn::Learner,
    append_limit: Arc<dyn Fn() -> u64 + Send + Sync>,
    smtp_settings: Arc<dyn Fn() -> (SessionConfig, Timeouts) + Send + Sync>,
}

impl Services {
    /// Runs every listener (and the outbound queue) until SIGTERM/SIGINT and the drain.
    pub(super) async fn run(self, bound: Bound) -> anyhow::Result<()> {
        let (trigger, shutdown) = shutdown::channel();
        let reload = reload::Reload {
            data_dir: self.data_dir.clone(),
            hostname: self.hostname.clone(),
            tls: self.tls.clone(),
            cert_reader: self.cert_reader.clone(),
            state: self.state.clone(),
            live: self.live.clone(),
            policy: self.policy.clone(),
            limiters: self.limiters.values().cloned().collect(),
            outbound: self.backend.outbound.clone(),
        };
        let signals = shutdown::handle_signals(trigger, move || {
            let r = reload.clone();
            // Files and the database: blocking work, off the runtime's workers.
            tokio::task::spawn_blocking(move || r.run());
        })?;
        tokio::spawn(signals);
        let mut tasks = tokio::task::JoinSet::new();
        if let Some(o) = self.backend.outbound.clone() {
            tasks.spawn(o.run(shutdown.clone()));
        }
        tasks.spawn(super::heartbeat::run(
            self.backend.pool.clone(),
            self.data_dir.clone(),
            self.state.clone(),
            shutdown.clone(),
        ));
        if let Some(cfg) = self.acme.clone() {
            tasks.spawn(crate::acme::renew_loop(
                cfg,
                self.tls.clone(),
                shutdown.clone(),
            ));
        }
        let shared = self.shared();
        // On PostgreSQL, IDLE hears every node's changes through LISTEN (one per process),
        // and so does the directory cache (`core::dircache`), whatever holds the indexes.
        let _listener = match self.data_dir.database_url()? {
            Some(url) if self.indexes.is_postgres() => Some(crate::imap::remote::listen(
                &url,
                &self.data_dir,
                &shared.imap_hub,
            )?),
            Some(url) => Some(crate::maildir::index::notify::Listener::start(
                &url,
                |_| {},
            )?),
            None => None,
        };
        for (name, _, l) in bound {
            let listener = tokio::net::TcpListener::from_std(l)?;
            self.spawn(&mut tasks, &name, listener, &shared, shutdown.clone());
        }
        // Listeners are bound, privileges dropped, signal handlers in place: ready.
        crate::net::notify::notify("READY=1");
        // The upgraded server has started: the pre-upgrade copy of the core can go (22.2).
        let data_dir = self.data_dir.clone();
        tokio::task::spawn_blocking(move || crate::core::upgrade::prune_after_start(&data_dir));
        while tasks.join_next().await.is_some() {}
        Ok(())
    }

    fn shared(&self) -> Shared {
        let (l1, l2) = (self.live.clone(), self.live.clone());
        Shared {
            // Several nodes share the Maildirs: inotify sees only this host's writes, and
            // every change is announced through PostgreSQL instead (`imap::remote`).
            imap_hub: if self.indexes.is_postgres() {
                crate::imap::watch::Hub::without_inotify()
            } else {
                crate::imap::watch::Hub::new()
            },
            imap_users: crate::imap::server::UserSessions::new(self.imap_per_user),
            learner: crate::inbound::scan::learn::Learner::start(self.backend.pool.clone()),
            append_limit: Arc::new(move || l1.get().session.max_message_size),
            smtp_settings: Arc::new(move || {
                let t = l2.get();
                (t.session.clone(), t.timeouts)
            }),
        }
    }

    /// Admission for listener `name`: its limiter, and how long a peer has to log in (for
    /// SMTP, which has no login deadline, the command timeout bounds the TLS handshake).
    fn access(&self, name: &str, implicit_tls: bool) -> Access {
        Access {
            hostname: self.hostname.clone(),
            implicit_tls,
            pool: self.backend.pool.clone(),
            tls: self.tls.clone(),
            limiter: self.limiters[name].clone(),
            protocol: crate::metrics::Protocol::of_listener(name),
            policy: self.policy.clone(),
            // ManageSieve clients are mail clients too: IMAP's pre-login deadline.
            login_timeout: if name.starts_with("imap") || name == "managesieve" {
                self.imap_login_timeout
            } else if name.starts_with("pop3") {
                self.pop3_login_timeout
            } else {
                self.live.get().timeouts.command
            },
        }
    }

    fn spawn(
        &self,
        tasks: &mut tokio::task::JoinSet<()>,
        name: &str,
        listener: tokio::net::TcpListener,
        shared: &Shared,
        shutdown: Shutdown,
    ) {
        if name.starts_with("imap") {
            let imap = crate::imap::server::ImapListener {
                access: self.access(name, name == "imaps"),
                append_limit: shared.append_limit.clone(),
                limits: self.imap_limits,
                hub: shared.imap_hub.clone(),
                users: shared.imap_users.clone(),
                learner: Some(shared.learner.clone()),
                indexes: self.indexes.clone(),
            };
            tasks.spawn(Arc::new(imap).run(listener, shutdown));
        } else if name.starts_with("pop3") {
            let pop = crate::pop3::server::Pop3Listener {
                access: self.access(name, name == "pop3s"),
            };
            tasks.spawn(Arc::new(pop).run(listener, shutdown));
        } else if name == "managesieve" {
            let ms = crate::managesieve::server::ManageSieveListener {
                access: self.access(name, false),
            };
            tasks.spawn(Arc::new(ms).run(listener, shutdown));
        } else if name == "metrics" {
            tasks.spawn(crate::metrics::serve(
                listener,
                self.backend.pool.clone(),
                shutdown,
            ));
        } else if name == "acme_http" {
            let dir = self.data_dir.root().join("acme").join("challenges");
            tasks.spawn(crate::acme::responder::serve(listener, dir, shutdown));
        } else if name == "web" {
            if let Some(mut cfg) = self.web.clone() {
                cfg.imap_hub = Some(shared.imap_hub.clone());
                let smtp = shared.smtp_settings.clone();
                cfg.submit = Some(crate::web::Submit {
                    backend: self.backend.clone(),
                    session: Arc::new(move || smtp().0),
                });
                cfg.learner = Some(shared.learner.clone());
                tasks.spawn(crate::web::serve(
                    listener,
                    cfg,
                    self.backend.pool.clone(),
                    self.limiters[name].clone(),
                    shutdown,
                ));
            }
        } else if name == "autoconfig" {
            tasks.spawn(crate::autoconfig::serve(
                listener,
                self.backend.pool.clone(),
                shutdown,
            ));
        } else {
            let smtp = SmtpListener::new(
                self.access(name, name == "submissions"),
                service_of(name),
                shared.smtp_settings.clone(),
                self.backend.clone(),
            );
            tasks.spawn(Arc::new(smtp).run(listener, shutdown));
        }
    }
}
