//! Per-client rate limits, as Postfix's anvil counts them for `smtpd_client_connection_rate_limit`
//! and `smtpd_client_message_rate_limit`: events of one client within a fixed one-minute
//! window that starts at its first event. In memory, per daemon (a restart forgets), and
//! bounded: at most [`MAX_CLIENTS`] clients are tracked.
//!
//! Per node, not shared, when several nodes share a PostgreSQL core (issue 21): the check
//! runs on every connection and MAIL before anything else, where a database round trip
//! (and a write) per event is the cost this table exists to avoid, and its job is to keep
//! one client from monopolising one node. A client spread over N nodes gets up to N times
//! the limit. What must hold across nodes is shared in the core: bans
//! (`core::bans`) and the authenticated users' send limits (`core::sendlimit`).
//!
//! A client is an IPv4 address or an IPv6 /64 (one end site's usual allocation: counting
//! per IPv6 address would give an attacker 2^64 fresh counters for free, and grow the table).
//!
//! Not here: which service and which clients are limited (`mynetworks` is exempt; the
//! SMTP listener decides), the refusal texts (the protocol's).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The unit both limits count in (anvil's `anvil_rate_time_unit`, 60 s).
pub const WINDOW: Duration = Duration::from_secs(60);
/// Most clients tracked at once: about 48 octets each, so a few MiB at worst.
pub const MAX_CLIENTS: usize = 65_536;
/// A full table is swept of finished windows at most this often, so a flood of new
/// addresses cannot make every connection pay for a walk over the whole table.
const SWEEP_EVERY: Duration = Duration::from_secs(1);

/// Limits per client per minute; 0 is no limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateLimits {
    /// Connections (`smtp.client_connection_rate_limit`).
    pub connections: u32,
    /// Transactions started with MAIL (`smtp.client_message_rate_limit`).
    pub messages: u32,
}

/// What is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Connection,
    Message,
}

#[derive(Debug)]
struct Counts {
    since: Instant,
    connections: u32,
    messages: u32,
}

#[derive(Debug, Default)]
struct State {
    clients: HashMap<IpAddr, Counts>,
    last_sweep: Option<Instant>,
}

/// The counters of every client seen within the last minute.
#[derive(Debug)]
pub struct ClientRates {
    state: Mutex<State>,
    cap: usize,
}

impl Default for ClientRates {
    fn default() -> Self {
        ClientRates::with_capacity(MAX_CLIENTS)
    }
}

/// The key a client is counted under: the address, an IPv6 one cut to its /64 (an
/// IPv4-mapped IPv6 address is the IPv4 client it stands for).
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
        },
    }
}

impl ClientRates {
    pub fn with_capacity(cap: usize) -> ClientRates {
        ClientRates {
            state: Mutex::new(State::default()),
            cap,
        }
    }

    /// Counts one `event` of `ip` at `now` unless it already had `limit` of them in its
    /// window: `false` means refuse (and nothing is counted). A limit of 0 counts nothing.
    /// A table full of live clients lets a new client through uncounted (logged): failing
    /// open keeps mail flowing when someone floods us from more addresses than we track.
    pub fn allow(&self, ip: IpAddr, event: Event, limit: u32, now: Instant) -> bool {
        if limit == 0 {
            return true;
        }
        let key = client_key(ip);
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if !st.clients.contains_key(&key) && st.clients.len() >= self.cap {
            st.sweep(now);
            if st.clients.len() >= self.cap {
                tracing::warn!(%ip, "rate limits: {} clients tracked already; not counted", self.cap);
                return true;
            }
        }
        let c = st.clients.entry(key).or_insert(Counts {
            since: now,
            connections: 0,
            messages: 0,
        });
        if now.saturating_duration_since(c.since) >= WINDOW {
            *c = Counts {
                since: now,
                connections: 0,
                messages: 0,
            };
        }
        let n = match event {
            Event::Connection => &mut c.connections,
            Event::Message => &mut c.messages,
        };
        if *n >= limit {
            return false;
        }
        *n += 1;
        true
    }

    /// Clients tracked now.
    pub fn len(&self) -> usize {
        self.state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clients
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl State {
    /// Forgets the clients whose window is over, at most once per [`SWEEP_EVERY`].
    fn sweep(&mut self, now: Instant) {
        if self
            .last_sweep
            .is_some_and(|t| now.saturating_duration_since(t) < SWEEP_EVERY)
        {
            return;
        }
        self.last_sweep = Some(now);
        self.clients
            .retain(|_, c| now.saturating_duration_since(c.since) < WINDOW);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_limit_plus_one_is_refused_until_the_window_ends() {
        let r = ClientRates::default();
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(r.allow(ip("192.0.2.1"), Event::Connection, 3, t0));
        }
        assert!(!r.allow(ip("192.0.2.1"), Event::Connection, 3, t0));
        // Another client, and the other kind of event, have their own counts.
        assert!(r.allow(ip("192.0.2.2"), Event::Connection, 3, t0));
        assert!(r.allow(ip("192.0.2.1"), Event::Message, 1, t0));
        assert!(!r.allow(ip("192.0.2.1"), Event::Message, 1, t0));
        let later = t0 + WINDOW;
        assert!(r.allow(ip("192.0.2.1"), Event::Connection, 3, later));
        assert!(r.allow(ip("192.0.2.1"), Event::Message, 1, later));
    }

    #[test]
    fn no_limit_counts_nothing() {
        let r = ClientRates::default();
        for _ in 0..100 {
            assert!(r.allow(ip("192.0.2.1"), Event::Message, 0, Instant::now()));
        }
        assert!(r.is_empty());
    }

    #[test]
    fn an_ipv6_slash_64_is_one_client() {
        let r = ClientRates::default();
        let t0 = Instant::now();
        assert!(r.allow(ip("2001:db8:1:2::1"), Event::Connection, 1, t0));
        assert!(!r.allow(ip("2001:db8:1:2:ffff::9"), Event::Connection, 1, t0));
        assert!(r.allow(ip("2001:db8:1:3::1"), Event::Connection, 1, t0));
        assert_eq!(client_key(ip("::ffff:192.0.2.7")), ip("192.0.2.7"));
    }

    #[test]
    fn the_table_never_grows_past_its_cap() {
        let r = ClientRates::with_capacity(16);
        let t0 = Instant::now();
        for i in 0..1000u32 {
            let a = IpAddr::from((0xc000_0200u32 + i).to_be_bytes());
            r.allow(a, Event::Connection, 5, t0);
            assert!(r.len() <= 16);
        }
        // Once the windows are over, a sweep makes room and new clients are counted again.
        let later = t0 + WINDOW + SWEEP_EVERY;
        assert!(r.allow(ip("198.51.100.1"), Event::Connection, 1, later));
        assert!(!r.allow(ip("198.51.100.1"), Event::Connection, 1, later));
        assert_eq!(r.len(), 1);
    }
}
