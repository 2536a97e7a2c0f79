//! Mailbox names between the wire and the store. On the wire (IMAP4rev1) names are modified
//! UTF-7 (RFC 3501 §5.1.3); the store takes UTF-8 with `/` as the hierarchy delimiter and
//! refuses what a client must never be able to name (escapes from the Maildir, control
//! characters, wildcards: [`crate::imap::store`]'s `resolve`). Here only the encoding.

use crate::maildir::utf7;

pub const DELIMITER: char = '/';

/// The canonical UTF-8 name for a wire name (`inbox` becomes `INBOX`).
pub fn decode(wire: &str) -> Result<String, String> {
    // 8-bit names are UTF-8 (what RFC 9051 clients and UTF8=ACCEPT send); 7-bit ones are
    // modified UTF-7, strictly decoded so each folder has exactly one wire form.
    let name = if wire.is_ascii() {
        utf7::decode(wire)
            .map_err(|e| format!("mailbox name '{wire}' is not valid modified UTF-7: {e}"))?
    } else {
        wire.to_string()
    };
    Ok(crate::imap::store::canonical_name(&name))
}

/// The wire form of a store name, as an astring.
pub fn write(out: &mut Vec<u8>, name: &str) {
    crate::imap::wire::astring(out, utf7::encode(name).as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_in_as_utf7_or_utf8() {
        assert_eq!(decode("inbox").unwrap(), "INBOX");
        assert_eq!(decode("Inbox/Sub").unwrap(), "INBOX/Sub");
        assert_eq!(decode("Entw&APw-rfe").unwrap(), "Entwürfe");
        assert_eq!(decode("Entwürfe").unwrap(), "Entwürfe");
        // Refusing escapes is the store's job (session tests cover it end to end).
        assert!(decode("&Jjo").is_err());
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
