//! The one login path every protocol takes (SMTP AUTH, IMAP LOGIN/AUTHENTICATE, POP3
//! USER/PASS/AUTH, and whatever logs in later): the per-IP ban (`ban.*` settings), the hash
//! gate ([`super::hash::hash_slot`]), the password check, failure counting, and one log line
//! for every attempt: `login protocol=.. ip=.. user=.. result=ok|failed|banned`.
//!
//! Unknown users cost the same as known ones (a dummy hash is verified), so timing tells
//! neither; a disabled account fails like a wrong password.
//!
//! Not here: SASL decoding ([`super::sasl`]); the per-connection pause and limit after a
//! failure ([`failed_login_delay`], [`MAX_FAILED_LOGINS`]), which the sessions apply; what a
//! protocol does with a good login (IMAP's per-user session slots, POP3's maildrop lock).
//! Blocking (SQLite, argon2): call it on a blocking thread.

use std::net::IpAddr;
use std::time::Duration;

use super::hash::{HashCost, dummy_hash, hash_slot, verify_password};
use crate::core::users::User;
use crate::core::{Address, Db};

/// Failed logins one connection may make (SMTP AUTH, IMAP LOGIN/AUTHENTICATE, POP3
/// USER/PASS/AUTH): the last one is answered by closing the connection.
pub const MAX_FAILED_LOGINS: u32 = 3;

/// How long a daemon waits before answering the `failures`th failed login on one connection
/// (counted from 1): 0.5 s, 1 s, 2 s, 4 s, then 8 s. Guessing on one connection gets slower
/// at every try; the per-IP ban (`ban.*` settings) stops reconnecting. The caller
/// sleeps asynchronously (never on a worker thread that others need).
pub fn failed_login_delay(failures: u32) -> Duration {
    let steps = failures.saturating_sub(1).min(4);
    Duration::from_millis(500 << steps)
}

/// The verdict of [`login`].
#[derive(Debug)]
pub enum LoginOutcome {
    /// The password is right and the account enabled.
    Ok(User),
    /// Wrong password, unknown user or disabled account; counted towards the ban.
    Failed,
    /// The address is banned: it was before this attempt (no password was checked), or this
    /// failure put it over `ban.threshold`.
    Banned,
    /// The database could not be read; nothing was decided, the client may retry.
    TempFail(String),
}

/// Logs `user` in from `ip` over `protocol` (a label for the log: "SMTP", "IMAP", "POP3").
pub fn login(db: &Db, ip: IpAddr, user: &str, secret: &str, protocol: &str) -> LoginOutcome {
    let ip_s = ip.to_string();
    let outcome = match db.ban_until(&ip_s) {
        Ok(Some(_)) => LoginOutcome::Banned,
        Err(e) => LoginOutcome::TempFail(format!("database error: {e}")),
        Ok(None) => {
            let verified = {
                let _slot = hash_slot();
                authenticate(db, user, secret)
            };
            match verified {
                Ok(Some(u)) => LoginOutcome::Ok(u),
                Ok(None) => match db.record_auth_failure(&ip_s) {
                    Ok(true) => LoginOutcome::Banned,
                    Ok(false) => LoginOutcome::Failed,
                    // The password was wrong either way: say so, not "try later".
                    Err(e) => {
                        tracing::warn!(protocol, %ip, "cannot record the failed login: {e}");
                        LoginOutcome::Failed
                    }
                },
                Err(e) => LoginOutcome::TempFail(format!("database error: {e}")),
            }
        }
    };
    log(protocol, ip, user, &outcome);
    outcome
}

/// The one log line of a login attempt. The name a client gave is escaped and cut short:
/// it is the peer's text.
fn log(protocol: &str, ip: IpAddr, user: &str, outcome: &LoginOutcome) {
    let given: String = user.chars().take(256).collect();
    let given = given.escape_debug();
    match outcome {
        LoginOutcome::Ok(u) => {
            tracing::info!(protocol, %ip, user = %u.address, result = "ok", "login")
        }
        LoginOutcome::Failed => {
            tracing::warn!(protocol, %ip, user = %given, result = "failed", "login")
        }
        LoginOutcome::Banned => {
            tracing::warn!(protocol, %ip, user = %given, result = "banned", "login")
        }
        LoginOutcome::TempFail(why) => {
            tracing::warn!(protocol, %ip, user = %given, result = "tempfail", "login: {why}")
        }
    }
}

/// The password check alone: the user if the password is right and the account is
/// enabled, else `None`. Costs one hash verification either way. No ban, no counting, no
/// log: daemons call [`login`]; this is for the CLI's own checks.
pub fn authenticate(db: &Db, username: &str, password: &str) -> crate::core::Result<Option<User>> {
    let user = match Address::parse(username) {
        Ok(addr) => db.user(&addr)?,
        Err(_) => None,
    };
    match user {
        Some(u) => {
            let ok = verify_password(&u.password_hash, password);
            Ok((ok && u.enabled).then_some(u))
        }
        None => {
            let cost = HashCost::from_settings(db).unwrap_or(HashCost::OWASP);
            let _ = verify_password(dummy_hash(cost), password);
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_login_delay_grows_and_is_capped() {
        let d: Vec<u64> = (0..8)
            .map(|n| failed_login_delay(n).as_millis() as u64)
            .collect();
        assert_eq!(d, [500, 500, 1000, 2000, 4000, 8000, 8000, 8000]);
        assert_eq!(failed_login_delay(u32::MAX), Duration::from_secs(8));
    }

    /// The verdicts in order: right, wrong, disabled, unknown; the failure that reaches
    /// `ban.threshold` bans, and a banned address is refused even with the right password.
    #[test]
    fn login_counts_failures_and_bans() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&crate::core::DataDir::new(dir.path())).unwrap();
        db.set_setting("ban.threshold", "3").unwrap();
        db.set_setting("auth.argon2_memory", "64K").unwrap();
        db.set_setting("auth.argon2_iterations", "1").unwrap();
        let cheap = HashCost::from_settings(&db).unwrap();
        let hash = crate::auth::hash_password("pw", cheap).unwrap();
        let domain = crate::core::Domain::parse("example.test").unwrap();
        db.add_domain(&domain).unwrap();
        for who in ["alice@example.test", "off@example.test"] {
            db.add_user(&crate::core::users::NewUser {
                address: Address::parse(who).unwrap(),
                password_hash: hash.clone(),
                quota: 0,
            })
            .unwrap();
        }
        db.set_enabled(&Address::parse("off@example.test").unwrap(), false)
            .unwrap();
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let verdict = |user: &str, pw: &str| match login(&db, ip, user, pw, "TEST") {
            LoginOutcome::Ok(u) => format!("ok {}", u.address),
            other => format!("{other:?}"),
        };
        assert_eq!(verdict("alice@EXAMPLE.test", "pw"), "ok alice@example.test");
        assert_eq!(verdict("alice@example.test", "PW"), "Failed");
        assert_eq!(verdict("off@example.test", "pw"), "Failed");
        assert_eq!(verdict("nobody@example.test", "pw"), "Banned");
        assert_eq!(verdict("alice@example.test", "pw"), "Banned");
        let other: IpAddr = "192.0.2.2".parse().unwrap();
        assert!(matches!(
            login(&db, other, "alice@example.test", "pw", "TEST"),
            LoginOutcome::Ok(_)
        ));
    }
}
