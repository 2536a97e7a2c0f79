//! The memory of port 25's pre-greeting test, as Postfix's postscreen keeps it
//! (`postscreen_greet_ttl`): a client that waited out `smtp.greet_wait` without talking and
//! then said HELO or EHLO is greeted at once for `smtp.greet_ttl` (default a day), so a real
//! MTA pays the wait once a day, not on every connection.
//!
//! Why HELO/EHLO, not a completed transaction: reaching HELO after the full wait is the
//! whole of what the test proves (the client waited for the `220` and then spoke SMTP in
//! turn). Asking for a delivered message as well would never remember a real MTA whose
//! first attempt is deferred by greylisting (`451` at RCPT) or whose recipient is unknown,
//! and its retry would pay the wait again; the later stages judge its mail anyway.
//! A pass is not renewed by later connections that skip the wait: after the TTL the client
//! is tested again, as postscreen does.
//!
//! The passes live in the core (`core::screen`, surviving restarts) and in a map here, so
//! the question asked on every connection ([`Memory::remembered`]) is a lookup under a
//! mutex, never SQL on a tokio worker; the writes ([`Memory::pass_blocking`],
//! [`Memory::forget`]) run on the session's blocking thread or are handed to one. Bounded: passes
//! older than the TTL are swept, and beyond [`CAPACITY`] clients the oldest go first, in
//! the map and in the table alike.
//!
//! Several nodes on one PostgreSQL core (issue 21): the table is shared, the map is per
//! node. A node loads every pass at start and then learns only its own, so a client that
//! passed on another node since waits once more here (a few seconds, once); asking the
//! database on every connection would put SQL in front of each greeting.
//!
//! Not here: the wait and the `554 5.5.1` (the driver and the SMTP session), the SQL
//! (`core::screen`).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::core::pool::DbPool;

/// Clients remembered at most (about 50 bytes each in the map). Postscreen's cache has no
/// cap but the TTL; a flood of distinct passing addresses must not grow memory without end.
pub const CAPACITY: usize = 100_000;

/// The passes: client address to the Unix second it passed.
pub struct Memory {
    map: Mutex<HashMap<IpAddr, i64>>,
    cap: usize,
    /// Where passes persist; `None` in tests of the session alone.
    pool: Option<Arc<DbPool>>,
}

impl Memory {
    /// A memory that persists nothing (tests, `serve` without a database is not a thing).
    pub fn in_memory(cap: usize) -> Memory {
        Memory {
            map: Mutex::new(HashMap::new()),
            cap: cap.max(1),
            pool: None,
        }
    }

    /// Loads the passes still valid at `now` for `ttl` seconds, dropping the rest from the
    /// table. Blocking (SQL): call at start, off the runtime's workers.
    pub fn load_blocking(pool: Arc<DbPool>, now: i64, ttl: i64) -> crate::core::Result<Memory> {
        let db = pool.get()?;
        db.screen_expire(now - ttl, CAPACITY)?;
        let map = db.screen_passes(now - ttl, CAPACITY)?.into_iter().collect();
        drop(db);
        Ok(Memory {
            map: Mutex::new(map),
            cap: CAPACITY,
            pool: Some(pool),
        })
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<IpAddr, i64>> {
        // A panic elsewhere while holding the lock leaves a map that is still consistent.
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether `ip` passed within the last `ttl` seconds: greet it at once. Cheap (no SQL).
    pub fn remembered(&self, ip: IpAddr, now: i64, ttl: i64) -> bool {
        ttl > 0 && self.lock().get(&ip).is_some_and(|&at| at > now - ttl)
    }

    /// Records that `ip` waited for the greeting and then said HELO/EHLO at `now`. Blocking
    /// (SQL); a failed write is logged, the map keeps the pass for this daemon's life.
    pub fn pass_blocking(&self, ip: IpAddr, now: i64, ttl: i64) {
        let swept = {
            let mut map = self.lock();
            let swept = map.len() >= self.cap && !map.contains_key(&ip);
            if swept {
                sweep(&mut map, self.cap, now - ttl);
            }
            map.insert(ip, now);
            swept
        };
        tracing::info!(%ip, "PASS: waited for the greeting; greeted at once from now on");
        let Some(pool) = &self.pool else { return };
        let r = pool.get().and_then(|db| {
            db.screen_pass(ip, now)?;
            if swept {
                db.screen_expire(now - ttl, self.cap)?;
            }
            Ok(())
        });
        if let Err(e) = r {
            tracing::warn!(%ip, "could not store the pre-greeting pass: {e}");
        }
    }

    /// Forgets `ip` (it talked before the greeting). Cheap on the caller's thread: only a
    /// client remembered here costs SQL, on a blocking thread when inside the runtime.
    pub fn forget(&self, ip: IpAddr) {
        if self.lock().remove(&ip).is_none() {
            return;
        }
        let Some(pool) = self.pool.clone() else {
            return;
        };
        let forget = move || {
            if let Err(e) = pool.get().and_then(|db| db.screen_forget(ip)) {
                tracing::warn!(%ip, "could not forget the pre-greeting pass: {e}");
            }
        };
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => drop(rt.spawn_blocking(forget)),
            Err(_) => forget(),
        }
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Makes room for one more: passes older than `before` go, then (if that freed nothing)
/// the oldest tenth, so a full map is not swept again on every pass.
fn sweep(map: &mut HashMap<IpAddr, i64>, cap: usize, before: i64) {
    map.retain(|_, at| *at >= before);
    if map.len() < cap {
        return;
    }
    let mut times: Vec<i64> = map.values().copied().collect();
    let drop = (cap / 10).max(1);
    times.select_nth_unstable(drop - 1);
    let cut = times[drop - 1];
    map.retain(|_, at| *at > cut);
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;

    fn ip(i: u16) -> IpAddr {
        IpAddr::from([192, 0, (i >> 8) as u8, i as u8])
    }

    #[test]
    fn a_pass_is_remembered_for_the_ttl_and_not_renewed_by_asking() {
        let m = Memory::in_memory(10);
        assert!(!m.remembered(ip(1), 1000, DAY));
        m.pass_blocking(ip(1), 1000, DAY);
        assert!(m.remembered(ip(1), 1000, DAY));
        assert!(m.remembered(ip(1), 1000 + DAY - 1, DAY));
        assert!(
            !m.remembered(ip(1), 1000 + DAY, DAY),
            "expired after the TTL"
        );
        assert!(!m.remembered(ip(2), 1000, DAY), "another client");
        assert!(
            !m.remembered(ip(1), 1000, 0),
            "a TTL of 0 turns the memory off"
        );
    }

    #[test]
    fn a_client_that_talks_first_is_forgotten() {
        let m = Memory::in_memory(10);
        m.pass_blocking(ip(1), 1000, DAY);
        m.forget(ip(1));
        assert!(!m.remembered(ip(1), 1001, DAY));
    }

    #[test]
    fn the_map_stays_under_its_cap_dropping_expired_then_oldest() {
        let m = Memory::in_memory(100);
        for i in 0..100 {
            m.pass_blocking(ip(i), 1000 + i as i64, DAY);
        }
        assert_eq!(m.len(), 100);
        // A day later the first 50 have expired: the sweep drops only those.
        let later = 1050 + DAY;
        m.pass_blocking(ip(500), later, DAY);
        assert_eq!(m.len(), 51);
        assert!(m.remembered(ip(99), later, DAY));
        for i in 1000..2000 {
            m.pass_blocking(ip(i), later + i as i64, DAY);
            assert!(m.len() <= 100);
        }
        assert!(
            m.remembered(ip(1999), later + 1999, DAY),
            "the newest stays"
        );
    }
}
