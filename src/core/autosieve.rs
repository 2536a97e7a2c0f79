//! The Sieve scripts written for people who do not write Sieve: `mailctl vacation`/`forward`
//! and the web settings page both store their rules here, so an away message or a forward set
//! in the browser is the same script the CLI writes. They are ordinary scripts named
//! `mailctl-vacation` and `mailctl-forward` that `sieve get` and ManageSieve clients show and
//! may edit.
//!
//! How they combine (a user has one active script, RFC 5804 §1.2): each generated script is
//! made of sections (`# begin mailctl-…` … `# end mailctl-…`) under one shared `require`.
//! The script written last holds its own section plus the other generated one's, and is the
//! active one, so vacation and forwarding run together; switching one off rewrites the other
//! alone. A hand-written active script is never replaced ([`CoreError::Refused`]).
//!
//! The rules: RFC 5230 `vacation` inside an RFC 5260 `currentdate` window; RFC 5228
//! `redirect`, with RFC 3894 `:copy` to keep a copy.
//!
//! Not here: storing scripts (`core::sieve`), running them (`crate::sieve`), the wording of
//! refusals for people (the CLI and the web pages).

use super::{Address, CoreError, Db, Result};

pub const VACATION: &str = "mailctl-vacation";
pub const FORWARD: &str = "mailctl-forward";

/// Every extension any section may use, so sections can be put together freely.
const REQUIRE: &str = "require [\"vacation\", \"date\", \"relational\", \"copy\"];\n";
const HEAD: &str = "# Written by `mailctl`; edit with `mailctl vacation`/`forward`.\n";

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

/// An away message: RFC 5230 `vacation`, answered only between `from` and `until`
/// (YYYY-MM-DD, inclusive, server time zone) when given.
#[derive(Debug, Clone, Default)]
pub struct Vacation {
    pub subject: Option<String>,
    pub body: String,
    pub from: Option<String>,
    pub until: Option<String>,
    /// Days between two replies to the same sender (RFC 5230 default 7).
    pub days: Option<u32>,
}

fn day(what: &str, d: &Option<String>) -> Result<Option<String>> {
    let Some(d) = d.as_deref().map(str::trim).filter(|d| !d.is_empty()) else {
        return Ok(None);
    };
    chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
        .map_err(|_| CoreError::Invalid(format!("{what} {d}: not a date (YYYY-MM-DD)")))?;
    Ok(Some(d.to_string()))
}

impl Vacation {
    /// The script's rules; refuses bad dates, a window that ends before it starts, and a
    /// `days` outside 1..=365.
    pub fn rules(&self) -> Result<String> {
        let (from, until) = (day("from", &self.from)?, day("until", &self.until)?);
        if let (Some(f), Some(u)) = (&from, &until)
            && f > u
        {
            return Err(CoreError::Invalid(format!("from {f} is after until {u}")));
        }
        let mut action = String::from("vacation");
        if let Some(n) = self.days {
            if !(1..=365).contains(&n) {
                return Err(CoreError::Invalid(format!("days {n}: give 1 to 365")));
            }
            action.push_str(&format!(" :days {n}"));
        }
        if let Some(s) = self.subject.as_deref().filter(|s| !s.is_empty()) {
            action.push_str(&format!(" :subject {}", quote(s)));
        }
        action.push_str(&format!(" {};\n", quote(&self.body)));
        let mut tests = Vec::new();
        if let Some(f) = from {
            tests.push(format!("currentdate :value \"ge\" \"date\" {}", quote(&f)));
        }
        if let Some(u) = until {
            tests.push(format!("currentdate :value \"le\" \"date\" {}", quote(&u)));
        }
        Ok(if tests.is_empty() {
            action
        } else {
            format!("if allof({}) {{\n  {action}}}\n", tests.join(", "))
        })
    }
}

/// Forwarding rules: one `redirect` per destination (at most the per-message redirect
/// limit), `:copy` when a copy stays in the mailbox.
pub fn forward_rules(dests: &[Address], keep: bool) -> Result<String> {
    let max = crate::sieve::Limits::default().max_redirects;
    if dests.is_empty() || dests.len() > max {
        return Err(CoreError::Invalid(format!(
            "give 1 to {max} destinations (more: forward to a distribution alias)"
        )));
    }
    let copy = if keep { ":copy " } else { "" };
    Ok(dests
        .iter()
        .map(|d| format!("redirect {copy}{};\n", quote(&d.to_string())))
        .collect())
}

impl Db {
    /// The user's active script when it was written by hand (not one of ours).
    pub fn hand_written_active(&self, user: &Address) -> Result<Option<String>> {
        Ok(self
            .active_sieve_script(user)?
            .map(|s| s.name)
            .filter(|n| n != VACATION && n != FORWARD))
    }

    /// Stores `rules` as the generated script `name` (with the other generated script's
    /// section, if it exists) and makes it active. Returns the script's text.
    pub fn install_generated(&self, user: &Address, name: &str, rules: &str) -> Result<String> {
        if let Some(s) = self.hand_written_active(user)? {
            return Err(CoreError::Refused(format!(
                "{user}'s active Sieve script is {s}, written by hand"
            )));
        }
        let mut text = format!("{HEAD}{REQUIRE}");
        text.push_str(&wrap(name, rules));
        if let Some(s) = self.sieve_script(user, other(name))?
            && let Some(sec) = section(&s.content, other(name))
        {
            text.push_str(&sec);
        }
        self.put_sieve_script(user, name, &text)?;
        self.activate_sieve_script(user, Some(name))?;
        Ok(text)
    }

    /// Removes the generated script `name`; the other generated one, if any, is rewritten
    /// alone and made active. Returns whether there was anything to remove.
    pub fn remove_generated(&self, user: &Address, name: &str) -> Result<bool> {
        let Some(mine) = self.sieve_script(user, name)? else {
            return Ok(false);
        };
        let rest = self.sieve_script(user, other(name))?;
        if mine.active {
            self.activate_sieve_script(user, None)?;
        }
        self.delete_sieve_script(user, name)?;
        if let Some(s) = rest {
            let Some(sec) = section(&s.content, other(name)) else {
                return Ok(true);
            };
            let text = format!("{HEAD}{REQUIRE}{sec}");
            self.put_sieve_script(user, other(name), &text)?;
            if mine.active || s.active {
                self.activate_sieve_script(user, Some(other(name)))?;
            }
        }
        Ok(true)
    }

    /// The rules of the generated script `name` in force: its section, markers off, when it
    /// exists and is active (what a settings page shows).
    pub fn generated_rules(&self, user: &Address, name: &str) -> Result<Option<String>> {
        let Some(active) = self.active_sieve_script(user)? else {
            return Ok(None);
        };
        if active.name != VACATION && active.name != FORWARD {
            return Ok(None);
        }
        Ok(section(&active.content, name).map(|s| {
            s.lines()
                .filter(|l| !l.starts_with("# begin ") && !l.starts_with("# end "))
                .map(|l| format!("{l}\n"))
                .collect()
        }))
    }
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

    #[test]
    fn vacation_rules_check_their_window() {
        let v = Vacation {
            subject: Some("Away".into()),
            body: "back \"soon\"".into(),
            from: Some("2026-12-01".into()),
            until: Some("2026-12-24".into()),
            days: Some(3),
        };
        let r = v.rules().unwrap();
        assert!(r.starts_with("if allof(currentdate"), "{r}");
        assert!(r.contains("vacation :days 3 :subject \"Away\" \"back \\\"soon\\\"\";"));
        let swapped = Vacation {
            from: v.until.clone(),
            until: v.from.clone(),
            ..v.clone()
        };
        assert!(swapped.rules().is_err());
        let bad = Vacation {
            from: Some("12/01/2026".into()),
            ..v.clone()
        };
        assert!(bad.rules().is_err());
        assert!(Vacation { days: Some(0), ..v }.rules().is_err());
        let plain = Vacation {
            body: "x".into(),
            ..Vacation::default()
        };
        assert_eq!(plain.rules().unwrap(), "vacation \"x\";\n");
    }

    #[test]
    fn forward_rules_keep_a_copy_on_request() {
        let a = Address::parse("a@example.org").unwrap();
        assert_eq!(
            forward_rules(std::slice::from_ref(&a), true).unwrap(),
            "redirect :copy \"a@example.org\";\n"
        );
        assert_eq!(
            forward_rules(std::slice::from_ref(&a), false).unwrap(),
            "redirect \"a@example.org\";\n"
        );
        assert!(forward_rules(&[], false).is_err());
        assert!(forward_rules(&vec![a; 5], false).is_err());
    }
}
