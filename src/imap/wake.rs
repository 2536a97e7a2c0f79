//! What makes an IDLE wakeup (RFC 2177) cheap when a thousand sessions idle at once:
//!
//! - [`Mark`]: per watched folder, the counters (UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ) the
//!   last session that refreshed it saw, and the folder's change signal when it started.
//!   A session whose view has those counters, woken by no signal newer than the mark, has
//!   nothing to learn: it is not stepped at all (no thread, no I/O). That covers the 30 s
//!   safety-net recheck of every session but one per folder, and the echo wakeups a
//!   session's own scan causes (moving a file from `new/` to `cur/` is itself a change).
//! - [`SharedStore`]: per account, one store (one index connection) that its idling
//!   sessions take turns on, so a wakeup that must look does one refresh on a connection
//!   already open instead of opening the index again (an idling session gives its own
//!   connection back: ~100 KiB of SQLite cache each).
//!
//! Not here: the folder watches and signals (`super::watch`), what a refresh reports (the
//! session), how many wakeups run at once (`crate::net::driver`).

use std::path::{Path, PathBuf};
use std::sync::{Mutex, Weak};
use std::time::{Duration, Instant};

use super::watch::Hub;
use crate::imap::mailstore::{MailStore, Mailbox};

/// The counters that change whenever anything a session sees of a folder changes: a new
/// message moves UIDNEXT, any flag change or expunge moves HIGHESTMODSEQ, a replaced
/// folder gets a new UIDVALIDITY.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counters {
    pub uidvalidity: u32,
    pub uidnext: u32,
    pub highestmodseq: u64,
}

impl Counters {
    pub fn of(mb: &Mailbox) -> Counters {
        Counters {
            uidvalidity: mb.uidvalidity,
            uidnext: mb.uidnext,
            highestmodseq: mb.highestmodseq,
        }
    }
}

/// What the last refresh of a folder found, and from which signal on it is complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    /// The folder's signal value read before that refresh started: every change signalled
    /// up to it is in `counters`.
    pub signal: u64,
    pub counters: Counters,
    /// When that refresh ran: a mark older than the recheck interval is not trusted for
    /// writers no watch sees (NFS, exhausted inotify watches).
    pub at: Instant,
}

/// Whether a session whose view is at `view`, woken while its folder's signal is at
/// `signal`, must refresh: unless the newest mark covers that signal, has its counters and
/// is younger than `recheck`.
pub fn must_refresh(
    mark: Option<&Mark>,
    signal: u64,
    view: Counters,
    now: Instant,
    recheck: Duration,
) -> bool {
    match mark {
        None => true,
        Some(m) => {
            m.signal != signal
                || m.counters != view
                || now.saturating_duration_since(m.at) >= recheck
        }
    }
}

/// Keeps the newer of two marks. Returns whether `new` shows a change nobody was signalled
/// about (same signal, other counters: a writer the watch missed), so the caller wakes the
/// folder's other sessions now rather than at their next recheck.
pub fn merge(slot: &mut Option<Mark>, new: Mark) -> bool {
    match slot {
        Some(old) if old.signal > new.signal => false,
        Some(old) => {
            let unsignalled = old.signal == new.signal && old.counters != new.counters;
            if old.signal < new.signal || new.at >= old.at {
                *old = new;
            }
            unsignalled
        }
        None => {
            *slot = Some(new);
            false
        }
    }
}

/// One account's store, shared by its idling sessions; a session takes it out for its
/// refresh and puts it back (the mutex makes them take turns: an index connection is used
/// by one thread at a time). Made by [`Hub::shared_store`].
pub struct SharedStore {
    root: PathBuf,
    pub store: Mutex<Option<Box<dyn MailStore>>>,
    hub: Weak<Hub>,
}

impl SharedStore {
    pub(crate) fn new(root: &Path, hub: Weak<Hub>) -> SharedStore {
        SharedStore {
            root: root.to_path_buf(),
            store: Mutex::new(None),
            hub,
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl Drop for SharedStore {
    /// The last session let go: the store is closed by the hub's keeper thread (closing an
    /// index connection may checkpoint SQLite's WAL, and this may run on a tokio worker).
    fn drop(&mut self) {
        let store = self
            .store
            .get_mut()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(hub) = self.hub.upgrade() {
            hub.forget_store(&self.root, store);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(uidnext: u32, modseq: u64) -> Counters {
        Counters {
            uidvalidity: 7,
            uidnext,
            highestmodseq: modseq,
        }
    }

    const RECHECK: Duration = Duration::from_secs(30);

    #[test]
    fn a_view_at_a_current_mark_needs_no_refresh() {
        let now = Instant::now();
        let m = Mark {
            signal: 3,
            counters: c(5, 9),
            at: now,
        };
        assert!(!must_refresh(Some(&m), 3, c(5, 9), now, RECHECK));
        // Behind the mark (another session saw a new message or flag change first).
        assert!(must_refresh(Some(&m), 3, c(4, 9), now, RECHECK));
        assert!(must_refresh(Some(&m), 3, c(5, 8), now, RECHECK));
        // A signal after the mark: nobody has looked yet.
        assert!(must_refresh(Some(&m), 4, c(5, 9), now, RECHECK));
        // No mark yet, or one too old to vouch for writers no watch sees.
        assert!(must_refresh(None, 3, c(5, 9), now, RECHECK));
        assert!(must_refresh(Some(&m), 3, c(5, 9), now + RECHECK, RECHECK));
    }

    #[test]
    fn the_newest_mark_wins_and_unsignalled_changes_are_reported() {
        let t0 = Instant::now();
        let t1 = t0 + Duration::from_secs(1);
        let mut slot = None;
        let a = Mark {
            signal: 2,
            counters: c(5, 9),
            at: t1,
        };
        assert!(!merge(&mut slot, a));
        // An older signal never replaces a newer one, whatever it saw.
        let stale = Mark {
            signal: 1,
            counters: c(4, 8),
            at: t1 + Duration::from_secs(1),
        };
        assert!(!merge(&mut slot, stale));
        assert_eq!(slot, Some(a));
        // The same signal, the same counters, later: the recheck's time moves on.
        let again = Mark {
            at: t1 + RECHECK,
            ..a
        };
        assert!(!merge(&mut slot, again));
        assert_eq!(slot, Some(again));
        // The same signal but other counters: a change no watch reported.
        let moved = Mark {
            counters: c(6, 10),
            at: t1 + RECHECK + RECHECK,
            ..a
        };
        assert!(merge(&mut slot, moved));
        assert_eq!(slot, Some(moved));
        // A newer signal replaces even with an earlier time (clocks of two threads).
        let newer = Mark {
            signal: 3,
            counters: c(6, 11),
            at: t0,
        };
        assert!(!merge(&mut slot, newer));
        assert_eq!(slot, Some(newer));
    }
}
