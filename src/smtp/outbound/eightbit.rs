//! Downgrading an 8-bit message for a next hop without 8BITMIME (RFC 6152 §3: convert to
//! 7 bit or return it as undeliverable): a single-part `text/*` body (or one with no
//! Content-Type) is re-encoded as quoted-printable (RFC 2045 §6.7).
//!
//! Not here: multipart or message/* bodies and 8-bit header fields. Converting those needs
//! a MIME-aware rewrite of every part (or RFC 2047 words for headers); such a message is
//! refused with `5.6.3` instead, as RFC 6152 allows.

/// Why a message cannot be converted; the caller answers `554 5.6.3`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unconvertible(pub &'static str);

/// The message as 7-bit data, or the reason it cannot be converted. A message that is
/// already 7-bit comes back unchanged.
pub fn to_seven_bit(message: &[u8]) -> Result<Vec<u8>, Unconvertible> {
    if message.is_ascii() {
        return Ok(message.to_vec());
    }
    let (head, body) = match memchr::memmem::find(message, b"\r\n\r\n") {
        Some(i) => (&message[..i + 2], &message[i + 4..]),
        None => return Err(Unconvertible("the header section has 8-bit octets")),
    };
    if !head.is_ascii() {
        return Err(Unconvertible(
            "the header section has 8-bit octets (RFC 2047 encoding is not done here)",
        ));
    }
    let fields = unfold(head);
    let ctype = field(&fields, "content-type").map(|v| v.trim().to_ascii_lowercase());
    if let Some(ct) = &ctype
        && !ct.starts_with("text/")
    {
        return Err(Unconvertible(
            "only a single-part text body is converted to quoted-printable, not this MIME type",
        ));
    }
    let cte = field(&fields, "content-transfer-encoding")
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if !cte.is_empty() && cte != "7bit" && cte != "8bit" {
        // base64 or quoted-printable already: 8-bit octets in such a body are damage.
        return Err(Unconvertible(
            "the body has 8-bit octets despite its transfer encoding",
        ));
    }
    let mut out = Vec::with_capacity(message.len() + message.len() / 4 + 128);
    for (name, raw) in &fields {
        if name.eq_ignore_ascii_case("content-transfer-encoding") {
            continue;
        }
        out.extend_from_slice(raw);
    }
    if field(&fields, "mime-version").is_none() {
        out.extend_from_slice(b"MIME-Version: 1.0\r\n");
    }
    if ctype.is_none() {
        // RFC 2045 §5.2's default is us-ascii, which this body is not: say what it is.
        let charset = if std::str::from_utf8(body).is_ok() {
            "utf-8"
        } else {
            "unknown-8bit"
        };
        out.extend_from_slice(
            format!("Content-Type: text/plain; charset={charset}\r\n").as_bytes(),
        );
    }
    out.extend_from_slice(b"Content-Transfer-Encoding: quoted-printable\r\n\r\n");
    quoted_printable(body, &mut out);
    Ok(out)
}

/// Header fields as (name, raw bytes including folded continuation lines and CRLFs).
fn unfold(head: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut fields: Vec<(String, Vec<u8>)> = Vec::new();
    for line in head.split_inclusive(|&b| b == b'\n') {
        if matches!(line.first(), Some(b' ' | b'\t'))
            && let Some(last) = fields.last_mut()
        {
            last.1.extend_from_slice(line);
            continue;
        }
        let name = line
            .iter()
            .position(|&b| b == b':')
            .map(|i| String::from_utf8_lossy(&line[..i]).trim().to_string())
            .unwrap_or_default();
        fields.push((name, line.to_vec()));
    }
    fields
}

/// The unfolded value of the first field called `name`.
fn field(fields: &[(String, Vec<u8>)], name: &str) -> Option<String> {
    let (_, raw) = fields.iter().find(|(n, _)| n.eq_ignore_ascii_case(name))?;
    let text = String::from_utf8_lossy(raw);
    let value = text.split_once(':')?.1;
    Some(value.replace(['\r', '\n'], ""))
}

/// RFC 2045 §6.7 quoted-printable of a CRLF text body: line breaks stay line breaks, lines
/// are at most 76 characters with soft breaks, trailing white space is encoded.
fn quoted_printable(body: &[u8], out: &mut Vec<u8>) {
    let mut lines = body.split(|&b| b == b'\n').peekable();
    while let Some(line) = lines.next() {
        let last = lines.peek().is_none();
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let mut col = 0;
        for (i, &b) in line.iter().enumerate() {
            let at_end = i + 1 == line.len();
            let literal =
                matches!(b, b'!'..=b'<' | b'>'..=b'~') || (matches!(b, b' ' | b'\t') && !at_end);
            let width = if literal { 1 } else { 3 };
            // Leave room for the "=" of a soft break.
            if col + width > 75 {
                out.extend_from_slice(b"=\r\n");
                col = 0;
            }
            if literal {
                out.push(b);
            } else {
                out.extend_from_slice(format!("={b:02X}").as_bytes());
            }
            col += width;
        }
        if !last {
            out.extend_from_slice(b"\r\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn body_of(m: &[u8]) -> Vec<u8> {
        let msg = mail_parser::MessageParser::default().parse(m).unwrap();
        msg.body_text(0).unwrap().into_owned().into_bytes()
    }

    #[test]
    fn a_text_body_becomes_quoted_printable() {
        let m = "Subject: hi\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße = \r\nline two\t\r\n".as_bytes();
        let out = to_seven_bit(m).unwrap();
        assert!(out.is_ascii());
        let text = String::from_utf8(out.clone()).unwrap();
        assert!(text.contains("Content-Transfer-Encoding: quoted-printable\r\n"));
        assert!(!text.contains("8bit"));
        assert!(
            text.contains("Gr=C3=BC=C3=9Fe =3D=20\r\nline two=09"),
            "{text}"
        );
        assert_eq!(body_of(&out), "Grüße = \r\nline two\t\r\n".as_bytes());
    }

    #[test]
    fn no_content_type_gets_one() {
        let out = to_seven_bit("Subject: x\r\n\r\nçà\r\n".as_bytes()).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"));
    }

    #[test]
    fn what_is_not_converted_is_refused() {
        for m in [
            "Subject: ü\r\n\r\nx\r\n".as_bytes(),
            "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nü\r\n--b--\r\n".as_bytes(),
            "Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\nü\r\n".as_bytes(),
            "no header end ü".as_bytes(),
        ] {
            assert!(to_seven_bit(m).is_err(), "{}", String::from_utf8_lossy(m));
        }
        assert_eq!(
            to_seven_bit(b"A: b\r\n\r\nc\r\n").unwrap(),
            b"A: b\r\n\r\nc\r\n"
        );
    }

    /// An independent decoder (RFC 2045 §6.7) for the round trip.
    fn qp_decode(s: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < s.len() {
            if s[i] == b'=' {
                if s[i + 1..].starts_with(b"\r\n") {
                    i += 3;
                    continue;
                }
                let hex = std::str::from_utf8(&s[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 3;
            } else {
                out.push(s[i]);
                i += 1;
            }
        }
        out
    }

    proptest! {
        #[test]
        fn any_body_round_trips_in_short_seven_bit_lines(
            lines in proptest::collection::vec(proptest::collection::vec(any::<u8>().prop_filter("no line ends", |b| *b != b'\n' && *b != b'\r'), 0..200), 1..8)
        ) {
            let body: Vec<u8> = lines.join(&b"\r\n"[..]);
            let mut m = b"Content-Type: text/plain; charset=iso-8859-1\r\n\r\n".to_vec();
            m.extend_from_slice(&body);
            m.push(0xE9);
            let out = to_seven_bit(&m).unwrap();
            prop_assert!(out.is_ascii());
            for l in out.split(|&b| b == b'\n') {
                prop_assert!(l.len() <= 77, "{}", String::from_utf8_lossy(l));
            }
            let i = memchr::memmem::find(&out, b"\r\n\r\n").unwrap();
            let raw = qp_decode(&out[i + 4..]);
            let mut want = body.clone();
            want.push(0xE9);
            prop_assert_eq!(raw, want);
        }
    }
}
