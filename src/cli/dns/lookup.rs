//! What the single lookups and `dns check` share: the check's input from flags and settings
//! (`prepare`, also used by `setup`), running the checks, and the findings table or JSON.
//!
//! Not here: the checks (`crate::dns::check`).

use std::net::IpAddr;

use crate::cli::{Ctx, Fail};
use crate::core::Db;
use crate::output;

/// Which check `single` runs: all of them (`dns check`) or one (`dns mx`, ...).
#[derive(Clone, PartialEq, Eq)]
pub(super) enum Single {
    All,
    Mx,
    Ptr,
    /// With the envelope sender to evaluate, if given.
    Spf(Option<String>),
    Dmarc,
    Dkim,
    Bl,
}

/// `--nameserver`, which every lookup takes: flattened into each command's arguments.
#[derive(Debug, Default, clap::Args)]
#[group(skip)]
pub(super) struct Resolver {
    /// Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system's.
    #[arg(long)]
    nameserver: Vec<String>,
}

/// What one lookup command asks about; the flags it does not take stay empty.
#[derive(Default)]
pub(super) struct Query {
    pub domain: String,
    pub ip: Vec<IpAddr>,
    pub selector: Vec<String>,
    pub zones: Vec<String>,
}

impl Query {
    /// A query about `domain` alone.
    pub fn domain(domain: String) -> Query {
        Query {
            domain,
            ..Query::default()
        }
    }

    /// A query about one address (`dns ptr`, `dns bl`): `placeholder` stands for the domain
    /// those checks do not look at.
    pub fn ip(placeholder: &str, ip: IpAddr) -> Query {
        Query {
            domain: placeholder.to_string(),
            ip: vec![ip],
            ..Query::default()
        }
    }
}

/// Runs `which` for the query and prints the findings as a table or one JSON document; exit 1
/// when any check fails or could not be made.
pub(super) fn single(ctx: &Ctx, q: Query, resolver: Resolver, which: Single) -> anyhow::Result<()> {
    use crate::dns::check::{self, Status};
    let d = crate::cli::domain::parse(&q.domain)?;
    let sender = match &which {
        Single::Spf(s) => s.clone(),
        _ => None,
    };
    let (servers, input) = prepare(
        ctx,
        &d,
        q.ip,
        q.selector,
        q.zones,
        resolver.nameserver,
        sender,
    )?;
    // A single lookup about one address must not judge it against this server's own.
    let mut input = input;
    if matches!(which, Single::Mx | Single::Dmarc | Single::Dkim) {
        input.ips.clear();
    }
    let spinner = output::spinner(&format!("checking {d}"), ctx.progress());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let findings = rt.block_on(async {
        let resolver =
            crate::dns::resolver(&servers, crate::dns::Purpose::Diagnostic).map_err(Fail::new)?;
        Ok::<_, anyhow::Error>(match which {
            Single::All => check::run(&resolver, &input).await,
            Single::Mx => check::check_mx(&resolver, &input).await.0,
            Single::Ptr => check::check_ptr(&resolver, &input, &[]).await,
            Single::Spf(_) => check::check_spf(&resolver, &input).await,
            Single::Dmarc => check::check_dmarc(&resolver, &input).await,
            Single::Dkim => check::check_dkim(&resolver, &input).await,
            Single::Bl => check::blocklists(&resolver, &input.ips, &input.dnsbl_zones).await,
        })
    })?;
    spinner.finish_and_clear();
    let mut findings = findings;
    if matches!(which, Single::All | Single::Dkim) {
        findings.extend(crate::dns::config::daemon_signing(
            &ctx.data_dir,
            &d,
            &input.keys,
        ));
    }
    let failed = findings.iter().any(|f| f.status.is_bad());
    if ctx.json {
        output::json(
            &serde_json::json!({ "domain": d.to_string(), "ok": !failed, "findings": findings }),
        )?;
    } else {
        let rows = findings.iter().map(|f| {
            let s = match f.status {
                Status::Pass => "pass",
                Status::Warn => "warn",
                Status::Fail => "FAIL",
                Status::Info => "info",
                Status::Error => "ERROR",
            };
            // What to change goes under what was found, so the one wide column holds both
            // and SPF trees or DKIM records wrap within 80 columns.
            let finding = if f.fix.is_empty() {
                f.found.clone()
            } else {
                format!("{}\n-> {}", f.found, f.fix)
            };
            vec![f.check.clone(), s.to_string(), finding]
        });
        output::print(&output::table(&["CHECK", "STATUS", "FINDING"], rows))?;
    }
    if failed {
        return Err(crate::cli::Exit(1).into());
    }
    Ok(())
}

/// The resolvers given with `--nameserver` (a bad one is a usage error).
fn nameservers(flag: Vec<String>) -> anyhow::Result<Vec<std::net::SocketAddr>> {
    use crate::core::settings::parse_nameserver;
    Ok(flag
        .iter()
        .map(|s| parse_nameserver(s).map_err(|e| Fail::usage(format!("--nameserver: {e}"))))
        .collect::<Result<_, _>>()?)
}

/// What a check needs, from the flags where given and the settings otherwise
/// (`dns::config::prepare`): the resolvers to ask and the check's input. Works without a
/// data directory (for other domains).
pub fn prepare(
    ctx: &Ctx,
    d: &crate::core::Domain,
    ip: Vec<IpAddr>,
    selector: Vec<String>,
    zones: Vec<String>,
    nameserver: Vec<String>,
    sender: Option<String>,
) -> anyhow::Result<(Vec<std::net::SocketAddr>, crate::dns::check::Input)> {
    let given = crate::dns::config::Given {
        ip,
        selector,
        zones,
        nameserver: nameservers(nameserver)?,
        sender,
    };
    // The check also works for domains this server does not hold, and without a data dir.
    let db = Db::open_existing(&ctx.data_dir).ok();
    Ok(crate::dns::config::prepare(
        db.as_ref(),
        &ctx.data_dir,
        d,
        given,
    ))
}
