//! Test helper: parses rendered IMAP values back (NIL, numbers, quoted strings, literals with
//! exact lengths, parenthesised lists) so tests can check that output is well-formed and
//! look into its structure. Enough of RFC 3501's grammar for ENVELOPE and BODYSTRUCTURE; not
//! a response parser (no atoms, flags or response codes). Other IMAP tests may use it.

/// A parsed response value: enough of RFC 3501's grammar for what this module emits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum V {
    Nil,
    Num(u64),
    Str(Vec<u8>),
    List(Vec<V>),
}

impl V {
    pub fn list(&self) -> &[V] {
        match self {
            V::List(l) => l,
            other => panic!("not a list: {other:?}"),
        }
    }
}

/// Parses exactly one value filling `s`; an error names the offset of the problem. Lists may
/// follow each other without a space (multipart bodies do), other values need one space.
pub fn parse_value(s: &[u8]) -> Result<V, String> {
    let mut stack: Vec<Vec<V>> = vec![Vec::new()];
    let mut i = 0;
    let mut after_value = false;
    while i < s.len() {
        let b = s[i];
        if after_value {
            match b {
                b' ' => {
                    i += 1;
                    if matches!(s.get(i), Some(b' ') | Some(b')') | None) {
                        return Err(format!("stray space at {i}"));
                    }
                    after_value = false;
                    continue;
                }
                b')' => {}
                b'(' if matches!(stack.last().and_then(|l| l.last()), Some(V::List(_))) => {}
                _ => return Err(format!("missing space at {i}")),
            }
        }
        match b {
            b'(' => {
                stack.push(Vec::new());
                i += 1;
                after_value = false;
                continue;
            }
            b')' => {
                if stack.len() < 2 {
                    return Err(format!("unbalanced ) at {i}"));
                }
                let l = stack.pop().unwrap_or_default();
                stack.last_mut().ok_or("stack")?.push(V::List(l));
                i += 1;
            }
            b'"' => {
                let (v, next) = quoted(s, i + 1)?;
                stack.last_mut().ok_or("stack")?.push(V::Str(v));
                i = next;
            }
            b'{' => {
                let (body, next) = literal(s, i)?;
                stack.last_mut().ok_or("stack")?.push(V::Str(body.to_vec()));
                i = next;
            }
            b'0'..=b'9' => {
                let start = i;
                while i < s.len() && s[i].is_ascii_digit() {
                    i += 1;
                }
                let n = std::str::from_utf8(&s[start..i])
                    .ok()
                    .and_then(|d| d.parse().ok())
                    .ok_or("bad number")?;
                stack.last_mut().ok_or("stack")?.push(V::Num(n));
            }
            _ if s[i..].starts_with(b"NIL") => {
                stack.last_mut().ok_or("stack")?.push(V::Nil);
                i += 3;
            }
            _ => return Err(format!("unexpected byte {b:#x} at {i}")),
        }
        after_value = true;
    }
    if stack.len() != 1 {
        return Err("unbalanced (".into());
    }
    let mut top = stack.pop().unwrap_or_default();
    if top.len() != 1 {
        return Err(format!("{} top-level values", top.len()));
    }
    Ok(top.remove(0))
}

/// A quoted string's content from just after its opening quote (RFC 9051 §4.3); returns the
/// content and the offset after the closing quote.
fn quoted(s: &[u8], mut i: usize) -> Result<(Vec<u8>, usize), String> {
    let mut v = Vec::new();
    loop {
        match s.get(i) {
            None => return Err("unterminated quote".into()),
            Some(b'"') => return Ok((v, i + 1)),
            Some(b'\\') => match s.get(i + 1) {
                Some(&c @ (b'"' | b'\\')) => {
                    v.push(c);
                    i += 2;
                }
                _ => return Err(format!("bad escape at {i}")),
            },
            Some(&c) if c == 0 || c == b'\r' || c == b'\n' || c >= 0x80 => {
                return Err(format!("byte {c:#x} in quoted string at {i}"));
            }
            Some(&c) => {
                v.push(c);
                i += 1;
            }
        }
    }
}

/// A `{n}CRLF` literal starting at its `{` (RFC 9051 §4.3); returns its octets and the offset
/// after them.
fn literal(s: &[u8], i: usize) -> Result<(&[u8], usize), String> {
    let close = s[i..].iter().position(|&c| c == b'}').ok_or("no }")? + i;
    let n: usize = std::str::from_utf8(&s[i + 1..close])
        .ok()
        .and_then(|d| d.parse().ok())
        .ok_or("bad literal length")?;
    if s.get(close + 1..close + 3) != Some(b"\r\n") {
        return Err("literal without CRLF".into());
    }
    let start = close + 3;
    let body = s.get(start..start + n).ok_or("literal too short")?;
    if body.contains(&0) {
        return Err("NUL in literal".into());
    }
    Ok((body, start + n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_checker_rejects_bad_syntax() {
        assert!(parse_value(b"(\"a\" NIL {3}\r\nabc 12)").is_ok());
        assert!(parse_value(b"((NIL)(NIL) \"x\")").is_ok());
        assert!(parse_value(b"(\"a\"").is_err());
        assert!(parse_value(b"(\"a)").is_err());
        assert!(parse_value(b"({4}\r\nabc)").is_err());
        assert!(parse_value(b"(NIL  NIL)").is_err());
        assert!(parse_value(b"(NILNIL)").is_err());
        assert!(parse_value(b"(\"a\")\"b\"").is_err());
    }
}
