//! Delivery status notifications (RFC 3464): a multipart/report with a human explanation,
//! the machine-readable message/delivery-status, and the original message's headers
//! (text/rfc822-headers) or, for `RET=FULL` (RFC 3461 §4.3), the whole message
//! (message/rfc822), sent from MAILER-DAEMON with a null sender. Reports carry the
//! client's `ENVID` and `ORCPT` as `Original-Envelope-Id` and `Original-Recipient`.
//!
//! A remote server's reply text is the one part of a report a stranger writes: it is
//! sanitised (control and escape bytes dropped, non-UTF-8 already replaced by the reply
//! reader) and cut to [`MAX_DIAGNOSTIC`] bytes before it goes into a report.
//!
//! Not here: deciding when a report is due (NOTIFY; `bounce`, `notices`) and never sending
//! one to `<>` (the runner); this file only builds the message.

use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address as MbAddress;
use mail_builder::headers::content_type::ContentType;
use mail_builder::mime::{BodyPart, MimePart};

use crate::core::dsn::xtext;

/// One recipient that could not be reached.
#[derive(Debug, Clone)]
pub struct Failure {
    pub recipient: String,
    /// The remote's reply or our own reason, starting with an SMTP code where there is one.
    pub diagnostic: String,
    /// The host that answered, if the failure came from a remote server.
    pub remote_mta: Option<String>,
    /// RFC 3461 `ORCPT` as the client gave it (decoded).
    pub orcpt: Option<String>,
}

/// What a report says happened (RFC 3464 §2.3.3 Action).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Failed,
    Delayed,
    /// Handed to a next hop that does not offer DSN (RFC 3461 §5.2.2.2): no further report
    /// will come.
    Relayed,
    /// Delivered into the recipient's mailbox here (RFC 3461 §5.2.2.1).
    Delivered,
}

pub struct Report<'a> {
    pub hostname: &'a str,
    pub queue_id: &'a str,
    pub sender: &'a str,
    pub arrival: i64,
    pub failures: &'a [Failure],
    /// The original message: its header section is included, or all of it when `ret_full`.
    pub original: &'a [u8],
    pub action: Action,
    /// RFC 3461 `RET=FULL`: return the whole message, not only its headers.
    pub ret_full: bool,
    /// RFC 3461 `ENVID` (decoded).
    pub envid: Option<&'a str>,
}

/// Most bytes of a remote's reply text kept in a report.
pub const MAX_DIAGNOSTIC: usize = 512;

/// A reply text fit for a report: control and escape characters (C0, DEL, C1) dropped,
/// white space runs folded to one space, at most [`MAX_DIAGNOSTIC`] bytes.
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_DIAGNOSTIC + 3));
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if c.is_control() {
            continue;
        }
        let extra = usize::from(space) + c.len_utf8();
        if out.len() + extra > MAX_DIAGNOSTIC {
            out.push_str("...");
            return out;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    out
}

fn is_enhanced(w: &str) -> bool {
    let parts: Vec<&str> = w.split('.').collect();
    parts.len() == 3
        && matches!(parts[0], "2" | "4" | "5")
        && parts[1..]
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
}

fn is_basic(w: &str) -> bool {
    w.len() == 3 && w.bytes().all(|b| b.is_ascii_digit())
}

/// The enhanced status code (RFC 3463) in a reply, else one derived from the basic code.
/// Our own verdicts may start with the enhanced code alone (`4.4.7 message expired ...`).
pub fn status_of(diagnostic: &str) -> String {
    let mut words = diagnostic.split_whitespace();
    let basic = words.next().unwrap_or("");
    if is_enhanced(basic) {
        return basic.to_string();
    }
    if let Some(w) = words.next()
        && is_enhanced(w)
    {
        return w.to_string();
    }
    match basic.as_bytes().first() {
        Some(b'4') => "4.0.0".into(),
        _ => "5.0.0".into(),
    }
}

/// The SMTP reply for `Diagnostic-Code: smtp;`, if the text has one: the text itself when it
/// starts with a reply code, else the last error an expiry notice quotes.
fn smtp_diagnostic(diagnostic: &str) -> Option<&str> {
    let first = diagnostic.split_whitespace().next()?;
    if is_basic(first) {
        return Some(diagnostic);
    }
    let (_, last) = diagnostic.rsplit_once("last error: ")?;
    is_basic(last.split_whitespace().next()?).then_some(last)
}

/// Keeps only printable ASCII, as delivery-status fields must be.
fn ascii(s: &str) -> String {
    s.chars()
        .map(|c| if (' '..='~').contains(&c) { c } else { '?' })
        .collect()
}

/// The header section of a message (up to the first empty line).
pub fn header_section(message: &[u8]) -> &[u8] {
    match memchr::memmem::find(message, b"\r\n\r\n") {
        Some(i) => &message[..i + 2],
        None => match memchr::memmem::find(message, b"\n\n") {
            Some(i) => &message[..i + 1],
            None => message,
        },
    }
}

/// The report (RFC 3464 §2): a multipart/report of the human part, the
/// message/delivery-status part and the returned message or its headers.
pub fn build(r: &Report<'_>) -> Vec<u8> {
    let human = human_part(r);
    let status = delivery_status(r);
    let returned = returned_part(r);
    let report = MimePart::new(
        ContentType::new("multipart/report").attribute("report-type", "delivery-status"),
        BodyPart::Multipart(vec![
            MimePart::new(
                ContentType::new("text/plain").attribute("charset", "us-ascii"),
                BodyPart::Text(human.into()),
            )
            .transfer_encoding("7bit"),
            MimePart::new(
                "message/delivery-status",
                BodyPart::Binary(status.into_bytes().into()),
            )
            .transfer_encoding("7bit"),
            returned,
        ]),
    );
    MessageBuilder::new()
        .from(MbAddress::new_address(
            Some("Mail Delivery System"),
            format!("MAILER-DAEMON@{}", r.hostname),
        ))
        .to(r.sender.to_string())
        .subject(match r.action {
            Action::Delayed => "Delayed Mail (still being retried)",
            Action::Relayed | Action::Delivered => "Successful Mail Delivery Report",
            Action::Failed => "Undelivered Mail Returned to Sender",
        })
        .message_id(format!(
            "{}.{}@{}",
            r.queue_id,
            match r.action {
                Action::Delayed => "delay",
                Action::Relayed => "relayed",
                Action::Delivered => "delivered",
                Action::Failed => "bounce",
            },
            r.hostname
        ))
        .header(
            "Auto-Submitted",
            mail_builder::headers::raw::Raw::new("auto-replied"),
        )
        .body(report)
        .write_to_vec()
        .unwrap_or_default()
}

/// The first part, for people: what happened and one line per recipient with the reason.
fn human_part(r: &Report<'_>) -> String {
    let mut human = match r.action {
        Action::Delayed => format!(
            "This is the mail system at host {host}.\r\n\r\n\
             Your message could not be delivered yet to one or more recipients.\r\n\
             It is still in the queue and will be retried; you need not resend it.\r\n\r\n",
            host = r.hostname
        ),
        Action::Relayed => format!(
            "This is the mail system at host {host}.\r\n\r\n\
             Your message was delivered to the next mail server, which does not\r\n\
             send delivery notifications: you will not hear more about it.\r\n\r\n",
            host = r.hostname
        ),
        Action::Delivered => format!(
            "This is the mail system at host {host}.\r\n\r\n\
             Your message was delivered to the mailbox of the recipients below,\r\n\
             as you asked (NOTIFY=SUCCESS).\r\n\r\n",
            host = r.hostname
        ),
        Action::Failed => format!(
            "This is the mail system at host {host}.\r\n\r\n\
             I'm sorry to have to inform you that your message could not\r\n\
             be delivered to one or more recipients. It's attached below.\r\n\r\n\
             For further assistance, please send mail to postmaster.\r\n\r\n",
            host = r.hostname
        ),
    };
    for f in r.failures {
        human.push_str(&format!(
            "<{}>: {}\r\n",
            ascii(&f.recipient),
            ascii(&sanitize(&f.diagnostic))
        ));
    }
    human
}

/// The message/delivery-status part (RFC 3464 §2.2): the per-message fields, then one
/// block of per-recipient fields for each recipient.
fn delivery_status(r: &Report<'_>) -> String {
    let date = chrono::DateTime::from_timestamp(r.arrival, 0)
        .unwrap_or_default()
        .to_rfc2822();
    let mut status = format!("Reporting-MTA: dns; {}\r\n", ascii(r.hostname));
    if let Some(envid) = r.envid {
        status.push_str(&format!("Original-Envelope-Id: {}\r\n", xtext(envid)));
    }
    status.push_str(&format!(
        "X-Mailctl-Queue-ID: {}\r\nArrival-Date: {}\r\n",
        ascii(r.queue_id),
        date
    ));
    for f in r.failures {
        recipient_fields(&mut status, r.action, f);
    }
    status
}

/// One recipient's block (RFC 3464 §2.3): Original-Recipient, Final-Recipient, Action,
/// Status, Remote-MTA, Diagnostic-Code.
fn recipient_fields(status: &mut String, action: Action, f: &Failure) {
    let diagnostic = sanitize(&f.diagnostic);
    status.push_str("\r\n");
    if let Some(o) = &f.orcpt {
        status.push_str(&format!("Original-Recipient: rfc822; {}\r\n", xtext(o)));
    }
    status.push_str(&format!(
        "Final-Recipient: rfc822; {}\r\n",
        ascii(&f.recipient)
    ));
    if action == Action::Relayed {
        status.push_str("Action: relayed\r\nStatus: 2.0.0\r\n");
    } else if action == Action::Delivered {
        status.push_str("Action: delivered\r\nStatus: 2.0.0\r\n");
    } else if action == Action::Delayed {
        status.push_str("Action: delayed\r\n");
        let code = status_of(&f.diagnostic);
        let transient = if code.starts_with('4') {
            code
        } else {
            "4.0.0".to_string()
        };
        status.push_str(&format!("Status: {transient}\r\n"));
    } else {
        status.push_str("Action: failed\r\n");
        status.push_str(&format!("Status: {}\r\n", status_of(&diagnostic)));
    }
    if let Some(m) = &f.remote_mta {
        status.push_str(&format!("Remote-MTA: dns; {}\r\n", ascii(m)));
    }
    if let Some(d) = smtp_diagnostic(&diagnostic) {
        status.push_str(&format!("Diagnostic-Code: smtp; {}\r\n", ascii(d)));
    }
}

/// The third part: the whole message for `RET=FULL` (RFC 3461 §4.3), else its headers.
fn returned_part(r: &Report<'_>) -> MimePart<'static> {
    if r.ret_full {
        MimePart::new(
            "message/rfc822",
            BodyPart::Binary(r.original.to_vec().into()),
        )
        .transfer_encoding(if r.original.is_ascii() {
            "7bit"
        } else {
            "8bit"
        })
    } else {
        MimePart::new(
            "text/rfc822-headers",
            BodyPart::Binary(header_section(r.original).to_vec().into()),
        )
        .transfer_encoding("7bit")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mail_parser::MimeHeaders;

    #[test]
    fn enhanced_status_codes() {
        assert_eq!(status_of("550 5.1.1 no such user"), "5.1.1");
        assert_eq!(status_of("554 relay denied"), "5.0.0");
        assert_eq!(status_of("451 4.4.1 try later"), "4.4.1");
        assert_eq!(status_of(""), "5.0.0");
        assert_eq!(
            status_of("4.4.7 message expired; last error: 451 x"),
            "4.4.7"
        );
    }

    #[test]
    fn remote_text_is_sanitised_and_cut() {
        assert_eq!(
            sanitize("550 5.1.1 \u{1b}[31mred\u{1b}[0m\r\n\tno\u{0}\u{7f}\u{9b}user"),
            "550 5.1.1 [31mred[0m nouser"
        );
        let long = format!("550 {}", "x".repeat(5000));
        let s = sanitize(&long);
        assert!(s.len() <= MAX_DIAGNOSTIC + 3 && s.ends_with("..."));
        // Cut on a character boundary.
        let s = sanitize(&"é".repeat(1000));
        assert!(s.len() <= MAX_DIAGNOSTIC + 3);
    }

    proptest::proptest! {
        #[test]
        fn any_remote_text_makes_a_clean_bounded_report(text in ".{0,3000}", bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..3000)) {
            for diag in [text.clone(), String::from_utf8_lossy(&bytes).into_owned()] {
                let failures = [Failure {
                    recipient: "b@y.test".into(),
                    diagnostic: diag,
                    remote_mta: None,
                    orcpt: Some("b\r\nX: y@y.test".into()),
                }];
                let bytes = build(&Report {
                    hostname: "mail.x.test",
                    queue_id: "Q1",
                    sender: "a@x.test",
                    arrival: 0,
                    failures: &failures,
                    original: b"Subject: s\r\n\r\nbody\r\n",
                    action: Action::Failed,
                    ret_full: false,
                    envid: Some("id\r\n\u{1b}"),
                });
                proptest::prop_assert!(bytes.is_ascii());
                for line in bytes.split(|&b| b == b'\n') {
                    proptest::prop_assert!(line.len() <= 1000, "line of {} bytes", line.len());
                    proptest::prop_assert!(!line.iter().any(|&b| b != b'\r' && b != b'\t' && b.is_ascii_control()));
                }
            }
        }
    }

    #[test]
    fn ret_full_envid_orcpt_and_expiry() {
        let original = b"Subject: hello\r\n\r\nsecret body\r\n";
        let failures = [Failure {
            recipient: "b@y.test".into(),
            diagnostic:
                "4.4.7 message expired after 5.0 days in the queue; last error: 451 4.4.1 no answer"
                    .into(),
            remote_mta: None,
            orcpt: Some("B@Y.test".into()),
        }];
        let bytes = build(&Report {
            hostname: "mail.x.test",
            queue_id: "Q1",
            sender: "a@x.test",
            arrival: 0,
            failures: &failures,
            original,
            action: Action::Failed,
            ret_full: true,
            envid: Some("env 1"),
        });
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("Original-Envelope-Id: env+201\r\n"), "{text}");
        assert!(
            text.contains("Original-Recipient: rfc822; B@Y.test\r\n"),
            "{text}"
        );
        assert!(
            text.contains("Action: failed\r\nStatus: 4.4.7\r\n"),
            "{text}"
        );
        assert!(
            text.contains("Diagnostic-Code: smtp; 451 4.4.1 no answer"),
            "{text}"
        );
        assert!(text.contains("Content-Type: message/rfc822"), "{text}");
        assert!(text.contains("secret body"), "RET=FULL returns the body");
    }

    #[test]
    fn report_parses_as_rfc_3464() {
        let original =
            b"From: a@x.test\r\nSubject: hello\r\nMessage-ID: <m1@x.test>\r\n\r\nsecret body\r\n";
        let failures = [Failure {
            recipient: "b@y.test".into(),
            diagnostic: "550 5.1.1 user unknown".into(),
            remote_mta: Some("mx.y.test".into()),
            orcpt: None,
        }];
        let bytes = build(&Report {
            hostname: "mail.x.test",
            queue_id: "Q1",
            sender: "a@x.test",
            arrival: 1_700_000_000,
            failures: &failures,
            original,
            action: Action::Failed,
            ret_full: false,
            envid: None,
        });
        let msg = mail_parser::MessageParser::default().parse(&bytes).unwrap();
        assert_eq!(msg.subject(), Some("Undelivered Mail Returned to Sender"));
        let ct = msg.content_type().unwrap();
        assert_eq!(ct.ctype(), "multipart");
        assert_eq!(ct.subtype(), Some("report"));
        assert_eq!(ct.attribute("report-type"), Some("delivery-status"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("Final-Recipient: rfc822; b@y.test"));
        assert!(text.contains("Status: 5.1.1"));
        assert!(text.contains("Content-Type: text/rfc822-headers"));
        assert!(text.contains("Subject: hello"));
        assert!(!text.contains("secret body"), "only the headers go back");
        assert!(text.contains("MAILER-DAEMON@mail.x.test"));
        assert!(text.contains("Auto-Submitted: auto-replied"));
    }
}
