//! `status`: what is configured, at a glance.

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
    banned: Vec<String>,
    listeners: Vec<Listener>,
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

pub fn run(ctx: &Ctx, _args: Args) -> anyhow::Result<()> {
    let db: Db = ctx.db()?;
    let mut listeners = Vec::new();
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
    let hostname = db.setting("hostname")?;
    let st = Status {
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
        banned: db.bans()?.into_iter().map(|b| b.ip).collect(),
        listeners,
    };
    if ctx.json {
        output::json(&st)?;
        return Ok(());
    }
    let mut out = output::fields(&[
        ("data dir", st.data_dir.clone()),
        ("hostname", st.hostname.clone()),
        ("domains", st.domains.to_string()),
        ("users", st.users.to_string()),
        ("aliases", st.aliases.to_string()),
        (
            "queue",
            format!(
                "{} message(s), {} deferred, {} held",
                st.queue, st.deferred, st.held
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
    ]);
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
    output::print(&out)?;
    Ok(())
}

/// The machine's host name, as `uname -n` gives it.
pub fn system_hostname() -> String {
    crate::core::settings::system_hostname()
}
