//! Several sessions on one mailbox: changes by one reach the other during IDLE, and mail
//! delivered through SMTP shows up as EXISTS while idling.

use crate::harness::*;

/// A idles while B flags and expunges, then a message arrives by SMTP: A sees
/// `* 2 FETCH (FLAGS …)`, `* 1 EXPUNGE` and `* 3 EXISTS`, each within 2 s (a timeout, not a
/// benchmark: the delays are printed).
#[test]
fn idle_sees_other_sessions_and_deliveries() {
    let dir = data_dir(true);
    let mut server = Server::start(dir.path());
    deliver(&server, 3, "c");
    let out = server.py("concurrency.py", &[], 120);
    println!("idle notification delays: {}", out.trim());
    server.assert_alive();
    assert_eq!(
        files(dir.path(), "", 3).len(),
        3,
        "one expunged, one delivered"
    );
}

/// One SMTP delivery wakes 80 sessions idling on INBOX (and none of the 10 on Sent): each
/// reports `* N EXISTS` within 30 s, and the server's thread count rises by at most 20
/// while they wake: 4 wakeups step at a time, but tokio's blocking pool starts a thread
/// whenever none is idle at that instant, so the rise is a small constant, not 4. Each
/// wakeup used to reopen the index on a blocking thread of its own (+25 for 40 sessions).
#[test]
fn one_delivery_wakes_many_idlers_without_a_thread_each() {
    let dir = data_dir(true);
    for (k, v) in [
        ("imap.max_connections_per_user", "120"),
        ("limits.max_connections_per_ip", "120"),
    ] {
        mailctl_ok(dir.path(), &["config", "set", k, v]);
    }
    let mut server = Server::start(dir.path());
    let out = server.py("idle_wake.py", &["80", "10", "20"], 180);
    println!("{}", out.trim());
    server.assert_alive();
}
