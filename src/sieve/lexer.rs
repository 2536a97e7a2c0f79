//! The Sieve lexer (RFC 5228 §8.1): identifiers, tags, numbers with K/M/G, quoted strings,
//! `text:` multi-line strings with dot-stuffing, `#` and `/* */` comments. Positions are
//! 1-based line and column so ManageSieve can point at the error.
//!
//! Not here: encoded-character and variable expansion (they depend on `require`).

use super::{CompileError, Limits};

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Ident(String),
    Tag(String),
    Num(u64),
    Str(String),
    Punct(u8),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

pub(crate) struct Lexer<'a> {
    src: &'a [u8],
    i: usize,
    line: u32,
    col: u32,
    max_string: usize,
}

fn err(pos: Pos, msg: impl Into<String>) -> CompileError {
    CompileError {
        line: pos.line,
        column: pos.column,
        message: msg.into(),
    }
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(src: &'a str, limits: &Limits) -> Self {
        Lexer {
            src: src.as_bytes(),
            i: 0,
            line: 1,
            col: 1,
            max_string: limits.max_string_len,
        }
    }

    fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            column: self.col,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.i).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        if c == b'\n' {
            self.line += 1;
            self.col = 1;
        } else if c & 0xC0 != 0x80 {
            // Columns count characters, not UTF-8 continuation bytes.
            self.col += 1;
        }
        Some(c)
    }

    /// Skips white space and comments; an unterminated `/*` is an error.
    fn skip(&mut self) -> Result<(), CompileError> {
        while let Some(c) = self.peek() {
            match c {
                b' ' | b'\t' | b'\r' | b'\n' => {
                    self.bump();
                }
                b'#' => {
                    while let Some(c) = self.bump() {
                        if c == b'\n' {
                            break;
                        }
                    }
                }
                b'/' if self.src.get(self.i + 1) == Some(&b'*') => {
                    let start = self.pos();
                    self.bump();
                    self.bump();
                    loop {
                        match self.bump() {
                            None => return Err(err(start, "unterminated comment")),
                            Some(b'*') if self.peek() == Some(b'/') => {
                                self.bump();
                                break;
                            }
                            _ => {}
                        }
                    }
                }
                _ => break,
            }
        }
        Ok(())
    }

    /// The next token and where it starts, or `None` at the end.
    pub(crate) fn next(&mut self) -> Result<Option<(Tok, Pos)>, CompileError> {
        self.skip()?;
        let pos = self.pos();
        let Some(c) = self.peek() else {
            return Ok(None);
        };
        let tok = match c {
            b';' | b',' | b'(' | b')' | b'[' | b']' | b'{' | b'}' => {
                self.bump();
                Tok::Punct(c)
            }
            b'"' => Tok::Str(self.quoted(pos)?),
            b':' => {
                self.bump();
                let id = self.ident();
                if id.is_empty() {
                    return Err(err(pos, "expected a tag name after ':'"));
                }
                Tok::Tag(id.to_ascii_lowercase())
            }
            b'0'..=b'9' => Tok::Num(self.number(pos)?),
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let id = self.ident();
                if id.eq_ignore_ascii_case("text") && self.peek() == Some(b':') {
                    self.bump();
                    Tok::Str(self.multiline(pos)?)
                } else {
                    Tok::Ident(id.to_ascii_lowercase())
                }
            }
            _ => {
                let shown = String::from_utf8_lossy(&self.src[self.i..(self.i + 1)]).into_owned();
                return Err(err(pos, format!("unexpected character '{shown}'")));
            }
        };
        Ok(Some((tok, pos)))
    }

    fn ident(&mut self) -> String {
        let start = self.i;
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || c == b'_' {
                self.bump();
            } else {
                break;
            }
        }
        String::from_utf8_lossy(&self.src[start..self.i]).into_owned()
    }

    fn number(&mut self, pos: Pos) -> Result<u64, CompileError> {
        let mut n: u64 = 0;
        while let Some(c @ b'0'..=b'9') = self.peek() {
            self.bump();
            n = n
                .checked_mul(10)
                .and_then(|n| n.checked_add(u64::from(c - b'0')))
                .ok_or_else(|| err(pos, "number too large"))?;
        }
        let mul: u64 = match self.peek() {
            Some(b'k' | b'K') => 1 << 10,
            Some(b'm' | b'M') => 1 << 20,
            Some(b'g' | b'G') => 1 << 30,
            _ => 1,
        };
        if mul > 1 {
            self.bump();
        }
        n.checked_mul(mul)
            .ok_or_else(|| err(pos, "number too large"))
    }

    fn push(&self, out: &mut Vec<u8>, c: u8, pos: Pos) -> Result<(), CompileError> {
        if out.len() >= self.max_string {
            return Err(err(pos, "string too long"));
        }
        out.push(c);
        Ok(())
    }

    fn finish(bytes: Vec<u8>, pos: Pos) -> Result<String, CompileError> {
        String::from_utf8(bytes).map_err(|_| err(pos, "string is not valid UTF-8"))
    }

    fn quoted(&mut self, pos: Pos) -> Result<String, CompileError> {
        self.bump();
        let mut out = Vec::new();
        loop {
            match self.bump() {
                None => return Err(err(pos, "unterminated string")),
                Some(b'"') => break,
                // RFC 5228 §2.4.2: "\" escapes any character; only \" and \\ mean something.
                Some(b'\\') => match self.bump() {
                    None => return Err(err(pos, "unterminated string")),
                    Some(c) => self.push(&mut out, c, pos)?,
                },
                Some(c) => self.push(&mut out, c, pos)?,
            }
        }
        Self::finish(out, pos)
    }

    fn multiline(&mut self, pos: Pos) -> Result<String, CompileError> {
        // After "text:" only white space or a hash comment, then the line break.
        while let Some(b' ' | b'\t') = self.peek() {
            self.bump();
        }
        if self.peek() == Some(b'#') {
            while let Some(c) = self.peek() {
                if c == b'\n' {
                    break;
                }
                self.bump();
            }
        }
        if self.peek() == Some(b'\r') {
            self.bump();
        }
        if self.bump() != Some(b'\n') {
            return Err(err(pos, "expected a line break after 'text:'"));
        }
        let mut out = Vec::new();
        loop {
            let start = self.i;
            while let Some(c) = self.peek() {
                if c == b'\n' {
                    break;
                }
                self.bump();
            }
            if self.peek().is_none() {
                return Err(err(pos, "unterminated multi-line string"));
            }
            let mut line = &self.src[start..self.i];
            self.bump();
            if line.last() == Some(&b'\r') {
                line = &line[..line.len() - 1];
            }
            if line == b"." {
                break;
            }
            // Dot-stuffing: a leading ".." stands for "."
            if line.starts_with(b"..") {
                line = &line[1..];
            }
            for &c in line.iter().chain(b"\r\n") {
                self.push(&mut out, c, pos)?;
            }
        }
        Self::finish(out, pos)
    }
}
