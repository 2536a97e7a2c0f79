//! `serve [smtp ...] [--dev] [--listen NAME=ADDR:PORT ...]`: runs the daemons.
//!
//! Each service name maps to its listeners (`smtp` → `smtp`, `submission`, `submissions`;
//! `imap` → `imap`, `imaps`; `pop3` → `pop3`, `pop3s`). Bound addresses are printed on stderr as
//! `listening NAME ADDR:PORT` lines, so `--listen smtp=127.0.0.1:0` can be used by scripts
//! and tests that need a free port.
//!
//! Started as root it reads the certificate, binds, drops to `server.user`, then checks
//! (`preflight`) that the account can use every file it needs and refuses to start otherwise.
//! It writes `run/daemon-PID.json` for `status` and `config set`; SIGHUP (`reload`) re-reads
//! the certificate and the settings in `tunables`.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

mod preflight;
mod reload;
mod tunables;

use super::{Ctx, Fail};
use crate::core::pool::DbPool;
use crate::core::runtime::DaemonState;
use crate::core::{Address, DataDir, Db, Domain};
use crate::net::limits::ConnLimiter;
use crate::net::listen::{self, ListenMap};
use crate::net::live::{ConnPolicy, Live};
use crate::net::shutdown::{self, Shutdown};
use crate::net::tls::{self, TlsStore};
use crate::smtp::backend::{self, Backend};
use crate::smtp::delivery::Deliverer;
use crate::smtp::outbound::{Config as OutboundConfig, Outbound};
use crate::smtp::session::Service;

/// Service names and the listeners each owns.
const SERVICES: &[(&str, &[&str])] = &[
    ("smtp", &["smtp", "submission", "submissions"]),
    ("imap", &["imap", "imaps"]),
    ("pop3", &["pop3", "pop3s"]),
    ("autoconfig", &["autoconfig"]),
];

/// How long shutdown waits for transactions in flight before exiting anyway.
const DRAIN: Duration = Duration::from_secs(30);

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Services to run (smtp, imap, pop3, autoconfig). Default: all of them.
    pub services: Vec<String>,
    /// Zero-setup demo: data in ./mailctl-dev, domain example.test, a demo user, a
    /// self-signed certificate, loopback ports (SMTP 2525, submission 2587, IMAP 2143, POP3 2110).
    #[arg(long)]
    pub dev: bool,
    /// Override a listener: NAME=ADDR:PORT (repeatable; port 0 picks a free port).
    #[arg(long = "listen", value_name = "NAME=ADDR:PORT")]
    pub listen: Vec<String>,
    /// Keep running as root when server.user is empty (containers with no other account).
    #[arg(long)]
    pub allow_root: bool,
}

struct DevAccount {
    user: Address,
    password: String,
}

fn setup_dev(db: &Db) -> anyhow::Result<DevAccount> {
    let domain = Domain::parse("example.test")?;
    if !db.domain_exists(&domain)? {
        db.add_domain(&domain)?;
    }
    let user = Address::parse("demo@example.test")?;
    let password = crate::auth::random_password(16);
    let hash = crate::auth::hash_password(&password, crate::auth::HashCost::from_settings(db)?)?;
    if db.user(&user)?.is_some() {
        // The old password cannot be shown again; a new one is printed instead.
        db.set_password_hash(&user, &hash)?;
    } else {
        db.add_user(&crate::core::users::NewUser {
            address: user.clone(),
            password_hash: hash,
            quota: 0,
        })?;
    }
    Ok(DevAccount { user, password })
}

/// Loopback port `want`, or the next free one.
/// The first free loopback port from `want` on that no other dev listener took already.
fn free_port(want: u16, taken: &[SocketAddr]) -> SocketAddr {
    (want..want.saturating_add(100))
        .map(|p| SocketAddr::from(([127, 0, 0, 1], p)))
        .find(|a| !taken.contains(a) && listen::is_free(*a))
        .unwrap_or(SocketAddr::from(([127, 0, 0, 1], 0)))
}

fn service_of(listener: &str) -> Service {
    match listener {
        "submission" => Service::Submission,
        "submissions" => Service::Submissions,
        _ => Service::Mx,
    }
}

pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<()> {
    let filter = tracing_subscriber::EnvFilter::try_from_env("MAILCTL_LOG").unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new(match (ctx.quiet, ctx.verbose) {
            (true, _) => "warn",
            (_, 0) => "info",
            (_, 1) => "debug",
            _ => "trace",
        })
    });
    // Colours only for a person at a terminal; under systemd (JOURNAL_STREAM is set) the
    // journal stamps each line itself, so ours would be noise.
    let ansi = crate::output::stderr_is_tty() && std::env::var_os("NO_COLOR").is_none();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi);
    let _ = if std::env::var_os("JOURNAL_STREAM").is_some() {
        builder.without_time().try_init()
    } else {
        builder.try_init()
    };

    let mut names: Vec<&str> = Vec::new();
    for s in &args.services {
        match SERVICES.iter().find(|(n, _)| n == s) {
            Some((_, listeners)) => names.extend(listeners.iter()),
            None => {
                let known: Vec<&str> = SERVICES.iter().map(|(n, _)| *n).collect();
                return Err(Fail::usage(format!(
                    "unknown service '{s}'; known: {}",
                    known.join(", ")
                ))
                .into());
            }
        }
    }
    if names.is_empty() {
        names = SERVICES
            .iter()
            .flat_map(|(_, l)| l.iter().copied())
            .collect();
    }

    let data_dir = if args.dev {
        DataDir::new(
            std::env::current_dir()
                .context("current directory")?
                .join("mailctl-dev"),
        )
    } else {
        ctx.data_dir.clone()
    };
    if !args.dev && !data_dir.db().exists() {
        return Err(super::missing_data_dir(&data_dir).into());
    }
    let db = Db::open(&data_dir).map_err(|e| {
        Fail::hint(
            format!(
                "cannot open the database in {}: {e}",
                data_dir.root().display()
            ),
            "pass --data-dir DIR",
        )
    })?;
    let dev = if args.dev {
        Some(setup_dev(&db)?)
    } else {
        None
    };

    // Listeners: settings (or dev defaults), then --listen overrides.
    let mut map = ListenMap::new();
    for &name in &names {
        let addrs = if args.dev {
            let want = match name {
                "smtp" => 2525,
                "submission" => 2587,
                "submissions" => 2465,
                "imap" => 2143,
                "imaps" => 2993,
                "pop3" => 2110,
                "pop3s" => 2995,
                "autoconfig" => 2080,
                _ => 2900,
            };
            let taken: Vec<SocketAddr> = map.values().flatten().copied().collect();
            vec![free_port(want, &taken)]
        } else {
            listen::parse_list(&db.setting(&format!("listen.{name}"))?)?
        };
        map.insert(name.to_string(), addrs);
    }
    let mut overrides = Vec::new();
    for spec in &args.listen {
        let (name, addr) = listen::parse_override(spec).map_err(|e| Fail::usage(e.to_string()))?;
        if !names.contains(&name.as_str()) {
            return Err(Fail::usage(format!(
                "--listen {spec}: no listener '{name}' in the services run ({})",
                names.join(", ")
            ))
            .into());
        }
        overrides.push((name, addr));
    }
    listen::apply_overrides(&mut map, &overrides);

    // TLS.
    let setting_path = |key: &str, default: PathBuf| -> anyhow::Result<PathBuf> {
        let v = db.setting(key)?;
        Ok(if v.is_empty() {
            default
        } else {
            PathBuf::from(v)
        })
    };
    let cert = setting_path("tls.cert", data_dir.tls().join("cert.pem"))?;
    let key = setting_path("tls.key", data_dir.tls().join("key.pem"))?;
    let hostname = match db.setting("hostname")? {
        h if h.is_empty() => crate::core::settings::system_hostname(),
        h => h,
    };
    if args.dev && !cert.exists() {
        tls::write_self_signed(
            &[
                hostname.clone(),
                "localhost".into(),
                "mail.example.test".into(),
            ],
            &cert,
            &key,
        )?;
    }
    let tls_store = TlsStore::open(cert.clone(), key.clone()).map_err(|e| {
        Fail::hint(
            e.to_string(),
            "fix tls.cert/tls.key, or remove both files to run without TLS",
        )
    })?;
    if tls_store.get().is_none() {
        tracing::warn!(
            "no certificate at {}: STARTTLS is off and submissions (465) is not started",
            cert.display()
        );
        map.remove("submissions");
        map.remove("pop3s");
        map.remove("imaps");
    }

    let (tunables, policy) = tunables::read(&db, &hostname)?;
    let imap_per_user = db.setting_u64("imap.max_connections_per_user")? as usize;
    // At least a second, so a zero cannot turn every connection away.
    let login_timeout = |key: &str| -> anyhow::Result<Duration> {
        Ok(db.setting_duration(key)?.max(Duration::from_secs(1)))
    };
    let imap_limits = crate::imap::store::Limits {
        max_mailboxes: db.setting_u64("imap.max_mailboxes")? as usize,
        max_subscriptions: db.setting_u64("imap.max_subscriptions")? as usize,
        max_keywords: db.setting_u64("imap.max_keywords")? as usize,
    };
    let imap_login_timeout = login_timeout("imap.timeout.login")?;
    let pop3_login_timeout = login_timeout("pop3.timeout.login")?;
    let server_user = db.setting("server.user")?;
    let mut outbound_cfg =
        OutboundConfig::from_settings(&db, Vec::new()).map_err(|e| Fail::new(e.to_string()))?;
    let domains: Vec<Domain> = db.domains()?.into_iter().map(|d| d.name).collect();
    let inbound = if db.setting_bool("inbound.checks")? {
        let servers: Vec<SocketAddr> = db
            .setting("dns.nameserver")?
            .split(',')
            .filter(|s| !s.is_empty())
            .filter_map(|s| crate::core::settings::parse_nameserver(s).ok())
            .collect();
        let resolver =
            crate::dns::resolver(&servers, crate::dns::Purpose::Delivery).map_err(Fail::new)?;
        let policy = crate::inbound::Policy::from_lookup(
            |k| db.setting(k).unwrap_or_default(),
            Vec::new(),
            &hostname,
        )
        .map_err(|e| Fail::hint(e, "`mailctl config list` shows the inbound.* settings"))?;
        Some(Arc::new(crate::inbound::Inbound {
            checker: crate::inbound::Checker::new(resolver),
            policy,
        }))
    } else {
        None
    };
    drop(db);

    // Dropping root means the certificate can no longer be re-read on SIGHUP if only root
    // may read it (certbot's live/ and archive/ are 0700): keep a root reader for exactly
    // those two files. Forked here, while this process has one thread.
    let dropping = !args.dev && crate::sys::is_root() && !server_user.is_empty();
    let cert_reader = if dropping && tls_store.get().is_some() {
        Some(Arc::new(
            crate::net::privs::FileReader::spawn(vec![cert.clone(), key.clone()])
                .map_err(|e| Fail::new(e.to_string()))?,
        ))
    } else {
        None
    };

    // Each login hashes with argon2id (19 MiB by default) on a blocking thread. glibc's
    // dynamic mmap threshold would soon serve those from per-thread arenas that are never
    // returned, so a burst of logins would leave hundreds of MiB resident; a fixed threshold
    // keeps big buffers in mmap, released on free.
    crate::sys::set_mmap_threshold(256 << 10);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let _enter = rt.enter();
    // Bind everything first, then drop root.
    let mut bound = Vec::new();
    for (name, addrs) in &map {
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
    // The dev server runs as whoever started it, data in the cwd. Otherwise root only binds:
    // a mail daemon parsing the world's input must not keep root's powers.
    if !args.dev && crate::sys::is_root() {
        if !server_user.is_empty() {
            crate::net::privs::drop_to(&server_user).map_err(|e| {
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

    // Everything the daemon needs must be usable by the account it now runs as: refuse to
    // start otherwise, naming the file and the fix (issue 16.1).
    let run_as = crate::core::owner::current_user();
    let signing_keys = preflight::check(&data_dir, &domains, &run_as)?;
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
                &data_dir,
                outbound_cfg,
                Box::new(move |id| local.enqueue(id)),
            )
            .map_err(Fail::new)?,
        )
    };
    deliverer.start(4);
    let committer = backend::Committer::start(pool.clone());
    let backend = Arc::new(Backend {
        pool,
        queue_dir,
        deliverer,
        committer,
        outbound: outbound.clone(),
        inbound,
    });

    if let Some(d) = &dev {
        print_dev_banner(d, &bound, &data_dir);
    }
    // What `status` and `config set` read: this daemon, its real listeners, its keys.
    let state = Arc::new(std::sync::Mutex::new(DaemonState {
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
        dkim: signing_keys,
    }));
    reload::publish(&data_dir, &state);
    let runtime_dir = data_dir.clone();

    let limiters: BTreeMap<String, Arc<ConnLimiter>> = map
        .keys()
        .map(|n| {
            (
                n.clone(),
                ConnLimiter::new(tunables.max_connections, tunables.max_connections_per_ip),
            )
        })
        .collect();
    let live = crate::net::live::Live::new(tunables);
    let append_limit: Arc<dyn Fn() -> u64 + Send + Sync> = {
        let live = live.clone();
        Arc::new(move || live.get().session.max_message_size)
    };
    let policy = crate::net::live::Live::new(policy);

    rt.block_on(async move {
        let (trigger, shutdown) = shutdown::channel();
        let reload = reload::Reload {
            data_dir: data_dir.clone(),
            hostname: hostname.clone(),
            tls: tls_store.clone(),
            cert_reader: cert_reader.clone(),
            state: state.clone(),
            live: live.clone(),
            policy: policy.clone(),
            limiters: limiters.values().cloned().collect(),
            outbound: outbound.clone(),
        };
        let signals = shutdown::handle_signals(trigger, move || {
            let r = reload.clone();
            // Files and the database: blocking work, off the runtime's workers.
            tokio::task::spawn_blocking(move || r.run());
        })?;
        tokio::spawn(signals);
        let mut tasks = tokio::task::JoinSet::new();
        if let Some(o) = outbound {
            tasks.spawn(o.run(shutdown.clone()));
        }
        let access = |name: &str, implicit_tls: bool| crate::net::conn::Access {
            hostname: hostname.clone(),
            implicit_tls,
            pool: backend.pool.clone(),
            tls: tls_store.clone(),
            limiter: limiters[name].clone(),
            policy: policy.clone(),
            login_timeout: if name.starts_with("imap") {
                imap_login_timeout
            } else {
                pop3_login_timeout
            },
        };
        let imap_hub = crate::imap::watch::Hub::new();
        let imap_users = crate::imap::server::UserSessions::new(imap_per_user);
        for (name, _, l) in bound {
            let listener = tokio::net::TcpListener::from_std(l)?;
            if name.starts_with("imap") {
                let imap = crate::imap::server::ImapListener {
                    access: access(&name, name == "imaps"),
                    append_limit: append_limit.clone(),
                    limits: imap_limits,
                    hub: imap_hub.clone(),
                    users: imap_users.clone(),
                };
                tasks.spawn(Arc::new(imap).run(listener, shutdown.clone()));
                continue;
            }
            if name.starts_with("pop3") {
                let pop = crate::pop3::server::Pop3Listener {
                    access: access(&name, name == "pop3s"),
                };
                tasks.spawn(Arc::new(pop).run(listener, shutdown.clone()));
                continue;
            }
            if name == "autoconfig" {
                tasks.spawn(crate::autoconfig::serve(
                    listener,
                    backend.pool.clone(),
                    shutdown.clone(),
                ));
                continue;
            }
            let acc = Acceptor {
                service: service_of(&name),
                live: live.clone(),
                policy: policy.clone(),
                backend: backend.clone(),
                tls: tls_store.clone(),
                limiter: limiters[&name].clone(),
            };
            tasks.spawn(acc.run(listener, shutdown.clone()));
        }
        // Listeners are bound, privileges dropped, signal handlers in place: ready.
        crate::net::notify::notify("READY=1");
        while tasks.join_next().await.is_some() {}
        Ok::<(), anyhow::Error>(())
    })?;
    crate::core::runtime::remove(&runtime_dir, std::process::id());
    tracing::info!("stopped");
    Ok(())
}

struct Acceptor {
    service: Service,
    /// Limits and timeouts, swapped on SIGHUP; each connection takes one snapshot.
    live: Arc<Live<tunables::Tunables>>,
    policy: Arc<Live<ConnPolicy>>,
    backend: Arc<Backend>,
    tls: Arc<TlsStore>,
    limiter: Arc<ConnLimiter>,
}

impl Acceptor {
    async fn run(self, listener: tokio::net::TcpListener, mut shutdown: Shutdown) {
        let mut conns = tokio::task::JoinSet::new();
        loop {
            let accepted = tokio::select! {
                r = listener.accept() => r,
                _ = shutdown.wait() => break,
            };
            let (tcp, peer) = match accepted {
                Ok(x) => x,
                Err(e) => {
                    tracing::warn!("accept: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            while conns.try_join_next().is_some() {}
            let ip = peer.ip();
            let snapshot = self.live.get();
            let host = snapshot.session.hostname.clone();
            let permit = match self.limiter.try_acquire(ip) {
                Ok(p) => p,
                Err(why) => {
                    tracing::warn!(%peer, ?why, "connection refused: limit reached");
                    conns.spawn(refuse(
                        tcp,
                        format!("421 4.7.0 {host} Too many connections; try again later\r\n"),
                    ));
                    continue;
                }
            };
            let policy = self.policy.get();
            let mut cfg = snapshot.session.clone();
            cfg.service = self.service;
            cfg.remote_ip = ip;
            cfg.trusted_network = policy.trusted(ip);
            cfg.plaintext_auth = policy.plaintext_loopback && ip.is_loopback();
            let (backend, tls, sd) = (self.backend.clone(), self.tls.clone(), shutdown.clone());
            let timeouts = snapshot.timeouts;
            conns.spawn(async move {
                let _permit = permit;
                let pool = backend.pool.clone();
                let ip_s = ip.to_string();
                let banned = tokio::task::spawn_blocking(move || pool.get().and_then(|db| db.ban_until(&ip_s)))
                    .await
                    .ok()
                    .and_then(Result::ok)
                    .flatten()
                    .is_some();
                if banned {
                    refuse(tcp, format!("421 4.7.0 {host} Too many failed logins from your address; try again later\r\n")).await;
                    return;
                }
                crate::smtp::conn::serve_connection(tcp, peer, cfg, backend, tls, sd, timeouts).await;
            });
        }
        // Stop taking connections at once (the kernel would queue them otherwise), then let
        // sessions finish their transactions, for a bounded time.
        drop(listener);
        let _ =
            tokio::time::timeout(DRAIN, async { while conns.join_next().await.is_some() {} }).await;
    }
}

async fn refuse(mut tcp: tokio::net::TcpStream, line: String) {
    use tokio::io::AsyncWriteExt;
    let _ = tcp.write_all(line.as_bytes()).await;
    let _ = tcp.shutdown().await;
}

fn print_dev_banner(
    d: &DevAccount,
    bound: &[(String, SocketAddr, std::net::TcpListener)],
    data_dir: &DataDir,
) {
    let port = |n: &str| {
        bound
            .iter()
            .find(|(name, _, _)| name == n)
            .map(|(_, a, _)| a.port())
    };
    let mut text = format!(
        "mailctl dev server\n  data dir:   {}\n  domain:     example.test\n  user:       {}\n  password:   {}\n",
        data_dir.root().display(),
        d.user,
        d.password
    );
    for (name, addr, _) in bound {
        text.push_str(&format!("  {name:<11} {addr}\n"));
    }
    if let Some(p) = port("submission") {
        text.push_str(&format!(
            "\nsend a test message through submission:\n  swaks --server 127.0.0.1:{p} --tls --auth PLAIN --auth-user {} --auth-password '{}' --from {} --to {}\n",
            d.user, d.password, d.user, d.user
        ));
    }
    if let Some(p) = port("smtp") {
        text.push_str(&format!(
            "deliver to it as the world would:\n  swaks --server 127.0.0.1:{p} --from someone@example.org --to {}\n",
            d.user
        ));
    }
    let _ = crate::output::print(&text);
}
