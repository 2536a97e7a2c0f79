//! Connection limits: at most N connections per service and M per client IP. A permit is
//! held for the life of a connection and released on drop. Per node (issue 21): they guard
//! this process's sockets and threads, which no other node shares.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

pub struct ConnLimiter {
    /// Atomics so SIGHUP can change the limits of a running listener; connections over a
    /// lowered limit are not cut, new ones wait until the count falls below it.
    max_total: AtomicUsize,
    max_per_ip: AtomicUsize,
    state: Mutex<(usize, HashMap<IpAddr, usize>)>,
}

pub struct Permit {
    limiter: Arc<ConnLimiter>,
    ip: IpAddr,
    /// The metrics' active-session count, which ends with the permit (the connection).
    session: Option<crate::metrics::SessionGuard>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    Total,
    PerIp,
}

impl ConnLimiter {
    /// 0 means no limit.
    pub fn new(max_total: usize, max_per_ip: usize) -> Arc<ConnLimiter> {
        Arc::new(ConnLimiter {
            max_total: AtomicUsize::new(max_total),
            max_per_ip: AtomicUsize::new(max_per_ip),
            state: Mutex::new((0, HashMap::new())),
        })
    }

    /// New limits (0 means none), from the next connection on.
    pub fn set_limits(&self, max_total: usize, max_per_ip: usize) {
        self.max_total.store(max_total, Ordering::Relaxed);
        self.max_per_ip.store(max_per_ip, Ordering::Relaxed);
    }

    pub fn try_acquire(self: &Arc<Self>, ip: IpAddr) -> Result<Permit, Refusal> {
        let max_total = self.max_total.load(Ordering::Relaxed);
        let max_per_ip = self.max_per_ip.load(Ordering::Relaxed);
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if max_total > 0 && st.0 >= max_total {
            return Err(Refusal::Total);
        }
        let n = st.1.get(&ip).copied().unwrap_or(0);
        if max_per_ip > 0 && n >= max_per_ip {
            return Err(Refusal::PerIp);
        }
        st.0 += 1;
        st.1.insert(ip, n + 1);
        Ok(Permit {
            limiter: self.clone(),
            ip,
            session: None,
        })
    }

    pub fn active(&self) -> usize {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).0
    }
}

impl Permit {
    /// Counts this connection as a `protocol` session in the metrics for as long as the
    /// permit lives.
    pub fn count_session(&mut self, protocol: crate::metrics::Protocol) {
        self.session = Some(crate::metrics::global().session(protocol));
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut st = self.limiter.state.lock().unwrap_or_else(|p| p.into_inner());
        st.0 = st.0.saturating_sub(1);
        if let Some(n) = st.1.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                st.1.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_total_and_per_ip() {
        let l = ConnLimiter::new(3, 2);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        let p1 = l.try_acquire(a).unwrap();
        let _p2 = l.try_acquire(a).unwrap();
        assert_eq!(l.try_acquire(a).err(), Some(Refusal::PerIp));
        let _p3 = l.try_acquire(b).unwrap();
        assert_eq!(l.try_acquire(b).err(), Some(Refusal::Total));
        drop(p1);
        assert!(l.try_acquire(a).is_ok());
    }
}
