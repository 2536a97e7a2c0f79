//! What the compose form holds and the message it becomes: the fields prefilled for a
//! reply, reply-all or forward of an original (quoted text, `Re:`/`Fwd:`, recipients), the
//! threading headers (RFC 5322 §3.6.4: `In-Reply-To:` the original's Message-ID,
//! `References:` its References plus that id), the original's attachments for a forward,
//! and the message built with mail-builder (RFC 5322, MIME, RFC 2047 words in headers).
//!
//! Everything the form says is text for mail-builder's encoders: address lists are parsed
//! (mail-parser) and each address checked as SMTP checks it, so no CR or LF from a form can
//! start a header of its own. Not here: sending (`smtp::submit`), pages, handlers.

use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address as MbAddress;
use mail_parser::{Address as MpAddress, Message, MessageParser, MimeHeaders};

use crate::core::Address;

/// Why the form was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    New,
    Reply,
    ReplyAll,
    Forward,
}

impl Mode {
    pub fn parse(s: &str) -> Mode {
        match s {
            "reply" => Mode::Reply,
            "replyall" => Mode::ReplyAll,
            "forward" => Mode::Forward,
            _ => Mode::New,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::New => "new",
            Mode::Reply => "reply",
            Mode::ReplyAll => "replyall",
            Mode::Forward => "forward",
        }
    }
}

/// The compose form's fields.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub from: String,
    pub to: String,
    pub cc: String,
    pub bcc: String,
    pub subject: String,
    pub body: String,
}

/// A file to attach.
#[derive(Debug, Clone)]
pub struct Part {
    pub name: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

/// The original a reply threads under.
#[derive(Debug, Clone, Default)]
pub struct Thread {
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
}

/// Longest quoted original in a reply (characters); the rest is cut.
const MAX_QUOTE: usize = 100_000;

fn addr_text(a: Option<&MpAddress<'_>>) -> Vec<String> {
    let Some(a) = a else { return Vec::new() };
    a.iter()
        .filter_map(|x| {
            let email = x.address.as_deref()?.trim();
            Some(
                match x.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
                    Some(n) => format!("\"{}\" <{email}>", n.replace(['"', '\\'], "")),
                    None => email.to_string(),
                },
            )
        })
        .collect()
}

fn email_of(s: &str) -> String {
    let s = s.rsplit('<').next().unwrap_or(s);
    s.trim_end_matches('>').trim().to_ascii_lowercase()
}

/// The form prefilled for answering (or forwarding) the message `raw`; `mine` are the
/// user's own addresses, left out of a reply-all.
pub fn answer(mode: Mode, raw: &[u8], mine: &[String]) -> Draft {
    let Some(msg) = MessageParser::default().parse(raw) else {
        return Draft::default();
    };
    let subject = msg.subject().unwrap_or_default().trim().to_string();
    let text: String = msg
        .body_text(0)
        .map(|t| t.chars().take(MAX_QUOTE).collect())
        .unwrap_or_default();
    let from = addr_text(msg.from()).join(", ");
    let date = msg.date().map(|d| d.to_rfc822()).unwrap_or_default();
    if mode == Mode::Forward {
        let fwd = |s: &str| !s.to_ascii_lowercase().starts_with("fwd:");
        return Draft {
            subject: if fwd(&subject) {
                format!("Fwd: {subject}")
            } else {
                subject.clone()
            },
            body: format!(
                "\n\n-------- Forwarded message --------\nFrom: {from}\nDate: {date}\nSubject: {subject}\nTo: {}\n\n{text}",
                addr_text(msg.to()).join(", ")
            ),
            ..Draft::default()
        };
    }
    let reply_to = addr_text(msg.reply_to().or(msg.from()));
    let mine: Vec<String> = mine.iter().map(|m| m.to_ascii_lowercase()).collect();
    let (mut to, mut cc) = (reply_to.clone(), Vec::new());
    if mode == Mode::ReplyAll {
        to.extend(addr_text(msg.to()));
        cc = addr_text(msg.cc());
        let mut seen: Vec<String> = Vec::new();
        let mut keep = |a: &String| {
            let e = email_of(a);
            let ok = !mine.contains(&e) && !seen.contains(&e);
            seen.push(e);
            ok
        };
        to.retain(&mut keep);
        cc.retain(&mut keep);
        if to.is_empty() {
            to = reply_to;
        }
    }
    let quoted: String = text.lines().map(|l| format!("> {l}\n")).collect();
    let re = |s: &str| !s.to_ascii_lowercase().starts_with("re:");
    Draft {
        to: to.join(", "),
        cc: cc.join(", "),
        subject: if re(&subject) {
            format!("Re: {subject}")
        } else {
            subject
        },
        body: format!("\n\nOn {date}, {from} wrote:\n{quoted}"),
        ..Draft::default()
    }
}

/// The threading headers a reply to `raw` carries.
pub fn thread(raw: &[u8]) -> Thread {
    let Some(msg) = MessageParser::default().parse_headers(raw) else {
        return Thread::default();
    };
    let id = msg.message_id().map(str::to_string);
    let mut references: Vec<String> = msg
        .references()
        .as_text_list()
        .map(|l| l.iter().map(|s| s.to_string()).collect())
        .unwrap_or_default();
    // RFC 5322 §3.6.4: no References but an In-Reply-To with one id: start from that.
    if references.is_empty()
        && let Some(irt) = msg.in_reply_to().as_text()
    {
        references.push(irt.to_string());
    }
    references.extend(id.clone());
    Thread {
        in_reply_to: id,
        references,
    }
}

/// A MIME type safe to copy into a header: `type/subtype` of token characters.
fn clean_type(c: Option<&mail_parser::ContentType<'_>>) -> String {
    let t = c
        .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("octet-stream")))
        .unwrap_or_default()
        .to_ascii_lowercase();
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b))
    };
    match t.split_once('/') {
        Some((a, b)) if token(a) && token(b) => t,
        _ => "application/octet-stream".into(),
    }
}

/// The attachments of `raw`, for a forward.
pub fn attachments_of(raw: &[u8]) -> Vec<Part> {
    let Some(msg) = MessageParser::default().parse(raw) else {
        return Vec::new();
    };
    msg.attachments()
        .enumerate()
        .map(|(i, p)| Part {
            name: super::render::filename(p.attachment_name(), i),
            content_type: clean_type(p.content_type()),
            data: p.contents().to_vec(),
        })
        .collect()
}

/// The entries of an address field: (display name, address), each address valid for SMTP.
pub fn addresses(field: &str) -> Result<Vec<(Option<String>, Address)>, String> {
    let field = field.trim();
    if field.is_empty() {
        return Ok(Vec::new());
    }
    if field.contains(['\r', '\n']) {
        return Err("an address field has a line break".into());
    }
    // People separate with `;` too (Outlook does); a group needs a `:` first anyway.
    let field = if field.contains(':') {
        field.to_string()
    } else {
        field.replace(';', ",")
    };
    let raw = format!("To: {field}\r\n\r\n");
    let parsed = MessageParser::default().parse_headers(raw.as_bytes());
    let Some(list) = parsed.as_ref().and_then(Message::to) else {
        return Err(format!("cannot read the addresses in \"{field}\""));
    };
    let mut out = Vec::new();
    for a in list.iter() {
        let email = a.address.as_deref().unwrap_or("").trim();
        let addr = Address::parse(email).map_err(|_| format!("\"{email}\" is not an address"))?;
        let name = a.name.as_deref().map(clean_line).filter(|n| !n.is_empty());
        out.push((name, addr));
    }
    Ok(out)
}

/// One line of text: controls (CR, LF, tabs) become spaces.
fn clean_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

fn mb_list(list: &[(Option<String>, Address)]) -> MbAddress<'static> {
    let v: Vec<MbAddress<'static>> = list
        .iter()
        .map(|(n, a)| MbAddress::new_address(n.clone(), a.to_string()))
        .collect();
    MbAddress::new_list(v)
}

/// The parsed fields of a draft ready to build.
pub struct Envelope {
    pub from: Address,
    pub to: Vec<(Option<String>, Address)>,
    pub cc: Vec<(Option<String>, Address)>,
    pub bcc: Vec<(Option<String>, Address)>,
}

impl Envelope {
    pub fn of(d: &Draft) -> Result<Envelope, String> {
        let from = Address::parse(d.from.trim())
            .map_err(|_| format!("\"{}\" is not an address", d.from.trim()))?;
        let e = Envelope {
            from,
            to: addresses(&d.to)?,
            cc: addresses(&d.cc)?,
            bcc: addresses(&d.bcc)?,
        };
        if e.recipients().is_empty() {
            return Err("no recipient: fill in To, Cc or Bcc".into());
        }
        Ok(e)
    }

    /// Every recipient once, in the order of the fields.
    pub fn recipients(&self) -> Vec<Address> {
        let mut out: Vec<Address> = Vec::new();
        for (_, a) in self.to.iter().chain(&self.cc).chain(&self.bcc) {
            if !out.contains(a) {
                out.push(a.clone());
            }
        }
        out
    }
}

/// What goes into a message besides the form: its id, date, thread and files.
pub struct Extras<'a> {
    pub message_id: &'a str,
    pub date: i64,
    pub thread: Option<&'a Thread>,
    pub parts: &'a [Part],
}

/// The message; with `bcc_header` the `Bcc:` field is kept (the Sent copy), otherwise left
/// out (the copy that is sent, RFC 5322 §3.6.3).
pub fn build(d: &Draft, e: &Envelope, x: &Extras<'_>, bcc_header: bool) -> Result<Vec<u8>, String> {
    let mut m = MessageBuilder::new()
        .from(MbAddress::new_address(None::<String>, e.from.to_string()))
        .subject(clean_line(&d.subject))
        .message_id(x.message_id.to_string())
        .date(x.date)
        .text_body(d.body.replace("\r\n", "\n"));
    if !e.to.is_empty() {
        m = m.to(mb_list(&e.to));
    }
    if !e.cc.is_empty() {
        m = m.cc(mb_list(&e.cc));
    }
    if bcc_header && !e.bcc.is_empty() {
        m = m.bcc(mb_list(&e.bcc));
    }
    if let Some(t) = x.thread {
        if let Some(id) = &t.in_reply_to {
            m = m.in_reply_to(id.clone());
        }
        if !t.references.is_empty() {
            m = m.references(t.references.clone());
        }
    }
    for p in x.parts {
        m = m.attachment(p.content_type.clone(), p.name.clone(), p.data.clone());
    }
    m.write_to_vec().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIG: &[u8] = b"From: Bob <bob@x.test>\r\nTo: alice@y.test, carol@z.test\r\nCc: dan@z.test, Alice <ALICE@y.test>\r\nSubject: Lunch\r\nMessage-ID: <m1@x.test>\r\nReferences: <m0@x.test>\r\nDate: Sun, 6 Dec 2026 10:00:00 +0000\r\n\r\nAt noon?\r\nOk.\r\n";

    #[test]
    fn reply_all_quotes_and_leaves_out_the_user() {
        let d = answer(Mode::ReplyAll, ORIG, &["alice@y.test".into()]);
        assert_eq!(d.to, "\"Bob\" <bob@x.test>, carol@z.test");
        assert_eq!(d.cc, "dan@z.test");
        assert_eq!(d.subject, "Re: Lunch");
        assert!(d.body.contains("> At noon?\n> Ok.\n"), "{}", d.body);
        let r = answer(Mode::Reply, ORIG, &[]);
        assert_eq!((r.to.as_str(), r.cc.as_str()), ("\"Bob\" <bob@x.test>", ""));
        let f = answer(Mode::Forward, ORIG, &[]);
        assert_eq!((f.subject.as_str(), f.to.as_str()), ("Fwd: Lunch", ""));
    }

    #[test]
    fn replies_thread_under_the_original() {
        let t = thread(ORIG);
        assert_eq!(t.in_reply_to.as_deref(), Some("m1@x.test"));
        assert_eq!(t.references, ["m0@x.test", "m1@x.test"]);
        let d = Draft {
            from: "alice@y.test".into(),
            to: "Bob <bob@x.test>".into(),
            bcc: "eve@z.test".into(),
            subject: "Re: Lunch\r\nBcc: evil@x.test".into(),
            body: "Yes\n".into(),
            ..Draft::default()
        };
        let e = Envelope::of(&d).unwrap();
        assert_eq!(e.recipients().len(), 2);
        let x = Extras {
            message_id: "n1@y.test",
            date: 0,
            thread: Some(&t),
            parts: &[],
        };
        let sent = String::from_utf8(build(&d, &e, &x, false).unwrap()).unwrap();
        assert!(sent.contains("In-Reply-To: <m1@x.test>"), "{sent}");
        assert!(
            sent.contains("References: <m0@x.test> <m1@x.test>"),
            "{sent}"
        );
        assert!(
            !sent.contains("eve@z.test"),
            "no Bcc in the sent copy: {sent}"
        );
        assert!(
            !sent.contains("\r\nBcc: evil"),
            "no header injection: {sent}"
        );
        let kept = String::from_utf8(build(&d, &e, &x, true).unwrap()).unwrap();
        assert!(kept.contains("eve@z.test"), "{kept}");
    }

    #[test]
    fn bad_address_fields_are_refused() {
        assert!(addresses("a@b.test\r\nBcc: x@y.test").is_err());
        assert!(addresses("not an address").is_err());
        assert!(
            Envelope::of(&Draft {
                from: "a@b.test".into(),
                ..Draft::default()
            })
            .is_err()
        );
        assert_eq!(
            addresses("a@b.test; c@d.test").map(|v| v.len()).ok(),
            Some(2)
        );
    }
}
