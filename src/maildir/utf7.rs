//! IMAP's modified UTF-7 (RFC 3501 §5.1.3), in which Maildir++ folder names are stored on
//! disk by Dovecot and Courier: printable ASCII stands for itself (`&` as `&-`), anything
//! else is UTF-16 in modified base64 (`,` for `/`) between `&` and `-`. Decoding is strict:
//! an encoding other programs would not produce is refused, so each name has one form.

use base64::Engine;
use base64::alphabet::Alphabet;
use base64::engine::{GeneralPurpose, GeneralPurposeConfig};

fn engine() -> GeneralPurpose {
    let alphabet =
        Alphabet::new("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,")
            .expect("valid alphabet");
    GeneralPurpose::new(
        &alphabet,
        GeneralPurposeConfig::new()
            .with_encode_padding(false)
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::RequireNone),
    )
}

pub fn encode(s: &str) -> String {
    let mut out = String::new();
    let mut pending: Vec<u16> = Vec::new();
    let flush = |pending: &mut Vec<u16>, out: &mut String| {
        if pending.is_empty() {
            return;
        }
        let bytes: Vec<u8> = pending.iter().flat_map(|u| u.to_be_bytes()).collect();
        out.push('&');
        out.push_str(&engine().encode(bytes));
        out.push('-');
        pending.clear();
    };
    for c in s.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut pending, &mut out);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            let mut buf = [0u16; 2];
            pending.extend_from_slice(c.encode_utf16(&mut buf));
        }
    }
    flush(&mut pending, &mut out);
    out
}

pub fn decode(s: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        let plain = &rest[..i];
        if let Some(c) = plain.chars().find(|c| !(' '..='~').contains(c)) {
            return Err(format!("'{s}': {c:?} must be encoded"));
        }
        out.push_str(plain);
        let after = &rest[i + 1..];
        let end = after
            .find('-')
            .ok_or_else(|| format!("'{s}': '&' without a closing '-'"))?;
        let b64 = &after[..end];
        if b64.is_empty() {
            out.push('&');
        } else {
            let bytes = engine()
                .decode(b64)
                .map_err(|_| format!("'{s}': bad modified base64 '{b64}'"))?;
            if bytes.len() % 2 != 0 {
                return Err(format!("'{s}': odd number of bytes in '{b64}'"));
            }
            let units: Vec<u16> = bytes
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            let text = String::from_utf16(&units)
                .map_err(|_| format!("'{s}': invalid UTF-16 in '{b64}'"))?;
            if text.chars().any(|c| (' '..='~').contains(&c)) {
                return Err(format!("'{s}': printable ASCII must not be encoded"));
            }
            if text.chars().any(char::is_control) {
                return Err(format!(
                    "'{s}': control characters are not allowed in names"
                ));
            }
            out.push_str(&text);
        }
        rest = &after[end + 1..];
        if !b64.is_empty() && rest.starts_with('&') && !rest.starts_with("&-") {
            return Err(format!("'{s}': two encoded runs in a row must be one"));
        }
    }
    if let Some(c) = rest.chars().find(|c| !(' '..='~').contains(c)) {
        return Err(format!("'{s}': {c:?} must be encoded"));
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rfc_3501_examples() {
        assert_eq!(
            encode("~peter/mail/台北/日本語"),
            "~peter/mail/&U,BTFw-/&ZeVnLIqe-"
        );
        assert_eq!(
            decode("~peter/mail/&U,BTFw-/&ZeVnLIqe-").unwrap(),
            "~peter/mail/台北/日本語"
        );
        assert_eq!(encode("Tom & Jerry"), "Tom &- Jerry");
        assert_eq!(decode("Tom &- Jerry").unwrap(), "Tom & Jerry");
        assert_eq!(encode("Entwürfe"), "Entw&APw-rfe");
    }

    #[test]
    fn strict_decoding() {
        for bad in [
            "&Jjo!",
            "&U,BTFw",
            "a&AGE-",
            "&U,BTFw-&ZeVnLIqe-",
            "ü",
            "&AAA-",
        ] {
            assert!(decode(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn round_trip(s in "\\\\PC{0,30}") {
            let e = encode(&s);
            prop_assert!(e.is_ascii());
            prop_assert_eq!(decode(&e).unwrap(), s);
        }
    }
}
