//! `upgrade --check`: what this binary would migrate in the data directory (from vN to vM,
//! which steps) and whether it can; `upgrade --restore-snapshot`: back to the copy of the
//! core taken before the last migration (issue 22.2).
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
        if !ctx.data_dir.db().exists() {
            return Err(crate::cli::missing_data_dir(&ctx.data_dir).into());
        }
        if self.restore_snapshot {
            return restore(ctx);
        }
        let plan = upgrade::plan(&ctx.data_dir).map_err(|e| Fail::new(e.to_string()))?;
        if ctx.json {
            output::json(&plan)?;
        } else if !ctx.quiet {
            let mut s = if !plan.can {
                format!(
                    "cannot open: the database is at schema v{}, newer than this mailctl knows (v{})",
                    plan.found, plan.known
                )
            } else if plan.steps.is_empty() {
                format!("up to date: schema v{}, nothing to migrate", plan.found)
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
            if let (false, Some(cmd)) = (plan.can, upgrade::restore_command(&ctx.data_dir)) {
                s.push_str(&format!(
                    "\nto go back to the database from before the upgrade: {cmd}"
                ));
            }
            output::print(&s)?;
        }
        if plan.can {
            Ok(())
        } else {
            Err(Exit(1).into())
        }
    }
}

fn restore(ctx: &Ctx) -> anyhow::Result<()> {
    let (v, aside) = upgrade::restore_snapshot(&ctx.data_dir).map_err(|e| {
        Fail::hint(
            e.to_string(),
            "a copy is made only when a migration runs; `mailctl restore` puts back a full backup",
        )
    })?;
    let json = serde_json::json!({ "restored_schema_version": v, "replaced": aside.display().to_string() });
    ctx.report(&json, || {
        format!(
            "the core database is back at schema v{v}; the one it replaced is kept as {}",
            aside.display()
        )
    })
}
