//! Encoding of IMAP response strings (RFC 3501 §4.3, §9): a value goes out as an atom-like
//! quoted string when it can, and as a literal when it holds CR, LF, NUL, 8-bit bytes or is
//! long. Everything that renders a string into a response uses these, so no value a peer or
//! a message controls can break the response framing. NUL travels only in a literal8
//! (RFC 9051 §4.3, RFC 3516, for BINARY); in every other string it goes out as 0x80, as
//! Dovecot does (its "nonuls" stream), which keeps sizes (RFC822.SIZE) exact.

/// Appends `s` as a quoted string or, if it cannot be quoted safely, a literal.
pub fn string(out: &mut Vec<u8>, s: &[u8]) {
    if quotable(s) {
        out.push(b'"');
        for &b in s {
            if b == b'"' || b == b'\\' {
                out.push(b'\\');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        literal(out, s);
    }
}

/// Appends `s` as an nstring: `NIL` for `None`.
pub fn nstring(out: &mut Vec<u8>, s: Option<&[u8]>) {
    match s {
        Some(s) => string(out, s),
        None => out.extend_from_slice(b"NIL"),
    }
}

/// Appends `s` as an astring: bare when it is a valid atom, else as [`string`].
pub fn astring(out: &mut Vec<u8>, s: &[u8]) {
    if !s.is_empty() && s.iter().all(|&b| is_astring_char(b)) && !s.eq_ignore_ascii_case(b"NIL") {
        out.extend_from_slice(s);
    } else {
        string(out, s);
    }
}

/// Appends a literal, `{n}\r\n...`; a NUL in `s` is sent as 0x80 (a literal must not hold
/// NUL, RFC 9051 §4.3).
pub fn literal(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'{');
    out.extend_from_slice(s.len().to_string().as_bytes());
    out.extend_from_slice(b"}\r\n");
    let start = out.len();
    out.extend_from_slice(s);
    if memchr::memchr(0, s).is_some() {
        for b in &mut out[start..] {
            if *b == 0 {
                *b = 0x80;
            }
        }
    }
}

/// Appends a literal8, `~{n}\r\n...`, bytes as they are (BINARY, RFC 3516).
pub fn literal8(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'~');
    out.push(b'{');
    out.extend_from_slice(s.len().to_string().as_bytes());
    out.extend_from_slice(b"}\r\n");
    out.extend_from_slice(s);
}

/// A quoted string may hold any 7-bit byte but CR, LF and NUL; keep it short so responses
/// stay readable (long values go as literals, as Dovecot does).
fn quotable(s: &[u8]) -> bool {
    s.len() <= 1024
        && s.iter()
            .all(|&b| b != 0 && b != b'\r' && b != b'\n' && b < 0x80)
}

/// ATOM-CHAR plus `]` (ASTRING-CHAR, RFC 3501 §9).
pub fn is_astring_char(b: u8) -> bool {
    is_atom_char(b) || b == b']'
}

/// Any CHAR except atom-specials: `(`, `)`, `{`, SP, CTL, `%`, `*`, `"`, `\`, `]`.
pub fn is_atom_char(b: u8) -> bool {
    b > 0x20
        && b < 0x7f
        && !matches!(
            b,
            b'(' | b')' | b'{' | b' ' | b'%' | b'*' | b'"' | b'\\' | b']'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(f: fn(&mut Vec<u8>, &[u8]), v: &[u8]) -> String {
        let mut out = Vec::new();
        f(&mut out, v);
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn strings_that_cannot_be_quoted_become_literals() {
        assert_eq!(s(string, b"hello"), "\"hello\"");
        assert_eq!(s(string, b"a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(s(string, b"a\r\nb"), "{4}\r\na\r\nb");
        assert_eq!(s(string, "ü".as_bytes()), "{2}\r\nü");
        assert_eq!(s(astring, b"INBOX"), "INBOX");
        assert_eq!(s(astring, b"NIL"), "\"NIL\"");
        assert_eq!(s(astring, b"a b"), "\"a b\"");
        assert_eq!(s(astring, b""), "\"\"");
    }

    #[test]
    fn nul_goes_only_into_literal8() {
        let mut out = Vec::new();
        literal(&mut out, b"a\0b\0");
        assert_eq!(out, b"{4}\r\na\x80b\x80");
        out.clear();
        string(&mut out, b"x\0");
        assert_eq!(out, b"{2}\r\nx\x80");
        out.clear();
        literal8(&mut out, b"a\0b");
        assert_eq!(out, b"~{3}\r\na\0b");
    }

    proptest::proptest! {
        /// Whatever the bytes, a string, nstring or astring never carries a NUL, and a
        /// literal announces exactly the bytes that follow.
        #[test]
        fn no_nul_outside_literal8(v in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64)) {
            for f in [string as fn(&mut Vec<u8>, &[u8]), astring, literal] {
                let mut out = Vec::new();
                f(&mut out, &v);
                proptest::prop_assert!(!out.contains(&0), "{:?}", out);
                if out.first() == Some(&b'{') {
                    let head = format!("{{{}}}\r\n", v.len());
                    proptest::prop_assert_eq!(out.len(), head.len() + v.len());
                }
            }
        }
    }
}
