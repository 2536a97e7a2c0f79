//! Running `mailctl serve` in a test: spawn it with its listeners on ports the daemon picks
//! itself (`NAME=127.0.0.1:0`, so parallel tests never race for a port), read the
//! `listening NAME ADDR` lines it prints on stderr, keep its whole log for failure messages,
//! and stop it with SIGTERM.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// `mailctl --data-dir DIR serve ARGS... --listen NAME=127.0.0.1:0...` (ARGS: the services
/// and flags such as `--allow-root`).
pub fn command(dir: &Path, args: &[&str], listeners: &[&str]) -> Command {
    let mut cmd = super::cli::command(dir);
    cmd.arg("serve").args(args).args(listen_args(listeners));
    cmd
}

/// `--listen NAME=127.0.0.1:0` for each listener.
pub fn listen_args(listeners: &[&str]) -> Vec<String> {
    listeners
        .iter()
        .flat_map(|l| ["--listen".to_string(), format!("{l}=127.0.0.1:0")])
        .collect()
}

pub struct Serve {
    pub child: Child,
    pub listeners: BTreeMap<String, String>,
    pub lines: Receiver<String>,
    log: Arc<Mutex<String>>,
}

/// A test that panics, or forgets to stop its server, must not leave it running.
impl Drop for Serve {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.kill();
        }
    }
}

impl Serve {
    /// Starts [`command`] and waits until every listener is reported.
    pub fn start(dir: &Path, args: &[&str], listeners: &[&str]) -> Serve {
        Serve::spawn(command(dir, args, listeners), listeners.len())
    }

    /// Spawns `cmd` and waits (at most 30 s) until it has reported `want` listeners.
    pub fn spawn(mut cmd: Command, want: usize) -> Serve {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let log = Arc::new(Mutex::new(String::new()));
        let log2 = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                log2.lock().unwrap().push_str(&format!("{line}\n"));
                // Nobody reading the lines any more is fine: the log still fills.
                let _ = tx.send(line);
            }
        });
        let mut listeners = BTreeMap::new();
        let start = Instant::now();
        while listeners.len() < want && start.elapsed() < Duration::from_secs(30) {
            if let Ok(line) = rx.recv_timeout(Duration::from_millis(200))
                && let Some((name, addr)) = line
                    .strip_prefix("listening ")
                    .and_then(|r| r.split_once(' '))
            {
                listeners.insert(name.to_string(), addr.to_string());
            }
        }
        if listeners.len() < want {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "serve reported {listeners:?}, expected {want} listeners; its log:\n{}",
                log.lock().unwrap()
            );
        }
        Serve {
            child,
            listeners,
            lines: rx,
            log,
        }
    }

    pub fn addr(&self, name: &str) -> &str {
        self.listeners
            .get(name)
            .unwrap_or_else(|| panic!("no listener {name}: {:?}", self.listeners))
    }

    /// The address of listener `name`, parsed.
    pub fn socket(&self, name: &str) -> SocketAddr {
        self.addr(name).parse().unwrap()
    }

    /// The port of listener `name`.
    pub fn port(&self, name: &str) -> u16 {
        self.socket(name).port()
    }

    /// Everything the server wrote on stderr so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    pub fn id(&self) -> u32 {
        self.child.id()
    }

    pub fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// SIGKILL, and reap it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, so a graceful stop is exercised; SIGKILL if it has not exited after `limit`.
    pub fn terminate(&mut self, limit: Duration) {
        // SAFETY: kill(2) on our own child.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.kill();
    }

    /// SIGTERM, then wait for the process to exit.
    pub fn stop(mut self) {
        // SAFETY: kill(2) on our own child.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let _ = self.child.wait();
    }
}
