//! What every command gets ([`Ctx`]): where the data is, how to render, and the steps several
//! commands share — opening the core, "address or path → Maildir root → folder", "address →
//! existing user" — so each command file states only what is its own.
//!
//! Not here: rendering (`crate::output`), SQL (`crate::core`), Maildir rules
//! (`crate::maildir`). Each helper keeps the exact error text the commands printed before
//! they shared it.

use std::path::{Path, PathBuf};

use super::{Fail, missing_data_dir, open_failure};
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
        let postgres = self
            .data_dir
            .database_url()
            .map_err(super::core_fail)?
            .is_some();
        if !postgres && !self.data_dir.db().exists() {
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
        Db::open(&self.data_dir).map_err(|e| open_failure(&self.data_dir, e).into())
    }

    /// What a command that did something prints: `json` as one JSON document, else `text`
    /// unless quiet.
    pub fn report(
        &self,
        json: &serde_json::Value,
        text: impl FnOnce() -> String,
    ) -> anyhow::Result<()> {
        if self.json {
            crate::output::json(json)?;
        } else if !self.quiet {
            crate::output::print(&text())?;
        }
        Ok(())
    }

    /// What a list command prints: `json(items)` as one JSON document, `empty` (what to do
    /// next) when there is nothing, else a table of `row(item)` under `header`.
    pub fn print_list<'a, T, J: serde::Serialize>(
        &self,
        items: &'a [T],
        json: impl FnOnce(&'a [T]) -> J,
        empty: &str,
        header: &[&str],
        row: impl FnMut(&'a T) -> Vec<String>,
    ) -> anyhow::Result<()> {
        if self.json {
            crate::output::json(&json(items))?;
        } else if items.is_empty() {
            crate::output::print(empty)?;
        } else {
            crate::output::print(&crate::output::table(header, items.iter().map(row)))?;
        }
        Ok(())
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
        let addr = Address::parse(address).map_err(|e| Fail::usage(format!("{address}: {e}")))?;
        Ok(self.data_dir.maildir(&addr))
    }

    /// Where this data directory's mailbox indexes live (its core's engine).
    pub fn indexes(&self) -> anyhow::Result<crate::maildir::index::Indexes> {
        Ok(crate::maildir::index::Indexes::of(&self.data_dir)?)
    }

    /// The index of the mailbox `target` (an address, or on SQLite also a Maildir path, as
    /// [`Ctx::maildir_of`]): where indexes live, the account key, the Maildir root.
    pub fn index_of(
        &self,
        target: &str,
    ) -> anyhow::Result<(crate::maildir::index::Indexes, String, PathBuf)> {
        let indexes = self.indexes()?;
        let root = self.maildir_of(target)?;
        if !indexes.is_postgres() {
            return Ok((indexes, String::new(), root));
        }
        let Ok(address) = Address::parse(target) else {
            return Err(Fail::hint(
                format!("{target}: on a PostgreSQL core a mailbox's index is found by its address, not its path"),
                "name the mailbox by its address (user@domain)",
            )
            .into());
        };
        Ok((indexes, address.to_string(), root))
    }

    /// The directory of folder `name` (INBOX, Sent, Archive/2024) under the Maildir `root`;
    /// a name that is not a folder name is a usage error.
    pub fn folder(&self, root: &Path, name: &str) -> anyhow::Result<PathBuf> {
        crate::maildir::folder::folder_path(root, name).map_err(|e| Fail::usage(e.0).into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(root: &Path) -> Ctx {
        Ctx {
            data_dir: DataDir::new(root),
            json: false,
            quiet: false,
            verbose: 0,
        }
    }

    /// The failure behind an error: its text, hint and exit code.
    fn fail(e: anyhow::Error) -> (String, Option<String>, u8) {
        let f = e.downcast_ref::<Fail>().expect("a Fail");
        (f.msg.clone(), f.hint.clone(), f.code)
    }

    #[test]
    fn maildir_of_takes_a_path_or_an_address_of_this_server() {
        let tmp = tempfile::tempdir().unwrap();
        let ctx = ctx(tmp.path());
        let addr = Address::parse("alice@example.test").unwrap();

        // An address whose Maildir does not exist yet: exit 1, with the reason as hint.
        let (msg, hint, code) = fail(ctx.maildir_of("alice@example.test").unwrap_err());
        assert!(
            msg.starts_with("alice@example.test has no Maildir at "),
            "{msg}"
        );
        assert_eq!(hint.as_deref(), Some("it is created at the first delivery"));
        assert_eq!(code, 1);

        let md = ctx.data_dir.maildir(&addr);
        std::fs::create_dir_all(&md).unwrap();
        assert_eq!(ctx.maildir_of("alice@example.test").unwrap(), md);

        // A path through a link is followed once, to the real directory.
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&md, &link).unwrap();
        assert_eq!(
            ctx.maildir_of(link.to_str().unwrap()).unwrap(),
            std::fs::canonicalize(&md).unwrap()
        );

        // A path that is a file, and a word that is neither path nor address.
        let file = tmp.path().join("file");
        std::fs::write(&file, "x").unwrap();
        let (msg, _, code) = fail(ctx.maildir_of(file.to_str().unwrap()).unwrap_err());
        assert!(msg.ends_with("is not a directory"), "{msg}");
        assert_eq!(code, 1);
        let (msg, _, code) = fail(ctx.maildir_of("no-at-sign").unwrap_err());
        assert!(
            msg.starts_with("'no-at-sign' is neither a Maildir path nor an address"),
            "{msg}"
        );
        assert_eq!(code, 2);
    }

    #[test]
    fn mailbox_root_need_not_exist_but_the_address_must_parse() {
        let tmp = tempfile::tempdir().unwrap();
        let ctx = ctx(tmp.path());
        let addr = Address::parse("bob@example.test").unwrap();
        assert_eq!(
            ctx.mailbox_root("bob@example.test").unwrap(),
            ctx.data_dir.maildir(&addr)
        );
        let (msg, _, code) = fail(ctx.mailbox_root("bob@@example.test").unwrap_err());
        assert!(msg.starts_with("bob@@example.test: "), "{msg}");
        assert_eq!(code, 2);
    }

    #[test]
    fn folder_names_that_would_leave_the_maildir_are_usage_errors() {
        let tmp = tempfile::tempdir().unwrap();
        let ctx = ctx(tmp.path());
        let root = tmp.path().join("md");
        assert_eq!(ctx.folder(&root, "INBOX").unwrap(), root);
        assert_eq!(
            ctx.folder(&root, "Archive/2024").unwrap(),
            root.join(".Archive.2024")
        );
        assert_eq!(ctx.folder(&root, "v1.2").unwrap(), root.join(".v1~2e2"));
        for bad in ["../x", "a/../b", "a\u{1}"] {
            let (_, _, code) = fail(ctx.folder(&root, bad).unwrap_err());
            assert_eq!(code, 2, "{bad}");
        }
    }

    #[test]
    fn address_and_user() {
        let tmp = tempfile::tempdir().unwrap();
        let ctx = ctx(tmp.path());
        let (msg, _, code) = fail(ctx.address("a\tb").unwrap_err());
        assert!(msg.starts_with("invalid address 'a\\tb': "), "{msg}");
        assert_eq!(code, 2);

        let db = ctx.create_db().unwrap();
        let addr = ctx.address("carol@example.test").unwrap();
        let (msg, hint, code) = fail(ctx.user(&db, &addr).unwrap_err());
        assert_eq!(msg, "user carol@example.test does not exist");
        assert_eq!(hint.as_deref(), Some("`mailctl user list` shows the users"));
        assert_eq!(code, 1);
    }

    /// The shape of the command groups (issue 17.4): a folder per group whose `mod.rs` holds
    /// the command enum and its dispatch, one file per command, no file over 600 lines and
    /// no function over 80, so no command grows back into a 250-line `match` arm.
    #[test]
    fn command_groups_keep_one_file_per_command() {
        let cli = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cli");
        for group in [
            "alias", "ban", "check", "config", "dkim", "dns", "dnsbl", "domain", "greylist",
            "maildir", "queue", "user",
        ] {
            let dir = cli.join(group);
            assert!(
                !cli.join(format!("{group}.rs")).exists(),
                "{group}.rs is back"
            );
            let module = std::fs::read_to_string(dir.join("mod.rs")).unwrap();
            assert!(module.contains("pub enum Cmd"), "{group}/mod.rs has no Cmd");
            let mut files = 0;
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                let text = std::fs::read_to_string(&path).unwrap();
                let lines: Vec<&str> = text.lines().collect();
                assert!(
                    lines.len() <= 600,
                    "{} has {} lines",
                    path.display(),
                    lines.len()
                );
                for (start, name, len) in functions(&lines) {
                    assert!(
                        len <= 80,
                        "{}:{}: fn {name} has {len} lines",
                        path.display(),
                        start + 1
                    );
                }
                files += 1;
            }
            // mod.rs and at least one command file (`check` has one command so far).
            assert!(
                files >= 2,
                "{group}: the commands are not in files of their own"
            );
        }
    }

    /// Each `fn` item of rustfmt-formatted source: its first line, name and length (to the
    /// closing brace at its own indentation).
    fn functions<'a>(lines: &[&'a str]) -> Vec<(usize, &'a str, usize)> {
        let mut out = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let body = line.trim_start();
            let indent = &line[..line.len() - body.len()];
            let rest = ["pub fn ", "pub(super) fn ", "pub(crate) fn ", "fn "]
                .iter()
                .find_map(|p| body.strip_prefix(p));
            let Some(rest) = rest else { continue };
            let name = rest.split(['(', '<']).next().unwrap_or(rest);
            let close = format!("{indent}}}");
            if let Some(end) = lines[i..].iter().position(|l| *l == close) {
                out.push((i, name, end + 1));
            }
        }
        out
    }
}
