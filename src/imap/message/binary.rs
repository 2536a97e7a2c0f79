//! RFC 3516 BINARY[part] and BINARY.SIZE[part]: a part's body with its
//! Content-Transfer-Encoding undone (base64, quoted-printable; 7bit/8bit/binary as is).
//!
//! Decoding is lenient, as mail in the wild needs: base64 skips characters outside the
//! alphabet and stops at padding; quoted-printable keeps malformed `=` sequences literally.
//! An encoding it does not know is [`BinaryError::UnknownCte`], which the session answers
//! with `NO [UNKNOWN-CTE]`. Composite parts (multipart, message/rfc822) and the whole
//! message (`BINARY[]`) are returned undecoded. It does not convert charsets.

use std::borrow::Cow;

use super::header;
use super::{Kind, Message};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BinaryError {
    #[error("unknown Content-Transfer-Encoding {0:?}")]
    UnknownCte(String),
    #[error("no such body part")]
    NoSuchPart,
}

impl Message<'_> {
    /// The decoded body of `part` (`[]` = the whole message, undecoded).
    pub fn binary(&self, part: &[u32]) -> Result<Cow<'_, [u8]>, BinaryError> {
        if part.is_empty() {
            return Ok(Cow::Borrowed(self.as_bytes()));
        }
        let data = self.data();
        let p = self.resolve(part).ok_or(BinaryError::NoSuchPart)?;
        let body = &data[p.body.clone()];
        if !matches!(p.kind, Kind::Leaf) {
            return Ok(Cow::Borrowed(body));
        }
        let cte = header::first(data, p.header.clone(), b"content-transfer-encoding")
            .map(header::unfold)
            .unwrap_or_default();
        let cte = cte.to_ascii_lowercase();
        match cte.as_slice() {
            b"" | b"7bit" | b"8bit" | b"binary" => Ok(Cow::Borrowed(body)),
            b"base64" => Ok(Cow::Owned(base64(body))),
            b"quoted-printable" => Ok(Cow::Owned(quoted_printable(body))),
            other => Err(BinaryError::UnknownCte(
                String::from_utf8_lossy(other).into_owned(),
            )),
        }
    }

    /// BINARY.SIZE: the length of [`Message::binary`].
    pub fn binary_size(&self, part: &[u32]) -> Result<usize, BinaryError> {
        self.binary(part).map(|b| b.len())
    }
}

fn b64_value(b: u8) -> Option<u32> {
    Some(match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    } as u32)
}

/// Base64 (RFC 2045 §6.8), ignoring line breaks and other non-alphabet bytes.
pub fn base64(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let mut acc = 0u32;
    let mut n = 0;
    for &b in s {
        if b == b'=' {
            break;
        }
        let Some(v) = b64_value(b) else { continue };
        acc = (acc << 6) | v;
        n += 1;
        if n == 4 {
            out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
            acc = 0;
            n = 0;
        }
    }
    // A trailing group of 2 or 3 characters carries 1 or 2 bytes; a lone one carries none.
    match n {
        2 => out.push((acc >> 4) as u8),
        3 => out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]),
        _ => {}
    }
    out
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Quoted-printable (RFC 2045 §6.7): `=XX` escapes, soft line breaks, and trailing white
/// space on a line dropped (it was added in transport).
pub fn quoted_printable(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for line in s.split_inclusive(|&b| b == b'\n') {
        let (content, brk) = match line.strip_suffix(b"\r\n") {
            Some(c) => (c, &b"\r\n"[..]),
            None => match line.strip_suffix(b"\n") {
                Some(c) => (c, &b"\n"[..]),
                None => (line, &b""[..]),
            },
        };
        let trimmed = content.len()
            - content
                .iter()
                .rev()
                .take_while(|b| matches!(b, b' ' | b'\t'))
                .count();
        let content = &content[..trimmed];
        let mut i = 0;
        let mut soft = false;
        while i < content.len() {
            let b = content[i];
            if b == b'=' {
                if i + 1 == content.len() {
                    soft = true;
                    break;
                }
                if let (Some(h), Some(l)) = (
                    content.get(i + 1).copied().and_then(hex),
                    content.get(i + 2).copied().and_then(hex),
                ) {
                    out.push(h << 4 | l);
                    i += 3;
                    continue;
                }
            }
            out.push(b);
            i += 1;
        }
        if !soft {
            out.extend_from_slice(brk);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_lenient() {
        assert_eq!(base64(b"aGVs\r\nbG8=\r\n"), b"hello");
        assert_eq!(base64(b"aGVsbG8"), b"hello");
        assert_eq!(base64(b"a*G V\tzbG8h"), b"heslo!");
        assert_eq!(base64(b"A"), b"");
    }

    #[test]
    fn quoted_printable_rules() {
        assert_eq!(
            quoted_printable(b"caf=C3=A9 =\r\nau lait  \r\n=ZZ=4"),
            "café au lait\r\n=ZZ=4".as_bytes()
        );
        assert_eq!(quoted_printable(b"a=3d=3D"), b"a==");
    }
}
