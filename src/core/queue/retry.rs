//! When a deferred queue recipient is tried again and when the queue gives up on it
//! (`queue.retry_schedule`, `queue.max_lifetime`; RFC 5321 §4.5.4.1): the same policy for
//! local and outbound deliveries.
//!
//! Not here: recording a deferral (`Db::queue_record`), bouncing what expired
//! (`smtp::outbound::bounce`).

use crate::core::{Db, Result, now};

/// When to retry a deferred recipient and when to give up: the same for local and
/// outbound deliveries (`queue.retry_schedule`, `queue.max_lifetime`).
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub schedule: Vec<std::time::Duration>,
    pub max_lifetime: std::time::Duration,
}

impl RetryPolicy {
    pub fn from_db(db: &Db) -> Result<RetryPolicy> {
        let schedule: Vec<_> = db
            .setting("queue.retry_schedule")?
            .split(',')
            .filter_map(|d| crate::core::settings::parse_duration(d.trim()).ok())
            .collect();
        Ok(RetryPolicy {
            schedule: if schedule.is_empty() {
                vec![std::time::Duration::from_secs(300)]
            } else {
                schedule
            },
            max_lifetime: db.setting_duration("queue.max_lifetime")?,
        })
    }

    /// Seconds until the next try after `attempts` earlier ones (the last delay repeats).
    pub fn delay(&self, attempts: u32) -> i64 {
        let i = (attempts as usize).min(self.schedule.len().saturating_sub(1));
        self.schedule.get(i).map_or(300, |d| d.as_secs() as i64)
    }

    /// Whether a message queued at `created` has been retried long enough.
    pub fn expired(&self, created: i64) -> bool {
        now() - created >= self.max_lifetime.as_secs() as i64
    }
}
