//! Several `mailctl serve` nodes sharing one PostgreSQL database and one data directory
//! (issue 21.2): the directory stands in for the shared filesystem, its `database.url`
//! names the database, and each node listens on its own loopback address with its own
//! `MAILCTL_NODE_ID`. Leases are shortened to [`LEASE_SECS`] (`MAILCTL_TEST_LEASE_SECS`)
//! so a killed node's claims are taken over within seconds. Plus [`Sink`], the remote
//! domain's MX: an SMTP receiver on loopback that records each message's `Message-ID`.
//!
//! [`Core`] is the smaller form for tests that start nodes of any services by hand
//! (IMAP IDLE across nodes, `tests/pg_serve.rs`): it owns its PostgreSQL server and
//! gives `None`, the reason printed, where PostgreSQL is not installed.
//!
//! Not here: what a test does with the nodes (`tests/cluster.rs`).

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::cli::{command, mailctl_ok};
use super::postgres::PgServer;
use super::serve::Serve;
use super::users::{PASSWORD, add_domain, add_user};

/// The lease a node's queue claims get in these tests (15 minutes in production).
pub const LEASE_SECS: u64 = 5;

pub struct Cluster {
    pub dir: tempfile::TempDir,
    /// One slot per node, `None` while it is stopped.
    pub nodes: Vec<Option<Serve>>,
    /// The runs of nodes killed or stopped so far, kept for their logs.
    gone: Vec<Serve>,
    /// The loopback address of each node: 127.0.0.2, .3, ...
    pub ips: Vec<String>,
    pub url: String,
}

impl Cluster {
    /// A shared data directory on a fresh database of `pg`: domain example.test with alice
    /// and bob, the inbound checks off, DNS on a dead loopback port, only the SMTP listener
    /// (each node names its own address), a self-signed certificate. No node runs yet.
    pub fn new(pg: &PgServer, n: usize) -> Cluster {
        let url = pg.database();
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        std::fs::write(p.join("database.url"), format!("{url}\n")).unwrap();
        add_domain(p, "example.test");
        for (k, v) in [
            ("server.user", ""),
            ("auth.argon2_memory", "1M"),
            ("auth.argon2_iterations", "1"),
            ("dns.nameserver", "127.0.0.1:9"),
            ("smtp.greet_wait", "0"),
            ("inbound.checks", "false"),
            ("listen.submission", ""),
            ("listen.submissions", ""),
        ] {
            mailctl_ok(p, &["config", "set", k, v]);
        }
        add_user(p, "alice@example.test", PASSWORD, &[]);
        add_user(p, "bob@example.test", PASSWORD, &[]);
        mailctl::net::tls::write_self_signed(
            &["localhost".into()],
            &p.join("tls/cert.pem"),
            &p.join("tls/key.pem"),
        )
        .unwrap();
        Cluster {
            dir,
            nodes: (0..n).map(|_| None).collect(),
            gone: Vec::new(),
            ips: (0..n).map(|i| format!("127.0.0.{}", i + 2)).collect(),
            url,
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Sends the remote domains' mail to `sink` (`relay.mode = relay`, no TLS on loopback).
    pub fn relay_to(&self, sink: SocketAddr) {
        for (k, v) in [
            ("relay.mode", "relay".to_string()),
            ("relay.host", sink.ip().to_string()),
            ("relay.port", sink.port().to_string()),
            ("relay.tls", "none".to_string()),
            ("delivery.timeout", "10s".to_string()),
            ("queue.retry_schedule", "1s".to_string()),
        ] {
            mailctl_ok(self.path(), &["config", "set", k, &v]);
        }
    }

    /// Starts node `i` (`serve smtp` on 127.0.0.{i+2}) and waits until it listens.
    pub fn start(&mut self, i: usize) {
        assert!(self.nodes[i].is_none(), "node {i} runs already");
        let mut cmd = command(self.path());
        cmd.args(["serve", "smtp", "--allow-root", "--listen"])
            .arg(format!("smtp={}:0", self.ips[i]))
            .env("MAILCTL_NODE_ID", format!("node-{i}"))
            .env("MAILCTL_TEST_LEASE_SECS", LEASE_SECS.to_string())
            .env("MAILCTL_TEST_HEARTBEAT_MS", "200");
        self.nodes[i] = Some(Serve::spawn(cmd, 1));
    }

    /// `kill -9` node `i`: no goodbye, its claims stay in the database until they expire.
    pub fn kill(&mut self, i: usize) -> u32 {
        let mut s = self.nodes[i].take().expect("node runs");
        let pid = s.id();
        s.kill();
        self.gone.push(s);
        pid
    }

    pub fn node(&self, i: usize) -> &Serve {
        self.nodes[i].as_ref().expect("node runs")
    }

    /// What every run of every node logged so far, for failure messages.
    pub fn log(&self) -> String {
        let mut out = String::new();
        for s in self.gone.iter().chain(self.nodes.iter().flatten()) {
            out.push_str(&format!("--- pid {} ---\n{}", s.id(), s.log()));
        }
        out
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for s in self.nodes.iter_mut().flatten() {
            s.terminate(Duration::from_secs(10));
        }
    }
}

/// Most connections one sink serves (bounds a runaway client).
const SINK_CONNECTIONS: usize = 5_000;

/// The remote domain's MX: accepts every message, records its `Message-ID` once it has the
/// whole message, and answers the final dot after `delay`, or once [`Sink::hold`] is lifted
/// (so a test can kill a node while its attempts are in flight; 30 s at most). Stops
/// accepting when dropped.
pub struct Sink {
    pub addr: SocketAddr,
    received: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    held: Arc<AtomicBool>,
}

impl Sink {
    pub fn start(ip: &str, delay: Duration) -> Sink {
        let l = TcpListener::bind((ip, 0)).unwrap();
        l.set_nonblocking(true).unwrap();
        let addr = l.local_addr().unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let held = Arc::new(AtomicBool::new(false));
        let (rx, st, hd) = (received.clone(), stop.clone(), held.clone());
        std::thread::spawn(move || {
            let mut n = 0;
            while !st.load(Ordering::Relaxed) && n < SINK_CONNECTIONS {
                match l.accept() {
                    Ok((s, _)) => {
                        n += 1;
                        let (rx, hd) = (rx.clone(), hd.clone());
                        std::thread::spawn(move || {
                            let _ = sink_session(s, &rx, &hd, delay);
                        });
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Sink {
            addr,
            received,
            stop,
            held,
        }
    }

    /// While on, the final dot of every message is answered only once it is off again.
    pub fn hold(&self, on: bool) {
        self.held.store(on, Ordering::Relaxed);
    }

    /// The Message-IDs of every message received so far (one entry per receipt).
    pub fn received(&self) -> Vec<String> {
        self.received.lock().unwrap().clone()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// One SMTP session of the sink; every read bounded by a timeout.
fn sink_session(
    s: TcpStream,
    received: &Mutex<Vec<String>>,
    held: &AtomicBool,
    delay: Duration,
) -> std::io::Result<()> {
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    s.set_nonblocking(false)?;
    let mut w = s.try_clone()?;
    let mut r = BufReader::new(s);
    w.write_all(b"220 sink.test ESMTP\r\n")?;
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-sink.test\r\n250 8BITMIME\r\n",
            "QUIT" => {
                w.write_all(b"221 bye\r\n")?;
                return Ok(());
            }
            "DATA" => {
                w.write_all(b"354 go on\r\n")?;
                let mut id = String::new();
                loop {
                    line.clear();
                    if r.read_line(&mut line)? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    if id.is_empty() && line.to_ascii_lowercase().starts_with("message-id:") {
                        id = line[11..].trim().to_string();
                    }
                }
                received.lock().unwrap().push(id);
                let until = std::time::Instant::now() + Duration::from_secs(30);
                while held.load(Ordering::Relaxed) && std::time::Instant::now() < until {
                    std::thread::sleep(Duration::from_millis(20));
                }
                std::thread::sleep(delay);
                b"250 2.0.0 ok\r\n"
            }
            _ => b"250 ok\r\n",
        };
        w.write_all(reply)?;
    }
}

/// A PostgreSQL core and a shared data directory with example.test's users (alice, bob),
/// where a test starts nodes of any services by hand ([`Core::node`]); the IMAP-across-nodes
/// tests use it. [`Cluster`] above is the SMTP-only fleet with kill and restart.
pub struct Core {
    /// Dropped last: the nodes' core.
    pub pg: PgServer,
    /// The core's URL (also in the data directory's `database.url` file).
    pub url: String,
    /// The shared data directory.
    pub dir: tempfile::TempDir,
}

impl Core {
    /// A PostgreSQL core and a shared data directory on it, with example.test's users.
    pub fn start() -> Option<Core> {
        let pg = PgServer::start()?;
        let url = pg.database();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("database.url"), format!("{url}\n")).unwrap();
        super::users::example_test_in(dir.path(), "", &["localhost", "127.0.0.1"]);
        Some(Core { pg, url, dir })
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
