//! Several `mailctl serve` nodes as issue 21 runs them: one real PostgreSQL core, one data
//! directory all nodes share (a local directory standing in for NFS), each node with its own
//! id (`MAILCTL_NODE_ID`) and its listeners on its own loopback address (127.0.0.2, .3, ...).
//!
//! [`Cluster::start`] makes the core and the data directory (domain example.test, users
//! alice and bob as [`super::users::example_test`]); [`Cluster::node`] starts one node. A
//! test without PostgreSQL installed gets `None` and returns, the reason printed.
//!
//! Not here: the PostgreSQL server itself (`super::postgres`), what a test does with nodes.

use std::path::Path;

use super::postgres::PgServer;
use super::serve::Serve;

pub struct Cluster {
    /// Dropped last: the nodes' core.
    pub pg: PgServer,
    /// The core's URL (also in the data directory's `database.url` file).
    pub url: String,
    /// The shared data directory.
    pub dir: tempfile::TempDir,
}

impl Cluster {
    /// A PostgreSQL core and a shared data directory on it, with example.test's users.
    pub fn start() -> Option<Cluster> {
        let pg = PgServer::start()?;
        let url = pg.database();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("database.url"), format!("{url}\n")).unwrap();
        super::users::example_test_in(dir.path(), "", &["localhost", "127.0.0.1"]);
        Some(Cluster { pg, url, dir })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Starts node `id` running `services` (smtp, imap, pop3) with all their listeners on
    /// `ip` (port 0: the node picks one and reports it), and waits until all are listening.
    pub fn node(&self, id: &str, ip: &str, services: &[&str]) -> Serve {
        let listeners: Vec<&str> = services
            .iter()
            .flat_map(|s| match *s {
                "smtp" => &["smtp", "submission", "submissions"][..],
                "imap" => &["imap", "imaps"][..],
                "pop3" => &["pop3", "pop3s"][..],
                other => panic!("no listener list for service {other}"),
            })
            .copied()
            .collect();
        let mut cmd = super::cli::command(self.path());
        cmd.arg("serve").args(services).arg("--allow-root");
        for l in &listeners {
            cmd.arg("--listen").arg(format!("{l}={ip}:0"));
        }
        cmd.env("MAILCTL_NODE_ID", id);
        Serve::spawn(cmd, listeners.len())
    }
}
