//! Where things live under the data directory (DESIGN.md §2), and who owns them
//! ([`DataDir::hand_over`], see `core::owner`).

use std::path::{Path, PathBuf};

use super::address::{Address, Domain};
use super::owner::Owner;

/// The data directory and the paths derived from it. Cheap to clone; holds no handles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir {
    root: PathBuf,
    database_url: Option<DatabaseUrl>,
}

/// A `postgres://` URL, which may hold a password: never printed whole.
#[derive(Clone, PartialEq, Eq)]
struct DatabaseUrl(String);

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&redact_url(&self.0))
    }
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>) -> DataDir {
        DataDir {
            root: root.into(),
            database_url: None,
        }
    }

    /// The database given in `MAILCTL_DATABASE_URL` (empty: none), which wins over the data
    /// directory's `database.url` file.
    pub fn with_database_url(mut self, url: Option<&str>) -> DataDir {
        self.database_url = url
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(|u| DatabaseUrl(u.to_string()));
        self
    }

    /// Which PostgreSQL database holds the core, if any (`None`: SQLite in the data
    /// directory, the default). `database.url` is not a setting like the others: settings
    /// live in the database it selects. So it comes from `MAILCTL_DATABASE_URL`, else from
    /// the one-line file `database.url` in the data directory, which every process of a
    /// node (daemon, admin commands, sendmail) finds without extra flags; it may hold a
    /// password, so keep it mode 0600.
    pub fn database_url(&self) -> super::Result<Option<String>> {
        if let Some(u) = &self.database_url {
            return Ok(Some(u.0.clone()));
        }
        let file = self.database_url_file();
        match std::fs::read_to_string(&file) {
            Ok(s) => Ok(Some(s.trim().to_string()).filter(|s| !s.is_empty())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(super::CoreError::io(&file, e)),
        }
    }

    /// `database.url` in the data directory: see [`DataDir::database_url`].
    pub fn database_url_file(&self) -> PathBuf {
        self.root.join("database.url")
    }

    /// `--data-dir`, else `$MAILCTL_DATA_DIR` (both arrive here through clap), else
    /// `/var/lib/mailctl` for root and `$XDG_DATA_HOME/mailctl` or `~/.local/share/mailctl`
    /// for anyone else; with `$MAILCTL_DATABASE_URL` if set (see [`DataDir::database_url`]).
    pub fn resolve(explicit: Option<&Path>) -> DataDir {
        let dd = DataDir::new(Self::resolve_root(explicit));
        // Every entry point (the CLI, sendmail) resolves here, so they all see the variable.
        dd.with_database_url(std::env::var("MAILCTL_DATABASE_URL").ok().as_deref())
    }

    fn resolve_root(explicit: Option<&Path>) -> PathBuf {
        if let Some(p) = explicit {
            return p.to_path_buf();
        }
        if crate::sys::is_root() {
            return PathBuf::from("/var/lib/mailctl");
        }
        if let Some(x) = std::env::var_os("XDG_DATA_HOME").filter(|x| !x.is_empty()) {
            return PathBuf::from(x).join("mailctl");
        }
        let home = std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("."));
        home.join(".local/share/mailctl")
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn db(&self) -> PathBuf {
        self.root.join("mailctl.db")
    }

    pub fn queue(&self) -> PathBuf {
        self.root.join("queue")
    }

    pub fn mail_root(&self) -> PathBuf {
        self.root.join("mail")
    }

    pub fn domain_mail(&self, domain: &Domain) -> PathBuf {
        self.mail_root().join(domain.as_str())
    }

    /// The Maildir of a mailbox. Addresses are validated before they get here, but a local
    /// part may still be `.` or `..` inside quotes or hold `/`; such names are encoded so a
    /// mailbox can never point outside its domain's directory.
    pub fn maildir(&self, address: &Address) -> PathBuf {
        self.domain_mail(address.domain())
            .join(safe_component(address.local()))
    }

    /// Where `user remove` moves a removed mailbox's Maildir: `removed/<date>-<address>/`.
    pub fn removed(&self) -> PathBuf {
        self.root.join("removed")
    }

    pub fn tls(&self) -> PathBuf {
        self.root.join("tls")
    }

    pub fn dkim(&self) -> PathBuf {
        self.root.join("dkim")
    }

    /// Files the running daemon writes for `status` and `config set`: its pid, the listeners
    /// it really bound, the settings generation it runs with (see `net::runtime`).
    pub fn runtime(&self) -> PathBuf {
        self.root.join("run")
    }

    /// The account this data directory's files must belong to: `server.user`, when this
    /// process is root and the account exists. `None` when nothing needs handing over.
    /// Read afresh each time (a few calls per command), so `setup` creating the account or
    /// `config set server.user` is seen at once.
    pub fn owner(&self) -> Option<Owner> {
        if !crate::sys::is_root() {
            return None;
        }
        Owner::lookup(&super::owner::server_user(self)).filter(|o| o.uid != 0)
    }

    /// Gives each path (files or directories, not followed if symlinks) to the service
    /// account when running as root; nothing otherwise. Every writer into the data directory
    /// calls this on what it created (issue 16.1).
    pub fn hand_over<P: AsRef<Path>>(&self, paths: &[P]) -> std::io::Result<()> {
        let Some(owner) = self.owner() else {
            return Ok(());
        };
        for p in paths {
            super::owner::give(p.as_ref(), &owner)?;
        }
        Ok(())
    }

    /// Hands a whole directory tree over (see [`DataDir::hand_over`]), and the missing links
    /// between it and the data directory's root: for commands that write many files, such
    /// as `maildir import-mbox`, run as root. Symlinks are not followed.
    pub fn hand_over_tree(&self, dir: &Path) -> std::io::Result<()> {
        let Some(owner) = self.owner() else {
            return Ok(());
        };
        let mut stack = vec![dir.to_path_buf()];
        let mut up = dir.parent();
        while let Some(p) = up.filter(|p| p.starts_with(&self.root) && *p != self.root) {
            super::owner::give(p, &owner)?;
            up = p.parent();
        }
        while let Some(p) = stack.pop() {
            super::owner::give(&p, &owner)?;
            let Ok(meta) = p.symlink_metadata() else {
                continue;
            };
            if meta.is_dir() {
                for e in std::fs::read_dir(&p)?.flatten() {
                    stack.push(e.path());
                }
            }
        }
        Ok(())
    }

    /// Creates `dir` (and missing parents) with `mode`, handing every directory it made to
    /// the service account. An existing `dir` keeps its mode and owner.
    pub fn create_dir(&self, dir: &Path, mode: u32) -> std::io::Result<()> {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        let mut made = Vec::new();
        let mut p = Some(dir);
        while let Some(d) = p {
            if d.exists() {
                break;
            }
            made.push(d.to_path_buf());
            p = d.parent();
        }
        if made.is_empty() {
            return Ok(());
        }
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(mode)
            .create(dir)?;
        // The umask may have taken bits the daemon's group needs.
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode))?;
        self.hand_over(&made)
    }
}

/// Turns a local part into one safe path component: `/`, NUL, `%` and a leading `.` are
/// percent-encoded, so `..`, `.Sent` and `a/b` cannot collide with Maildir++ folders or escape.
pub fn safe_component(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for (i, c) in name.chars().enumerate() {
        match c {
            '/' | '\0' | '%' => out.push_str(&format!("%{:02X}", c as u32)),
            '.' if i == 0 => out.push_str("%2E"),
            c => out.push(c),
        }
    }
    out
}

/// A database URL fit for messages and logs: the password (URL or `password=` form) removed.
pub fn redact_url(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        if let Some((auth, host)) = rest.rsplit_once('@') {
            let user = auth.split(':').next().unwrap_or("");
            return format!("{scheme}://{user}@{host}");
        }
        return url.to_string();
    }
    url.split_whitespace()
        .filter(|kv| !kv.starts_with("password="))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_are_shown_without_their_password() {
        assert_eq!(
            redact_url("postgres://mail:s3cret@db.example:5432/mailctl"),
            "postgres://mail@db.example:5432/mailctl"
        );
        assert_eq!(
            redact_url("postgresql://mail:p@ss@10.0.0.1/m"),
            "postgresql://mail@10.0.0.1/m"
        );
        assert_eq!(
            redact_url("host=db user=mail password=s3cret dbname=m"),
            "host=db user=mail dbname=m"
        );
        let dd = DataDir::new("/x").with_database_url(Some("postgres://u:s3cret@h/d"));
        assert!(!format!("{dd:?}").contains("s3cret"));
    }

    #[test]
    fn the_database_url_comes_from_the_environment_else_the_data_dir_file() {
        let dir = tempfile::tempdir().unwrap();
        let dd = DataDir::new(dir.path());
        assert_eq!(dd.database_url().unwrap(), None, "no file: SQLite");
        std::fs::write(dd.database_url_file(), "  \n").unwrap();
        assert_eq!(dd.database_url().unwrap(), None, "an empty file: SQLite");
        std::fs::write(dd.database_url_file(), "postgres://a@h/d\n").unwrap();
        assert_eq!(
            dd.database_url().unwrap().as_deref(),
            Some("postgres://a@h/d")
        );
        let from_env = dd.clone().with_database_url(Some("postgres://b@h/d"));
        assert_eq!(
            from_env.database_url().unwrap().as_deref(),
            Some("postgres://b@h/d")
        );
        let empty_env = dd.with_database_url(Some(""));
        assert_eq!(
            empty_env.database_url().unwrap().as_deref(),
            Some("postgres://a@h/d")
        );
    }

    #[test]
    fn maildir_paths_stay_inside_the_domain() {
        let dd = DataDir::new("/d");
        let a = Address::parse("\"../x\"@example.com").unwrap();
        let p = dd.maildir(&a);
        // Quoted local parts keep their quotes, so they can never be `.` or `..`.
        assert_eq!(p, PathBuf::from("/d/mail/example.com/\"..%2Fx\""));
        let b = Address::parse("\"..\"@example.com").unwrap();
        assert_eq!(dd.maildir(&b), PathBuf::from("/d/mail/example.com/\"..\""));
        assert_eq!(safe_component(".."), "%2E.");
        assert_eq!(safe_component(".Sent"), "%2ESent");
        let c = Address::parse("john@example.com").unwrap();
        assert_eq!(dd.maildir(&c), PathBuf::from("/d/mail/example.com/john"));
    }
}
