//! Delivery status notifications (RFC 3464): a multipart/report with a human explanation,
//! the machine-readable message/delivery-status, and the original message's headers
//! (text/rfc822-headers), sent from MAILER-DAEMON with a null sender.
//!
//! Only builds the message; the runner decides when one is due and never sends one to `<>`.

use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address as MbAddress;
use mail_builder::headers::content_type::ContentType;
use mail_builder::mime::{BodyPart, MimePart};

/// One recipient that could not be reached.
#[derive(Debug, Clone)]
pub struct Failure {
    pub recipient: String,
    /// The remote's reply or our own reason, starting with an SMTP code where there is one.
    pub diagnostic: String,
    /// The host that answered, if the failure came from a remote server.
    pub remote_mta: Option<String>,
}

pub struct Report<'a> {
    pub hostname: &'a str,
    pub queue_id: &'a str,
    pub sender: &'a str,
    pub arrival: i64,
    pub failures: &'a [Failure],
    /// The original message (only its header section is included).
    pub original: &'a [u8],
    /// A delay notice (Action: delayed) rather than a failure report.
    pub delayed: bool,
}

/// The enhanced status code (RFC 3463) in a reply, else one derived from the basic code.
pub fn status_of(diagnostic: &str) -> String {
    let mut words = diagnostic.split_whitespace();
    let basic = words.next().unwrap_or("");
    if let Some(w) = words.next() {
        let parts: Vec<&str> = w.split('.').collect();
        if parts.len() == 3
            && matches!(parts[0], "2" | "4" | "5")
            && parts[1..]
                .iter()
                .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
        {
            return w.to_string();
        }
    }
    match basic.as_bytes().first() {
        Some(b'4') => "4.0.0".into(),
        _ => "5.0.0".into(),
    }
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

pub fn build(r: &Report<'_>) -> Vec<u8> {
    let date = chrono::DateTime::from_timestamp(r.arrival, 0)
        .unwrap_or_default()
        .to_rfc2822();
    let mut human = if r.delayed {
        format!(
            "This is the mail system at host {host}.\r\n\r\n\
             Your message could not be delivered yet to one or more recipients.\r\n\
             It is still in the queue and will be retried; you need not resend it.\r\n\r\n",
            host = r.hostname
        )
    } else {
        format!(
            "This is the mail system at host {host}.\r\n\r\n\
             I'm sorry to have to inform you that your message could not\r\n\
             be delivered to one or more recipients. It's attached below.\r\n\r\n\
             For further assistance, please send mail to postmaster.\r\n\r\n",
            host = r.hostname
        )
    };
    for f in r.failures {
        human.push_str(&format!("<{}>: {}\r\n", f.recipient, f.diagnostic));
    }
    let mut status = format!(
        "Reporting-MTA: dns; {}\r\nX-Mailctl-Queue-ID: {}\r\nArrival-Date: {}\r\n",
        ascii(r.hostname),
        ascii(r.queue_id),
        date
    );
    for f in r.failures {
        status.push_str("\r\n");
        status.push_str(&format!(
            "Final-Recipient: rfc822; {}\r\n",
            ascii(&f.recipient)
        ));
        if r.delayed {
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
            status.push_str(&format!("Status: {}\r\n", status_of(&f.diagnostic)));
        }
        if let Some(m) = &f.remote_mta {
            status.push_str(&format!("Remote-MTA: dns; {}\r\n", ascii(m)));
        }
        status.push_str(&format!(
            "Diagnostic-Code: smtp; {}\r\n",
            ascii(&f.diagnostic)
        ));
    }
    let headers = header_section(r.original).to_vec();
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
            MimePart::new("text/rfc822-headers", BodyPart::Binary(headers.into()))
                .transfer_encoding("7bit"),
        ]),
    );
    MessageBuilder::new()
        .from(MbAddress::new_address(
            Some("Mail Delivery System"),
            format!("MAILER-DAEMON@{}", r.hostname),
        ))
        .to(r.sender.to_string())
        .subject(if r.delayed {
            "Delayed Mail (still being retried)"
        } else {
            "Undelivered Mail Returned to Sender"
        })
        .message_id(format!(
            "{}.{}@{}",
            r.queue_id,
            if r.delayed { "delay" } else { "bounce" },
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
    }

    #[test]
    fn report_parses_as_rfc_3464() {
        let original =
            b"From: a@x.test\r\nSubject: hello\r\nMessage-ID: <m1@x.test>\r\n\r\nsecret body\r\n";
        let failures = [Failure {
            recipient: "b@y.test".into(),
            diagnostic: "550 5.1.1 user unknown".into(),
            remote_mta: Some("mx.y.test".into()),
        }];
        let bytes = build(&Report {
            hostname: "mail.x.test",
            queue_id: "Q1",
            sender: "a@x.test",
            arrival: 1_700_000_000,
            failures: &failures,
            original,
            delayed: false,
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
