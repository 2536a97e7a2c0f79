//! Mailbox names between the wire and the store. On the wire (IMAP4rev1) names are modified
//! UTF-7 (RFC 3501 §5.1.3); the store takes UTF-8 with `/` as the hierarchy delimiter. The
//! checks here refuse what a client must never be able to name: escapes from the Maildir
//! (`..`, absolute paths), control characters, wildcards, and invalid UTF-7. The store's
//! `folder_path` checks again; two locks on one door.

use crate::maildir::utf7;

pub const DELIMITER: char = '/';

/// The UTF-8 name for a wire name; `INBOX` in any case becomes `INBOX`.
pub fn decode(wire: &str) -> Result<String, String> {
    // 8-bit names are UTF-8 (what RFC 9051 clients and UTF8=ACCEPT send); 7-bit ones are
    // modified UTF-7, strictly decoded so each folder has exactly one wire form.
    let name = if wire.is_ascii() {
        utf7::decode(wire)
            .map_err(|e| format!("mailbox name '{wire}' is not valid modified UTF-7: {e}"))?
    } else {
        wire.to_string()
    };
    check(&name)?;
    let mut parts = name.splitn(2, DELIMITER);
    let first = parts.next().unwrap_or_default();
    if first.eq_ignore_ascii_case("INBOX") {
        return Ok(match parts.next() {
            Some(rest) => format!("INBOX/{rest}"),
            None => "INBOX".into(),
        });
    }
    Ok(name)
}

fn check(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("empty mailbox name".into());
    }
    if name.starts_with(DELIMITER) {
        return Err(format!("mailbox name '{name}' may not start with '/'"));
    }
    if name.chars().any(|c| c.is_control()) {
        return Err("mailbox name contains a control character".into());
    }
    if name.contains(['%', '*']) {
        return Err(format!(
            "mailbox name '{name}' contains a wildcard (% or *)"
        ));
    }
    for comp in name.split(DELIMITER) {
        if comp.is_empty() || comp == "." || comp == ".." {
            return Err(format!(
                "mailbox name '{name}' has an empty, '.' or '..' component"
            ));
        }
    }
    Ok(())
}

/// The wire form of a store name, as an astring.
pub fn write(out: &mut Vec<u8>, name: &str) {
    crate::imap::wire::astring(out, utf7::encode(name).as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_escape_or_cannot_be_stored_are_refused() {
        assert_eq!(decode("inbox").unwrap(), "INBOX");
        assert_eq!(decode("Inbox/Sub").unwrap(), "INBOX/Sub");
        assert_eq!(decode("Entw&APw-rfe").unwrap(), "Entwürfe");
        assert_eq!(decode("Entwürfe").unwrap(), "Entwürfe");
        for bad in [
            "../x",
            "/etc",
            "a/../../b",
            "a//b",
            "x\0y",
            "&Jjo",
            "a*",
            "%",
            "",
        ] {
            assert!(decode(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn names_go_out_in_modified_utf7() {
        let mut out = Vec::new();
        write(&mut out, "Entwürfe");
        assert_eq!(out, b"Entw&APw-rfe");
        out.clear();
        write(&mut out, "My Folder");
        assert_eq!(out, b"\"My Folder\"");
    }
}
