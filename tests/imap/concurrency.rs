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

/// The GLIBC_TUNABLES of a running server, from its environment.
fn tunables_of(pid: u32) -> Option<String> {
    let env = std::fs::read(format!("/proc/{pid}/environ")).unwrap();
    env.split(|&b| b == 0)
        .find_map(|kv| kv.strip_prefix(b"GLIBC_TUNABLES="))
        .map(|v| String::from_utf8_lossy(v).into_owned())
}

/// The daemon runs with glibc's per-thread malloc cache capped (what a tokio worker keeps
/// of a thousand closed sessions otherwise pins ~1-2 MiB of heap for good), keeping other
/// tunables it was given, and an administrator's own tcache count wins (which also keeps
/// the exec from repeating).
#[test]
fn the_daemon_runs_with_a_small_malloc_tcache_unless_told_otherwise() {
    let dir = data_dir(true);
    let cases = [
        (None, "glibc.malloc.tcache_count=1"),
        // A name glibc does not know: it cuts the string it shows in /proc after each
        // tunable it applies, which would hide what follows.
        (
            Some("mailctl.test.other=0"),
            "mailctl.test.other=0:glibc.malloc.tcache_count=1",
        ),
        (
            Some("glibc.malloc.tcache_count=7"),
            "glibc.malloc.tcache_count=7",
        ),
    ];
    for (given, want) in cases {
        let mut cmd =
            crate::common::serve::command(dir.path(), &["imap", "--allow-root"], &["imap"]);
        match given {
            Some(t) => cmd.env("GLIBC_TUNABLES", t),
            None => cmd.env_remove("GLIBC_TUNABLES"),
        };
        let server = crate::common::serve::Serve::spawn(cmd, 1);
        assert_eq!(
            tunables_of(server.id()).as_deref(),
            Some(want),
            "{}",
            server.log()
        );
    }
}
