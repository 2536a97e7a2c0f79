//! IDLE (RFC 2177): `+ idling`, then changes are pushed as they happen until the client
//! sends `DONE`. The driver watches the folder and calls
//! [`Session::idle_wake`](crate::imap::session::Session::idle_wake).
//!
//! An idling session gives back its index connection (SQLite keeps ~100 KiB of page cache
//! per connection) and opens it again for each wakeup: most of a server's connections are
//! idling, and they should cost tens of KiB, not hundreds.

use crate::imap::session::{Action, Pending, Session};

/// Reopens the account connection an idling session gave back.
pub(crate) fn reopen(s: &mut Session) {
    if s.account.is_some() {
        return;
    }
    let Some(login) = s.login.as_ref() else {
        return;
    };
    match s.open_store(&login.root, login.quota) {
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
