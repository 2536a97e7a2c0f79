//! The lexical layer of the command grammar (RFC 3501 §9, RFC 9051 §9): a cursor over one
//! framed command with readers for atoms, numbers, quoted strings, literals, astrings,
//! nstrings, mailbox names, sequence sets, flags and dates. Errors are plain messages
//! ("expected a mailbox name"); the command layer adds the command name and the tag.
//!
//! It does not know commands; it never allocates more than the input it was given.

use std::borrow::Cow;

use chrono::NaiveDate;

use crate::imap::command::{Flag, SeqNum, SequenceSet};
use crate::imap::wire::{is_astring_char, is_atom_char};

pub(crate) type PResult<T> = Result<T, String>;

/// Most ranges in one sequence set: `1:*,1:*,...` must not turn into work per range.
pub const MAX_RANGES: usize = 10_000;
/// Most flags in one list.
pub const MAX_FLAGS: usize = 1_000;

/// `tag = 1*<any ASTRING-CHAR except "+">`.
pub fn is_tag_char(b: u8) -> bool {
    is_astring_char(b) && b != b'+'
}

pub(crate) struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Cursor { buf, pos: 0 }
    }

    pub fn peek(&self) -> Option<u8> {
        self.buf.get(self.pos).copied()
    }

    pub fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.buf.get(self.pos + ahead).copied()
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.buf.len()
    }

    pub fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub fn expect(&mut self, b: u8, what: &str) -> PResult<()> {
        if self.eat(b) {
            Ok(())
        } else {
            Err(self.expected(what))
        }
    }

    /// The SP before an argument. At the end of the command it is left for the argument's
    /// reader to report, because only it can say what is missing ("expected a mailbox
    /// name"); no argument in the grammar matches empty input, so that reader always fails.
    pub fn sp(&mut self) -> PResult<()> {
        if self.at_end() {
            return Ok(());
        }
        self.expect(b' ', "a space")
    }

    /// The SP between items of a parenthesised list.
    pub fn list_sp(&mut self) -> PResult<()> {
        if self.eat(b' ') {
            Ok(())
        } else {
            Err(self.expected("a space or ) in the list"))
        }
    }

    /// "expected X", naming what was found instead.
    pub fn expected(&self, what: &str) -> String {
        match self.peek() {
            None => format!("expected {what}, found the end of the command"),
            Some(b'\r' | b'\n') => format!("expected {what}, found a line break"),
            Some(b) if b >= 0x80 => format!("expected {what}, found an 8-bit character"),
            Some(_) => {
                let rest = &self.buf[self.pos..];
                let shown: String = rest
                    .iter()
                    .take(20)
                    .take_while(|&&b| b > 0x20 && b < 0x7f)
                    .map(|&b| char::from(b))
                    .collect();
                if shown.is_empty() {
                    format!("expected {what}")
                } else {
                    format!("expected {what}, found {shown}")
                }
            }
        }
    }

    pub fn end(&mut self) -> PResult<()> {
        if self.at_end() {
            Ok(())
        } else {
            Err(self.expected("the end of the command"))
        }
    }

    fn take_while(&mut self, f: impl Fn(u8) -> bool) -> &'a [u8] {
        let start = self.pos;
        while self.peek().is_some_and(&f) {
            self.pos += 1;
        }
        &self.buf[start..self.pos]
    }

    pub fn tag(&mut self) -> PResult<String> {
        let t = self.take_while(is_tag_char);
        if t.is_empty() {
            return Err(self.expected("a tag"));
        }
        Ok(ascii(t))
    }

    /// `atom = 1*ATOM-CHAR`.
    pub fn atom(&mut self, what: &str) -> PResult<&'a [u8]> {
        let a = self.take_while(is_atom_char);
        if a.is_empty() {
            return Err(self.expected(what));
        }
        self.no_8bit()?;
        Ok(a)
    }

    /// An atom, upper-cased, for comparing against keywords.
    pub fn keyword(&mut self, what: &str) -> PResult<String> {
        Ok(ascii(self.atom(what)?).to_ascii_uppercase())
    }

    /// Letters, digits, `.` and `-`: the spelling of FETCH attributes, where `[` may follow.
    pub fn word(&mut self, what: &str) -> PResult<String> {
        let w = self.take_while(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
        if w.is_empty() {
            return Err(self.expected(what));
        }
        Ok(ascii(w).to_ascii_uppercase())
    }

    fn no_8bit(&self) -> PResult<()> {
        match self.peek() {
            Some(b) if b >= 0x80 => Err("8-bit characters are only allowed in quoted strings \
                                          and literals"
                .to_string()),
            _ => Ok(()),
        }
    }

    fn digits(&mut self, what: &str) -> PResult<u64> {
        let d = self.take_while(|b| b.is_ascii_digit());
        if d.is_empty() {
            return Err(self.expected(what));
        }
        d.iter()
            .try_fold(0u64, |n, &c| {
                n.checked_mul(10)?.checked_add(u64::from(c - b'0'))
            })
            .ok_or_else(|| format!("{what} is too large"))
    }

    /// `number`: 32-bit unsigned.
    pub fn number(&mut self, what: &str) -> PResult<u32> {
        let n = self.digits(what)?;
        u32::try_from(n).map_err(|_| format!("{what} is too large"))
    }

    /// `nz-number`.
    pub fn nz_number(&mut self, what: &str) -> PResult<u32> {
        match self.number(what)? {
            0 => Err(format!("{what} must not be 0")),
            n => Ok(n),
        }
    }

    /// `number64` / `mod-sequence-valzer`: up to 2^63-1.
    pub fn number64(&mut self, what: &str) -> PResult<u64> {
        let n = self.digits(what)?;
        if n > i64::MAX as u64 {
            return Err(format!("{what} is too large"));
        }
        Ok(n)
    }

    /// `mod-sequence-value`: 1 to 2^63-1.
    pub fn modseq(&mut self, what: &str) -> PResult<u64> {
        match self.number64(what)? {
            0 => Err(format!("{what} must not be 0")),
            n => Ok(n),
        }
    }

    /// `quoted`, with `\"` and `\\` the only escapes. UTF-8 is accepted (RFC 9051).
    pub fn quoted(&mut self, what: &str) -> PResult<Cow<'a, [u8]>> {
        self.expect(b'"', what)?;
        let start = self.pos;
        let mut owned: Option<Vec<u8>> = None;
        loop {
            let Some(b) = self.peek() else {
                return Err(format!("unterminated quoted string in {what}"));
            };
            self.pos += 1;
            match b {
                b'"' => break,
                b'\\' => {
                    let esc = self.peek();
                    if !matches!(esc, Some(b'"' | b'\\')) {
                        return Err(format!("invalid escape in quoted string in {what}"));
                    }
                    self.pos += 1;
                    let v = owned.get_or_insert_with(|| self.buf[start..self.pos - 2].to_vec());
                    v.extend(esc);
                }
                b'\r' | b'\n' | 0 => {
                    return Err(format!("line break or NUL in quoted string in {what}"));
                }
                _ => {
                    if let Some(v) = owned.as_mut() {
                        v.push(b);
                    }
                }
            }
        }
        let s = match owned {
            Some(v) => Cow::Owned(v),
            None => Cow::Borrowed(&self.buf[start..self.pos - 1]),
        };
        if s.iter().any(|&b| b >= 0x80) && std::str::from_utf8(&s).is_err() {
            return Err(format!("quoted string in {what} is not valid UTF-8"));
        }
        Ok(s)
    }

    /// `literal` / `literal8`: `{n}`, `{n+}`, `{n-}` or `~{n}`, CRLF, n bytes. Returns the
    /// bytes and whether it was `literal8`.
    pub fn literal(&mut self, what: &str) -> PResult<(&'a [u8], bool)> {
        let binary = self.eat(b'~');
        self.expect(b'{', what)?;
        let n = self.digits("a literal length")?;
        if !self.eat(b'+') {
            self.eat(b'-');
        }
        self.expect(b'}', "} after the literal length")?;
        self.eat(b'\r');
        if !self.eat(b'\n') {
            return Err("a literal header must end the line".to_string());
        }
        let left = (self.buf.len() - self.pos) as u64;
        if n > left {
            return Err("literal is longer than the command".to_string());
        }
        let n = n as usize;
        let data = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok((data, binary))
    }

    /// `string = quoted / literal`.
    pub fn string(&mut self, what: &str) -> PResult<Cow<'a, [u8]>> {
        match self.peek() {
            Some(b'"') => self.quoted(what),
            Some(b'{') => {
                let (data, _) = self.literal(what)?;
                // CHAR8 excludes NUL; only APPEND's message data (literal8) may carry it.
                if data.contains(&0) {
                    return Err(format!("NUL in literal in {what}"));
                }
                Ok(Cow::Borrowed(data))
            }
            _ => Err(self.expected(what)),
        }
    }

    /// `astring = 1*ASTRING-CHAR / string`.
    pub fn astring(&mut self, what: &str) -> PResult<Cow<'a, [u8]>> {
        match self.peek() {
            Some(b'"' | b'{') => self.string(what),
            _ => {
                let a = self.take_while(is_astring_char);
                if a.is_empty() {
                    return Err(self.expected(what));
                }
                self.no_8bit()?;
                Ok(Cow::Borrowed(a))
            }
        }
    }

    /// An astring that must be UTF-8 text.
    pub fn astring_utf8(&mut self, what: &str) -> PResult<String> {
        let s = self.astring(what)?;
        utf8(s, what)
    }

    /// `nstring = string / NIL`.
    pub fn nstring(&mut self, what: &str) -> PResult<Option<Cow<'a, [u8]>>> {
        if self.peek().is_some_and(|b| b == b'N' || b == b'n') {
            let kw = self.keyword(what)?;
            if kw == "NIL" {
                return Ok(None);
            }
            return Err(format!("expected {what} or NIL, found {kw}"));
        }
        self.string(what).map(Some)
    }

    /// `mailbox = "INBOX" / astring`, as sent (no INBOX folding, no UTF-7 decoding).
    pub fn mailbox(&mut self) -> PResult<String> {
        self.astring_utf8("a mailbox name")
    }

    /// `list-mailbox = 1*list-char / string`: astring characters plus `%` and `*`.
    pub fn list_mailbox(&mut self) -> PResult<String> {
        let what = "a mailbox pattern";
        match self.peek() {
            Some(b'"' | b'{') => {
                let s = self.string(what)?;
                utf8(s, what)
            }
            _ => {
                let a = self.take_while(|b| is_astring_char(b) || b == b'%' || b == b'*');
                if a.is_empty() {
                    return Err(self.expected(what));
                }
                self.no_8bit()?;
                Ok(ascii(a))
            }
        }
    }

    /// `sequence-set`, or `$` (RFC 5182).
    pub fn sequence_set(&mut self, what: &str) -> PResult<SequenceSet> {
        if self.eat(b'$') {
            return Ok(SequenceSet {
                ranges: Vec::new(),
                saved: true,
            });
        }
        let mut ranges = Vec::new();
        loop {
            let a = self.seq_number(what)?;
            let b = if self.eat(b':') {
                self.seq_number(what)?
            } else {
                a
            };
            if ranges.len() == MAX_RANGES {
                return Err(format!("too many ranges in {what} (at most {MAX_RANGES})"));
            }
            ranges.push((a, b));
            if !self.eat(b',') {
                break;
            }
        }
        Ok(SequenceSet {
            ranges,
            saved: false,
        })
    }

    fn seq_number(&mut self, what: &str) -> PResult<SeqNum> {
        if self.eat(b'*') {
            return Ok(SeqNum::Star);
        }
        if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
            return Err(self.expected(what));
        }
        let n = self.number("a sequence number")?;
        if n == 0 {
            return Err(format!("0 is not a valid number in {what}"));
        }
        Ok(SeqNum::Value(n))
    }

    /// `flag`: system flags case-insensitively, keywords as sent. Other `\Xxx` flags
    /// (including `\*`) are refused: a client can only set the five system flags.
    pub fn flag(&mut self) -> PResult<Flag> {
        if self.eat(b'\\') {
            let name = self.atom("a flag name after \\")?;
            return match ascii(name).to_ascii_uppercase().as_str() {
                "SEEN" => Ok(Flag::Seen),
                "ANSWERED" => Ok(Flag::Answered),
                "FLAGGED" => Ok(Flag::Flagged),
                "DELETED" => Ok(Flag::Deleted),
                "DRAFT" => Ok(Flag::Draft),
                "RECENT" => Ok(Flag::Recent),
                _ => Err(format!("unknown system flag \\{}", ascii(name))),
            };
        }
        if self.peek() == Some(b'*') {
            return Err("\\* is not a flag a client can send".to_string());
        }
        Ok(Flag::Keyword(ascii(self.atom("a flag")?)))
    }

    /// `flag-list = "(" [flag *(SP flag)] ")"`.
    pub fn flag_list(&mut self) -> PResult<Vec<Flag>> {
        self.expect(b'(', "( to start a flag list")?;
        let mut flags = Vec::new();
        if self.eat(b')') {
            return Ok(flags);
        }
        loop {
            if flags.len() == MAX_FLAGS {
                return Err(format!("too many flags (at most {MAX_FLAGS})"));
            }
            flags.push(self.flag()?);
            if self.eat(b')') {
                return Ok(flags);
            }
            self.list_sp()?;
        }
    }

    /// `date = date-text / DQUOTE date-text DQUOTE`, `date-text = 1*2DIGIT "-" Mon "-" 4DIGIT`.
    pub fn date(&mut self) -> PResult<NaiveDate> {
        let quoted = self.eat(b'"');
        let day = self.fixed_digits(1, 2, "a day")?;
        self.expect(b'-', "- in the date")?;
        let month = self.month()?;
        self.expect(b'-', "- in the date")?;
        let year = self.fixed_digits(4, 4, "a four-digit year")?;
        if quoted {
            self.expect(b'"', "\" to end the date")?;
        }
        make_date(year, month, day)
    }

    fn month(&mut self) -> PResult<u32> {
        const MONTHS: [&[u8; 3]; 12] = [
            b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
            b"dec",
        ];
        let m = self.buf.get(self.pos..self.pos + 3).unwrap_or_default();
        let i = MONTHS
            .iter()
            .position(|name| m.eq_ignore_ascii_case(&name[..]))
            .ok_or_else(|| self.expected("a month (Jan, Feb, ...)"))?;
        self.pos += 3;
        Ok(i as u32 + 1)
    }

    /// `date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone
    /// DQUOTE`, as seconds since the epoch. The day may be space-padded (or one digit).
    pub fn date_time(&mut self) -> PResult<i64> {
        self.expect(b'"', "a date-time")?;
        self.eat(b' ');
        let day = self.fixed_digits(1, 2, "a day")?;
        self.expect(b'-', "- in the date")?;
        let month = self.month()?;
        self.expect(b'-', "- in the date")?;
        let year = self.fixed_digits(4, 4, "a four-digit year")?;
        let date = make_date(year, month, day)?;
        self.sp()?;
        let h = self.two_digits("hours")?;
        self.expect(b':', ": in the time")?;
        let m = self.two_digits("minutes")?;
        self.expect(b':', ": in the time")?;
        let s = self.two_digits("seconds")?;
        self.sp()?;
        let sign: i64 = if self.eat(b'+') {
            1
        } else if self.eat(b'-') {
            -1
        } else {
            return Err(self.expected("a zone (+hhmm or -hhmm)"));
        };
        let zh = self.two_digits("the zone")?;
        let zm = self.two_digits("the zone")?;
        self.expect(b'"', "\" to end the date-time")?;
        let time = date
            .and_hms_opt(h, m, s)
            .ok_or_else(|| "invalid time of day".to_string())?;
        if zm > 59 {
            return Err("invalid zone".to_string());
        }
        let offset = sign * (i64::from(zh) * 3600 + i64::from(zm) * 60);
        Ok(time.and_utc().timestamp() - offset)
    }

    /// `min` to `max` digits.
    fn fixed_digits(&mut self, min: usize, max: usize, what: &str) -> PResult<u64> {
        let start = self.pos;
        let n = self.digits(what)?;
        if !(min..=max).contains(&(self.pos - start)) {
            return Err(format!("expected {what}"));
        }
        Ok(n)
    }

    fn two_digits(&mut self, what: &str) -> PResult<u32> {
        match (self.peek(), self.peek_at(1)) {
            (Some(a), Some(b)) if a.is_ascii_digit() && b.is_ascii_digit() => {
                self.pos += 2;
                Ok(u32::from(a - b'0') * 10 + u32::from(b - b'0'))
            }
            _ => Err(self.expected(&format!("two digits of {what}"))),
        }
    }
}

fn make_date(year: u64, month: u32, day: u64) -> PResult<NaiveDate> {
    let (Ok(y), Ok(d)) = (i32::try_from(year), u32::try_from(day)) else {
        return Err("invalid date".to_string());
    };
    if !(1..=9999).contains(&y) {
        return Err("invalid date".to_string());
    }
    NaiveDate::from_ymd_opt(y, month, d).ok_or_else(|| "invalid date".to_string())
}

/// Bytes already checked to be ASCII (atoms, tags).
fn ascii(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

pub(crate) fn utf8(s: Cow<'_, [u8]>, what: &str) -> PResult<String> {
    String::from_utf8(s.into_owned()).map_err(|_| format!("{what} is not valid UTF-8"))
}
