//! `setup`: from a fresh box to a safe, working mail server. Interactive (dialoguer) or
//! `--non-interactive` with a flag for every answer. Re-running on a configured data
//! directory changes settings and adds what is missing; it never deletes or overwrites data.

mod detect;
pub(crate) mod tls;
mod wizard;

use std::path::PathBuf;

use serde::Serialize;

use super::password::PasswordArgs;
use super::{Ctx, Fail};
use crate::auth::HashCost;
use crate::core::users::NewUser;
use crate::core::{Address, AliasSource, Db, Domain};
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
    /// `self-signed` (made now), or `CERT,KEY` paths of PEM files (e.g. certbot's).
    #[arg(long, value_name = "self-signed|CERT,KEY")]
    pub tls: Option<String>,
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
    steps: Vec<Step>,
    next: Vec<String>,
    dns_records: Vec<crate::dns::records::Record>,
}

pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<()> {
    let db = ctx.create_db()?;
    let answers = if args.non_interactive {
        from_flags(&db, &args)?
    } else {
        wizard::ask(ctx, &db, &args)?
    };
    let summary = apply(ctx, db, answers)?;
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
    out.push_str("\nPublish these DNS records (`mailctl dns records` prints them again):\n");
    for r in &summary.dns_records {
        out.push_str(&format!("  {}\n", r.zone));
    }
    if let Some(findings) = &dns_check {
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
    output::print(&out)?;
    Ok(())
}

fn from_flags(db: &Db, args: &Args) -> anyhow::Result<Answers> {
    let configured = configured(db)?;
    let need = |what: &str, flag: &str| -> anyhow::Error {
        Fail::hint(
            format!("--non-interactive needs {what}"),
            format!("pass {flag}"),
        )
        .into()
    };
    let hostname = match (&args.hostname, &configured) {
        (Some(h), _) => parse_domain("--hostname", h)?,
        (None, Some(c)) => c.hostname.clone(),
        (None, None) => return Err(need("the mail host name", "--hostname mail.example.org")),
    };
    let domain = match (&args.domain, &configured) {
        (Some(d), _) => parse_domain("--domain", d)?,
        (None, Some(c)) => c.domain.clone(),
        (None, None) => return Err(need("the first domain", "--domain example.org")),
    };
    let admin = match (
        &args.admin,
        configured
            .as_ref()
            .and_then(|_| postmaster_mailbox(db, &domain)),
    ) {
        (Some(a), _) => Address::parse(a).map_err(|e| Fail::usage(format!("--admin: {e}")))?,
        (None, Some(a)) => a,
        (None, None) => {
            return Err(need(
                "the first mailbox",
                &format!("--admin you@{}", domain.unicode()),
            ));
        }
    };
    let exists = db.user(&admin)?.is_some();
    let pw_given = args.password.password_stdin
        || args.password.random_password
        || args.password.password_hash.is_some();
    let password = if !exists || args.reset_password {
        if !pw_given {
            return Err(need(
                &format!("a password for {admin}"),
                "--password-stdin, --random-password or --password-hash",
            ));
        }
        Some(args.password.resolve(
            &admin.to_string(),
            HashCost::from_settings(db).unwrap_or(HashCost::OWASP),
        )?)
    } else {
        None
    };
    let tls = match args.tls.as_deref() {
        Some(t) => parse_tls(t, &hostname)?,
        None if configured.is_some() => TlsChoice::Keep,
        None => {
            return Err(need(
                "a TLS choice",
                "--tls self-signed or --tls /path/fullchain.pem,/path/privkey.pem",
            ));
        }
    };
    Ok(Answers {
        hostname,
        domain,
        admin,
        password,
        tls,
        services: match (&args.services, &configured) {
            (None, Some(_)) => None,
            (s, _) => Some(parse_services(s.as_deref())?),
        },
        relay: args.relay_host.as_deref().map(parse_relay).transpose()?,
        public_ips: if !args.public_ip.is_empty() {
            args.public_ip.clone()
        } else if configured.is_some() {
            Vec::new()
        } else {
            detect::addresses()
                .into_iter()
                .filter(|a| a.public)
                .map(|a| a.ip)
                .collect()
        },
        service_user: args.service_user.clone(),
        install_service: args.install_service,
    })
}

/// The mailbox postmaster@domain delivers to: the admin chosen by an earlier run.
fn postmaster_mailbox(db: &Db, domain: &Domain) -> Option<Address> {
    let pm = Address::parse(&format!("postmaster@{domain}")).ok()?;
    let resolved = db.resolve_recipient(&pm).ok()?;
    resolved.targets.into_iter().find_map(|t| match t {
        crate::core::aliases::Target::Mailbox(a) => Some(a),
        crate::core::aliases::Target::External(_) => None,
    })
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

fn parse_domain(flag: &str, v: &str) -> anyhow::Result<Domain> {
    Domain::parse(v).map_err(|e| Fail::usage(format!("{flag}: {e}")).into())
}

/// `--tls self-signed` or `--tls CERT,KEY`, the pair checked against `hostname`.
pub fn parse_tls(v: &str, hostname: &Domain) -> anyhow::Result<TlsChoice> {
    if v == "self-signed" {
        return Ok(TlsChoice::SelfSigned);
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

fn apply(ctx: &Ctx, mut db: Db, a: Answers) -> anyhow::Result<Summary> {
    let mut steps = Vec::new();
    let mut step = |s: &str, d: String| {
        steps.push(Step {
            step: s.into(),
            detail: d,
        })
    };
    let root = ctx.data_dir.root().to_path_buf();
    let running_as_root = crate::sys::is_root();

    // 1. The data directory: private to the service.
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o750))?;
        step("data directory", format!("{} (mode 0750)", root.display()));
    }
    if running_as_root {
        let created = ensure_service_user(&a.service_user, &root)?;
        chown_tree(&root, &a.service_user)?;
        step(
            "service user",
            format!(
                "{}{}",
                a.service_user,
                if created { " (created)" } else { " (exists)" }
            ),
        );
    }
    db.set_setting("server.user", &a.service_user)?;

    // 2. Settings.
    db.set_setting("hostname", a.hostname.as_str())?;
    if !a.public_ips.is_empty() {
        let ips: Vec<String> = a.public_ips.iter().map(|i| i.to_string()).collect();
        db.set_setting("public_ip", &ips.join(","))?;
        step("public addresses", ips.join(", "));
    }
    let services: Vec<String> = match &a.services {
        Some(list) => {
            for (port, service) in SERVICE_PORTS {
                let key = format!("listen.{service}");
                let value = if list.iter().any(|s| s == service) {
                    format!("0.0.0.0:{port}")
                } else {
                    String::new()
                };
                db.set_setting(&key, &value)?;
            }
            step("services", list.join(", "));
            list.clone()
        }
        None => {
            let mut on = Vec::new();
            for (_, service) in SERVICE_PORTS {
                if !db.setting(&format!("listen.{service}"))?.is_empty() {
                    on.push(service.to_string());
                }
            }
            step("services", format!("{} (kept)", on.join(", ")));
            on
        }
    };
    if let Some((host, port)) = &a.relay {
        db.set_setting("relay.host", host)?;
        db.set_setting("relay.port", &port.to_string())?;
        db.set_setting("relay.mode", "relay")?;
        step(
            "relay",
            format!(
                "outbound mail goes through {host}:{port} (relay.user / relay.password for AUTH)"
            ),
        );
    }
    step("hostname", a.hostname.unicode());

    // 3. TLS.
    let tls_cert = match &a.tls {
        TlsChoice::SelfSigned => {
            let (c, k) = tls::write_self_signed(&ctx.data_dir, &[a.hostname.to_string()])?;
            db.set_setting("tls.cert", &c.display().to_string())?;
            db.set_setting("tls.key", &k.display().to_string())?;
            step(
                "TLS",
                format!(
                    "self-signed certificate for {} in {} (replace it with a CA-signed one)",
                    a.hostname,
                    c.display()
                ),
            );
            c
        }
        TlsChoice::Files(c, k) => {
            db.set_setting("tls.cert", &c.display().to_string())?;
            db.set_setting("tls.key", &k.display().to_string())?;
            step("TLS", format!("certificate {}", c.display()));
            c.clone()
        }
        TlsChoice::Keep => {
            let c = db.setting("tls.cert")?;
            step(
                "TLS",
                format!(
                    "kept {}",
                    if c.is_empty() {
                        "the default location".into()
                    } else {
                        c.clone()
                    }
                ),
            );
            PathBuf::from(c)
        }
    };

    // 4. Domain, first mailbox, the RFC 5321/2142 role addresses.
    if db.domain_exists(&a.domain)? {
        step("domain", format!("{} (exists)", a.domain.unicode()));
    } else {
        db.add_domain(&a.domain)?;
        step("domain", format!("{} (added)", a.domain.unicode()));
    }
    if !db.domain_exists(a.admin.domain())? {
        db.add_domain(a.admin.domain())?;
        step(
            "domain",
            format!(
                "{} (added for the admin mailbox)",
                a.admin.domain().unicode()
            ),
        );
    }
    let mut generated = None;
    match (db.user(&a.admin)?, &a.password) {
        (None, Some(pw)) => {
            db.add_user(&NewUser {
                address: a.admin.clone(),
                password_hash: pw.hash.clone(),
                quota: 0,
            })?;
            generated = pw.generated.clone();
            step("mailbox", format!("{} (created)", a.admin.unicode()));
        }
        (Some(_), Some(pw)) => {
            db.set_password_hash(&a.admin, &pw.hash)?;
            generated = pw.generated.clone();
            step(
                "mailbox",
                format!("{} (password changed)", a.admin.unicode()),
            );
        }
        (Some(_), None) => step(
            "mailbox",
            format!("{} (exists, password kept)", a.admin.unicode()),
        ),
        (None, None) => {
            return Err(Fail::new(format!("a password is needed to create {}", a.admin)).into());
        }
    }
    for role in ["postmaster", "abuse"] {
        let src = Address::parse(&format!("{role}@{}", a.domain))?;
        if db.user(&src)?.is_none()
            && db
                .aliases(Some(&a.domain))?
                .iter()
                .all(|al| al.source != src.to_string())
        {
            db.add_alias(
                &AliasSource::Address(src.clone()),
                std::slice::from_ref(&a.admin),
            )?;
            step(
                "alias",
                format!("{} → {}", src.unicode(), a.admin.unicode()),
            );
        }
    }

    // 5. A DKIM key, so mail from the domain is signed from the first message on. RSA is
    // what every receiver verifies; without openssl, Ed25519.
    let dkim_dir = ctx.data_dir.dkim();
    if crate::dns::dkim::keys(&dkim_dir, &a.domain)
        .map(|k| k.is_empty())
        .unwrap_or(true)
    {
        let selector = db.setting("dkim.selector")?;
        let key = crate::dns::dkim::generate(
            &ctx.data_dir,
            &a.domain,
            &selector,
            crate::dns::dkim::Algorithm::Rsa,
            false,
        )
        .or_else(|_| {
            crate::dns::dkim::generate(
                &ctx.data_dir,
                &a.domain,
                &selector,
                crate::dns::dkim::Algorithm::Ed25519,
                false,
            )
        })
        .map_err(|e| Fail::new(e.to_string()))?;
        step(
            "DKIM",
            format!(
                "{:?} key, selector {} ({})",
                key.algorithm,
                key.selector,
                key.path.display()
            ),
        );
    } else {
        step("DKIM", "kept the existing key(s)".to_string());
    }

    // 6. The systemd unit.
    if a.install_service {
        let path = PathBuf::from("/etc/systemd/system/mailctl.service");
        let exe = std::env::current_exe()?.display().to_string();
        let unit = systemd_unit(&exe, &root.display().to_string());
        std::fs::write(&path, unit)
            .map_err(|e| Fail::new(format!("cannot write {}: {e}", path.display())))?;
        step(
            "systemd",
            format!(
                "{} (run `systemctl daemon-reload && systemctl enable --now mailctl`)",
                path.display()
            ),
        );
    }

    let dns_records = super::dns::records_for(ctx, &db, &a.domain, &a.public_ips)?;
    let d = a.domain.unicode();
    // The hints must work when pasted: they name the data directory unless it is the default.
    let dd = if ctx.data_dir == crate::core::DataDir::resolve(None) {
        String::new()
    } else {
        format!(" --data-dir {}", shell_word(&root.display().to_string()))
    };
    let next = vec![
        format!("mailctl{dd} dns records {d}      # the DNS records to publish"),
        format!("mailctl{dd} dns check {d}        # what is still missing"),
        if a.install_service {
            "systemctl enable --now mailctl".to_string()
        } else {
            format!("mailctl{dd} serve                # start the daemons")
        },
    ];
    Ok(Summary {
        data_dir: root.display().to_string(),
        hostname: a.hostname.to_string(),
        domain: a.domain.to_string(),
        admin: a.admin.to_string(),
        generated_password: generated,
        services,
        tls_cert: tls_cert.display().to_string(),
        steps,
        next,
        dns_records,
    })
}

/// `word`, quoted for a POSIX shell when it holds anything but safe characters.
fn shell_word(word: &str) -> String {
    if !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-+:@%,".contains(&b))
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// The unit in examples/systemd, with this binary and data directory filled in.
pub fn systemd_unit(exe: &str, data_dir: &str) -> String {
    include_str!("../../../examples/systemd/mailctl.service")
        .replace("/usr/local/bin/mailctl", exe)
        .replace("/var/lib/mailctl", data_dir)
}

fn ensure_service_user(name: &str, home: &std::path::Path) -> anyhow::Result<bool> {
    if user_ids(name).is_some() {
        return Ok(false);
    }
    let status = std::process::Command::new("useradd")
        .args([
            "--system",
            "--no-create-home",
            "--shell",
            "/usr/sbin/nologin",
            "--home-dir",
        ])
        .arg(home)
        .arg(name)
        .status()
        .map_err(|e| Fail::new(format!("cannot run useradd to create {name}: {e}")))?;
    if !status.success() {
        return Err(Fail::hint(
            format!("useradd {name} failed"),
            "create the account yourself or pass --service-user",
        )
        .into());
    }
    Ok(true)
}

/// uid and gid of a local account.
pub fn user_ids(name: &str) -> Option<(u32, u32)> {
    crate::sys::user_ids(name)
}

fn chown_tree(root: &std::path::Path, user: &str) -> anyhow::Result<()> {
    let Some((uid, gid)) = user_ids(user) else {
        return Ok(());
    };
    let mut stack = vec![root.to_path_buf()];
    while let Some(p) = stack.pop() {
        std::os::unix::fs::lchown(&p, Some(uid), Some(gid))?;
        if p.is_dir() && !p.is_symlink() {
            for e in std::fs::read_dir(&p)?.flatten() {
                stack.push(e.path());
            }
        }
    }
    Ok(())
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
