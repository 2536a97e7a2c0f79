//! Mailbox quota with reservations: a message's size is reserved against each recipient
//! mailbox when the message is accepted (end of DATA), and held until its copy is in the
//! Maildir. So parallel sessions cannot each see room for themselves and together overrun the
//! quota, and a message accepted with a `250` has room waiting for it.
//!
//! The rule: a copy fits when what the Maildir holds, plus what is reserved for other queued
//! messages, plus this copy is at most the quota. A quota of 0 is unlimited.
//!
//! Reservations live in the daemon's memory; after a restart the deliverer reserves again
//! before each copy, so the limit still holds, it is only checked later. Not here: how much a
//! Maildir holds (`maildir::deliver::usage`), the quota setting itself (`core/users.rs`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::core::Address;

/// Why a copy does not fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Full {
    pub mailbox: Address,
    pub used: u64,
    pub reserved: u64,
    pub size: u64,
    pub quota: u64,
}

impl std::fmt::Display for Full {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::core::settings::human_size;
        write!(
            f,
            "{} has {} of its {} quota in use",
            self.mailbox,
            human_size(self.used + self.reserved),
            human_size(self.quota)
        )?;
        write!(f, ", a message of {} does not fit", human_size(self.size))
    }
}

struct Held {
    size: u64,
    since: Instant,
}

type Mailbox = Arc<Mutex<HashMap<String, Held>>>;

/// Reservations per mailbox, per queue id. Each mailbox has its own lock, held while its
/// Maildir is measured, so a big mailbox being checked does not stall the others. A
/// mailbox's entry, once made, stays (one per user with a quota): removing it could let a
/// reservation land in an entry nobody else sees.
#[derive(Default)]
pub struct QuotaLedger {
    mailboxes: Mutex<HashMap<Address, Mailbox>>,
}

impl QuotaLedger {
    pub fn new() -> QuotaLedger {
        QuotaLedger::default()
    }

    /// Reserves `size` octets in `mailbox` for queue entry `id`, unless the mailbox cannot
    /// take them. `used` measures the Maildir; it runs under the ledger's lock, which is what
    /// makes check-and-reserve atomic. Reserving again for the same `id` is a no-op.
    pub fn reserve(
        &self,
        mailbox: &Address,
        id: &str,
        size: u64,
        quota: u64,
        used: impl FnOnce() -> u64,
    ) -> Result<(), Full> {
        if quota == 0 {
            return Ok(());
        }
        let mb = self.mailbox(mailbox);
        let mut entries = mb.lock().unwrap_or_else(|p| p.into_inner());
        if entries.contains_key(id) {
            return Ok(());
        }
        let reserved: u64 = entries.values().map(|h| h.size).sum();
        let used = used();
        if used.saturating_add(reserved).saturating_add(size) > quota {
            return Err(Full {
                mailbox: mailbox.clone(),
                used,
                reserved,
                size,
                quota,
            });
        }
        entries.insert(
            id.to_string(),
            Held {
                size,
                since: Instant::now(),
            },
        );
        Ok(())
    }

    fn mailbox(&self, mailbox: &Address) -> Mailbox {
        self.mailboxes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(mailbox.clone())
            .or_default()
            .clone()
    }

    fn each(&self, f: impl Fn(&mut HashMap<String, Held>)) {
        let all: Vec<Mailbox> = self
            .mailboxes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .cloned()
            .collect();
        for mb in all {
            f(&mut mb.lock().unwrap_or_else(|p| p.into_inner()));
        }
    }

    /// The copy for `id` is in `mailbox` (or will never be): its size no longer needs holding.
    pub fn release(&self, mailbox: &Address, id: &str) {
        let mb = self.mailbox(mailbox);
        mb.lock().unwrap_or_else(|p| p.into_inner()).remove(id);
    }

    /// Drops every reservation of queue entry `id`.
    pub fn release_all(&self, id: &str) {
        self.each(|entries| {
            entries.remove(id);
        });
    }

    /// Drops reservations older than `min_age` whose queue entry is gone (deleted with
    /// `queue delete`, say). The age spares a message being committed right now.
    pub fn prune(&self, queued: &std::collections::HashSet<String>, min_age: std::time::Duration) {
        self.each(|entries| {
            entries.retain(|id, h| queued.contains(id) || h.since.elapsed() < min_age);
        });
    }

    /// Octets reserved in `mailbox` for messages not yet delivered.
    pub fn reserved_in(&self, mailbox: &Address) -> u64 {
        let mb = self.mailbox(mailbox);
        let entries = mb.lock().unwrap_or_else(|p| p.into_inner());
        entries.values().map(|h| h.size).sum()
    }

    /// Octets reserved in total, for tests and status.
    pub fn reserved(&self) -> u64 {
        let total = std::sync::atomic::AtomicU64::new(0);
        self.each(|entries| {
            let sum: u64 = entries.values().map(|h| h.size).sum();
            total.fetch_add(sum, std::sync::atomic::Ordering::Relaxed);
        });
        total.into_inner()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reservations_add_up_and_release() {
        let l = QuotaLedger::new();
        let mb = Address::parse("a@b.test").unwrap();
        assert!(l.reserve(&mb, "1", 600, 1024, || 0).is_ok());
        assert!(l.reserve(&mb, "1", 600, 1024, || 0).is_ok(), "idempotent");
        let full = l.reserve(&mb, "2", 600, 1024, || 0).unwrap_err();
        assert_eq!((full.reserved, full.size), (600, 600));
        assert!(full.to_string().contains("does not fit"), "{full}");
        l.release(&mb, "1");
        assert!(l.reserve(&mb, "2", 600, 1024, || 0).is_ok());
        assert!(
            l.reserve(&mb, "3", 5000, 1024, || 0).is_err(),
            "bigger than the quota"
        );
        assert!(
            l.reserve(&mb, "4", 5000, 0, || u64::MAX).is_ok(),
            "0 is unlimited"
        );
        assert_eq!(l.reserved(), 600, "an unlimited mailbox reserves nothing");
        l.release_all("2");
        assert_eq!(l.reserved(), 0);
        assert!(l.reserve(&mb, "5", 100, 1024, || 0).is_ok());
        l.prune(&["5".to_string()].into(), std::time::Duration::ZERO);
        assert_eq!(l.reserved(), 100, "still queued");
        l.prune(&Default::default(), std::time::Duration::from_secs(60));
        assert_eq!(l.reserved(), 100, "too young to be an orphan");
        l.prune(&Default::default(), std::time::Duration::ZERO);
        assert_eq!(l.reserved(), 0);
    }

    #[test]
    fn parallel_reservations_never_overrun() {
        let l = Arc::new(QuotaLedger::new());
        let mb = Address::parse("a@b.test").unwrap();
        let threads: Vec<_> = (0..16)
            .map(|i| {
                let (l, mb) = (l.clone(), mb.clone());
                std::thread::spawn(move || {
                    l.reserve(&mb, &i.to_string(), 600 << 10, 1 << 20, || 0)
                        .is_ok()
                })
            })
            .collect();
        let ok = threads
            .into_iter()
            .map(|t| t.join().unwrap())
            .filter(|&b| b)
            .count();
        assert_eq!(ok, 1);
    }
}
