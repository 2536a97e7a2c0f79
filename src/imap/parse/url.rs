//! IMAP URLs (RFC 5092) as CATENATE (RFC 4469) names the parts it copies: a message, or a
//! section of one, in one of the user's own mailboxes, e.g.
//! `/INBOX;UIDVALIDITY=7/;UID=3/;SECTION=1.MIME/;PARTIAL=0.100`, or the same behind
//! `imap://user;AUTH=*@host`.
//!
//! Syntax only: whether the user and host are this session's, the mailbox exists and the
//! UIDVALIDITY matches is the session's to check. URLAUTH (RFC 4467: `;EXPIRE=`,
//! `;URLAUTH=`) is not supported and refused here, as is anything not in the grammar.

use super::lexer::{Cursor, PResult};
use crate::imap::command::Section;

/// Longest URL taken: a mailbox name and a section fit easily.
const MAX_URL: usize = 2048;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImapUrl {
    /// `(user, host)` of an absolute URL (`imap://user@host/...`), percent-decoded.
    pub authority: Option<(String, String)>,
    /// The mailbox name, percent-decoded (UTF-8, or modified UTF-7 as some clients send).
    pub mailbox: String,
    pub uidvalidity: Option<u32>,
    pub uid: u32,
    pub section: Option<Section>,
    /// `;PARTIAL=offset[.length]`.
    pub partial: Option<(u32, Option<u32>)>,
}

/// Parses a message or section URL; the error says what is wrong, for `[BADURL]`.
pub fn parse_url(url: &str) -> PResult<ImapUrl> {
    if url.len() > MAX_URL {
        return Err(format!("URL longer than {MAX_URL} octets"));
    }
    let (authority, path) = match strip_prefix_ci(url, "imap://") {
        Some(rest) => {
            let slash = rest.find('/').ok_or("no mailbox in the URL")?;
            (Some(authority(&rest[..slash])?), &rest[slash..])
        }
        None => (None, url),
    };
    let path = path
        .strip_prefix('/')
        .ok_or("a URL must be absolute or start with /")?;
    let lower = path.to_ascii_lowercase();
    let at = lower
        .find("/;uid=")
        .ok_or("the URL names no message (;UID=)")?;
    let (mut mailbox_part, params) = (&path[..at], &path[at + 2..]);
    let mut uidvalidity = None;
    if let Some(i) = lower[..at].find(";uidvalidity=") {
        uidvalidity = Some(nz(&mailbox_part[i + 13..], "UIDVALIDITY")?);
        mailbox_part = &mailbox_part[..i];
    }
    if mailbox_part.is_empty() {
        return Err("the URL names no mailbox".into());
    }
    let mailbox = String::from_utf8(pct_decode(mailbox_part)?)
        .map_err(|_| "the mailbox in the URL is not UTF-8".to_string())?;
    let mut u = ImapUrl {
        authority,
        mailbox,
        uidvalidity,
        uid: 0,
        section: None,
        partial: None,
    };
    for (i, p) in params.split("/;").enumerate() {
        let (k, v) = p
            .split_once('=')
            .ok_or_else(|| format!("'{p}' is not key=value"))?;
        match (i, k.to_ascii_uppercase().as_str()) {
            (0, "UID") => u.uid = nz(v, "UID")?,
            (1, "SECTION") if u.partial.is_none() => u.section = Some(section(v)?),
            (1 | 2, "PARTIAL") if u.partial.is_none() => u.partial = Some(partial(v)?),
            (_, "EXPIRE" | "URLAUTH") => return Err("URLAUTH is not supported".into()),
            _ => return Err(format!("unexpected ;{k}= in the URL")),
        }
    }
    Ok(u)
}

/// `iuserinfo "@" host [":" port]`, where the user is required: an anonymous URL names
/// nobody's mailboxes this session may read.
fn authority(a: &str) -> PResult<(String, String)> {
    let (userinfo, hostport) = a.rsplit_once('@').ok_or("the URL names no user")?;
    let user = match userinfo.find(';') {
        Some(i) => {
            let auth = &userinfo[i..];
            let kind = strip_prefix_ci(auth, ";AUTH=").unwrap_or_default();
            let atom = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
            if kind != "*" && (kind.is_empty() || !kind.bytes().all(atom)) {
                return Err("bad ;AUTH= in the URL".into());
            }
            &userinfo[..i]
        }
        None => userinfo,
    };
    let host = match hostport.rsplit_once(':') {
        Some((h, port)) if !h.ends_with(']') || hostport.starts_with('[') => {
            port.parse::<u16>()
                .map_err(|_| "bad port in the URL".to_string())?;
            h
        }
        _ => hostport,
    };
    let user = String::from_utf8(pct_decode(user)?).map_err(|_| "user is not UTF-8")?;
    if user.is_empty() || host.is_empty() {
        return Err("the URL names no user or host".into());
    }
    Ok((user, host.to_ascii_lowercase()))
}

fn section(v: &str) -> PResult<Section> {
    let text = pct_decode(v)?;
    let mut spec = Vec::with_capacity(text.len() + 2);
    spec.push(b'[');
    spec.extend_from_slice(&text);
    spec.push(b']');
    let mut c = Cursor::new(&spec);
    let s = super::fetch::section(&mut c).map_err(|e| format!("bad ;SECTION=: {e}"))?;
    c.end().map_err(|e| format!("bad ;SECTION=: {e}"))?;
    Ok(s)
}

fn partial(v: &str) -> PResult<(u32, Option<u32>)> {
    let (o, l) = match v.split_once('.') {
        Some((o, l)) => (o, Some(l)),
        None => (v, None),
    };
    let num = |s: &str| {
        if s.is_empty() || s.len() > 10 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("bad ;PARTIAL={v}"));
        }
        s.parse::<u32>().map_err(|_| format!("bad ;PARTIAL={v}"))
    };
    Ok((num(o)?, l.map(num).transpose()?))
}

/// A non-zero 32-bit number, digits only.
fn nz(v: &str, what: &str) -> PResult<u32> {
    match v.parse::<u32>() {
        Ok(n) if n > 0 && v.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        _ => Err(format!("bad {what} '{v}' in the URL")),
    }
}

/// `%XX` escapes decoded; a `%` without two hex digits is an error.
fn pct_decode(s: &str) -> PResult<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or("bad %-escape in the URL")?;
            out.push(hex);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Ok(out)
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}
