//! Telling a running daemon about a change: SIGHUP, then wait for its reload generation in
//! `run/daemon-PID.json` to move (issue 16.3). Used by `config set|unset` and `dkim`.

use serde::Serialize;

use super::Ctx;

/// What became of a change in the running daemon(s).
#[derive(Serialize)]
pub struct DaemonNote {
    /// `none` (no daemon runs), `applied`, `restart` (this key needs one), `not-signalled`
    /// (no permission), `no-answer` (it did not confirm in time), `failed` (reload errors).
    pub result: &'static str,
    pub pids: Vec<u32>,
    pub message: String,
}

/// How long `config set` waits for a daemon to confirm its reload.
const RELOAD_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Asks the daemons of this data directory to reload (or says a restart is needed) and waits
/// for their confirmation.
pub fn tell_daemon(ctx: &Ctx, restart_needed: bool) -> DaemonNote {
    use crate::core::runtime;
    let daemons = runtime::running(&ctx.data_dir);
    let pids: Vec<u32> = daemons.iter().map(|d| d.pid).collect();
    let list = pids
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let note = |result, message: String| DaemonNote {
        result,
        pids: pids.clone(),
        message,
    };
    if daemons.is_empty() {
        return note(
            "none",
            "no daemon is running for this data directory; the change applies when it starts"
                .into(),
        );
    }
    if restart_needed {
        return note(
            "restart",
            format!(
                "the running daemon (pid {list}) keeps the old value until restarted: \
                 `systemctl restart mailctl` (or stop and start `mailctl serve`)"
            ),
        );
    }
    let mut waiting = Vec::new();
    for d in &daemons {
        if let Err(e) = runtime::signal_reload(d.pid) {
            return note(
                "not-signalled",
                format!(
                    "cannot ask the daemon (pid {}, running as {}) to reload: {e}; run \
                     `systemctl reload mailctl` or `kill -HUP {}` as root",
                    d.pid, d.user, d.pid
                ),
            );
        }
        waiting.push((d.pid, d.generation));
    }
    let errors = wait_for_reload(ctx, &mut waiting);
    if !waiting.is_empty() {
        return note(
            "no-answer",
            format!(
                "the daemon (pid {list}) was sent SIGHUP but did not confirm a reload within {}s; check its log",
                RELOAD_WAIT.as_secs()
            ),
        );
    }
    if !errors.is_empty() {
        return note(
            "failed",
            format!(
                "the daemon (pid {list}) reloaded with errors and keeps the old values for them: {}",
                errors.join("; ")
            ),
        );
    }
    note(
        "applied",
        format!("the running daemon (pid {list}) reloaded and uses it now"),
    )
}

/// Waits up to [`RELOAD_WAIT`] for each `(pid, generation)` to move past its generation,
/// removing those that did; returns the reload errors they reported.
fn wait_for_reload(ctx: &Ctx, waiting: &mut Vec<(u32, u64)>) -> Vec<String> {
    use crate::core::runtime;
    let start = std::time::Instant::now();
    let mut errors = Vec::new();
    while !waiting.is_empty() && start.elapsed() < RELOAD_WAIT {
        std::thread::sleep(std::time::Duration::from_millis(50));
        waiting.retain(
            |(pid, generation)| match runtime::state(&ctx.data_dir, *pid) {
                Some(s) if s.generation > *generation => {
                    errors.extend(s.reload_errors);
                    false
                }
                _ => true,
            },
        );
    }
    errors
}
