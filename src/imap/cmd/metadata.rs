//! RFC 5464 METADATA and METADATA-SERVER: GETMETADATA (MAXSIZE, DEPTH) and SETMETADATA on a
//! mailbox or the server (`""`), and the `* METADATA` lines RFC 9590's LIST
//! `RETURN (METADATA (...))` adds. `/shared/admin` of the server is the postmaster's address,
//! computed and read-only; every other entry is the user's (private and shared are one user's
//! here: nothing is shared between accounts). Not here: entry-name syntax (the parser), where
//! entries live and their caps (the store).

use crate::imap::cmd::{mailbox::name_or_no, names, store_error};
use crate::imap::command::MetadataDepth;
use crate::imap::session::{Action, Session};
use crate::imap::wire;

/// RFC 5464 §3.2.1.2: how to reach the server's administrator, as a URI.
const ADMIN: &str = "/shared/admin";

/// The store's name for a wire mailbox name: `""` stays the server.
fn store_name(s: &Session, tag: &str, wire: &str, out: &mut Vec<u8>) -> Option<String> {
    if wire.is_empty() {
        return Some(String::new());
    }
    name_or_no(s, tag, wire, out)
}

/// Entries of `mailbox` with the server's computed ones added.
fn all_entries(s: &mut Session, mailbox: &str) -> Result<Vec<(String, Vec<u8>)>, String> {
    let acc = s.account.as_mut().ok_or_else(String::new)?;
    let mut have = acc.metadata(mailbox).map_err(|e| store_error(&e))?;
    if mailbox.is_empty() {
        have.retain(|(k, _)| k != ADMIN);
        let admin = format!("mailto:postmaster@{}", s.cfg.hostname);
        have.push((ADMIN.to_string(), admin.into_bytes()));
        have.sort();
    }
    Ok(have)
}

/// Whether `name` is what a request for `entry` at `depth` returns.
fn wanted(entry: &str, name: &str, depth: MetadataDepth) -> bool {
    if name == entry {
        return true;
    }
    let Some(below) = name.strip_prefix(entry).and_then(|r| r.strip_prefix('/')) else {
        return false;
    };
    match depth {
        MetadataDepth::Zero => false,
        MetadataDepth::One => !below.contains('/'),
        MetadataDepth::Infinity => true,
    }
}

/// `* METADATA mailbox (entry value ...)`.
fn write_line(out: &mut Vec<u8>, mailbox: &str, found: &[(&str, Option<&[u8]>)]) {
    out.extend_from_slice(b"* METADATA ");
    if mailbox.is_empty() {
        out.extend_from_slice(b"\"\"");
    } else {
        names::write(out, mailbox);
    }
    out.extend_from_slice(b" (");
    for (i, (k, v)) in found.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        wire::astring(out, k.as_bytes());
        out.push(b' ');
        wire::nstring(out, *v);
    }
    out.extend_from_slice(b")\r\n");
}

/// Entries as a `* METADATA` line shows them: NIL for one asked for that does not exist.
type Found<'a> = Vec<(&'a str, Option<&'a [u8]>)>;

/// The found entries for `requested`: each that exists at `depth`, NIL for a requested one
/// that does not (as Dovecot answers). Also the largest value left out by `maxsize`.
fn select<'a>(
    have: &'a [(String, Vec<u8>)],
    requested: &'a [String],
    depth: MetadataDepth,
    maxsize: Option<u32>,
) -> (Found<'a>, usize) {
    let mut found: Found<'a> = Vec::new();
    let mut longest = 0;
    for entry in requested {
        let mut any = false;
        for (k, v) in have.iter().filter(|(k, _)| wanted(entry, k, depth)) {
            any = true;
            if maxsize.is_some_and(|m| v.len() > m as usize) {
                longest = longest.max(v.len());
            } else if !found.iter().any(|(f, _)| f == k) {
                found.push((k, Some(v)));
            }
        }
        if !any && !found.iter().any(|(f, _)| f == entry) {
            found.push((entry, None));
        }
    }
    (found, longest)
}

pub(crate) fn get(
    s: &mut Session,
    tag: &str,
    wire: &str,
    requested: &[String],
    maxsize: Option<u32>,
    depth: MetadataDepth,
    out: &mut Vec<u8>,
) -> Option<Action> {
    let mailbox = store_name(s, tag, wire, out)?;
    let have = match all_entries(s, &mailbox) {
        Ok(h) => h,
        Err(e) => {
            Session::tagged(out, tag, &e);
            return None;
        }
    };
    let (found, longest) = select(&have, requested, depth, maxsize);
    if !found.is_empty() {
        write_line(out, &mailbox, &found);
    }
    let status = if longest > 0 {
        format!("OK [METADATA LONGENTRIES {longest}] GETMETADATA completed")
    } else {
        "OK GETMETADATA completed".to_string()
    };
    s.finish(tag, true, &status, out);
    None
}

pub(crate) fn set(
    s: &mut Session,
    tag: &str,
    wire: &str,
    entries: &[(String, Option<Vec<u8>>)],
    out: &mut Vec<u8>,
) -> Option<Action> {
    let mailbox = store_name(s, tag, wire, out)?;
    if mailbox.is_empty() && entries.iter().any(|(k, _)| k == ADMIN) {
        Session::tagged(
            out,
            tag,
            "NO /shared/admin is set by the server administrator",
        );
        return None;
    }
    let acc = s.account.as_mut()?;
    match acc.set_metadata(&mailbox, entries) {
        Ok(()) => s.finish(tag, true, "OK SETMETADATA completed", out),
        Err(e) => s.finish(tag, true, &store_error(&e), out),
    }
    None
}

/// RFC 9590: the `* METADATA` line for one listed mailbox (nothing if it cannot be read:
/// a `\NoSelect` parent has no entries).
pub(crate) fn list_line(s: &mut Session, mailbox: &str, requested: &[String], out: &mut Vec<u8>) {
    if let Ok(have) = all_entries(s, mailbox) {
        let (found, _) = select(&have, requested, MetadataDepth::Zero, None);
        write_line(out, mailbox, &found);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_picks_the_entry_its_children_or_everything_below() {
        use MetadataDepth::*;
        assert!(wanted("/shared/a", "/shared/a", Zero));
        assert!(!wanted("/shared/a", "/shared/a/b", Zero));
        assert!(wanted("/shared/a", "/shared/a/b", One));
        assert!(!wanted("/shared/a", "/shared/a/b/c", One));
        assert!(wanted("/shared/a", "/shared/a/b/c", Infinity));
        assert!(!wanted("/shared/a", "/shared/ab", Infinity));
    }
}
