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
