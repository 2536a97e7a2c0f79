//! Vacation replies (RFC 5230 §4.5-§5, RFC 3834): whether a message that met a Sieve
//! `vacation` action gets a reply ([`decide`], pure), the reply itself ([`build`]), and
//! sending it at delivery ([`answer`]): once per (user, sender, handle) per period, from the
//! null reverse path, through the ordinary queue.
//!
//! Never answered: the null sender, system and list senders (`MAILER-DAEMON`, `owner-*`,
//! `*-request`, ...), list traffic (`List-*` headers, `Precedence: bulk|list|junk`),
//! other automatic messages (`Auto-Submitted` other than `no`), the user's own mail, and
//! messages whose To/Cc/Bcc (or `Resent-` ones) do not name the user or `:addresses`.
//!
//! Not here: the `vacation` command itself (`crate::sieve`), the memory of replies sent
//! (`core::vacation`), delivery (`smtp::delivery`).

use std::path::Path;
use std::sync::Arc;

use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address as MbAddress;
use mail_builder::headers::raw::Raw;
use mail_builder::mime::MimePart;
use mail_parser::MessageParser;

use crate::core::pool::DbPool;
use crate::core::{Address, CoreError};
use crate::sieve::Vacation;

/// Why no reply goes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// `MAIL FROM:<>`: bounces and reports (RFC 5230 §4.5, RFC 3834 §2).
    NullSender,
    /// A mailer daemon, postmaster or list robot.
    SystemSender,
    /// `List-*` headers or `Precedence: bulk|list|junk` (RFC 3834 §2).
    List,
    /// `Auto-Submitted` other than `no` (RFC 3834 §5).
    AutoSubmitted,
    /// The user wrote it (or one of their `:addresses`): no reply to oneself.
    OwnAddress,
    /// Not addressed to the user by name in To/Cc/Bcc (RFC 5230 §4.5).
    NotAddressed,
    /// The header could not be read at all.
    Unreadable,
}

/// Local parts that belong to software, not people (RFC 3834 §2, RFC 2142).
fn system_sender(sender: &str) -> bool {
    let local = sender
        .rsplit_once('@')
        .map_or(sender, |(l, _)| l)
        .to_ascii_lowercase();
    matches!(
        local.as_str(),
        "mailer-daemon" | "postmaster" | "listserv" | "majordomo" | "mailer" | "noreply"
    ) || local.starts_with("owner-")
        || local.ends_with("-request")
        || local.ends_with("-owner")
        || local.ends_with("-bounces")
        || local.starts_with("no-reply")
}

/// An address without case and without a `+detail` (RFC 5233), for comparisons.
fn plain(addr: &str) -> String {
    let addr = addr.trim().trim_start_matches('<').trim_end_matches('>');
    let lower = addr.to_lowercase();
    match lower.rsplit_once('@') {
        Some((local, domain)) => {
            let local = local.split_once('+').map_or(local, |(l, _)| l);
            format!("{local}@{domain}")
        }
        None => lower,
    }
}

/// The address part of a `:from` that may be `Name <addr>`.
fn bare(from: &str) -> &str {
    match (from.rfind('<'), from.rfind('>')) {
        (Some(a), Some(b)) if a < b => &from[a + 1..b],
        _ => from.trim(),
    }
}

/// Whether `raw` (the message as delivered, from `sender`) gets a vacation reply from the
/// user whose own addresses are `own` (the mailbox, the address it was sent to, and the
/// script's `:addresses`/`:from`). The once-per-period rule is
/// [`crate::core::Db::vacation_claim`]'s.
pub fn decide(raw: &[u8], sender: &str, own: &[&str]) -> Result<(), Skip> {
    if sender.is_empty() {
        return Err(Skip::NullSender);
    }
    if system_sender(sender) {
        return Err(Skip::SystemSender);
    }
    let mine: Vec<String> = own.iter().map(|a| plain(a)).collect();
    if mine.contains(&plain(sender)) {
        return Err(Skip::OwnAddress);
    }
    let msg = MessageParser::default()
        .parse_headers(raw)
        .ok_or(Skip::Unreadable)?;
    let first_token = |name: &str| {
        msg.header_raw(name).map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
    };
    if let Some(v) = first_token("Auto-Submitted")
        && v != "no"
    {
        return Err(Skip::AutoSubmitted);
    }
    if matches!(
        first_token("Precedence").as_deref(),
        Some("bulk" | "list" | "junk")
    ) || msg
        .headers()
        .iter()
        .any(|h| h.name().to_ascii_lowercase().starts_with("list-"))
    {
        return Err(Skip::List);
    }
    const ADDRESSED: [&str; 6] = ["to", "cc", "bcc", "resent-to", "resent-cc", "resent-bcc"];
    let addressed = msg
        .headers()
        .iter()
        .filter(|h| ADDRESSED.contains(&h.name().to_ascii_lowercase().as_str()))
        .filter_map(|h| h.value().as_address())
        .flat_map(|a| a.iter())
        .filter_map(|a| a.address())
        .any(|a| mine.contains(&plain(a)));
    if !addressed {
        return Err(Skip::NotAddressed);
    }
    Ok(())
}

/// The reply to `raw` for `to` (the original envelope sender), from `user` unless the
/// script named `:from` (RFC 5230 §4.4-§5, RFC 3834 §3). `message_id` is the reply's own.
pub fn build(raw: &[u8], to: &str, user: &Address, v: &Vacation, message_id: &str) -> Vec<u8> {
    let original = MessageParser::default().parse_headers(raw);
    let orig_subject = original
        .as_ref()
        .and_then(|m| m.subject())
        .unwrap_or("")
        .trim()
        .to_string();
    let subject = match &v.subject {
        Some(s) => s.clone(),
        None if orig_subject.is_empty() => "Auto: (no subject)".to_string(),
        None => format!("Auto: {orig_subject}"),
    };
    let from: MbAddress = match v.from.as_deref() {
        Some(f) if f.contains('<') => {
            let name = f[..f.rfind('<').unwrap_or(0)].trim().trim_matches('"');
            (name.to_string(), bare(f).to_string()).into()
        }
        Some(f) => f.trim().to_string().into(),
        None => user.to_string().into(),
    };
    let mut b = MessageBuilder::new()
        .from(from)
        .to(to.to_string())
        .subject(subject)
        .message_id(message_id.to_string())
        .header("Auto-Submitted", Raw::new("auto-replied"));
    if let Some(id) = original.as_ref().and_then(|m| m.message_id()) {
        // RFC 3834 §3.1.5: the original's References, then its Message-ID.
        let mut refs: Vec<String> = original
            .as_ref()
            .and_then(|m| m.references().as_text_list().map(|l| l.to_vec()))
            .or_else(|| {
                original
                    .as_ref()
                    .and_then(|m| m.references().as_text().map(|t| vec![t.to_string().into()]))
            })
            .unwrap_or_default()
            .into_iter()
            .map(|s| s.into_owned())
            .collect();
        refs.push(id.to_string());
        b = b.in_reply_to(id.to_string()).references(refs);
    }
    let b = if v.mime {
        // `:mime`: the reason is a whole MIME entity, headers included (RFC 5230 §4.7).
        b.body(MimePart::raw(crate::smtp::inject::to_crlf(
            v.reason.as_bytes(),
        )))
    } else {
        b.text_body(v.reason.clone())
    };
    b.write_to_vec().unwrap_or_default()
}

/// Sends what the user's vacation actions (`replies`) owe the sender of `raw`, a message
/// delivered to `mailbox` (sent to `rcpt`) from envelope sender `sender`. Returns the queue
/// ids of replies bound for local mailboxes (the caller schedules them). A failure here is
/// logged and costs the reply, never the delivery.
pub fn answer(
    pool: &Arc<DbPool>,
    queue_dir: &Path,
    (raw, sender): (&[u8], &str),
    rcpt: &Address,
    mailbox: &Address,
    replies: &[Vacation],
) -> Vec<String> {
    let mut local = Vec::new();
    for v in replies {
        match answer_one(pool, queue_dir, raw, sender, rcpt, mailbox, v) {
            Ok(Some((id, true))) => local.push(id),
            Ok(_) => {}
            Err(e) => tracing::warn!(to = %mailbox, "vacation reply to {sender} not sent: {e}"),
        }
    }
    local
}

fn answer_one(
    pool: &Arc<DbPool>,
    queue_dir: &Path,
    raw: &[u8],
    sender: &str,
    rcpt: &Address,
    mailbox: &Address,
    v: &Vacation,
) -> Result<Option<(String, bool)>, CoreError> {
    let (mb, to) = (mailbox.to_string(), rcpt.to_string());
    let mut own: Vec<&str> = vec![&mb, &to];
    own.extend(v.addresses.iter().map(String::as_str));
    own.extend(v.from.as_deref().map(bare));
    if let Err(why) = decide(raw, sender, &own) {
        tracing::info!(to = %mailbox, "vacation: no reply to <{sender}>: {why:?}");
        return Ok(None);
    }
    let mut db = pool.get()?;
    let now = crate::core::now();
    if !db.vacation_claim(mailbox, sender, &v.handle, now, v.period)? {
        tracing::info!(to = %mailbox, "vacation: <{sender}> was answered within the period");
        return Ok(None);
    }
    let dest = Address::parse(sender)?;
    let hostname = match db.setting("hostname")? {
        h if h.is_empty() => crate::core::settings::system_hostname(),
        h => h,
    };
    let id = format!(
        "vacation.{}.{now}@{hostname}",
        crate::smtp::backend::new_queue_id()
    );
    let reply = build(raw, sender, mailbox, v, &id);
    let queued = crate::smtp::inject::inject_report(&mut db, queue_dir, &hostname, &dest, &reply)?;
    tracing::info!(to = %mailbox, reply = %queued, "vacation reply queued for <{sender}>");
    Ok(Some((queued, db.domain_exists(dest.domain())?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ME: &str = "ann@example.test";

    fn msg(extra: &str) -> Vec<u8> {
        format!(
            "From: Bob <bob@x.test>\r\nTo: Ann <Ann@Example.test>\r\n{extra}\
             Subject: lunch?\r\nMessage-ID: <m1@x.test>\r\nReferences: <m0@x.test>\r\n\r\nhi\r\n"
        )
        .into_bytes()
    }

    fn d(raw: &[u8], sender: &str) -> Result<(), Skip> {
        decide(raw, sender, &[ME, "ann.alias@example.test"])
    }

    #[test]
    fn decision_table() {
        let plain = msg("");
        assert_eq!(d(&plain, "bob@x.test"), Ok(()));
        assert_eq!(d(&plain, ""), Err(Skip::NullSender));
        for s in [
            "MAILER-DAEMON@x.test",
            "postmaster@x.test",
            "owner-list@x.test",
            "list-request@x.test",
            "LISTSERV@x.test",
            "news-bounces@x.test",
        ] {
            assert_eq!(d(&plain, s), Err(Skip::SystemSender), "{s}");
        }
        assert_eq!(d(&plain, "Ann+x@example.test"), Err(Skip::OwnAddress));
        assert_eq!(d(&plain, "ann.alias@example.test"), Err(Skip::OwnAddress));
        for h in [
            "List-Id: <l.x.test>\r\n",
            "List-Unsubscribe: <mailto:u@x.test>\r\n",
            "Precedence: bulk\r\n",
            "Precedence: LIST\r\n",
            "Precedence: junk\r\n",
        ] {
            assert_eq!(d(&msg(h), "bob@x.test"), Err(Skip::List), "{h}");
        }
        for h in [
            "Auto-Submitted: auto-replied\r\n",
            "Auto-Submitted: auto-generated; owner-email=x@y\r\n",
        ] {
            assert_eq!(d(&msg(h), "bob@x.test"), Err(Skip::AutoSubmitted), "{h}");
        }
        assert_eq!(d(&msg("Auto-Submitted: no\r\n"), "bob@x.test"), Ok(()));
        assert_eq!(d(&msg("Precedence: first-class\r\n"), "bob@x.test"), Ok(()));
        // Not addressed to the user: Bcc'd through a list or an alias she does not own.
        let other = b"From: bob@x.test\r\nTo: team@x.test\r\nSubject: s\r\n\r\nb\r\n";
        assert_eq!(d(other, "bob@x.test"), Err(Skip::NotAddressed));
        // Cc, Bcc and Resent-To count; so do `:addresses` and a +detail.
        for h in ["Cc", "Bcc", "Resent-To"] {
            let m = format!(
                "From: bob@x.test\r\nTo: t@x.test\r\n{h}: ann+tag@example.test\r\n\r\nb\r\n"
            );
            assert_eq!(d(m.as_bytes(), "bob@x.test"), Ok(()), "{h}");
        }
        let m = b"From: bob@x.test\r\nTo: Ann.Alias@example.test\r\n\r\nb\r\n";
        assert_eq!(d(m, "bob@x.test"), Ok(()));
    }

    fn vac() -> Vacation {
        Vacation {
            reason: "I am away.".into(),
            subject: None,
            from: None,
            addresses: vec![],
            mime: false,
            handle: "h".into(),
            period: 86_400,
        }
    }

    #[test]
    fn the_reply_headers() {
        let me = Address::parse(ME).unwrap();
        let out = build(&msg(""), "bob@x.test", &me, &vac(), "r1@here.test");
        let text = String::from_utf8(out).unwrap();
        let p = MessageParser::default().parse(text.as_bytes()).unwrap();
        assert_eq!(
            p.header_raw("Auto-Submitted").unwrap().trim(),
            "auto-replied"
        );
        assert_eq!(p.subject(), Some("Auto: lunch?"));
        assert_eq!(p.in_reply_to().as_text(), Some("m1@x.test"));
        assert_eq!(
            p.references().as_text_list().unwrap(),
            ["m0@x.test", "m1@x.test"]
        );
        assert_eq!(p.from().unwrap().first().unwrap().address(), Some(ME));
        assert_eq!(
            p.to().unwrap().first().unwrap().address(),
            Some("bob@x.test")
        );
        assert!(p.body_text(0).unwrap().contains("I am away."));
        // `:subject`, `:from` with a name, and a `:mime` reason taken as the entity.
        let v = Vacation {
            subject: Some("Out of office".into()),
            from: Some("Ann A. <boss@example.test>".into()),
            mime: true,
            reason: "Content-Type: text/plain; charset=utf-8\n\nBack Monday.\n".into(),
            ..vac()
        };
        let out = build(
            b"From: b@x.test\r\n\r\n",
            "b@x.test",
            &me,
            &v,
            "r2@here.test",
        );
        let p = MessageParser::default().parse(&out).unwrap();
        assert_eq!(p.subject(), Some("Out of office"));
        assert_eq!(
            p.from().unwrap().first().unwrap().address(),
            Some("boss@example.test")
        );
        assert!(p.body_text(0).unwrap().contains("Back Monday."));
        assert!(p.in_reply_to().is_empty());
    }
}
