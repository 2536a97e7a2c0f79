//! Connection-level commands with arguments: AUTHENTICATE (RFC 4959 SASL-IR), LOGIN,
//! ENABLE (RFC 5161) and ID (RFC 2971). The SASL exchange after AUTHENTICATE is not parsed
//! here: its lines reach the session as plain frames.

use super::lexer::{Cursor, PResult};
use crate::imap::command::CommandBody;

/// RFC 2971 §3.3: at most 30 field-value pairs.
const MAX_ID_PAIRS: usize = 30;
/// Most capabilities in one ENABLE.
const MAX_ENABLE: usize = 64;

/// `authenticate = "AUTHENTICATE" SP auth-type [SP (base64 / "=")]`.
pub(super) fn authenticate(c: &mut Cursor<'_>) -> PResult<CommandBody> {
    c.sp()?;
    let mechanism = c.keyword("a SASL mechanism name")?;
    let initial = if c.eat(b' ') {
        if c.eat(b'=') {
            Some("=".to_string())
        } else {
            Some(base64(c)?)
        }
    } else {
        None
    };
    Ok(CommandBody::Authenticate { mechanism, initial })
}

/// `base64 = *(4base64-char) [base64-terminal]`, checked for shape so that the session
/// only decodes well-formed input.
fn base64(c: &mut Cursor<'_>) -> PResult<String> {
    let mut s = String::new();
    while let Some(b) = c.peek() {
        if !(b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=') {
            break;
        }
        s.push(char::from(b));
        c.eat(b);
    }
    let pad = s.bytes().rev().take_while(|&b| b == b'=').count();
    let ok =
        !s.is_empty() && s.len().is_multiple_of(4) && pad <= 2 && !s[..s.len() - pad].contains('=');
    if !ok {
        return Err("the initial response is not valid base64".to_string());
    }
    Ok(s)
}

/// `login = "LOGIN" SP userid SP password`, both astrings.
pub(super) fn login(c: &mut Cursor<'_>) -> PResult<CommandBody> {
    c.sp()?;
    let user = c.astring_utf8("a user name")?;
    c.sp()?;
    let password = c.astring_utf8("a password")?;
    Ok(CommandBody::Login { user, password })
}

/// `enable = "ENABLE" 1*(SP capability)`.
pub(super) fn enable(c: &mut Cursor<'_>) -> PResult<CommandBody> {
    let mut caps = Vec::new();
    while c.eat(b' ') {
        if caps.len() == MAX_ENABLE {
            return Err(format!("too many capabilities (at most {MAX_ENABLE})"));
        }
        caps.push(c.keyword("a capability name")?);
    }
    if caps.is_empty() {
        return Err(c.expected("a capability name"));
    }
    Ok(CommandBody::Enable(caps))
}

/// `id = "ID" SP id-params-list`,
/// `id-params-list = "(" *(string SP nstring) ")" / nil`.
pub(super) fn id(c: &mut Cursor<'_>) -> PResult<CommandBody> {
    c.sp()?;
    if !c.eat(b'(') {
        let kw = c.keyword("( or NIL")?;
        if kw != "NIL" {
            return Err(format!("expected ( or NIL, found {kw}"));
        }
        return Ok(CommandBody::Id(None));
    }
    let mut pairs = Vec::new();
    // RFC 2971 allows `()`, though it means the same as NIL.
    if c.eat(b')') {
        return Ok(CommandBody::Id(Some(pairs)));
    }
    loop {
        if pairs.len() == MAX_ID_PAIRS {
            return Err(format!("too many fields (at most {MAX_ID_PAIRS})"));
        }
        let key = super::lexer::utf8(c.string("a field name")?, "a field name")?;
        c.sp()?;
        let value = match c.nstring("a field value")? {
            Some(v) => Some(super::lexer::utf8(v, "a field value")?),
            None => None,
        };
        pairs.push((key, value));
        if c.eat(b')') {
            return Ok(CommandBody::Id(Some(pairs)));
        }
        c.list_sp()?;
    }
}
