//! `user add|remove|list|show|passwd|set|import`.

use clap::Subcommand;
use serde::Serialize;

use super::password::PasswordArgs;
use super::{Ctx, Fail, core_fail, timestamp};
use crate::auth::HashCost;
use crate::core::settings::{format_size, human_size, parse_size};
use crate::core::users::{NewUser, User};
use crate::core::{Address, Db};
use crate::output;

mod import;
mod maildir;

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Create a mailbox. The password comes from stdin, a prompt, or is generated; never argv.
    ///
    /// Refuses when a Maildir for the address already exists (mail of an earlier user kept
    /// with `user remove --keep-mail`, or put there by hand) unless --reuse-maildir.
    Add {
        /// The mailbox address, e.g. alice@example.org (its domain must be served here).
        address: String,
        /// Give the new user the Maildir that already exists for this address, with all its
        /// mail.
        #[arg(long)]
        reuse_maildir: bool,
        #[command(flatten)]
        password: PasswordArgs,
        /// Mailbox size limit, e.g. 2G or 500M (default: none).
        #[arg(long, value_name = "SIZE")]
        quota: Option<String>,
    },
    /// Delete a mailbox. Its mail is moved to <data-dir>/removed/<date>-<address>/ (so a
    /// later `user add` of the same address starts empty) unless --keep-mail or --purge.
    Remove {
        /// The mailbox address.
        address: String,
        /// Leave the Maildir where it is (a later `user add` must then say --reuse-maildir).
        #[arg(long, conflicts_with = "purge")]
        keep_mail: bool,
        /// Delete the Maildir with all its mail.
        #[arg(long)]
        purge: bool,
    },
    /// List mailboxes.
    List {
        /// Only this domain.
        #[arg(long)]
        domain: Option<String>,
    },
    /// Details of one mailbox, including its Maildir usage.
    Show {
        /// The mailbox address.
        address: String,
    },
    /// Change a mailbox's password.
    Passwd {
        /// The mailbox address.
        address: String,
        #[command(flatten)]
        password: PasswordArgs,
    },
    /// Change quota or enable/disable a mailbox (a disabled one cannot log in or receive mail).
    Set {
        /// The mailbox address.
        address: String,
        /// New quota (e.g. 2G; 0 for none).
        #[arg(long, value_name = "SIZE", required_unless_present_any = ["disable", "enable"])]
        quota: Option<String>,
        /// Stop the mailbox from logging in and from receiving mail (mail to it is refused
        /// with 550 at RCPT); its mail stays.
        #[arg(long, conflicts_with = "enable")]
        disable: bool,
        /// Let a disabled mailbox log in and receive mail again.
        #[arg(long)]
        enable: bool,
    },
    /// Check a password against the stored hash, as the daemons would (exit 1 if it fails).
    TestPassword {
        /// The mailbox address.
        address: String,
        /// Read the password from the first line of standard input (else prompt on a TTY).
        #[arg(long)]
        password_stdin: bool,
    },
    /// Create many mailboxes from a CSV file: address,password_or_hash[,quota]. All or nothing.
    Import {
        /// The CSV file: address,password_or_hash[,quota] per line; a header line and lines
        /// starting with # are skipped.
        file: std::path::PathBuf,
        /// Import the good lines and report the bad ones instead of importing nothing.
        #[arg(long)]
        skip_bad: bool,
        /// Accept plain passwords that are the address, its local part or a common password.
        #[arg(long)]
        allow_weak: bool,
    },
}

#[derive(Serialize)]
struct UserJson {
    address: String,
    unicode: String,
    domain: String,
    quota: u64,
    enabled: bool,
    created: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    maildir: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    used_bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    password_scheme: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    generated_password: Option<String>,
}

fn to_json(u: &User) -> UserJson {
    UserJson {
        address: u.address.to_string(),
        unicode: u.address.unicode(),
        domain: u.address.domain().to_string(),
        quota: u.quota,
        enabled: u.enabled,
        created: timestamp(u.created),
        maildir: None,
        used_bytes: None,
        password_scheme: None,
        generated_password: None,
    }
}

pub fn parse_address(input: &str) -> anyhow::Result<Address> {
    Address::parse(input)
        .map_err(|e| Fail::usage(format!("invalid address '{}': {e}", input.escape_debug())).into())
}

fn parse_quota(q: Option<&str>) -> anyhow::Result<u64> {
    match q {
        None => Ok(0),
        Some(q) => parse_size(q).map_err(|e| Fail::usage(format!("--quota: {e}")).into()),
    }
}

fn quota_text(q: u64) -> String {
    if q == 0 {
        "none".into()
    } else {
        format_size(q)
    }
}

fn cost(db: &Db) -> HashCost {
    HashCost::from_settings(db).unwrap_or(HashCost::OWASP)
}

fn scheme_name(hash: &str) -> &'static str {
    match crate::auth::classify(hash) {
        Ok((crate::auth::Scheme::Argon2, _)) => "argon2",
        Ok((crate::auth::Scheme::ShaCrypt, h)) if h.starts_with("$5$") => "sha256-crypt",
        Ok((crate::auth::Scheme::ShaCrypt, _)) => "sha512-crypt",
        Ok((crate::auth::Scheme::Bcrypt, _)) => "bcrypt",
        Err(_) => "unknown",
    }
}

/// `user remove`: the row goes; the Maildir is set aside (default), kept or purged.
fn remove(ctx: &Ctx, address: &str, keep_mail: bool, purge: bool) -> anyhow::Result<()> {
    let addr = parse_address(address)?;
    let db = ctx.db()?;
    let user = db.remove_user(&addr).map_err(core_fail)?;
    let md = ctx.data_dir.maildir(&addr);
    let exists = maildir::exists(&md);
    let (mut purged, mut moved_to) = (false, None);
    if exists && purge {
        std::fs::remove_dir_all(&md).map_err(|e| {
            Fail::new(format!(
                "user removed, but deleting {} failed: {e}",
                md.display()
            ))
        })?;
        purged = true;
    } else if exists && !keep_mail {
        moved_to = Some(maildir::set_aside(&ctx.data_dir, &addr).map_err(|e| {
            Fail::hint(
                format!(
                    "user removed, but moving its mail away from {} failed: {e}",
                    md.display()
                ),
                "move it by hand: a later `user add` of this address refuses while it is there",
            )
        })?);
    }
    if ctx.json {
        let mut j = to_json(&user);
        j.maildir = Some(md.display().to_string());
        output::json(&serde_json::json!({
            "removed": j, "purged": purged, "kept": exists && keep_mail,
            "moved_to": moved_to.as_ref().map(|p| p.display().to_string()),
        }))?;
    } else if !ctx.quiet {
        let mut msg = format!("removed user {}", addr.unicode());
        if purged {
            msg += &format!("\ndeleted its mail in {}", md.display());
        } else if let Some(to) = &moved_to {
            msg += &format!(
                "\nits mail was moved to {} (a new user with this address starts empty); delete it there when you no longer need it",
                to.display()
            );
        } else if exists {
            msg += &format!(
                "\nits mail stays in {}; a later `user add {addr}` must say --reuse-maildir to take it over",
                md.display()
            );
        }
        output::print(&msg)?;
    }
    Ok(())
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> anyhow::Result<()> {
    match cmd {
        Cmd::Add {
            address,
            reuse_maildir,
            password,
            quota,
        } => {
            let addr = parse_address(&address)?;
            let quota = parse_quota(quota.as_deref())?;
            let db = ctx.db()?;
            // Check what can be checked before asking for a password.
            if db.user(&addr)?.is_some() {
                return Err(Fail::new(format!("user {addr} already exists")).into());
            }
            let md = ctx.data_dir.maildir(&addr);
            let found = maildir::exists(&md).then(|| maildir::content(&md));
            if let Some((n, bytes)) = found
                && !reuse_maildir
            {
                return Err(Fail::hint(
                    format!(
                        "a Maildir for {addr} already exists ({}: {n} message(s), {}); the new user would get that mail",
                        md.display(),
                        human_size(bytes)
                    ),
                    "pass --reuse-maildir to give it to the new user, or move it away first",
                )
                .into());
            }
            if !db.domain_exists(addr.domain())? {
                let d = addr.domain().unicode();
                return Err(Fail::hint(
                    format!("domain {d} is not served here"),
                    format!("add it first with `mailctl domain add {d}`"),
                )
                .into());
            }
            let pw = password.resolve(&addr.to_string(), cost(&db))?;
            let user = db
                .add_user(&NewUser {
                    address: addr.clone(),
                    password_hash: pw.hash,
                    quota,
                })
                .map_err(core_fail)?;
            if ctx.json {
                let mut j = to_json(&user);
                j.generated_password = pw.generated;
                j.maildir = Some(ctx.data_dir.maildir(&addr).display().to_string());
                output::json(&j)?;
            } else {
                if !ctx.quiet {
                    output::print(&format!(
                        "added user {} (quota {})",
                        addr.unicode(),
                        quota_text(quota)
                    ))?;
                    if let Some((n, bytes)) = found {
                        output::print(&format!(
                            "reusing the existing Maildir {}: {n} message(s), {}",
                            md.display(),
                            human_size(bytes)
                        ))?;
                    }
                }
                if let Some(p) = pw.generated {
                    output::print(&format!("password: {p}\n(shown once; store it now)"))?;
                }
            }
        }
        Cmd::Remove {
            address,
            keep_mail,
            purge,
        } => remove(ctx, &address, keep_mail, purge)?,
        Cmd::List { domain } => {
            let db = ctx.db()?;
            let d = domain.as_deref().map(super::domain::parse).transpose()?;
            let users = db.users(d.as_ref()).map_err(core_fail)?;
            if ctx.json {
                output::json(&users.iter().map(to_json).collect::<Vec<_>>())?;
            } else if users.is_empty() {
                output::print("no users yet; add one with `mailctl user add user@example.com`")?;
            } else {
                output::print(&output::table(
                    &["ADDRESS", "QUOTA", "ENABLED", "CREATED"],
                    users.iter().map(|u| {
                        vec![
                            u.address.unicode(),
                            quota_text(u.quota),
                            if u.enabled { "yes" } else { "no" }.to_string(),
                            timestamp(u.created),
                        ]
                    }),
                ))?;
            }
        }
        Cmd::Show { address } => {
            let addr = parse_address(&address)?;
            let db = ctx.db()?;
            let user = db.user(&addr)?.ok_or_else(|| {
                Fail::hint(
                    format!("user {addr} does not exist"),
                    "`mailctl user list` shows the users",
                )
            })?;
            let maildir = ctx.data_dir.maildir(&addr);
            let used = super::domain::dir_size(&maildir);
            if ctx.json {
                let mut j = to_json(&user);
                j.maildir = Some(maildir.display().to_string());
                j.used_bytes = Some(used);
                j.password_scheme = Some(scheme_name(&user.password_hash));
                output::json(&j)?;
            } else {
                let usage = if user.quota > 0 {
                    format!(
                        "{} of {} ({:.0}%)",
                        human_size(used),
                        format_size(user.quota),
                        used as f64 * 100.0 / user.quota as f64
                    )
                } else {
                    human_size(used)
                };
                let aliases: Vec<String> = db
                    .sendable_addresses(&addr)?
                    .iter()
                    .skip(1)
                    .map(|a| a.unicode())
                    .collect();
                output::print(&output::fields(&[
                    ("address", addr.unicode()),
                    (
                        "enabled",
                        if user.enabled { "yes" } else { "no" }.to_string(),
                    ),
                    ("quota", quota_text(user.quota)),
                    ("used", usage),
                    (
                        "aliases to it",
                        if aliases.is_empty() {
                            "-".into()
                        } else {
                            aliases.join(", ")
                        },
                    ),
                    ("password", scheme_name(&user.password_hash).to_string()),
                    ("maildir", maildir.display().to_string()),
                    ("created", timestamp(user.created)),
                ]))?;
            }
        }
        Cmd::Passwd { address, password } => {
            let addr = parse_address(&address)?;
            let db = ctx.db()?;
            if db.user(&addr)?.is_none() {
                return Err(Fail::hint(
                    format!("user {addr} does not exist"),
                    "`mailctl user list` shows the users",
                )
                .into());
            }
            let pw = password.resolve(&addr.to_string(), cost(&db))?;
            db.set_password_hash(&addr, &pw.hash).map_err(core_fail)?;
            if ctx.json {
                output::json(
                    &serde_json::json!({ "address": addr.to_string(), "generated_password": pw.generated }),
                )?;
            } else {
                if !ctx.quiet {
                    output::print(&format!("password changed for {}", addr.unicode()))?;
                }
                if let Some(p) = pw.generated {
                    output::print(&format!("password: {p}\n(shown once; store it now)"))?;
                }
            }
        }
        Cmd::Set {
            address,
            quota,
            disable,
            enable,
        } => {
            let addr = parse_address(&address)?;
            let db = ctx.db()?;
            if let Some(q) = quota.as_deref() {
                db.set_quota(&addr, parse_quota(Some(q))?)
                    .map_err(core_fail)?;
            }
            if disable || enable {
                db.set_enabled(&addr, enable).map_err(core_fail)?;
            }
            let user = db
                .user(&addr)?
                .ok_or_else(|| Fail::new(format!("user {addr} does not exist")))?;
            if ctx.json {
                output::json(&to_json(&user))?;
            } else if !ctx.quiet {
                output::print(&format!(
                    "{}: quota {}, {}",
                    addr.unicode(),
                    quota_text(user.quota),
                    if user.enabled { "enabled" } else { "disabled" }
                ))?;
            }
        }
        Cmd::TestPassword {
            address,
            password_stdin,
        } => {
            let addr = parse_address(&address)?;
            let db = ctx.db()?;
            let password = if password_stdin || !std::io::IsTerminal::is_terminal(&std::io::stdin())
            {
                super::password::read_stdin_line()?
            } else {
                dialoguer::Password::new()
                    .with_prompt(format!("Password for {addr}"))
                    .interact()?
            };
            let ok = crate::auth::authenticate(&db, &addr.to_string(), &password)?.is_some();
            if ctx.json {
                output::json(&serde_json::json!({ "address": addr.to_string(), "ok": ok }))?;
            } else if !ctx.quiet {
                output::print(if ok {
                    "ok: the password is right and the account is enabled"
                } else {
                    "failed: wrong password, unknown user, or disabled account"
                })?;
            }
            if !ok {
                return Err(super::Exit(1).into());
            }
        }
        Cmd::Import {
            file,
            skip_bad,
            allow_weak,
        } => import::run(ctx, &file, skip_bad, allow_weak)?,
    }
    Ok(())
}
