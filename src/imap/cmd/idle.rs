//! IDLE (RFC 2177): `+ idling`, then changes are pushed as they happen until the client
//! sends `DONE`. The driver watches the folder and calls
//! [`Session::idle_wake`](crate::imap::session::Session::idle_wake).

use crate::imap::session::{Action, Pending, Session};

pub(crate) fn start(s: &mut Session, tag: &str, out: &mut Vec<u8>) -> Option<Action> {
    // What happened before IDLE is reported right away.
    s.write_updates(true, out);
    out.extend_from_slice(b"+ idling\r\n");
    s.pending = Pending::Idle { tag: tag.into() };
    None
}

pub(crate) fn input(s: &mut Session, tag: &str, line: &[u8], out: &mut Vec<u8>) -> Option<Action> {
    if line.eq_ignore_ascii_case(b"DONE") {
        s.finish(tag, true, "OK IDLE terminated", out);
    } else {
        Session::tagged(out, tag, "BAD expected DONE to end IDLE");
    }
    None
}
