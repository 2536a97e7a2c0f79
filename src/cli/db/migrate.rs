//! `db migrate --to postgres://…`: copies the SQLite core into PostgreSQL, then points the
//! data directory at it.

use std::io::Read;

use crate::cli::{Ctx, Fail};
use crate::core::dbmove;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The empty PostgreSQL database, e.g. `postgres://mailctl@db.example.org/mail?sslmode=verify-full&sslrootcert=/etc/ssl/pg-ca.pem`;
    /// `-` reads it from stdin (a password in an argument is visible to `ps`).
    #[arg(long, value_name = "URL")]
    to: String,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let url = if self.to == "-" {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s)?;
            s.trim().to_string()
        } else {
            self.to
        };
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(Fail::usage(
                "--to takes a postgres:// URL, e.g. `mailctl db migrate --to postgres://mailctl@127.0.0.1/mail`",
            )
            .into());
        }
        let visible = output::progress_allowed(ctx.quiet, ctx.json) && output::stderr_is_tty();
        // Mailbox indexes first (a bar over the users), then the core (a spinner per table).
        let mut users: Option<indicatif::ProgressBar> = None;
        let mut tables: Option<indicatif::ProgressBar> = None;
        let moved = dbmove::to_postgres(&ctx.data_dir, &url, &mut |p| match p {
            dbmove::Progress::Account {
                account,
                rows,
                done,
                of,
            } => {
                let bar = users
                    .get_or_insert_with(|| output::progress_bar(of, "mailbox indexes", visible));
                bar.set_position(done);
                if !account.is_empty() {
                    bar.set_message(format!("mailbox index of {account}: {rows} rows"));
                }
            }
            dbmove::Progress::Table { table, rows } => {
                if let Some(bar) = users.take() {
                    bar.finish_and_clear();
                }
                let spin = tables.get_or_insert_with(|| output::spinner("copying", visible));
                spin.set_message(format!("{table}: {rows} rows"));
            }
        });
        // Cleared before any error, so it is not printed under a half-drawn bar.
        for bar in users.iter().chain(&tables) {
            bar.finish_and_clear();
        }
        let report = moved.map_err(|e| match e {
            dbmove::MoveError::Before(e) => Fail::hint(
                e.to_string(),
                "nothing changed here: the data directory still uses SQLite (what was copied of the mailbox indexes is replaced by the next run); fix the cause and run the command again",
            ),
            dbmove::MoveError::Switching(e) => Fail::hint(
                format!("the rows are in PostgreSQL, but switching this data directory failed: {e}"),
                "fix the cause, then write the URL into the data directory's database.url file (mode 0600) and rename mailctl.db and every Maildir's mailctl.index.db aside (suffix .moved-to-postgres)",
            ),
        })?;
        ctx.report(&serde_json::to_value(&report)?, || {
            let rows: u64 = report.tables.iter().map(|t| t.rows).sum();
            let mut s = format!(
                "moved {rows} rows in {} tables to {} (schema v{})",
                report.tables.len(),
                report.database,
                report.schema_version
            );
            let ix = &report.mailbox_indexes;
            s.push_str(&format!(
                "\nmoved the mailbox indexes of {} users ({} messages, UIDs and UIDVALIDITY kept); \
                 {} users had none yet",
                ix.accounts,
                ix.messages(),
                ix.without_index
            ));
            s.push_str(&format!(
                "\nthis data directory now uses PostgreSQL ({}); the SQLite core is kept at {}",
                report.database_url_file.display(),
                report.sqlite_kept_at.display()
            ));
            if !ix.set_aside.is_empty() {
                s.push_str(
                    "\nthe SQLite mailbox indexes are kept beside each Maildir as \
                     mailctl.index.db.moved-to-postgres, so nothing reads their UIDs again",
                );
            }
            s.push_str("\nnext: `mailctl status`, then start the daemons");
            s
        })
    }
}
