//! ManageSieve's syntax (RFC 5804 §4): a command is an atom followed by strings (quoted, or
//! literals `{n+}` / `{n}` followed by CRLF and n octets) and numbers, ended by CRLF; replies
//! are `OK`/`NO`/`BYE` with an optional response code and string.
//!
//! The parser works on the session's buffered input and never holds more than one command:
//! a literal longer than the session's limit is reported before its octets arrive, so the
//! session can skip them instead of buffering them. Both literal forms are taken without a
//! continuation (Pigeonhole does the same): RFC 5804 clients send `{n+}`, and a `{n}` from an
//! IMAP habit would otherwise wait for a `+` that ManageSieve does not have.
//!
//! Not here: what the commands mean (`session`).

/// Longest command without its literals, CRLF included.
pub const MAX_LINE: usize = 8 << 10;
/// Most arguments a command takes (PUTSCRIPT, RENAMESCRIPT: 2) with room for a tag.
const MAX_ARGS: usize = 4;

/// One argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// A quoted string or a literal, as octets (UTF-8 is checked where a name is needed).
    Str(Vec<u8>),
    Number(u64),
}

/// What the buffered input holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// Not a whole command yet; nothing can be decided before `input.len() >= need`.
    Incomplete { need: usize },
    Command {
        len: usize,
        name: String,
        args: Vec<Arg>,
    },
    /// A syntax error in the command ending at `len` (the whole line is dropped).
    Bad { len: usize, why: &'static str },
    /// A literal of `size` octets, over the limit, starts at `at`: the session drops the
    /// input up to `at`, skips `size` octets, then the rest of that line.
    TooBig { at: usize, size: u64 },
    /// No CRLF within [`MAX_LINE`] octets: not a ManageSieve peer.
    LineTooLong,
}

/// Parses the command at the start of `input`. `max_literal` bounds the literals of one
/// command together.
pub fn parse(input: &[u8], max_literal: u64) -> Parsed {
    parse_with(input, max_literal, |p| p.command())
}

/// Parses a client's SASL response (RFC 5804 §2.1): one string and CRLF, returned as a
/// [`Parsed::Command`] with an empty name and one argument.
pub fn parse_response(input: &[u8], max_literal: u64) -> Parsed {
    parse_with(input, max_literal, |p| {
        let a = p.arg()?;
        p.eol()?;
        Ok((String::new(), vec![a]))
    })
}

type Line = Result<(String, Vec<Arg>), Stop>;

fn parse_with(
    input: &[u8],
    max_literal: u64,
    what: impl FnOnce(&mut Parser<'_>) -> Line,
) -> Parsed {
    let mut p = Parser {
        input,
        pos: 0,
        text: 0,
        literals: 0,
        max_literal,
    };
    match what(&mut p) {
        Ok((name, args)) => Parsed::Command {
            len: p.pos,
            name,
            args,
        },
        Err(Stop::Incomplete(need)) => {
            if p.text >= MAX_LINE {
                Parsed::LineTooLong
            } else {
                Parsed::Incomplete { need }
            }
        }
        Err(Stop::Bad(why)) => match memchr::memchr(b'\n', &input[p.pos.min(input.len())..]) {
            Some(i) => Parsed::Bad {
                len: p.pos + i + 1,
                why,
            },
            None if input.len() - p.pos > MAX_LINE => Parsed::LineTooLong,
            None => Parsed::Incomplete {
                need: input.len() + 1,
            },
        },
        Err(Stop::TooBig { at, size }) => Parsed::TooBig { at, size },
    }
}

enum Stop {
    Incomplete(usize),
    Bad(&'static str),
    TooBig { at: usize, size: u64 },
}

struct Parser<'a> {
    input: &'a [u8],
    pos: usize,
    /// Octets of the command outside literals, so far.
    text: usize,
    /// Octets of literals, so far (counting a literal still arriving in full).
    literals: u64,
    max_literal: u64,
}

impl Parser<'_> {
    fn peek(&self) -> Result<u8, Stop> {
        match self.input.get(self.pos) {
            Some(&b) => Ok(b),
            None => Err(Stop::Incomplete(self.pos + 1)),
        }
    }

    fn bump(&mut self) {
        self.pos += 1;
        self.text += 1;
    }

    /// CRLF (a bare LF too: lenient like the other protocols here).
    fn eol(&mut self) -> Result<(), Stop> {
        if self.peek()? == b'\r' {
            self.bump();
        }
        if self.peek()? != b'\n' {
            return Err(Stop::Bad("expected the end of the line"));
        }
        self.bump();
        Ok(())
    }

    fn command(&mut self) -> Line {
        let name = self.atom()?;
        if name.is_empty() {
            return Err(Stop::Bad("expected a command name"));
        }
        let mut args = Vec::new();
        loop {
            match self.peek()? {
                b'\r' | b'\n' => {
                    self.eol()?;
                    return Ok((name, args));
                }
                b' ' => {
                    self.bump();
                    if args.len() == MAX_ARGS {
                        return Err(Stop::Bad("too many arguments"));
                    }
                    args.push(self.arg()?);
                }
                _ => return Err(Stop::Bad("expected a space or the end of the line")),
            }
        }
    }

    fn atom(&mut self) -> Result<String, Stop> {
        let start = self.pos;
        while self.peek()?.is_ascii_alphabetic() {
            self.bump();
        }
        Ok(String::from_utf8_lossy(&self.input[start..self.pos]).to_ascii_uppercase())
    }

    fn arg(&mut self) -> Result<Arg, Stop> {
        match self.peek()? {
            b'"' => self.quoted().map(Arg::Str),
            b'{' => self.literal().map(Arg::Str),
            b'0'..=b'9' => self.number().map(Arg::Number),
            _ => Err(Stop::Bad("expected a string or a number")),
        }
    }

    /// RFC 5804 §4 quoted: no CR, LF or NUL; `\` escapes only `"` and `\`.
    fn quoted(&mut self) -> Result<Vec<u8>, Stop> {
        self.bump();
        let mut s = Vec::new();
        loop {
            let b = self.peek()?;
            self.bump();
            match b {
                b'"' => return Ok(s),
                b'\\' => {
                    let e = self.peek()?;
                    if e != b'"' && e != b'\\' {
                        return Err(Stop::Bad("in a quoted string, \\ escapes only \" and \\"));
                    }
                    self.bump();
                    s.push(e);
                }
                b'\r' | b'\n' | 0 => {
                    self.pos -= 1;
                    return Err(Stop::Bad("unterminated quoted string"));
                }
                _ => s.push(b),
            }
        }
    }

    fn number(&mut self) -> Result<u64, Stop> {
        let start = self.pos;
        while self.peek()?.is_ascii_digit() {
            self.bump();
            if self.pos - start > 10 {
                return Err(Stop::Bad("number too large"));
            }
        }
        if start == self.pos {
            return Err(Stop::Bad("expected a number"));
        }
        let digits = std::str::from_utf8(&self.input[start..self.pos]).unwrap_or("x");
        // RFC 5804 §4: number = 0..4294967295.
        digits
            .parse::<u32>()
            .map(u64::from)
            .map_err(|_| Stop::Bad("number too large"))
    }

    fn literal(&mut self) -> Result<Vec<u8>, Stop> {
        self.bump();
        let size = self.number()?;
        if self.peek()? == b'+' {
            self.bump();
        }
        if self.peek()? != b'}' {
            return Err(Stop::Bad("a literal is {N+} then CRLF"));
        }
        self.bump();
        if self.peek()? == b'\r' {
            self.bump();
        }
        if self.peek()? != b'\n' {
            return Err(Stop::Bad("a literal is {N+} then CRLF"));
        }
        self.bump();
        self.literals += size;
        if self.literals > self.max_literal {
            return Err(Stop::TooBig { at: self.pos, size });
        }
        let n = size as usize;
        let end = self.pos + n;
        if self.input.len() < end {
            return Err(Stop::Incomplete(end));
        }
        let s = self.input[self.pos..end].to_vec();
        self.pos = end;
        Ok(s)
    }
}

/// Appends `s` as a ManageSieve string: quoted when it can be (short, no CR/LF/NUL),
/// else as a literal `{n}`.
pub fn string(out: &mut Vec<u8>, s: &[u8]) {
    if s.len() <= 1024 && !s.iter().any(|&b| b == b'\r' || b == b'\n' || b == 0) {
        out.push(b'"');
        for &b in s {
            if b == b'"' || b == b'\\' {
                out.push(b'\\');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(format!("{{{}}}\r\n", s.len()).as_bytes());
        out.extend_from_slice(s);
    }
}

/// A reply line: `OK`, `NO` or `BYE`, an optional response code (RFC 5804 §1.3) and text.
pub fn reply(out: &mut Vec<u8>, word: &str, code: Option<&str>, text: &str) {
    out.extend_from_slice(word.as_bytes());
    if let Some(c) = code {
        out.extend_from_slice(b" (");
        out.extend_from_slice(c.as_bytes());
        out.push(b')');
    }
    if !text.is_empty() {
        out.push(b' ');
        string(out, text.as_bytes());
    }
    out.extend_from_slice(b"\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(input: &[u8]) -> (String, Vec<Arg>) {
        match parse(input, 1000) {
            Parsed::Command { len, name, args } => {
                assert_eq!(len, input.len());
                (name, args)
            }
            other => panic!("{other:?}"),
        }
    }

    fn s(x: &str) -> Arg {
        Arg::Str(x.as_bytes().to_vec())
    }

    #[test]
    fn commands_with_quoted_literal_and_number() {
        assert_eq!(cmd(b"capability\r\n"), ("CAPABILITY".into(), vec![]));
        assert_eq!(
            cmd(b"PUTSCRIPT \"a \\\"b\\\\\" {5+}\r\nkeep;\r\n"),
            ("PUTSCRIPT".into(), vec![s("a \"b\\"), s("keep;")])
        );
        assert_eq!(
            cmd(b"HAVESPACE {1}\r\nx 4294967295\r\n"),
            ("HAVESPACE".into(), vec![s("x"), Arg::Number(4294967295)])
        );
    }

    #[test]
    fn incomplete_input_names_what_it_needs() {
        assert_eq!(parse(b"NOOP", 10), Parsed::Incomplete { need: 5 });
        let p = parse(b"CHECKSCRIPT {10+}\r\nkee", 100);
        assert_eq!(p, Parsed::Incomplete { need: 19 + 10 });
    }

    #[test]
    fn bad_syntax_is_reported_for_the_whole_line() {
        for bad in [
            &b"GETSCRIPT \"a\r\n"[..],
            b"GETSCRIPT \"a\\n\"\r\n",
            b"GETSCRIPT a\r\n",
            b"HAVESPACE \"a\" 99999999999\r\n",
            b"\"x\"\r\n",
            b"NOOP \"a\" \"b\" \"c\" \"d\" \"e\"\r\n",
            b"GETSCRIPT {3x}\r\n",
        ] {
            match parse(bad, 100) {
                Parsed::Bad { len, .. } => assert_eq!(len, bad.len(), "{bad:?}"),
                other => panic!("{bad:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_huge_literal_is_reported_before_its_octets() {
        assert_eq!(
            parse(b"PUTSCRIPT \"a\" {4000000000+}\r\n", 1000),
            Parsed::TooBig {
                at: 29,
                size: 4_000_000_000
            }
        );
        // Two literals count together.
        assert!(matches!(
            parse(b"RENAMESCRIPT {600+}\r\n", 1000),
            Parsed::Incomplete { .. }
        ));
    }

    #[test]
    fn an_endless_line_is_refused() {
        let long = vec![b'A'; MAX_LINE + 10];
        assert_eq!(parse(&long, 100), Parsed::LineTooLong);
        let mut q = b"NOOP \"".to_vec();
        q.extend(vec![b'a'; MAX_LINE + 10]);
        assert_eq!(parse(&q, 100), Parsed::LineTooLong);
    }

    #[test]
    fn strings_are_quoted_or_literal() {
        let mut o = Vec::new();
        string(&mut o, b"a\"b");
        string(&mut o, b"x\r\ny");
        assert_eq!(o, b"\"a\\\"b\"{4}\r\nx\r\ny");
        let mut r = Vec::new();
        reply(&mut r, "NO", Some("QUOTA/MAXSIZE"), "too big");
        assert_eq!(r, b"NO (QUOTA/MAXSIZE) \"too big\"\r\n");
    }

    proptest::proptest! {
        #[test]
        fn never_panics(input in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let _ = parse(&input, 64);
        }
    }
}
