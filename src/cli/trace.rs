//! `trace ADDRESS|MESSAGE-ID|QUEUE-ID [--since DURATION]`: "why didn't this mail arrive?".
//! Every matching message, still queued or kept in the delivery history
//! (`queue.history_retention`): who sent it from where, each recipient's fate, every attempt
//! with the remote's full reply, and a diagnosis (cause and fix) of what failed.
//!
//! Not here: the lookup (`core::history`), the diagnosis rules (`core::diagnosis`).

use crate::cli::{Ctx, Fail, timestamp};
use crate::core::diagnosis::{self, Diagnosis};
use crate::core::history::Timeline;
use crate::core::settings::{human_size, parse_duration};
use crate::core::{Address, now};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A sender or recipient address, a Message-ID (with or without <>), or a queue id.
    target: String,
    /// Only messages received within this long (e.g. 2h, 3d); default: all that are kept.
    #[arg(long, value_name = "DURATION")]
    since: Option<String>,
}

#[derive(serde::Serialize)]
struct Traced<'a> {
    #[serde(flatten)]
    timeline: &'a Timeline,
    diagnosis: Option<Diagnosis>,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let since = match &self.since {
            Some(s) => now() - parse_duration(s).map_err(Fail::usage)?.as_secs() as i64,
            None => 0,
        };
        let found = ctx.db()?.trace(&self.target, since)?;
        if found.is_empty() {
            return Err(Fail::hint(
                format!("no message to or from {} in the queue or the delivery history", self.target),
                "the history keeps finished messages for queue.history_retention (`mailctl config get queue.history_retention`); try without --since, or `mailctl queue list`",
            )
            .into());
        }
        show(ctx, &found)
    }
}

/// Prints timelines with their diagnoses (also for `test delivery`).
pub fn show(ctx: &Ctx, found: &[Timeline]) -> anyhow::Result<()> {
    let traced: Vec<Traced<'_>> = found
        .iter()
        .map(|t| Traced {
            timeline: t,
            diagnosis: diagnose(t),
        })
        .collect();
    if ctx.json {
        output::json(&serde_json::json!({ "messages": traced }))?;
        return Ok(());
    }
    let text: Vec<String> = traced.iter().map(text).collect();
    output::print(&text.join("\n\n"))?;
    Ok(())
}

/// The diagnosis of a message's failed or deferred attempts (and of failures recorded
/// without an attempt, such as local delivery's).
fn diagnose(t: &Timeline) -> Option<Diagnosis> {
    let mut replies: Vec<&str> = t
        .attempts
        .iter()
        .filter(|a| a.outcome != "delivered")
        .map(|a| a.reply.as_str())
        .collect();
    if replies.is_empty() {
        replies = t
            .recipients
            .iter()
            .filter_map(|r| r.last_error.as_deref())
            .collect();
    }
    let domain = Address::parse(&t.sender)
        .map(|a| a.domain().to_string())
        .unwrap_or_default();
    diagnosis::diagnose(&diagnosis::Context {
        replies: &replies,
        sender_domain: &domain,
    })
}

fn text(t: &Traced<'_>) -> String {
    let m = t.timeline;
    let sender = if m.sender.is_empty() {
        "<>".to_string()
    } else {
        m.sender.clone()
    };
    let mut from = format!("{} (HELO {})", m.client_ip, m.helo);
    if let Some(u) = &m.auth_user {
        from.push_str(&format!(", logged in as {u}"));
    }
    let mut out = output::fields(&[
        ("queue id", m.queue_id.clone()),
        (
            "message-id",
            m.message_id.clone().unwrap_or_else(|| "-".into()),
        ),
        ("sender", sender),
        ("received", timestamp(m.received)),
        ("from", from),
        ("size", human_size(m.size)),
        (
            "inbound checks",
            m.inbound_verdicts.clone().unwrap_or_else(|| "-".into()),
        ),
        (
            "outcome",
            match m.finished {
                Some(f) if !m.live => format!("{} at {}", m.outcome, timestamp(f)),
                _ => "still in the queue (`mailctl queue show` has more)".into(),
            },
        ),
        (
            "bounce sent",
            if m.bounce_sent { "yes" } else { "no" }.into(),
        ),
    ]);
    out.push('\n');
    out.push_str(&output::table(
        &["RECIPIENT", "STATUS", "ATTEMPTS", "LAST ERROR"],
        m.recipients.iter().map(|r| {
            vec![
                r.address.clone(),
                r.status.clone(),
                r.attempts.to_string(),
                r.last_error.clone().unwrap_or_default(),
            ]
        }),
    ));
    if !m.attempts.is_empty() {
        out.push_str("\n\n");
        out.push_str(&output::table(
            &["WHEN", "RECIPIENT", "HOST", "OUTCOME", "REPLY"],
            m.attempts.iter().map(|a| {
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
    if let Some(d) = &t.diagnosis {
        out.push_str(&format!("\n\nwhy: {}\nfix: {}", d.cause, d.fix));
    }
    out
}
