//! Mailbox names between the wire and the store, and the one check every name and LIST
//! pattern from a client passes (RFC 3501 §5.1, RFC 9051 §5.1 with RFC 5198 Net-Unicode):
//! 7-bit names are modified UTF-7 (RFC 3501 §5.1.3), strictly decoded so each folder has
//! exactly one wire form; raw 8-bit (UTF-8) names only once the client has enabled
//! IMAP4rev2 or UTF8=ACCEPT (RFC 6855 §3), and only then do names go out as UTF-8 quoted
//! strings; and no control characters (C0, DEL, C1) nor
//! U+2028/U+2029, however they were encoded. The store takes UTF-8 with `/` as the
//! hierarchy delimiter and refuses what could escape the Maildir or cannot be stored
//! (`crate::imap::backend`'s `resolve`). Not here: wildcard matching (`list`).

use crate::maildir::utf7;

pub const DELIMITER: char = '/';

/// Characters no mailbox name may hold: RFC 9051 §5.1 forbids the controls, and RFC 5198
/// (Net-Unicode) the line and paragraph separators, which break lines in logs and UIs.
fn forbidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// A wire name or LIST pattern as UTF-8, refused unless it passes the check above; `utf8`
/// says whether the client may send raw 8-bit (it enabled IMAP4rev2).
pub fn decode_text(wire: &str, utf8: bool) -> Result<String, String> {
    let text = if wire.is_ascii() {
        utf7::decode(wire)
            .map_err(|e| format!("mailbox name '{wire}' is not valid modified UTF-7: {e}"))?
    } else if utf8 {
        wire.to_string()
    } else {
        return Err(format!(
            "mailbox name '{}' has 8-bit characters: send it in modified UTF-7, or ENABLE IMAP4rev2 first",
            wire.escape_debug()
        ));
    };
    clean(text)
}

/// A wire name or pattern under UTF8=ACCEPT (RFC 6855 §3): UTF-8 as it is, no modified
/// UTF-7 decoding (`&` is just `&`), the same characters refused.
pub fn decode_text_utf8(wire: &str) -> Result<String, String> {
    clean(wire.to_string())
}

fn clean(text: String) -> Result<String, String> {
    if let Some(c) = text.chars().find(|&c| forbidden(c)) {
        return Err(format!(
            "mailbox name '{}' contains {} (control characters and line separators are not allowed)",
            text.escape_debug(),
            c.escape_unicode()
        ));
    }
    Ok(text)
}

/// The canonical UTF-8 name for a wire name in a session that may have enabled UTF8=ACCEPT.
pub fn decode_in(wire: &str, eight_bit: bool, utf8_accept: bool) -> Result<String, String> {
    if utf8_accept {
        return Ok(crate::imap::mailstore::canonical_name(&decode_text_utf8(
            wire,
        )?));
    }
    decode(wire, eight_bit)
}

/// The canonical UTF-8 name for a wire name (`inbox` becomes `INBOX`).
pub fn decode(wire: &str, utf8: bool) -> Result<String, String> {
    Ok(crate::imap::mailstore::canonical_name(&decode_text(
        wire, utf8,
    )?))
}

/// The wire form of a store name, as an astring.
pub fn write(out: &mut Vec<u8>, name: &str) {
    crate::imap::wire::astring(out, utf7::encode(name).as_bytes());
}

/// [`write`], or with `utf8` (the client enabled UTF8=ACCEPT, RFC 6855 §3) the name as it
/// is: an atom if it is one, else a quoted string, which may then hold UTF-8.
pub fn write_in(out: &mut Vec<u8>, name: &str, utf8: bool) {
    if !utf8 || name.bytes().all(|b| b.is_ascii() && b != b'&') {
        return write(out, name);
    }
    // Names hold no controls (checked on the way in), so quoting is always possible.
    out.push(b'"');
    for b in name.bytes() {
        if b == b'"' || b == b'\\' {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_in_as_utf7_or_utf8() {
        assert_eq!(decode("inbox", false).unwrap(), "INBOX");
        assert_eq!(decode("Inbox/Sub", false).unwrap(), "INBOX/Sub");
        assert_eq!(decode("Entw&APw-rfe", false).unwrap(), "Entwürfe");
        assert_eq!(decode("Entwürfe", true).unwrap(), "Entwürfe");
        // Refusing escapes is the store's job (session tests cover it end to end).
        assert!(decode("&Jjo", false).is_err());
    }

    #[test]
    fn eight_bit_needs_imap4rev2_and_separators_are_refused_however_encoded() {
        assert!(decode("Entwürfe", false).unwrap_err().contains("8-bit"));
        for bad in [
            "a&ICg-b",
            "a&ICk-",
            "a\u{2028}b",
            "x\u{85}",
            "x\u{7f}",
            "\u{1}",
        ] {
            assert!(decode(bad, true).is_err(), "{bad:?}");
        }
        // C1 controls through modified UTF-7 too.
        assert!(decode(&utf7::encode("a\u{9b}b"), false).is_err());
    }

    proptest::proptest! {
        /// Whatever a client sends: what passes holds no forbidden character, raw 8-bit
        /// passes only with IMAP4rev2, and a name's wire form comes back as itself.
        #[test]
        fn only_clean_names_pass(wire in "[a-zA-Z&,+/ \\u{0}-\\u{1f}\\u{7f}-\\u{9f}\\u{2028}\\u{2029}äü台-]{0,16}",
                                 utf8 in proptest::prelude::any::<bool>()) {
            if let Ok(name) = decode_text(&wire, utf8) {
                proptest::prop_assert!(!name.chars().any(forbidden), "{:?} -> {:?}", wire, name);
                proptest::prop_assert!(utf8 || wire.is_ascii());
                if wire.is_ascii() {
                    proptest::prop_assert_eq!(utf7::encode(&name), wire.clone());
                }
            }
            if wire.chars().any(|c| forbidden(c) || (!utf8 && !c.is_ascii())) {
                proptest::prop_assert!(decode_text(&wire, utf8).is_err());
            }
        }
    }

    #[test]
    fn utf8_accept_names_go_out_as_utf8_quoted_strings() {
        let mut out = Vec::new();
        write_in(&mut out, "Entwürfe/\"q\"", true);
        assert_eq!(out, "\"Entwürfe/\\\"q\\\"\"".as_bytes());
        out.clear();
        write_in(&mut out, "Entwürfe", false);
        assert_eq!(out, b"Entw&APw-rfe");
        out.clear();
        write_in(&mut out, "Sent", true);
        assert_eq!(out, b"Sent");
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
