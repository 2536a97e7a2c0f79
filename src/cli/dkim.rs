//! `dkim generate|show|import`: the keys outbound mail is signed with, and the TXT records
//! that publish them.

use clap::Subcommand;

use super::{Ctx, Fail, core_fail};
use crate::dkim::{self, Algorithm, DkimError, DkimKey};
use crate::output;

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Make a signing key for DOMAIN and print the TXT record to publish.
    Generate {
        /// The domain whose mail the key signs.
        domain: String,
        /// Selector (default: the dkim.selector setting, "mail").
        #[arg(long)]
        selector: Option<String>,
        /// ed25519 (small, modern) or rsa (2048 bits, verified everywhere; needs openssl).
        #[arg(long, value_enum, default_value = "ed25519")]
        algorithm: Algorithm,
        /// Replace an existing key with the same selector.
        #[arg(long)]
        force: bool,
    },
    /// Print the TXT records for the keys held for DOMAIN.
    Show {
        /// The domain.
        domain: String,
    },
    /// Store an existing private key (PEM: PKCS#8 Ed25519 or RSA, or PKCS#1 RSA).
    Import {
        /// The domain whose mail the key signs.
        domain: String,
        /// The PEM file holding the private key.
        file: std::path::PathBuf,
        /// Selector (default: the dkim.selector setting, "mail").
        #[arg(long)]
        selector: Option<String>,
    },
}

fn key_error(e: DkimError) -> anyhow::Error {
    Fail::new(e.to_string()).into()
}

fn print_keys(ctx: &Ctx, keys: &[DkimKey]) -> anyhow::Result<()> {
    if ctx.json {
        let v: Vec<_> = keys
            .iter()
            .map(|k| {
                serde_json::json!({
                    "domain": k.domain, "selector": k.selector, "algorithm": k.algorithm,
                    "path": k.path, "name": k.record_name(), "type": "TXT", "value": k.record_value(),
                    "zone": dkim::zone_line(&k.record_name(), &k.record_value()),
                })
            })
            .collect();
        return Ok(output::json(&v)?);
    }
    let mut out = String::new();
    for k in keys {
        out.push_str(&format!(
            "; {} key, selector {} ({})\n",
            if k.algorithm == Algorithm::Rsa {
                "RSA"
            } else {
                "Ed25519"
            },
            k.selector,
            k.path.display()
        ));
        out.push_str(&dkim::zone_line(&k.record_name(), &k.record_value()));
        out.push_str("\n\n");
    }
    out.push_str(&output::table(
        &["NAME", "TYPE", "VALUE"],
        keys.iter()
            .map(|k| vec![k.record_name(), "TXT".into(), k.record_value()]),
    ));
    output::print(&out)?;
    Ok(())
}

/// Whether the daemon's account (`server.user`) will be able to read a key written here: a
/// key it cannot read means unsigned mail, so this is a failure, not a footnote (issue 16.1).
fn daemon_can_read(ctx: &Ctx, key: &std::path::Path) -> Result<(), Fail> {
    let user = crate::core::owner::server_user(&ctx.data_dir.db());
    let Some(owner) = crate::core::owner::Owner::lookup(&user) else {
        // No such account here (e.g. server.user empty: the daemon runs as whoever starts it).
        return Ok(());
    };
    if crate::core::owner::readable_by(key, &owner) {
        return Ok(());
    }
    let has = std::fs::metadata(key)
        .map(|m| crate::core::owner::describe(&m))
        .unwrap_or_default();
    Err(Fail::hint(
        format!(
            "the daemon runs as {user} and cannot read {} ({has}): mail is NOT signed with this key",
            key.display()
        ),
        format!("run `chown {user}: {}` as root", key.display()),
    ))
}

/// A running daemon signs with a new key from the next message on (it reads the keys per
/// message); the reload only refreshes what `status` reports it signs with.
fn announce(ctx: &Ctx) -> anyhow::Result<()> {
    let note = super::reload::tell_daemon(ctx, false);
    if !ctx.json && !ctx.quiet && note.result != "none" && note.result != "applied" {
        eprintln!("mailctl: {}", note.message);
    }
    Ok(())
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> anyhow::Result<()> {
    let db = ctx.db()?;
    match cmd {
        Cmd::Generate {
            domain,
            selector,
            algorithm,
            force,
        } => {
            let d = super::domain::parse(&domain)?;
            if !db.domain_exists(&d)? {
                return Err(Fail::hint(
                    format!("{d} is not served here"),
                    format!("add it first with `mailctl domain add {d}`"),
                )
                .into());
            }
            let selector = match selector {
                Some(s) => s,
                None => db.setting("dkim.selector").map_err(core_fail)?,
            };
            let key = dkim::generate(&ctx.data_dir, &d, &selector, algorithm, force)
                .map_err(key_error)?;
            let daemon = daemon_can_read(ctx, &key.path);
            if !ctx.json && !ctx.quiet && daemon.is_ok() {
                output::print(&format!(
                    "new DKIM key for {d}; the daemon signs mail from {d} with it; publish this record so receivers can verify it:\n"
                ))?;
            }
            print_keys(ctx, &[key])?;
            daemon?;
            announce(ctx)
        }
        Cmd::Show { domain } => {
            let d = super::domain::parse(&domain)?;
            let keys = dkim::keys(&ctx.data_dir.dkim(), &d).map_err(key_error)?;
            if keys.is_empty() {
                return Err(Fail::hint(
                    format!("no DKIM key for {d}"),
                    format!("make one with `mailctl dkim generate {d}`"),
                )
                .into());
            }
            print_keys(ctx, &keys)
        }
        Cmd::Import {
            domain,
            file,
            selector,
        } => {
            let d = super::domain::parse(&domain)?;
            let selector = match selector {
                Some(s) => s,
                None => db.setting("dkim.selector").map_err(core_fail)?,
            };
            if !dkim::valid_selector(&selector) {
                return Err(Fail::usage(format!("'{selector}' is not a valid selector")).into());
            }
            let pem = std::fs::read_to_string(&file)
                .map_err(|e| Fail::new(format!("cannot read {}: {e}", file.display())))?;
            let key = dkim::store(&ctx.data_dir, &d, &selector, &pem).map_err(key_error)?;
            let daemon = daemon_can_read(ctx, &key.path);
            print_keys(ctx, &[key])?;
            daemon?;
            announce(ctx)
        }
    }
}
