//! `queue list|show|flush|retry|delete|hold|release`: the administrator's view of the mail
//! queue, as Postfix users know it from postqueue and postsuper. Works whether or not
//! `serve` is running: the runner notices changes within seconds, and leases keep `flush`
//! and a running server from attempting the same recipient.

use std::net::SocketAddr;

use clap::Subcommand;

use super::{Ctx, Fail, timestamp};
use crate::core::outqueue::{Filter, QueueEntry};
use crate::core::pool::DbPool;
use crate::core::settings::human_size;
use crate::core::{Db, now};
use crate::output;
use crate::smtp::outbound::{Config, Outbound};

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Messages in the queue with each recipient's state and last error (`mailq`).
    List {
        /// Only messages waiting for a retry after a failed attempt.
        #[arg(long, conflicts_with = "held")]
        deferred: bool,
        /// Only messages on hold.
        #[arg(long, conflicts_with = "quarantined")]
        held: bool,
        /// Only messages whose spool file failed verification (kept in queue/quarantine/).
        #[arg(long, conflicts_with = "deferred")]
        quarantined: bool,
    },
    /// One message: envelope, every attempt with the remote's replies, and its headers.
    Show {
        /// The queue id, as `mailctl queue list` shows it.
        id: String,
    },
    /// Attempt delivery of everything queued now (`postqueue -f`). Safe while the server
    /// runs: each recipient is leased to one of them at a time.
    Flush,
    /// Make these messages due now; a running server retries them within seconds.
    Retry {
        /// Queue ids, as `mailctl queue list` shows them.
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Remove messages without delivering or bouncing them (`postsuper -d`).
    Delete {
        /// Queue ids, as `mailctl queue list` shows them.
        #[arg(required_unless_present = "all")]
        ids: Vec<String>,
        /// Remove every message.
        #[arg(long, conflicts_with = "ids")]
        all: bool,
    },
    /// Keep messages from being attempted until released (`postsuper -h`).
    Hold {
        /// Queue ids, as `mailctl queue list` shows them.
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Let held messages be attempted again (`postsuper -H`).
    Release {
        /// Queue ids, as `mailctl queue list` shows them.
        #[arg(required = true)]
        ids: Vec<String>,
    },
}

fn age(created: i64) -> String {
    let s = (now() - created).max(0);
    match s {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86400 => format!("{}h{}m", s / 3600, s % 3600 / 60),
        s => format!("{}d{}h", s / 86400, s % 86400 / 3600),
    }
}

fn recipients_text(e: &QueueEntry) -> String {
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

fn sender(s: &str) -> String {
    if s.is_empty() {
        "<>".into()
    } else {
        s.to_string()
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

pub fn run(ctx: &Ctx, cmd: Cmd) -> anyhow::Result<()> {
    match cmd {
        Cmd::List {
            deferred,
            held,
            quarantined,
        } => list(
            ctx,
            if deferred {
                Filter::Deferred
            } else if held {
                Filter::Held
            } else if quarantined {
                Filter::Quarantined
            } else {
                Filter::All
            },
        ),
        Cmd::Show { id } => show(ctx, &id),
        Cmd::Flush => flush(ctx),
        Cmd::Retry { ids } => {
            let db = ctx.db()?;
            let n = db.queue_retry_now(&ids)?;
            report(
                ctx,
                "retry",
                n,
                &format!("{n} recipient(s) due now; a running server tries them within seconds"),
            )
        }
        Cmd::Hold { ids } => {
            let n = ctx.db()?.queue_set_held(&ids, true)?;
            missing(n, ids.len())?;
            report(ctx, "held", n, &format!("{n} message(s) on hold"))
        }
        Cmd::Release { ids } => {
            let n = ctx.db()?.queue_set_held(&ids, false)?;
            missing(n, ids.len())?;
            report(ctx, "released", n, &format!("{n} message(s) released"))
        }
        Cmd::Delete { ids, all } => {
            let mut db = ctx.db()?;
            let gone = db.queue_delete(if all { None } else { Some(&ids) })?;
            let queue_dir = ctx.data_dir.queue();
            for id in &gone {
                let _ = std::fs::remove_file(queue_dir.join(id));
                let _ =
                    std::fs::remove_file(crate::core::spool::quarantine_dir(&queue_dir).join(id));
            }
            if !all {
                missing(gone.len(), ids.len())?;
            }
            if ctx.json {
                output::json(&serde_json::json!({ "deleted": gone }))?;
            } else if !ctx.quiet {
                output::print(&format!("deleted {} message(s)", gone.len()))?;
            }
            Ok(())
        }
    }
}

fn missing(found: usize, asked: usize) -> anyhow::Result<()> {
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

fn report(ctx: &Ctx, what: &str, n: usize, text: &str) -> anyhow::Result<()> {
    if ctx.json {
        output::json(&serde_json::json!({ what: n }))?;
    } else if !ctx.quiet {
        output::print(text)?;
    }
    Ok(())
}

fn show(ctx: &Ctx, id: &str) -> anyhow::Result<()> {
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
    let headers =
        String::from_utf8_lossy(crate::smtp::outbound::dsn::header_section(&spool)).into_owned();
    if ctx.json {
        output::json(
            &serde_json::json!({ "message": entry, "attempts": attempts, "headers": headers }),
        )?;
        return Ok(());
    }
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
    out.push_str("\n\n");
    out.push_str(headers.trim_end());
    output::print(&out)?;
    Ok(())
}

/// The SMTP listeners this server is configured with, for loop detection during a flush.
fn own_endpoints(db: &Db) -> Vec<SocketAddr> {
    db.setting("listen.smtp")
        .unwrap_or_default()
        .split(',')
        .filter_map(|a| a.parse().ok())
        .collect()
}

fn flush(ctx: &Ctx) -> anyhow::Result<()> {
    let db = ctx.db()?;
    let cfg =
        Config::from_settings(&db, own_endpoints(&db)).map_err(|e| Fail::new(e.to_string()))?;
    let local_due = db.queue_local_due(usize::MAX >> 1)?;
    drop(db);
    let pool = DbPool::new(ctx.data_dir.clone());
    // Local recipients first (a server that is not running leaves them queued).
    let deliverer = crate::smtp::delivery::Deliverer::new(pool.clone(), ctx.data_dir.queue());
    for id in &local_due {
        if let Err(e) = deliverer.deliver(id) {
            tracing::warn!(%id, "local delivery failed: {e}");
        }
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    // Bounces and notices for local senders are delivered after the pass, not on tasks
    // that the runtime's end could cancel before they start.
    let later: std::sync::Arc<std::sync::Mutex<Vec<String>>> = Default::default();
    let summary = rt.block_on(async {
        let later = later.clone();
        let outbound = Outbound::new(
            pool.clone(),
            &ctx.data_dir,
            cfg,
            Box::new(move |id| later.lock().unwrap_or_else(|p| p.into_inner()).push(id)),
        )
        .map_err(Fail::new)?;
        let pb = output::progress_bar(0, "delivering", ctx.progress());
        let s = outbound.pass(true, Some(&pb)).await?;
        pb.finish_and_clear();
        Ok::<_, anyhow::Error>(s)
    })?;
    let later = std::mem::take(&mut *later.lock().unwrap_or_else(|p| p.into_inner()));
    for id in later {
        if let Err(e) = deliverer.deliver(&id) {
            tracing::warn!(%id, "local delivery failed: {e}");
        }
    }
    if ctx.json {
        output::json(&serde_json::json!({ "local": local_due.len(), "outbound": summary }))?;
    } else if !ctx.quiet {
        output::print(&format!(
            "flushed: {} delivered, {} deferred, {} failed ({} bounce(s) sent){}{}",
            summary.delivered,
            summary.deferred,
            summary.failed,
            summary.bounces,
            if summary.quarantined > 0 {
                format!(
                    "; {} message(s) QUARANTINED (damaged spool file, not sent; see `mailctl queue list --quarantined`)",
                    summary.quarantined
                )
            } else {
                String::new()
            },
            if local_due.is_empty() {
                String::new()
            } else {
                format!(
                    "; {} message(s) with local recipients delivered",
                    local_due.len()
                )
            }
        ))?;
    }
    Ok(())
}
