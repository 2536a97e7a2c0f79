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

pub use crate::auth::policy::{MAX_LEN, MIN_LEN, check, check_guessable};

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
