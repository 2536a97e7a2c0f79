//! `tls status|renew`: the certificate in use and its ACME renewal (RFC 8555).
//!
//! Not here: ordering (`crate::acme`), loading certificates into listeners (`net::tls`).

use std::path::PathBuf;

use clap::Subcommand;

use super::{Ctx, Fail};

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// The certificate in use (issuer, names, serial, expiry) and the last ACME result.
    Status,
    /// Order a certificate by ACME now (tls.acme must be on), then tell the daemon to load it.
    Renew,
}

impl Cmd {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        match self {
            Cmd::Status => status(ctx),
            Cmd::Renew => renew(ctx),
        }
    }
}

fn hostname(db: &crate::core::Db) -> anyhow::Result<String> {
    Ok(match db.setting("hostname")? {
        h if h.is_empty() => crate::core::settings::system_hostname(),
        h => h,
    })
}

fn day(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

fn status(ctx: &Ctx) -> anyhow::Result<()> {
    let db = ctx.db()?;
    let cert = match db.setting("tls.cert")? {
        c if c.is_empty() => ctx.data_dir.tls().join("cert.pem"),
        c => PathBuf::from(c),
    };
    let acme = db.setting("tls.acme")?;
    let state_dir = ctx.data_dir.root().join("acme");
    let summary = crate::acme::summary(&cert);
    let last = crate::acme::last_result(&state_dir);
    let json = serde_json::json!({
        "cert": cert,
        "certificate": summary.as_ref().ok(),
        "error": summary.as_ref().err(),
        "acme": acme,
        "last_acme": last,
    });
    ctx.report(&json, || {
        let mut rows: Vec<(String, String)> =
            vec![("certificate".into(), cert.display().to_string())];
        match &summary {
            Ok(s) => {
                rows.push(("issuer".into(), s.issuer.clone()));
                rows.push(("names".into(), s.names.join(", ")));
                rows.push(("serial".into(), s.serial.clone()));
                rows.push(("not after".into(), day(s.not_after)));
            }
            Err(e) => rows.push(("problem".into(), e.clone())),
        }
        rows.push(("acme".into(), acme.clone()));
        if let Some(l) = &last {
            let what = if l.ok { "ok" } else { "failed" };
            rows.push((
                "last order".into(),
                format!("{} {what}: {}", day(l.at), l.message),
            ));
        }
        crate::output::fields(&rows)
    })
}

fn renew(ctx: &Ctx) -> anyhow::Result<()> {
    let db = ctx.db()?;
    let Some(cfg) = crate::acme::Config::from_settings(&db, &ctx.data_dir, &hostname(&db)?)? else {
        return Err(Fail::hint("tls.acme is off", "`mailctl config set tls.acme on` first").into());
    };
    let listen = crate::net::listen::parse_list(&db.setting("listen.acme_http")?)?;
    let owner = crate::core::owner::Owner::lookup(&db.setting("server.user")?);
    drop(db);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let issued = rt.block_on(async {
        // A running daemon holds listen.acme_http and answers from the same challenge
        // files; only when the port is free does this process answer itself.
        let (trigger, shutdown) = crate::net::shutdown::channel();
        for addr in &listen {
            if let Ok(l) = tokio::net::TcpListener::bind(addr).await {
                tokio::spawn(crate::acme::responder::serve(
                    l,
                    cfg.challenges(),
                    shutdown.clone(),
                ));
            }
        }
        let r = crate::acme::order(&cfg).await;
        trigger.fire();
        r
    });
    // Run as root, this process made the account and status files: the daemon renews as
    // server.user and must read them (the account key above all, or it makes a new account).
    if let Some(o) = &owner {
        for f in ["account.json", "status.json", "challenges"] {
            let _ = crate::core::owner::give(&cfg.state_dir.join(f), o);
        }
    }
    let issued = issued.map_err(|e| {
        Fail::hint(
            format!("the ACME order failed: {e}"),
            "the current certificate stays in use; `mailctl tls status` shows it",
        )
    })?;
    let note = super::reload::tell_daemon(ctx, false);
    let json = serde_json::json!({
        "issued": issued,
        "cert": cfg.cert,
        "daemon": note,
    });
    ctx.report(&json, || {
        format!(
            "issued by {}\n  names:     {}\n  serial:    {}\n  not after: {}\n{}\n",
            issued.issuer,
            issued.names.join(", "),
            issued.serial,
            day(issued.not_after),
            note.message
        )
    })
}
