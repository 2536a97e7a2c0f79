//! BODY[section] contents (RFC 3501 §6.4.5): the whole message, HEADER, HEADER.FIELDS,
//! HEADER.FIELDS.NOT and TEXT of the message or of a message/rfc822 part, a part's body by
//! number, and a part's MIME header.
//!
//! Returns the bytes only; `<partial>` is [`super::partial`], literal framing and \Seen are
//! the session's. A section that does not exist is `None` (Dovecot then sends an empty
//! string); HEADER/TEXT of a part that is not message/rfc822 does not exist either.

use std::borrow::Cow;
use std::ops::Range;

use super::header;
use super::{Kind, Message, Part};
use crate::imap::command::{Section, SectionText};

impl Message<'_> {
    /// The bytes of `section`, or `None` when the message has no such part.
    pub fn section(&self, section: &Section) -> Option<Cow<'_, [u8]>> {
        let data = self.data();
        if section.part.is_empty() {
            // Top-level: no tree needed for header requests.
            let hdr = 0..self.header().len();
            return Some(match &section.text {
                None => Cow::Borrowed(data),
                Some(SectionText::Text) => Cow::Borrowed(self.text()),
                Some(SectionText::Mime) => return None,
                Some(t) => header_section(data, hdr, t),
            });
        }
        let part = self.resolve(&section.part)?;
        Some(match &section.text {
            None => Cow::Borrowed(&data[part.body.clone()]),
            Some(SectionText::Mime) => Cow::Borrowed(&data[part.header.clone()]),
            Some(t) => {
                let inner = message_of(part)?;
                match t {
                    SectionText::Text => Cow::Borrowed(&data[inner.body.clone()]),
                    t => header_section(data, inner.header.clone(), t),
                }
            }
        })
    }
}

/// The encapsulated message of a message/rfc822 part.
fn message_of(part: &Part) -> Option<&Part> {
    match &part.kind {
        Kind::Message(inner) => Some(inner),
        _ => None,
    }
}

/// HEADER, HEADER.FIELDS or HEADER.FIELDS.NOT of the header at `data[hdr]`.
fn header_section<'d>(data: &'d [u8], hdr: Range<usize>, t: &SectionText) -> Cow<'d, [u8]> {
    let (names, keep) = match t {
        SectionText::HeaderFields(n) => (n, true),
        SectionText::HeaderFieldsNot(n) => (n, false),
        _ => return Cow::Borrowed(&data[hdr]),
    };
    let mut out = Vec::new();
    for f in header::fields(data, hdr) {
        let name = &data[f.name.clone()];
        let listed = names
            .iter()
            .any(|n| n.as_bytes().eq_ignore_ascii_case(name));
        if listed == keep {
            out.extend_from_slice(&data[f.whole.clone()]);
            // A last field without a line break still needs one before the blank line.
            if !out.ends_with(b"\n") {
                out.extend_from_slice(b"\r\n");
            }
        }
    }
    // RFC 3501: the subset includes the delimiting blank line.
    out.extend_from_slice(b"\r\n");
    Cow::Owned(out)
}
