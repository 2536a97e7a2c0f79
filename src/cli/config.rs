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
    Get {
        /// The setting, e.g. mynetworks (`mailctl config list` shows them all).
        key: String,
    },
    /// Change a setting; the value is checked before it is stored, and a running daemon is
    /// asked to reload (or told to restart, for listen.*, hostname, server.user, tls paths).
    Set {
        /// The setting, e.g. mynetworks (`mailctl config list` shows them all).
        key: String,
        /// The new value, checked against the setting's type before it is stored.
        value: String,
        /// Store a mynetworks wider than a /24 (IPv6: /64) or 0.0.0.0/0: an open relay for it.
        #[arg(long)]
        force: bool,
    },
    /// Remove a stored value so the default applies again (a running daemon reloads).
    Unset {
        /// The setting to return to its default.
        key: String,
    },
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
            let daemon = super::reload::tell_daemon(ctx, settings::needs_restart(&key));
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
            let daemon = super::reload::tell_daemon(ctx, settings::needs_restart(&key));
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
