//! `serve [smtp ...] [--dev] [--listen NAME=ADDR:PORT ...]`: runs the daemons.
//!
//! Each service name maps to its listeners (`smtp` → `smtp`, `submission`, `submissions`;
//! `imap` → `imap`, `imaps`; `pop3` → `pop3`, `pop3s`;
//! `managesieve` → `managesieve`; `web` → `web`, webmail). Bound addresses are printed on stderr as
//! `listening NAME ADDR:PORT` lines, so `--listen smtp=127.0.0.1:0` can be used by scripts
//! and tests that need a free port.
//!
//! Started as root it reads the certificate, binds, drops to `server.user`, then checks
//! (`preflight`) that the account can use every file it needs and refuses to start otherwise.
//! It writes `run/daemon-PID.json` for `status` and `config set`; SIGHUP (`reload`) re-reads
//! the certificate and the settings in `tunables`.
//!
//! On a PostgreSQL core (`database.url`, issue 21) several nodes serve one shared data
//! directory: the schema is migrated once at start (a newer one refuses to start), mailbox
//! indexes live in the core, and IDLE hears other nodes through LISTEN (`imap::remote`)
//! rather than inotify.
//!
//! This file only composes: settings (`settings`) → listeners and services (`start`) → run.
//! Not here: protocol reply text or sessions (each protocol's `server.rs`), SQL.

use std::sync::Arc;

use anyhow::Context;

mod heartbeat;
mod preflight;
mod reload;
mod settings;
mod start;
mod tunables;

use super::{Ctx, Fail};
use crate::core::{Address, DataDir, Db, Domain};
use crate::net::limits::ConnLimiter;
use crate::net::live::Live;

/// Service names and the listeners each owns.
const SERVICES: &[(&str, &[&str])] = &[
    ("smtp", &["smtp", "submission", "submissions"]),
    ("imap", &["imap", "imaps"]),
    ("pop3", &["pop3", "pop3s"]),
    ("managesieve", &["managesieve"]),
    ("autoconfig", &["autoconfig"]),
    ("metrics", &["metrics"]),
    ("acme", &["acme_http"]),
    ("web", &["web"]),
];

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Services to run (smtp, imap, pop3, managesieve, autoconfig, metrics, acme, web). Default: all of them.
    pub services: Vec<String>,
    /// Zero-setup demo: data in ./mailctl-dev, domain example.test, a demo user, a
    /// self-signed certificate, loopback ports (SMTP 2525, submission 2587, IMAP 2143, POP3 2110, ManageSieve 4190, webmail 2443).
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
    /// `inbound.checks` as this dev data directory has it.
    checks: bool,
}

fn setup_dev(db: &Db) -> anyhow::Result<DevAccount> {
    let domain = Domain::parse("example.test")?;
    // Only loopback reaches a dev server, and its demo must not wait on internet DNS (SPF,
    // DMARC and DNSBL lookups for the banner's swaks example): the checks start off here, but
    // stay the administrator's to turn on (`config set inbound.checks true` in mailctl-dev).
    if db.stored_setting("inbound.checks")?.is_none() {
        db.set_setting("inbound.checks", "false")?;
    }
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
    Ok(DevAccount {
        user,
        password,
        checks: db.setting_bool("inbound.checks")?,
    })
}

/// glibc malloc arenas (see `run`).
const ARENA_MAX: i32 = 4;
/// Freed chunks glibc keeps per thread and size class (its default is 7): what a
/// long-lived worker keeps after a burst of closes stays resident, a page per chunk
/// (`crate::sys::reexec_with_tcache_count`).
const TCACHE_COUNT: u32 = 1;
/// Most blocking-pool threads: sessions' steps, logins (argon2), SQL, file walks.
const MAX_BLOCKING_THREADS: usize = 128;
/// How long an idle blocking-pool thread waits for work before it exits.
const BLOCKING_KEEP_ALIVE: std::time::Duration = std::time::Duration::from_secs(2);

/// First of all, while nothing is open and one thread runs (the exec starts over): glibc's
/// per-thread cache capped, then logging.
fn start_process(ctx: &Ctx) {
    let reexec = crate::sys::reexec_with_tcache_count(TCACHE_COUNT);
    init_logging(ctx);
    if let Err(e) = reexec {
        tracing::warn!("running with glibc's default per-thread malloc cache: {e}");
    }
}

pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<()> {
    start_process(ctx);
    // Sessions answer "try again later" rather than wait on a sick database.
    crate::core::pgconnect::serving();
    let names = settings::listener_names(&args.services)?;
    let (data_dir, db) = open(ctx, &args)?;
    let dev = if args.dev {
        Some(setup_dev(&db)?)
    } else {
        None
    };
    let mut map = settings::listen_map(&db, &names, &args)?;
    let acme = settings::acme(&db, &data_dir, &mut map)?;
    let tls = settings::tls(&db, &data_dir, args.dev || acme.is_some(), &mut map)?;
    let s = settings::read(&db, &tls.hostname)?;
    let web = settings::web(&db, &map, &tls.store)?;
    crate::auth::cache::configure(crate::auth::cache::Config::from_settings(&db)?);
    drop(db);

    let cert_reader = cert_reader(&args, &s.server_user, &tls)?;

    // Each login hashes with argon2id (19 MiB by default) on a blocking thread. glibc's
    // dynamic mmap threshold would soon serve those from per-thread arenas that are never
    // returned, so a burst of logins would leave hundreds of MiB resident; a fixed threshold
    // keeps big buffers in mmap, released on free.
    crate::sys::set_mmap_threshold(256 << 10);
    // Every thread that allocates under contention gets an arena of its own (8 per core by
    // default), and what a burst of blocking threads freed stays spread over them; a few
    // arenas keep the heap compact enough to give back (`net::trim`).
    crate::sys::set_arena_max(ARENA_MAX);
    // Blocking-pool threads live on 10 s after their last task by default: after a burst
    // (1,000 IDLE sessions woken or closed) hundreds of them, each with its stack, stayed.
    // Bounded, and gone soon after the burst.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(MAX_BLOCKING_THREADS)
        .thread_keep_alive(BLOCKING_KEEP_ALIVE)
        .build()?;
    let _enter = rt.enter();
    crate::net::trim::spawn_trimmer();
    let bound = start::bind_all(&map)?;
    if let Some(a) = &acme {
        start::acme_dirs(a, &s.server_user)?;
    }
    start::drop_privileges(&args, &s.server_user)?;

    // Everything the daemon needs must be usable by the account it now runs as: refuse to
    // start otherwise, naming the file and the fix (issue 16.1).
    let run_as = crate::core::owner::current_user();
    let signing_keys = preflight::check(&data_dir, &s.domains, &run_as, acme.as_ref())?;
    let backend = start::backend(&data_dir, &bound, s.outbound, s.inbound)?;
    if let Some(d) = &dev {
        print_dev_banner(d, &bound, &data_dir);
    }
    let state = start::daemon_state(run_as, &bound, signing_keys);
    reload::publish(&data_dir, &state);
    let limiters = map
        .keys()
        .map(|n| {
            let t = &s.tunables;
            (
                n.clone(),
                ConnLimiter::new(t.max_connections, t.max_connections_per_ip),
            )
        })
        .collect();
    let services = start::Services {
        data_dir: data_dir.clone(),
        hostname: tls.hostname,
        tls: tls.store,
        cert_reader,
        state,
        live: Live::new(s.tunables),
        policy: Live::new(s.policy),
        limiters,
        backend,
        imap_per_user: s.imap_per_user,
        imap_limits: s.imap_limits,
        imap_login_timeout: s.imap_login_timeout,
        pop3_login_timeout: s.pop3_login_timeout,
        acme,
        web,
        indexes: crate::maildir::index::Indexes::of(&data_dir)?,
    };
    rt.block_on(services.run(bound))?;
    crate::core::runtime::remove(&data_dir, std::process::id());
    tracing::info!("stopped");
    Ok(())
}

/// The data directory (`./mailctl-dev` for `--dev`) and its database.
fn open(ctx: &Ctx, args: &Args) -> anyhow::Result<(DataDir, Db)> {
    let data_dir = if args.dev {
        DataDir::new(
            std::env::current_dir()
                .context("current directory")?
                .join("mailctl-dev"),
        )
    } else {
        ctx.data_dir.clone()
    };
    if !args.dev && data_dir.database_url()?.is_none() && !data_dir.db().exists() {
        return Err(super::missing_data_dir(&data_dir).into());
    }
    // The one migration run of this process (PostgreSQL: under an advisory lock, so nodes
    // starting together migrate once); a schema newer than this binary refuses to start.
    let db = Db::open(&data_dir).map_err(|e| super::open_failure(&data_dir, e))?;
    Ok((data_dir, db))
}

/// Dropping root means the certificate can no longer be re-read on SIGHUP if only root
/// may read it (certbot's live/ and archive/ are 0700): keep a root reader for exactly
/// those two files. Forked before the runtime starts, while this process has one thread.
fn cert_reader(
    args: &Args,
    server_user: &str,
    tls: &settings::Tls,
) -> anyhow::Result<Option<Arc<crate::net::privs::FileReader>>> {
    let dropping = !args.dev && crate::sys::is_root() && !server_user.is_empty();
    if !(dropping && tls.store.get().is_some()) {
        return Ok(None);
    }
    Ok(Some(Arc::new(
        crate::net::privs::FileReader::spawn(vec![tls.cert.clone(), tls.key.clone()])
            .map_err(|e| Fail::new(e.to_string()))?,
    )))
}

fn init_logging(ctx: &Ctx) {
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
}

fn print_dev_banner(d: &DevAccount, bound: &start::Bound, data_dir: &DataDir) {
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
    text.push_str(if d.checks {
        "  inbound checks on (SPF, DKIM, DMARC, DNSBL for port 25)\n"
    } else {
        "  inbound checks off (dev default; `config set inbound.checks true` in the data dir and a restart turn them on)\n"
    });
    if let Some(p) = port("web") {
        text.push_str(&format!(
            "\nwebmail (the self-signed certificate needs an exception in the browser):\n  https://127.0.0.1:{p}/  as {}\n",
            d.user
        ));
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
