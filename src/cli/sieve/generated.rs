//! The Sieve scripts `mailctl vacation` and `mailctl forward` write for administrators who do
//! not want to write Sieve: ordinary scripts named `mailctl-vacation` and `mailctl-forward`
//! that `sieve get` and ManageSieve clients show and may edit.
//!
//! How they combine (a user has one active script, RFC 5804 §1.2): each generated script is
//! made of sections (`# begin mailctl-…` … `# end mailctl-…`) under one shared `require`.
//! The script written last holds its own section plus the other generated one's, and is the
//! active one, so vacation and forwarding run together; switching one off rewrites the other
//! alone. A hand-written active script is never replaced: the command refuses and says how
//! to proceed (add the rule to that script, or deactivate it first).
//!
//! Not here: storing scripts (`core::sieve`), running them (`crate::sieve`).

use crate::cli::{Ctx, Fail, core_fail};
use crate::core::Address;

pub const VACATION: &str = "mailctl-vacation";
pub const FORWARD: &str = "mailctl-forward";

/// Every extension any section may use, so sections can be put together freely.
const REQUIRE: &str = "require [\"vacation\", \"date\", \"relational\", \"copy\"];\n";

/// A Sieve quoted string (RFC 5228 §2.4.2): `\` and `"` escaped.
pub fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn other(name: &str) -> &'static str {
    if name == VACATION { FORWARD } else { VACATION }
}

/// The section `name` of a generated script's text, markers included.
fn section(text: &str, name: &str) -> Option<String> {
    let begin = format!("# begin {name}\n");
    let end = format!("# end {name}\n");
    let a = text.find(&begin)?;
    let b = text[a..].find(&end)? + a + end.len();
    Some(text[a..b].to_string())
}

fn wrap(name: &str, rules: &str) -> String {
    format!("# begin {name}\n{rules}# end {name}\n")
}

/// Refuses when the user's active script is one they (or a client) wrote.
fn check_active(db: &crate::core::Db, user: &Address) -> anyhow::Result<()> {
    if let Some(s) = db.active_sieve_script(user).map_err(core_fail)?
        && s.name != VACATION
        && s.name != FORWARD
    {
        return Err(Fail::hint(
            format!("{user}'s active Sieve script is {}, written by hand", s.name),
            format!(
                "add the rule to it (`mailctl sieve get {user} {}`), or run `mailctl sieve deactivate {user}` first",
                s.name
            ),
        )
        .into());
    }
    Ok(())
}

/// Stores `rules` as the generated script `name` (with the other generated script's section,
/// if it exists) and makes it active. Returns the script's text.
pub fn install(ctx: &Ctx, user: &Address, name: &str, rules: &str) -> anyhow::Result<String> {
    let db = ctx.db()?;
    check_active(&db, user)?;
    let mut text =
        format!("# Written by `mailctl`; edit with `mailctl vacation`/`forward`.\n{REQUIRE}");
    text.push_str(&wrap(name, rules));
    if let Some(s) = db.sieve_script(user, other(name)).map_err(core_fail)?
        && let Some(sec) = section(&s.content, other(name))
    {
        text.push_str(&sec);
    }
    db.put_sieve_script(user, name, &text).map_err(core_fail)?;
    db.activate_sieve_script(user, Some(name))
        .map_err(core_fail)?;
    Ok(text)
}

/// Removes the generated script `name`; the other generated one, if any, is rewritten alone
/// and made active. Returns whether there was anything to remove.
pub fn remove(ctx: &Ctx, user: &Address, name: &str) -> anyhow::Result<bool> {
    let db = ctx.db()?;
    let Some(mine) = db.sieve_script(user, name).map_err(core_fail)? else {
        return Ok(false);
    };
    let rest = db.sieve_script(user, other(name)).map_err(core_fail)?;
    if mine.active {
        db.activate_sieve_script(user, None).map_err(core_fail)?;
    }
    db.delete_sieve_script(user, name).map_err(core_fail)?;
    if let Some(s) = rest {
        let Some(sec) = section(&s.content, other(name)) else {
            return Ok(true);
        };
        let text = format!(
            "# Written by `mailctl`; edit with `mailctl vacation`/`forward`.\n{REQUIRE}{sec}"
        );
        db.put_sieve_script(user, other(name), &text)
            .map_err(core_fail)?;
        if mine.active || s.active {
            db.activate_sieve_script(user, Some(other(name)))
                .map_err(core_fail)?;
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_and_quoting() {
        let t = format!("x\n{}{}", wrap(VACATION, "a;\n"), wrap(FORWARD, "b;\n"));
        assert_eq!(
            section(&t, FORWARD).unwrap(),
            "# begin mailctl-forward\nb;\n# end mailctl-forward\n"
        );
        assert!(section("keep;", VACATION).is_none());
        assert_eq!(quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
    }
}
