//! RFC 5322 header fields of one entity, read where they lie in the canonical message: field
//! iteration (folded lines kept), unfolding, and the MIME `type/subtype; attr=value`
//! parameter syntax (RFC 2045 §5.1) shared by Content-Type and Content-Disposition.
//!
//! It does not decode RFC 2047 words or join RFC 2231 parameter continuations: IMAP sends
//! both as they were written and leaves them to the client, as Dovecot does.

use std::ops::Range;

/// Most parameters kept from one Content-Type or Content-Disposition; the rest are dropped
/// so a hostile header cannot make the response arbitrarily long per part.
pub const MAX_PARAMS: usize = 64;

/// One header field: `name` before the colon, `value` after it up to (not including) the
/// final line break, `whole` the field with all its folded lines and the final CRLF.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: Range<usize>,
    pub value: Range<usize>,
    pub whole: Range<usize>,
}

/// Fields of the header in `data[range]`, stopping at the blank line. A line without a colon
/// becomes a field whose name is the whole line, so HEADER.FIELDS.NOT still passes it on.
pub fn fields(data: &[u8], range: Range<usize>) -> Fields<'_> {
    Fields {
        data,
        pos: range.start,
        end: range.end.min(data.len()),
    }
}

pub struct Fields<'a> {
    data: &'a [u8],
    pos: usize,
    end: usize,
}

impl Fields<'_> {
    fn line_end(&self, from: usize) -> usize {
        match memchr::memchr(b'\n', &self.data[from..self.end]) {
            Some(i) => from + i + 1,
            None => self.end,
        }
    }
}

impl Iterator for Fields<'_> {
    type Item = Field;

    fn next(&mut self) -> Option<Field> {
        if self.pos >= self.end {
            return None;
        }
        let start = self.pos;
        let first_end = self.line_end(start);
        let line = &self.data[start..first_end];
        if line == b"\r\n" || line == b"\n" {
            self.pos = self.end;
            return None;
        }
        let mut end = first_end;
        while end < self.end && matches!(self.data[end], b' ' | b'\t') {
            end = self.line_end(end);
        }
        self.pos = end;
        let mut content_end = end;
        if content_end > start && self.data[content_end - 1] == b'\n' {
            content_end -= 1;
            if content_end > start && self.data[content_end - 1] == b'\r' {
                content_end -= 1;
            }
        }
        let (name, value) = match memchr::memchr(b':', &self.data[start..content_end]) {
            Some(i) => {
                let mut name_end = start + i;
                // RFC 5322 §4.5.3 obsolete syntax allows white space before the colon.
                while name_end > start && matches!(self.data[name_end - 1], b' ' | b'\t') {
                    name_end -= 1;
                }
                (start..name_end, start + i + 1..content_end)
            }
            None => (start..content_end, content_end..content_end),
        };
        Some(Field {
            name,
            value,
            whole: start..end,
        })
    }
}

/// The value of the first field called `name` (case-insensitive), raw.
pub fn first<'a>(data: &'a [u8], range: Range<usize>, name: &[u8]) -> Option<&'a [u8]> {
    fields(data, range)
        .find(|f| data[f.name.clone()].eq_ignore_ascii_case(name))
        .map(|f| &data[f.value])
}

/// Removes line breaks of folding and surrounding white space: what an envelope field shows.
pub fn unfold(v: &[u8]) -> Vec<u8> {
    let mut out: Vec<u8> = v
        .iter()
        .copied()
        .filter(|&b| b != b'\r' && b != b'\n')
        .collect();
    let trailing = out
        .iter()
        .rev()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count();
    out.truncate(out.len() - trailing);
    let leading = out.iter().take_while(|b| matches!(b, b' ' | b'\t')).count();
    out.drain(..leading);
    out
}

/// A parsed `type/subtype; attr=value...` (Content-Type) or `token; attr=value...`
/// (Content-Disposition, where `subtype` stays empty).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    pub main: Vec<u8>,
    pub sub: Vec<u8>,
    pub params: Vec<(Vec<u8>, Vec<u8>)>,
}

impl Params {
    pub fn get(&self, name: &[u8]) -> Option<&[u8]> {
        self.params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }
}

/// RFC 2045 tspecials, space and controls end a token.
fn is_token(b: u8) -> bool {
    b > 0x20
        && b != 0x7f
        && !matches!(
            b,
            b'(' | b')'
                | b'<'
                | b'>'
                | b'@'
                | b','
                | b';'
                | b':'
                | b'\\'
                | b'"'
                | b'/'
                | b'['
                | b']'
                | b'?'
                | b'='
        )
}

struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    /// Skips white space, line breaks and (nested) comments.
    fn skip_cfws(&mut self) {
        while self.i < self.s.len() {
            match self.s[self.i] {
                b' ' | b'\t' | b'\r' | b'\n' => self.i += 1,
                b'(' => self.skip_comment(),
                _ => break,
            }
        }
    }

    fn skip_comment(&mut self) {
        let mut depth = 0usize;
        while self.i < self.s.len() {
            match self.s[self.i] {
                b'\\' => self.i += 1,
                b'(' => depth += 1,
                b')' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        self.i += 1;
                        return;
                    }
                }
                _ => {}
            }
            self.i += 1;
        }
    }

    fn token(&mut self) -> &[u8] {
        let start = self.i;
        while self.i < self.s.len() && is_token(self.s[self.i]) {
            self.i += 1;
        }
        &self.s[start..self.i]
    }

    fn eat(&mut self, b: u8) -> bool {
        self.skip_cfws();
        if self.s.get(self.i) == Some(&b) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// A quoted string (unescaped) or a token.
    fn value(&mut self) -> Vec<u8> {
        self.skip_cfws();
        if self.s.get(self.i) != Some(&b'"') {
            return self.token().to_vec();
        }
        self.i += 1;
        let mut v = Vec::new();
        while self.i < self.s.len() {
            match self.s[self.i] {
                b'"' => {
                    self.i += 1;
                    break;
                }
                b'\\' if self.i + 1 < self.s.len() => {
                    v.push(self.s[self.i + 1]);
                    self.i += 2;
                    continue;
                }
                b'\r' | b'\n' => {}
                b => v.push(b),
            }
            self.i += 1;
        }
        v
    }

    fn skip_past(&mut self, b: u8) {
        while self.i < self.s.len() && self.s[self.i] != b {
            if self.s[self.i] == b'"' {
                self.value();
                continue;
            }
            self.i += 1;
        }
    }
}

/// Parses a Content-Type (`with_sub`) or Content-Disposition value. `None` when the leading
/// type is not a token (a malformed Content-Type then falls back to the default, RFC 2045
/// §5.2). Malformed parameters are skipped, not fatal.
pub fn params(v: &[u8], with_sub: bool) -> Option<Params> {
    let mut c = Cursor { s: v, i: 0 };
    c.skip_cfws();
    let main = c.token().to_vec();
    if main.is_empty() {
        return None;
    }
    let mut sub = Vec::new();
    if with_sub {
        if !c.eat(b'/') {
            return None;
        }
        c.skip_cfws();
        sub = c.token().to_vec();
        if sub.is_empty() {
            return None;
        }
    }
    let mut params = Vec::new();
    loop {
        c.skip_past(b';');
        if !c.eat(b';') {
            break;
        }
        c.skip_cfws();
        let name = c.token().to_vec();
        if name.is_empty() || !c.eat(b'=') {
            continue;
        }
        let value = c.value();
        if params.len() < MAX_PARAMS {
            params.push((name, value));
        }
    }
    Some(Params { main, sub, params })
}

/// Comma-separated tokens of Content-Language (RFC 3282), comments dropped.
pub fn token_list(v: &[u8]) -> Vec<Vec<u8>> {
    let mut c = Cursor { s: v, i: 0 };
    let mut out = Vec::new();
    while c.i < v.len() && out.len() < MAX_PARAMS {
        c.skip_cfws();
        let start = c.i;
        while c.i < v.len() && !matches!(v[c.i], b',' | b' ' | b'\t' | b'\r' | b'\n' | b'(') {
            c.i += 1;
        }
        if c.i > start {
            out.push(v[start..c.i].to_vec());
        }
        c.skip_cfws();
        // A comma, or a byte no rule consumed: step over it so the loop always advances.
        if c.i < v.len() && (v[c.i] == b',' || c.i == start) {
            c.i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_fields_and_colonless_lines() {
        let h = b"Subject: a\r\n b\r\nbroken line\r\nTo : x\r\n\r\nbody";
        let f: Vec<_> = fields(h, 0..h.len()).collect();
        assert_eq!(f.len(), 3);
        assert_eq!(&h[f[0].value.clone()], b" a\r\n b");
        assert_eq!(&h[f[0].whole.clone()], b"Subject: a\r\n b\r\n");
        assert_eq!(&h[f[1].name.clone()], b"broken line");
        assert_eq!(&h[f[2].name.clone()], b"To");
        assert_eq!(first(h, 0..h.len(), b"to"), Some(&b" x"[..]));
        assert_eq!(unfold(b" a\r\n b "), b"a b");
    }

    #[test]
    fn content_type_parameters() {
        let p = params(
            b" Text/Plain (c) ; charset=\"utf-8\"; format=flowed;bad; name=\"a \\\"b\\\"\"",
            true,
        )
        .unwrap();
        assert_eq!(p.main, b"Text");
        assert_eq!(p.sub, b"Plain");
        assert_eq!(p.get(b"CHARSET"), Some(&b"utf-8"[..]));
        assert_eq!(p.get(b"name"), Some(&b"a \"b\""[..]));
        assert_eq!(p.params.len(), 3);
        assert!(params(b"text", true).is_none());
        assert!(params(b"", true).is_none());
        assert_eq!(
            params(b"attachment; filename=a.pdf", false).unwrap().main,
            b"attachment"
        );
        assert_eq!(
            token_list(b"en, de (x)"),
            vec![b"en".to_vec(), b"de".to_vec()]
        );
    }
}
