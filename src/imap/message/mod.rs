//! FETCH rendering of one stored message: ENVELOPE, BODY/BODYSTRUCTURE, BODY[section] with
//! partial ranges, and RFC 3516 BINARY. Pure functions over the bytes of a Maildir file.
//!
//! Line endings: Maildir files usually hold bare LF, IMAP always speaks CRLF, and every size
//! and offset a client sees must agree with the bytes it is sent. So a [`Message`] first
//! turns the file into its canonical form ([`canonical`]: each bare LF becomes CRLF, a file
//! already in CRLF is borrowed untouched) and everything — RFC822.SIZE, BODYSTRUCTURE sizes
//! and line counts, `<partial>` offsets — is computed on that form.
//!
//! The MIME walker is our own rather than mail-parser's: IMAP needs exact byte ranges of
//! every header and body (including preamble-free part bodies and `.MIME` headers), lenient
//! handling of broken structure, and hard limits on nesting ([`MAX_DEPTH`]) and part count
//! ([`MAX_PARTS`]); past those the rest is an opaque body. The tree is only built when a
//! request needs it, so ENVELOPE or HEADER fetches cost one scan for the blank line.
//!
//! Not here: flags, UIDs, the FETCH response framing (`* n FETCH (...)`) and \Seen handling
//! belong to the session; charset or RFC 2047 decoding is left to the client, as Dovecot does.

pub mod binary;
pub mod envelope;
pub mod header;
pub mod preview;
pub mod section;
pub mod structure;
#[cfg(test)]
pub(crate) mod syntax;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::cell::OnceCell;
use std::ops::Range;

pub use binary::BinaryError;
use header::Params;

/// Deepest MIME nesting walked (multiparts and message/rfc822 each count one level).
pub const MAX_DEPTH: usize = 100;
/// Most body parts walked in one message.
pub const MAX_PARTS: usize = 10_000;

/// Whether `raw` is already in wire form: its first line ends in CRLF (an APPENDed
/// message, or a CRLF file). Bare LFs further on are then content — a binary part sent as
/// an RFC 3516 literal8 — and must reach BINARY[] and BODY[] unchanged; only a file in the
/// Maildir LF convention (its first line ending in a bare LF) is converted.
fn wire_form(raw: &[u8]) -> bool {
    memchr::memchr(b'\n', raw).is_none_or(|i| i > 0 && raw[i - 1] == b'\r')
}

/// The message with every bare LF turned into CRLF; borrowed when there is none, or when
/// the file is already in wire form ([`wire_form`]).
pub fn canonical(raw: &[u8]) -> Cow<'_, [u8]> {
    if wire_form(raw) {
        return Cow::Borrowed(raw);
    }
    let bare = memchr::memchr_iter(b'\n', raw).filter(|&i| i == 0 || raw[i - 1] != b'\r');
    let extra = bare.count();
    if extra == 0 {
        return Cow::Borrowed(raw);
    }
    let mut out = Vec::with_capacity(raw.len() + extra);
    let mut last = 0;
    for i in memchr::memchr_iter(b'\n', raw) {
        if i == 0 || raw[i - 1] != b'\r' {
            out.extend_from_slice(&raw[last..i]);
            out.extend_from_slice(b"\r\n");
            last = i + 1;
        }
    }
    out.extend_from_slice(&raw[last..]);
    Cow::Owned(out)
}

/// The length of [`canonical`]`(raw)` without building it: RFC822.SIZE of a Maildir file.
pub fn canonical_len(raw: &[u8]) -> usize {
    if wire_form(raw) {
        return raw.len();
    }
    raw.len()
        + memchr::memchr_iter(b'\n', raw)
            .filter(|&i| i == 0 || raw[i - 1] != b'\r')
            .count()
}

/// `<origin.length>` of a fetched section: the bytes from `offset`, at most `len` of them;
/// empty when the section is shorter than `offset` (RFC 3501 §6.4.5).
pub fn partial(data: &[u8], offset: u32, len: u32) -> &[u8] {
    let start = (offset as usize).min(data.len());
    let end = start.saturating_add(len as usize).min(data.len());
    &data[start..end]
}

/// One entity: a message (top-level or encapsulated) or a body part.
#[derive(Debug)]
pub(crate) struct Part {
    /// The header including its terminating blank line (empty for a synthesised part).
    pub header: Range<usize>,
    pub body: Range<usize>,
    pub ctype: Params,
    pub kind: Kind,
}

#[derive(Debug)]
pub(crate) enum Kind {
    Leaf,
    Multipart(Vec<Part>),
    /// message/rfc822: the encapsulated message as an entity of its own.
    Message(Box<Part>),
}

/// A message parsed on demand. Cheap to build: only the canonical form is made up front.
pub struct Message<'a> {
    data: Cow<'a, [u8]>,
    header_end: usize,
    tree: OnceCell<Part>,
}

impl<'a> Message<'a> {
    pub fn new(raw: &'a [u8]) -> Self {
        let data = canonical(raw);
        let header_end = header_end(&data, 0..data.len());
        Message {
            data,
            header_end,
            tree: OnceCell::new(),
        }
    }

    /// Only the header of `raw` (through its blank line): for ENVELOPE, RFC822.HEADER and
    /// BODY[HEADER...] without converting a large body. Body sections of such a message are
    /// empty and its structure is that of an empty body, so use it for header items only.
    pub fn header_only(raw: &'a [u8]) -> Self {
        Message::new(&raw[..raw_header_end(raw)])
    }

    /// The canonical (CRLF) message: what BODY[] and RFC822 send.
    pub fn as_bytes(&self) -> &[u8] {
        &self.data
    }

    /// RFC822.SIZE: the length of the canonical form.
    pub fn size(&self) -> usize {
        self.data.len()
    }

    /// The top-level header, including the blank line when there is one.
    pub fn header(&self) -> &[u8] {
        &self.data[..self.header_end]
    }

    /// The top-level body (RFC822.TEXT, BODY[TEXT]).
    pub fn text(&self) -> &[u8] {
        &self.data[self.header_end..]
    }

    /// The raw value of the first top-level field `name` (after the colon, folding kept).
    pub fn header_value(&self, name: &str) -> Option<&[u8]> {
        header::first(&self.data, 0..self.header_end, name.as_bytes())
    }

    /// The Date: header as seconds since the epoch, for SENTBEFORE/SENTON/SENTSINCE.
    pub fn date(&self) -> Option<i64> {
        let v = header::unfold(self.header_value("Date")?);
        let s = std::str::from_utf8(&v).ok()?;
        chrono::DateTime::parse_from_rfc2822(s)
            .ok()
            .map(|d| d.timestamp())
    }

    pub(crate) fn data(&self) -> &[u8] {
        &self.data
    }

    pub(crate) fn tree(&self) -> &Part {
        self.tree.get_or_init(|| {
            let mut budget = MAX_PARTS;
            build(&self.data, 0..self.data.len(), false, 0, &mut budget)
        })
    }

    /// The entity a part number names (RFC 3501 §6.4.5): `[]` is the message itself; part 1
    /// of a non-multipart message is the message; inside a message/rfc822 part the numbers
    /// go on in the encapsulated message.
    pub(crate) fn resolve(&self, path: &[u32]) -> Option<&Part> {
        let mut cur = self.tree();
        for (i, &n) in path.iter().enumerate() {
            let idx = (n as usize).checked_sub(1)?;
            let outer = if i == 0 {
                cur
            } else {
                match &cur.kind {
                    Kind::Message(inner) => inner,
                    Kind::Multipart(_) => cur,
                    Kind::Leaf => return None,
                }
            };
            cur = match &outer.kind {
                Kind::Multipart(children) => children.get(idx)?,
                _ if idx == 0 => outer,
                _ => return None,
            };
        }
        Some(cur)
    }
}

/// End of the header in a file that may mix LF and CRLF: past the first empty line.
fn raw_header_end(raw: &[u8]) -> usize {
    if raw.starts_with(b"\n") {
        return 1;
    }
    if raw.starts_with(b"\r\n") {
        return 2;
    }
    for i in memchr::memchr_iter(b'\n', raw) {
        let rest = &raw[i + 1..];
        if rest.starts_with(b"\n") {
            return i + 2;
        }
        if rest.starts_with(b"\r\n") {
            return i + 3;
        }
    }
    raw.len()
}

/// End of the header in `range`: just past the first empty line, or the end when none.
pub(crate) fn header_end(data: &[u8], range: Range<usize>) -> usize {
    let s = &data[range.clone()];
    if s.starts_with(b"\r\n") {
        return range.start + 2;
    }
    if s.starts_with(b"\n") {
        return range.start + 1;
    }
    match memchr::memmem::find(s, b"\n\r\n") {
        Some(i) => range.start + i + 3,
        None => range.end,
    }
}

fn default_ctype(digest: bool) -> Params {
    if digest {
        Params {
            main: b"message".to_vec(),
            sub: b"rfc822".to_vec(),
            params: Vec::new(),
        }
    } else {
        Params {
            main: b"TEXT".to_vec(),
            sub: b"PLAIN".to_vec(),
            params: vec![(b"CHARSET".to_vec(), b"US-ASCII".to_vec())],
        }
    }
}

pub(crate) fn is_message(p: &Params) -> bool {
    p.main.eq_ignore_ascii_case(b"message")
        && (p.sub.eq_ignore_ascii_case(b"rfc822") || p.sub.eq_ignore_ascii_case(b"global"))
}

/// Walks the entity in `range`. `digest`: inside multipart/digest, where the default type
/// is message/rfc822 (RFC 2046 §5.1.5).
fn build(data: &[u8], range: Range<usize>, digest: bool, depth: usize, budget: &mut usize) -> Part {
    let hend = header_end(data, range.clone());
    // No Content-Type, or an unparsable one: the defaults of RFC 2045 §5.2.
    let ctype = match header::first(data, range.start..hend, b"content-type")
        .and_then(|v| header::params(v, true))
    {
        Some(p) => p,
        None => default_ctype(digest),
    };
    let mut part = Part {
        header: range.start..hend,
        body: hend..range.end,
        ctype,
        kind: Kind::Leaf,
    };
    let multipart = part.ctype.main.eq_ignore_ascii_case(b"multipart");
    let message = is_message(&part.ctype);
    if depth >= MAX_DEPTH || *budget == 0 {
        if multipart || message {
            // Past the limits a composite is reported as opaque data, so the response keeps
            // the grammar (a "MULTIPART" basic body would break client parsers).
            part.ctype = Params {
                main: b"APPLICATION".to_vec(),
                sub: b"OCTET-STREAM".to_vec(),
                params: Vec::new(),
            };
        }
        return part;
    }
    if multipart {
        let inner_digest = part.ctype.sub.eq_ignore_ascii_case(b"digest");
        let boundary = part.ctype.get(b"boundary").unwrap_or_default().to_vec();
        let ranges = split_multipart(data, part.body.clone(), &boundary);
        let mut children = Vec::with_capacity(ranges.len().min(64));
        for r in ranges {
            if *budget == 0 {
                break;
            }
            *budget -= 1;
            children.push(build(data, r, inner_digest, depth + 1, budget));
        }
        if children.is_empty() {
            // No delimiter found: the body is one headerless text part, so no content is
            // hidden and the structure still has the one part the grammar demands.
            children.push(Part {
                header: part.body.start..part.body.start,
                body: part.body.clone(),
                ctype: default_ctype(false),
                kind: Kind::Leaf,
            });
        }
        part.kind = Kind::Multipart(children);
    } else if message {
        *budget = budget.saturating_sub(1);
        let inner = build(data, part.body.clone(), false, depth + 1, budget);
        part.kind = Kind::Message(Box::new(inner));
    }
    part
}

/// Body ranges of a multipart's parts (RFC 2046 §5.1.1): the CRLF before a delimiter belongs
/// to the delimiter; preamble and epilogue are dropped; a missing close delimiter ends the
/// last part at the end of the body. A delimiter line may carry trailing white space only.
fn split_multipart(data: &[u8], body: Range<usize>, boundary: &[u8]) -> Vec<Range<usize>> {
    let mut parts = Vec::new();
    // A boundary with a line break (an escaped one in a quoted value) can never match a line.
    if boundary.is_empty() || boundary.iter().any(|&b| b == b'\n' || b == b'\r') {
        return parts;
    }
    let mut open: Option<usize> = None;
    let delimiter = [&b"--"[..], boundary].concat();
    // A substring search skips through large bodies far faster than reading line by line,
    // which matters when nested multiparts make each level scan the same bytes again.
    let finder = memchr::memmem::Finder::new(&delimiter);
    let mut from = body.start;
    while let Some(i) = finder.find(&data[from..body.end]) {
        let line = from + i;
        if line > body.start && data[line - 1] != b'\n' {
            from = line + 1;
            continue;
        }
        let next = match memchr::memchr(b'\n', &data[line..body.end]) {
            Some(i) => line + i + 1,
            None => body.end,
        };
        from = next;
        let rest = &data[(line + delimiter.len()).min(next)..next];
        let close = rest.starts_with(b"--");
        let tail = if close { &rest[2..] } else { rest };
        if !tail.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        if let Some(start) = open.take() {
            let mut end = line;
            if end > start && data[end - 1] == b'\n' {
                end -= 1;
                if end > start && data[end - 1] == b'\r' {
                    end -= 1;
                }
            }
            parts.push(start..end.max(start));
            if parts.len() >= MAX_PARTS {
                return parts;
            }
        }
        if close {
            return parts;
        }
        open = Some(next);
    }
    if let Some(start) = open {
        parts.push(start..body.end);
    }
    parts
}
