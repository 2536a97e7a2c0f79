//! `dns records DOMAIN`: what to publish for a domain, as a BIND snippet and as name/type/value
//! rows for a DNS provider's web form. With `--backup-mx HOST`, the backup MX lines behind
//! this server's; on a backup MX (`relay.mode = backup-mx`), for a domain in
//! `backupmx.domains`, the primary's MX line and this host's behind it.

use std::net::IpAddr;

use crate::cli::{Ctx, Fail};
use crate::core::Db;
use crate::dns::records;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The mail domain (it must be served here).
    domain: String,
    /// The server's public address(es); default: the public_ip setting.
    #[arg(long)]
    ip: Vec<IpAddr>,
    /// A backup MX host for the domain (repeatable): an MX line behind this server's for each.
    #[arg(long = "backup-mx", value_name = "HOST")]
    backup_mx: Vec<String>,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let Args {
            domain,
            ip,
            backup_mx,
        } = self;
        let d = crate::cli::domain::parse(&domain)?;
        let db = ctx.db()?;
        for h in &backup_mx {
            crate::core::Domain::parse(h)
                .map_err(|e| Fail::usage(format!("--backup-mx {h}: {}", e.0)))?;
        }
        let backed_up =
            crate::smtp::backupmx::Settings::read(&db)?.is_some_and(|b| b.serves(d.as_str()));
        let recs = if backed_up && !db.domain_exists(&d)? {
            backup_records_for(&db, &d, &ip)?
        } else if !db.domain_exists(&d)? {
            return Err(Fail::hint(
                format!("{d} is not served here"),
                "`mailctl domain list` shows the served domains; a domain this node is backup MX for goes in backupmx.domains (with relay.mode backup-mx)",
            )
            .into());
        } else {
            let mut recs = records_for(ctx, &db, &d, &ip)?;
            records::add_backup_mx(&mut recs, &d, &backup_mx);
            recs
        };
        if ctx.json {
            output::json(&recs)?;
        } else {
            let mut text = render(&recs);
            if let Some(url) = crate::autoconfig::webmail_url(&db)?
                && db.domain_exists(&d)?
            {
                let (host, _) = host_and_ips(&db, &ip)?;
                let host = host.trim_end_matches('.');
                text.push_str(&format!(
                    "\nnote: webmail is at {url}; {host} must resolve to this server (its A/AAAA records above) and the certificate must name it"
                ));
            }
            if ip.is_empty() && db.setting("public_ip")?.is_empty() {
                text.push_str("\nnote: no public address known; pass --ip or `mailctl config set public_ip ADDR` for the A/AAAA and PTR records");
            }
            output::print(&text)?;
        }
        Ok(())
    }
}

/// The records for a domain from the settings (used by `setup` too).
pub fn records_for(
    ctx: &Ctx,
    db: &Db,
    domain: &crate::core::Domain,
    ips: &[IpAddr],
) -> anyhow::Result<Vec<records::Record>> {
    crate::dns::config::records_for(db, &ctx.data_dir, domain, ips).map_err(|e| Fail::new(e).into())
}

use crate::dns::config::host_and_ips;

/// On a backup MX, the records for a domain it backs up.
fn backup_records_for(
    db: &Db,
    domain: &crate::core::Domain,
    ips: &[IpAddr],
) -> anyhow::Result<Vec<records::Record>> {
    let (hostname, ips) = host_and_ips(db, ips)?;
    let primary = crate::smtp::outbound::parse_primary(&db.setting("backupmx.primary")?)
        .map(|(host, _)| host);
    Ok(records::backup_records(
        domain,
        primary.as_deref(),
        &hostname,
        &ips,
    ))
}

/// The BIND snippet and the table, as `dns records` prints them.
pub fn render(recs: &[records::Record]) -> String {
    let mut out = String::from("; zone file form\n");
    for r in recs {
        out.push_str(&r.zone);
        out.push('\n');
    }
    out.push_str("\n; one record per row, for a provider's web form\n");
    out.push_str(&output::table(
        &["NAME", "TYPE", "VALUE", "WHY"],
        recs.iter().filter(|r| !r.value.is_empty()).map(|r| {
            vec![
                r.name.clone(),
                r.r#type.to_string(),
                r.value.clone(),
                r.note.clone(),
            ]
        }),
    ));
    out
}
