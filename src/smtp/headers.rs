//! The header policy applied to every message as it streams into the spool, without holding
//! more than one header field (bounded) in memory:
//!
//! - `Return-Path:` from the client is removed: only the final delivery adds one
//!   (RFC 5321 §4.4), and a second one next to ours misleads filters and people.
//! - `Authentication-Results:` whose authserv-id is our own host name is removed: only we may
//!   claim it (RFC 8601 §5); results by other hosts are kept.
//! - On submission, `Date:` and `Message-ID:` are added when the client left them out
//!   (RFC 6409 §8.2, §8.3). Never on port 25, where the message is someone else's.
//! - On submission, the `From:` and `Sender:` fields are kept aside so the session can check
//!   that they name the authenticated user (see `submission.rs`).
//!
//! Not here: the checks on the raw bytes (size, bare CR/LF, line length, hop count) are
//! `data.rs`'s; what is allowed as a sender is the policy's.

use super::policy::{MessageSink, SpoolError};

/// Longest field name worth classifying (`Authentication-Results` is 22 octets).
const MAX_NAME: usize = 64;
/// Most octets of one inspected field (`From:`, `Sender:`, `Authentication-Results:`) kept
/// in memory. RFC 5322 lines are at most 998 octets; a folded list of many addresses is the
/// only legitimate reason to get near this.
pub const MAX_FIELD: usize = 16 << 10;

/// What to do with the header of one message.
#[derive(Debug, Clone)]
pub struct HeaderRules {
    /// Our host name: the authserv-id nobody else may use.
    pub hostname: String,
    /// Add `Date:` and `Message-ID:` when missing (submission only).
    pub add_missing: bool,
    /// Keep `From:` and `Sender:` for the sender check.
    pub collect_senders: bool,
}

/// What the header said, for the checks at the end of data.
#[derive(Debug, Clone, Default)]
pub struct HeaderSummary {
    /// Each `From:` field as received (name, colon, value, CRLF).
    pub from: Vec<Vec<u8>>,
    /// Each `Sender:` field as received.
    pub sender: Vec<Vec<u8>>,
    /// A `From:` or `Sender:` field was longer than [`MAX_FIELD`] and could not be checked.
    pub sender_too_long: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Other,
    ReturnPath,
    AuthResults,
    From,
    Sender,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Written to the spool as it comes.
    Pass,
    /// Thrown away.
    Drop,
    /// Held until the field ends, then judged.
    Keep,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the first byte of a header line: a continuation, a new field or the blank line.
    LineStart,
    /// Reading a field name (held in `buf`) up to its colon.
    Name,
    /// Inside a field's value.
    Value,
    /// Past the header: everything is written as it comes.
    Body,
}

pub struct HeaderFilter {
    rules: HeaderRules,
    state: State,
    mode: Mode,
    kind: Kind,
    buf: Vec<u8>,
    has_date: bool,
    has_message_id: bool,
    summary: HeaderSummary,
    /// Octets written to the spool.
    stored: u64,
    last: u8,
}

impl HeaderFilter {
    pub fn new(rules: HeaderRules) -> HeaderFilter {
        HeaderFilter {
            rules,
            state: State::LineStart,
            mode: Mode::Pass,
            kind: Kind::Other,
            buf: Vec::new(),
            has_date: false,
            has_message_id: false,
            summary: HeaderSummary::default(),
            stored: 0,
            last: b'\n',
        }
    }

    /// Octets written so far (the message as stored, without our `Received:`).
    pub fn stored(&self) -> u64 {
        self.stored
    }

    fn emit(&mut self, bytes: &[u8], out: &mut dyn FnMut(&[u8])) {
        if let Some(&b) = bytes.last() {
            self.stored += bytes.len() as u64;
            self.last = b;
            out(bytes);
        }
    }

    /// Filters the next piece of message content; what is to be stored goes to `out`.
    pub fn push(&mut self, input: &[u8], out: &mut dyn FnMut(&[u8])) {
        let mut i = 0;
        while i < input.len() {
            match self.state {
                State::Body => {
                    self.emit(&input[i..], out);
                    return;
                }
                State::LineStart => {
                    let b = input[i];
                    if b == b' ' || b == b'\t' {
                        // A continuation of the field before (or, at the very start, a
                        // malformed header that is passed on as it is).
                        self.state = State::Value;
                    } else if b == b'\r' || b == b'\n' {
                        self.end_field(out);
                        self.add_missing(out);
                        self.state = State::Body;
                    } else {
                        self.end_field(out);
                        self.buf.clear();
                        self.state = State::Name;
                    }
                }
                State::Name => {
                    let b = input[i];
                    i += 1;
                    self.buf.push(b);
                    if b == b':' {
                        self.classify();
                        if self.mode == Mode::Pass {
                            let held = std::mem::take(&mut self.buf);
                            self.emit(&held, out);
                            self.buf = held;
                            self.buf.clear();
                        }
                        self.state = State::Value;
                    } else if b == b'\n' || self.buf.len() > MAX_NAME {
                        // Not a field we know (or not a field at all): pass it on.
                        self.kind = Kind::Other;
                        self.mode = Mode::Pass;
                        let held = std::mem::take(&mut self.buf);
                        self.emit(&held, out);
                        self.buf = held;
                        self.buf.clear();
                        self.state = if b == b'\n' {
                            State::LineStart
                        } else {
                            State::Value
                        };
                    }
                }
                State::Value => {
                    let (end, line_done) = match memchr::memchr(b'\n', &input[i..]) {
                        Some(j) => (i + j + 1, true),
                        None => (input.len(), false),
                    };
                    let piece = &input[i..end];
                    i = end;
                    match self.mode {
                        Mode::Pass => self.emit(piece, out),
                        Mode::Drop => {}
                        Mode::Keep => {
                            if self.buf.len() + piece.len() <= MAX_FIELD {
                                self.buf.extend_from_slice(piece);
                            } else {
                                self.overflow(piece, out);
                            }
                        }
                    }
                    if line_done {
                        self.state = State::LineStart;
                    }
                }
            }
        }
    }

    /// A held field grew past [`MAX_FIELD`]: an `Authentication-Results:` that long is
    /// nobody's honest report and goes; a `From:`/`Sender:` is passed on, but marked.
    fn overflow(&mut self, piece: &[u8], out: &mut dyn FnMut(&[u8])) {
        let held = std::mem::take(&mut self.buf);
        if self.kind == Kind::AuthResults {
            self.mode = Mode::Drop;
            return;
        }
        self.summary.sender_too_long = true;
        self.mode = Mode::Pass;
        self.emit(&held, out);
        self.emit(piece, out);
    }

    fn classify(&mut self) {
        let name = &self.buf[..self.buf.len() - 1];
        // RFC 5322 §4.5.3 (obsolete syntax): white space may precede the colon.
        let end = name
            .iter()
            .rposition(|b| !b" \t".contains(b))
            .map_or(0, |p| p + 1);
        let name = &name[..end];
        let is = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());
        self.kind = Kind::Other;
        self.mode = Mode::Pass;
        if is("return-path") {
            self.kind = Kind::ReturnPath;
            self.mode = Mode::Drop;
        } else if is("authentication-results") {
            self.kind = Kind::AuthResults;
            self.mode = Mode::Keep;
        } else if is("from") && self.rules.collect_senders {
            self.kind = Kind::From;
            self.mode = Mode::Keep;
        } else if is("sender") && self.rules.collect_senders {
            self.kind = Kind::Sender;
            self.mode = Mode::Keep;
        } else if is("date") {
            self.has_date = true;
        } else if is("message-id") {
            self.has_message_id = true;
        }
        if self.mode == Mode::Drop {
            self.buf.clear();
        }
    }

    /// The field before has ended: write or drop what was held back.
    fn end_field(&mut self, out: &mut dyn FnMut(&[u8])) {
        let kind = std::mem::replace(&mut self.kind, Kind::Other);
        let mode = std::mem::replace(&mut self.mode, Mode::Pass);
        if self.state == State::Name {
            // A name without colon or line end (the data ended inside it).
            let held = std::mem::take(&mut self.buf);
            self.emit(&held, out);
            return;
        }
        if mode != Mode::Keep {
            return;
        }
        let field = std::mem::take(&mut self.buf);
        let keep = match kind {
            Kind::AuthResults => {
                !authserv_id(&field).is_some_and(|id| same_host(&id, &self.rules.hostname))
            }
            Kind::From => {
                self.summary.from.push(field.clone());
                true
            }
            Kind::Sender => {
                self.summary.sender.push(field.clone());
                true
            }
            Kind::Other | Kind::ReturnPath => true,
        };
        if keep {
            self.emit(&field, out);
        }
    }

    fn add_missing(&mut self, out: &mut dyn FnMut(&[u8])) {
        if !self.rules.add_missing {
            return;
        }
        let mut add = String::new();
        if !self.has_date {
            add.push_str(&format!("Date: {}\r\n", chrono::Local::now().to_rfc2822()));
        }
        if !self.has_message_id {
            add.push_str(&format!(
                "Message-ID: <{}@{}>\r\n",
                random_id(),
                self.rules.hostname
            ));
        }
        self.has_date = true;
        self.has_message_id = true;
        if !add.is_empty() {
            if self.last != b'\n' {
                self.emit(b"\r\n", out);
            }
            self.emit(add.as_bytes(), out);
        }
    }

    /// The end of data: writes what is still held back and says what the header contained.
    /// A message that is all header (no blank line) gets the missing fields at its end.
    pub fn finish(&mut self, out: &mut dyn FnMut(&[u8])) -> HeaderSummary {
        if self.state != State::Body {
            self.end_field(out);
            self.add_missing(out);
            self.state = State::Body;
        }
        std::mem::take(&mut self.summary)
    }

    /// [`HeaderFilter::push`] straight into a spool sink.
    pub fn write_to(&mut self, input: &[u8], sink: &mut dyn MessageSink) -> Result<(), SpoolError> {
        let mut result = Ok(());
        self.push(input, &mut |b| {
            if result.is_ok() {
                result = sink.write(b);
            }
        });
        result
    }

    /// [`HeaderFilter::finish`] straight into a spool sink.
    pub fn finish_to(&mut self, sink: &mut dyn MessageSink) -> Result<HeaderSummary, SpoolError> {
        let mut result = Ok(());
        let summary = self.finish(&mut |b| {
            if result.is_ok() {
                result = sink.write(b);
            }
        });
        result.map(|()| summary)
    }
}

/// 128 random bits in hex, for a `Message-ID:` left part.
fn random_id() -> String {
    let mut r = [0u8; 16];
    let _ = getrandom::fill(&mut r);
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros())
        .unwrap_or(0);
    let hex: String = r.iter().map(|b| format!("{b:02x}")).collect();
    format!("{micros:x}.{hex}")
}

fn same_host(a: &str, b: &str) -> bool {
    a.trim_end_matches('.')
        .eq_ignore_ascii_case(b.trim_end_matches('.'))
}

/// The authserv-id of an `Authentication-Results:` field (RFC 8601 §2.2): the first value
/// after the colon, past any comments and folding white space; a token or a quoted string.
pub fn authserv_id(field: &[u8]) -> Option<String> {
    let colon = field.iter().position(|&b| b == b':')?;
    let v = &field[colon + 1..];
    let mut i = 0;
    // CFWS: white space, line folds and (nested) comments with quoted pairs.
    let mut depth = 0usize;
    while i < v.len() {
        match v[i] {
            b'(' => depth += 1,
            b')' if depth > 0 => depth -= 1,
            b'\\' if depth > 0 => i += 1,
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ if depth > 0 => {}
            _ => break,
        }
        i += 1;
    }
    let v = v.get(i..)?;
    let id = if v.first() == Some(&b'"') {
        let mut s = Vec::new();
        let mut j = 1;
        loop {
            match v.get(j)? {
                b'"' => break,
                b'\\' => {
                    j += 1;
                    s.push(*v.get(j)?);
                }
                b'\r' | b'\n' => {}
                &b => s.push(b),
            }
            j += 1;
        }
        s
    } else {
        v.iter()
            .take_while(|b| !b" \t\r\n;(".contains(b))
            .copied()
            .collect()
    };
    if id.is_empty() {
        return None;
    }
    String::from_utf8(id).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rules(submission: bool) -> HeaderRules {
        HeaderRules {
            hostname: "mx.example.test".into(),
            add_missing: submission,
            collect_senders: submission,
        }
    }

    fn run(rules: HeaderRules, msg: &[u8], piece: usize) -> (Vec<u8>, HeaderSummary, u64) {
        let mut f = HeaderFilter::new(rules);
        let mut out = Vec::new();
        for p in msg.chunks(piece.max(1)) {
            f.push(p, &mut |b| out.extend_from_slice(b));
        }
        let s = f.finish(&mut |b| out.extend_from_slice(b));
        assert_eq!(f.stored(), out.len() as u64);
        (out, s, f.stored())
    }

    #[test]
    fn removes_return_path_and_our_auth_results_only() {
        let msg = b"Return-Path: <spoof@x>\r\nReturn-path : <b@x>\r\n  folded\r\nFrom: a@b\r\n\
Authentication-Results: MX.example.test.; spf=pass\r\n\
Authentication-Results: (comment (nested)) \"mx.example.test\"; dkim=pass\r\n\
Authentication-Results:\r\n mx.example.test;\r\n dmarc=pass\r\n\
Authentication-Results: other.test; spf=fail\r\n\
Subject: hi\r\n\r\nReturn-Path: <body@x>\r\n";
        for piece in [1, 2, 3, 7, 1000] {
            let (out, _, _) = run(rules(false), msg, piece);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                "From: a@b\r\nAuthentication-Results: other.test; spf=fail\r\n\
Subject: hi\r\n\r\nReturn-Path: <body@x>\r\n",
                "piece {piece}"
            );
        }
    }

    #[test]
    fn port_25_adds_nothing() {
        let msg = b"Subject: x\r\n\r\nbody\r\n";
        let (out, _, _) = run(rules(false), msg, 5);
        assert_eq!(out, msg);
    }

    #[test]
    fn submission_adds_date_and_message_id_when_missing() {
        let (out, _, _) = run(rules(true), b"From: a@b\r\n\r\nbody\r\n", 4);
        let s = String::from_utf8(out).unwrap();
        let (head, body) = s.split_once("\r\n\r\n").unwrap();
        assert_eq!(body, "body\r\n");
        assert!(head.contains("\r\nDate: "), "{s}");
        assert!(head.contains("\r\nMessage-ID: <") && head.contains("@mx.example.test>"));
        let (out, _, _) = run(
            rules(true),
            b"date: x\r\nMESSAGE-ID: <m@x>\r\nFrom: a@b\r\n\r\nb\r\n",
            3,
        );
        assert_eq!(
            out,
            b"date: x\r\nMESSAGE-ID: <m@x>\r\nFrom: a@b\r\n\r\nb\r\n"
        );
        // All header, no body, not even a final line end.
        let (out, _, _) = run(rules(true), b"From: a@b", 3);
        let s = String::from_utf8(out).unwrap();
        assert!(s.starts_with("From: a@b\r\nDate: "), "{s}");
        assert!(s.ends_with(">\r\n"));
    }

    #[test]
    fn collects_from_and_sender_fields() {
        let (_, s, _) = run(
            rules(true),
            b"From: A <a@b>,\r\n c@d\r\nSender: s@b\r\nTo: t@b\r\n\r\nFrom: x@y\r\n",
            2,
        );
        assert_eq!(s.from, [b"From: A <a@b>,\r\n c@d\r\n".to_vec()]);
        assert_eq!(s.sender, [b"Sender: s@b\r\n".to_vec()]);
        let mut huge = b"From: a@b".to_vec();
        huge.extend(std::iter::repeat_n(b'x', MAX_FIELD + 10));
        huge.extend_from_slice(b"\r\n\r\n");
        let (out, s, _) = run(rules(true), &huge, 4096);
        assert!(s.sender_too_long && s.from.is_empty());
        assert!(out.starts_with(&huge[..huge.len() - 4]));
    }

    #[test]
    fn memory_stays_bounded_on_endless_fields() {
        let mut f = HeaderFilter::new(rules(true));
        let mut stored = 0usize;
        let chunk = vec![b'x'; 64 << 10];
        f.push(b"Authentication-Results: mx.example.test", &mut |b| {
            stored += b.len()
        });
        for _ in 0..32 {
            f.push(&chunk, &mut |b| stored += b.len());
            assert!(f.buf.capacity() <= 2 * MAX_FIELD + (64 << 10));
        }
        // An endless Authentication-Results is nobody's honest report: dropped whole.
        f.push(b"\r\nSubject: s\r\n\r\n", &mut |b| stored += b.len());
        assert!(stored < 1000, "{stored}");
        let mut f = HeaderFilter::new(rules(true));
        for _ in 0..32 {
            f.push(&chunk, &mut |_| {});
            assert!(
                f.buf.len() <= MAX_NAME + 1,
                "a name without colon is not held"
            );
        }
    }

    #[test]
    fn authserv_id_forms() {
        assert_eq!(authserv_id(b"A-R: x.test; spf=pass").unwrap(), "x.test");
        assert_eq!(authserv_id(b"A-R: x.test 1; none").unwrap(), "x.test");
        assert_eq!(
            authserv_id(b"A-R: (a \\) b) \"x\\\".test\"; none").unwrap(),
            "x\".test"
        );
        assert_eq!(authserv_id(b"A-R: ;"), None);
        assert_eq!(authserv_id(b"A-R: \"open"), None);
    }

    proptest! {
        /// However the content is cut into reads, the same bytes are stored; memory held is
        /// bounded; no client `Return-Path:` field start survives in the header.
        #[test]
        fn pieces_do_not_matter(
            lines in proptest::collection::vec(
                prop_oneof![
                    Just("Return-Path: <a@b>\r\n".to_string()),
                    Just(" cont\r\n".to_string()),
                    Just("Authentication-Results: mx.example.test; spf=pass\r\n".to_string()),
                    Just("Authentication-Results: o.test; spf=pass\r\n".to_string()),
                    Just("From: a@b\r\n".to_string()),
                    Just("\r\n".to_string()),
                    Just("\n".to_string()),
                    "[ -~]{0,40}\r\n",
                    "[ -~:\r\n]{0,40}",
                ],
                0..20,
            ),
            piece in 1usize..50,
            submission in any::<bool>(),
        ) {
            let msg = lines.concat();
            let (whole, _, _) = run(rules(submission), msg.as_bytes(), msg.len().max(1));
            let (cut, _, _) = run(rules(submission), msg.as_bytes(), piece);
            if !submission {
                prop_assert_eq!(&whole, &cut);
            } else {
                // Only the generated Date/Message-ID differ.
                prop_assert_eq!(whole.len(), cut.len());
            }
            // The header ends at the first line that starts with CR or LF, as in the filter.
            let head: String = String::from_utf8_lossy(&whole)
                .split_inclusive('\n')
                .take_while(|l| !l.starts_with(['\r', '\n']))
                .collect();
            prop_assert!(!head.starts_with("Return-Path:") && !head.contains("\nReturn-Path:"));
            prop_assert!(!head.starts_with("Authentication-Results: mx.example.test"));
            prop_assert!(!head.contains("\nAuthentication-Results: mx.example.test"));
        }
    }
}
