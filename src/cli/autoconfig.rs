//! `autoconfig DOMAIN`: the client autoconfiguration document, to host on any web server at
//! `https://autoconfig.DOMAIN/mail/config-v1.1.xml` (or let `serve` answer it on
//! `listen.autoconfig`).

use super::{Ctx, Fail};
use crate::autoconfig::{Endpoints, config_xml};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A domain this server receives mail for.
    pub domain: String,
}

pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<()> {
    let domain = super::domain::parse(&args.domain)?;
    let db = ctx.db()?;
    if !db.domain_exists(&domain)? {
        return Err(Fail::hint(
            format!("{domain} is not served here"),
            "`mailctl domain list` shows the served domains",
        )
        .into());
    }
    let ep = Endpoints::from_settings(&db)?;
    if ctx.json {
        output::json(&serde_json::json!({
            "domain": domain.to_string(),
            "hostname": ep.hostname,
            "incoming": ep.incoming.iter().map(|(t, p, s)| serde_json::json!({"type": t, "port": p, "socket": s})).collect::<Vec<_>>(),
            "outgoing": ep.outgoing.iter().map(|(p, s)| serde_json::json!({"type": "smtp", "port": p, "socket": s})).collect::<Vec<_>>(),
            "url": format!("https://autoconfig.{domain}/mail/config-v1.1.xml"),
            "webmail": ep.webmail,
        }))?;
    } else {
        output::print(&config_xml(&domain, &ep))?;
    }
    Ok(())
}
