//! IDLE (RFC 2177): `+ idling`, then changes are pushed as they happen until the client
//! sends `DONE`. The driver watches the folder and calls
//! [`Session::idle_wake`](crate::imap::session::Session::idle_wake).
//!
//! An idling session gives back its index connection (SQLite keeps ~100 KiB of page cache
//! per connection): most of a server's connections are idling, and they should cost tens
//! of KiB, not hundreds. A wakeup refreshes on the store the account's idling sessions
//! share (`crate::imap::wake`), opening it only when none is open, and the driver skips the
//! wakeups of sessions whose view is already current ([`view`]).

use std::path::PathBuf;

use crate::imap::mailstore::MailStore;
use crate::imap::session::{Action, Pending, Session};
use crate::imap::wake::Counters;

/// What an idling session shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdleView {
    /// Not in IDLE (or NOTIFY is on, which looks at more than the selected mailbox).
    Other,
    /// In IDLE with no mailbox selected: a folder change has nothing to report.
    Unselected,
    /// In IDLE on a mailbox whose view is at these counters.
    Selected(Counters),
}

pub(crate) fn view(s: &Session) -> IdleView {
    if !matches!(s.pending, Pending::Idle { .. }) || s.notify.is_some() {
        return IdleView::Other;
    }
    match &s.selected {
        Some(mb) => IdleView::Selected(Counters::of(mb)),
        None => IdleView::Unselected,
    }
}

/// In IDLE, a wakeup: refreshes on the `shared` store (opened if empty, put back after)
/// and writes what changed. Returns whether the selected mailbox was refreshed.
pub(crate) fn wake(
    s: &mut Session,
    shared: &mut Option<Box<dyn MailStore>>,
    changed: Option<&[PathBuf]>,
    out: &mut Vec<u8>,
) -> bool {
    s.account = shared.take();
    reopen(s);
    let refreshed = s.write_updates(true, out);
    crate::imap::cmd::context::refresh(s, out);
    crate::imap::cmd::notify::wake(s, changed, out);
    *shared = s.account.take();
    if let Some(store) = shared.as_mut() {
        store.release();
    }
    refreshed
}

/// Reopens the account connection an idling session gave back.
pub(crate) fn reopen(s: &mut Session) {
    if s.account.is_some() {
        return;
    }
    let Some(login) = s.login.as_ref() else {
        return;
    };
    match s.open_store(&login.user, &login.root, login.quota) {
        Ok(a) => {
            s.account = Some(a);
        }
        Err(e) => tracing::warn!("IMAP: reopening the mailbox of {}: {e}", login.user),
    }
}

pub(crate) fn start(s: &mut Session, tag: &str, out: &mut Vec<u8>) -> Option<Action> {
    // What happened before IDLE is reported right away.
    s.write_updates(true, out);
    out.extend_from_slice(b"+ idling\r\n");
    s.pending = Pending::Idle { tag: tag.into() };
    s.account = None;
    None
}

pub(crate) fn input(s: &mut Session, tag: &str, line: &[u8], out: &mut Vec<u8>) -> Option<Action> {
    reopen(s);
    if line.eq_ignore_ascii_case(b"DONE") {
        s.finish(tag, true, "OK IDLE terminated", out);
    } else {
        Session::tagged(out, tag, "BAD expected DONE to end IDLE");
    }
    None
}
