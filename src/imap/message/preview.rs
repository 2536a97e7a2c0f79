//! RFC 8970 PREVIEW: a short plain-text summary of a message for a client's message list —
//! up to [`MAX_CHARS`] characters of the first text part (an HTML-only message reduced to its
//! text), quoted lines (`> ...`) left out, all whitespace runs collapsed to one space.
//!
//! Computed on demand from the file, not cached in the index: the FETCH that asks for it
//! already reads the file for ENVELOPE or BODYSTRUCTURE in practice, a preview is one parse
//! of at most the first text part, and a cache would have to follow every change of the
//! file and cost a column in every row. Not here: FETCH framing (`crate::imap::cmd::fetch`),
//! charset decoding (mail-parser's, as for SEARCH).

/// RFC 8970 §3.1: the preview is at most 256 characters (not octets).
pub const MAX_CHARS: usize = 256;

/// The preview of a message's raw bytes; empty when it has no text to show (RFC 8970 allows
/// the empty string for "no preview").
pub fn preview(raw: &[u8]) -> String {
    let Some(msg) = mail_parser::MessageParser::new().parse(raw) else {
        return String::new();
    };
    let Some(text) = msg.body_text(0) else {
        return String::new();
    };
    summarize(&text)
}

/// Quoted lines dropped, whitespace collapsed, cut at [`MAX_CHARS`] characters.
pub fn summarize(text: &str) -> String {
    let mut out = String::new();
    let mut chars = 0;
    let mut pending_space = false;
    for line in text.lines() {
        if line.trim_start().starts_with('>') {
            continue;
        }
        let words = line
            .split(|c: char| c.is_whitespace() || c.is_control())
            .filter(|w| !w.is_empty());
        for word in words {
            if pending_space && chars < MAX_CHARS {
                out.push(' ');
                chars += 1;
            }
            for c in word.chars() {
                if chars == MAX_CHARS {
                    return out;
                }
                out.push(c);
                chars += 1;
            }
            pending_space = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_text_part_collapsed_without_quotes() {
        let raw =
            b"Subject: x\r\n\r\nHello   Bob,\r\n\r\n> you wrote\r\n>> long ago\r\nsee\tyou\r\n";
        assert_eq!(preview(raw), "Hello Bob, see you");
        assert_eq!(preview(b"Subject: x\r\n\r\n"), "");
    }

    #[test]
    fn html_is_reduced_to_text() {
        let raw = b"Content-Type: text/html\r\n\r\n<html><body><p>Hi <b>there</b></p>\
                    <style>p{}</style><p>second</p></body></html>\r\n";
        let p = preview(raw);
        assert!(
            p.starts_with("Hi there") && p.contains("second") && !p.contains('<'),
            "{p:?}"
        );
    }

    #[test]
    fn multipart_takes_the_text_part_and_decodes_it() {
        let raw = b"Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\n\
                    Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
                    Gr=C3=BC=C3=9Fe\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--b--\r\n";
        assert_eq!(preview(raw), "Grüße");
    }

    proptest::proptest! {
        #[test]
        fn at_most_256_characters_one_line_never_panics(body in proptest::collection::vec(proptest::num::u8::ANY, 0..2000)) {
            let mut raw = b"Subject: p\r\n\r\n".to_vec();
            raw.extend_from_slice(&body);
            let p = preview(&raw);
            proptest::prop_assert!(p.chars().count() <= MAX_CHARS);
            proptest::prop_assert!(!p.contains(['\r', '\n']) && !p.contains("  "));
        }
    }
}
