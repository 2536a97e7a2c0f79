//! The Sieve scripts `mailctl vacation` and `mailctl forward` write: stored by
//! `core::autosieve` (which the web settings page uses too); here only the refusal of a
//! hand-written active script is worded for the command line, with what to do instead.
//!
//! Not here: the scripts' text and how they combine (`core::autosieve`).

use crate::cli::{Ctx, Fail, core_fail};
use crate::core::Address;

pub use crate::core::autosieve::{FORWARD, VACATION};

/// Refuses when the user's active script is one they (or a client) wrote.
fn check_active(db: &crate::core::Db, user: &Address) -> anyhow::Result<()> {
    if let Some(name) = db.hand_written_active(user).map_err(core_fail)? {
        return Err(Fail::hint(
            format!("{user}'s active Sieve script is {name}, written by hand"),
            format!(
                "add the rule to it (`mailctl sieve get {user} {name}`), or run `mailctl sieve deactivate {user}` first"
            ),
        )
        .into());
    }
    Ok(())
}

/// Stores `rules` as the generated script `name` and makes it active; its text.
pub fn install(ctx: &Ctx, user: &Address, name: &str, rules: &str) -> anyhow::Result<String> {
    let db = ctx.db()?;
    check_active(&db, user)?;
    db.install_generated(user, name, rules).map_err(core_fail)
}

/// Removes the generated script `name`; whether there was anything to remove.
pub fn remove(ctx: &Ctx, user: &Address, name: &str) -> anyhow::Result<bool> {
    ctx.db()?.remove_generated(user, name).map_err(core_fail)
}
