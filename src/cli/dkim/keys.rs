//! What the dkim commands share: printing keys as records, and telling whether (and that) the
//! daemon will sign with a key written here.

use crate::cli::{Ctx, Fail};
use crate::dkim::{self, Algorithm, DkimError, DkimKey};
use crate::output;

pub(super) fn key_error(e: DkimError) -> anyhow::Error {
    Fail::new(e.to_string()).into()
}

pub(super) fn print_keys(ctx: &Ctx, keys: &[DkimKey]) -> anyhow::Result<()> {
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
pub(super) fn daemon_can_read(ctx: &Ctx, key: &std::path::Path) -> Result<(), Fail> {
    let user = crate::core::owner::server_user(&ctx.data_dir);
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
pub(super) fn announce(ctx: &Ctx) -> anyhow::Result<()> {
    let note = crate::cli::reload::tell_daemon(ctx, false);
    if !ctx.json && !ctx.quiet && note.result != "none" && note.result != "applied" {
        eprintln!("mailctl: {}", note.message);
    }
    Ok(())
}
