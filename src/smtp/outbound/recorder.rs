//! Group commit for delivery results: attempts finishing at about the same time share one
//! SQLite transaction, so the queue pays one fsync per batch instead of one per message.
//! Each caller still waits until its own results are committed.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;

use tokio::sync::oneshot;

use crate::core::CoreError;
use crate::core::outqueue::AttemptResult;
use crate::core::pool::DbPool;

/// Most messages whose results go into one transaction.
const MAX_BATCH: usize = 256;

type Request = (
    String,
    Vec<AttemptResult>,
    oneshot::Sender<Result<(), String>>,
);

pub struct Recorder {
    tx: std::sync::Mutex<mpsc::Sender<Request>>,
}

impl Recorder {
    /// Starts the recording thread. It ends when the recorder is dropped.
    pub fn start(pool: Arc<DbPool>, queue_dir: PathBuf) -> Recorder {
        let (tx, rx) = mpsc::channel::<Request>();
        let _ = std::thread::Builder::new()
            .name("queue-recorder".into())
            .spawn(move || {
                while let Ok(first) = rx.recv() {
                    let mut batch = vec![first];
                    while batch.len() < MAX_BATCH {
                        match rx.try_recv() {
                            Ok(r) => batch.push(r),
                            Err(_) => break,
                        }
                    }
                    let rows: Vec<(String, Vec<AttemptResult>)> = batch
                        .iter()
                        .map(|(id, results, _)| (id.clone(), results.clone()))
                        .collect();
                    let outcome = pool.get().and_then(|mut db| db.outbound_record(&rows));
                    match outcome {
                        Ok(done) => {
                            // Spool files go only after the rows that needed them are gone.
                            for id in done {
                                let _ = std::fs::remove_file(queue_dir.join(&id));
                            }
                            for (_, _, reply) in batch {
                                let _ = reply.send(Ok(()));
                            }
                        }
                        Err(e) => {
                            tracing::error!(
                                "could not record delivery results (they will be retried): {e}"
                            );
                            for (_, _, reply) in batch {
                                let _ = reply.send(Err(e.to_string()));
                            }
                        }
                    }
                }
            });
        Recorder {
            tx: std::sync::Mutex::new(tx),
        }
    }

    /// Records one message's results; returns once they are committed.
    pub async fn record(
        &self,
        message_id: String,
        results: Vec<AttemptResult>,
    ) -> Result<(), CoreError> {
        let (reply, wait) = oneshot::channel();
        self.tx
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .send((message_id, results, reply))
            .map_err(|_| CoreError::Invalid("the queue recorder has stopped".into()))?;
        wait.await
            .map_err(|_| CoreError::Invalid("the queue recorder has stopped".into()))?
            .map_err(CoreError::Invalid)
    }
}
