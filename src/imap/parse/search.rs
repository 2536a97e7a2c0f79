//! SEARCH and UID SEARCH (RFC 3501 §6.4.4, RFC 9051 §6.4.4) with RFC 4731 ESEARCH
//! `RETURN (...)`, RFC 5182 `$`, RFC 7162 MODSEQ and RFC 5032 YOUNGER/OLDER.
//!
//! Keys are parsed recursively (OR, NOT, parentheses) with a depth limit and a limit on the
//! total number of keys, so a hostile command costs bounded stack and memory. It does not
//! check the CHARSET: the session answers `[BADCHARSET]`.

use super::lexer::{Cursor, PResult};
use crate::imap::command::{CommandBody, SearchKey, SearchReturn};

/// Deepest nesting of parentheses, OR and NOT.
pub const MAX_DEPTH: usize = 32;
/// Most keys in one command, nested ones included.
pub const MAX_KEYS: usize = 1_000;

/// `search = "SEARCH" [search-return-opts] SP search-program`,
/// `search-program = ["CHARSET" SP charset SP] search-key *(SP search-key)`.
pub(super) fn search(c: &mut Cursor<'_>, uid: bool) -> PResult<CommandBody> {
    c.sp()?;
    let mut p = Parser { keys: 0 };
    let mut returns = None;
    let mut charset = None;
    let mut first = if matches!(c.peek(), Some(b'(' | b'*' | b'$' | b'0'..=b'9')) {
        None
    } else {
        Some(c.keyword("a search key")?)
    };
    if first.as_deref() == Some("RETURN") {
        c.sp()?;
        returns = Some(return_opts(c)?);
        c.sp()?;
        first = next_word(c)?;
    }
    if first.as_deref() == Some("CHARSET") {
        c.sp()?;
        let cs = match c.peek() {
            Some(b'"') => super::lexer::utf8(c.quoted("a charset")?, "a charset")?,
            _ => String::from_utf8_lossy(c.atom("a charset")?).into_owned(),
        };
        charset = Some(cs);
        c.sp()?;
        first = next_word(c)?;
    }
    let key = program(c, first, &mut p)?;
    Ok(CommandBody::Search {
        uid,
        charset,
        returns,
        key,
    })
}

/// `search-key *(SP search-key)` as one key (implicitly ANDed); `first` is the first key's
/// keyword when the caller already read it.
fn program(c: &mut Cursor<'_>, first: Option<String>, p: &mut Parser) -> PResult<SearchKey> {
    let mut keys = vec![match first {
        Some(w) => p.keyword_key(c, &w, 0)?,
        None => p.key(c, 0)?,
    }];
    while c.eat(b' ') {
        keys.push(p.key(c, 0)?);
    }
    Ok(if keys.len() == 1 {
        keys.remove(0)
    } else {
        SearchKey::And(keys)
    })
}

/// `charset SP search-key *(SP search-key)`: what SORT and THREAD (RFC 5256) take after
/// their own arguments, the charset being mandatory there. Same limits as SEARCH.
pub(super) fn criteria(c: &mut Cursor<'_>) -> PResult<(String, SearchKey)> {
    let charset = match c.peek() {
        Some(b'"') => super::lexer::utf8(c.quoted("a charset")?, "a charset")?,
        _ => String::from_utf8_lossy(c.atom("a charset")?).into_owned(),
    };
    c.sp()?;
    let mut p = Parser { keys: 0 };
    let first = next_word(c)?;
    Ok((charset, program(c, first, &mut p)?))
}

/// Most tags in one CANCELUPDATE: more than a session can have updating searches.
const MAX_CANCEL: usize = 100;

/// `cancelupdate = "CANCELUPDATE" 1*(SP tag-string)` (RFC 5267 §4.3).
pub(super) fn cancel_update(c: &mut Cursor<'_>) -> PResult<CommandBody> {
    let mut tags = Vec::new();
    while !c.at_end() {
        c.sp()?;
        if tags.len() >= MAX_CANCEL {
            return Err(format!("at most {MAX_CANCEL} tags"));
        }
        let t = c.string("a search tag")?;
        tags.push(String::from_utf8_lossy(&t).into_owned());
    }
    if tags.is_empty() {
        return Err("expected the tags of the searches to cancel".into());
    }
    Ok(CommandBody::CancelUpdate(tags))
}

/// The next key's keyword, or `None` when the key is a set or a parenthesised list.
fn next_word(c: &mut Cursor<'_>) -> PResult<Option<String>> {
    if matches!(c.peek(), Some(b'(' | b'*' | b'$' | b'0'..=b'9')) {
        Ok(None)
    } else {
        c.keyword("a search key").map(Some)
    }
}

/// `search-return-opts = "RETURN" SP "(" [search-return-opt *(SP search-return-opt)] ")"`.
/// An empty list means ALL (RFC 4731 §3.1), so it is returned as `[All]`.
fn return_opts(c: &mut Cursor<'_>) -> PResult<Vec<SearchReturn>> {
    c.expect(b'(', "( to start the return options")?;
    let mut out = Vec::new();
    let mut first = true;
    while !c.eat(b')') {
        if !first {
            c.list_sp()?;
        }
        first = false;
        let opt = match c
            .keyword("MIN, MAX, ALL, COUNT, SAVE, UPDATE, CONTEXT or PARTIAL")?
            .as_str()
        {
            // RFC 5267 §4.2: a hint that more requests on this result may follow; nothing
            // is cached between commands here, so it changes nothing.
            "CONTEXT" => continue,
            "MIN" => SearchReturn::Min,
            "MAX" => SearchReturn::Max,
            "ALL" => SearchReturn::All,
            "COUNT" => SearchReturn::Count,
            "SAVE" => SearchReturn::Save,
            "UPDATE" => SearchReturn::Update,
            "PARTIAL" => {
                c.sp()?;
                partial_range(c)?
            }
            other => return Err(format!("unknown return option {other}")),
        };
        if matches!(opt, SearchReturn::Partial(..))
            && out.iter().any(|o| matches!(o, SearchReturn::Partial(..)))
        {
            return Err("PARTIAL given twice".into());
        }
        if out.len() >= 16 {
            return Err("too many return options".into());
        }
        if !out.contains(&opt) {
            out.push(opt);
        }
    }
    if out.is_empty() {
        out.push(SearchReturn::All);
    }
    Ok(out)
}

/// `partial-range = partial-range-first / partial-range-last` (RFC 9394 §4.1):
/// `nz-number ":" nz-number` or `"-" nz-number ":" "-" nz-number`; `*` is not allowed.
fn partial_range(c: &mut Cursor<'_>) -> PResult<SearchReturn> {
    // The errors name no part of the input: a `)` echoed in resp-text trips some clients.
    const SYNTAX: &str = "a partial range is lo:hi or -lo:-hi, without *";
    let end = |c: &mut Cursor<'_>| -> PResult<i64> {
        let neg = c.eat(b'-');
        if !matches!(c.peek(), Some(b'1'..=b'9')) {
            return Err(SYNTAX.into());
        }
        let n = i64::from(c.nz_number("a partial range position")?);
        Ok(if neg { -n } else { n })
    };
    let a = end(c)?;
    if !c.eat(b':') {
        return Err(SYNTAX.into());
    }
    let b = end(c)?;
    if (a < 0) != (b < 0) {
        return Err("a partial range is both positive or both negative".into());
    }
    let (lo, hi) = if a.abs() <= b.abs() { (a, b) } else { (b, a) };
    let fit = |n: i64| i32::try_from(n).map_err(|_| "partial range too large".to_string());
    Ok(SearchReturn::Partial(fit(lo)?, fit(hi)?))
}

struct Parser {
    keys: usize,
}

impl Parser {
    fn count(&mut self, depth: usize) -> PResult<()> {
        self.keys += 1;
        if self.keys > MAX_KEYS {
            return Err(format!("too many search keys (at most {MAX_KEYS})"));
        }
        if depth > MAX_DEPTH {
            return Err(format!(
                "search keys nested too deeply (at most {MAX_DEPTH})"
            ));
        }
        Ok(())
    }

    fn key(&mut self, c: &mut Cursor<'_>, depth: usize) -> PResult<SearchKey> {
        match c.peek() {
            Some(b'(') => {
                self.count(depth)?;
                c.eat(b'(');
                let mut keys = vec![self.key(c, depth + 1)?];
                while !c.eat(b')') {
                    c.list_sp()?;
                    keys.push(self.key(c, depth + 1)?);
                }
                Ok(if keys.len() == 1 {
                    keys.remove(0)
                } else {
                    SearchKey::And(keys)
                })
            }
            Some(b'*' | b'$' | b'0'..=b'9') => {
                self.count(depth)?;
                Ok(SearchKey::SequenceSet(c.sequence_set("a sequence set")?))
            }
            _ => {
                let w = c.keyword("a search key")?;
                self.keyword_key(c, &w, depth)
            }
        }
    }

    fn keyword_key(&mut self, c: &mut Cursor<'_>, w: &str, depth: usize) -> PResult<SearchKey> {
        use SearchKey as K;
        self.count(depth)?;
        let text = |c: &mut Cursor<'_>| -> PResult<String> {
            c.sp()?;
            c.astring_utf8(&format!("a string after {w}"))
        };
        Ok(match w {
            "ALL" => K::All,
            "ANSWERED" => K::Answered,
            "DELETED" => K::Deleted,
            "DRAFT" => K::Draft,
            "FLAGGED" => K::Flagged,
            "RECENT" => K::Recent,
            "NEW" => K::New,
            "OLD" => K::Old,
            "SEEN" => K::Seen,
            "UNANSWERED" => K::Unanswered,
            "UNDELETED" => K::Undeleted,
            "UNDRAFT" => K::Undraft,
            "UNFLAGGED" => K::Unflagged,
            "UNSEEN" => K::Unseen,
            "BCC" => K::Bcc(text(c)?),
            "CC" => K::Cc(text(c)?),
            "FROM" => K::From(text(c)?),
            "TO" => K::To(text(c)?),
            "SUBJECT" => K::Subject(text(c)?),
            "BODY" => K::Body(text(c)?),
            "TEXT" => K::Text(text(c)?),
            "HEADER" => {
                c.sp()?;
                let field = c.astring_utf8("a header field name")?;
                K::Header(field, text(c)?)
            }
            "KEYWORD" | "UNKEYWORD" => {
                c.sp()?;
                let k = String::from_utf8_lossy(c.atom("a keyword")?).into_owned();
                if w == "KEYWORD" {
                    K::Keyword(k)
                } else {
                    K::Unkeyword(k)
                }
            }
            "BEFORE" => K::Before(date(c)?),
            "ON" => K::On(date(c)?),
            "SINCE" => K::Since(date(c)?),
            "SENTBEFORE" => K::SentBefore(date(c)?),
            "SENTON" => K::SentOn(date(c)?),
            "SENTSINCE" => K::SentSince(date(c)?),
            "SAVEDBEFORE" => K::SavedBefore(date(c)?),
            "SAVEDON" => K::SavedOn(date(c)?),
            "SAVEDSINCE" => K::SavedSince(date(c)?),
            "SAVEDATESUPPORTED" => K::SaveDateSupported,
            "EMAILID" => K::EmailId(objectid(c)?),
            "THREADID" => K::ThreadId(objectid(c)?),
            "LARGER" => K::Larger(size(c)?),
            "SMALLER" => K::Smaller(size(c)?),
            "YOUNGER" => K::Younger(interval(c)?),
            "OLDER" => K::Older(interval(c)?),
            "UID" => {
                c.sp()?;
                K::Uid(c.sequence_set("a UID set")?)
            }
            "MODSEQ" => K::ModSeq(modseq(c)?),
            "NOT" => {
                c.sp()?;
                K::Not(Box::new(self.key(c, depth + 1)?))
            }
            "OR" => {
                c.sp()?;
                let a = self.key(c, depth + 1)?;
                c.sp()?;
                let b = self.key(c, depth + 1)?;
                K::Or(Box::new(a), Box::new(b))
            }
            other => return Err(format!("unknown search key {other}")),
        })
    }
}

fn date(c: &mut Cursor<'_>) -> PResult<chrono::NaiveDate> {
    c.sp()?;
    c.date()
}

fn size(c: &mut Cursor<'_>) -> PResult<u64> {
    c.sp()?;
    c.number64("a size")
}

/// RFC 5032: `nz-number` seconds.
fn interval(c: &mut Cursor<'_>) -> PResult<u64> {
    c.sp()?;
    c.nz_number("an interval in seconds").map(u64::from)
}

/// `search-modsequence = "MODSEQ" [search-modseq-ext] SP mod-sequence-valzer`,
/// `search-modseq-ext = SP entry-name SP entry-type-req`; the entry is parsed and ignored.
fn modseq(c: &mut Cursor<'_>) -> PResult<u64> {
    c.sp()?;
    if c.peek() == Some(b'"') {
        c.quoted("an entry name")?;
        c.sp()?;
        let t = c.keyword("priv, shared or all")?;
        if !matches!(t.as_str(), "PRIV" | "SHARED" | "ALL") {
            return Err(format!("expected priv, shared or all, found {t}"));
        }
        c.sp()?;
    }
    c.number64("a mod-sequence")
}

/// RFC 8474 §7: `objectid = 1*255(ALPHA / DIGIT / "_" / "-")`, after a space.
fn objectid(c: &mut Cursor<'_>) -> PResult<String> {
    c.sp()?;
    let id = String::from_utf8_lossy(c.atom("an objectid")?).into_owned();
    let ok = id.len() <= 255
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(id)
    } else {
        Err(format!("'{id}' is not an objectid"))
    }
}
