//! `mailctl cluster status` against running daemons (issue 21.5): a serving node shows up
//! with its real listeners, a `kill -9`ed one shows down once it misses its heartbeats, one
//! stopped with SIGTERM shows stopped. The heartbeat interval is shortened to 200 ms by
//! `MAILCTL_TEST_HEARTBEAT_MS` (down = three missed beats: 30 s at the default 10 s).

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::cli::{json, mailctl_ok};
use common::serve::{Serve, command};
use common::users::example_test;

fn serve(dir: &Path) -> Serve {
    let mut cmd = command(dir, &["imap", "--allow-root"], &["imap", "imaps"]);
    cmd.env("MAILCTL_TEST_HEARTBEAT_MS", "200");
    Serve::spawn(cmd, 2)
}

/// Polls `cluster status --json` (at most 15 s) until the only node is in `state`.
fn until_state(dir: &Path, state: &str) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let nodes = json(dir, &["cluster", "status"]);
        let n = nodes.as_array().map_or(0, Vec::len);
        if (n == 1 && nodes[0]["state"] == state) || Instant::now() > deadline {
            assert_eq!(n, 1, "{nodes:#}");
            assert_eq!(nodes[0]["state"], state, "{nodes:#}");
            return nodes[0].clone();
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn status_shows_a_serving_node_up_and_a_killed_one_down() {
    let tmp = example_test("", &["localhost"]);
    let dir = tmp.path();
    let out = mailctl_ok(dir, &["cluster", "status"]);
    assert!(out.contains("no node"), "{out}");

    let mut srv = serve(dir);
    let node = until_state(dir, "up");
    let listeners: Vec<&str> = node["listeners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    for name in ["imap", "imaps"] {
        let want = format!("{name}={}", srv.addr(name));
        assert!(listeners.contains(&want.as_str()), "{want} in {node:#}");
    }
    assert_eq!(node["pid"], srv.id());
    assert_eq!(node["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(node["claims"], 0);
    assert_eq!(node["last_error"], "");
    let table = mailctl_ok(dir, &["cluster", "status"]);
    assert!(table.contains(" up "), "{table}");
    assert!(table.contains(srv.addr("imaps")), "{table}");
    assert!(table.lines().all(|l| l.chars().count() <= 80), "{table}");

    // kill -9: no goodbye; three missed beats later it is down.
    srv.kill();
    let killed = until_state(dir, "down");
    assert_eq!(killed["pid"], node["pid"]);
    let table = mailctl_ok(dir, &["cluster", "status"]);
    assert!(table.contains("down"), "{table}");

    // The same node comes back on its row, and a clean stop says so.
    let srv = serve(dir);
    let back = until_state(dir, "up");
    assert_eq!(back["node"], node["node"]);
    assert_eq!(back["pid"], srv.id());
    srv.stop();
    until_state(dir, "stopped");
}
