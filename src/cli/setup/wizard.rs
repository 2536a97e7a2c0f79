//! The interactive wizard: detected values are offered as defaults; flags given on the
//! command line are taken as answers and not asked again. One function per question, asked
//! in the order `ask` lists them.
//!
//! Not here: `--non-interactive` (`flags`), what is done with the answers (`apply`).

use std::io::IsTerminal;

use dialoguer::{Confirm, Input, MultiSelect, Password, Select};

use super::detect::Detected;
use super::{Answers, Args, Configured, TlsChoice, detect, parse_relay, parse_tls};
use crate::auth::HashCost;
use crate::cli::password::NewPassword;
use crate::cli::{Ctx, Fail};
use crate::core::{Address, Db, Domain};

pub fn ask(ctx: &Ctx, db: &Db, args: &Args) -> anyhow::Result<Answers> {
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return Err(Fail::hint(
            "setup is interactive and there is no terminal",
            "run it in a terminal, or pass --non-interactive with --hostname, --domain, --admin, --password-stdin and --tls",
        )
        .into());
    }
    let found = detect::detect();
    let configured: Option<Configured> = super::configured(db)?;
    introduce(ctx, &found, configured.as_ref());
    let hostname = ask_hostname(args, &found, configured.as_ref())?;
    let domain = ask_domain(args, &hostname, configured.as_ref())?;
    let admin = ask_admin(args, &domain)?;
    let password = ask_password(db, args, &admin)?;
    let tls = match &args.tls {
        Some(t) => parse_tls(t, &hostname, args.acme_email.as_deref())?,
        None => ask_tls(&found, configured.is_some(), &hostname)?,
    };
    let services = ask_services(args, &found)?;
    let relay = ask_relay(args)?;
    let public_ips = if args.public_ip.is_empty() {
        found
            .addresses
            .iter()
            .filter(|a| a.public)
            .map(|a| a.ip)
            .collect()
    } else {
        args.public_ip.clone()
    };
    let install_service = ask_install_service(args)?;

    if !Confirm::new()
        .with_prompt(format!("Set up {} for {}?", hostname, domain.unicode()))
        .default(true)
        .interact()?
    {
        return Err(Fail::new("setup cancelled; nothing was changed").into());
    }
    Ok(Answers {
        hostname,
        domain,
        admin,
        password,
        tls,
        services,
        relay,
        public_ips,
        service_user: args.service_user.clone(),
        install_service,
    })
}

/// What the wizard found before the first question: the data directory, an earlier setup,
/// the machine's addresses, ports another program holds.
fn introduce(ctx: &Ctx, found: &Detected, configured: Option<&Configured>) {
    eprintln!(
        "mailctl setup — data directory {}",
        ctx.data_dir.root().display()
    );
    if let Some(c) = configured {
        eprintln!(
            "This server is already set up for {} ({}); answers change settings, nothing is deleted.",
            c.domain.unicode(),
            c.hostname
        );
    }
    if !found.addresses.is_empty() {
        let list: Vec<String> = found
            .addresses
            .iter()
            .map(|a| format!("{}{}", a.ip, if a.public { "" } else { " (private)" }))
            .collect();
        eprintln!("Addresses on this machine: {}", list.join(", "));
    }
    let busy: Vec<String> = found
        .ports
        .iter()
        .filter(|p| p.state == "in use")
        .map(|p| format!("{} ({})", p.port, p.service))
        .collect();
    if !busy.is_empty() {
        eprintln!(
            "Ports already in use by another program: {} — stop it or leave those services off.",
            busy.join(", ")
        );
    }
}

fn ask_hostname(
    args: &Args,
    found: &Detected,
    configured: Option<&Configured>,
) -> anyhow::Result<Domain> {
    Ok(match &args.hostname {
        Some(h) => Domain::parse(h).map_err(|e| Fail::usage(format!("--hostname: {e}")))?,
        None => {
            let default = configured
                .map(|c| c.hostname.to_string())
                .or_else(|| found.fqdn.clone())
                .unwrap_or_else(|| "mail.example.org".into());
            let h: String = Input::new()
                .with_prompt("Mail host name (needs A/AAAA and PTR records)")
                .default(default)
                .validate_with(|s: &String| Domain::parse(s).map(|_| ()).map_err(|e| e.0))
                .interact_text()?;
            Domain::parse(&h)?
        }
    })
}

fn ask_domain(
    args: &Args,
    hostname: &Domain,
    configured: Option<&Configured>,
) -> anyhow::Result<Domain> {
    Ok(match &args.domain {
        Some(d) => Domain::parse(d).map_err(|e| Fail::usage(format!("--domain: {e}")))?,
        None => {
            let default = configured.map(|c| c.domain.to_string()).unwrap_or_else(|| {
                let h = hostname.to_string();
                h.split_once('.')
                    .map(|(_, rest)| rest.to_string())
                    .filter(|r| r.contains('.'))
                    .unwrap_or(h)
            });
            let d: String = Input::new()
                .with_prompt("First mail domain")
                .default(default)
                .validate_with(|s: &String| Domain::parse(s).map(|_| ()).map_err(|e| e.0))
                .interact_text()?;
            Domain::parse(&d)?
        }
    })
}

fn ask_admin(args: &Args, domain: &Domain) -> anyhow::Result<Address> {
    Ok(match &args.admin {
        Some(a) => Address::parse(a).map_err(|e| Fail::usage(format!("--admin: {e}")))?,
        None => {
            let a: String = Input::new()
                .with_prompt("First mailbox (postmaster@ and abuse@ will point to it)")
                .default(format!("admin@{}", domain.unicode()))
                .validate_with(|s: &String| Address::parse(s).map(|_| ()).map_err(|e| e.0))
                .interact_text()?;
            Address::parse(&a)?
        }
    })
}

/// A password from the flags, else typed twice; for an existing mailbox only if the user
/// wants it changed.
fn ask_password(db: &Db, args: &Args, admin: &Address) -> anyhow::Result<Option<NewPassword>> {
    let cost = HashCost::from_settings(db).unwrap_or(HashCost::OWASP);
    let exists = db.user(admin)?.is_some();
    Ok(
        if args.password.password_stdin
            || args.password.random_password
            || args.password.password_hash.is_some()
        {
            Some(args.password.resolve(&admin.to_string(), cost)?)
        } else if !exists
            || Confirm::new()
                .with_prompt(format!("{admin} exists; change its password?"))
                .default(false)
                .interact()?
        {
            let p = Password::new()
                .with_prompt(format!("Password for {admin}"))
                .with_confirmation("Repeat the password", "The passwords differ; try again")
                .validate_with(|p: &String| crate::cli::password::check(p))
                .interact()?;
            Some(NewPassword {
                hash: crate::auth::hash_password(&p, cost)?,
                generated: None,
            })
        } else {
            None
        },
    )
}

/// The certificate: a detected Let's Encrypt one, the current one, a self-signed one, or
/// files named now. Asked again until the choice passes its check.
fn ask_tls(found: &Detected, configured: bool, hostname: &Domain) -> anyhow::Result<TlsChoice> {
    let (labels, choices) = tls_menu(found, configured);
    loop {
        let pick = Select::new()
            .with_prompt("TLS certificate")
            .items(&labels)
            .default(0)
            .interact()?;
        // Each path is checked as it is typed, and a detected pair when it is picked, so
        // a wrong file costs one question, not every answer given so far (issue 16.2).
        let host = hostname.to_string();
        match &choices[pick] {
            TlsChoice::Files(c, _) if c.as_os_str().is_empty() => {
                return ask_tls_files(&host);
            }
            TlsChoice::Files(c, k) => match super::tls::check_pair(c, k, &host) {
                Ok(_) => return Ok(TlsChoice::Files(c.clone(), k.clone())),
                Err(e) => eprintln!("{e}; choose another"),
            },
            TlsChoice::Acme(_) => {
                let email: String = Input::new()
                    .with_prompt("Contact address for the CA's expiry warnings (empty: none)")
                    .allow_empty(true)
                    .validate_with(|v: &String| {
                        super::parse_acme_email(v)
                            .map(|_| ())
                            .map_err(|e| e.to_string())
                    })
                    .interact_text()?;
                return Ok(TlsChoice::Acme(super::parse_acme_email(&email)?));
            }
            c => return Ok(c.clone()),
        }
    }
}

/// The TLS menu's lines and what each stands for; empty paths stand for "files I name".
fn tls_menu(found: &Detected, configured: bool) -> (Vec<String>, Vec<TlsChoice>) {
    let mut labels = Vec::new();
    let mut choices = Vec::new();
    for le in &found.letsencrypt {
        labels.push(format!(
            "Let's Encrypt certificate {} ({})",
            le.name,
            le.cert.display()
        ));
        choices.push(TlsChoice::Files(le.cert.clone(), le.key.clone()));
    }
    if configured {
        labels.push("Keep the current certificate".into());
        choices.push(TlsChoice::Keep);
    }
    labels
        .push("Self-signed certificate, made now (clients will warn until you replace it)".into());
    choices.push(TlsChoice::SelfSigned);
    labels.push("Certificate and key files I name".into());
    choices.push(TlsChoice::Files(Default::default(), Default::default()));
    // Last, so the default and the keys people learnt for the others stay as they were.
    labels.push(
        "Let's Encrypt by ACME, ordered and renewed by mailctl (port 80 must reach this host)"
            .into(),
    );
    choices.push(TlsChoice::Acme(String::new()));
    (labels, choices)
}

fn ask_tls_files(host: &str) -> anyhow::Result<TlsChoice> {
    let cert: String = Input::new()
        .with_prompt("Certificate chain (PEM) path")
        .validate_with(|p: &String| {
            super::tls::check_cert(std::path::Path::new(p.trim()), host).map(|_| ())
        })
        .interact_text()?;
    let cert = std::path::PathBuf::from(cert.trim());
    let key: String = Input::new()
        .with_prompt("Private key (PEM) path")
        .validate_with(|p: &String| {
            super::tls::check_pair(&cert, std::path::Path::new(p.trim()), host).map(|_| ())
        })
        .interact_text()?;
    Ok(TlsChoice::Files(cert, std::path::PathBuf::from(key.trim())))
}

fn ask_services(args: &Args, found: &Detected) -> anyhow::Result<Option<Vec<String>>> {
    Ok(match &args.services {
        Some(_) => Some(super::parse_services(args.services.as_deref())?),
        None => {
            let names: Vec<String> = super::SERVICE_PORTS
                .iter()
                .map(|(port, s)| {
                    let state = found
                        .ports
                        .iter()
                        .find(|p| p.port == *port)
                        .map(|p| p.state)
                        .unwrap_or("");
                    format!(
                        "{s} (port {port}{})",
                        if state == "in use" {
                            ", in use now"
                        } else {
                            ""
                        }
                    )
                })
                .collect();
            let defaults: Vec<bool> = super::SERVICE_PORTS.iter().map(|_| true).collect();
            let picked = MultiSelect::new()
                .with_prompt("Services to enable (space toggles, enter accepts)")
                .items(&names)
                .defaults(&defaults)
                .interact()?;
            let list: Vec<String> = picked
                .iter()
                .map(|&i| super::SERVICE_PORTS[i].1.to_string())
                .collect();
            Some(super::parse_services(Some(&list))?)
        }
    })
}

fn ask_relay(args: &Args) -> anyhow::Result<Option<(String, u16)>> {
    Ok(match &args.relay_host {
        Some(r) => Some(parse_relay(r)?),
        None => {
            let r: String = Input::new()
                .with_prompt("Relay host for outbound mail, if your provider blocks port 25 (empty: deliver directly)")
                .allow_empty(true)
                .validate_with(|s: &String| if s.is_empty() { Ok(()) } else { parse_relay(s).map(|_| ()).map_err(|e| e.to_string()) })
                .interact_text()?;
            if r.is_empty() {
                None
            } else {
                Some(parse_relay(&r)?)
            }
        }
    })
}

/// Asked only as root on a systemd machine, where the unit can be installed.
fn ask_install_service(args: &Args) -> anyhow::Result<bool> {
    Ok(args.install_service
        || (crate::sys::is_root()
            && std::path::Path::new("/run/systemd/system").exists()
            && Confirm::new()
                .with_prompt("Install the systemd unit?")
                .default(true)
                .interact()?))
}
