//! Graceful shutdown: one [`Shutdown`] is cloned into every task. SIGTERM/SIGINT trigger it;
//! listeners stop accepting, idle sessions say 421 and close, sessions inside a transaction
//! finish it first. SIGHUP calls a reload hook (certificates).

use tokio::sync::watch;

#[derive(Clone)]
pub struct Shutdown {
    rx: watch::Receiver<bool>,
}

pub struct Trigger {
    tx: watch::Sender<bool>,
}

pub fn channel() -> (Trigger, Shutdown) {
    let (tx, rx) = watch::channel(false);
    (Trigger { tx }, Shutdown { rx })
}

impl Trigger {
    pub fn fire(&self) {
        let _ = self.tx.send(true);
    }
}

impl Shutdown {
    pub fn is_triggered(&self) -> bool {
        *self.rx.borrow()
    }

    /// Resolves once shutdown is triggered.
    pub async fn wait(&mut self) {
        let _ = self.rx.wait_for(|v| *v).await;
    }
}

/// Installs the SIGTERM/SIGINT/SIGHUP handlers now, and returns the task that runs until
/// SIGTERM or SIGINT, calling `on_hup` for each SIGHUP, and then fires `trigger`.
///
/// The handlers are installed before this returns, so a caller can announce readiness right
/// after: a SIGHUP that arrived before them would kill the process (its default action).
pub fn handle_signals(
    trigger: Trigger,
    on_hup: impl Fn() + Send + 'static,
) -> std::io::Result<impl std::future::Future<Output = ()> + Send> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    let mut hup = signal(SignalKind::hangup())?;
    Ok(async move {
        loop {
            tokio::select! {
                _ = term.recv() => break,
                _ = int.recv() => break,
                _ = hup.recv() => on_hup(),
            }
        }
        tracing::info!("shutting down: finishing transactions in flight");
        super::notify::notify("STOPPING=1");
        trigger.fire();
    })
}
