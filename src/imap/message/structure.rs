//! BODY and BODYSTRUCTURE (RFC 3501 §7.4.2, RFC 9051 §7.5.2) of a walked message: basic,
//! text (with line count), message/rfc822 (envelope, nested body, lines) and multipart
//! bodies, and with `extensible` the extension data (MD5 always NIL, disposition,
//! language, location; parameters for multiparts).
//!
//! Types, subtypes, parameter names and values go out as written in the message (Dovecot
//! does the same); sizes and line counts are of the canonical CRLF body. It does not decode
//! RFC 2231 parameters.

use super::envelope::{self, clean_string};
use super::header::{self, Params};
use super::{Kind, Message, Part};

impl Message<'_> {
    /// Appends BODY (`extensible == false`) or BODYSTRUCTURE (`true`).
    pub fn body_structure(&self, out: &mut Vec<u8>, extensible: bool) {
        write(out, self.data(), self.tree(), extensible);
    }
}

fn write(out: &mut Vec<u8>, data: &[u8], part: &Part, ext: bool) {
    let field = |name: &[u8]| header::first(data, part.header.clone(), name);
    out.push(b'(');
    if let Kind::Multipart(children) = &part.kind {
        for c in children {
            write(out, data, c, ext);
        }
        out.push(b' ');
        clean_string(out, &part.ctype.sub);
        if ext {
            out.push(b' ');
            params(out, &part.ctype);
            extension(out, data, part);
        }
        out.push(b')');
        return;
    }
    clean_string(out, &part.ctype.main);
    out.push(b' ');
    clean_string(out, &part.ctype.sub);
    out.push(b' ');
    params(out, &part.ctype);
    out.push(b' ');
    text_field(out, field(b"content-id"));
    out.push(b' ');
    text_field(out, field(b"content-description"));
    out.push(b' ');
    match field(b"content-transfer-encoding").map(header::unfold) {
        Some(e) if !e.is_empty() => clean_string(out, &e),
        _ => out.extend_from_slice(b"\"7BIT\""),
    }
    out.push(b' ');
    let body = &data[part.body.clone()];
    out.extend_from_slice(body.len().to_string().as_bytes());
    match &part.kind {
        Kind::Message(inner) => {
            out.push(b' ');
            envelope::write(out, data, inner.header.clone());
            out.push(b' ');
            write(out, data, inner, ext);
            out.push(b' ');
            out.extend_from_slice(lines(body).to_string().as_bytes());
        }
        _ if part.ctype.main.eq_ignore_ascii_case(b"text") => {
            out.push(b' ');
            out.extend_from_slice(lines(body).to_string().as_bytes());
        }
        _ => {}
    }
    if ext {
        out.extend_from_slice(b" NIL");
        extension(out, data, part);
    }
    out.push(b')');
}

/// Disposition, language and location, each preceded by a space.
fn extension(out: &mut Vec<u8>, data: &[u8], part: &Part) {
    let field = |name: &[u8]| header::first(data, part.header.clone(), name);
    out.push(b' ');
    match field(b"content-disposition").and_then(|v| header::params(v, false)) {
        Some(d) => {
            out.push(b'(');
            clean_string(out, &d.main);
            out.push(b' ');
            params(out, &d);
            out.push(b')');
        }
        None => out.extend_from_slice(b"NIL"),
    }
    out.push(b' ');
    let langs = field(b"content-language")
        .map(header::token_list)
        .unwrap_or_default();
    if langs.is_empty() {
        out.extend_from_slice(b"NIL");
    } else {
        out.push(b'(');
        for (i, l) in langs.iter().enumerate() {
            if i > 0 {
                out.push(b' ');
            }
            clean_string(out, l);
        }
        out.push(b')');
    }
    out.push(b' ');
    text_field(out, field(b"content-location"));
}

fn text_field(out: &mut Vec<u8>, v: Option<&[u8]>) {
    match v.map(header::unfold) {
        Some(v) => clean_string(out, &v),
        None => out.extend_from_slice(b"NIL"),
    }
}

fn params(out: &mut Vec<u8>, p: &Params) {
    if p.params.is_empty() {
        out.extend_from_slice(b"NIL");
        return;
    }
    out.push(b'(');
    for (i, (n, v)) in p.params.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        clean_string(out, n);
        out.push(b' ');
        clean_string(out, v);
    }
    out.push(b')');
}

/// Lines of a body: its line breaks, plus one for a last line without one.
pub fn lines(body: &[u8]) -> usize {
    let n = memchr::memchr_iter(b'\n', body).count();
    if body.last().is_some_and(|&b| b != b'\n') {
        n + 1
    } else {
        n
    }
}
