//! `setup`: from a fresh box to a safe, working mail server. Interactive (dialoguer) or
//! `--non-interactive` with a flag for every answer. Re-running on a configured data
//! directory changes settings and adds what is missing; it never deletes or overwrites data.

mod apply;
mod detect;
mod flags;
pub(crate) mod tls;
mod wizard;

use std::path::PathBuf;

use serde::Serialize;

use super::password::PasswordArgs;
use super::{Ctx, Fail};
use crate::core::{Address, Db, Domain};
use crate::output;

pub use detect::{SERVICE_PORTS, detect};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Take every answer from flags; fail on any missing one. For provisioning scripts.
    #[arg(long)]
    pub non_interactive: bool,
    /// The mail server's own name (MX target, EHLO, certificate), e.g. mail.example.org.
    #[arg(long)]
    pub hostname: Option<String>,
    /// The first domain to receive mail for, e.g. example.org.
    #[arg(long)]
    pub domain: Option<String>,
    /// The first mailbox; postmaster@ and abuse@ of the domain are aliased to it.
    #[arg(long, value_name = "ADDRESS")]
    pub admin: Option<String>,
    #[command(flatten)]
    pub password: PasswordArgs,
    /// Change the admin's password if the mailbox already exists.
    #[arg(long)]
    pub reset_password: bool,
    /// `self-signed` (made now), `acme` (ordered from Let's Encrypt by `serve`, HTTP-01 on
    /// port 80; self-signed until then), or `CERT,KEY` paths of PEM files (e.g. certbot's).
    #[arg(long, value_name = "self-signed|acme|CERT,KEY")]
    pub tls: Option<String>,
    /// With `--tls acme`: the contact address the CA sends expiry warnings to.
    #[arg(long, value_name = "ADDRESS")]
    pub acme_email: Option<String>,
    /// Services to enable, comma-separated (default: all): smtp, submission, submissions,
    /// imap, imaps, pop3, pop3s.
    #[arg(long, value_delimiter = ',')]
    pub services: Option<Vec<String>>,
    /// Send outbound mail through this host (HOST or HOST:PORT), for ISPs that block port 25.
    #[arg(long, value_name = "HOST[:PORT]")]
    pub relay_host: Option<String>,
    /// The server's public address(es); default: the public addresses of the interfaces.
    #[arg(long = "public-ip", value_name = "IP")]
    pub public_ip: Vec<std::net::IpAddr>,
    /// Account the daemons run as after binding ports (created when setup runs as root).
    #[arg(long, default_value = "mailctl")]
    pub service_user: String,
    /// Write a systemd unit to /etc/systemd/system/mailctl.service.
    #[arg(long)]
    pub install_service: bool,
    /// Do not run `dns check` at the end (offline installs, CI).
    #[arg(long)]
    pub no_dns_check: bool,
}

/// Every answer, however it was obtained.
#[derive(Debug, Clone)]
pub struct Answers {
    pub hostname: Domain,
    pub domain: Domain,
    pub admin: Address,
    pub password: Option<super::password::NewPassword>,
    pub tls: TlsChoice,
    /// `None` keeps the listeners as they are (re-runs).
    pub services: Option<Vec<String>>,
    pub relay: Option<(String, u16)>,
    /// Empty keeps the configured addresses.
    pub public_ips: Vec<std::net::IpAddr>,
    pub service_user: String,
    pub install_service: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsChoice {
    SelfSigned,
    /// ACME (`tls.acme on`) with this contact address (may be empty).
    Acme(String),
    Files(PathBuf, PathBuf),
    /// Keep what is configured (re-runs).
    Keep,
}

#[derive(Serialize)]
struct Step {
    step: String,
    detail: String,
}

#[derive(Serialize)]
struct Summary {
    data_dir: String,
    hostname: String,
    domain: String,
    admin: String,
    generated_password: Option<String>,
    services: Vec<String>,
    tls_cert: String,
    /// Where users read their mail in a browser (`listen.web` on), else None.
    webmail: Option<String>,
    steps: Vec<Step>,
    next: Vec<String>,
    dns_records: Vec<crate::dns::records::Record>,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let args = self;
        let db = ctx.create_db()?;
        let answers = if args.non_interactive {
            flags::from_flags(&db, &args)?
        } else {
            wizard::ask(ctx, &db, &args)?
        };
        let summary = apply::apply(ctx, db, answers)?;
        // What is still missing in DNS: informational, so the exit code stays 0 (a fresh
        // domain's records are usually not published yet).
        let dns_check = if args.no_dns_check {
            None
        } else {
            dns_check(ctx, &summary.domain)
        };
        if ctx.json {
            let mut v = serde_json::to_value(&summary)?;
            v["dns_check"] = serde_json::to_value(&dns_check)?;
            output::json(&v)?;
            return Ok(());
        }
        output::print(&render(&summary, dns_check.as_deref()))?;
        Ok(())
    }
}

/// The summary as text: the steps, a generated password, the records, what DNS still lacks,
/// and what to run next.
fn render(summary: &Summary, dns_check: Option<&[crate::dns::check::Finding]>) -> String {
    let mut out = String::new();
    for s in &summary.steps {
        out.push_str(&format!("✓ {}: {}\n", s.step, s.detail));
    }
    if let Some(p) = &summary.generated_password {
        out.push_str(&format!(
            "\npassword for {}: {p}\n(shown once; store it now)\n",
            summary.admin
        ));
    }
    if let Some(url) = &summary.webmail {
        out.push_str(&format!(
            "\nwebmail: {url} (users log in with their address and password)\n"
        ));
    }
    out.push_str("\nPublish these DNS records (`mailctl dns records` prints them again):\n");
    for r in &summary.dns_records {
        out.push_str(&format!("  {}\n", r.zone));
    }
    if let Some(findings) = dns_check {
        let missing: Vec<_> = findings.iter().filter(|f| f.status.is_bad()).collect();
        if missing.is_empty() {
            out.push_str("\nDNS check: nothing missing.\n");
        } else {
            out.push_str(&format!(
                "\nDNS check: {} thing(s) still missing or not checked:\n",
                missing.len()
            ));
            for f in missing {
                out.push_str(&format!(
                    "  {}: {} — {}\n",
                    f.check,
                    f.found.lines().next().unwrap_or(""),
                    f.fix
                ));
            }
        }
    }
    out.push_str("\nNext:\n");
    for n in &summary.next {
        out.push_str(&format!("  {n}\n"));
    }
    out
}

/// What a previous run configured, if anything.
pub struct Configured {
    pub hostname: Domain,
    pub domain: Domain,
}

pub fn configured(db: &Db) -> anyhow::Result<Option<Configured>> {
    let host = db.stored_setting("hostname")?;
    let first = db.domains()?.into_iter().next();
    Ok(match (host, first) {
        (Some(h), Some(d)) if !h.is_empty() => Some(Configured {
            hostname: Domain::from_stored(h),
            domain: d.name,
        }),
        _ => None,
    })
}

/// `--tls self-signed`, `--tls acme` (with `--acme-email`) or `--tls CERT,KEY`, the pair
/// checked against `hostname`.
pub fn parse_tls(
    v: &str,
    hostname: &Domain,
    acme_email: Option<&str>,
) -> anyhow::Result<TlsChoice> {
    if v == "self-signed" {
        return Ok(TlsChoice::SelfSigned);
    }
    if v == "acme" {
        return Ok(TlsChoice::Acme(parse_acme_email(acme_email.unwrap_or(""))?));
    }
    let Some((c, k)) = v.split_once(',') else {
        return Err(Fail::usage(format!("--tls '{v}': write self-signed or CERT,KEY")).into());
    };
    let (c, k) = (PathBuf::from(c.trim()), PathBuf::from(k.trim()));
    if !c.is_absolute() || !k.is_absolute() {
        return Err(Fail::usage("--tls: give absolute paths for CERT,KEY").into());
    }
    tls::check_pair(&c, &k, hostname.as_str()).map_err(|e| Fail::new(format!("--tls: {e}")))?;
    Ok(TlsChoice::Files(c, k))
}

/// The ACME contact address, checked; empty stays empty.
pub fn parse_acme_email(v: &str) -> anyhow::Result<String> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(String::new());
    }
    Ok(Address::parse(v)
        .map_err(|e| Fail::usage(format!("--acme-email '{v}': {e}")))?
        .to_string())
}

pub fn parse_services(v: Option<&[String]>) -> anyhow::Result<Vec<String>> {
    let all: Vec<String> = SERVICE_PORTS.iter().map(|(_, s)| s.to_string()).collect();
    let Some(list) = v else { return Ok(all) };
    let mut out = Vec::new();
    for s in list
        .iter()
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
    {
        if !all.contains(&s) {
            return Err(Fail::usage(format!(
                "--services: unknown service '{s}'; choose from {}",
                all.join(", ")
            ))
            .into());
        }
        if !out.contains(&s) {
            out.push(s);
        }
    }
    if out.is_empty() {
        return Err(Fail::usage("--services: enable at least one service").into());
    }
    Ok(out)
}

pub fn parse_relay(v: &str) -> anyhow::Result<(String, u16)> {
    let (host, port) = match v.rsplit_once(':') {
        Some((h, p)) => (
            h,
            p.parse::<u16>()
                .map_err(|_| Fail::usage(format!("--relay-host: bad port in '{v}'")))?,
        ),
        None => (v, 587),
    };
    let host = Domain::parse(host).map_err(|e| Fail::usage(format!("--relay-host: {e}")))?;
    Ok((host.to_string(), port))
}

/// Runs `dns check` for the new domain with the configured resolver; None if it cannot run.
fn dns_check(ctx: &Ctx, domain: &str) -> Option<Vec<crate::dns::check::Finding>> {
    let d = Domain::parse(domain).ok()?;
    let (servers, input) = super::dns::prepare(
        ctx,
        &d,
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        None,
    )
    .ok()?;
    let spinner = output::spinner("checking DNS", ctx.progress());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()?;
    let findings = rt.block_on(async {
        let resolver = crate::dns::resolver(&servers, crate::dns::Purpose::Diagnostic).ok()?;
        Some(crate::dns::check::run(&resolver, &input).await)
    });
    spinner.finish_and_clear();
    findings
}
