//! Who owns the files of a data directory: the one place that knows the service account.
//!
//! The daemons run as `server.user` (they drop root after binding ports), while the admin
//! commands are often run as root, as the README shows. A file root creates in the data
//! directory (the database and its `-wal`/`-shm`, `tls/`, `dkim/`, `queue/`, `mail/`) must
//! therefore be handed to the service account, or the daemon cannot read it: unsigned mail,
//! certificates that never reload, `451 4.3.0` for every recipient (issue 16.1). Every writer
//! calls [`DataDir::hand_over`](super::DataDir::hand_over) on what it creates; the daemon
//! checks at start ([`problem`]) that it can use what it needs, and refuses to start otherwise.
//!
//! Not here: dropping privileges (`net::privs`), reading certificates before the drop
//! (`net::tls`), printing (callers render the [`Problem`]).

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// A local account files are handed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
}

impl Owner {
    /// The account called `name`, if it exists (getpwnam).
    pub fn lookup(name: &str) -> Option<Owner> {
        if name.is_empty() {
            return None;
        }
        let (uid, gid) = crate::sys::user_ids(name)?;
        Some(Owner {
            name: name.to_string(),
            uid,
            gid,
        })
    }
}

/// `server.user` as stored in `data_dir`'s core, SQLite or PostgreSQL (its default when
/// unset or when there is no database yet). Read with a connection of its own, read-only,
/// so it works before and while a [`super::Db`] is open and never creates anything.
pub fn server_user(data_dir: &super::DataDir) -> String {
    let default = super::settings::lookup("server.user")
        .map(|s| s.default.to_string())
        .unwrap_or_default();
    let stored = match data_dir.database_url() {
        Ok(Some(url)) => stored_in_postgres(&url),
        Ok(None) => stored_in_sqlite(&data_dir.db()),
        Err(_) => None,
    };
    stored.unwrap_or(default)
}

fn stored_in_sqlite(db: &Path) -> Option<String> {
    if !db.exists() {
        return None;
    }
    rusqlite::Connection::open_with_flags(
        db,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .and_then(|c| {
        c.busy_timeout(std::time::Duration::from_secs(10))?;
        c.query_row(SERVER_USER, [], |r| r.get::<_, String>(0))
    })
    .ok()
}

/// A PostgreSQL core holds the setting too: without this, the files root makes beside it
/// were never handed to the service account (issue 21).
fn stored_in_postgres(url: &str) -> Option<String> {
    let place = super::paths::redact_url(url);
    let mut client = super::pgconnect::connect(url, &place).ok()?;
    // No settings table yet (a fresh database) is "unset", as a missing SQLite file is.
    let stmt = client.prepare(SERVER_USER).ok()?;
    let rows = client.query(&stmt, &[]).ok()?;
    rows.first()?.try_get(0).ok()
}

const SERVER_USER: &str = "SELECT value FROM settings WHERE key = 'server.user'";

/// Gives `path` (not following a symlink) to `owner`. Only root can, and only root needs to:
/// anyone else already creates files as themselves.
pub fn give(path: &Path, owner: &Owner) -> std::io::Result<()> {
    if !crate::sys::is_root() {
        return Ok(());
    }
    match std::os::unix::fs::lchown(path, Some(owner.uid), Some(owner.gid)) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        r => r,
    }
}

/// What a daemon needs of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Read,
    ReadWrite,
    /// A directory it lists, creates and removes files in.
    Dir,
    /// A directory it only lists and reads from.
    List,
}

/// Why the current process cannot use a path as it needs, with the owner and mode it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: PathBuf,
    pub need: Need,
    /// `root:root 0600`
    pub has: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.need {
            Need::Read => "read",
            Need::ReadWrite => "read and write",
            Need::Dir => "write in the directory",
            Need::List => "list the directory",
        };
        write!(f, "cannot {what} {} ({})", self.path.display(), self.has)
    }
}

/// Whether this process (after dropping privileges: as the service account) can use `path`
/// as `need` says. `None` when it can, or when the path does not exist.
pub fn problem(path: &Path, need: Need) -> Option<Problem> {
    let meta = std::fs::metadata(path).ok()?;
    let mode = match need {
        Need::Read => libc::R_OK,
        Need::ReadWrite => libc::R_OK | libc::W_OK,
        Need::Dir => libc::R_OK | libc::W_OK | libc::X_OK,
        Need::List => libc::R_OK | libc::X_OK,
    };
    if crate::sys::access(path, mode) {
        return None;
    }
    Some(Problem {
        path: path.to_path_buf(),
        need,
        has: describe(&meta),
    })
}

/// The name of the account this process runs as.
pub fn current_user() -> String {
    user_name(crate::sys::euid())
}

/// `user:group 0640` for a file's metadata, names where the system knows them.
pub fn describe(meta: &std::fs::Metadata) -> String {
    format!(
        "{}:{} {:04o}",
        user_name(meta.uid()),
        group_name(meta.gid()),
        meta.mode() & 0o7777
    )
}

fn user_name(uid: u32) -> String {
    crate::sys::user_name(uid).unwrap_or_else(|| uid.to_string())
}

fn group_name(gid: u32) -> String {
    crate::sys::group_name(gid).unwrap_or_else(|| gid.to_string())
}

/// Whether `owner` may read `path` by its mode bits (for a process other than the daemon,
/// e.g. `dkim generate` run as root, asking whether the daemon will be able to).
pub fn readable_by(path: &Path, owner: &Owner) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    let mode = meta.mode();
    if owner.uid == 0 {
        return true;
    }
    if meta.uid() == owner.uid {
        return mode & 0o400 != 0;
    }
    if meta.gid() == owner.gid {
        return mode & 0o040 != 0;
    }
    mode & 0o004 != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_name_the_file_and_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("k");
        std::fs::write(&f, "x").unwrap();
        assert_eq!(problem(&f, Need::ReadWrite), None);
        assert_eq!(problem(&dir.path().join("missing"), Need::Read), None);
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o000)).unwrap();
        if !crate::sys::is_root() {
            let p = problem(&f, Need::Read).unwrap();
            assert!(p.to_string().contains("0000"), "{p}");
        }
        let me = Owner {
            name: "x".into(),
            uid: 4242,
            gid: 4242,
        };
        assert!(!readable_by(&f, &me));
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o604)).unwrap();
        assert!(readable_by(&f, &me));
    }
}
