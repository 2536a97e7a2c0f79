//! Failure and delay reports (RFC 3464) for the queue: which messages have recipients that
//! failed for good or waited too long, which of those recipients asked to hear about it
//! (RFC 3461 NOTIFY; none asked means FAILURE,DELAY), and what goes back (RET=FULL: the whole
//! message, else its headers). Never bounces a bounce.
//!
//! Not here: building the report (`dsn`), success notices (`notices`).

use std::time::Duration;

use super::dsn;
use crate::core::{Address, CoreError, Db, now};

/// Builds and queues the bounces that are due; returns how many, and the ids of those that
/// go to local mailboxes (for the local deliverer). Never bounces a bounce.
pub fn bounce_due(
    db: &mut Db,
    queue_dir: &std::path::Path,
    hostname: &str,
) -> Result<(usize, Vec<String>), CoreError> {
    let mut made = 0;
    let mut local = Vec::new();
    // A message with a null sender (a bounce) that fails is never bounced; its report goes
    // to queue.double_bounce_to if that is set, else nowhere.
    let double_bounce_to = db.setting("queue.double_bounce_to")?;
    for id in db.bounces_due(100)? {
        let failed = db.failed_recipients(&id)?;
        let Some(envelope_sender) = db.queue_sender(&id)? else {
            continue;
        };
        let created = db.queue_entry(&id)?.map(|e| e.created).unwrap_or_else(now);
        let sender = if envelope_sender.is_empty() {
            double_bounce_to.clone()
        } else {
            envelope_sender.clone()
        };
        let (msg_dsn, rcpt_dsn) = db.queue_dsn(&id)?;
        // RFC 3461 §4.1: NOTIFY=NEVER (or a list without FAILURE) means no failure report.
        let reported: Vec<&(i64, String, String)> = failed
            .iter()
            .filter(|(rid, _, _)| rcpt_dsn.get(rid).is_none_or(|d| d.notify.on_failure()))
            .collect();
        if reported.is_empty() {
            tracing::info!(%id, "no bounce: every failed recipient asked for none (NOTIFY)");
        } else if sender.is_empty() {
            tracing::warn!(%id, "dropping a failed message with a null sender (a bounce is never bounced; set queue.double_bounce_to to receive these)");
        } else if let Ok(to) = Address::parse(&sender) {
            let original = std::fs::read(queue_dir.join(&id)).unwrap_or_default();
            let failures: Vec<dsn::Failure> = reported
                .iter()
                .map(|(rid, rcpt, why)| dsn::Failure {
                    recipient: rcpt.clone(),
                    diagnostic: why.clone(),
                    remote_mta: None,
                    orcpt: rcpt_dsn.get(rid).and_then(|d| d.orcpt.clone()),
                })
                .collect();
            let report = dsn::build(&dsn::Report {
                hostname,
                queue_id: &id,
                sender: &sender,
                arrival: created,
                failures: &failures,
                original: &original,
                action: dsn::Action::Failed,
                ret_full: msg_dsn.ret == Some(crate::core::dsn::Ret::Full),
                envid: msg_dsn.envid.as_deref(),
            });
            match crate::smtp::inject::inject_report(db, queue_dir, hostname, &to, &report) {
                Ok(bounce_id) => {
                    made += 1;
                    crate::metrics::global().bounce();
                    tracing::info!(%id, bounce = %bounce_id, to = %sender, "bounce queued");
                    if db.domain_exists(to.domain())? {
                        local.push(bounce_id);
                    }
                }
                Err(e) => {
                    tracing::error!(%id, "could not queue a bounce, will retry: {e}");
                    continue;
                }
            }
        }
        let ids: Vec<i64> = failed.iter().map(|(rid, _, _)| *rid).collect();
        if db.mark_bounced(&id, &ids)? {
            let _ = std::fs::remove_file(queue_dir.join(&id));
        }
    }
    Ok((made, local))
}

/// Queues a delay notice (RFC 3464, Action: delayed) for each message that has waited longer
/// than `after` and whose sender was not told yet. Returns how many, and the local ones.
pub fn delay_warnings(
    db: &mut Db,
    queue_dir: &std::path::Path,
    hostname: &str,
    after: Duration,
) -> Result<(usize, Vec<String>), CoreError> {
    let mut made = 0;
    let mut local = Vec::new();
    for m in db.delay_warnings_due(now() - after.as_secs() as i64)? {
        let Ok(to) = Address::parse(&m.sender) else {
            db.mark_warned(&m.id)?;
            continue;
        };
        let original = std::fs::read(queue_dir.join(&m.id)).unwrap_or_default();
        let (msg_dsn, rcpt_dsn) = db.queue_dsn(&m.id)?;
        let by_address = db.queue_dsn_by_address(&m.id, &rcpt_dsn)?;
        let failures: Vec<dsn::Failure> = m
            .recipients
            .iter()
            // RFC 3461 §4.1: only recipients that did not leave DELAY out of NOTIFY.
            .filter(|(rcpt, _)| by_address.get(rcpt).is_none_or(|d| d.notify.on_delay()))
            .map(|(rcpt, why)| dsn::Failure {
                recipient: rcpt.clone(),
                diagnostic: why.clone(),
                remote_mta: None,
                orcpt: by_address.get(rcpt).and_then(|d| d.orcpt.clone()),
            })
            .collect();
        if failures.is_empty() {
            db.mark_warned(&m.id)?;
            continue;
        }
        let report = dsn::build(&dsn::Report {
            hostname,
            queue_id: &m.id,
            sender: &m.sender,
            arrival: m.created,
            failures: &failures,
            original: &original,
            action: dsn::Action::Delayed,
            ret_full: false,
            envid: msg_dsn.envid.as_deref(),
        });
        let id = crate::smtp::inject::inject_report(db, queue_dir, hostname, &to, &report)?;
        db.mark_warned(&m.id)?;
        tracing::info!(id = %m.id, notice = %id, to = %m.sender, "delay notice queued");
        made += 1;
        if db.domain_exists(to.domain())? {
            local.push(id);
        }
    }
    Ok((made, local))
}
