//! `queue flush`: attempt everything queued now (`postqueue -f`): local recipients first,
//! then one outbound pass, then the bounces and notices that pass produced for local
//! senders. Safe while the server runs: each recipient is leased to one of them at a time.

use std::net::SocketAddr;

use crate::cli::{Ctx, Fail};
use crate::core::Db;
use crate::core::pool::DbPool;
use crate::output;
use crate::smtp::outbound::{Config, Outbound, Summary};

#[derive(Debug, clap::Args)]
pub struct Args {}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
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
        report(ctx, local_due.len(), &summary)
    }
}

/// The SMTP listeners this server is configured with, for loop detection during a flush.
fn own_endpoints(db: &Db) -> Vec<SocketAddr> {
    db.setting("listen.smtp")
        .unwrap_or_default()
        .split(',')
        .filter_map(|a| a.parse().ok())
        .collect()
}

fn report(ctx: &Ctx, local: usize, summary: &Summary) -> anyhow::Result<()> {
    if ctx.json {
        output::json(&serde_json::json!({ "local": local, "outbound": summary }))?;
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
            if local == 0 {
                String::new()
            } else {
                format!("; {local} message(s) with local recipients delivered")
            }
        ))?;
    }
    Ok(())
}
