//! `setup --non-interactive`: every answer from a flag, or on a re-run from what is
//! configured; a missing one is an error naming the flag.
//!
//! Not here: the questions (`wizard`), what is done with the answers (`apply`).

use super::{Answers, Args, Configured, TlsChoice, configured, detect, parse_relay};
use super::{parse_services, parse_tls};
use crate::auth::HashCost;
use crate::cli::Fail;
use crate::cli::password::NewPassword;
use crate::core::{Address, Db, Domain};

/// The error for an answer no flag gave.
fn need(what: &str, flag: &str) -> anyhow::Error {
    Fail::hint(
        format!("--non-interactive needs {what}"),
        format!("pass {flag}"),
    )
    .into()
}

pub(super) fn from_flags(db: &Db, args: &Args) -> anyhow::Result<Answers> {
    let configured = configured(db)?;
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
    let admin = admin(db, args, configured.as_ref(), &domain)?;
    let password = password(db, args, &admin)?;
    let tls = match args.tls.as_deref() {
        Some(t) => parse_tls(t, &hostname, args.acme_email.as_deref())?,
        None if configured.is_some() => TlsChoice::Keep,
        None => {
            return Err(need(
                "a TLS choice",
                "--tls self-signed, --tls acme --acme-email ADDRESS, or --tls /path/fullchain.pem,/path/privkey.pem",
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

/// `--admin`, else on a re-run the mailbox postmaster@ delivers to.
fn admin(
    db: &Db,
    args: &Args,
    configured: Option<&Configured>,
    domain: &Domain,
) -> anyhow::Result<Address> {
    match (
        &args.admin,
        configured.and_then(|_| postmaster_mailbox(db, domain)),
    ) {
        (Some(a), _) => Ok(Address::parse(a).map_err(|e| Fail::usage(format!("--admin: {e}")))?),
        (None, Some(a)) => Ok(a),
        (None, None) => Err(need(
            "the first mailbox",
            &format!("--admin you@{}", domain.unicode()),
        )),
    }
}

/// The admin's password: needed for a new mailbox or with --reset-password, else kept.
fn password(db: &Db, args: &Args, admin: &Address) -> anyhow::Result<Option<NewPassword>> {
    let exists = db.user(admin)?.is_some();
    let pw_given = args.password.password_stdin
        || args.password.random_password
        || args.password.password_hash.is_some();
    if exists && !args.reset_password {
        return Ok(None);
    }
    if !pw_given {
        return Err(need(
            &format!("a password for {admin}"),
            "--password-stdin, --random-password or --password-hash",
        ));
    }
    Ok(Some(args.password.resolve(
        &admin.to_string(),
        HashCost::from_settings(db).unwrap_or(HashCost::OWASP),
    )?))
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

fn parse_domain(flag: &str, v: &str) -> anyhow::Result<Domain> {
    Domain::parse(v).map_err(|e| Fail::usage(format!("{flag}: {e}")).into())
}
