//! What setup does with the answers, step by step: the data directory and service account,
//! the settings, TLS, the domain with its first mailbox and role aliases (RFC 2142), a DKIM
//! key, the systemd unit. Each step adds a line to the summary.
//!
//! Not here: obtaining the answers (`flags`, `wizard`), printing the summary (`setup::run`).

use std::path::{Path, PathBuf};

use super::{Answers, SERVICE_PORTS, Step, Summary, TlsChoice, tls};
use crate::cli::{Ctx, Fail};
use crate::core::users::NewUser;
use crate::core::{Address, AliasSource, Db};

/// The summary's lines, one per thing done or kept.
#[derive(Default)]
struct Steps(Vec<Step>);

impl Steps {
    fn add(&mut self, step: &str, detail: String) {
        self.0.push(Step {
            step: step.into(),
            detail,
        })
    }
}

pub(super) fn apply(ctx: &Ctx, mut db: Db, a: Answers) -> anyhow::Result<Summary> {
    let mut steps = Steps::default();
    let root = ctx.data_dir.root().to_path_buf();
    data_dir(&db, &root, &a, &mut steps)?;
    let services = settings(&db, &a, &mut steps)?;
    let tls_cert = certificate(ctx, &db, &a, &mut steps)?;
    let generated = domain_and_mailbox(&mut db, &a, &mut steps)?;
    dkim_key(ctx, &db, &a, &mut steps)?;
    if a.install_service {
        systemd(&root, &mut steps)?;
    }
    let dns_records = crate::cli::dns::records_for(ctx, &db, &a.domain, &a.public_ips)?;
    let next = next_steps(ctx, &root, &a);
    Ok(Summary {
        data_dir: root.display().to_string(),
        hostname: a.hostname.to_string(),
        domain: a.domain.to_string(),
        admin: a.admin.to_string(),
        generated_password: generated,
        services,
        tls_cert: tls_cert.display().to_string(),
        webmail: crate::autoconfig::webmail_url(&db)?,
        steps: steps.0,
        next,
        dns_records,
    })
}

/// Step 1: the data directory, private to the service, and the account the daemons run as.
fn data_dir(db: &Db, root: &Path, a: &Answers, steps: &mut Steps) -> anyhow::Result<()> {
    let running_as_root = crate::sys::is_root();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o750))?;
        steps.add("data directory", format!("{} (mode 0750)", root.display()));
    }
    if running_as_root {
        let created = ensure_service_user(&a.service_user, root)?;
        chown_tree(root, &a.service_user)?;
        steps.add(
            "service user",
            format!(
                "{}{}",
                a.service_user,
                if created { " (created)" } else { " (exists)" }
            ),
        );
    }
    db.set_setting("server.user", &a.service_user)?;
    Ok(())
}

/// Step 2: the settings (host name, public addresses, listeners, relay). Returns the enabled
/// services.
fn settings(db: &Db, a: &Answers, steps: &mut Steps) -> anyhow::Result<Vec<String>> {
    db.set_setting("hostname", a.hostname.as_str())?;
    if !a.public_ips.is_empty() {
        let ips: Vec<String> = a.public_ips.iter().map(|i| i.to_string()).collect();
        db.set_setting("public_ip", &ips.join(","))?;
        steps.add("public addresses", ips.join(", "));
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
            steps.add("services", list.join(", "));
            list.clone()
        }
        None => {
            let mut on = Vec::new();
            for (_, service) in SERVICE_PORTS {
                if !db.setting(&format!("listen.{service}"))?.is_empty() {
                    on.push(service.to_string());
                }
            }
            steps.add("services", format!("{} (kept)", on.join(", ")));
            on
        }
    };
    if let Some((host, port)) = &a.relay {
        db.set_setting("relay.host", host)?;
        db.set_setting("relay.port", &port.to_string())?;
        db.set_setting("relay.mode", "relay")?;
        steps.add(
            "relay",
            format!(
                "outbound mail goes through {host}:{port} (relay.user / relay.password for AUTH)"
            ),
        );
    }
    steps.add("hostname", a.hostname.unicode());
    Ok(services)
}

/// Step 3: the TLS certificate, made, named or kept. Returns its path.
fn certificate(ctx: &Ctx, db: &Db, a: &Answers, steps: &mut Steps) -> anyhow::Result<PathBuf> {
    Ok(match &a.tls {
        TlsChoice::SelfSigned => {
            let (c, k) = tls::write_self_signed(&ctx.data_dir, &[a.hostname.to_string()])?;
            db.set_setting("tls.cert", &c.display().to_string())?;
            db.set_setting("tls.key", &k.display().to_string())?;
            steps.add(
                "TLS",
                format!(
                    "self-signed certificate for {} in {} (replace it with a CA-signed one)",
                    a.hostname,
                    c.display()
                ),
            );
            c
        }
        TlsChoice::Acme(email) => {
            // Self-signed until serve's first order replaces it, so TLS works from the start.
            let (c, k) = tls::write_self_signed(&ctx.data_dir, &[a.hostname.to_string()])?;
            db.set_setting("tls.cert", &c.display().to_string())?;
            db.set_setting("tls.key", &k.display().to_string())?;
            db.set_setting("tls.acme", "on")?;
            db.set_setting("tls.acme_email", email)?;
            steps.add(
                "TLS",
                format!(
                    "ACME: `serve` orders a certificate for {} from Let's Encrypt (HTTP-01: port 80 must reach this host) and renews it; self-signed in {} until then",
                    a.hostname,
                    c.display()
                ),
            );
            c
        }
        TlsChoice::Files(c, k) => {
            db.set_setting("tls.cert", &c.display().to_string())?;
            db.set_setting("tls.key", &k.display().to_string())?;
            steps.add("TLS", format!("certificate {}", c.display()));
            c.clone()
        }
        TlsChoice::Keep => {
            let c = db.setting("tls.cert")?;
            steps.add(
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
    })
}

/// Step 4: the domain, the first mailbox, the RFC 5321/2142 role addresses. Returns the
/// password generated for the mailbox, if one was.
fn domain_and_mailbox(
    db: &mut Db,
    a: &Answers,
    steps: &mut Steps,
) -> anyhow::Result<Option<String>> {
    if db.domain_exists(&a.domain)? {
        steps.add("domain", format!("{} (exists)", a.domain.unicode()));
    } else {
        db.add_domain(&a.domain)?;
        steps.add("domain", format!("{} (added)", a.domain.unicode()));
    }
    if !db.domain_exists(a.admin.domain())? {
        db.add_domain(a.admin.domain())?;
        steps.add(
            "domain",
            format!(
                "{} (added for the admin mailbox)",
                a.admin.domain().unicode()
            ),
        );
    }
    let generated = mailbox(db, a, steps)?;
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
            steps.add(
                "alias",
                format!("{} → {}", src.unicode(), a.admin.unicode()),
            );
        }
    }
    Ok(generated)
}

/// The admin mailbox: created, its password changed, or kept.
fn mailbox(db: &Db, a: &Answers, steps: &mut Steps) -> anyhow::Result<Option<String>> {
    let mut generated = None;
    match (db.user(&a.admin)?, &a.password) {
        (None, Some(pw)) => {
            db.add_user(&NewUser {
                address: a.admin.clone(),
                password_hash: pw.hash.clone(),
                quota: 0,
            })?;
            // The mailbox setup asks for is the administrator's: it may use the web
            // administration. (mox keeps a separate admin password; here one login is
            // simpler, and `user set --no-admin` undoes it.) An existing one keeps its role.
            db.set_admin(&a.admin, true)?;
            generated = pw.generated.clone();
            steps.add(
                "mailbox",
                format!("{} (created, administrator)", a.admin.unicode()),
            );
        }
        (Some(_), Some(pw)) => {
            db.set_password_hash(&a.admin, &pw.hash)?;
            generated = pw.generated.clone();
            steps.add(
                "mailbox",
                format!("{} (password changed)", a.admin.unicode()),
            );
        }
        (Some(_), None) => steps.add(
            "mailbox",
            format!("{} (exists, password kept)", a.admin.unicode()),
        ),
        (None, None) => {
            return Err(Fail::new(format!("a password is needed to create {}", a.admin)).into());
        }
    }
    Ok(generated)
}

/// Step 5: a DKIM key, so mail from the domain is signed from the first message on. RSA is
/// what every receiver verifies; without openssl, Ed25519.
fn dkim_key(ctx: &Ctx, db: &Db, a: &Answers, steps: &mut Steps) -> anyhow::Result<()> {
    let dkim_dir = ctx.data_dir.dkim();
    if crate::dkim::keys(&dkim_dir, &a.domain)
        .map(|k| k.is_empty())
        .unwrap_or(true)
    {
        let selector = db.setting("dkim.selector")?;
        let key = crate::dkim::generate(
            &ctx.data_dir,
            &a.domain,
            &selector,
            crate::dkim::Algorithm::Rsa,
            false,
        )
        .or_else(|_| {
            crate::dkim::generate(
                &ctx.data_dir,
                &a.domain,
                &selector,
                crate::dkim::Algorithm::Ed25519,
                false,
            )
        })
        .map_err(|e| Fail::new(e.to_string()))?;
        steps.add(
            "DKIM",
            format!(
                "{:?} key, selector {} ({})",
                key.algorithm,
                key.selector,
                key.path.display()
            ),
        );
    } else {
        steps.add("DKIM", "kept the existing key(s)".to_string());
    }
    Ok(())
}

/// Step 6: the systemd unit.
fn systemd(root: &Path, steps: &mut Steps) -> anyhow::Result<()> {
    let path = PathBuf::from("/etc/systemd/system/mailctl.service");
    let exe = std::env::current_exe()?.display().to_string();
    let unit = systemd_unit(&exe, &root.display().to_string());
    std::fs::write(&path, unit)
        .map_err(|e| Fail::new(format!("cannot write {}: {e}", path.display())))?;
    steps.add(
        "systemd",
        format!(
            "{} (run `systemctl daemon-reload && systemctl enable --now mailctl`)",
            path.display()
        ),
    );
    Ok(())
}

/// What to run next. The hints must work when pasted: they name the data directory unless it
/// is the default.
fn next_steps(ctx: &Ctx, root: &Path, a: &Answers) -> Vec<String> {
    let d = a.domain.unicode();
    let dd = if ctx.data_dir == crate::core::DataDir::resolve(None) {
        String::new()
    } else {
        format!(" --data-dir {}", shell_word(&root.display().to_string()))
    };
    vec![
        format!("mailctl{dd} dns records {d}      # the DNS records to publish"),
        format!("mailctl{dd} dns check {d}        # what is still missing"),
        if a.install_service {
            "systemctl enable --now mailctl".to_string()
        } else {
            format!("mailctl{dd} serve                # start the daemons")
        },
    ]
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
    if crate::sys::user_ids(name).is_some() {
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

fn chown_tree(root: &std::path::Path, user: &str) -> anyhow::Result<()> {
    let Some((uid, gid)) = crate::sys::user_ids(user) else {
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
