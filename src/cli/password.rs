//! Getting a password from the person or script at the keyboard, never from argv.

use std::io::{BufRead, IsTerminal, Read};

use super::Fail;

/// Where a new password comes from, as the flags of `user add|passwd` and `setup` say.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct PasswordArgs {
    /// Read the password from the first line of standard input.
    #[arg(long, conflicts_with_all = ["password_hash", "random_password"])]
    pub password_stdin: bool,
    /// Store this existing hash as it is ({SHA512-CRYPT}$6$…, $2y$…, $argon2id$…).
    #[arg(long, value_name = "HASH", conflicts_with = "random_password")]
    pub password_hash: Option<String>,
    /// Generate a random password and print it once.
    #[arg(long)]
    pub random_password: bool,
    /// Accept a password that is the address, its local part or one of the commonest
    /// passwords (for scripts that must set a given password).
    #[arg(long, conflicts_with_all = ["password_hash", "random_password"])]
    pub allow_weak: bool,
}

/// The hash to store and, for a generated password, the password to show once.
#[derive(Clone)]
pub struct NewPassword {
    pub hash: String,
    pub generated: Option<String>,
}

pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 1024;

impl PasswordArgs {
    /// Resolves the flags into a hash: an imported hash as it is, or a new argon2id hash of a
    /// password read from stdin, a TTY prompt with confirmation, or generated.
    pub fn resolve(&self, who: &str, cost: crate::auth::HashCost) -> anyhow::Result<NewPassword> {
        if let Some(h) = &self.password_hash {
            crate::auth::validate_hash(h)
                .map_err(|e| Fail::usage(format!("--password-hash: {e}")))?;
            return Ok(NewPassword {
                hash: h.clone(),
                generated: None,
            });
        }
        let (password, generated) = if self.random_password {
            let p = crate::auth::random_password(20);
            (p.clone(), Some(p))
        } else if self.password_stdin {
            (read_stdin_line()?, None)
        } else if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
            let p = dialoguer::Password::new()
                .with_prompt(format!("Password for {who}"))
                .with_confirmation("Repeat the password", "The passwords differ; try again")
                .validate_with(|p: &String| self.check_for(p, who))
                .interact()?;
            (p, None)
        } else {
            return Err(Fail::hint(
                "no password given",
                "use --password-stdin (e.g. `printf '%s\\n' \"$PW\" | mailctl user add ... --password-stdin`), --random-password or --password-hash",
            )
            .into());
        };
        self.check_for(&password, who).map_err(Fail::new)?;
        let hash = crate::auth::hash_password(&password, cost)?;
        Ok(NewPassword { hash, generated })
    }

    fn check_for(&self, p: &str, who: &str) -> Result<(), String> {
        check(p)?;
        if self.allow_weak {
            Ok(())
        } else {
            check_guessable(p, who).map_err(|e| format!("{e} (--allow-weak accepts it anyway)"))
        }
    }
}

/// The passwords an attacker tries first: the most common ones in public breach lists, each
/// at least [`MIN_LEN`] characters (shorter ones are refused by length already). Compared
/// case-insensitively.
const COMMON: &[&str] = &[
    "12345678",
    "123456789",
    "1234567890",
    "12345678910",
    "password",
    "password1",
    "password12",
    "password123",
    "password!",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "qwertyui",
    "qwertyuiop",
    "qwerty123",
    "qwerty12",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "1qaz2wsx",
    "zaq12wsx",
    "iloveyou",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "welcome1",
    "welcome123",
    "abc12345",
    "abcd1234",
    "11111111",
    "00000000",
    "88888888",
    "87654321",
    "123123123",
    "12341234",
    "11223344",
    "asdfghjk",
    "asdfasdf",
    "superman",
    "starwars",
    "trustno1",
    "letmein1",
    "letmein123",
    "changeme",
    "changeme123",
    "administrator",
    "admin123",
    "admin1234",
    "adminadmin",
    "secret123",
    "mailserver",
    "postmaster",
    "computer",
    "internet",
    "whatever",
    "michelle",
    "jennifer",
    "corvette",
    "mercedes",
    "mustang1",
    "dragon12",
    "monkey123",
    "shadow12",
    "master12",
    "access14",
    "q1w2e3r4",
    "aa123456",
    "qazwsxedc",
    "1234qwer",
    "qwer1234",
    "987654321",
    "555555555",
    "666666666",
];

/// Refuses a password that anyone who knows the address would guess: the address, its
/// local part or domain, either reversed, or one of [`COMMON`].
pub fn check_guessable(p: &str, address: &str) -> Result<(), String> {
    let lower = p.to_lowercase();
    let address = address.to_lowercase();
    let (local, domain) = address.rsplit_once('@').unwrap_or((address.as_str(), ""));
    let reversed: String = lower.chars().rev().collect();
    for (what, value) in [
        ("address", address.as_str()),
        ("local part", local),
        ("domain", domain),
    ] {
        if !value.is_empty() && (lower == value || reversed == value) {
            return Err(format!("the password is the {what} of the mailbox"));
        }
    }
    if COMMON.contains(&lower.as_str()) {
        return Err("the password is one of the most common passwords".into());
    }
    Ok(())
}

pub fn check(p: &str) -> Result<(), String> {
    if p.chars().count() < MIN_LEN {
        return Err(format!("the password is shorter than {MIN_LEN} characters"));
    }
    if p.len() > MAX_LEN {
        return Err(format!("the password is longer than {MAX_LEN} bytes"));
    }
    if p.chars().any(char::is_control) {
        return Err("the password contains control characters".into());
    }
    Ok(())
}

/// The first line of stdin without its line ending.
pub fn read_stdin_line() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .take(MAX_LEN as u64 + 2)
        .read_line(&mut line)?;
    let trimmed = line.strip_suffix('\n').unwrap_or(&line);
    let trimmed = trimmed.strip_suffix('\r').unwrap_or(trimmed);
    if trimmed.is_empty() {
        return Err(Fail::new("--password-stdin: standard input is empty").into());
    }
    Ok(trimmed.to_string())
}

// A generated password must not end up in a debug log.
impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewPassword")
            .field("hash", &self.hash)
            .field("generated", &self.generated.as_ref().map(|_| ".."))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guessable_passwords_are_named() {
        let who = "Carl.Smith@Example.org";
        for (p, why) in [
            ("carl.smith@example.org", "address"),
            ("CARL.SMITH", "local part"),
            ("htims.lrac", "local part"),
            ("example.org", "domain"),
            ("Passw0rd", "common"),
            ("12345678", "common"),
        ] {
            let e = check_guessable(p, who).unwrap_err();
            assert!(e.contains(why), "{p}: {e}");
        }
        for p in ["correct horse battery", "carl.smith2026!", "Tr0ub4dor&3x"] {
            check_guessable(p, who).unwrap();
        }
    }

    #[test]
    fn common_list_is_lower_case_and_long_enough_to_matter() {
        for p in COMMON {
            assert_eq!(*p, p.to_lowercase());
            assert!(check(p).is_ok(), "{p} is refused by length already");
        }
    }
}
