//! `queue list [--deferred|--held|--quarantined]` (and `mailq`): the queued messages with
//! each recipient's state and last error.

use super::shared::{age, recipients_text, sender};
use crate::cli::Ctx;
use crate::core::outqueue::Filter;
use crate::core::settings::human_size;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only messages waiting for a retry after a failed attempt.
    #[arg(long, conflicts_with = "held")]
    deferred: bool,
    /// Only messages on hold.
    #[arg(long, conflicts_with = "quarantined")]
    held: bool,
    /// Only messages whose spool file failed verification (kept in queue/quarantine/).
    #[arg(long, conflicts_with = "deferred")]
    quarantined: bool,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        list(
            ctx,
            if self.deferred {
                Filter::Deferred
            } else if self.held {
                Filter::Held
            } else if self.quarantined {
                Filter::Quarantined
            } else {
                Filter::All
            },
        )
    }
}

pub fn list(ctx: &Ctx, filter: Filter) -> anyhow::Result<()> {
    let db = ctx.db()?;
    let entries = db.queue_entries(filter)?;
    if ctx.json {
        output::json(&entries)?;
    } else if entries.is_empty() {
        output::print("the queue is empty")?;
    } else {
        let mut out = output::table(
            &["ID", "AGE", "SIZE", "SENDER", "RECIPIENTS"],
            entries.iter().map(|e| {
                vec![
                    format!(
                        "{}{}{}",
                        e.id,
                        if e.held { " (held)" } else { "" },
                        if e.quarantined.is_some() {
                            " (QUARANTINED)"
                        } else {
                            ""
                        }
                    ),
                    age(e.created),
                    human_size(e.size),
                    sender(&e.sender),
                    recipients_text(e),
                ]
            }),
        );
        let n: usize = entries.iter().map(|e| e.recipients.len()).sum();
        out.push_str(&format!(
            "\n-- {} message(s), {} recipient(s)",
            entries.len(),
            n
        ));
        output::print(&out)?;
    }
    Ok(())
}
