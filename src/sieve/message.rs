//! The message as Sieve sees it: header fields unfolded and RFC 2047-decoded (RFC 5228
//! §2.7.2), addresses split into parts (RFC 5228 §2.7.4, RFC 5233), the body's MIME parts
//! for the body test (RFC 5173), all read with `mail-parser`.
//!
//! Not here: matching (matching.rs), header edits (run.rs keeps its own list).

use mail_parser::parsers::MessageStream;
use mail_parser::{HeaderValue, MessageParser, MimeHeaders, PartType};

/// A message to run a script on. Build it once per delivery: the header block is split on
/// construction; the MIME parse the body test needs is made the first time one runs, so a
/// script without one (most are) never pays for it.
pub struct Message<'a> {
    raw: &'a [u8],
    pub(crate) headers: Vec<(String, String)>,
    parsed: std::cell::OnceCell<Option<mail_parser::Message<'a>>>,
}

impl<'a> Message<'a> {
    pub fn new(raw: &'a [u8]) -> Self {
        Message {
            raw,
            headers: split_headers(raw),
            parsed: std::cell::OnceCell::new(),
        }
    }

    pub fn size(&self) -> usize {
        self.raw.len()
    }

    /// The body after the header block, undecoded (the body test's `:raw`).
    pub(crate) fn raw_body(&self) -> String {
        let b = self.raw;
        let start = find(b, b"\r\n\r\n")
            .map(|i| i + 4)
            .or_else(|| find(b, b"\n\n").map(|i| i + 2))
            .unwrap_or(b.len());
        String::from_utf8_lossy(&b[start..]).into_owned()
    }

    /// The decoded contents of the MIME parts whose type matches one of `types` (RFC 5173
    /// §5.2: "" matches every part, "text" every text/*, "text/plain" exactly).
    pub(crate) fn parts(&self, types: Option<&[String]>) -> Vec<String> {
        let parsed = self
            .parsed
            .get_or_init(|| MessageParser::default().parse(self.raw));
        let Some(m) = parsed else {
            return vec![self.raw_body()];
        };
        let mut out = Vec::new();
        for part in &m.parts {
            let (ty, sub) = match part.content_type() {
                Some(ct) => (
                    ct.ctype().to_ascii_lowercase(),
                    ct.subtype().unwrap_or("").to_ascii_lowercase(),
                ),
                None => ("text".to_string(), "plain".to_string()),
            };
            let wanted = match types {
                None => ty == "text" && (sub == "plain" || sub == "html" || sub.is_empty()),
                Some(list) => list.iter().any(|t| {
                    let t = t.to_ascii_lowercase();
                    t.is_empty() || t == ty || t == format!("{ty}/{sub}")
                }),
            };
            if !wanted {
                continue;
            }
            match &part.body {
                PartType::Text(t) => out.push(t.to_string()),
                PartType::Html(h) if types.is_none() => out.push(strip_html(h)),
                PartType::Html(h) => out.push(h.to_string()),
                PartType::Binary(b) | PartType::InlineBinary(b) if types.is_some() => {
                    out.push(String::from_utf8_lossy(b).into_owned())
                }
                _ => {}
            }
        }
        out
    }
}

fn find(h: &[u8], n: &[u8]) -> Option<usize> {
    h.windows(n.len()).position(|w| w == n)
}

/// The header block as (name, unfolded raw value) pairs in order.
pub(crate) fn split_headers(raw: &[u8]) -> Vec<(String, String)> {
    // Only the header block is read: the end of its first blank line bounds it (a body of
    // megabytes is not converted for nothing).
    let end = find(raw, b"\n\r\n")
        .into_iter()
        .chain(find(raw, b"\n\n"))
        .min()
        .map_or(raw.len(), |i| i + 1);
    let text = String::from_utf8_lossy(&raw[..end]);
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some(last) = out.last_mut() {
                last.1.push_str(line);
            }
            continue;
        }
        match line.split_once(':') {
            Some((n, v)) if !n.is_empty() && !n.contains(' ') => {
                out.push((n.to_string(), v.to_string()))
            }
            _ => break,
        }
    }
    out
}

/// RFC 5228 §2.7.2: leading and trailing white space removed, encoded words decoded.
pub(crate) fn decode_value(v: &str) -> String {
    let t = v.trim_matches([' ', '\t']);
    if !t.contains("=?") {
        return t.to_string();
    }
    let mut data = t.as_bytes().to_vec();
    data.extend_from_slice(b"\r\n");
    match MessageStream::new(&data).parse_unstructured() {
        HeaderValue::Text(s) => s.trim().to_string(),
        _ => t.to_string(),
    }
}

/// The addresses of one header value (groups flattened); a value that is not an address
/// list yields itself, so `:all` still sees what was written.
pub(crate) fn addresses(v: &str) -> Vec<String> {
    let mut data = v.trim().as_bytes().to_vec();
    data.extend_from_slice(b"\r\n");
    let hv = MessageStream::new(&data).parse_address();
    let mut out = Vec::new();
    if let HeaderValue::Address(a) = &hv {
        if let Some(list) = a.as_list() {
            out.extend(
                list.iter()
                    .filter_map(|x| x.address.as_ref().map(|s| s.to_string())),
            );
        } else if let Some(groups) = a.as_group() {
            for g in groups {
                out.extend(
                    g.addresses
                        .iter()
                        .filter_map(|x| x.address.as_ref().map(|s| s.to_string())),
                );
            }
        }
    }
    out
}

/// RFC 5228 §2.7.4 and RFC 5233; `None` when the part does not exist (no detail).
pub(crate) fn address_part(addr: &str, part: super::program::AddrPart) -> Option<String> {
    use super::program::AddrPart;
    let (local, domain) = match addr.rsplit_once('@') {
        Some((l, d)) => (l, d),
        None => (addr, ""),
    };
    match part {
        AddrPart::All => Some(addr.to_string()),
        AddrPart::Local => Some(local.to_string()),
        AddrPart::Domain => Some(domain.to_string()),
        AddrPart::User => Some(local.split_once('+').map_or(local, |(u, _)| u).to_string()),
        AddrPart::Detail => local.split_once('+').map(|(_, d)| d.to_string()),
    }
}

/// Text of an HTML part for `:text`: tags dropped, common entities decoded.
fn strip_html(h: &str) -> String {
    let mut out = String::with_capacity(h.len());
    let mut in_tag = false;
    for c in h.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}
