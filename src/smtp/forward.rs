//! Forwarding: the copy a recipient sends on to other servers (an alias to an outside address,
//! a Sieve `redirect`), made so that it arrives:
//!
//! - its envelope sender is rewritten with SRS (`core::srs`) into the forwarding domain, so
//!   SPF passes at the next hop; `<>` stays `<>` (a bounce must never cause another one,
//!   RFC 5321 §4.5.5), and a sender in one of our own domains is kept (our SPF covers it);
//! - it carries `Delivered-To: <the address that forwarded>` (as the local copy does) and an
//!   ARC seal (RFC 8617, `dkim::arc`) with the verdicts our inbound checks reached, so DMARC
//!   can still be judged on what the original hop saw;
//! - a message that already carries `Delivered-To:` for the forwarding address, or more than
//!   [`MAX_DELIVERED_TO`] of them, has been here before: it is bounced as a loop
//!   (`554 5.4.6`, RFC 3463) instead of going round again. (The `Received:` hop count is
//!   checked at DATA, `smtp::data`.)
//!
//! The copy is a message of its own in the queue (its own spool file and envelope), queued
//! with `inject`. Domain for SRS and the seal: `srs.domain`, else the forwarding address's
//! domain, which is ours, has our MX (bounces come back) and the SPF and DKIM records
//! `dns records` asks for.
//!
//! Not here: resolving aliases (`core::aliases`), reversing SRS bounces (also there), the
//! outbound delivery of the copy (`smtp::outbound`).

use std::path::Path;

use crate::core::dsn::{MessageDsn, RcptDsn};
use crate::core::queue::Outcome;
use crate::core::{Address, CoreError, Db, Domain};

/// The most `Delivered-To:` fields a message may carry and still be forwarded.
pub const MAX_DELIVERED_TO: usize = 20;

/// Why a forward was not made: a loop (permanent, bounced) or anything else (retried).
#[derive(Debug)]
pub enum ForwardError {
    Loop(String),
    Failed(String),
}

impl From<CoreError> for ForwardError {
    fn from(e: CoreError) -> Self {
        ForwardError::Failed(e.to_string())
    }
}

/// A `554 5.4.6` reason when forwarding `message` for `via` would make a loop.
pub fn loop_check(message: &[u8], via: &Address) -> Option<String> {
    let mut seen = 0usize;
    for value in delivered_to(message) {
        seen += 1;
        if value.eq_ignore_ascii_case(&via.to_string()) {
            return Some(format!(
                "554 5.4.6 mail forwarding loop: this message was already delivered to {via}"
            ));
        }
    }
    (seen > MAX_DELIVERED_TO).then(|| {
        format!(
            "554 5.4.6 mail forwarding loop: {seen} Delivered-To fields (most {MAX_DELIVERED_TO})"
        )
    })
}

/// The addresses in the header's `Delivered-To:` fields (unfolded, `<>` stripped).
fn delivered_to(message: &[u8]) -> Vec<String> {
    let end = memchr::memmem::find(message, b"\r\n\r\n").map_or(message.len(), |p| p + 2);
    let head = String::from_utf8_lossy(&message[..end]);
    let mut fields: Vec<String> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = fields.last_mut() {
                last.push_str(line);
            }
        } else {
            fields.push(line.to_string());
        }
    }
    fields
        .iter()
        .filter_map(|f| {
            let (name, value) = f.split_once(':')?;
            name.trim().eq_ignore_ascii_case("Delivered-To").then(|| {
                value
                    .trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .trim()
                    .to_string()
            })
        })
        .collect()
}

/// The envelope sender of a copy of mail from `sender` forwarded by `domain`.
pub fn envelope_sender(db: &Db, sender: &str, domain: &Domain) -> Result<String, ForwardError> {
    if sender.is_empty() {
        return Ok(String::new());
    }
    let Ok(addr) = Address::parse(sender) else {
        return Ok(sender.to_string());
    };
    if db.domain_exists(addr.domain())? {
        return Ok(sender.to_string());
    }
    let srs = crate::core::srs::Srs::load(db.data_dir())
        .map_err(|e| ForwardError::Failed(format!("SRS secret: {e}")))?;
    srs.forward(sender, domain.as_str(), crate::core::srs::today())
        .map_err(|e| ForwardError::Failed(format!("SRS of <{sender}>: {e}")))
}

/// The DSN parameters a copy forwarded by `via` from queued message `id` goes on with
/// (RFC 3461 §6.2): the message's, and `via`'s NOTIFY and ORCPT (`via` itself when the
/// client gave none), as the forward rows of the original message had them before.
fn dsn_of(db: &Db, id: &str, via: &Address) -> Result<(MessageDsn, RcptDsn), CoreError> {
    let (msg, by_id) = db.queue_dsn(id)?;
    let by_address = db.queue_dsn_by_address(id, &by_id)?;
    let mut rcpt = by_address
        .iter()
        .find(|(a, _)| a.eq_ignore_ascii_case(&via.to_string()))
        .map(|(_, d)| d.clone())
        .unwrap_or_default();
    rcpt.orcpt.get_or_insert_with(|| via.to_string());
    Ok((msg, rcpt))
}

/// Queues the copy of `message` (queued as `id`, from envelope `sender`) that `via`
/// forwards to `dests`. Returns its queue id when some destination is local (the caller
/// schedules it).
pub fn forward(
    db: &mut Db,
    queue_dir: &Path,
    (id, message, sender): (&str, &[u8], &str),
    via: &Address,
    dests: &[Address],
) -> Result<Option<String>, ForwardError> {
    if dests.is_empty() {
        return Ok(None);
    }
    if let Some(why) = loop_check(message, via) {
        return Err(ForwardError::Loop(why));
    }
    let domain = match db.setting("srs.domain")? {
        d if d.is_empty() => via.domain().clone(),
        // Bounces to a domain not served here would be refused as relaying: lost.
        d => match Domain::parse(&d) {
            Ok(d) if db.domain_exists(&d)? => d,
            _ => {
                tracing::warn!(%via, "srs.domain {d} is not a domain served here; using {}", via.domain());
                via.domain().clone()
            }
        },
    };
    let from = envelope_sender(db, sender, &domain)?;
    let hostname = match db.setting("hostname")? {
        h if h.is_empty() => crate::core::settings::system_hostname(),
        h => h,
    };
    let mut copy = format!("Delivered-To: {via}\r\n").into_bytes();
    copy.extend_from_slice(message);
    let dkim_dir = db.data_dir().dkim();
    let seal = crate::dkim::arc::seal(&dkim_dir, &domain, &hostname, &copy).unwrap_or_default();
    let copy = [seal.as_bytes(), &copy].concat();
    let origin = crate::smtp::inject::Origin {
        user: None,
        helo: &hostname,
    };
    let (msg_dsn, rcpt_dsn) = dsn_of(db, id, via)?;
    let rcpt_dsn = vec![rcpt_dsn; dests.len()];
    let env = (from.as_str(), dests);
    let dsn = (&msg_dsn, &rcpt_dsn[..]);
    let id = crate::smtp::inject::inject_with_dsn(db, queue_dir, env, &copy, &origin, dsn)?;
    tracing::info!(%id, %via, from = %from, to = dests.len(), "forwarded copy queued");
    let mut local = false;
    for d in dests {
        local |= db.domain_exists(d.domain())?;
    }
    Ok(local.then_some(id))
}

/// What local delivery found one recipient forwards to, as it went through its targets.
#[derive(Debug, Default)]
pub struct Forwards {
    /// Outside addresses of its aliases: they get the message as it arrived.
    pub dests: Vec<String>,
    /// Its Sieve redirects: they get the message with the script's `editheader` changes
    /// (RFC 5293 §6: actions after an edit see the edited message).
    pub redirects: Vec<String>,
    /// The scripts' header edits, in order.
    pub edits: Vec<crate::sieve::HeaderEdit>,
    /// Whether a copy was also stored in a mailbox here.
    pub kept: bool,
}

/// Queues what one recipient forwards once its own copies are written (`outcome`
/// Delivered), and says what that makes of the recipient's outcome: a loop bounces it
/// unless a copy was kept here (then the loop just ends); any other failure retries it (its
/// stored copies are found by name; a copy already queued may then go twice, never none).
/// Returns the queue ids of copies for local mailboxes.
pub fn settle(
    db: &mut Db,
    queue_dir: &Path,
    original: (&str, &[u8], &str),
    via: &Address,
    fw: &Forwards,
    outcome: Outcome,
) -> (Outcome, Vec<String>) {
    if (fw.dests.is_empty() && fw.redirects.is_empty()) || !matches!(outcome, Outcome::Delivered) {
        return (outcome, Vec::new());
    }
    let (id, body, sender) = original;
    // One copy for everyone unless the scripts edited the header; then redirects get their own.
    if fw.edits.is_empty() || fw.redirects.is_empty() {
        let all: Vec<String> = fw.dests.iter().chain(&fw.redirects).cloned().collect();
        return settle_group(db, queue_dir, original, via, fw.kept, &all);
    }
    let (block, rest) = crate::sieve::header_block(body, &fw.edits);
    let edited = [&block[..], &body[rest..]].concat();
    let mut local = Vec::new();
    for (dests, message) in [(&fw.dests[..], body), (&fw.redirects[..], &edited[..])] {
        let (o, ids) = settle_group(db, queue_dir, (id, message, sender), via, fw.kept, dests);
        local.extend(ids);
        if !matches!(o, Outcome::Delivered) {
            return (o, local);
        }
    }
    (Outcome::Delivered, local)
}

/// Queues one forwarded copy of `original` to `dests` (see [`settle`]).
fn settle_group(
    db: &mut Db,
    queue_dir: &Path,
    original: (&str, &[u8], &str),
    via: &Address,
    kept: bool,
    dests: &[String],
) -> (Outcome, Vec<String>) {
    let to: Vec<Address> = dests
        .iter()
        .filter_map(|d| {
            Address::parse(d)
                .inspect_err(|e| tracing::warn!(%via, "not forwarding to {d}: {}", e.0))
                .ok()
        })
        .collect();
    match forward(db, queue_dir, original, via, &to) {
        Ok(id) => (Outcome::Delivered, id.into_iter().collect()),
        Err(ForwardError::Loop(why)) if kept => {
            tracing::warn!(%via, "{why}; not forwarded again, the local copy stays");
            (Outcome::Delivered, Vec::new())
        }
        Err(ForwardError::Loop(why)) => (Outcome::Failed(why), Vec::new()),
        Err(ForwardError::Failed(why)) => (
            Outcome::Deferred {
                retry_in: 0,
                error: format!("4.3.0 forwarding failed: {why}"),
            },
            Vec::new(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(s: &str) -> Address {
        Address::parse(s).unwrap()
    }

    #[test]
    fn a_delivered_to_for_the_forwarder_is_a_loop() {
        let m =
            b"Delivered-To: <Fwd@Here.test>\r\nSubject: x\r\n\r\nDelivered-To: other@x.test\r\n";
        assert!(
            loop_check(m, &a("fwd@here.test"))
                .unwrap()
                .starts_with("554 5.4.6")
        );
        assert!(
            loop_check(m, &a("other@x.test")).is_none(),
            "the body does not count"
        );
        let folded = b"Delivered-To:\r\n fwd@here.test\r\n\r\n";
        assert!(loop_check(folded, &a("fwd@here.test")).is_some());
        let many = "Delivered-To: x@y.test\r\n".repeat(MAX_DELIVERED_TO + 1) + "\r\n";
        assert!(loop_check(many.as_bytes(), &a("fwd@here.test")).is_some());
        let enough = "Delivered-To: x@y.test\r\n".repeat(MAX_DELIVERED_TO) + "\r\n";
        assert!(loop_check(enough.as_bytes(), &a("fwd@here.test")).is_none());
    }

    #[test]
    fn copies_get_srs_delivered_to_and_keep_bounces_null() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Db::open(&crate::core::DataDir::new(dir.path())).unwrap();
        db.add_domain(&Domain::parse("here.test").unwrap()).unwrap();
        let q = dir.path().join("queue");
        let msg = b"From: s@sender.test\r\nSubject: x\r\n\r\nhi\r\n";
        let via = a("fwd@here.test");
        // The original asked for no reports about fwd@here.test (RFC 3461 NOTIFY=NEVER).
        let never = crate::core::dsn::RcptDsn {
            notify: crate::core::dsn::Notify(crate::core::dsn::Notify::NEVER),
            orcpt: None,
        };
        let original = crate::core::queue::NewMessage {
            rcpt_dsn: std::slice::from_ref(&never),
            ..crate::core::queue::NewMessage::test("Q1", "s@sender.test")
        };
        db.queue_insert(&original, &[(via.to_string(), true)])
            .unwrap();
        let id = forward(
            &mut db,
            &q,
            ("Q1", msg, "s@sender.test"),
            &via,
            &[a("t@far.test")],
        )
        .unwrap();
        assert!(id.is_none(), "not local");
        let rows: Vec<_> = db
            .queue_recipients()
            .unwrap()
            .into_iter()
            .filter(|r| r.message_id != "Q1")
            .collect();
        assert_eq!(rows.len(), 1);
        let (_, dsn) = db.queue_dsn(&rows[0].message_id).unwrap();
        let d = &dsn[&rows[0].id];
        assert_eq!(d.notify.0, crate::core::dsn::Notify::NEVER, "{d:?}");
        assert_eq!(d.orcpt.as_deref(), Some("fwd@here.test"));
        let spool = std::fs::read(q.join(&rows[0].message_id)).unwrap();
        let text = String::from_utf8_lossy(&spool);
        assert!(text.contains("Delivered-To: fwd@here.test\r\n"), "{text}");
        let from = db.queue_sender(&rows[0].message_id).unwrap().unwrap();
        assert!(
            from.starts_with("SRS0=") && from.ends_with("=sender.test=s@here.test"),
            "{from}"
        );
        // Reversible by the same server.
        let back = db.resolve_recipient(&a(&from)).unwrap();
        assert_eq!(
            back.targets,
            [crate::core::aliases::Target::External(a("s@sender.test"))]
        );
        // A bounce stays <>; a sender of ours keeps its address.
        assert_eq!(envelope_sender(&db, "", via.domain()).unwrap(), "");
        assert_eq!(
            envelope_sender(&db, "me@here.test", via.domain()).unwrap(),
            "me@here.test"
        );
        // The copy comes back: a loop, which bounces unless a copy was kept here.
        let fw = |kept| Forwards {
            dests: vec!["t@far.test".into()],
            kept,
            ..Forwards::default()
        };
        let (o, _) = settle(
            &mut db,
            &q,
            ("Q1", &spool, &from),
            &via,
            &fw(false),
            Outcome::Delivered,
        );
        assert!(
            matches!(&o, Outcome::Failed(e) if e.starts_with("554 5.4.6")),
            "{o:?}"
        );
        let (o, _) = settle(
            &mut db,
            &q,
            ("Q1", &spool, &from),
            &via,
            &fw(true),
            Outcome::Delivered,
        );
        assert!(matches!(o, Outcome::Delivered), "{o:?}");
        let deferred = Outcome::Deferred {
            retry_in: 0,
            error: "x".into(),
        };
        let (o, _) = settle(
            &mut db,
            &q,
            ("Q1", msg, "s@sender.test"),
            &via,
            &fw(false),
            deferred,
        );
        assert!(
            matches!(o, Outcome::Deferred { .. }),
            "nothing forwarded before the copies"
        );
        assert_eq!(db.queue_recipients().unwrap().len(), 2);
        assert!(matches!(
            forward(&mut db, &q, ("Q1", &spool, &from), &via, &[a("t@far.test")]),
            Err(ForwardError::Loop(_))
        ));
    }
}
