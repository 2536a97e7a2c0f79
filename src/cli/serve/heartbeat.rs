//! The daemon's heartbeat for `cluster status`: a task that writes this node's row through
//! `core::cluster` every interval (10 s), on a blocking thread, and marks it stopped at a
//! clean shutdown. A beat that fails is logged and becomes the row's last error at the next
//! beat that gets through; the daemon's last reload error is reported the same way.
//!
//! Not here: the row and what "down" means (`core::cluster`).

use std::sync::{Arc, Mutex};

use crate::core::DataDir;
use crate::core::cluster::{self, Beat};
use crate::core::pool::DbPool;
use crate::core::runtime::DaemonState;
use crate::net::shutdown::Shutdown;

/// This node's beat as of now: identity and listeners from the published daemon state.
fn beat(node: &str, state: &Mutex<DaemonState>, failed: &Option<String>) -> Beat {
    let s = state.lock().unwrap_or_else(|p| p.into_inner());
    Beat {
        node: node.to_string(),
        hostname: crate::sys::hostname().unwrap_or_default(),
        pid: s.pid,
        version: env!("CARGO_PKG_VERSION").to_string(),
        listeners: s
            .listeners
            .iter()
            .map(|l| format!("{}={}", l.name, l.address))
            .collect(),
        started: s.started,
        interval_ms: cluster::heartbeat_interval().as_millis() as i64,
        last_error: failed
            .clone()
            .or_else(|| s.reload_errors.last().map(|e| format!("reload: {e}")))
            .unwrap_or_default(),
    }
}

/// Beats until shutdown, then marks the row stopped.
pub(super) async fn run(
    pool: Arc<DbPool>,
    data_dir: DataDir,
    state: Arc<Mutex<DaemonState>>,
    mut shutdown: Shutdown,
) {
    let node = cluster::node_id(&data_dir);
    let mut failed: Option<String> = None;
    let mut tick = tokio::time::interval(cluster::heartbeat_interval());
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = shutdown.wait() => break,
        }
        let b = beat(&node, &state, &failed);
        let p = pool.clone();
        let done = tokio::task::spawn_blocking(move || p.get()?.heartbeat(&b)).await;
        match done {
            Ok(Ok(())) => failed = None,
            Ok(Err(e)) => {
                tracing::warn!("heartbeat not written: {e}");
                failed = Some(format!("heartbeat: {e}"));
            }
            Err(e) => failed = Some(format!("heartbeat: {e}")),
        }
    }
    let p = pool.clone();
    let stopped = tokio::task::spawn_blocking(move || p.get()?.node_stopped(&node)).await;
    if let Ok(Err(e)) = stopped {
        tracing::warn!("cannot mark this node stopped: {e}");
    }
}
