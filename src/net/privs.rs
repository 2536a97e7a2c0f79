//! Dropping root after binding privileged ports: setgroups, setgid, setuid to the configured
//! account, in that order (setuid last, or the group change would be refused).
//!
//! Certificates are often readable by root only (certbot's `/etc/letsencrypt/live` and
//! `archive` are 0700), yet SIGHUP must re-read them after a renewal, long after the drop.
//! Postfix and Dovecot keep a root master process for this; mailctl keeps a tiny one too:
//! [`FileReader`] forks, before any thread exists, a root child that does one thing — send
//! back the current contents of a fixed list of files (the configured certificate and key)
//! when asked over a socketpair. It cannot be told to read anything else, holds no sockets,
//! and dies with the daemon (PR_SET_PDEATHSIG).

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::sync::Mutex;

use super::NetError;

/// Switches to `user` if running as root; does nothing otherwise.
pub fn drop_to(user: &str) -> Result<(), NetError> {
    if !crate::sys::is_root() {
        return Ok(());
    }
    let fail = |why: String| NetError::Privileges {
        user: user.to_string(),
        why,
    };
    if user.contains('\0') {
        return Err(fail("the name holds a NUL".into()));
    }
    let Some((uid, gid)) = crate::sys::user_ids(user) else {
        return Err(fail(
            "no such account; create it (useradd --system mailctl) or set server.user".into(),
        ));
    };
    crate::sys::become_user(uid, gid).map_err(|e| fail(e.to_string()))?;
    // Make sure root cannot be regained.
    if crate::sys::can_regain_root() {
        return Err(fail("could regain root after setuid".into()));
    }
    Ok(())
}

/// The daemon's end of the privileged reader (see the module doc).
pub struct FileReader {
    sock: Mutex<UnixStream>,
    pid: libc::pid_t,
}

/// Upper bound on one file sent back: a certificate chain and key are a few KiB.
const MAX_FILE: u32 = 1 << 20;

impl FileReader {
    /// Forks the reader for `paths`. Call while the process has a single thread (before the
    /// tokio runtime is built): fork copies only the calling thread.
    pub fn spawn(paths: Vec<PathBuf>) -> Result<FileReader, NetError> {
        let fail = |why: String| NetError::Privileges {
            user: "root".into(),
            why: format!("cannot start the certificate reader: {why}"),
        };
        let (parent, child) = UnixStream::pair().map_err(|e| fail(e.to_string()))?;
        // The process is single-threaded here (documented precondition), so the child may
        // run ordinary Rust code. `pkill -HUP mailctl` must not kill the reader: only the
        // daemon reloads (fork_helper ignores SIGHUP in the child).
        let (pid, parent) = crate::sys::fork_helper(parent, move || serve_reads(child, &paths))
            .map_err(|e| fail(e.to_string()))?;
        Ok(FileReader {
            sock: Mutex::new(parent),
            pid,
        })
    }

    /// The current contents of every file, in the order given to [`FileReader::spawn`].
    pub fn read_all(&self, count: usize) -> Result<Vec<Vec<u8>>, String> {
        let mut sock = self.sock.lock().unwrap_or_else(|p| p.into_inner());
        let _ = sock.set_read_timeout(Some(std::time::Duration::from_secs(10)));
        sock.write_all(b"r")
            .map_err(|e| format!("certificate reader (pid {}) is gone: {e}", self.pid))?;
        let mut out = Vec::with_capacity(count);
        for _ in 0..count {
            let mut head = [0u8; 5];
            sock.read_exact(&mut head)
                .map_err(|e| format!("certificate reader: {e}"))?;
            let len = u32::from_be_bytes([head[1], head[2], head[3], head[4]]);
            if len > MAX_FILE {
                return Err("certificate reader: answer too long".into());
            }
            let mut buf = vec![0u8; len as usize];
            sock.read_exact(&mut buf)
                .map_err(|e| format!("certificate reader: {e}"))?;
            if head[0] == 0 {
                out.push(buf);
            } else {
                return Err(String::from_utf8_lossy(&buf).into_owned());
            }
        }
        Ok(out)
    }
}

/// The reader child's loop: one request byte in, each file back as `status, u32 length,
/// bytes` (status 0: the contents, 1: the error text). Ends when the daemon closes its end.
fn serve_reads(mut sock: UnixStream, paths: &[PathBuf]) {
    let mut req = [0u8; 1];
    while sock.read_exact(&mut req).is_ok() {
        for p in paths {
            let (status, body) = match std::fs::read(p) {
                Ok(b) if b.len() <= MAX_FILE as usize => (0u8, b),
                Ok(_) => (
                    1,
                    format!("{} is larger than 1 MiB", p.display()).into_bytes(),
                ),
                Err(e) => (1, format!("cannot read {}: {e}", p.display()).into_bytes()),
            };
            let mut msg = vec![status];
            msg.extend_from_slice(&(body.len() as u32).to_be_bytes());
            msg.extend_from_slice(&body);
            if sock.write_all(&msg).is_err() {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reader_sends_the_current_contents_and_errors() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        std::fs::write(&a, "one").unwrap();
        // A test binary runs threads, but the child only reads files and writes a socket.
        let r = FileReader::spawn(vec![a.clone()]).unwrap();
        assert_eq!(r.read_all(1).unwrap(), vec![b"one".to_vec()]);
        std::fs::write(&a, "two").unwrap();
        assert_eq!(r.read_all(1).unwrap(), vec![b"two".to_vec()]);
        std::fs::remove_file(&a).unwrap();
        let e = r.read_all(1).unwrap_err();
        assert!(e.contains("cannot read"), "{e}");
    }
}
