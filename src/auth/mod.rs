//! Authentication for every daemon, in three parts:
//! - [`sasl`]: SASL responses decoded sans-IO, PLAIN (RFC 4616) and LOGIN
//!   (draft-murchison-sasl-login), with one authorization-identity rule;
//! - [`login`](mod@login): the one login path (ban check, cache, hash gate, password check,
//!   failure counting, the log line) that SMTP, IMAP and POP3 all call;
//! - [`cache`]: password verdicts remembered for `auth.cache_ttl` (Dovecot's auth cache);
//! - [`hash`]: password hashes, argon2id for new ones (RFC 9106), imported SHA-crypt,
//!   bcrypt and argon2 ones verified as they are, and the gate bounding concurrent checks.
//!
//! Not here: which mechanisms a protocol offers and its reply texts (the protocols), TLS
//! and plaintext policy (`net`), storing users and bans (`core`).

pub mod cache;
pub mod hash;
pub mod login;
pub mod policy;
pub mod sasl;

pub use hash::{
    AuthError, HashCost, HashSlot, Scheme, classify, hash_password, hash_slot, random_password,
    validate_hash, verify_password,
};
pub use login::{LoginOutcome, MAX_FAILED_LOGINS, authenticate, failed_login_delay, login};
