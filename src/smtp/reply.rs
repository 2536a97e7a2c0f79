//! Reply lines (RFC 5321 §4.2) with enhanced status codes (RFC 3463, RFC 2034).

/// Appends one reply line `CODE STATUS TEXT\r\n`. `status` may be empty for replies that
/// carry no enhanced code (greeting, EHLO).
pub fn push(out: &mut Vec<u8>, code: u16, status: &str, text: &str) {
    out.extend_from_slice(code.to_string().as_bytes());
    out.push(b' ');
    if !status.is_empty() {
        out.extend_from_slice(status.as_bytes());
        out.push(b' ');
    }
    // A peer-influenced text must never break the reply framing.
    for &b in text.as_bytes() {
        out.push(if b == b'\r' || b == b'\n' { b' ' } else { b });
    }
    out.extend_from_slice(b"\r\n");
}

/// Appends a multi-line reply (`250-a`, `250-b`, `250 c`).
pub fn push_multi(out: &mut Vec<u8>, code: u16, lines: &[String]) {
    for (i, line) in lines.iter().enumerate() {
        let sep = if i + 1 == lines.len() { ' ' } else { '-' };
        out.extend_from_slice(format!("{code}{sep}{line}\r\n").as_bytes());
    }
}
