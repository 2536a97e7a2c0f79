//! The command line: one folder per command group (its `mod.rs` holds the subcommand enum and
//! the dispatch), one file per command (a `clap::Args` struct and its `run(self, &Ctx)`);
//! shared steps are [`Ctx`] helpers. Each command calls the core and renders through
//! [`crate::output`]. No SQL and no protocol reply text here (`tests/layout.rs` checks).
//!
//! Exit codes: 0 success, 1 the thing checked or asked failed, 2 usage error (clap's own).
//! Errors print as one line `mailctl: <what>: <why>` on stderr, plus `hint:` where one helps.

mod alias;
mod autoconfig;
pub(crate) mod backup;
mod ban;
mod check;
mod cluster;
mod config;
mod ctx;
mod db;
mod dkim;
pub mod dns;
mod dnsbl;
mod domain;
mod forward;
pub mod generate;
mod greylist;
mod import;
mod maildir;
mod manual;
pub mod password;
mod queue;
mod reload;
mod restore;
mod sendmail;
mod serve;
pub mod setup;
mod sieve;
mod stats;
mod status;
mod test;
mod tls;
pub mod trace;
mod upgrade;
mod user;
mod vacation;

use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::core::DataDir;

pub use ctx::Ctx;

#[derive(Debug, Parser)]
#[command(
    name = "mailctl",
    version,
    about = "A complete mail server and its administration toolkit in one binary",
    long_about = "mailctl runs SMTP, submission, IMAP and POP3 over Maildir storage, delivers outbound mail \
                  through a durable queue, and administers domains, users, aliases, the queue, DNS and Maildirs \
                  from the terminal. Every command takes --json for scripts.",
    after_help = "Start with `mailctl serve --dev` for a local demo, or `mailctl setup` on a fresh server."
)]
pub struct Cli {
    /// Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root,
    /// else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl.
    #[arg(long, global = true, env = "MAILCTL_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Machine-readable output: one JSON document on stdout.
    #[arg(long, global = true)]
    pub json: bool,
    /// Print only errors and requested data.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// More detail (repeat for more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Set up a fresh server: hostname, first domain and mailbox, TLS, services.
    Setup(setup::Args),
    /// What is configured: counts, data directory, listeners.
    Status(status::Args),
    /// The running daemon's numbers (connections, mail, queue, logins, verdicts) from its
    /// metrics endpoint; the queue from the database when the endpoint is off.
    Stats(stats::Args),
    /// Manage the domains this server receives mail for.
    #[command(
        subcommand,
        after_help = "A domain this server is only the backup MX for is not added here: set `config set relay.mode backup-mx` and `config set backupmx.domains DOMAIN` (and backupmx.primary HOST:PORT, or let its MX records name the primary); recipients are verified at the primary and mail is queued for it."
    )]
    Domain(domain::Cmd),
    /// Manage mailboxes (users) and their passwords and quotas.
    #[command(subcommand)]
    User(user::Cmd),
    /// Manage aliases, distribution lists and catch-alls.
    #[command(subcommand)]
    Alias(alias::Cmd),
    /// Read and change server settings.
    #[command(subcommand)]
    Config(config::Cmd),
    /// Inspect and manage the mail queue (list, show, flush, retry, delete, hold, release).
    #[command(subcommand)]
    Queue(queue::Cmd),
    /// The TLS certificate in use and its ACME renewal (status, renew).
    #[command(subcommand)]
    Tls(tls::Cmd),
    /// Why didn't a message arrive? Its timeline (queued or in the delivery history) and a
    /// diagnosis of what failed, by address, Message-ID or queue id.
    Trace(trace::Args),
    /// Read a message on stdin and queue it, with sendmail's flags (-t, -i, -f, -F ...).
    #[command(disable_help_flag = true)]
    Sendmail {
        /// sendmail's flags and the recipients.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Create `sendmail` and `mailq` links to this binary in DIR (e.g. /usr/sbin).
    InstallLinks {
        /// Directory for the links, e.g. /usr/sbin.
        dir: PathBuf,
    },
    /// Run the mail daemons (SMTP, submission, IMAP, POP3, outbound queue); `--dev` for a
    /// zero-setup local demo.
    Serve(serve::Args),
    /// List or lift bans of client addresses that failed to log in too often.
    #[command(subcommand)]
    Ban(ban::Cmd),
    /// The nodes serving this mail system: heartbeats, listeners, queue claims, last error.
    #[command(subcommand)]
    Cluster(cluster::Cmd),
    /// What greylisting on port 25 remembers, and its allow list.
    #[command(subcommand)]
    Greylist(greylist::Cmd),
    /// What the DNS allow- and blocklists of the inbound checks say about a client address.
    #[command(subcommand)]
    Dnsbl(dnsbl::Cmd),
    /// Users' Sieve mail filters: store, activate, check and dry-run scripts.
    #[command(subcommand)]
    Sieve(sieve::Cmd),
    /// Away messages without writing Sieve (generates the script `mailctl-vacation`).
    #[command(subcommand)]
    Vacation(vacation::Cmd),
    /// Forward a user's mail without writing Sieve (generates the script `mailctl-forward`).
    #[command(subcommand)]
    Forward(forward::Cmd),
    /// Live check of a mail server: connect, greeting, capabilities, TLS and certificate, login.
    Test(test::Args),
    /// Inspect, check and repair Maildirs; import and export mbox.
    #[command(subcommand)]
    Maildir(maildir::Cmd),
    /// Migrate in from Dovecot or any IMAP server, keeping UIDs so clients keep their caches.
    #[command(subcommand)]
    Import(import::Cmd),
    /// DNS diagnostics: check MX, PTR, SPF, DKIM, DMARC and blocklists; print the records to
    /// publish.
    #[command(subcommand)]
    Dns(dns::Cmd),
    /// Dry runs of the inbound checks: what the server would decide about a message.
    #[command(subcommand)]
    Check(check::Cmd),
    /// DKIM signing keys: generate, show the record to publish, import.
    #[command(subcommand)]
    Dkim(dkim::Cmd),
    /// Take a consistent backup of the data directory while the server runs, or check one
    /// (--verify).
    Backup(backup::Args),
    /// Restore a backup onto a fresh (empty) data directory.
    Restore(restore::Args),
    /// Before and after an upgrade: what this mailctl would migrate (--check), or go back
    /// to the database copy taken before the last migration.
    Upgrade(upgrade::Args),
    /// The core database's engine: move a SQLite server to PostgreSQL (`db migrate --to`).
    #[command(subcommand)]
    Db(db::Cmd),
    /// Print the mail client autoconfiguration document (config-v1.1.xml) for a domain.
    Autoconfig(autoconfig::Args),
    /// Print shell completions for mailctl.
    Completions(generate::CompletionsArgs),
    /// Write man pages for mailctl, every subcommand and the settings into DIR.
    Man(generate::ManArgs),
}

/// The error for a data directory that holds no mailctl database, with the way forward.
pub fn missing_data_dir(data_dir: &DataDir) -> Fail {
    let root = data_dir.root().display();
    let what = if data_dir.root().exists() {
        format!("no mailctl database in {root}")
    } else {
        format!("no data directory {root}")
    };
    Fail::hint(
        what,
        format!(
            "check the path (--data-dir, MAILCTL_DATA_DIR); to start a new server there run \
             `mailctl setup --data-dir {root}` or `mailctl domain add DOMAIN --create --data-dir {root}`"
        ),
    )
}

/// Why the core database could not be opened, with what to do about it.
pub fn open_failure(data_dir: &DataDir, e: crate::core::CoreError) -> Fail {
    use crate::core::CoreError;
    match e {
        CoreError::SchemaTooNew { .. } => Fail::hint(
            e.to_string(),
            "a newer mailctl migrated this database: run that version here too (every node \
             sharing a database runs the same one), or go back as the message says; \
             `mailctl upgrade --check` says what this mailctl can open",
        ),
        CoreError::Postgres(_) | CoreError::Refused(_) | CoreError::Invalid(_)
            if matches!(data_dir.database_url(), Ok(Some(_))) =>
        {
            Fail::hint(
                format!("cannot open the PostgreSQL core: {e}"),
                format!(
                    "check MAILCTL_DATABASE_URL or {}, and that PostgreSQL runs",
                    data_dir.database_url_file().display()
                ),
            )
        }
        e => Fail::hint(
            format!(
                "cannot open the database in {}: {e}",
                data_dir.root().display()
            ),
            "pass --data-dir DIR (or set MAILCTL_DATA_DIR) to use another data directory",
        ),
    }
}

/// A failure the user caused or must act on: printed as `mailctl: <msg>` plus an optional hint.
#[derive(Debug)]
pub struct Fail {
    pub msg: String,
    pub hint: Option<String>,
    pub code: u8,
}

impl Fail {
    pub fn new(msg: impl Into<String>) -> Fail {
        Fail {
            msg: msg.into(),
            hint: None,
            code: 1,
        }
    }

    pub fn hint(msg: impl Into<String>, hint: impl Into<String>) -> Fail {
        Fail {
            msg: msg.into(),
            hint: Some(hint.into()),
            code: 1,
        }
    }

    /// A usage error that clap could not catch (exit 2).
    pub fn usage(msg: impl Into<String>) -> Fail {
        Fail {
            msg: msg.into(),
            hint: None,
            code: 2,
        }
    }
}

impl fmt::Display for Fail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.msg)
    }
}

impl std::error::Error for Fail {}

/// Ends the command with this exit code and no message: the output already said why
/// (e.g. `dns check` printed its failing rows).
#[derive(Debug)]
pub struct Exit(pub u8);

impl fmt::Display for Exit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "exit {}", self.0)
    }
}

impl std::error::Error for Exit {}

/// Entry point: picks the personality from argv[0], parses, runs, and maps errors to exit codes.
pub fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    let personality = args
        .first()
        .and_then(|a| std::path::Path::new(a).file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if personality == "sendmail" || personality == "mailq" {
        let rest: Vec<String> = args[1..]
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        return sendmail::main(&personality, &rest);
    }
    let matches = command().get_matches_from(args);
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let ctx = Ctx {
        data_dir: DataDir::resolve(cli.data_dir.as_deref()),
        json: cli.json,
        quiet: cli.quiet,
        verbose: cli.verbose,
    };
    finish(run(&ctx, cli.command))
}

fn run(ctx: &Ctx, command: Command) -> anyhow::Result<()> {
    match command {
        Command::Setup(a) => a.run(ctx),
        Command::Status(a) => a.run(ctx),
        Command::Stats(a) => a.run(ctx),
        Command::Domain(c) => c.run(ctx),
        Command::User(c) => c.run(ctx),
        Command::Alias(c) => c.run(ctx),
        Command::Config(c) => c.run(ctx),
        Command::Serve(a) => serve::run(ctx, a),
        Command::Ban(c) => c.run(ctx),
        Command::Cluster(c) => c.run(ctx),
        Command::Sieve(c) => c.run(ctx),
        Command::Vacation(c) => c.run(ctx),
        Command::Forward(c) => c.run(ctx),
        Command::Greylist(c) => c.run(ctx),
        Command::Dnsbl(c) => c.run(ctx),
        Command::Test(a) => a.run(ctx),
        Command::Autoconfig(a) => autoconfig::run(ctx, a),
        Command::Dkim(c) => c.run(ctx),
        Command::Check(c) => c.run(ctx),
        Command::Dns(c) => c.run(ctx),
        Command::Maildir(c) => c.run(ctx),
        Command::Import(c) => c.run(ctx),
        Command::Queue(c) => c.run(ctx),
        Command::Tls(c) => c.run(ctx),
        Command::Trace(a) => a.run(ctx),
        Command::Backup(a) => a.run(ctx),
        Command::Restore(a) => a.run(ctx),
        Command::Upgrade(a) => a.run(ctx),
        Command::Db(c) => c.run(ctx),
        Command::Sendmail { args } => {
            let mut all = vec![
                "--data-dir".to_string(),
                ctx.data_dir.root().display().to_string(),
            ];
            all.extend(args);
            match sendmail::main("sendmail", &all) {
                c if c == ExitCode::SUCCESS => Ok(()),
                _ => Err(Exit(1).into()),
            }
        }
        Command::InstallLinks { dir } => install_links(ctx, &dir),
        Command::Completions(a) => generate::completions(a),
        Command::Man(a) => generate::man(a),
    }
}

fn install_links(ctx: &Ctx, dir: &std::path::Path) -> anyhow::Result<()> {
    let exe = std::env::current_exe()?;
    let mut made = Vec::new();
    for name in ["sendmail", "mailq"] {
        let link = dir.join(name);
        if link.symlink_metadata().is_ok() {
            return Err(Fail::hint(
                format!("{} already exists", link.display()),
                "remove it first (another MTA's sendmail?) or choose another directory",
            )
            .into());
        }
        std::os::unix::fs::symlink(&exe, &link)
            .map_err(|e| Fail::new(format!("cannot create {}: {e}", link.display())))?;
        made.push(link.display().to_string());
    }
    if ctx.json {
        crate::output::json(&made)?;
    } else if !ctx.quiet {
        crate::output::print(&format!("created {}", made.join(" and ")))?;
    }
    Ok(())
}

/// Maps a command's result to an exit code, printing the error as one line.
pub fn finish(result: anyhow::Result<()>) -> ExitCode {
    let Err(err) = result else {
        return ExitCode::SUCCESS;
    };
    if let Some(Exit(code)) = err.downcast_ref::<Exit>() {
        return ExitCode::from(*code);
    }
    // `mailctl man | head` closes the pipe early; that is success, not an error.
    if err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    }) {
        return ExitCode::SUCCESS;
    }
    let fail = err.chain().find_map(|e| e.downcast_ref::<Fail>());
    eprintln!("mailctl: {err:#}");
    if let Some(hint) = fail.and_then(|f| f.hint.as_deref()) {
        eprintln!("hint: {hint}");
    }
    ExitCode::from(fail.map_or(1, |f| f.code))
}

/// The clap command, for completions, man pages and the test that keeps them current.
pub fn command() -> clap::Command {
    manual::with_examples(Cli::command())
}

/// Turns a core error into a user-facing failure with a hint where one helps.
pub fn core_fail(e: crate::core::CoreError) -> anyhow::Error {
    use crate::core::CoreError;
    match &e {
        CoreError::NotFound { kind: "user", .. } => {
            Fail::hint(e.to_string(), "`mailctl user list` shows the users").into()
        }
        CoreError::NotFound { kind: "domain", .. } => Fail::hint(
            e.to_string(),
            "`mailctl domain list` shows the served domains",
        )
        .into(),
        CoreError::NotFound { kind: "alias", .. } => {
            Fail::hint(e.to_string(), "`mailctl alias list` shows the aliases").into()
        }
        CoreError::NotFound { kind: "script", .. } => Fail::hint(
            e.to_string(),
            "`mailctl sieve list ADDRESS` shows the scripts",
        )
        .into(),
        CoreError::Sqlite(_) | CoreError::Io { .. } => anyhow::Error::new(e),
        _ => Fail::new(e.to_string()).into(),
    }
}

/// RFC 3339 in UTC, the one timestamp format of every table and JSON document.
pub use crate::core::time::rfc3339 as timestamp;
