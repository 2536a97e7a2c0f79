//! Password hashes: new ones with argon2id (PHC string, RFC 9106), imported ones verified as
//! they are: `{SHA512-CRYPT}`/`$6$`, `{SHA256-CRYPT}`/`$5$`, `{BLF-CRYPT}`/`$2y$`/`$2b$`/`$2a$`,
//! `{ARGON2ID}`/`$argon2id$` (and `$argon2i$`). Comparisons are constant-time inside the hash
//! libraries. [`hash_slot`] bounds how many verifications run at once.
//!
//! Not here: who may log in and what happens on failure (bans, counting, logging), which is
//! [`super::login`]; SASL framing, which is [`super::sasl`].

use std::sync::OnceLock;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::core::Db;

/// Argon2id cost parameters (memory in KiB).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashCost {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl HashCost {
    /// OWASP's recommendation for argon2id: 19 MiB, 2 iterations, 1 lane.
    pub const OWASP: HashCost = HashCost {
        memory_kib: 19 * 1024,
        iterations: 2,
        parallelism: 1,
    };

    /// The cost configured in the settings.
    pub fn from_settings(db: &Db) -> crate::core::Result<HashCost> {
        let memory = db.setting_size("auth.argon2_memory")? / 1024;
        Ok(HashCost {
            memory_kib: u32::try_from(memory).unwrap_or(u32::MAX),
            iterations: u32::try_from(db.setting_u64("auth.argon2_iterations")?)
                .unwrap_or(u32::MAX),
            parallelism: u32::try_from(db.setting_u64("auth.argon2_parallelism")?)
                .unwrap_or(u32::MAX),
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("argon2 parameters rejected: {0} (check auth.argon2_* settings)")]
    Params(String),
    #[error("cannot hash: {0}")]
    Hash(String),
    #[error("{0}")]
    BadHash(String),
}

/// Hashes a new password with argon2id and a random salt.
pub fn hash_password(password: &str, cost: HashCost) -> Result<String, AuthError> {
    let params = Params::new(cost.memory_kib, cost.iterations, cost.parallelism, None)
        .map_err(|e| AuthError::Params(e.to_string()))?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    argon
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AuthError::Hash(e.to_string()))
}

/// The scheme of a stored hash, after any `{SCHEME}` prefix is removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Argon2,
    ShaCrypt,
    Bcrypt,
}

/// Splits a Dovecot-style `{SCHEME}` prefix off and names the hash family. Refuses schemes
/// mailctl cannot verify, so an import never stores a hash nobody can log in with.
pub fn classify(stored: &str) -> Result<(Scheme, &str), AuthError> {
    let (prefix, hash) = match stored.strip_prefix('{').and_then(|r| r.split_once('}')) {
        Some((p, h)) => (Some(p.to_ascii_uppercase()), h),
        None => (None, stored),
    };
    let scheme = if hash.starts_with("$argon2id$") || hash.starts_with("$argon2i$") {
        Scheme::Argon2
    } else if hash.starts_with("$6$") || hash.starts_with("$5$") {
        Scheme::ShaCrypt
    } else if ["$2y$", "$2b$", "$2a$", "$2x$"]
        .iter()
        .any(|p| hash.starts_with(p))
    {
        Scheme::Bcrypt
    } else {
        return Err(AuthError::BadHash(format!(
            "unsupported password hash{}: mailctl verifies argon2id ($argon2id$), SHA512-CRYPT/SHA256-CRYPT ($6$/$5$) and BLF-CRYPT ($2y$)",
            prefix
                .map(|p| format!(" scheme {{{p}}}"))
                .unwrap_or_default()
        )));
    };
    let expected = match scheme {
        Scheme::Argon2 => &["ARGON2ID", "ARGON2I", "CRYPT"][..],
        Scheme::ShaCrypt => &["SHA512-CRYPT", "SHA256-CRYPT", "CRYPT"][..],
        Scheme::Bcrypt => &["BLF-CRYPT", "CRYPT"][..],
    };
    if let Some(p) = prefix
        && !expected.contains(&p.as_str())
    {
        return Err(AuthError::BadHash(format!(
            "scheme {{{p}}} does not match the hash that follows it"
        )));
    }
    Ok((scheme, hash))
}

/// Checks that a hash is well-formed enough to verify against later (for imports).
pub fn validate_hash(stored: &str) -> Result<(), AuthError> {
    let (scheme, hash) = classify(stored)?;
    let ok = match scheme {
        Scheme::Argon2 => {
            PasswordHash::new(hash).is_ok_and(|h| h.salt.is_some() && h.hash.is_some())
        }
        Scheme::ShaCrypt => {
            sha_crypt::PasswordHashRef::new(hash).is_ok() && sha_crypt_well_formed(hash)
        }
        Scheme::Bcrypt => bcrypt_well_formed(hash),
    };
    if ok {
        Ok(())
    } else {
        Err(AuthError::BadHash("the password hash is malformed".into()))
    }
}

/// The crypt(3) base-64 alphabet used by SHA-crypt and bcrypt (in different orders).
fn is_crypt_b64(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'/')
}

/// `$5$`/`$6$[rounds=N$]salt$digest`: the digest is 43 (SHA-256) or 86 (SHA-512) characters.
/// sha-crypt's own parser accepts a truncated digest, which would only fail at first login.
fn sha_crypt_well_formed(hash: &str) -> bool {
    let digest_len = if hash.starts_with("$6$") { 86 } else { 43 };
    let mut fields = hash[3..].split('$');
    let mut salt = fields.next();
    if salt.is_some_and(|f| f.starts_with("rounds=")) {
        salt = fields.next();
    }
    let digest = fields.next();
    fields.next().is_none()
        && salt.is_some_and(|s| !s.is_empty() && !s.contains(':'))
        && digest.is_some_and(|d| d.len() == digest_len && is_crypt_b64(d))
}

/// `$2y$NN$` + 22 characters of salt + 31 of digest, cost 04..=31.
fn bcrypt_well_formed(hash: &str) -> bool {
    let Some(rest) = hash.get(4..) else {
        return false;
    };
    let Some((cost, body)) = rest.split_once('$') else {
        return false;
    };
    hash.len() == 60
        && cost.len() == 2
        && cost.parse::<u32>().is_ok_and(|c| (4..=31).contains(&c))
        && body.len() == 53
        && is_crypt_b64(body)
}

/// Whether `password` matches the stored hash. Malformed hashes never match.
pub fn verify_password(stored: &str, password: &str) -> bool {
    let Ok((scheme, hash)) = classify(stored) else {
        return false;
    };
    match scheme {
        Scheme::Argon2 => PasswordHash::new(hash)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false),
        Scheme::ShaCrypt => sha_crypt::ShaCrypt::default()
            .verify_password(password.as_bytes(), hash)
            .is_ok(),
        Scheme::Bcrypt => bcrypt::verify(password, hash).unwrap_or(false),
    }
}

/// A hash of a random password with the configured cost, verified when the user does not
/// exist so that the answer takes as long as for a real user.
pub(super) fn dummy_hash(cost: HashCost) -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let mut secret = [0u8; 16];
        let _ = getrandom::fill(&mut secret);
        let pw: String = secret.iter().map(|b| format!("{b:02x}")).collect();
        hash_password(&pw, cost)
            .unwrap_or_else(|_| hash_password(&pw, HashCost::OWASP).unwrap_or_default())
    })
}

/// Password hashes (argon2id, ~19 MiB each) are verified at most this many at a time, so a
/// burst of logins cannot exhaust memory or starve the other work. Held for the length of
/// one verification; waiting here is blocking, so only on blocking threads.
pub fn hash_slot() -> HashSlot {
    static GATE: (std::sync::Mutex<usize>, std::sync::Condvar) =
        (std::sync::Mutex::new(0), std::sync::Condvar::new());
    let max = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut busy = GATE.0.lock().unwrap_or_else(|p| p.into_inner());
    while *busy >= max {
        busy = GATE.1.wait(busy).unwrap_or_else(|p| p.into_inner());
    }
    *busy += 1;
    HashSlot(&GATE)
}

/// One of [`hash_slot`]'s places, given back when dropped.
pub struct HashSlot(&'static (std::sync::Mutex<usize>, std::sync::Condvar));

impl Drop for HashSlot {
    fn drop(&mut self) {
        let mut busy = self.0.0.lock().unwrap_or_else(|p| p.into_inner());
        *busy = busy.saturating_sub(1);
        self.0.1.notify_one();
    }
}

/// A random password of `len` characters from an alphabet without look-alikes.
pub fn random_password(len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 64];
    while out.len() < len {
        if getrandom::fill(&mut buf).is_err() {
            break;
        }
        // Rejection sampling keeps the distribution uniform.
        for &b in &buf {
            let limit = 256 - (256 % ALPHABET.len());
            if (b as usize) < limit && out.len() < len {
                out.push(ALPHABET[b as usize % ALPHABET.len()] as char);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHEAP: HashCost = HashCost {
        memory_kib: 1024,
        iterations: 1,
        parallelism: 1,
    };

    #[test]
    fn argon2id_round_trip() {
        let h = hash_password("correct horse", CHEAP).unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"));
        assert!(verify_password(&h, "correct horse"));
        assert!(!verify_password(&h, "correct horsf"));
        assert!(verify_password(
            &format!("{{ARGON2ID}}{h}"),
            "correct horse"
        ));
    }

    // Known vectors: `openssl passwd -6 -salt saltsalt secret`, `openssl passwd -5 -salt
    // saltsalt secret`, and a bcrypt $2y$ (cost 5) from Python bcrypt, re-prefixed as PHP writes it.
    const SHA512: &str = "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1";
    const SHA256: &str = "$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA";
    const BCRYPT: &str = "$2y$05$fdDzU/K/PETLXAePxymtHuoOEnmtT7NQtAfjRyI9ujlp3altqOCSm";

    #[test]
    fn imported_hashes_verify_as_they_are() {
        for h in [SHA512, SHA256, BCRYPT] {
            assert!(verify_password(h, "secret"), "{h}");
            assert!(!verify_password(h, "Secret"), "{h}");
            validate_hash(h).unwrap();
        }
        assert!(verify_password(
            &format!("{{SHA512-CRYPT}}{SHA512}"),
            "secret"
        ));
        assert!(verify_password(&format!("{{BLF-CRYPT}}{BCRYPT}"), "secret"));
        assert!(verify_password(&format!("{{CRYPT}}{SHA512}"), "secret"));
    }

    #[test]
    fn truncated_or_garbled_imports_are_refused_at_import() {
        for bad in [
            "{SHA512-CRYPT}$6$abc$xyz",
            "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN",
            "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1$x",
            "$5$salt$short",
            "{BLF-CRYPT}$2y$99$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01",
            "$2y$10$abcdefghijklmnopqrstu!vwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0",
            "{ARGON2ID}$argon2id$v=19$m=19456,t=2,p=1",
        ] {
            assert!(validate_hash(bad).is_err(), "{bad} was accepted");
        }
        validate_hash("$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1").unwrap();
    }

    #[test]
    fn bad_hashes_never_match_and_are_refused() {
        for h in [
            "",
            "secret",
            "{PLAIN}secret",
            "{MD5}x",
            "$1$abc$def",
            "$6$",
            "{BLF-CRYPT}$6$saltsalt$x",
            "$2y$05$short",
        ] {
            assert!(!verify_password(h, "secret"), "{h}");
            assert!(validate_hash(h).is_err(), "{h}");
        }
    }

    #[test]
    fn hash_slots_bound_concurrent_verifications() {
        let max = std::thread::available_parallelism().map_or(2, |n| n.get());
        let peak = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let now = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let threads: Vec<_> = (0..max * 3)
            .map(|_| {
                let (peak, now) = (peak.clone(), now.clone());
                std::thread::spawn(move || {
                    let _s = hash_slot();
                    let n = now.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                    peak.fetch_max(n, std::sync::atomic::Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    now.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        let peak = peak.load(std::sync::atomic::Ordering::SeqCst);
        assert!(peak >= 1 && peak <= max, "peak {peak} > {max}");
    }

    #[test]
    fn random_passwords() {
        let a = random_password(20);
        assert_eq!(a.len(), 20);
        assert_ne!(a, random_password(20));
    }
}
