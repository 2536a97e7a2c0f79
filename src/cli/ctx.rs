//! What every command gets ([`Ctx`]): where the data is, how to render, and the steps several
//! commands share — opening the core, "address or path → Maildir root → folder", "address →
//! existing user" — so each command file states only what is its own.
//!
//! Not here: rendering (`crate::output`), SQL (`crate::core`), Maildir rules
//! (`crate::maildir`). Each helper keeps the exact error text the commands printed before
//! they shared it.

use std::path::{Path, PathBuf};

use super::{Fail, missing_data_dir};
use crate::core::users::User;
use crate::core::{Address, DataDir, Db};

/// What every command gets: where the data is and how to render.
pub struct Ctx {
    pub data_dir: DataDir,
    pub json: bool,
    pub quiet: bool,
    pub verbose: u8,
}

impl Ctx {
    /// Opens the core database of an existing server. A missing data directory or database
    /// is an error naming the path, never a new empty server: a mistyped `--data-dir` must
    /// not look like a server with no users (issue 16.4).
    pub fn db(&self) -> anyhow::Result<Db> {
        if !self.data_dir.db().exists() {
            return Err(missing_data_dir(&self.data_dir).into());
        }
        self.open_db()
    }

    /// Opens the database, creating the data directory and database when missing. Only the
    /// commands that make a server call this: `setup`, `serve --dev`, `domain add --create`.
    pub fn create_db(&self) -> anyhow::Result<Db> {
        self.open_db()
    }

    fn open_db(&self) -> anyhow::Result<Db> {
        Db::open(&self.data_dir).map_err(|e| {
            Fail::hint(
                format!(
                    "cannot open the database in {}: {e}",
                    self.data_dir.root().display()
                ),
                "pass --data-dir DIR (or set MAILCTL_DATA_DIR) to use another data directory",
            )
            .into()
        })
    }

    /// Whether progress bars and spinners may be drawn.
    pub fn progress(&self) -> bool {
        crate::output::progress_allowed(self.quiet, self.json)
    }

    /// A mailbox address typed on the command line; a bad one is a usage error (exit 2).
    pub fn address(&self, input: &str) -> anyhow::Result<Address> {
        Address::parse(input).map_err(|e| {
            Fail::usage(format!("invalid address '{}': {e}", input.escape_debug())).into()
        })
    }

    /// The user `addr`, which must exist.
    pub fn user(&self, db: &Db, addr: &Address) -> anyhow::Result<User> {
        db.user(addr)?.ok_or_else(|| {
            Fail::hint(
                format!("user {addr} does not exist"),
                "`mailctl user list` shows the users",
            )
            .into()
        })
    }

    /// The Maildir root of `target`: a path (anything with a `/` or that exists), which must
    /// be a directory, or an address of this server, whose Maildir must exist.
    pub fn maildir_of(&self, target: &str) -> anyhow::Result<PathBuf> {
        if target.contains('/') || Path::new(target).exists() {
            let p = PathBuf::from(target);
            if !p.is_dir() {
                return Err(Fail::new(format!("{target} is not a directory")).into());
            }
            // A path the administrator typed may be a link (~/Maildir -> /srv/...): follow it
            // here, once, so the checks below (which never follow links) see the real directory.
            return Ok(std::fs::canonicalize(&p).unwrap_or(p));
        }
        let addr = Address::parse(target).map_err(|e| {
            Fail::usage(format!(
                "'{target}' is neither a Maildir path nor an address: {e}"
            ))
        })?;
        let p = self.data_dir.maildir(&addr);
        if !p.is_dir() {
            return Err(Fail::hint(
                format!("{addr} has no Maildir at {}", p.display()),
                "it is created at the first delivery",
            )
            .into());
        }
        Ok(p)
    }

    /// Where the Maildir of the address `address` is (or would be) in the data directory,
    /// whether or not it exists yet: for the commands that write into it.
    pub fn mailbox_root(&self, address: &str) -> anyhow::Result<PathBuf> {
        let addr =
            Address::parse(address).map_err(|e| Fail::usage(format!("{address}: {e}")))?;
        Ok(self.data_dir.maildir(&addr))
    }

    /// The directory of folder `name` (INBOX, Sent, Archive/2024) under the Maildir `root`;
    /// a name that is not a folder name is a usage error.
    pub fn folder(&self, root: &Path, name: &str) -> anyhow::Result<PathBuf> {
        crate::maildir::folder::folder_path(root, name).map_err(|e| Fail::usage(e.0).into())
    }
}
