//! What a running daemon tells the admin commands: one file per daemon process,
//! `<data-dir>/run/daemon-<pid>.json`, written at start and after each reload, removed at
//! a clean stop. `status` reads it (is a daemon running, on which listeners, signing with which
//! DKIM keys); `config set` signals the daemon and waits for its reload generation to move
//! (issue 16.3, 16.17).
//!
//! Not here: deciding what is reloaded (`cli::serve`), printing.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::DataDir;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Listener {
    pub name: String,
    pub address: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SigningKey {
    pub domain: String,
    pub selector: String,
    pub path: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DaemonState {
    pub pid: u32,
    /// Unix seconds.
    pub started: i64,
    /// The account it runs as.
    pub user: String,
    pub listeners: Vec<Listener>,
    /// Bumped by every reload (SIGHUP), finished or not.
    pub generation: u64,
    /// Unix seconds of the last reload, if any.
    pub reloaded: Option<i64>,
    /// What the last reload could not apply (the old value stays in force).
    pub reload_errors: Vec<String>,
    /// The keys outbound mail is signed with, as read at start or at the last reload.
    pub dkim: Vec<SigningKey>,
}

fn file(data_dir: &DataDir, pid: u32) -> PathBuf {
    data_dir.runtime().join(format!("daemon-{pid}.json"))
}

/// Writes the state atomically (temp file, rename), so a reader never sees half of it.
pub fn write(data_dir: &DataDir, state: &DaemonState) -> std::io::Result<()> {
    let dir = data_dir.runtime();
    data_dir.create_dir(&dir, 0o755)?;
    let path = file(data_dir, state.pid);
    let tmp = path.with_extension("tmp");
    let json = serde_json::to_vec_pretty(state).map_err(std::io::Error::other)?;
    std::fs::write(&tmp, json)?;
    std::fs::rename(&tmp, &path)
}

pub fn remove(data_dir: &DataDir, pid: u32) {
    let _ = std::fs::remove_file(file(data_dir, pid));
}

/// The daemons running for this data directory. Files of processes that are gone (a crash,
/// `kill -9`) are skipped, and removed when this process may.
pub fn running(data_dir: &DataDir) -> Vec<DaemonState> {
    let Ok(entries) = std::fs::read_dir(data_dir.runtime()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in entries.flatten() {
        let path = e.path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let Some(state) = read(&path) else { continue };
        if alive(state.pid) {
            out.push(state);
        } else {
            let _ = std::fs::remove_file(&path);
        }
    }
    out.sort_by_key(|s| s.pid);
    out
}

fn read(path: &Path) -> Option<DaemonState> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// The daemon with `pid`, re-read (for waiting on a reload).
pub fn state(data_dir: &DataDir, pid: u32) -> Option<DaemonState> {
    read(&file(data_dir, pid))
}

/// Whether `pid` is a live mailctl process (not a recycled pid of something else).
pub fn alive(pid: u32) -> bool {
    let Ok(p) = libc::pid_t::try_from(pid) else {
        return false;
    };
    let exists = crate::sys::process_exists(p);
    exists
        && std::fs::read(format!("/proc/{pid}/cmdline"))
            .map(|c| String::from_utf8_lossy(&c).contains("mailctl"))
            .unwrap_or(false)
}

/// Asks the daemon `pid` to reload (SIGHUP).
pub fn signal_reload(pid: u32) -> std::io::Result<()> {
    let p = libc::pid_t::try_from(pid).map_err(std::io::Error::other)?;
    crate::sys::send_hangup(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_state_is_found_while_the_process_lives() {
        let dir = tempfile::tempdir().unwrap();
        let dd = DataDir::new(dir.path());
        let me = DaemonState {
            pid: std::process::id(),
            started: 1,
            user: "me".into(),
            listeners: vec![Listener {
                name: "smtp".into(),
                address: "127.0.0.1:25".into(),
            }],
            generation: 0,
            reloaded: None,
            reload_errors: vec![],
            dkim: vec![],
        };
        write(&dd, &me).unwrap();
        // The test binary's name holds "mailctl" (cargo names it after the crate).
        if alive(me.pid) {
            assert_eq!(running(&dd), vec![me.clone()]);
        }
        let gone = DaemonState {
            pid: u32::MAX - 1,
            ..me.clone()
        };
        write(&dd, &gone).unwrap();
        assert!(!running(&dd).iter().any(|s| s.pid == gone.pid));
        assert!(
            state(&dd, gone.pid).is_none(),
            "a dead daemon's file is removed"
        );
    }
}
