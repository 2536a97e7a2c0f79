//! The RFC 3501 §7.4.2 ENVELOPE of a message header: date, subject, from, sender, reply-to,
//! to, cc, bcc, in-reply-to, message-id, with RFC 5322 address lists (display names, source
//! routes, groups, comments) turned into `(name adl mailbox host)` structures.
//!
//! Values are sent as written (unfolded, RFC 2047 words not decoded), as Dovecot does; the
//! parser is lenient and never fails: what it cannot read becomes a best-effort address or
//! is skipped. It does not validate domains or decode anything.

use std::ops::Range;

use super::{Message, header};
use crate::imap::wire;

/// Most addresses rendered from one header field.
pub const MAX_ADDRESSES: usize = 1000;

impl Message<'_> {
    /// Appends the ENVELOPE of the top-level header.
    pub fn envelope(&self, out: &mut Vec<u8>) {
        write(out, self.data(), 0..self.header().len());
    }
}

/// Appends the ENVELOPE of the header at `data[hdr]`.
pub fn write(out: &mut Vec<u8>, data: &[u8], hdr: Range<usize>) {
    let get = |name: &[u8]| header::first(data, hdr.clone(), name);
    let text = |out: &mut Vec<u8>, name: &[u8]| match get(name) {
        Some(v) => clean_string(out, &header::unfold(v)),
        None => out.extend_from_slice(b"NIL"),
    };
    let from = get(b"from").map(parse).unwrap_or_default();
    out.push(b'(');
    text(out, b"date");
    out.push(b' ');
    text(out, b"subject");
    for name in [&b"from"[..], b"sender", b"reply-to", b"to", b"cc", b"bcc"] {
        out.push(b' ');
        let list = if name == b"from" {
            from.clone()
        } else {
            let l = get(name).map(parse).unwrap_or_default();
            // RFC 3501: absent or empty Sender/Reply-To take the From value.
            if l.is_empty() && (name == b"sender" || name == b"reply-to") {
                from.clone()
            } else {
                l
            }
        };
        write_list(out, &list);
    }
    out.push(b' ');
    text(out, b"in-reply-to");
    out.push(b' ');
    text(out, b"message-id");
    out.push(b')');
}

/// A string for the response; NUL cannot travel in a quoted string or literal, so it is
/// replaced (as Dovecot replaces it with 0x80).
pub(crate) fn clean_string(out: &mut Vec<u8>, v: &[u8]) {
    if v.contains(&0) {
        let v: Vec<u8> = v.iter().map(|&b| if b == 0 { 0x80 } else { b }).collect();
        wire::string(out, &v);
    } else {
        wire::string(out, v);
    }
}

fn clean_nstring(out: &mut Vec<u8>, v: Option<&[u8]>) {
    match v {
        Some(v) => clean_string(out, v),
        None => out.extend_from_slice(b"NIL"),
    }
}

/// One element of an address list: a mailbox, or a group start/end marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    Mailbox {
        name: Option<Vec<u8>>,
        adl: Option<Vec<u8>>,
        mailbox: Vec<u8>,
        host: Vec<u8>,
    },
    GroupStart(Vec<u8>),
    GroupEnd,
}

fn write_list(out: &mut Vec<u8>, list: &[Address]) {
    if list.is_empty() {
        out.extend_from_slice(b"NIL");
        return;
    }
    out.push(b'(');
    for a in list {
        match a {
            Address::Mailbox {
                name,
                adl,
                mailbox,
                host,
            } => {
                out.push(b'(');
                clean_nstring(out, name.as_deref());
                out.push(b' ');
                clean_nstring(out, adl.as_deref());
                out.push(b' ');
                clean_string(out, mailbox);
                out.push(b' ');
                clean_string(out, host);
                out.push(b')');
            }
            Address::GroupStart(name) => {
                out.extend_from_slice(b"(NIL NIL ");
                clean_string(out, name);
                out.extend_from_slice(b" NIL)");
            }
            Address::GroupEnd => out.extend_from_slice(b"(NIL NIL NIL NIL)"),
        }
    }
    out.push(b')');
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    /// An atom, or a quoted string's content (`quoted` keeps it apart for local parts).
    Word(Vec<u8>, bool),
    Comment(Vec<u8>),
    Special(u8),
    /// `[...]` domain literal, brackets kept.
    Literal(Vec<u8>),
}

/// Splits a header value into RFC 5322 §3.2 lexical tokens, leniently: an unterminated
/// quoted string, comment or domain literal runs to the end of the value.
fn tokens(v: &[u8]) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < v.len() {
        let b = v[i];
        let (tok, next) = match b {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'"' => quoted_string(v, i + 1),
            b'(' => comment(v, i),
            b'[' => domain_literal(v, i),
            b'<' | b'>' | b'@' | b',' | b';' | b':' | b'.' | b')' | b']' | b'\\' => {
                (Tok::Special(b), i + 1)
            }
            _ => atom(v, i),
        };
        out.push(tok);
        i = next;
    }
    out
}

/// The content of a quoted string starting after its opening quote (RFC 5322 §3.2.4):
/// quoted-pairs unescaped, folding removed.
fn quoted_string(v: &[u8], mut i: usize) -> (Tok, usize) {
    let mut w = Vec::new();
    while i < v.len() && v[i] != b'"' {
        if v[i] == b'\\' && i + 1 < v.len() {
            i += 1;
        }
        if v[i] != b'\r' && v[i] != b'\n' {
            w.push(v[i]);
        }
        i += 1;
    }
    (Tok::Word(w, true), i + 1)
}

/// A comment starting at its `(`, nested comments included (RFC 5322 §3.2.2).
fn comment(v: &[u8], mut i: usize) -> (Tok, usize) {
    let mut depth = 0usize;
    let mut w = Vec::new();
    while i < v.len() {
        let c = v[i];
        if c == b'\\' && i + 1 < v.len() {
            w.push(v[i + 1]);
            i += 2;
            continue;
        }
        if c == b'(' {
            depth += 1;
            if depth == 1 {
                i += 1;
                continue;
            }
        } else if c == b')' {
            depth -= 1;
            if depth == 0 {
                i += 1;
                break;
            }
        }
        if c != b'\r' && c != b'\n' {
            w.push(c);
        }
        i += 1;
    }
    (Tok::Comment(w), i)
}

/// A `[...]` domain literal starting at its `[`, brackets kept (RFC 5322 §3.4.1).
fn domain_literal(v: &[u8], start: usize) -> (Tok, usize) {
    let mut i = start;
    while i < v.len() && v[i] != b']' {
        i += 1;
    }
    i = (i + 1).min(v.len());
    (Tok::Literal(v[start..i].to_vec()), i)
}

/// An atom: everything up to white space or a special (RFC 5322 §3.2.3).
fn atom(v: &[u8], start: usize) -> (Tok, usize) {
    let special = |b: u8| {
        matches!(
            b,
            b' ' | b'\t'
                | b'\r'
                | b'\n'
                | b'"'
                | b'('
                | b'['
                | b'<'
                | b'>'
                | b'@'
                | b','
                | b';'
                | b':'
                | b'.'
                | b')'
                | b']'
                | b'\\'
        )
    };
    let len = v[start..]
        .iter()
        .position(|&b| special(b))
        .unwrap_or(v.len() - start);
    (
        Tok::Word(v[start..start + len].to_vec(), false),
        start + len,
    )
}

/// Parses an address-list (RFC 5322 §3.4), leniently.
pub fn parse(v: &[u8]) -> Vec<Address> {
    let toks = tokens(v);
    let mut out = Vec::new();
    let mut in_group = false;
    let mut i = 0;
    while i < toks.len() && out.len() < MAX_ADDRESSES {
        // One item runs to the next top-level `,` or `;` (outside `<...>`).
        let start = i;
        let mut angle = false;
        let mut group_colon = None;
        while i < toks.len() {
            match toks[i] {
                Tok::Special(b'<') => angle = true,
                Tok::Special(b'>') => angle = false,
                Tok::Special(b',') | Tok::Special(b';') if !angle => break,
                Tok::Special(b':') if !angle && !in_group && group_colon.is_none() => {
                    let before = &toks[start..i];
                    if !before.contains(&Tok::Special(b'@')) {
                        group_colon = Some(i);
                    }
                }
                _ => {}
            }
            i += 1;
        }
        let mut item = &toks[start..i];
        if let Some(c) = group_colon {
            out.push(Address::GroupStart(
                phrase(&toks[start..c]).unwrap_or_default(),
            ));
            in_group = true;
            item = &toks[c + 1..i];
        }
        if let Some(a) = mailbox(item) {
            out.push(a);
        }
        if i < toks.len() && toks[i] == Tok::Special(b';') && in_group {
            out.push(Address::GroupEnd);
            in_group = false;
        }
        i += 1;
    }
    if in_group && out.len() <= MAX_ADDRESSES {
        out.push(Address::GroupEnd);
    }
    out
}

/// Words of a display name joined by single spaces; `.` kept (obsolete phrase syntax).
fn phrase(toks: &[Tok]) -> Option<Vec<u8>> {
    let mut out: Vec<u8> = Vec::new();
    for t in toks {
        match t {
            Tok::Word(w, _) => {
                if !out.is_empty() {
                    out.push(b' ');
                }
                out.extend_from_slice(w);
            }
            Tok::Special(b'.') => out.push(b'.'),
            _ => {}
        }
    }
    (!out.is_empty()).then_some(out)
}

fn mailbox(item: &[Tok]) -> Option<Address> {
    if item.iter().all(|t| matches!(t, Tok::Comment(_))) {
        return None;
    }
    let comment = item.iter().rev().find_map(|t| match t {
        Tok::Comment(c) if !c.is_empty() => Some(c.clone()),
        _ => None,
    });
    let (name, spec) = match item.iter().position(|t| *t == Tok::Special(b'<')) {
        Some(lt) => {
            let end = item[lt..]
                .iter()
                .position(|t| *t == Tok::Special(b'>'))
                .map_or(item.len(), |e| lt + e);
            (phrase(&item[..lt]).or(comment), &item[lt + 1..end])
        }
        None => (comment, item),
    };
    // Obsolete source route `@a,@b:` before the addr-spec.
    let (adl, spec) = match spec.iter().position(|t| *t == Tok::Special(b':')) {
        Some(c) if spec.first() == Some(&Tok::Special(b'@')) => {
            (Some(flat(&spec[..c], false)), &spec[c + 1..])
        }
        _ => (None, spec),
    };
    let (local, domain) = match spec.iter().rposition(|t| *t == Tok::Special(b'@')) {
        Some(at) => (&spec[..at], &spec[at + 1..]),
        None => (spec, &spec[spec.len()..]),
    };
    let mailbox = flat(local, true);
    let host = flat(domain, false);
    if mailbox.is_empty() && host.is_empty() && name.is_none() {
        return None;
    }
    Some(Address::Mailbox {
        name,
        adl,
        mailbox,
        host,
    })
}

/// Concatenates the tokens of a local part or domain as written, comments dropped; a
/// quoted local part keeps its quotes so the address stays what was sent.
fn flat(toks: &[Tok], local: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for t in toks {
        match t {
            Tok::Word(w, true) if local => {
                out.push(b'"');
                for &b in w {
                    if b == b'"' || b == b'\\' {
                        out.push(b'\\');
                    }
                    out.push(b);
                }
                out.push(b'"');
            }
            Tok::Word(w, _) | Tok::Literal(w) => out.extend_from_slice(w),
            Tok::Special(s) if matches!(s, b'.' | b'@' | b',') => out.push(*s),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mb(name: Option<&str>, mailbox: &str, host: &str) -> Address {
        Address::Mailbox {
            name: name.map(|n| n.as_bytes().to_vec()),
            adl: None,
            mailbox: mailbox.as_bytes().to_vec(),
            host: host.as_bytes().to_vec(),
        }
    }

    #[test]
    fn address_forms() {
        assert_eq!(
            parse(b"\"Doe, John\" <john@example.com>, jane@example.org (Jane D)"),
            vec![
                mb(Some("Doe, John"), "john", "example.com"),
                mb(Some("Jane D"), "jane", "example.org"),
            ]
        );
        assert_eq!(
            parse(b"=?utf-8?q?J=C3=B6rg?= <j@x.de>"),
            vec![mb(Some("=?utf-8?q?J=C3=B6rg?="), "j", "x.de")]
        );
        assert_eq!(
            parse(b"undisclosed-recipients:;"),
            vec![
                Address::GroupStart(b"undisclosed-recipients".to_vec()),
                Address::GroupEnd
            ]
        );
        assert_eq!(
            parse(b"Team: a@x.org, B <b@y.org>; c@z.org"),
            vec![
                Address::GroupStart(b"Team".to_vec()),
                mb(None, "a", "x.org"),
                mb(Some("B"), "b", "y.org"),
                Address::GroupEnd,
                mb(None, "c", "z.org"),
            ]
        );
        let routed = parse(b"<@relay.net,@r2.net:user@host.org>");
        assert_eq!(
            routed,
            vec![Address::Mailbox {
                name: None,
                adl: Some(b"@relay.net,@r2.net".to_vec()),
                mailbox: b"user".to_vec(),
                host: b"host.org".to_vec(),
            }]
        );
        assert_eq!(parse(b"\"a b\"@x.org"), vec![mb(None, "\"a b\"", "x.org")]);
        assert_eq!(parse(b"localonly"), vec![mb(None, "localonly", "")]);
        assert_eq!(
            parse(b"John Q. Public <jqp@example.com>"),
            vec![mb(Some("John Q. Public"), "jqp", "example.com")]
        );
        assert!(parse(b" , ,(c)").is_empty());
        // Unterminated group still closes.
        assert_eq!(parse(b"G: a@b").last(), Some(&Address::GroupEnd));
    }
}
