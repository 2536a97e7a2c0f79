//! Success notices (RFC 3461 §5.2.2): for recipients that asked for `NOTIFY=SUCCESS`, a
//! report once the message is in their mailbox here ("delivered") or with a next hop that
//! does not offer DSN ("relayed"). A next hop that offers DSN reports on its own.
//!
//! Not here: failure and delay reports (the bounce engine in `outbound/mod.rs`).

use std::collections::HashMap;
use std::path::Path;

use super::dsn;
use crate::core::{Address, CoreError, Db};

/// One recipient the notice is about.
pub struct Done {
    pub recipient_id: i64,
    pub address: String,
    /// The reply that accepted it, or our own words for a local delivery.
    pub detail: String,
    pub remote_mta: Option<String>,
}

/// Queues a notice for those of `done` that asked for one. Returns the notice's queue id
/// and whether it goes to a local mailbox, or `None` when none was due. `original` is the
/// message (only its header section is returned).
pub fn success_notice(
    db: &mut Db,
    queue_dir: &Path,
    hostname: &str,
    message_id: &str,
    original: &[u8],
    done: &[Done],
    action: dsn::Action,
) -> Result<Option<(String, bool)>, CoreError> {
    let Some(sender) = db.queue_sender(message_id)? else {
        return Ok(None);
    };
    if sender.is_empty() {
        return Ok(None);
    }
    let (msg_dsn, rcpt_dsn): (_, HashMap<i64, crate::core::dsn::RcptDsn>) =
        db.queue_dsn(message_id)?;
    let due: Vec<dsn::Failure> = done
        .iter()
        .filter_map(|d| {
            let p = rcpt_dsn.get(&d.recipient_id)?;
            p.notify.on_success().then(|| dsn::Failure {
                recipient: d.address.clone(),
                diagnostic: d.detail.clone(),
                remote_mta: d.remote_mta.clone(),
                orcpt: p.orcpt.clone(),
            })
        })
        .collect();
    if due.is_empty() {
        return Ok(None);
    }
    let to = Address::parse(&sender)?;
    let created = db
        .queue_entry(message_id)?
        .map(|e| e.created)
        .unwrap_or_else(crate::core::now);
    let report = dsn::build(&dsn::Report {
        hostname,
        queue_id: message_id,
        sender: &sender,
        arrival: created,
        failures: &due,
        original: dsn::header_section(original),
        action,
        ret_full: false,
        envid: msg_dsn.envid.as_deref(),
    });
    let id = crate::smtp::inject::inject_report(db, queue_dir, hostname, &to, &report)?;
    tracing::info!(id = %message_id, notice = %id, ?action, "success notice queued (NOTIFY=SUCCESS)");
    Ok(Some((id, db.domain_exists(to.domain())?)))
}
