//! `config set KEY VALUE [--force]`: the value is checked against the setting's type (and,
//! for mynetworks and the TLS paths, against what would go wrong) before it is stored; a
//! running daemon is then told.

use crate::cli::{Ctx, Fail};
use crate::core::settings;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The setting, e.g. mynetworks (`mailctl config list` shows them all).
    key: String,
    /// The new value, checked against the setting's type before it is stored.
    value: String,
    /// Store a mynetworks wider than a /24 (IPv6: /64) or 0.0.0.0/0: an open relay for it.
    #[arg(long)]
    force: bool,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let db = ctx.db()?;
        let Args { key, value, force } = self;
        let warning = open_relay_warning(&key, &value);
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
        let daemon = crate::cli::reload::tell_daemon(ctx, settings::needs_restart(&key));
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
        Ok(())
    }
}

/// What is wrong with a `mynetworks` that makes an open relay of a wide network, if it does.
fn open_relay_warning(key: &str, value: &str) -> Option<String> {
    let wide = if key == "mynetworks" {
        settings::open_relay_networks(value)
    } else {
        Vec::new()
    };
    (!wide.is_empty()).then(|| {
        let nets: Vec<String> = wide.iter().map(|n| n.to_string()).collect();
        format!(
            "mynetworks {} lets every host in it send mail anywhere without a password: \
             an open relay for that network, and spam from any infected machine in it \
             goes out under your name",
            nets.join(", ")
        )
    })
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
        crate::cli::setup::tls::check_pair(&cert, &tls_key, &hostname)
    } else if key == "tls.cert" {
        crate::cli::setup::tls::check_cert(&cert, &hostname)
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
