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
        findings.extend(daemon_signing(ctx, &d, &input.keys));
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

/// Which of the held keys the daemon running on this data dir (if any) really signs with.
fn daemon_signing(
    ctx: &Ctx,
    d: &crate::core::Domain,
    held: &[crate::dkim::DkimKey],
) -> Vec<crate::dns::check::Finding> {
    use crate::dns::check::signing::{Daemon, daemon_signing};
    let running = crate::core::runtime::running(&ctx.data_dir);
    let domain = d.to_string();
    let daemon = running.first().map(|st| Daemon {
        pid: st.pid,
        user: &st.user,
        selectors: st
            .dkim
            .iter()
            .filter(|k| k.domain.eq_ignore_ascii_case(&domain))
            .map(|k| k.selector.as_str())
            .collect(),
    });
    daemon_signing(held, daemon.as_ref())
}

/// The resolvers a check asks: `--nameserver` where given (a bad one is a usage error),
/// else the `dns.nameserver` setting (unparsable entries left out, as the daemon does).
fn nameservers(flag: Vec<String>, setting: &str) -> anyhow::Result<Vec<std::net::SocketAddr>> {
    use crate::core::settings::parse_nameserver;
    if flag.is_empty() {
        return Ok(setting
            .split(',')
            .filter(|s| !s.is_empty())
            .filter_map(|s| parse_nameserver(s).ok())
            .collect());
    }
    Ok(flag
        .iter()
        .map(|s| parse_nameserver(s).map_err(|e| Fail::usage(format!("--nameserver: {e}"))))
        .collect::<Result<_, _>>()?)
}

/// What a check needs, from the flags where given and the settings otherwise: the resolvers
/// to ask and the check's input. Works without a data directory (for other domains).
pub fn prepare(
    ctx: &Ctx,
    d: &crate::core::Domain,
    ip: Vec<IpAddr>,
    selector: Vec<String>,
    zones_arg: Vec<String>,
    nameserver: Vec<String>,
    sender: Option<String>,
) -> anyhow::Result<(Vec<std::net::SocketAddr>, crate::dns::check::Input)> {
    use crate::dns::check::Input;
    // The check also works for domains this server does not hold, and without a data dir.
    let db = Db::open_existing(&ctx.data_dir).ok();
    let setting = |k: &str| {
        db.as_ref()
            .and_then(|db| db.setting(k).ok())
            .unwrap_or_default()
    };
    let servers = nameservers(nameserver, &setting("dns.nameserver"))?;
    // The HELO name the daemon of this data dir uses; unknown without a data dir.
    let hostname = match setting("hostname") {
        _ if db.is_none() => None,
        h if h.is_empty() => Some(crate::core::settings::system_hostname()),
        h => Some(h),
    };
    let ips: Vec<IpAddr> = if ip.is_empty() {
        setting("public_ip")
            .split(',')
            .filter_map(|s| s.parse().ok())
            .collect()
    } else {
        ip
    };
    // Every readable key: one unreadable key must not hide the others from the check.
    let keys: Vec<_> = crate::dkim::keys_each(&ctx.data_dir.dkim(), d)
        .into_iter()
        .filter_map(Result::ok)
        .collect();
    let selectors = if selector.is_empty() {
        keys.iter().map(|k| k.selector.clone()).collect()
    } else {
        selector
    };
    let zones = match setting("dnsbl.zones") {
        _ if !zones_arg.is_empty() => zones_arg.join(","),
        z if z.is_empty() && db.is_none() => crate::core::settings::lookup("dnsbl.zones")
            .map(|s| s.default.to_string())
            .unwrap_or_default(),
        z => z,
    };
    // ManageSieve runs here when its listener is set (only known with a data dir).
    let managesieve = match &db {
        Some(db) => crate::cli::dns::records::port(db, "listen.managesieve"),
        None => None,
    };
    // A backup MX checks that the domain's MX lists it behind the primary.
    let backup_mx = db
        .as_ref()
        .and_then(|db| crate::smtp::backupmx::Settings::read(db).ok().flatten())
        .is_some_and(|b| b.serves(d.as_str()));
    let input = Input {
        domain: d.to_string(),
        managesieve,
        backup_mx,
        hostname,
        ips,
        selectors,
        keys,
        spf_sender: sender,
        dnsbl_zones: zones
            .split(',')
            .filter(|z| !z.is_empty())
            .map(str::to_string)
            .collect(),
    };
    Ok((servers, input))
}
