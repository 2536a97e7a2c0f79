//! RFC 5464 GETMETADATA and SETMETADATA, and the entry list of RFC 9590's LIST
//! `RETURN (METADATA (...))`. Entry names are checked here (RFC 5464 §3.2): they start with
//! `/private/` or `/shared/`, hold printable ASCII without `*`, `%` or an empty component.
//! Not here: which entries exist or may be written (`crate::imap::cmd::metadata`).

use super::lexer::{Cursor, PResult};
use crate::imap::command::{CommandBody, MetadataDepth};

/// Entries in one command, and octets in one entry name.
const MAX_ENTRIES: usize = 100;
const MAX_ENTRY_LEN: usize = 1024;

/// A valid entry name (RFC 5464 §3.2 and its `entry` ABNF), lowercased: entry names are
/// case-insensitive. `root` admits `/private` and `/shared` themselves, which a GETMETADATA
/// with DEPTH may start from but nothing may be stored under.
pub(crate) fn entry_name(raw: &[u8], root: bool) -> PResult<String> {
    let name = String::from_utf8_lossy(raw).to_ascii_lowercase();
    let rest = name
        .strip_prefix("/private")
        .or_else(|| name.strip_prefix("/shared"));
    let components = |r: &str| {
        r.strip_prefix('/')
            .is_some_and(|r| !r.is_empty() && r.split('/').all(|c| !c.is_empty()))
    };
    let ok = name.len() <= MAX_ENTRY_LEN
        && rest.is_some_and(|r| (root && r.is_empty()) || components(r))
        && raw
            .iter()
            .all(|&b| (0x21..0x7f).contains(&b) && b != b'*' && b != b'%');
    if ok {
        Ok(name)
    } else {
        Err(format!(
            "'{}' is not a metadata entry name (/private/... or /shared/...)",
            name.escape_debug()
        ))
    }
}

fn entry(c: &mut Cursor<'_>, root: bool) -> PResult<String> {
    let raw = c.astring("a metadata entry name")?;
    entry_name(&raw, root)
}

/// `entries = entry / "(" entry *(SP entry) ")"`.
pub(super) fn entries(c: &mut Cursor<'_>) -> PResult<Vec<String>> {
    if !c.eat(b'(') {
        return Ok(vec![entry(c, true)?]);
    }
    let mut out = Vec::new();
    loop {
        if out.len() == MAX_ENTRIES {
            return Err(format!("too many entries (at most {MAX_ENTRIES})"));
        }
        out.push(entry(c, true)?);
        if c.eat(b')') {
            return Ok(out);
        }
        c.list_sp()?;
    }
}

/// `getmetadata = "GETMETADATA" [SP getmetadata-options] SP mailbox SP entries`, options
/// `MAXSIZE n` and `DEPTH 0/1/infinity`.
pub(super) fn get(c: &mut Cursor<'_>) -> PResult<CommandBody> {
    c.sp()?;
    let (mut maxsize, mut depth) = (None, MetadataDepth::Zero);
    if c.eat(b'(') {
        loop {
            match c.keyword("MAXSIZE or DEPTH")?.as_str() {
                "MAXSIZE" => {
                    c.sp()?;
                    maxsize = Some(c.number("the MAXSIZE")?);
                }
                "DEPTH" => {
                    c.sp()?;
                    depth = match c.keyword("0, 1 or infinity")?.as_str() {
                        "0" => MetadataDepth::Zero,
                        "1" => MetadataDepth::One,
                        "INFINITY" => MetadataDepth::Infinity,
                        other => return Err(format!("DEPTH {other}: expected 0, 1 or infinity")),
                    };
                }
                other => return Err(format!("unknown GETMETADATA option {other}")),
            }
            if c.eat(b')') {
                break;
            }
            c.list_sp()?;
        }
        c.sp()?;
    }
    let mailbox = c.mailbox()?;
    c.sp()?;
    let entries = entries(c)?;
    Ok(CommandBody::GetMetadata {
        mailbox,
        entries,
        maxsize,
        depth,
    })
}

/// `setmetadata = "SETMETADATA" SP mailbox SP "(" entry SP value *(SP entry SP value) ")"`,
/// `value = nstring / literal8`.
pub(super) fn set(c: &mut Cursor<'_>) -> PResult<CommandBody> {
    c.sp()?;
    let mailbox = c.mailbox()?;
    c.sp()?;
    c.expect(b'(', "( to start the entries")?;
    let mut entries = Vec::new();
    loop {
        if entries.len() == MAX_ENTRIES {
            return Err(format!("too many entries (at most {MAX_ENTRIES})"));
        }
        let name = entry(c, false)?;
        c.sp()?;
        // literal8 (`~{n}`) carries values with NUL; the plain literal the rest.
        c.eat(b'~');
        let value = c
            .nstring("a metadata value or NIL")?
            .map(|v| v.into_owned());
        entries.push((name, value));
        if c.eat(b')') {
            return Ok(CommandBody::SetMetadata { mailbox, entries });
        }
        c.list_sp()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> PResult<CommandBody> {
        crate::imap::parse::parse_command(s.as_bytes())
            .map(|c| c.body)
            .map_err(|e| e.message)
    }

    #[test]
    fn get_and_set_with_options_and_bad_entries() {
        assert_eq!(
            parse(
                "a GETMETADATA (DEPTH infinity MAXSIZE 1024) \"\" (/shared/Comment /private/x/y)"
            )
            .unwrap(),
            CommandBody::GetMetadata {
                mailbox: String::new(),
                entries: vec!["/shared/comment".into(), "/private/x/y".into()],
                maxsize: Some(1024),
                depth: MetadataDepth::Infinity,
            }
        );
        assert_eq!(
            parse("a SETMETADATA INBOX (/private/comment {2+}\r\nhi /shared/comment NIL)").unwrap(),
            CommandBody::SetMetadata {
                mailbox: "INBOX".into(),
                entries: vec![
                    ("/private/comment".into(), Some(b"hi".to_vec())),
                    ("/shared/comment".into(), None),
                ],
            }
        );
        for bad in [
            "/comment",
            "/privatex",
            "/private/",
            "/shared//x",
            "/shared/x/",
            "/shared/*",
            "/shared/a%",
        ] {
            assert!(
                parse(&format!("a GETMETADATA INBOX {bad}")).is_err(),
                "{bad}"
            );
        }
        assert!(parse("a GETMETADATA INBOX /shared").is_ok());
        assert!(parse("a SETMETADATA INBOX (/shared \"x\")").is_err());
        assert!(parse("a GETMETADATA (DEPTH 2) INBOX /shared/comment").is_err());
    }
}
