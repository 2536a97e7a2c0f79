//! What `serve` reads before it binds and drops privileges: which listeners run (service
//! names, `listen.*` settings or the dev ports, `--listen` overrides), the certificate, and
//! the settings each service starts with.
//!
//! Not here: what SIGHUP re-reads (`tunables`, `reload`), starting anything (`start`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::{Args, SERVICES, tunables};
use crate::cli::Fail;
use crate::core::{DataDir, Db, Domain};
use crate::net::listen::{self, ListenMap};
use crate::net::live::ConnPolicy;
use crate::net::tls::{self, TlsStore};
use crate::smtp::outbound::Config as OutboundConfig;

/// The listener names of the services asked for (all of them when none is named).
pub(super) fn listener_names(services: &[String]) -> anyhow::Result<Vec<&'static str>> {
    let mut names: Vec<&str> = Vec::new();
    for s in services {
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
    Ok(names)
}

/// The first free loopback port from `want` on that no other dev listener took already.
fn free_port(want: u16, taken: &[SocketAddr]) -> SocketAddr {
    (want..want.saturating_add(100))
        .map(|p| SocketAddr::from(([127, 0, 0, 1], p)))
        .find(|a| !taken.contains(a) && listen::is_free(*a))
        .unwrap_or(SocketAddr::from(([127, 0, 0, 1], 0)))
}

/// Listeners: settings (or dev defaults), then --listen overrides.
pub(super) fn listen_map(db: &Db, names: &[&str], args: &Args) -> anyhow::Result<ListenMap> {
    let mut map = ListenMap::new();
    for &name in names {
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
                "managesieve" => 4190,
                "web" => 2443,
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
    // `--listen` bypasses `config set`'s validation; an unauthenticated listener must
    // still stay on loopback.
    for key in crate::core::settings::LOOPBACK_ONLY {
        let name = key.trim_start_matches("listen.");
        if let Some(a) = map
            .get(name)
            .into_iter()
            .flatten()
            .find(|a| !a.ip().is_loopback())
        {
            return Err(Fail::usage(format!(
                "{name} on {a}: it has no authentication, so it listens on loopback only (127.0.0.1 or ::1)"
            ))
            .into());
        }
    }
    Ok(map)
}

/// The ACME settings when `tls.acme` is on; otherwise its HTTP-01 responder is not started.
pub(super) fn acme(
    db: &Db,
    data_dir: &DataDir,
    map: &mut ListenMap,
) -> anyhow::Result<Option<crate::acme::Config>> {
    let hostname = match db.setting("hostname")? {
        h if h.is_empty() => crate::core::settings::system_hostname(),
        h => h,
    };
    let cfg = crate::acme::Config::from_settings(db, data_dir, &hostname)?;
    if cfg.is_none() {
        map.remove("acme_http");
    }
    Ok(cfg)
}

/// The certificate and the name the daemons greet with.
pub(super) struct Tls {
    pub cert: PathBuf,
    pub key: PathBuf,
    pub hostname: String,
    pub store: Arc<TlsStore>,
}

/// Opens the certificate (the dev server, and ACME until its first order, make a
/// self-signed one); without one, the implicit-TLS listeners are dropped from `map`.
pub(super) fn tls(
    db: &Db,
    data_dir: &DataDir,
    self_signed: bool,
    map: &mut ListenMap,
) -> anyhow::Result<Tls> {
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
    if self_signed && !cert.exists() {
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
    Ok(Tls {
        cert,
        key,
        hostname,
        store: tls_store,
    })
}

/// The settings the services start with.
pub(super) struct Settings {
    pub tunables: tunables::Tunables,
    pub policy: ConnPolicy,
    pub imap_per_user: usize,
    pub imap_limits: crate::imap::mailstore::Limits,
    pub imap_login_timeout: Duration,
    pub pop3_login_timeout: Duration,
    pub server_user: String,
    pub outbound: OutboundConfig,
    pub domains: Vec<Domain>,
    pub inbound: Option<Arc<crate::inbound::Inbound>>,
}

pub(super) fn read(db: &Db, hostname: &str) -> anyhow::Result<Settings> {
    let (tunables, policy) = tunables::read(db, hostname)?;
    // At least a second, so a zero cannot turn every connection away.
    let login_timeout = |key: &str| -> anyhow::Result<Duration> {
        Ok(db.setting_duration(key)?.max(Duration::from_secs(1)))
    };
    Ok(Settings {
        tunables,
        policy,
        imap_per_user: db.setting_u64("imap.max_connections_per_user")? as usize,
        imap_limits: crate::imap::mailstore::Limits {
            max_mailboxes: db.setting_u64("imap.max_mailboxes")? as usize,
            max_subscriptions: db.setting_u64("imap.max_subscriptions")? as usize,
            max_keywords: db.setting_u64("imap.max_keywords")? as usize,
        },
        imap_login_timeout: login_timeout("imap.timeout.login")?,
        pop3_login_timeout: login_timeout("pop3.timeout.login")?,
        server_user: db.setting("server.user")?,
        outbound: OutboundConfig::from_settings(db, Vec::new())
            .map_err(|e| Fail::new(e.to_string()))?,
        domains: db.domains()?.into_iter().map(|d| d.name).collect(),
        inbound: inbound(db, hostname)?,
    })
}

/// The inbound checks, when `inbound.checks` is on.
fn inbound(db: &Db, hostname: &str) -> anyhow::Result<Option<Arc<crate::inbound::Inbound>>> {
    if !db.setting_bool("inbound.checks")? {
        return Ok(None);
    }
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
        hostname,
    )
    .map_err(|e| Fail::hint(e, "`mailctl config list` shows the inbound.* settings"))?;
    Ok(Some(Arc::new(crate::inbound::Inbound {
        checker: crate::inbound::Checker::new(resolver),
        policy,
    })))
}

/// The web listener's settings when it runs: HTTPS with the certificate, or plain HTTP
/// (`web.tls off`) on loopback addresses only, refused otherwise.
pub(super) fn web(
    db: &Db,
    map: &ListenMap,
    store: &Arc<TlsStore>,
) -> anyhow::Result<Option<crate::web::Config>> {
    let Some(addrs) = map.get("web").filter(|a| !a.is_empty()) else {
        return Ok(None);
    };
    let plain = db.setting("web.tls")? == "off";
    if plain {
        if let Some(a) = addrs.iter().find(|a| !a.ip().is_loopback()) {
            return Err(Fail::hint(
                format!("web on {a} with web.tls off: plain HTTP would send passwords and mail in the clear"),
                "listen on 127.0.0.1 or ::1 behind a TLS proxy, or `mailctl config set web.tls on` with a certificate",
            )
            .into());
        }
    } else if store.get().is_none() {
        return Err(Fail::hint(
            "web needs a certificate for HTTPS and there is none",
            "set tls.cert/tls.key (or tls.acme on), or for a loopback listener behind a TLS proxy `mailctl config set web.tls off`",
        )
        .into());
    }
    Ok(Some(crate::web::Config {
        tls: (!plain).then(|| store.clone()),
        session_idle: db
            .setting_duration("web.session_idle")?
            .max(Duration::from_secs(60)),
        login_rate_limit: db.setting_u64("web.login_rate_limit")?.min(u32::MAX as u64) as u32,
        imap_hub: None,
        submit: None,
        learner: None,
    }))
}
