//! `dns records`: what to publish for a domain, as a BIND snippet and as name/type/value
//! rows for a DNS provider's web form.

use std::net::IpAddr;

use clap::Subcommand;

use super::{Ctx, Fail};
use crate::core::Db;
use crate::dns::records::{self, Services};
use crate::output;

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Check every record the domain's mail depends on; say what is wrong and what to publish.
    /// Exit 1 if any check fails or could not be made.
    #[command(
        long_about = "Check every record the domain's mail depends on: MX, PTR (forward-confirmed, and \
this server's against its HELO name), SPF (one record, syntax, at most 10 lookups and 2 void lookups, \
the final all, the verdict for this server's addresses), DKIM, DMARC, MTA-STS, TLS-RPT and DNS \
blocklists. Each finding says what was found and, when it is not right, the record to publish. \
The PTR rule: the PTR of this server's address must name its HELO host (setting hostname; the MX \
host when there is no data dir) and that name must resolve back to the address.\n\n\
A lookup that fails (no answer within 2 s after one retry, SERVFAIL, REFUSED) or a blocklist's \
error answer (Spamhaus 127.255.255.252/254/255: mistyped zone, public resolver, over limit) makes \
that check \"error\": not checked, never pass. Lookups run in parallel, so a dead resolver costs \
seconds. Exit status 1 if any check fails or errs.\n\n\
With --json the output is one document: {\"domain\": string, \"ok\": bool, \"findings\": [{\"check\": \
\"MX\"|\"PTR\"|\"SPF\"|\"DKIM\"|\"DMARC\"|\"MTA-STS\"|\"TLS-RPT\"|\"blocklist\", \"status\": \
\"pass\"|\"warn\"|\"fail\"|\"info\"|\"error\", \"found\": string, \"fix\": string (empty when nothing needs \
doing)}]}. The single lookups (dns mx, ptr, spf, dmarc, dkim, bl) print the same document for their \
one check."
    )]
    Check {
        /// The mail domain, e.g. example.org.
        domain: String,
        /// This server's public address(es); default: the public_ip setting.
        #[arg(long)]
        ip: Vec<IpAddr>,
        /// DKIM selector(s) to check; default: the keys mailctl holds for the domain.
        #[arg(long)]
        selector: Vec<String>,
        /// Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system's.
        #[arg(long)]
        nameserver: Vec<String>,
    },
    /// MX records of DOMAIN and the addresses they lead to.
    Mx {
        /// The mail domain.
        domain: String,
        /// Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system's.
        #[arg(long)]
        nameserver: Vec<String>,
    },
    /// PTR of IP (IPv4 or IPv6): it must name the HELO host (setting hostname) and resolve back.
    Ptr {
        /// The sending address of the server (IPv4 or IPv6).
        ip: IpAddr,
        /// Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system's.
        #[arg(long)]
        nameserver: Vec<String>,
    },
    /// The SPF record of DOMAIN with its include tree; with --ip, the verdict for that address.
    Spf {
        /// The domain whose SPF record is evaluated.
        domain: String,
        /// Evaluate the record for this sending address (repeatable).
        #[arg(long)]
        ip: Vec<IpAddr>,
        /// Envelope sender to evaluate (default postmaster@DOMAIN).
        #[arg(long)]
        sender: Option<String>,
        /// Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system's.
        #[arg(long)]
        nameserver: Vec<String>,
    },
    /// The DMARC record of DOMAIN, checked.
    Dmarc {
        /// The domain (its record is at _dmarc.DOMAIN).
        domain: String,
        /// Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system's.
        #[arg(long)]
        nameserver: Vec<String>,
    },
    /// The DKIM keys published at SELECTOR._domainkey.DOMAIN, compared with the keys held.
    ///
    /// `dns dkim DOMAIN` checks every key mailctl holds for DOMAIN; `dns dkim SELECTOR DOMAIN`
    /// checks one selector (also one published by another signer).
    Dkim {
        /// SELECTOR DOMAIN, or only DOMAIN for every key held for it.
        #[arg(value_name = "SELECTOR|DOMAIN")]
        first: String,
        /// The domain, when a selector was given first.
        #[arg(value_name = "DOMAIN")]
        second: Option<String>,
        /// Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system's.
        #[arg(long)]
        nameserver: Vec<String>,
    },
    /// Whether IP is on the configured DNS blocklists (setting dnsbl.zones). Each list's
    /// documented return codes are read; an error answer or a failed lookup is "error", exit 1.
    Bl {
        /// The address to look up (IPv4 or IPv6).
        ip: IpAddr,
        /// Blocklist zone(s) to ask instead of the setting.
        #[arg(long)]
        zone: Vec<String>,
        /// Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system's.
        #[arg(long)]
        nameserver: Vec<String>,
    },
    /// The records to publish for DOMAIN: MX, A/AAAA, SPF, DKIM, DMARC, TLS-RPT,
    /// autoconfig, RFC 6186 SRV, and the PTR to ask your provider for.
    Records {
        /// The mail domain (it must be served here).
        domain: String,
        /// The server's public address(es); default: the public_ip setting.
        #[arg(long)]
        ip: Vec<IpAddr>,
    },
}

fn port(db: &Db, key: &str) -> Option<u16> {
    db.setting(key)
        .ok()?
        .split(',')
        .filter_map(|a| a.parse::<std::net::SocketAddr>().ok())
        .map(|a| a.port())
        .next()
}

pub fn services(db: &Db) -> Services {
    Services {
        submission: port(db, "listen.submission"),
        submissions: port(db, "listen.submissions"),
        imap: port(db, "listen.imap"),
        imaps: port(db, "listen.imaps"),
        pop3: port(db, "listen.pop3"),
        pop3s: port(db, "listen.pop3s"),
    }
}

/// The records for a domain from the settings (used by `setup` too).
pub fn records_for(
    ctx: &Ctx,
    db: &Db,
    domain: &crate::core::Domain,
    ips: &[IpAddr],
) -> anyhow::Result<Vec<records::Record>> {
    let hostname = match db.setting("hostname")? {
        h if h.is_empty() => crate::core::settings::system_hostname(),
        h => h,
    };
    let ips: Vec<IpAddr> = if ips.is_empty() {
        db.setting("public_ip")?
            .split(',')
            .filter_map(|s| s.parse().ok())
            .collect()
    } else {
        ips.to_vec()
    };
    let keys = crate::dns::dkim::keys(&ctx.data_dir.dkim(), domain)
        .map_err(|e| Fail::new(e.to_string()))?;
    Ok(records::records(
        domain,
        &hostname,
        &ips,
        &keys,
        &services(db),
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

pub fn run(ctx: &Ctx, cmd: Cmd) -> anyhow::Result<()> {
    match cmd {
        Cmd::Check {
            domain,
            ip,
            selector,
            nameserver,
        } => single(
            ctx,
            &domain,
            ip,
            selector,
            Vec::new(),
            nameserver,
            Single::All,
        ),
        Cmd::Mx { domain, nameserver } => single(
            ctx,
            &domain,
            Vec::new(),
            Vec::new(),
            Vec::new(),
            nameserver,
            Single::Mx,
        ),
        Cmd::Ptr { ip, nameserver } => single(
            ctx,
            "ptr.invalid",
            vec![ip],
            Vec::new(),
            Vec::new(),
            nameserver,
            Single::Ptr,
        ),
        Cmd::Spf {
            domain,
            ip,
            sender,
            nameserver,
        } => single(
            ctx,
            &domain,
            ip,
            Vec::new(),
            Vec::new(),
            nameserver,
            Single::Spf(sender),
        ),
        Cmd::Dmarc { domain, nameserver } => single(
            ctx,
            &domain,
            Vec::new(),
            Vec::new(),
            Vec::new(),
            nameserver,
            Single::Dmarc,
        ),
        Cmd::Dkim {
            first,
            second,
            nameserver,
        } => {
            let (selectors, domain) = match second {
                Some(domain) => (vec![first], domain),
                None => (Vec::new(), first),
            };
            single(
                ctx,
                &domain,
                Vec::new(),
                selectors,
                Vec::new(),
                nameserver,
                Single::Dkim,
            )
        }
        Cmd::Bl {
            ip,
            zone,
            nameserver,
        } => single(
            ctx,
            "bl.invalid",
            vec![ip],
            Vec::new(),
            zone,
            nameserver,
            Single::Bl,
        ),
        Cmd::Records { domain, ip } => {
            let d = super::domain::parse(&domain)?;
            let db = ctx.db()?;
            if !db.domain_exists(&d)? {
                return Err(Fail::hint(
                    format!("{d} is not served here"),
                    "`mailctl domain list` shows the served domains",
                )
                .into());
            }
            let recs = records_for(ctx, &db, &d, &ip)?;
            if ctx.json {
                output::json(&recs)?;
            } else {
                let mut text = render(&recs);
                if ip.is_empty() && db.setting("public_ip")?.is_empty() {
                    text.push_str("\nnote: no public address known; pass --ip or `mailctl config set public_ip ADDR` for the A/AAAA and PTR records");
                }
                output::print(&text)?;
            }
            Ok(())
        }
    }
}

/// Which check `single` runs: all of them (`dns check`) or one (`dns mx`, ...).
#[derive(Clone, PartialEq, Eq)]
enum Single {
    All,
    Mx,
    Ptr,
    /// With the envelope sender to evaluate, if given.
    Spf(Option<String>),
    Dmarc,
    Dkim,
    Bl,
}

fn single(
    ctx: &Ctx,
    domain: &str,
    ip: Vec<IpAddr>,
    selector: Vec<String>,
    zones_arg: Vec<String>,
    nameserver: Vec<String>,
    which: Single,
) -> anyhow::Result<()> {
    use crate::dns::check::{self, Status};
    let d = super::domain::parse(domain)?;
    let sender = match &which {
        Single::Spf(s) => s.clone(),
        _ => None,
    };
    let (servers, input) = prepare(ctx, &d, ip, selector, zones_arg, nameserver, sender)?;
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
        return Err(super::Exit(1).into());
    }
    Ok(())
}

/// Which of the held keys the daemon running on this data dir (if any) really signs with.
fn daemon_signing(
    ctx: &Ctx,
    d: &crate::core::Domain,
    held: &[crate::dns::dkim::DkimKey],
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
    let servers: Vec<std::net::SocketAddr> = if nameserver.is_empty() {
        setting("dns.nameserver")
            .split(',')
            .filter(|s| !s.is_empty())
            .filter_map(|s| crate::core::settings::parse_nameserver(s).ok())
            .collect()
    } else {
        nameserver
            .iter()
            .map(|s| {
                crate::core::settings::parse_nameserver(s)
                    .map_err(|e| Fail::usage(format!("--nameserver: {e}")))
            })
            .collect::<Result<_, _>>()?
    };
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
    let keys: Vec<_> = crate::dns::dkim::keys_each(&ctx.data_dir.dkim(), d)
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
    let input = Input {
        domain: d.to_string(),
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
