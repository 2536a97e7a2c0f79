//! The authentication cache (Dovecot's `auth_cache_*`): a password verdict remembered in
//! memory so a client that logs in again and again (phones, IMAP clients opening several
//! connections) pays for one argon2 verification per `auth.cache_ttl`, not one per login;
//! a wrong password is remembered for the shorter `auth.cache_negative_ttl`, so a client
//! stuck retrying a stale password does not hash on every try.
//!
//! What is cached is the verdict of "does this secret match this stored hash", which never
//! changes: the key is an HMAC-SHA256, under a random key made per process, over the user
//! name, the stored hash string (or its absence) and the secret. The secret itself is never
//! kept, and a key cannot be tested offline without the process's HMAC key. Because the
//! stored hash is part of the key, `user passwd` (a new hash), user removal (no hash) and a
//! re-created user miss at once; the caller reads the user row on every login, which is
//! also where `user set --disable` is seen. SIGHUP clears everything ([`clear`]).
//!
//! Bounded by `auth.cache_size` entries; the oldest inserted goes first. Unknown users are
//! cached like known ones, so a repeated login cannot tell them apart by timing.
//!
//! Not here: bans and failure counting (every cached failure is still counted, in
//! [`super::login`]), reading the user row, the settings (`core::settings`).

use std::collections::{BTreeMap, HashMap};
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use ring::hmac;

use crate::core::Db;

/// How long verdicts live and how many are kept; a zero TTL or size turns that part off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// How long a right password is remembered (`auth.cache_ttl`).
    pub ttl: Duration,
    /// How long a wrong password is remembered (`auth.cache_negative_ttl`).
    pub negative_ttl: Duration,
    /// Most entries (`auth.cache_size`).
    pub size: usize,
}

impl Config {
    /// Nothing is cached: what a process has before `serve` configures it.
    pub const OFF: Config = Config {
        ttl: Duration::ZERO,
        negative_ttl: Duration::ZERO,
        size: 0,
    };

    /// The `auth.cache_*` settings.
    pub fn from_settings(db: &Db) -> crate::core::Result<Config> {
        Ok(Config {
            ttl: db.setting_duration("auth.cache_ttl")?,
            negative_ttl: db.setting_duration("auth.cache_negative_ttl")?,
            size: usize::try_from(db.setting_u64("auth.cache_size")?).unwrap_or(usize::MAX),
        })
    }

    fn ttl_for(&self, right: bool) -> Duration {
        if right { self.ttl } else { self.negative_ttl }
    }
}

type Key = [u8; 32];

struct Entry {
    right: bool,
    expires: Instant,
    /// Insertion order, the index into [`Inner::order`].
    seq: u64,
}

struct Inner {
    config: Config,
    map: HashMap<Key, Entry>,
    /// Insertion sequence to key: the first is the oldest, evicted first.
    order: BTreeMap<u64, Key>,
    next_seq: u64,
}

impl Inner {
    fn remove(&mut self, key: &Key) {
        if let Some(e) = self.map.remove(key) {
            self.order.remove(&e.seq);
        }
    }

    fn insert(&mut self, key: Key, right: bool, expires: Instant) {
        self.remove(&key);
        while self.map.len() >= self.config.size {
            match self.order.pop_first() {
                Some((_, oldest)) => {
                    self.map.remove(&oldest);
                }
                None => break,
            }
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.order.insert(seq, key);
        self.map.insert(
            key,
            Entry {
                right,
                expires,
                seq,
            },
        );
    }
}

/// What [`Cache::verify`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// The secret matches the stored hash.
    pub right: bool,
    /// Answered from the cache, without a hash check (for the log line).
    pub cached: bool,
}

/// A bounded, expiring memo of password verdicts (see the module doc).
pub struct Cache {
    /// `None` if the system had no randomness to give: then nothing is cached.
    hmac_key: Option<hmac::Key>,
    inner: Mutex<Inner>,
}

impl Cache {
    pub fn new(config: Config) -> Cache {
        let rng = ring::rand::SystemRandom::new();
        Cache {
            hmac_key: hmac::Key::generate(hmac::HMAC_SHA256, &rng).ok(),
            inner: Mutex::new(Inner {
                config,
                map: HashMap::new(),
                order: BTreeMap::new(),
                next_seq: 0,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // The map stays consistent at every step; a panic elsewhere leaves nothing half done.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Replaces the limits and forgets every verdict.
    pub fn configure(&self, config: Config) {
        let mut inner = self.lock();
        inner.config = config;
        inner.map.clear();
        inner.order.clear();
    }

    /// Forgets every verdict.
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.map.clear();
        inner.order.clear();
    }

    /// How many verdicts are held (expired ones not yet dropped included).
    pub fn len(&self) -> usize {
        self.lock().map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The keyed digest standing for (user, stored hash, secret). Each field is
    /// length-prefixed so no two different triples run together into the same input.
    fn key(&self, user: &str, stored: Option<&str>, secret: &str) -> Option<Key> {
        let k = self.hmac_key.as_ref()?;
        let mut ctx = hmac::Context::with_key(k);
        let stored_field = stored.map(str::as_bytes);
        for field in [Some(user.as_bytes()), stored_field, Some(secret.as_bytes())] {
            match field {
                Some(f) => {
                    ctx.update(&[1]);
                    ctx.update(&(f.len() as u64).to_be_bytes());
                    ctx.update(f);
                }
                None => ctx.update(&[0]),
            }
        }
        let tag = ctx.sign();
        tag.as_ref().try_into().ok()
    }

    /// Whether `secret` matches `stored` (the user's hash; `None` for an unknown user) as
    /// `check` decides, asking `check` only when no live verdict is remembered. `check` runs
    /// without the lock held, so other logins go on while it hashes.
    pub fn verify(
        &self,
        now: Instant,
        user: &str,
        stored: Option<&str>,
        secret: &str,
        check: impl FnOnce() -> bool,
    ) -> Verdict {
        let checked = |right| Verdict {
            right,
            cached: false,
        };
        let config = self.lock().config;
        if config.size == 0 || (config.ttl.is_zero() && config.negative_ttl.is_zero()) {
            return checked(check());
        }
        let Some(key) = self.key(user, stored, secret) else {
            return checked(check());
        };
        {
            let mut inner = self.lock();
            match inner.map.get(&key) {
                Some(e) if now < e.expires => {
                    return Verdict {
                        right: e.right,
                        cached: true,
                    };
                }
                Some(_) => inner.remove(&key),
                None => {}
            }
        }
        let right = check();
        let ttl = config.ttl_for(right);
        if !ttl.is_zero()
            && let Some(expires) = now.checked_add(ttl)
        {
            let mut inner = self.lock();
            // Reconfigured while `check` ran: the new limits apply.
            if inner.config == config {
                inner.insert(key, right, expires);
            }
        }
        checked(right)
    }
}

static GLOBAL: LazyLock<Cache> = LazyLock::new(|| Cache::new(Config::OFF));

/// The cache the daemons' logins use; off until [`configure`]d.
pub fn global() -> &'static Cache {
    &GLOBAL
}

/// Sets the daemons' cache limits (at start and on SIGHUP), forgetting every verdict.
pub fn configure(config: Config) {
    GLOBAL.configure(config);
}

/// Forgets every verdict the daemons' cache holds (SIGHUP).
pub fn clear() {
    GLOBAL.clear();
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    const HOUR: Duration = Duration::from_secs(3600);
    const MINUTE: Duration = Duration::from_secs(60);

    fn cache(size: usize) -> Cache {
        Cache::new(Config {
            ttl: HOUR,
            negative_ttl: MINUTE,
            size,
        })
    }

    /// Runs one verification whose real answer is `stored == secret`, counting real checks.
    fn verify(
        c: &Cache,
        now: Instant,
        user: &str,
        stored: &str,
        secret: &str,
        n: &Cell<u32>,
    ) -> bool {
        c.verify(now, user, Some(stored), secret, || {
            n.set(n.get() + 1);
            stored == secret
        })
        .right
    }

    #[test]
    fn a_right_password_is_checked_once_per_ttl() {
        let c = cache(10);
        let n = Cell::new(0);
        let t0 = Instant::now();
        assert!(verify(&c, t0, "a@x.test", "pw", "pw", &n));
        assert!(verify(&c, t0 + MINUTE, "a@x.test", "pw", "pw", &n));
        assert_eq!(n.get(), 1, "the second login is a hit");
        assert!(verify(&c, t0 + HOUR, "a@x.test", "pw", "pw", &n));
        assert_eq!(n.get(), 2, "expired at the TTL");
        // Another user with the same password and hash is another entry.
        assert!(verify(&c, t0, "b@x.test", "pw", "pw", &n));
        assert_eq!(n.get(), 3);
    }

    #[test]
    fn a_changed_stored_hash_misses() {
        let c = cache(10);
        let n = Cell::new(0);
        let t0 = Instant::now();
        assert!(verify(&c, t0, "a@x.test", "old", "old", &n));
        // `user passwd`: the row now holds another hash; the old password is checked
        // against it, and fails, although "old" was remembered as right a moment ago.
        assert!(!verify(&c, t0, "a@x.test", "new", "old", &n));
        assert!(verify(&c, t0, "a@x.test", "new", "new", &n));
        assert_eq!(n.get(), 3);
        // The user removed: no stored hash, another key again.
        let gone = c.verify(t0, "a@x.test", None, "new", || false);
        assert_eq!((gone.right, gone.cached), (false, false));
    }

    #[test]
    fn a_wrong_password_is_remembered_for_the_negative_ttl() {
        let c = cache(10);
        let n = Cell::new(0);
        let t0 = Instant::now();
        assert!(!verify(&c, t0, "a@x.test", "pw", "guess", &n));
        assert!(!verify(&c, t0 + MINUTE / 2, "a@x.test", "pw", "guess", &n));
        assert_eq!(n.get(), 1);
        assert!(!verify(&c, t0 + MINUTE, "a@x.test", "pw", "guess", &n));
        assert_eq!(
            n.get(),
            2,
            "expired at the negative TTL, not the positive one"
        );
        // The right password was never remembered as wrong.
        assert!(verify(&c, t0 + MINUTE, "a@x.test", "pw", "pw", &n));
    }

    #[test]
    fn the_size_bound_evicts_the_oldest() {
        let c = cache(2);
        let n = Cell::new(0);
        let t0 = Instant::now();
        for u in ["a", "b", "c"] {
            verify(&c, t0, u, "pw", "pw", &n);
        }
        assert_eq!(c.len(), 2);
        assert_eq!(n.get(), 3);
        verify(&c, t0, "c", "pw", "pw", &n);
        verify(&c, t0, "b", "pw", "pw", &n);
        assert_eq!(n.get(), 3, "b and c kept");
        verify(&c, t0, "a", "pw", "pw", &n);
        assert_eq!(n.get(), 4, "a, the oldest, was evicted");
        assert_eq!(c.len(), 2);
        // Bounded under a spray of distinct guesses too.
        for i in 0..100 {
            verify(&c, t0, "a", "pw", &format!("guess{i}"), &n);
        }
        assert_eq!(c.len(), 2);
    }

    #[test]
    fn off_clear_and_configure() {
        let n = Cell::new(0);
        let t0 = Instant::now();
        let off = Cache::new(Config::OFF);
        verify(&off, t0, "a", "pw", "pw", &n);
        verify(&off, t0, "a", "pw", "pw", &n);
        assert_eq!((n.get(), off.len()), (2, 0));
        let c = Cache::new(Config {
            ttl: HOUR,
            negative_ttl: Duration::ZERO,
            size: 10,
        });
        verify(&c, t0, "a", "pw", "nope", &n);
        assert_eq!(c.len(), 0, "negative TTL 0: failures are not kept");
        verify(&c, t0, "a", "pw", "pw", &n);
        assert_eq!(c.len(), 1);
        c.clear();
        assert!(c.is_empty());
        verify(&c, t0, "a", "pw", "pw", &n);
        c.configure(Config::OFF);
        assert!(c.is_empty());
    }

    #[test]
    fn the_key_is_keyed_and_never_the_secret() {
        let (c1, c2) = (cache(10), cache(10));
        let secret = "correct horse battery staple, long enough to fill 32 bytes";
        let k1 = c1.key("a@x.test", Some("h"), secret).unwrap();
        let k2 = c2.key("a@x.test", Some("h"), secret).unwrap();
        assert_ne!(k1, k2, "each process has its own HMAC key");
        assert_eq!(k1, c1.key("a@x.test", Some("h"), secret).unwrap());
        let raw = secret.as_bytes();
        assert!(!k1.windows(8).any(|w| raw.windows(8).any(|r| r == w)));
        // Every field counts, and fields do not run together.
        let keys = [
            c1.key("a@x.test", Some("h"), "pw"),
            c1.key("b@x.test", Some("h"), "pw"),
            c1.key("a@x.test", Some("g"), "pw"),
            c1.key("a@x.test", None, "pw"),
            c1.key("a@x.test", Some("h"), "pq"),
            c1.key("a@x.testh", Some(""), "pw"),
        ];
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }
}
