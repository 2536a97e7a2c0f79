//! The one login path every protocol takes (SMTP AUTH, IMAP LOGIN/AUTHENTICATE, POP3
//! USER/PASS/AUTH, and whatever logs in later): the per-IP ban (`ban.*` settings), the user
//! row, the authentication cache ([`super::cache`]), the hash gate
//! ([`super::hash::hash_slot`]) and password check on a miss, failure counting, and one log
//! line for every attempt: `login protocol=.. ip=.. user=.. result=ok|failed|banned`.
//!
//! The ban is checked before the cache, and the user row is read on every login (one
//! indexed query), so a ban, a disabled account and a new password take effect at once;
//! a failure answered from the cache is counted towards the ban like any other.
//!
//! Unknown users cost the same as known ones (a dummy hash is verified), so timing tells
//! neither; a disabled account fails like a wrong password.
//!
//! Not here: SASL decoding ([`super::sasl`]); the per-connection pause and limit after a
//! failure ([`failed_login_delay`], [`MAX_FAILED_LOGINS`]), which the sessions apply; what a
//! protocol does with a good login (IMAP's per-user session slots, POP3's maildrop lock).
//! Blocking (SQLite, argon2): call it on a blocking thread.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use super::cache::Cache;
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
/// Password verdicts come from the daemons' cache ([`super::cache::global`]).
pub fn login(db: &Db, ip: IpAddr, user: &str, secret: &str, protocol: &str) -> LoginOutcome {
    login_with(db, super::cache::global(), ip, user, secret, protocol)
}

fn login_with(
    db: &Db,
    cache: &Cache,
    ip: IpAddr,
    user: &str,
    secret: &str,
    protocol: &str,
) -> LoginOutcome {
    let ip_s = ip.to_string();
    let mut cached = false;
    let outcome = match db.ban_until(&ip_s) {
        Ok(Some(_)) => LoginOutcome::Banned,
        Err(e) => LoginOutcome::TempFail(format!("database error: {e}")),
        Ok(None) => {
            let verified = find_user(db, user).map(|(name, u)| {
                let stored = u.as_ref().map(|u| u.password_hash.as_str());
                let v = cache.verify(Instant::now(), &name, stored, secret, || {
                    check(db, stored, secret)
                });
                cached = v.cached;
                u.filter(|u| v.right && u.enabled)
            });
            match verified {
                Ok(Some(u)) => LoginOutcome::Ok(u),
                Ok(None) => match db.record_auth_failure(&ip_s) {
                    Ok(true) => {
                        crate::metrics::global().ban();
                        LoginOutcome::Banned
                    }
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
    log(protocol, ip, user, &outcome, cached);
    outcome
}

/// The one log line of a login attempt. The name a client gave is escaped and cut short:
/// it is the peer's text. `cached`: the password verdict came from [`super::cache`].
fn log(protocol: &str, ip: IpAddr, user: &str, outcome: &LoginOutcome, cached: bool) {
    let given: String = user.chars().take(256).collect();
    let given = given.escape_debug();
    use crate::metrics::Login;
    let result = match outcome {
        LoginOutcome::Ok(_) => Login::Ok,
        LoginOutcome::Failed => Login::Failed,
        LoginOutcome::Banned => Login::Banned,
        LoginOutcome::TempFail(_) => Login::TempFail,
    };
    crate::metrics::global().login(protocol, result);
    match outcome {
        LoginOutcome::Ok(u) => {
            tracing::info!(protocol, %ip, user = %u.address, result = "ok", cached, "login")
        }
        LoginOutcome::Failed => {
            tracing::warn!(protocol, %ip, user = %given, result = "failed", cached, "login")
        }
        LoginOutcome::Banned => {
            tracing::warn!(protocol, %ip, user = %given, result = "banned", cached, "login")
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
    let (_, user) = find_user(db, username)?;
    let right = check(
        db,
        user.as_ref().map(|u| u.password_hash.as_str()),
        password,
    );
    Ok(user.filter(|u| right && u.enabled))
}

/// The user a client named, and the name the cache knows the attempt by: the address as
/// stored when it parses (so `Alice@EXAMPLE.test` and `alice@example.test` are one entry),
/// else the text as given.
fn find_user(db: &Db, username: &str) -> crate::core::Result<(String, Option<User>)> {
    match Address::parse(username) {
        Ok(addr) => {
            let user = db.user(&addr)?;
            Ok((addr.to_string(), user))
        }
        Err(_) => Ok((username.to_string(), None)),
    }
}

/// One hash verification inside the hash gate: against the stored hash, or for an unknown
/// user against a dummy of the configured cost, so timing does not tell the two apart.
fn check(db: &Db, stored: Option<&str>, password: &str) -> bool {
    let _slot = hash_slot();
    match stored {
        Some(h) => verify_password(h, password),
        None => {
            let cost = HashCost::from_settings(db).unwrap_or(HashCost::OWASP);
            let _ = verify_password(dummy_hash(cost), password);
            false
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

    /// Through a cache that remembers everything: the verdicts are those of the uncached
    /// path, a new password or a disabled account is seen at once, and a failure answered
    /// from the cache is still counted and bans.
    #[test]
    fn cached_logins_see_changes_and_count_failures() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&crate::core::DataDir::new(dir.path())).unwrap();
        db.set_setting("ban.threshold", "3").unwrap();
        db.set_setting("auth.argon2_memory", "64K").unwrap();
        db.set_setting("auth.argon2_iterations", "1").unwrap();
        let cheap = HashCost::from_settings(&db).unwrap();
        let domain = crate::core::Domain::parse("example.test").unwrap();
        db.add_domain(&domain).unwrap();
        let alice = Address::parse("alice@example.test").unwrap();
        db.add_user(&crate::core::users::NewUser {
            address: alice.clone(),
            password_hash: crate::auth::hash_password("old", cheap).unwrap(),
            quota: 0,
        })
        .unwrap();
        let cache = Cache::new(crate::auth::cache::Config {
            ttl: Duration::from_secs(3600),
            negative_ttl: Duration::from_secs(3600),
            size: 100,
        });
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let verdict = |user: &str, pw: &str| match login_with(&db, &cache, ip, user, pw, "TEST") {
            LoginOutcome::Ok(u) => format!("ok {}", u.address),
            other => format!("{other:?}"),
        };
        assert_eq!(
            verdict("alice@example.test", "old"),
            "ok alice@example.test"
        );
        assert_eq!(
            verdict("ALICE@example.test", "old"),
            "ok alice@example.test"
        );
        assert_eq!(cache.len(), 1, "one entry for both spellings");

        // `user passwd`: the remembered old password fails at once.
        let new_hash = crate::auth::hash_password("new", cheap).unwrap();
        db.set_password_hash(&alice, &new_hash).unwrap();
        assert_eq!(verdict("alice@example.test", "old"), "Failed");
        assert_eq!(
            verdict("alice@example.test", "new"),
            "ok alice@example.test"
        );

        // `user set --disable`: the remembered right password fails.
        db.set_enabled(&alice, false).unwrap();
        assert_eq!(verdict("alice@example.test", "new"), "Failed");
        db.set_enabled(&alice, true).unwrap();
        assert_eq!(
            verdict("alice@example.test", "new"),
            "ok alice@example.test"
        );

        // Two failures so far; the third, answered from the cache, reaches the threshold.
        assert_eq!(verdict("alice@example.test", "old"), "Banned");
        assert_eq!(verdict("alice@example.test", "new"), "Banned");

        // User removal, seen from an address that is not banned: the remembered password
        // no longer logs in.
        let other: IpAddr = "192.0.2.2".parse().unwrap();
        let from_other =
            |pw: &str| login_with(&db, &cache, other, "alice@example.test", pw, "TEST");
        assert!(matches!(from_other("new"), LoginOutcome::Ok(_)));
        db.remove_user(&alice).unwrap();
        assert!(matches!(from_other("new"), LoginOutcome::Failed));
    }
}
