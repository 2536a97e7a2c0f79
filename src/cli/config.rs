//! `config list|get|set|unset`: the settings registry from the terminal.
//!
//! `set` and `unset` then tell the user whether a running daemon took the change: they send
//! it SIGHUP and wait for its reload generation (in `run/daemon-PID.json`) to move, or say
//! that the key needs a restart, or what to run when this user may not signal the daemon.

use clap::Subcommand;
use serde::Serialize;

use super::{Ctx, Fail};
use crate::core::settings::{self, SETTINGS};
use crate::output;

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Every setting with its value, default, type and meaning.
    List,
    /// Print one setting's value (the default when unset).
    Get { key: String },
    /// Change a setting; the value is checked before it is stored, and a running daemon is
    /// asked to reload (or told to restart, for listen.*, hostname, server.user, tls paths).
    Set {
        key: String,
        value: String,
        /// Store a mynetworks wider than a /24 (IPv6: /64) or 0.0.0.0/0: an open relay for it.
        #[arg(long)]
        force: bool,
    },
    /// Remove a stored value so the default applies again (a running daemon reloads).
    Unset { key: String },
}

#[derive(Serialize)]
struct Row {
    key: &'static str,
    value: String,
    default: &'static str,
    is_default: bool,
    r#type: String,
    description: &'static str,
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> anyhow::Result<()> {
    let db = ctx.db()?;
    match cmd {
        Cmd::List => {
            let mut rows = Vec::with_capacity(SETTINGS.len());
            for s in SETTINGS {
                let stored = db.stored_setting(s.key)?;
                rows.push(Row {
                    key: s.key,
                    is_default: stored.is_none(),
                    value: stored.unwrap_or_else(|| s.default.to_string()),
                    default: s.default,
                    r#type: s.kind.describe(),
                    description: s.doc,
                });
            }
            if ctx.json {
                output::json(&rows)?;
            } else {
                let table = output::table(
                    &["KEY", "VALUE", "DEFAULT", "TYPE", "MEANING"],
                    rows.iter().map(|r| {
                        vec![
                            r.key.to_string(),
                            if r.is_default {
                                String::new()
                            } else {
                                r.value.clone()
                            },
                            r.default.to_string(),
                            r.r#type.clone(),
                            r.description.to_string(),
                        ]
                    }),
                );
                output::print(&table)?;
            }
        }
        Cmd::Get { key } => {
            let value = db.setting(&key).map_err(|e| Fail::new(e.to_string()))?;
            if ctx.json {
                let def = settings::lookup(&key)
                    .map(|s| s.default)
                    .unwrap_or_default();
                output::json(&serde_json::json!({ "key": key, "value": value, "default": def }))?;
            } else {
                output::print(&value)?;
            }
        }
        Cmd::Set { key, value, force } => {
            let wide = if key == "mynetworks" {
                settings::open_relay_networks(&value)
            } else {
                Vec::new()
            };
            let warning = (!wide.is_empty()).then(|| {
                let nets: Vec<String> = wide.iter().map(|n| n.to_string()).collect();
                format!(
                    "mynetworks {} lets every host in it send mail anywhere without a password: \
                     an open relay for that network, and spam from any infected machine in it \
                     goes out under your name",
                    nets.join(", ")
                )
            });
            if let Some(w) = &warning
                && !force
            {
                return Err(Fail::hint(
                    format!("refused: {w}"),
                    "list the hosts or a /24 (IPv6: /64) at most; pass --force if you really mean it",
                )
                .into());
            }
            if key == "tls.cert" || key == "tls.key" {
                check_tls(ctx, &db, &key, value.trim())?;
            }
            let stored = db
                .set_setting(&key, &value)
                .map_err(|e| Fail::new(e.to_string()))?;
            drop(db);
            let daemon = tell_daemon(ctx, &key);
            if let Some(w) = &warning {
                eprintln!("mailctl: WARNING: {w}");
            }
            if ctx.json {
                output::json(&serde_json::json!({
                    "key": key, "value": stored, "daemon": daemon, "warning": warning,
                }))?;
            } else if !ctx.quiet {
                output::print(&format!("{key} = {stored}\n{}", daemon.message))?;
            }
        }
        Cmd::Unset { key } => {
            let was = db
                .unset_setting(&key)
                .map_err(|e| Fail::new(e.to_string()))?;
            let value = db.setting(&key)?;
            drop(db);
            let daemon = tell_daemon(ctx, &key);
            if ctx.json {
                output::json(
                    &serde_json::json!({ "key": key, "value": value, "was_set": was, "daemon": daemon }),
                )?;
            } else if !ctx.quiet {
                output::print(&format!("{key} = {value} (default)\n{}", daemon.message))?;
            }
        }
    }
    Ok(())
}

/// What became of a change in the running daemon(s).
#[derive(Serialize)]
struct DaemonNote {
    /// `none` (no daemon runs), `applied`, `restart` (this key needs one), `not-signalled`
    /// (no permission), `no-answer` (it did not confirm in time), `failed` (reload errors).
    result: &'static str,
    pids: Vec<u32>,
    message: String,
}

/// How long `config set` waits for a daemon to confirm its reload.
const RELOAD_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

fn tell_daemon(ctx: &Ctx, key: &str) -> DaemonNote {
    use crate::core::runtime;
    let daemons = runtime::running(&ctx.data_dir);
    let pids: Vec<u32> = daemons.iter().map(|d| d.pid).collect();
    let list = pids
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let note = |result, message: String| DaemonNote {
        result,
        pids: pids.clone(),
        message,
    };
    if daemons.is_empty() {
        return note(
            "none",
            "no daemon is running for this data directory; the change applies when it starts".into(),
        );
    }
    if settings::needs_restart(key) {
        return note(
            "restart",
            format!(
                "the running daemon (pid {list}) keeps the old value until restarted: \
                 `systemctl restart mailctl` (or stop and start `mailctl serve`)"
            ),
        );
    }
    let mut waiting = Vec::new();
    for d in &daemons {
        if let Err(e) = runtime::signal_reload(d.pid) {
            return note(
                "not-signalled",
                format!(
                    "cannot ask the daemon (pid {}, running as {}) to reload: {e}; run \
                     `systemctl reload mailctl` or `kill -HUP {}` as root",
                    d.pid, d.user, d.pid
                ),
            );
        }
        waiting.push((d.pid, d.generation));
    }
    let start = std::time::Instant::now();
    let mut errors = Vec::new();
    while !waiting.is_empty() && start.elapsed() < RELOAD_WAIT {
        std::thread::sleep(std::time::Duration::from_millis(50));
        waiting.retain(|(pid, generation)| match runtime::state(&ctx.data_dir, *pid) {
            Some(s) if s.generation > *generation => {
                errors.extend(s.reload_errors);
                false
            }
            _ => true,
        });
    }
    if !waiting.is_empty() {
        return note(
            "no-answer",
            format!(
                "the daemon (pid {list}) was sent SIGHUP but did not confirm a reload within {}s; check its log",
                RELOAD_WAIT.as_secs()
            ),
        );
    }
    if !errors.is_empty() {
        return note(
            "failed",
            format!(
                "the daemon (pid {list}) reloaded with errors and keeps the old values for them: {}",
                errors.join("; ")
            ),
        );
    }
    note(
        "applied",
        format!("the running daemon (pid {list}) reloaded and uses it now"),
    )
}

/// `tls.cert`/`tls.key` are checked as `setup --tls` checks them (issue 16.2): the
/// certificate is valid now and names the host name, and goes with the other half of the
/// pair as configured. Changing both halves is one step: `setup --tls CERT,KEY`.
fn check_tls(ctx: &Ctx, db: &crate::core::Db, key: &str, value: &str) -> anyhow::Result<()> {
    if value.is_empty() {
        return Ok(());
    }
    let configured = |k: &str, default: &str| -> anyhow::Result<std::path::PathBuf> {
        let v = db.setting(k)?;
        Ok(if v.is_empty() {
            ctx.data_dir.tls().join(default)
        } else {
            v.into()
        })
    };
    let (cert, tls_key) = if key == "tls.cert" {
        (value.into(), configured("tls.key", "key.pem")?)
    } else {
        (configured("tls.cert", "cert.pem")?, value.into())
    };
    let hostname = match db.setting("hostname")? {
        h if h.is_empty() => settings::system_hostname(),
        h => h,
    };
    let checked = if tls_key.exists() && cert.exists() {
        super::setup::tls::check_pair(&cert, &tls_key, &hostname)
    } else if key == "tls.cert" {
        super::setup::tls::check_cert(&cert, &hostname)
    } else {
        Err(format!(
            "{} does not exist; set tls.cert first",
            cert.display()
        ))
    };
    checked.map(|_| ()).map_err(|e| {
        Fail::hint(
            format!("{key}: {e}"),
            "to change certificate and key together: `mailctl setup --non-interactive --tls CERT,KEY`",
        )
        .into()
    })
}
