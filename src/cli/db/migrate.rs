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
        let bar = output::spinner(
            "copying",
            output::progress_allowed(ctx.quiet, ctx.json) && output::stderr_is_tty(),
        );
        let report = dbmove::to_postgres(&ctx.data_dir, &url, &mut |table, rows| {
            bar.set_message(format!("{table}: {rows} rows"));
        })
        .map_err(|e| match e {
            dbmove::MoveError::Before(e) => Fail::hint(
                e.to_string(),
                "nothing changed: the data directory still uses SQLite; fix the cause and run the command again",
            ),
            dbmove::MoveError::Switching(e) => Fail::hint(
                format!("the rows are in PostgreSQL, but switching this data directory failed: {e}"),
                "fix the cause, then write the URL into the data directory's database.url file (mode 0600) and move mailctl.db aside",
            ),
        })?;
        bar.finish_and_clear();
        ctx.report(&serde_json::to_value(&report)?, || {
            let rows: u64 = report.tables.iter().map(|t| t.rows).sum();
            let mut s = format!(
                "moved {rows} rows in {} tables to {} (schema v{})",
                report.tables.len(),
                report.database,
                report.schema_version
            );
            s.push_str(&format!(
                "\nthis data directory now uses PostgreSQL ({}); the SQLite core is kept at {}\n\
                 mailbox indexes (UIDs, flags) stay in each Maildir for now\n\
                 next: `mailctl status`, then start the daemons",
                report.database_url_file.display(),
                report.sqlite_kept_at.display()
            ));
            s
        })
    }
}
