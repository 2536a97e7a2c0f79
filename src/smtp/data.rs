//! DATA content as it streams through, without holding it: [`DotReader`] finds the end of
//! data and undoes dot-stuffing (RFC 5321 §4.1.1.4, §4.5.2); [`BodyScanner`] checks size,
//! text line length, bare CR/LF and the `Received:` hop count. The bytes go on to the spool.
//!
//! The end of data is `<CRLF>.<CRLF>` and nothing else: not `<LF>.<LF>`, `<CR>.<CR>`,
//! `<LF>.<CRLF>` nor `<CRLF>.<CR><CR><LF>`. Whatever the content's fate, everything up to
//! that sequence is content, so a message that is refused can never leave a second,
//! smuggled transaction behind to be read as commands (the CVE-2023-51764 family).
//!
//! Bare `<CR>` or `<LF>` (not part of a CRLF pair) are refused rather than normalised: they
//! are what SMTP smuggling (CVE-2023-51764 family) relies on, no conforming client sends
//! them, and refusing keeps stored messages byte-identical to what the client sent. The
//! refusal comes after the end of data, so the session stays in step with the client.

/// Where the reader stands relative to a `<CRLF>.<CRLF>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    /// Inside a line; the last octet was not CR.
    Mid,
    /// Inside a line; the last octet was CR.
    Cr,
    /// Just after a CRLF (or the DATA command's own CRLF).
    LineStart,
    /// A `.` at the start of a line, held back: stuffing or the terminator.
    Dot,
    /// `.` then CR at the start of a line, both held back.
    DotCr,
}

/// Splits DATA content from the terminator and removes dot-stuffing. Works on whatever
/// pieces the connection delivers; copies the content once, stopping only where a line
/// starts with `.`.
#[derive(Debug, Clone)]
pub struct DotReader {
    state: At,
}

impl Default for DotReader {
    fn default() -> Self {
        DotReader::new()
    }
}

impl DotReader {
    /// A reader right after the `DATA` command's CRLF: a `.` line first ends an empty message.
    pub fn new() -> DotReader {
        DotReader {
            state: At::LineStart,
        }
    }

    /// Appends the content in `input` to `out`. Returns how many octets of `input` were
    /// used when the terminator was reached (the rest are commands), or `None` if more
    /// content is to come.
    pub fn ingest(&mut self, input: &[u8], out: &mut Vec<u8>) -> Option<usize> {
        let mut i = 0;
        while let Some(&b) = input.get(i) {
            match self.state {
                At::LineStart if b == b'.' => {
                    self.state = At::Dot;
                    i += 1;
                }
                At::Dot if b == b'\r' => {
                    self.state = At::DotCr;
                    i += 1;
                }
                At::DotCr if b == b'\n' => {
                    self.state = At::LineStart;
                    return Some(i + 1);
                }
                // `.` then CR then not LF: the dot was stuffing, the CR is content.
                At::DotCr => {
                    out.push(b'\r');
                    self.state = At::Cr;
                }
                // A line that starts with anything else, or a stuffed dot: dropped, the
                // rest of the line is ordinary content.
                At::LineStart | At::Dot => self.state = At::Mid,
                At::Mid | At::Cr => {
                    // Only a `.` after an LF can matter: copy up to the next one in one go.
                    let rest = &input[i..];
                    match memchr::memmem::find(rest, b"\n.") {
                        Some(j) => {
                            let crlf = match j {
                                0 => self.state == At::Cr,
                                _ => rest[j - 1] == b'\r',
                            };
                            out.extend_from_slice(&rest[..=j]);
                            i += j + 1;
                            self.state = if crlf { At::LineStart } else { At::Mid };
                        }
                        None => {
                            out.extend_from_slice(rest);
                            self.state = match rest {
                                [.., b'\r', b'\n'] => At::LineStart,
                                [b'\n'] if self.state == At::Cr => At::LineStart,
                                [.., b'\r'] => At::Cr,
                                _ => At::Mid,
                            };
                            i = input.len();
                        }
                    }
                }
            }
        }
        None
    }
}

/// RFC 5321 §4.5.3.1.6: 1000 octets including the CRLF.
pub const MAX_TEXT_LINE: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Ok,
    TooBig,
    LineTooLong,
    BareNewline,
    TooManyHops,
}

#[derive(Debug, Clone)]
pub struct BodyScanner {
    max_size: u64,
    max_hops: u64,
    size: u64,
    line_len: usize,
    prev: u8,
    in_headers: bool,
    /// The first bytes of the current line, enough to recognise `Received:`.
    head: [u8; 9],
    hops: u64,
    too_long: bool,
    bare: bool,
}

impl BodyScanner {
    pub fn new(max_size: u64, max_hops: u64) -> BodyScanner {
        BodyScanner {
            max_size,
            max_hops,
            size: 0,
            line_len: 0,
            prev: b'\n',
            in_headers: true,
            head: [0; 9],
            hops: 0,
            too_long: false,
            bare: false,
        }
    }

    /// Whether the message is already over the size limit (callers stop storing it).
    pub fn over_size(&self) -> bool {
        self.size > self.max_size
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn scan(&mut self, chunk: &[u8]) {
        self.size += chunk.len() as u64;
        for &b in chunk {
            if self.prev == b'\r' && b != b'\n' {
                self.bare = true;
            }
            if b == b'\n' {
                if self.prev != b'\r' {
                    self.bare = true;
                }
                self.end_line();
            } else {
                if self.line_len < self.head.len() {
                    self.head[self.line_len] = b;
                }
                self.line_len += 1;
                // The CR of the CRLF counts, so 999 octets before LF is the limit.
                if self.line_len > MAX_TEXT_LINE - 1 {
                    self.too_long = true;
                }
            }
            self.prev = b;
        }
    }

    fn end_line(&mut self) {
        if self.in_headers {
            let content = self
                .line_len
                .saturating_sub(usize::from(self.prev == b'\r'));
            if content == 0 {
                self.in_headers = false;
            } else if self.line_len >= 9 && self.head.eq_ignore_ascii_case(b"Received:") {
                self.hops += 1;
            }
        }
        self.line_len = 0;
    }

    /// The verdict at the end of data, most serious first.
    pub fn finish(&self) -> Verdict {
        if self.over_size() {
            Verdict::TooBig
        } else if self.too_long {
            Verdict::LineTooLong
        } else if self.bare || self.prev == b'\r' {
            Verdict::BareNewline
        } else if self.hops > self.max_hops {
            Verdict::TooManyHops
        } else {
            Verdict::Ok
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `wire` in pieces of `step` octets; the content and what follows the end.
    fn read(wire: &[u8], step: usize) -> (Vec<u8>, Option<Vec<u8>>) {
        let mut r = DotReader::new();
        let mut out = Vec::new();
        for (k, piece) in wire.chunks(step).enumerate() {
            if let Some(n) = r.ingest(piece, &mut out) {
                return (out, Some(wire[k * step + n..].to_vec()));
            }
        }
        (out, None)
    }

    #[test]
    fn only_crlf_dot_crlf_ends_data() {
        for step in [1, 2, 3, 7, 1000] {
            let (body, rest) = read(b"a\r\n..b\r\n.\r\nNOOP\r\n", step);
            assert_eq!(body, b"a\r\n.b\r\n");
            assert_eq!(rest.as_deref(), Some(&b"NOOP\r\n"[..]));
            assert_eq!(read(b".\r\n", step).0, b"");
            for fake in [
                &b"a\n.\nX"[..],
                b"a\r.\rX",
                b"a\n.\r\nX",
                b"a\r\n.\nX",
                b"a\r\n.\r\r\nX",
                b"a\r\r\n.\r\r\nX",
                b"a\r\n. \r\nX",
            ] {
                let (body, rest) = read(fake, step);
                assert_eq!(rest, None, "{:?} ended data", String::from_utf8_lossy(fake));
                assert!(body.ends_with(b"X"));
            }
        }
        // `.` CR then not LF: the CR stays, so the scanner sees a bare CR.
        assert_eq!(read(b".\rx\r\n.\r\n", 1).0, b"\rx\r\n");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]
        /// In any cutting, data ends exactly after the first `<CRLF>.<CRLF>` (the DATA
        /// command's CRLF counts), and the content does not depend on the cutting.
        #[test]
        fn ends_exactly_at_the_first_crlf_dot_crlf(
            wire in proptest::collection::vec(proptest::sample::select(b"\r\n.ab".to_vec()), 0..60),
            step in 1usize..8,
        ) {
            let mut framed = b"\r\n".to_vec();
            framed.extend_from_slice(&wire);
            let want = memchr::memmem::find(&framed, b"\r\n.\r\n").map(|i| i + 5 - 2);
            let (body, rest) = read(&wire, step);
            proptest::prop_assert_eq!(rest.map(|r| wire.len() - r.len()), want);
            proptest::prop_assert_eq!(body, read(&wire, 1000).0);
        }
    }

    fn verdict(msg: &[u8]) -> Verdict {
        let mut s = BodyScanner::new(1 << 20, 3);
        // Feed in awkward pieces to exercise state across chunk boundaries.
        for piece in msg.chunks(3) {
            s.scan(piece);
        }
        s.finish()
    }

    #[test]
    fn clean_message_passes() {
        assert_eq!(verdict(b"Subject: x\r\n\r\nbody\r\n"), Verdict::Ok);
    }

    #[test]
    fn bare_lf_and_cr_are_caught() {
        assert_eq!(
            verdict(b"Subject: x\r\n\r\nbo\ndy\r\n"),
            Verdict::BareNewline
        );
        assert_eq!(
            verdict(b"Subject: x\r\n\r\nbo\rdy\r\n"),
            Verdict::BareNewline
        );
        assert_eq!(verdict(b"Subject: x\r\n\r\nbody\r"), Verdict::BareNewline);
    }

    #[test]
    fn long_lines_are_caught_at_1000_with_crlf() {
        let mut ok = b"S: x\r\n\r\n".to_vec();
        ok.extend(std::iter::repeat_n(b'a', 998));
        ok.extend_from_slice(b"\r\n");
        assert_eq!(verdict(&ok), Verdict::Ok);
        let mut bad = b"S: x\r\n\r\n".to_vec();
        bad.extend(std::iter::repeat_n(b'a', 999));
        bad.extend_from_slice(b"\r\n");
        assert_eq!(verdict(&bad), Verdict::LineTooLong);
    }

    #[test]
    fn hops_count_only_in_headers() {
        let four = b"Received: a\r\nreceived: b\r\nRECEIVED: c\r\nReceived: d\r\n\r\n";
        assert_eq!(verdict(four), Verdict::TooManyHops);
        let body = b"Received: a\r\n\r\nReceived: b\r\nReceived: c\r\nReceived: d\r\n";
        assert_eq!(verdict(body), Verdict::Ok);
    }

    #[test]
    fn size_limit() {
        let mut s = BodyScanner::new(10, 50);
        s.scan(b"0123456789");
        assert!(!s.over_size());
        s.scan(b"\r\n");
        assert_eq!(s.finish(), Verdict::TooBig);
    }
}
