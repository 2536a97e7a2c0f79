//! `upgrade --check`: what this binary would migrate in the data directory (from vN to vM,
//! which steps) and whether it can; `upgrade --restore-snapshot`: back to the copy of the
//! core taken before the last migration (issue 22.2). On a PostgreSQL core (issue 21)
//! `--check` reads the schema there; no copy is kept before migrating it, so the way back is
//! the `pg_dump` taken first, and `--restore-snapshot` refuses saying so.
//!
//! Not here: the snapshots and the plan (`core::upgrade`), the migrations (`core::db`).

use crate::cli::{Ctx, Exit, Fail};
use crate::core::upgrade;
use crate::output;

#[derive(Debug, clap::Args)]
#[group(required = true, multiple = false)]
pub struct Args {
    /// Say what this mailctl would migrate, changing nothing; exit 1 if it cannot open the
    /// database (its schema is newer).
    #[arg(long)]
    check: bool,
    /// Put back the newest `backups/pre-upgrade-vN.db` as the core database (the current one
    /// is kept in backups/). For going back to an older mailctl after an upgrade.
    #[arg(long)]
    restore_snapshot: bool,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let postgres = ctx
            .data_dir
            .database_url()
            .map_err(|e| Fail::new(e.to_string()))?
            .is_some();
        if !postgres && !ctx.data_dir.db().exists() {
            return Err(crate::cli::missing_data_dir(&ctx.data_dir).into());
        }
        if self.restore_snapshot {
            return restore(ctx, postgres);
        }
        // On PostgreSQL a failure is most likely the connection: say what to check.
        let plan = upgrade::plan(&ctx.data_dir).map_err(|e| match postgres {
            true => crate::cli::open_failure(&ctx.data_dir, e),
            false => Fail::new(e.to_string()),
        })?;
        if ctx.json {
            output::json(&plan)?;
        } else if !ctx.quiet {
            output::print(&describe(ctx, &plan, postgres))?;
        }
        if plan.can {
            Ok(())
        } else {
            Err(Exit(1).into())
        }
    }
}

/// The plan in words: what would be migrated, how to go back.
fn describe(ctx: &Ctx, plan: &upgrade::Plan, postgres: bool) -> String {
    let mut s = if !plan.can {
        format!(
            "cannot open: the database is at schema v{}, newer than this mailctl knows (v{})",
            plan.found, plan.known
        )
    } else if plan.steps.is_empty() {
        format!("up to date: schema v{}, nothing to migrate", plan.found)
    } else if postgres {
        format!(
            "would migrate schema v{} to v{} on PostgreSQL (no copy is kept: take a pg_dump of the database first):",
            plan.found, plan.known
        )
    } else {
        format!(
            "would migrate schema v{} to v{} (a copy is kept in backups/pre-upgrade-v{}.db first):",
            plan.found, plan.known, plan.found
        )
    };
    for step in &plan.steps {
        s.push_str(&format!(
            "\n  v{}: {}",
            step.version,
            step.changes.join(", ")
        ));
    }
    let back = match postgres {
        true => Some(PG_WAY_BACK.to_string()),
        false => upgrade::restore_command(&ctx.data_dir),
    };
    if let (false, Some(back)) = (plan.can, back) {
        s.push_str(&format!(
            "\nto go back to the database from before the upgrade: {back}"
        ));
    }
    s
}

/// Going back on PostgreSQL, where mailctl keeps no copy of its own.
const PG_WAY_BACK: &str = "restore the pg_dump taken before the upgrade (pg_restore or psql, \
     every node stopped), then run the older mailctl";

fn restore(ctx: &Ctx, postgres: bool) -> anyhow::Result<()> {
    let (v, aside) = upgrade::restore_snapshot(&ctx.data_dir).map_err(|e| match postgres {
        true => Fail::hint(
            e.to_string(),
            format!("to go back, {PG_WAY_BACK}; or run the newer mailctl on every node"),
        ),
        false => Fail::hint(
            e.to_string(),
            "a copy is made only when a migration runs; `mailctl restore` puts back a full backup",
        ),
    })?;
    let json = serde_json::json!({ "restored_schema_version": v, "replaced": aside.display().to_string() });
    ctx.report(&json, || {
        format!(
            "the core database is back at schema v{v}; the one it replaced is kept as {}",
            aside.display()
        )
    })
}
