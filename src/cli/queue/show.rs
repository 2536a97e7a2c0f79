//! `queue show ID`: one message's envelope, recipients, every attempt with the remote's
//! replies, and its headers (from the spool file, or from quarantine).

use super::shared::{age, sender};
use crate::cli::{Ctx, Fail, timestamp};
use crate::core::outqueue::{Attempt, QueueEntry};
use crate::core::settings::human_size;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The queue id, as `mailctl queue list` shows it.
    id: String,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let id = &self.id;
        let db = ctx.db()?;
        let entry = db.queue_entry(id)?.ok_or_else(|| {
            Fail::hint(
                format!("{id} is not in the queue"),
                "`mailctl queue list` shows the queue ids",
            )
        })?;
        let attempts = db.queue_attempts(id)?;
        let queue_dir = ctx.data_dir.queue();
        let spool = std::fs::read(queue_dir.join(id))
            .or_else(|_| std::fs::read(crate::core::spool::quarantine_dir(&queue_dir).join(id)))
            .unwrap_or_default();
        let headers = String::from_utf8_lossy(crate::smtp::outbound::dsn::header_section(&spool))
            .into_owned();
        if ctx.json {
            output::json(
                &serde_json::json!({ "message": entry, "attempts": attempts, "headers": headers }),
            )?;
            return Ok(());
        }
        let mut out = text(&entry, &attempts);
        out.push_str("\n\n");
        out.push_str(headers.trim_end());
        output::print(&out)?;
        Ok(())
    }
}

/// The envelope, the recipients' table and the attempts' table, for people.
fn text(entry: &QueueEntry, attempts: &[Attempt]) -> String {
    let mut out = output::fields(&[
        ("id", entry.id.clone()),
        ("sender", sender(&entry.sender)),
        ("size", human_size(entry.size)),
        (
            "queued",
            format!("{} ({} ago)", timestamp(entry.created), age(entry.created)),
        ),
        ("held", if entry.held { "yes" } else { "no" }.to_string()),
        (
            "quarantined",
            entry.quarantined.clone().unwrap_or_else(|| "no".into()),
        ),
    ]);
    out.push('\n');
    out.push_str(&output::table(
        &[
            "RECIPIENT",
            "STATUS",
            "ATTEMPTS",
            "NEXT ATTEMPT",
            "LAST ERROR",
        ],
        entry.recipients.iter().map(|r| {
            vec![
                r.address.clone(),
                r.status.clone(),
                r.attempts.to_string(),
                if r.status == "queued" {
                    timestamp(r.next_attempt)
                } else {
                    "-".into()
                },
                r.last_error.clone().unwrap_or_default(),
            ]
        }),
    ));
    if !attempts.is_empty() {
        out.push_str("\n\n");
        out.push_str(&output::table(
            &["WHEN", "RECIPIENT", "HOST", "OUTCOME", "REPLY"],
            attempts.iter().map(|a| {
                vec![
                    timestamp(a.at),
                    a.recipient.clone(),
                    a.host.clone(),
                    a.outcome.clone(),
                    a.reply.clone(),
                ]
            }),
        ));
    }
    out
}
