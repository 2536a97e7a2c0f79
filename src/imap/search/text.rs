//! Text matching for SEARCH: RFC 3501 asks for "substring, case-insensitive" matches, and
//! since CHARSET UTF-8 is accepted, case is folded with Unicode lowercase on both sides.
//! Headers are matched on their decoded text (RFC 2047 words decoded, address lists rendered
//! as `Name <addr>`), bodies on the decoded text of their text/* parts (transfer encoding and
//! charset undone by mail-parser).
//!
//! Not here: which header a key names or what a missing header means (that is `eval`), and no
//! normalisation beyond case (no whitespace collapsing, no accent folding, no HTML stripping).

use std::borrow::Cow;

use mail_parser::{Address, Header, HeaderName, HeaderValue, Message, MessageParser, PartType};
use memchr::memmem::Finder;

/// Nested `message/rfc822` parts searched by BODY/TEXT. mail-parser bounds its own nesting;
/// this keeps our recursion bounded whatever it hands us.
const MAX_NESTING: usize = 8;

/// A search string, folded once per query.
#[derive(Debug, Clone)]
pub struct Needle {
    folded: String,
    finder: Finder<'static>,
}

impl Needle {
    pub fn new(s: &str) -> Needle {
        let folded = fold(s).into_owned();
        let finder = Finder::new(folded.as_bytes()).into_owned();
        Needle { folded, finder }
    }

    pub fn is_empty(&self) -> bool {
        self.folded.is_empty()
    }

    /// The folded form, for tests and diagnostics.
    pub fn folded(&self) -> &str {
        &self.folded
    }

    /// Whether `haystack` contains the needle, ignoring case.
    pub fn found_in(&self, haystack: &str) -> bool {
        if self.folded.is_empty() {
            return true;
        }
        // Folding can change byte lengths, so only a haystack shorter than the needle
        // *after* folding is ruled out; the cheap check covers the common ASCII case.
        if haystack.is_ascii() && haystack.len() < self.folded.len() {
            return false;
        }
        self.finder.find(fold(haystack).as_bytes()).is_some()
    }
}

/// Case folding shared by needles and haystacks. ASCII (most mail) avoids the Unicode tables.
pub fn fold(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        if s.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(s.to_ascii_lowercase())
        } else {
            Cow::Borrowed(s)
        }
    } else {
        Cow::Owned(s.to_lowercase())
    }
}

/// The parser configuration for SEARCH: MIME headers (so bodies decode), dates and
/// addresses structured, every other header RFC 2047-decoded text so that HEADER and TEXT
/// see what a user sees.
pub fn parser() -> MessageParser {
    MessageParser::new()
        .with_mime_headers()
        .with_date_headers()
        .with_address_headers()
        .header_text(HeaderName::Subject)
        .header_text(HeaderName::Comments)
        .default_header_text()
}

/// A header's value as searchable text: decoded when mail-parser decoded it, otherwise the
/// raw bytes after the colon, unfolded.
pub fn header_text<'a>(raw: &'a [u8], h: &'a Header<'a>) -> Cow<'a, str> {
    match h.value() {
        HeaderValue::Text(t) => Cow::Borrowed(t.as_ref()),
        HeaderValue::TextList(list) => Cow::Owned(list.join(" ")),
        HeaderValue::Address(a) => {
            let rendered = address_text(a);
            if rendered.is_empty() {
                raw_value(raw, h)
            } else {
                Cow::Owned(rendered)
            }
        }
        _ => raw_value(raw, h),
    }
}

/// The raw value of a header, unfolded (CR and LF dropped; the continuation's leading
/// whitespace stays, as RFC 5322 unfolding says).
fn raw_value<'a>(raw: &'a [u8], h: &Header<'_>) -> Cow<'a, str> {
    let (start, end) = (h.offset_start() as usize, h.offset_end() as usize);
    let Some(bytes) = raw.get(start..end) else {
        return Cow::Borrowed("");
    };
    let text = String::from_utf8_lossy(bytes);
    if text.contains(['\r', '\n']) {
        Cow::Owned(text.replace(['\r', '\n'], "").trim().to_string())
    } else {
        match text {
            Cow::Borrowed(t) => Cow::Borrowed(t.trim()),
            Cow::Owned(t) => Cow::Owned(t.trim().to_string()),
        }
    }
}

/// An address list as a user reads it: `Name <addr>, other@x`, groups as `Group: a, b;`.
pub fn address_text(a: &Address<'_>) -> String {
    fn one(out: &mut String, addr: &mail_parser::Addr<'_>) {
        if !out.is_empty() && !out.ends_with(": ") {
            out.push_str(", ");
        }
        match (addr.name.as_deref(), addr.address.as_deref()) {
            (Some(n), Some(a)) => {
                out.push_str(n);
                out.push_str(" <");
                out.push_str(a);
                out.push('>');
            }
            (Some(n), None) => out.push_str(n),
            (None, Some(a)) => out.push_str(a),
            (None, None) => {}
        }
    }
    let mut out = String::new();
    match a {
        Address::List(list) => list.iter().for_each(|x| one(&mut out, x)),
        Address::Group(groups) => {
            for g in groups {
                match g.name.as_deref() {
                    Some(name) => {
                        if !out.is_empty() {
                            out.push(' ');
                        }
                        out.push_str(name);
                        out.push_str(": ");
                        g.addresses.iter().for_each(|x| one(&mut out, x));
                        out.push(';');
                    }
                    None => g.addresses.iter().for_each(|x| one(&mut out, x)),
                }
            }
        }
    }
    out
}

/// Whether the message has a header `field` (case-insensitive) whose text contains the
/// needle; an empty needle asks only for the header's presence (RFC 3501 HEADER).
pub fn header_matches(msg: &Message<'_>, field: &str, needle: &Needle) -> bool {
    let raw = msg.raw_message();
    msg.headers()
        .iter()
        .filter(|h| h.name().eq_ignore_ascii_case(field))
        .any(|h| needle.is_empty() || needle.found_in(&header_text(raw, h)))
}

/// Whether any header line (`Name: decoded value`) contains the needle.
fn any_header_matches(msg: &Message<'_>, needle: &Needle) -> bool {
    let raw = msg.raw_message();
    msg.headers()
        .iter()
        .any(|h| needle.found_in(&format!("{}: {}", h.name(), header_text(raw, h))))
}

/// Whether the decoded text of a text/* part (or of a nested message, headers included,
/// since they are body of the outer message) contains the needle.
pub fn body_matches(msg: &Message<'_>, needle: &Needle) -> bool {
    body_matches_at(msg, needle, 0)
}

fn body_matches_at(msg: &Message<'_>, needle: &Needle, depth: usize) -> bool {
    // Part 0 is the message itself; its body is one of the variants below too.
    msg.parts.iter().any(|part| match &part.body {
        PartType::Text(t) | PartType::Html(t) => needle.found_in(t),
        PartType::Message(inner) if depth < MAX_NESTING => {
            any_header_matches(inner, needle) || body_matches_at(inner, needle, depth + 1)
        }
        _ => false,
    })
}

/// TEXT: the header or the body.
pub fn text_matches(msg: &Message<'_>, needle: &Needle) -> bool {
    any_header_matches(msg, needle) || body_matches(msg, needle)
}

/// A file mail-parser finds no header in (it starts with a blank line, or is empty) is all
/// body: searched as lossy UTF-8.
pub fn unparsed_body_matches(raw: &[u8], needle: &Needle) -> bool {
    needle.found_in(&String::from_utf8_lossy(raw))
}
