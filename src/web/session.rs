//! Web sessions: the server-side table of logged-in browsers, the cookie that names a
//! session, the per-session CSRF token, and the signed token of the login form (which has
//! no session yet).
//!
//! A session id is 256 random bits, sent only in a `HttpOnly; SameSite=Strict` cookie
//! (`Secure` unless the listener is plain HTTP on loopback); the table lives in memory
//! (a restart logs everyone out), forgets a session unused for `web.session_idle`, and
//! holds at most [`MAX_SESSIONS`]. A login always makes a new id, so an id planted before
//! the login is worth nothing after it (session fixation).
//!
//! Not here: checking passwords (`crate::auth::login`), pages, the HTTP plumbing.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ring::hmac;

/// The session cookie's name.
pub const COOKIE: &str = "mailctl_session";
/// The login form's cookie: a random value whose HMAC is the form's hidden token.
pub const LOGIN_COOKIE: &str = "mailctl_login";
/// Most sessions held at once: a few hundred bytes each. At the cap the least recently
/// used one goes, so a flood of logins cannot grow memory without bound.
pub const MAX_SESSIONS: usize = 20_000;

/// One logged-in browser.
#[derive(Debug, Clone)]
pub struct Session {
    /// The canonical address, as the login path returned it.
    pub user: String,
    pub maildir: PathBuf,
    /// Bytes; 0: none.
    pub quota: u64,
    /// The hidden field every state-changing form of this session carries.
    pub csrf: String,
    last_used: Instant,
}

/// The table and the key that signs login-form tokens (made at start, never stored).
pub struct Sessions {
    table: Mutex<HashMap<String, Session>>,
    idle: Duration,
    login_key: hmac::Key,
}

/// 32 random bytes as 64 hex digits.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    // getrandom fails only where the OS has no entropy source, where no session is safe.
    getrandom::fill(&mut b).expect("the OS random source works");
    hex(&b)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Equality that takes the same time wherever the first difference is.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl Sessions {
    pub fn new(idle: Duration) -> Sessions {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).expect("the OS random source works");
        Sessions {
            table: Mutex::new(HashMap::new()),
            idle,
            login_key: hmac::Key::new(hmac::HMAC_SHA256, &key),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.table.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A new session for `user`; its id (the cookie value).
    pub fn create(&self, user: String, maildir: PathBuf, quota: u64, now: Instant) -> String {
        let id = random_token();
        let s = Session {
            user,
            maildir,
            quota,
            csrf: random_token(),
            last_used: now,
        };
        let mut t = self.lock();
        if t.len() >= MAX_SESSIONS {
            let idle = self.idle;
            t.retain(|_, s| now.saturating_duration_since(s.last_used) < idle);
            if t.len() >= MAX_SESSIONS
                && let Some(oldest) = t
                    .iter()
                    .min_by_key(|(_, s)| s.last_used)
                    .map(|(k, _)| k.clone())
            {
                t.remove(&oldest);
            }
        }
        t.insert(id.clone(), s);
        id
    }

    /// The session named `id`, unless it has been idle too long (then it is gone); using
    /// it counts as activity.
    pub fn get(&self, id: &str, now: Instant) -> Option<Session> {
        let mut t = self.lock();
        let s = t.get_mut(id)?;
        if now.saturating_duration_since(s.last_used) >= self.idle {
            t.remove(id);
            return None;
        }
        s.last_used = now;
        Some(s.clone())
    }

    /// Logs out one session.
    pub fn remove(&self, id: &str) {
        self.lock().remove(id);
    }

    /// Logs `user` out everywhere.
    pub fn remove_user(&self, user: &str) {
        self.lock().retain(|_, s| s.user != user);
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The hidden token of a login form whose cookie holds `nonce`.
    pub fn login_token(&self, nonce: &str) -> String {
        hex(hmac::sign(&self.login_key, nonce.as_bytes()).as_ref())
    }

    /// Whether a login form's `token` belongs with the `nonce` of its cookie.
    pub fn login_token_ok(&self, nonce: &str, token: &str) -> bool {
        !nonce.is_empty() && same(&self.login_token(nonce), token)
    }
}

/// A `Set-Cookie` value: `HttpOnly`, `SameSite=Strict`, `Path=/`, `Secure` when `secure`;
/// `max_age` zero removes the cookie.
pub fn set_cookie(name: &str, value: &str, secure: bool, max_age: Option<i64>) -> String {
    let mut c = cookie::Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Strict)
        .secure(secure);
    if let Some(s) = max_age {
        c = c.max_age(cookie::time::Duration::seconds(s));
    }
    c.build().to_string()
}

/// The value of cookie `name` in a request's `Cookie` headers.
pub fn cookie_value<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_expire_when_idle_and_ids_are_fresh() {
        let s = Sessions::new(Duration::from_secs(60));
        let t0 = Instant::now();
        let a = s.create("a@x".into(), PathBuf::new(), 0, t0);
        let b = s.create("a@x".into(), PathBuf::new(), 0, t0);
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert!(s.get(&a, t0 + Duration::from_secs(59)).is_some());
        // Use refreshes the clock.
        assert!(s.get(&a, t0 + Duration::from_secs(118)).is_some());
        assert!(s.get(&b, t0 + Duration::from_secs(61)).is_none());
        assert!(s.get(&b, t0).is_none(), "an expired session is gone");
        s.remove_user("a@x");
        assert!(s.is_empty());
    }

    #[test]
    fn login_tokens_are_bound_to_their_nonce() {
        let s = Sessions::new(Duration::from_secs(60));
        let t = s.login_token("n1");
        assert!(s.login_token_ok("n1", &t));
        assert!(!s.login_token_ok("n2", &t));
        assert!(!s.login_token_ok("", &s.login_token("")));
        let other = Sessions::new(Duration::from_secs(60));
        assert!(!other.login_token_ok("n1", &t), "keys are per process");
    }

    #[test]
    fn cookies_carry_the_attributes() {
        let c = set_cookie(COOKIE, "abc", true, None);
        for a in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
            assert!(c.contains(a), "{c}");
        }
        assert!(!set_cookie(COOKIE, "abc", false, None).contains("Secure"));
        let mut h = axum::http::HeaderMap::new();
        h.insert("cookie", "x=1; mailctl_session=abc; y=2".parse().unwrap());
        assert_eq!(cookie_value(&h, COOKIE), Some("abc"));
        assert_eq!(cookie_value(&h, "z"), None);
    }
}
