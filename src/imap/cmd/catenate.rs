//! CATENATE (RFC 4469): an APPEND whose message is built from text parts and IMAP URLs
//! (RFC 5092) naming messages or sections in the user's own mailboxes. A URL naming another
//! user or server, a mailbox that does not exist, a UIDVALIDITY that does not match or a
//! UID that is gone is `[BADURL]`; a result larger than APPENDLIMIT is `[TOOBIG]`.
//!
//! Not here: URL syntax (`crate::imap::parse::url`), storing the result (`append`).

use crate::imap::command::CatPart;
use crate::imap::mailstore::{MailStore, Mailbox};
use crate::imap::message::{Message, partial};
use crate::imap::parse::{ImapUrl, parse_url};

/// Whose mail a URL may name: the logged-in user on this server.
pub(crate) struct Owner<'a> {
    pub user: &'a str,
    pub hostname: &'a str,
}

/// Builds one CATENATE message; the error is the tagged reply's text (`NO [...] ...`).
pub(crate) fn build(
    acc: &mut dyn MailStore,
    owner: &Owner<'_>,
    parts: &[CatPart],
    limit: u64,
) -> Result<Vec<u8>, String> {
    let mut msg = Vec::new();
    // Parts often come from one mailbox: open it once.
    let mut open: Option<(String, Mailbox)> = None;
    for p in parts {
        match p {
            CatPart::Text(t, _) => msg.extend_from_slice(t),
            CatPart::Url(url) => {
                let bytes = resolve(acc, owner, url, &mut open)
                    .map_err(|why| format!("NO [BADURL {}] {why}", resp_text(url)))?;
                msg.extend_from_slice(&bytes);
            }
        }
        if msg.len() as u64 > limit {
            return Err(format!(
                "NO [TOOBIG] the catenated message is larger than {limit} bytes"
            ));
        }
    }
    Ok(msg)
}

/// The bytes a URL names.
fn resolve(
    acc: &mut dyn MailStore,
    owner: &Owner<'_>,
    url: &str,
    open: &mut Option<(String, Mailbox)>,
) -> Result<Vec<u8>, String> {
    let u = parse_url(url)?;
    check_authority(owner, &u)?;
    let name = super::names::decode(&u.mailbox, true)?;
    if open.as_ref().is_none_or(|(n, _)| *n != name) {
        // EXAMINE-like: claims no \Recent, changes nothing.
        let mb = acc.select(&name, true).map_err(|e| e.to_string())?;
        *open = Some((name.clone(), mb));
    }
    let Some((_, mb)) = open.as_ref() else {
        return Err("no such mailbox".into());
    };
    if u.uidvalidity.is_some_and(|v| v != mb.uidvalidity) {
        return Err(format!("UIDVALIDITY of {name} is {}", mb.uidvalidity));
    }
    let seq = mb
        .seq_of_uid(u.uid)
        .ok_or_else(|| format!("no message with UID {} in {name}", u.uid))?;
    let raw = acc.read(mb, seq).map_err(|e| e.to_string())?;
    let m = Message::new(&raw);
    let data = match &u.section {
        Some(sec) => m.section(sec).ok_or("no such section")?,
        None => std::borrow::Cow::Borrowed(m.as_bytes()),
    };
    Ok(match u.partial {
        Some((off, len)) => partial(&data, off, len.unwrap_or(u32::MAX)).to_vec(),
        None => data.into_owned(),
    })
}

/// An absolute URL must name this session's user on this server.
fn check_authority(owner: &Owner<'_>, u: &ImapUrl) -> Result<(), String> {
    let Some((user, host)) = &u.authority else {
        return Ok(());
    };
    let me = owner.user;
    let local = me.split('@').next().unwrap_or_default();
    if !user.eq_ignore_ascii_case(me) && !user.eq_ignore_ascii_case(local) {
        return Err("the URL names another user".into());
    }
    let ours = [owner.hostname, "localhost", "127.0.0.1", "[::1]"];
    if !ours.iter().any(|h| h.eq_ignore_ascii_case(host)) {
        return Err("the URL names another server".into());
    }
    Ok(())
}

/// A URL as `url-resp-text` (RFC 4469 §6): no `]` and no controls.
fn resp_text(url: &str) -> String {
    let t: String = url
        .chars()
        .filter(|&c| c != ']' && !c.is_control())
        .take(200)
        .collect();
    if t.is_empty() { "-".into() } else { t }
}
