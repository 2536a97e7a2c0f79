//! `status`: what is configured, and what is running, at a glance: whether a daemon runs for
//! this data directory (its pid file in `run/` and a liveness check), the listeners it really
//! bound (not the configured defaults), the DKIM keys it signs with, and the inbound checks
//! of port 25: on or off, greylisting, and whether each configured scanner (and rspamd's
//! controller, which learns from Junk moves) answers now.

use serde::Serialize;

use super::Ctx;
use crate::core::Db;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {}

#[derive(Serialize)]
struct Status {
    data_dir: String,
    schema_version: i64,
    hostname: String,
    domains: u64,
    users: u64,
    aliases: u64,
    queue: u64,
    deferred: u64,
    held: u64,
    /// Messages whose spool file failed verification (`queue/quarantine/`).
    quarantined: u64,
    banned: Vec<String>,
    /// Whether a daemon runs for this data directory.
    running: bool,
    daemons: Vec<crate::core::runtime::DaemonState>,
    /// The running daemons' listeners; the configured ones when none runs.
    listeners: Vec<Listener>,
    /// `running` or `configured`: where `listeners` come from.
    listeners_from: &'static str,
    /// Keys the running daemon signs with; when none runs, the keys it would sign with.
    dkim: Vec<crate::core::runtime::SigningKey>,
    inbound: Inbound,
}

/// The inbound checks as configured, and the scanners as they answer now.
#[derive(Serialize)]
struct Inbound {
    /// `inbound.checks`.
    checks: bool,
    /// `inbound.greylist`.
    greylist: bool,
    /// Each configured scanner, asked now.
    scanners: Vec<Scanner>,
    /// The `inbound.*` settings cannot be read (then nothing else here is known).
    error: Option<String>,
}

#[derive(Serialize)]
struct Scanner {
    /// `rspamd`, `spamd`, `clamd`, or `rspamd controller` (learning from Junk moves).
    name: &'static str,
    address: String,
    /// It answered its ping (rspamd and its controller `/ping`, spamd and clamd `PING`).
    ok: bool,
    /// Why not, and what to do.
    error: Option<String>,
    hint: Option<String>,
}

#[derive(Serialize)]
struct Listener {
    service: String,
    addresses: Vec<String>,
}

const SERVICES: [&str; 7] = [
    "smtp",
    "submission",
    "submissions",
    "imap",
    "imaps",
    "pop3",
    "pop3s",
];

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let db: Db = ctx.db()?;
        let st = gather(ctx, &db)?;
        if ctx.json {
            output::json(&st)?;
            return Ok(());
        }
        output::print(&render(&st))?;
        Ok(())
    }
}

fn gather(ctx: &Ctx, db: &Db) -> anyhow::Result<Status> {
    let daemons = crate::core::runtime::running(&ctx.data_dir);
    let listeners = listeners(db, &daemons)?;
    let dkim = signing_keys(ctx, db, &daemons)?;
    let hostname = db.setting("hostname")?;
    let inbound = inbound(db, &hostname)?;
    Ok(Status {
        data_dir: ctx.data_dir.root().display().to_string(),
        schema_version: db.schema_version()?,
        hostname: if hostname.is_empty() {
            system_hostname()
        } else {
            hostname
        },
        domains: db.domains()?.len() as u64,
        users: db.user_count()?,
        aliases: db.alias_count()?,
        queue: db.queue_size()?,
        deferred: db
            .queue_entries(crate::core::outqueue::Filter::Deferred)?
            .len() as u64,
        held: db.queue_entries(crate::core::outqueue::Filter::Held)?.len() as u64,
        quarantined: db
            .queue_entries(crate::core::outqueue::Filter::Quarantined)?
            .len() as u64,
        banned: db.bans()?.into_iter().map(|b| b.ip).collect(),
        running: !daemons.is_empty(),
        listeners_from: if daemons.is_empty() {
            "configured"
        } else {
            "running"
        },
        daemons,
        listeners,
        dkim,
        inbound,
    })
}

/// The inbound settings, and a ping of each configured scanner (all at once, each within
/// `inbound.scan_timeout`).
fn inbound(db: &Db, hostname: &str) -> anyhow::Result<Inbound> {
    let mut out = Inbound {
        checks: db.setting("inbound.checks")? == "true",
        greylist: db.setting("inbound.greylist")? == "true",
        scanners: Vec::new(),
        error: None,
    };
    let policy = crate::inbound::Policy::from_lookup(
        |k| db.setting(k).unwrap_or_default(),
        Vec::new(),
        hostname,
    );
    let learn =
        crate::inbound::scan::learn::Settings::from_lookup(|k| db.setting(k).unwrap_or_default());
    let (sc, learn) = match (policy, learn) {
        (Ok(p), Ok(l)) => (p.scanners, l),
        (Err(e), _) | (_, Err(e)) => {
            out.error = Some(e);
            return Ok(out);
        }
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    use crate::inbound::scan::{clamd, rspamd, spamd};
    let (r, sa, c, l) = rt.block_on(async {
        let r = async {
            match &sc.rspamd {
                Some(ep) => Some((ep.to_string(), rspamd::ping(ep, sc.timeout).await)),
                None => None,
            }
        };
        let sa = async {
            match &sc.spamd {
                Some(ep) => Some((ep.to_string(), spamd::ping(ep, sc.timeout).await)),
                None => None,
            }
        };
        let c = async {
            match &sc.clamd {
                Some(ep) => Some((ep.to_string(), clamd::ping(ep, sc.timeout).await)),
                None => None,
            }
        };
        // The controller answers /ping as the normal worker does.
        let l = async {
            match &learn.controller {
                Some(ep) => Some((ep.to_string(), rspamd::ping(ep, learn.timeout).await)),
                None => None,
            }
        };
        tokio::join!(r, sa, c, l)
    });
    let down = |what: &str, key: &str, action: crate::inbound::Action| {
        format!(
            "start {what} or correct `mailctl config set inbound.{key} ADDRESS`; while it is \
             down, port-25 mail is handled as inbound.{key}_down says ({})",
            action.as_str()
        )
    };
    for (name, pinged, hint) in [
        ("rspamd", r, down("rspamd", "rspamd", sc.rspamd_down)),
        ("spamd", sa, down("spamd", "spamd", sc.spamd_down)),
        (
            "clamd",
            c,
            down("clamd (clamav-daemon)", "clamd", sc.clamd_down),
        ),
        (
            "rspamd controller",
            l,
            "start rspamd's controller worker or correct `mailctl config set \
             inbound.rspamd_controller ADDRESS` (`inbound.learn false` turns learning off); \
             until then users' Junk moves teach rspamd nothing"
                .to_string(),
        ),
    ] {
        if let Some((address, res)) = pinged {
            out.scanners.push(Scanner {
                name,
                address,
                ok: res.is_ok(),
                hint: res.is_err().then_some(hint),
                error: res.err(),
            });
        }
    }
    Ok(out)
}

/// The running daemons' listeners, or the configured ones when none runs.
fn listeners(
    db: &Db,
    daemons: &[crate::core::runtime::DaemonState],
) -> anyhow::Result<Vec<Listener>> {
    let mut listeners = Vec::new();
    if daemons.is_empty() {
        for s in SERVICES {
            let v = db.setting(&format!("listen.{s}"))?;
            listeners.push(Listener {
                service: s.to_string(),
                addresses: v
                    .split(',')
                    .filter(|a| !a.is_empty())
                    .map(str::to_string)
                    .collect(),
            });
        }
    } else {
        for l in daemons.iter().flat_map(|d| &d.listeners) {
            match listeners
                .iter_mut()
                .find(|x: &&mut Listener| x.service == l.name)
            {
                Some(x) => x.addresses.push(l.address.clone()),
                None => listeners.push(Listener {
                    service: l.name.clone(),
                    addresses: vec![l.address.clone()],
                }),
            }
        }
    }
    Ok(listeners)
}

/// The keys the running daemons sign with; when none runs, the keys it would sign with.
fn signing_keys(
    ctx: &Ctx,
    db: &Db,
    daemons: &[crate::core::runtime::DaemonState],
) -> anyhow::Result<Vec<crate::core::runtime::SigningKey>> {
    Ok(if daemons.is_empty() {
        // Keys the daemon's account could read, i.e. what it would sign with.
        let owner = crate::core::owner::Owner::lookup(&db.setting("server.user")?);
        db.domains()?
            .iter()
            .flat_map(|d| crate::dkim::keys_each(&ctx.data_dir.dkim(), &d.name))
            .filter_map(Result::ok)
            .filter(|k| {
                owner
                    .as_ref()
                    .is_none_or(|o| crate::core::owner::readable_by(&k.path, o))
            })
            .map(|k| crate::core::runtime::SigningKey {
                domain: k.domain,
                selector: k.selector,
                path: k.path.display().to_string(),
            })
            .collect()
    } else {
        let mut v: Vec<_> = daemons.iter().flat_map(|d| d.dkim.clone()).collect();
        v.dedup();
        v
    })
}

/// The text form: the fields, then the listeners' table.
fn render(st: &Status) -> String {
    let mut pairs = vec![
        ("data dir", st.data_dir.clone()),
        ("daemon", daemon_line(st)),
        ("DKIM signing", dkim_line(st)),
        ("hostname", st.hostname.clone()),
        ("domains", st.domains.to_string()),
        ("users", st.users.to_string()),
        ("aliases", st.aliases.to_string()),
        (
            "queue",
            format!(
                "{} message(s), {} deferred, {} held{}",
                st.queue,
                st.deferred,
                st.held,
                if st.quarantined > 0 {
                    format!(
                        ", {} QUARANTINED (damaged spool file; see `mailctl queue list --quarantined`)",
                        st.quarantined
                    )
                } else {
                    String::new()
                }
            ),
        ),
        (
            "banned",
            if st.banned.is_empty() {
                "none".to_string()
            } else {
                st.banned.join(", ")
            },
        ),
        ("inbound checks", inbound_line(&st.inbound)),
    ];
    // A scanner that does not answer is an error with what to do, never "ok".
    for s in &st.inbound.scanners {
        let line = match (&s.error, &s.hint) {
            (Some(e), Some(h)) => format!("ERROR: {e}\n  -> {h}"),
            (Some(e), None) => format!("ERROR: {e}"),
            _ => format!("ok, answering at {}", s.address),
        };
        pairs.push((s.name, line));
    }
    let mut out = output::fields(&pairs);
    out.push('\n');
    out.push_str(&output::table(
        &["SERVICE", "LISTEN"],
        st.listeners.iter().map(|l| {
            vec![
                l.service.clone(),
                if l.addresses.is_empty() {
                    "off".into()
                } else {
                    l.addresses.join(", ")
                },
            ]
        }),
    ));
    out
}

fn daemon_line(st: &Status) -> String {
    if st.daemons.is_empty() {
        "not running (listeners below are the configured ones)".to_string()
    } else {
        st.daemons
            .iter()
            .map(|d| {
                format!(
                    "running, pid {} as {} since {}{}",
                    d.pid,
                    d.user,
                    super::timestamp(d.started),
                    d.reloaded
                        .map(|t| format!(", reloaded {}", super::timestamp(t)))
                        .unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

fn inbound_line(i: &Inbound) -> String {
    if let Some(e) = &i.error {
        return format!("ERROR: {e} (`mailctl config list` shows the inbound.* settings)");
    }
    let on = |b: bool| if b { "on" } else { "off" };
    let scanners = if i.scanners.is_empty() {
        "no scanner configured".to_string()
    } else {
        let names: Vec<&str> = i.scanners.iter().map(|s| s.name).collect();
        format!("scanners {}", names.join(", "))
    };
    format!(
        "{} (port 25), greylisting {}, {scanners}",
        on(i.checks),
        on(i.greylist)
    )
}

fn dkim_line(st: &Status) -> String {
    if st.dkim.is_empty() {
        "none: outbound mail is not signed (`mailctl dkim generate DOMAIN`)".to_string()
    } else {
        st.dkim
            .iter()
            .map(|k| format!("{} ({})", k.domain, k.selector))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The machine's host name, as `uname -n` gives it.
pub fn system_hostname() -> String {
    crate::core::settings::system_hostname()
}
