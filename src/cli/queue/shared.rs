//! What several `queue` commands share: how a message's age, sender and recipients read,
//! and how a change to some queue ids is checked and reported.

use crate::cli::{Ctx, Fail};
use crate::core::now;
use crate::core::outqueue::QueueEntry;

pub fn age(created: i64) -> String {
    let s = (now() - created).max(0);
    match s {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86400 => format!("{}h{}m", s / 3600, s % 3600 / 60),
        s => format!("{}d{}h", s / 86400, s % 86400 / 3600),
    }
}

pub fn recipients_text(e: &QueueEntry) -> String {
    e.recipients
        .iter()
        .map(|r| {
            let mut s = format!("{} ({}", r.address, r.status);
            if r.attempts > 0 {
                s.push_str(&format!(
                    ", {} attempt{}",
                    r.attempts,
                    if r.attempts == 1 { "" } else { "s" }
                ));
            }
            s.push(')');
            if let Some(err) = r.last_error.as_deref().filter(|e| !e.is_empty()) {
                s.push_str(&format!(": {err}"));
            }
            s
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn sender(s: &str) -> String {
    if s.is_empty() {
        "<>".into()
    } else {
        s.to_string()
    }
}

/// `ID...`, which the commands acting on given messages take: flattened into their arguments.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct Ids {
    /// Queue ids, as `mailctl queue list` shows them.
    #[arg(required = true)]
    pub ids: Vec<String>,
}

/// `queue hold` (`held`) and `queue release`: every id must be in the queue.
pub fn set_held(ctx: &Ctx, ids: &Ids, held: bool) -> anyhow::Result<()> {
    let n = ctx.db()?.queue_set_held(&ids.ids, held)?;
    missing(n, ids.ids.len())?;
    if held {
        report(ctx, "held", n, &format!("{n} message(s) on hold"))
    } else {
        report(ctx, "released", n, &format!("{n} message(s) released"))
    }
}

/// Fails when fewer of the queue ids were found than asked for.
pub fn missing(found: usize, asked: usize) -> anyhow::Result<()> {
    if found < asked {
        return Err(Fail::hint(
            format!(
                "{} of the {asked} queue id(s) are not in the queue",
                asked - found
            ),
            "`mailctl queue list` shows the queue ids",
        )
        .into());
    }
    Ok(())
}

/// `{ what: n }` as JSON, else `text` unless quiet.
pub fn report(ctx: &Ctx, what: &str, n: usize, text: &str) -> anyhow::Result<()> {
    ctx.report(&serde_json::json!({ what: n }), || text.to_string())
}
