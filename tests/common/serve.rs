//! Running `mailctl serve` in a test: spawn it, read the `listening NAME ADDR` lines it prints
//! on stderr, and stop it with SIGTERM.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

pub struct Serve {
    pub child: Child,
    pub listeners: BTreeMap<String, String>,
    pub lines: Receiver<String>,
}

impl Serve {
    /// Spawns `cmd` and waits (at most 20 s) until it has reported `want` listeners.
    pub fn spawn(mut cmd: Command, want: usize) -> Serve {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut listeners = BTreeMap::new();
        let start = Instant::now();
        while listeners.len() < want && start.elapsed() < Duration::from_secs(20) {
            if let Ok(line) = rx.recv_timeout(Duration::from_millis(200))
                && let Some((name, addr)) = line
                    .strip_prefix("listening ")
                    .and_then(|r| r.split_once(' '))
            {
                listeners.insert(name.to_string(), addr.to_string());
            }
        }
        assert!(
            listeners.len() >= want,
            "serve reported {listeners:?}, expected {want} listeners"
        );
        Serve {
            child,
            listeners,
            lines: rx,
        }
    }

    pub fn addr(&self, name: &str) -> &str {
        self.listeners
            .get(name)
            .unwrap_or_else(|| panic!("no listener {name}: {:?}", self.listeners))
    }

    pub fn id(&self) -> u32 {
        self.child.id()
    }

    pub fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// SIGTERM, then wait for the process to exit.
    pub fn stop(mut self) {
        // SAFETY: kill(2) on our own child.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let _ = self.child.wait();
    }
}
