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

/// Runs until SIGTERM or SIGINT, calling `on_hup` for each SIGHUP; then fires `trigger`.
pub async fn handle_signals(
    trigger: Trigger,
    on_hup: impl Fn() + Send + 'static,
) -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    let mut hup = signal(SignalKind::hangup())?;
    loop {
        tokio::select! {
            _ = term.recv() => break,
            _ = int.recv() => break,
            _ = hup.recv() => on_hup(),
        }
    }
    tracing::info!("shutting down: finishing transactions in flight");
    trigger.fire();
    Ok(())
}
