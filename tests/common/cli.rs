//! Running one `mailctl` command in a test against a data directory: every run bounded in
//! time, in an environment that does not leak the developer's settings into it.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_mailctl");

/// How long one admin command may take before the test kills it and reports a failure.
const LIMIT: Duration = Duration::from_secs(120);

/// `mailctl --data-dir DIR`, without MAILCTL_DATA_DIR and MAILCTL_DATABASE_URL (the flags
/// and the data directory must be what counts) and
/// without COLUMNS (piped output is fitted to 80 columns unless COLUMNS says otherwise).
pub fn command(dir: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--data-dir")
        .arg(dir)
        .env_remove("MAILCTL_DATA_DIR")
        .env_remove("MAILCTL_DATABASE_URL")
        .env_remove("COLUMNS");
    c
}

/// `mailctl --data-dir DIR ARGS...` with stdin closed.
pub fn mailctl(dir: &Path, args: &[&str]) -> Output {
    let mut c = command(dir);
    c.args(args);
    run(c, None, LIMIT)
}

/// `mailctl --data-dir DIR ARGS...` reading `input` on stdin.
pub fn mailctl_stdin(dir: &Path, args: &[&str], input: impl AsRef<[u8]>) -> Output {
    let mut c = command(dir);
    c.args(args);
    run(c, Some(input.as_ref().to_vec()), LIMIT)
}

/// Runs the command, asserts success, returns stdout.
pub fn mailctl_ok(dir: &Path, args: &[&str]) -> String {
    let o = mailctl(dir, args);
    assert!(
        o.status.success(),
        "mailctl {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// The short name the first users of this module called [`mailctl_ok`] by.
pub use mailctl_ok as ok;

/// `mailctl --json ARGS...`, asserted to succeed, parsed.
pub fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut a = vec!["--json"];
    a.extend_from_slice(args);
    serde_json::from_str(&ok(dir, &a)).unwrap()
}

/// A finished command's stdout then its stderr, for assertions and failure messages.
pub fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

/// Runs `cmd` with optional stdin, killing it after `limit`. A killed process shows up as a
/// failed status, so callers' assertions report it with its output.
pub fn run(mut cmd: Command, stdin: Option<Vec<u8>>, limit: Duration) -> Output {
    let mut child = cmd
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {cmd:?}: {e}"));
    if let Some(data) = stdin {
        let mut w = child.stdin.take().unwrap();
        std::thread::spawn(move || {
            let _ = w.write_all(&data);
        });
    }
    let drain = |r: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = drain(child.stdout.take().map(|r| Box::new(r) as _));
    let err = drain(child.stderr.take().map(|r| Box::new(r) as _));
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    }
}
