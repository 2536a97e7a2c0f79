//! Running `mailctl serve` in a test: spawn it, read the `listening NAME ADDR` lines it prints
//! on stderr, keep its whole log for failure messages, and stop it with SIGTERM.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Serve {
    pub child: Child,
    pub listeners: BTreeMap<String, String>,
    pub lines: Receiver<String>,
    log: Arc<Mutex<String>>,
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
        while listeners.len() < want && start.elapsed() < Duration::from_secs(20) {
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

    /// SIGTERM, then wait for the process to exit.
    pub fn stop(mut self) {
        // SAFETY: kill(2) on our own child.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let _ = self.child.wait();
    }
}
