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
use std::sync::Mutex;
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

/// Reservations per mailbox, per queue id.
#[derive(Default)]
pub struct QuotaLedger {
    held: Mutex<HashMap<Address, HashMap<String, Held>>>,
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
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        let entries = held.entry(mailbox.clone()).or_default();
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

    /// The copy for `id` is in `mailbox` (or will never be): its size no longer needs holding.
    pub fn release(&self, mailbox: &Address, id: &str) {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(entries) = held.get_mut(mailbox) {
            entries.remove(id);
            if entries.is_empty() {
                held.remove(mailbox);
            }
        }
    }

    /// Drops every reservation of queue entry `id`.
    pub fn release_all(&self, id: &str) {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        held.retain(|_, entries| {
            entries.remove(id);
            !entries.is_empty()
        });
    }

    /// Drops reservations older than `min_age` whose queue entry is gone (deleted with
    /// `queue delete`, say). The age spares a message being committed right now.
    pub fn prune(&self, queued: &std::collections::HashSet<String>, min_age: std::time::Duration) {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        held.retain(|_, entries| {
            entries.retain(|id, h| queued.contains(id) || h.since.elapsed() < min_age);
            !entries.is_empty()
        });
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

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
        assert!(l.reserve(&mb, "3", 5000, 1024, || 0).is_err(), "bigger than the quota");
        assert!(l.reserve(&mb, "4", 5000, 0, || u64::MAX).is_ok(), "0 is unlimited");
        l.release_all("2");
        l.prune(&Default::default(), std::time::Duration::ZERO);
        assert!(l.held.lock().unwrap().is_empty());
    }

    #[test]
    fn parallel_reservations_never_overrun() {
        let l = Arc::new(QuotaLedger::new());
        let mb = Address::parse("a@b.test").unwrap();
        let threads: Vec<_> = (0..16)
            .map(|i| {
                let (l, mb) = (l.clone(), mb.clone());
                std::thread::spawn(move || l.reserve(&mb, &i.to_string(), 600 << 10, 1 << 20, || 0).is_ok())
            })
            .collect();
        let ok = threads.into_iter().filter(|_| true).map(|t| t.join().unwrap()).filter(|&b| b).count();
        assert_eq!(ok, 1);
    }
}
