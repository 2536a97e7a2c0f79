//! Gives the heap memory of closed connections back to the system. glibc keeps what is
//! freed in its arenas (one per thread that allocated, up to 8 per core) and returns only
//! the top of each heap on its own, so after a thousand IDLE sessions closed the process
//! stayed several times its size before they opened. A few seconds after connections
//! close, one blocking task trims the heap ([`crate::sys::trim_heap`]).
//!
//! Not here: the allocator settings made at start (`crate::sys::set_mmap_threshold`,
//! `crate::sys::set_arena_max`, `crate::sys::reexec_with_tcache_count`, called by `serve`:
//! the last because what a long-lived worker thread's tcache holds is out of the trim's
//! reach).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How long closes are collected before one trim: a burst costs one trim, not one each.
const EVERY: Duration = Duration::from_secs(5);

static CLOSED: AtomicU64 = AtomicU64::new(0);

/// A connection ended (the driver calls this).
pub fn connection_closed() {
    CLOSED.fetch_add(1, Ordering::Relaxed);
}

/// Whether connections closed since the last call: the trimmer's test.
fn take_closed() -> bool {
    CLOSED.swap(0, Ordering::Relaxed) > 0
}

/// Trims the heap every [`EVERY`] in which a connection closed; runs until the runtime ends.
pub fn spawn_trimmer() {
    tokio::spawn(async {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if take_closed() {
                // Walks every arena: blocking work, off the workers.
                let _ = tokio::task::spawn_blocking(crate::sys::trim_heap).await;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn closes_are_counted_until_taken() {
        super::connection_closed();
        super::connection_closed();
        assert!(super::take_closed());
        // Other tests' drivers may close connections meanwhile; what was taken is gone.
        let _ = super::take_closed();
    }
}
