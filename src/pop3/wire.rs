//! How a stored message goes on the wire: every line ends in CRLF (a bare LF or a bare CR on
//! disk ends a line too, and becomes CRLF, so the peer never sees a lone CR or LF, RFC 1939
//! §3 and RFC 5322 §2.3), lines starting with `.` are byte-stuffed, and sizes are counted
//! the same way so STAT/LIST announce exactly the octets RETR sends (RFC 1939 §11: without
//! the stuffing). Not here: reading the files (`maildrop`), the reply lines (`session`).

/// Stored bytes as lines without their terminator (CRLF, LF or a lone CR). A final line
/// without a terminator still counts; nothing follows a trailing terminator.
fn lines(raw: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = raw;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let Some(i) = memchr::memchr2(b'\r', b'\n', rest) else {
            return Some(std::mem::take(&mut rest));
        };
        let line = &rest[..i];
        let skip = if rest[i] == b'\r' && rest.get(i + 1) == Some(&b'\n') {
            2
        } else {
            1
        };
        rest = &rest[i + skip..];
        Some(line)
    })
}

/// The size of the message as sent (CRLF line ends, no byte-stuffing).
pub fn wire_size(raw: &[u8]) -> u64 {
    lines(raw).map(|l| l.len() as u64 + 2).sum()
}

fn push_line(out: &mut Vec<u8>, line: &[u8]) {
    if line.first() == Some(&b'.') {
        out.push(b'.');
    }
    out.extend_from_slice(line);
    out.extend_from_slice(b"\r\n");
}

/// Appends the whole message, stuffed and CRLF-terminated, plus the closing `.` line.
pub fn push_message(out: &mut Vec<u8>, raw: &[u8]) {
    for line in lines(raw) {
        push_line(out, line);
    }
    out.extend_from_slice(b".\r\n");
}

/// Appends the header, the blank separator line and the first `body_lines` body lines
/// (RFC 1939 TOP), plus the closing `.` line.
pub fn push_top(out: &mut Vec<u8>, raw: &[u8], body_lines: u64) {
    let mut in_body = false;
    let mut sent = 0u64;
    for line in lines(raw) {
        if in_body {
            if sent >= body_lines {
                break;
            }
            sent += 1;
        } else if line.is_empty() {
            in_body = true;
        }
        push_line(out, line);
    }
    out.extend_from_slice(b".\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(raw: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        push_message(&mut out, raw);
        out
    }

    #[test]
    fn bare_lf_becomes_crlf_and_size_matches() {
        let raw = b"Subject: x\n\nline\n.dot\n";
        let out = sent(raw);
        assert_eq!(out, b"Subject: x\r\n\r\nline\r\n..dot\r\n.\r\n");
        // Size excludes the stuffing and the terminator.
        assert_eq!(wire_size(raw), (out.len() - 3 - 1) as u64);
    }

    #[test]
    fn crlf_on_disk_is_kept_and_missing_final_newline_added() {
        assert_eq!(sent(b"A: b\r\n\r\nx"), b"A: b\r\n\r\nx\r\n.\r\n");
        assert_eq!(wire_size(b"A: b\r\n\r\nx"), 11);
        assert_eq!(sent(b""), b".\r\n");
        assert_eq!(wire_size(b""), 0);
    }

    #[test]
    fn bare_cr_ends_a_line_like_bare_lf() {
        assert_eq!(
            sent(b"A: b\r\rx\ry\r\n.z\r"),
            b"A: b\r\n\r\nx\r\ny\r\n..z\r\n.\r\n"
        );
        assert_eq!(wire_size(b"A: b\r\rx\ry\r\n.z\r"), 18);
        let mut out = Vec::new();
        push_top(&mut out, b"A: b\r\rone\rtwo\r", 1);
        assert_eq!(out, b"A: b\r\n\r\none\r\n.\r\n");
    }

    #[test]
    fn top_sends_header_and_n_body_lines() {
        let raw = b"A: 1\nB: 2\n\none\n.two\nthree\n";
        let mut out = Vec::new();
        push_top(&mut out, raw, 2);
        assert_eq!(out, b"A: 1\r\nB: 2\r\n\r\none\r\n..two\r\n.\r\n");
        out.clear();
        push_top(&mut out, raw, 0);
        assert_eq!(out, b"A: 1\r\nB: 2\r\n\r\n.\r\n");
        out.clear();
        push_top(&mut out, raw, u64::MAX);
        assert_eq!(out, sent(raw));
    }

    proptest::proptest! {
        /// Whatever is on disk: the output is CRLF-only lines, un-stuffing it gives back the
        /// lines, and its size (without stuffing and terminator) is what wire_size announced.
        #[test]
        fn output_is_clean_and_size_exact(raw in proptest::collection::vec(
            proptest::sample::select(vec![b'a', b'.', b'\r', b'\n', b' ']), 0..200)) {
            let out = sent(&raw);
            let body = out.strip_suffix(b".\r\n").unwrap();
            let mut unstuffed = 0u64;
            for line in body.split_inclusive(|&b| b == b'\n') {
                proptest::prop_assert!(line.ends_with(b"\r\n"));
                // No CR or LF anywhere but the final CRLF: no bare CR reaches the peer.
                let inner = &line[..line.len() - 2];
                proptest::prop_assert!(!inner.contains(&b'\r') && !inner.contains(&b'\n'), "{:?}", line);
                // A line starting with a dot always carries the stuffing dot.
                proptest::prop_assert!(line.first() != Some(&b'.') || line.get(1) == Some(&b'.'));
                unstuffed += line.len() as u64 - u64::from(line.first() == Some(&b'.'));
            }
            proptest::prop_assert_eq!(unstuffed, wire_size(&raw));
        }
    }
}
