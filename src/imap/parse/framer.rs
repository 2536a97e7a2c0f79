//! Sans-IO framing of the client's byte stream into whole IMAP commands (RFC 3501 §2.2,
//! §4.3; RFC 7888 LITERAL+/LITERAL-).
//!
//! A command is one line, unless it contains literals: a line ending in `{n}` (or `{n+}`,
//! `{n-}`, `~{n}`) is followed by exactly `n` raw bytes and then the rest of the command. The
//! framer hands out each command with its literals inlined, so the parser sees one slice. It
//! tells the driver when a synchronising literal needs a `+` continuation, and enforces the
//! line, literal and command limits so that memory stays bounded whatever the peer sends.
//!
//! It does not parse anything beyond literal headers and a best-effort tag for error replies,
//! and it has no modes: AUTHENTICATE responses and IDLE's `DONE` arrive as ordinary lines.

use std::collections::VecDeque;

/// Size limits. All in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest line, not counting literal contents or the line end.
    pub max_line: usize,
    /// Largest synchronising literal; larger ones are refused with `[TOOBIG]`.
    pub max_literal: usize,
    /// Largest non-synchronising literal. RFC 7888 LITERAL- caps these at 4096; with
    /// LITERAL+ advertised it is normally `max_literal`.
    pub max_literal_nonsync: usize,
    /// Largest command, lines and literals together.
    pub max_command: usize,
}

impl Default for Limits {
    fn default() -> Self {
        const MIB: usize = 1024 * 1024;
        Limits {
            max_line: 64 * 1024,
            max_literal: 25 * MIB,
            max_literal_nonsync: 25 * MIB,
            max_command: 25 * MIB + 64 * 1024,
        }
    }
}

/// What the driver must act on next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// One complete command (or AUTHENTICATE/IDLE continuation line), literals inlined, the
    /// final line end removed.
    Line(Vec<u8>),
    /// A synchronising literal was announced and accepted: send `+ Ready for literal data`.
    Continue,
    /// A synchronising literal over the limit; the command was dropped (reply `NO [TOOBIG]`).
    TooBig { tag: Option<String> },
    /// A line over `max_line`; it was discarded up to its end (reply `BAD`).
    LineTooLong { tag: Option<String> },
    /// The stream cannot be resynchronised (a non-synchronising literal or a command over
    /// the limits): send `* BYE [TOOBIG]` and close. The framer ignores all further input.
    Fatal(String),
}

#[derive(Debug)]
enum State {
    /// Reading a line; `seg_start` is where the current line starts in `cur`.
    Line,
    /// Copying literal bytes.
    Literal { remaining: usize },
    /// Dropping bytes up to the next LF after an over-long line.
    Discard,
    /// After [`Frame::Fatal`].
    Dead,
}

/// Longest tag reported in error frames; longer ones are not worth echoing.
const MAX_TAG: usize = 64;

#[derive(Debug)]
pub struct Framer {
    limits: Limits,
    state: State,
    /// The command so far.
    cur: Vec<u8>,
    seg_start: usize,
    out: VecDeque<Frame>,
}

impl Framer {
    pub fn new(limits: Limits) -> Framer {
        Framer {
            limits,
            state: State::Line,
            cur: Vec::new(),
            seg_start: 0,
            out: VecDeque::new(),
        }
    }

    /// New limits for the bytes pushed from now on (the session raises them after login).
    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Feeds bytes read from the peer. Frames become available through [`Framer::next`].
    pub fn push(&mut self, bytes: &[u8]) {
        let mut rest = bytes;
        while !rest.is_empty() {
            match self.state {
                State::Dead => return,
                State::Discard => match memchr::memchr(b'\n', rest) {
                    Some(i) => {
                        rest = &rest[i + 1..];
                        self.state = State::Line;
                    }
                    None => return,
                },
                State::Literal { remaining } => {
                    let n = remaining.min(rest.len());
                    self.cur.extend_from_slice(&rest[..n]);
                    rest = &rest[n..];
                    if remaining == n {
                        self.state = State::Line;
                        self.seg_start = self.cur.len();
                    } else {
                        self.state = State::Literal {
                            remaining: remaining - n,
                        };
                    }
                }
                State::Line => rest = self.line(rest),
            }
        }
    }

    /// The next frame, in order, or `None` until more bytes are pushed.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Option<Frame> {
        self.out.pop_front()
    }

    /// Whether frames or part of a command wait here.
    pub fn pending(&self) -> bool {
        !self.out.is_empty() || !self.cur.is_empty()
    }

    /// Bytes held for the command in progress (for tests and metrics).
    pub fn buffered(&self) -> usize {
        self.cur.capacity()
    }

    /// Consumes line bytes from `rest`; returns what is left.
    fn line<'a>(&mut self, rest: &'a [u8]) -> &'a [u8] {
        let seg_len = self.cur.len() - self.seg_start;
        let lf = memchr::memchr(b'\n', rest);
        let take = lf.unwrap_or(rest.len());
        // One byte of slack for the CR of a CRLF.
        let line_limit = self.limits.max_line + 1;
        let command_limit = self.limits.max_command.saturating_sub(self.seg_start);
        let line_over = seg_len + take > line_limit;
        let command_over = seg_len + take > command_limit;
        // When both are over, report the limit a byte-at-a-time peer would have hit first,
        // so the frames do not depend on how the input was split.
        if line_over && (!command_over || line_limit <= command_limit) {
            let tag = self.tag(rest);
            self.out.push_back(Frame::LineTooLong { tag });
            self.reset();
            return match lf {
                Some(i) => &rest[i + 1..],
                None => {
                    self.state = State::Discard;
                    &[]
                }
            };
        }
        if command_over {
            self.fatal("command too long");
            return &[];
        }
        self.cur.extend_from_slice(&rest[..take]);
        let Some(i) = lf else { return &[] };
        if self.cur.len() > self.seg_start && self.cur.last() == Some(&b'\r') {
            self.cur.pop();
        }
        if self.cur.len() - self.seg_start > self.limits.max_line {
            let tag = self.tag(&[]);
            self.out.push_back(Frame::LineTooLong { tag });
            self.reset();
            return &rest[i + 1..];
        }
        match literal_header(&self.cur[self.seg_start..]) {
            None => {
                let line = std::mem::take(&mut self.cur);
                self.out.push_back(Frame::Line(line));
                self.seg_start = 0;
            }
            Some((n, sync)) => self.literal(n, sync),
        }
        &rest[i + 1..]
    }

    fn literal(&mut self, n: usize, sync: bool) {
        let too_big_for_command = self
            .cur
            .len()
            .saturating_add(2)
            .saturating_add(n)
            .gt(&self.limits.max_command);
        if sync {
            if n > self.limits.max_literal || too_big_for_command {
                let tag = self.tag(&[]);
                self.out.push_back(Frame::TooBig { tag });
                self.reset();
                return;
            }
            self.out.push_back(Frame::Continue);
        } else if n > self.limits.max_literal_nonsync || too_big_for_command {
            // The peer sends the bytes without waiting: there is no way to skip them safely.
            self.fatal("non-synchronising literal too large");
            return;
        }
        // Literal headers are always followed by CRLF in the frame, even after a bare LF,
        // so the parser has one form to accept.
        self.cur.extend_from_slice(b"\r\n");
        // Announced is not sent: reserve a little and let the vector grow (amortised
        // doubling) as the bytes arrive, so idle peers cannot pin `max_literal` each.
        self.cur.reserve(n.min(64 * 1024));
        if n == 0 {
            self.seg_start = self.cur.len();
        } else {
            self.state = State::Literal { remaining: n };
        }
    }

    fn fatal(&mut self, why: &str) {
        self.out.push_back(Frame::Fatal(why.to_string()));
        self.cur = Vec::new();
        self.seg_start = 0;
        self.state = State::Dead;
    }

    fn reset(&mut self) {
        // Drop the allocation too: an over-long line must not leave a large buffer behind.
        self.cur = Vec::new();
        self.seg_start = 0;
        self.state = State::Line;
    }

    /// The tag at the start of the command: the command so far, then `more`.
    fn tag(&self, more: &[u8]) -> Option<String> {
        // Never look further than an over-long line is guaranteed to have arrived, so the
        // answer does not depend on how the input was split.
        let head = self
            .cur
            .iter()
            .chain(more)
            .take(MAX_TAG.min(self.limits.max_line) + 1);
        let mut tag = String::new();
        for &b in head {
            if b == b' ' {
                return (!tag.is_empty()).then_some(tag);
            }
            if !super::lexer::is_tag_char(b) || tag.len() == MAX_TAG {
                return None;
            }
            tag.push(char::from(b));
        }
        None
    }
}

/// `{n}`, `{n+}`, `{n-}` or `~{n}` at the end of a line: the length (saturated when it does
/// not fit) and whether it is synchronising.
fn literal_header(line: &[u8]) -> Option<(usize, bool)> {
    let body = line.strip_suffix(b"}")?;
    let (body, sync) = match body.last() {
        Some(b'+' | b'-') => (&body[..body.len() - 1], false),
        _ => (body, true),
    };
    let open = body.iter().rposition(|&b| b == b'{')?;
    let digits = &body[open + 1..];
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = digits.iter().try_fold(0usize, |n, &d| {
        n.checked_mul(10)?.checked_add(usize::from(d - b'0'))
    });
    Some((n.unwrap_or(usize::MAX), sync))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(limits: Limits, chunks: &[&[u8]]) -> Vec<Frame> {
        let mut f = Framer::new(limits);
        let mut out = Vec::new();
        for c in chunks {
            f.push(c);
            while let Some(x) = f.next() {
                out.push(x);
            }
        }
        out
    }

    fn line(s: &[u8]) -> Frame {
        Frame::Line(s.to_vec())
    }

    #[test]
    fn lines_and_literals_are_framed_whole() {
        let input: &[u8] = b"A1 NOOP\r\nA2 LOGIN {5}\r\nalice {3+}\r\npwd\r\nA3 X\nA4 APPEND x {7}\r\n{5}\r\nab\r\n\r\n";
        let got = frames(Limits::default(), &[input]);
        assert_eq!(
            got,
            vec![
                line(b"A1 NOOP"),
                Frame::Continue,
                line(b"A2 LOGIN {5}\r\nalice {3+}\r\npwd"),
                line(b"A3 X"),
                Frame::Continue,
                line(b"A4 APPEND x {7}\r\n{5}\r\nab"),
                line(b""),
            ]
        );
        // Byte at a time gives the same frames.
        let bytes: Vec<&[u8]> = input.chunks(1).collect();
        assert_eq!(frames(Limits::default(), &bytes), got);
        // CRLF split across pushes.
        assert_eq!(
            frames(
                Limits::default(),
                &[b"A1 NOOP\r", b"\nA2 X {0}\r", b"\n\r\n"]
            ),
            vec![line(b"A1 NOOP"), Frame::Continue, line(b"A2 X {0}\r\n")]
        );
    }

    #[test]
    fn bare_lf_after_a_literal_header_is_normalised_and_literal8_is_framed() {
        assert_eq!(
            frames(Limits::default(), &[b"A APPEND x ~{2}\nhi\n"]),
            vec![Frame::Continue, line(b"A APPEND x ~{2}\r\nhi")]
        );
    }

    #[test]
    fn too_big_literal_drops_the_command_and_resumes() {
        let limits = Limits {
            max_literal: 10,
            ..Limits::default()
        };
        assert_eq!(
            frames(limits, &[b"A7 APPEND x {11}\r\nA8 NOOP\r\n"]),
            vec![
                Frame::TooBig {
                    tag: Some("A7".into())
                },
                line(b"A8 NOOP")
            ]
        );
        assert_eq!(
            frames(limits, &[b"A7 APPEND x {99999999999999999999999}\r\n"]),
            vec![Frame::TooBig {
                tag: Some("A7".into())
            }]
        );
    }

    #[test]
    fn sync_literal_over_the_command_limit_is_too_big_not_fatal() {
        let limits = Limits {
            max_line: 100,
            max_literal: 100,
            max_literal_nonsync: 100,
            max_command: 95,
        };
        assert_eq!(
            frames(limits, &[b"B2 X {90}\r\n"]),
            vec![Frame::TooBig {
                tag: Some("B2".into())
            }]
        );
    }

    #[test]
    fn nonsync_literal_over_the_limit_is_fatal_and_ends_the_stream() {
        let limits = Limits {
            max_literal_nonsync: 4096,
            ..Limits::default()
        };
        let got = frames(limits, &[b"A1 APPEND x {4097+}\r\n", b"A2 NOOP\r\n"]);
        assert!(matches!(got.as_slice(), [Frame::Fatal(_)]), "{got:?}");
        let got = frames(limits, &[b"A1 LOGIN {4096-}\r\n"]);
        assert!(got.is_empty());
    }

    #[test]
    fn command_over_max_command_is_fatal() {
        let limits = Limits {
            max_line: 100,
            max_literal: 100,
            max_literal_nonsync: 100,
            max_command: 150,
        };
        let mut input = b"A1 X {90+}\r\n".to_vec();
        input.extend([b'x'; 90]);
        input.extend(b" {90+}\r\n");
        let got = frames(limits, &[&input]);
        assert!(matches!(got.as_slice(), [Frame::Fatal(_)]), "{got:?}");
    }

    #[test]
    fn long_lines_are_discarded_up_to_their_end() {
        let limits = Limits {
            max_line: 16,
            ..Limits::default()
        };
        // Exactly the limit is fine, CR not counted.
        assert_eq!(
            frames(limits, &[b"A1 3456789012345\r\n"]),
            vec![line(b"A1 3456789012345")]
        );
        let got = frames(limits, &[b"A1 34567890123456\r\nA2 NOOP\r\n"]);
        assert_eq!(
            got,
            vec![
                Frame::LineTooLong {
                    tag: Some("A1".into())
                },
                line(b"A2 NOOP")
            ]
        );
        let bytes: Vec<&[u8]> = b"A1 34567890123456789\r\nA2 NOOP\r\n".chunks(1).collect();
        assert_eq!(frames(limits, &bytes), got);
    }

    #[test]
    fn error_tag_does_not_depend_on_the_split() {
        let limits = Limits {
            max_line: 8,
            ..Limits::default()
        };
        let input = b"ABCDEFGHIJKL NOOP\r\n";
        let whole = frames(limits, &[input]);
        let bytes: Vec<&[u8]> = input.chunks(1).collect();
        assert_eq!(whole, vec![Frame::LineTooLong { tag: None }]);
        assert_eq!(frames(limits, &bytes), whole);
    }

    #[test]
    fn garbage_without_lf_keeps_memory_bounded() {
        let mut f = Framer::new(Limits::default());
        let chunk = vec![b'x'; 64 * 1024];
        for _ in 0..160 {
            f.push(&chunk);
            assert!(f.buffered() <= 128 * 1024);
        }
        assert_eq!(f.next(), Some(Frame::LineTooLong { tag: None }));
        assert_eq!(f.next(), None);
        f.push(b"garbage\r\nA1 NOOP\r\n");
        assert_eq!(f.next(), Some(line(b"A1 NOOP")));
        // Ten megabytes in one push.
        let mut f = Framer::new(Limits::default());
        f.push(&vec![b'y'; 10 * 1024 * 1024]);
        assert!(f.buffered() <= 128 * 1024);
        assert_eq!(f.next(), Some(Frame::LineTooLong { tag: None }));
    }

    #[test]
    fn literal_contents_are_raw() {
        // CRLF and a literal header inside a literal are data.
        let got = frames(Limits::default(), &[b"A1 X {9}\r\n{5}\r\nab\r\n Y\r\n"]);
        assert_eq!(
            got,
            vec![Frame::Continue, line(b"A1 X {9}\r\n{5}\r\nab\r\n Y")]
        );
    }
}
