//! Submission's rule on the message header (DESIGN.md §4, RFC 6409 §6.1): every address in
//! `From:` (and `Sender:`, if present) must be the authenticated user's own or an alias that
//! delivers to it, unless `submission.allow_any_sender` is set. A message without `From:` is
//! refused: RFC 5322 §3.6 requires one, and adding one would hide a client's mistake.
//!
//! Not here: collecting the fields as the message streams in (`headers.rs`); the envelope
//! MAIL FROM check (`cmd_mail.rs`).

use mail_parser::MessageParser;

use super::headers::HeaderSummary;
use super::policy::Policy;
use super::session::Session;
use crate::core::Address;

/// Most addresses named in a refusal: the reply stays one readable line.
const MAX_LISTED: usize = 8;
/// Room for the reply text in a 512-octet reply line, after code and enhanced status.
const MAX_TEXT: usize = 480;

/// The addresses of one `From:`/`Sender:` field; `Err` names what cannot be understood.
pub fn field_addresses(field: &[u8]) -> Result<Vec<String>, String> {
    let name = String::from_utf8_lossy(field.split(|&b| b == b':').next().unwrap_or(b""))
        .trim()
        .to_string();
    let mut raw = field.to_vec();
    if !raw.ends_with(b"\n") {
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"\r\n");
    let parsed = MessageParser::default().parse_headers(&raw);
    let list = parsed.as_ref().and_then(|m| {
        if name.eq_ignore_ascii_case("sender") {
            m.sender()
        } else {
            m.from()
        }
    });
    let Some(list) = list else {
        return Err(format!("the {name}: header has no address"));
    };
    let mut out = Vec::new();
    for a in list.iter() {
        match a.address.as_deref() {
            Some(addr) if !addr.trim().is_empty() => out.push(addr.trim().to_string()),
            _ => {
                return Err(format!(
                    "the {name}: header has an entry without an address"
                ));
            }
        }
    }
    if out.is_empty() {
        return Err(format!("the {name}: header has no address"));
    }
    Ok(out)
}

impl<P: Policy> Session<P> {
    /// Why the header's senders are refused (`553 5.7.1`), or `None` when they may pass.
    pub(super) fn header_sender_refusal(
        &mut self,
        summary: Option<&HeaderSummary>,
    ) -> Option<String> {
        let user = self.auth_user.clone()?;
        if !self.cfg.service.is_submission() || self.cfg.allow_any_sender {
            return None;
        }
        let summary = summary?;
        if summary.sender_too_long {
            return Some("From:/Sender: header too long to check".into());
        }
        if summary.from.is_empty() {
            return Some(
                "Message has no From: header (RFC 5322 §3.6 requires one); add your address".into(),
            );
        }
        for field in summary.from.iter().chain(&summary.sender) {
            let addrs = match field_addresses(field) {
                Ok(a) => a,
                Err(why) => return Some(format!("Sender not checkable: {why}")),
            };
            for a in addrs {
                let ok = Address::parse(&a).is_ok_and(|a| self.policy.may_send_as(&user, &a));
                if !ok {
                    return Some(self.not_yours(&user, &a));
                }
            }
        }
        None
    }

    fn not_yours(&mut self, user: &Address, addr: &str) -> String {
        // The refused address is the client's text: keep it printable and short.
        let shown: String = addr.chars().filter(|c| !c.is_control()).take(100).collect();
        let mut text = format!(
            "Sender address rejected: header address <{shown}> does not belong to user {user}; allowed:"
        );
        let allowed = self.policy.sendable_addresses(user);
        for (i, a) in allowed.iter().enumerate() {
            let a = a.to_string();
            // RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets with code and CRLF.
            if i >= MAX_LISTED || text.len() + a.len() > MAX_TEXT {
                text.push_str(&format!(" and {} more", allowed.len() - i));
                break;
            }
            text.push_str(if i == 0 { " " } else { ", " });
            text.push_str(&a);
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_of_fields() {
        assert_eq!(
            field_addresses(b"From: \"A, B\" <a@b.test>,\r\n c@d.test\r\n").unwrap(),
            ["a@b.test", "c@d.test"]
        );
        assert_eq!(field_addresses(b"Sender: s@b.test").unwrap(), ["s@b.test"]);
        assert_eq!(
            field_addresses(b"FROM: team: x@y.test, z@y.test;\r\n").unwrap(),
            ["x@y.test", "z@y.test"]
        );
        assert!(field_addresses(b"From: \r\n").is_err());
        assert!(field_addresses(b"From: <>\r\n").is_err());
        assert!(field_addresses(b"From: undisclosed-recipients:;\r\n").is_err());
    }
}
