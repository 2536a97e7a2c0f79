//! SORT and THREAD (RFC 5256 §4), with RFC 5957 SORT=DISPLAY keys, RFC 5267 ESORT's
//! `RETURN (...)` and CONTEXT=SORT's `PARTIAL lo:hi`, `UPDATE` and `CONTEXT` (RFC 5267 §4).
//! The search criteria after them are SEARCH's (same key parser, same limits), except that
//! the charset is mandatory.
//!
//! Not here: whether the charset is supported (the session answers `[BADCHARSET]`).

use super::lexer::{Cursor, PResult};
use crate::imap::command::{
    CommandBody, SearchReturn, SortCriterion, SortKey, SortReturn, ThreadAlgorithm,
};

/// Most criteria in one sort program; more than the nine keys only by repeating them.
pub const MAX_SORT_CRITERIA: usize = 16;

/// `sort = ["UID" SP] "SORT" [SP "RETURN" SP "(" opts ")"] SP sort-criteria SP
/// search-criteria` (RFC 5256 §5, RFC 5267 §3).
pub(super) fn sort(c: &mut Cursor<'_>, uid: bool) -> PResult<CommandBody> {
    c.sp()?;
    let mut returns = None;
    if c.peek() != Some(b'(') {
        let w = c.keyword("RETURN or ( to start the sort criteria")?;
        if w != "RETURN" {
            return Err(format!("expected RETURN or a sort program, found {w}"));
        }
        c.sp()?;
        returns = Some(return_opts(c)?);
        c.sp()?;
    }
    let criteria = sort_criteria(c)?;
    c.sp()?;
    let (charset, key) = super::search::criteria(c)?;
    Ok(CommandBody::Sort {
        uid,
        returns,
        criteria,
        charset,
        key,
    })
}

/// `thread = ["UID" SP] "THREAD" SP thread-alg SP search-criteria`.
pub(super) fn thread(c: &mut Cursor<'_>, uid: bool) -> PResult<CommandBody> {
    c.sp()?;
    let algorithm = match c.keyword("a thread algorithm")?.as_str() {
        "ORDEREDSUBJECT" => ThreadAlgorithm::OrderedSubject,
        "REFERENCES" => ThreadAlgorithm::References,
        other => return Err(format!("unknown thread algorithm {other}")),
    };
    c.sp()?;
    let (charset, key) = super::search::criteria(c)?;
    Ok(CommandBody::Thread {
        uid,
        algorithm,
        charset,
        key,
    })
}

/// `sort-criteria = "(" sort-criterion *(SP sort-criterion) ")"`,
/// `sort-criterion = ["REVERSE" SP] sort-key`.
fn sort_criteria(c: &mut Cursor<'_>) -> PResult<Vec<SortCriterion>> {
    c.expect(b'(', "( to start the sort criteria")?;
    let mut out = Vec::new();
    loop {
        if out.len() >= MAX_SORT_CRITERIA {
            return Err(format!(
                "too many sort criteria (at most {MAX_SORT_CRITERIA})"
            ));
        }
        let mut w = c.keyword("a sort key")?;
        let reverse = w == "REVERSE";
        if reverse {
            c.sp()?;
            w = c.keyword("a sort key after REVERSE")?;
        }
        let key = match w.as_str() {
            "ARRIVAL" => SortKey::Arrival,
            "CC" => SortKey::Cc,
            "DATE" => SortKey::Date,
            "FROM" => SortKey::From,
            "SIZE" => SortKey::Size,
            "SUBJECT" => SortKey::Subject,
            "TO" => SortKey::To,
            "DISPLAYFROM" => SortKey::DisplayFrom,
            "DISPLAYTO" => SortKey::DisplayTo,
            other => return Err(format!("unknown sort key {other}")),
        };
        out.push(SortCriterion { key, reverse });
        if c.eat(b')') {
            return Ok(out);
        }
        c.list_sp()?;
    }
}

/// `"(" [return-opt *(SP return-opt)] ")"`; empty means ALL (RFC 4731 §3.1).
fn return_opts(c: &mut Cursor<'_>) -> PResult<SortReturn> {
    c.expect(b'(', "( to start the return options")?;
    let mut out = SortReturn::default();
    let mut n = 0;
    while !c.eat(b')') {
        if n > 0 {
            c.list_sp()?;
        }
        n += 1;
        if n > 8 {
            return Err("too many return options".into());
        }
        let opt = match c
            .keyword("MIN, MAX, ALL, COUNT, SAVE, UPDATE, CONTEXT or PARTIAL")?
            .as_str()
        {
            // RFC 5267 §4.2: only a hint; see the SEARCH parser.
            "CONTEXT" => continue,
            "UPDATE" => SearchReturn::Update,
            "MIN" => SearchReturn::Min,
            "MAX" => SearchReturn::Max,
            "ALL" => SearchReturn::All,
            "COUNT" => SearchReturn::Count,
            "SAVE" => SearchReturn::Save,
            "PARTIAL" => {
                c.sp()?;
                out.partial = Some(partial_range(c)?);
                continue;
            }
            other => return Err(format!("unknown return option {other}")),
        };
        if !out.opts.contains(&opt) {
            out.opts.push(opt);
        }
    }
    if out.opts.is_empty() && out.partial.is_none() {
        out.opts.push(SearchReturn::All);
    }
    Ok(out)
}

/// `partial-range = nz-number ":" nz-number` (RFC 5267 §4.4), either order; no `*`. The
/// error does not echo the client's bytes: a `)` in a BAD line trips some client parsers.
fn partial_range(c: &mut Cursor<'_>) -> PResult<(u32, u32)> {
    const WANT: &str = "PARTIAL takes two positions, as in 1:100";
    let atom = c.atom("a PARTIAL range").map_err(|_| WANT.to_string())?;
    let text = std::str::from_utf8(atom).map_err(|_| WANT.to_string())?;
    let (a, b) = text.split_once(':').ok_or_else(|| WANT.to_string())?;
    let pos = |t: &str| -> PResult<u32> {
        match t.parse::<u32>() {
            Ok(n) if n > 0 && t.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
            _ => Err(WANT.to_string()),
        }
    };
    let (a, b) = (pos(a)?, pos(b)?);
    Ok((a.min(b), a.max(b)))
}

#[cfg(test)]
mod tests {
    use crate::imap::command::{
        CommandBody, SearchKey, SearchReturn, SortCriterion, SortKey, SortReturn, ThreadAlgorithm,
    };
    use crate::imap::parse::parse_command;

    fn body(s: &str) -> CommandBody {
        parse_command(s.as_bytes()).unwrap().body
    }

    fn bad(s: &str) -> String {
        parse_command(s.as_bytes()).unwrap_err().message
    }

    #[test]
    fn rfc_5256_examples() {
        let CommandBody::Sort {
            uid,
            returns,
            criteria,
            charset,
            key,
        } = body("A282 SORT (SUBJECT) UTF-8 SINCE 1-Feb-1994")
        else {
            panic!("not SORT")
        };
        assert!(!uid && returns.is_none() && charset == "UTF-8");
        assert_eq!(
            criteria,
            [SortCriterion {
                key: SortKey::Subject,
                reverse: false
            }]
        );
        assert!(matches!(key, SearchKey::Since(_)));
        let CommandBody::Sort { criteria, key, .. } =
            body("A283 SORT (SUBJECT REVERSE DATE) UTF-8 ALL")
        else {
            panic!("not SORT")
        };
        assert_eq!(criteria.len(), 2);
        assert!(criteria[1].reverse && criteria[1].key == SortKey::Date);
        assert_eq!(key, SearchKey::All);
        let CommandBody::Sort { uid, key, .. } =
            body("A284 UID SORT (REVERSE DISPLAYFROM) US-ASCII SUBJECT \"afternoon\" UNSEEN")
        else {
            panic!("not SORT")
        };
        assert!(uid);
        assert!(matches!(key, SearchKey::And(ref v) if v.len() == 2));
        assert_eq!(
            body("A283 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-MAR-2000"),
            CommandBody::Thread {
                uid: false,
                algorithm: ThreadAlgorithm::OrderedSubject,
                charset: "UTF-8".into(),
                key: match body("X SEARCH SINCE 5-MAR-2000") {
                    CommandBody::Search { key, .. } => key,
                    _ => unreachable!(),
                },
            }
        );
        assert!(matches!(
            body("A284 UID THREAD REFERENCES \"US-ASCII\" TEXT \"gewp\""),
            CommandBody::Thread {
                uid: true,
                algorithm: ThreadAlgorithm::References,
                ..
            }
        ));
    }

    #[test]
    fn esort_and_partial() {
        let ret = |s: &str| match body(s) {
            CommandBody::Sort { returns, .. } => returns,
            _ => panic!("not SORT"),
        };
        assert_eq!(
            ret("A1 SORT RETURN (MIN COUNT) (ARRIVAL) US-ASCII ALL"),
            Some(SortReturn {
                opts: vec![SearchReturn::Min, SearchReturn::Count],
                partial: None
            })
        );
        assert_eq!(
            ret("A1 SORT RETURN () (ARRIVAL) US-ASCII ALL")
                .unwrap()
                .opts,
            [SearchReturn::All]
        );
        // CONTEXT=SORT (RFC 5267 §4): UPDATE is kept, CONTEXT is only a hint.
        assert_eq!(
            ret("A1 SORT RETURN (CONTEXT UPDATE COUNT) (ARRIVAL) US-ASCII ALL")
                .unwrap()
                .opts,
            [SearchReturn::Update, SearchReturn::Count]
        );
        assert_eq!(
            ret("A1 SORT RETURN (CONTEXT) (ARRIVAL) US-ASCII ALL")
                .unwrap()
                .opts,
            [SearchReturn::All]
        );
        assert_eq!(
            ret("A1 SORT RETURN (PARTIAL 4:2) (ARRIVAL) US-ASCII ALL").unwrap(),
            SortReturn {
                opts: vec![],
                partial: Some((2, 4))
            }
        );
    }

    #[test]
    fn refused() {
        for cmd in [
            "A1 SORT RETURN (PARTIAL 1) (ARRIVAL) US-ASCII ALL",
            "A1 SORT RETURN (PARTIAL 1:*) (ARRIVAL) US-ASCII ALL",
            "A1 SORT RETURN (PARTIAL *:1) (ARRIVAL) US-ASCII ALL",
            "A1 SORT RETURN (PARTIAL 0:3) (ARRIVAL) US-ASCII ALL",
        ] {
            let why = bad(cmd);
            assert!(!why.contains(')'), "{cmd}: {why}");
        }
        for cmd in [
            "A1 SORT () US-ASCII ALL",
            "A1 SORT (ARRIVAL) ALL",
            "A1 SORT (SUBJECT",
            "A1 SORT (REVERSE) UTF-8 ALL",
            "A1 SORT (BOGUS) UTF-8 ALL",
            "A1 SORT ARRIVAL UTF-8 ALL",
            "A1 THREAD JWZ UTF-8 ALL",
            "A1 THREAD REFERENCES UTF-8",
            "A1 THREAD REFERENCES",
        ] {
            assert!(parse_command(cmd.as_bytes()).is_err(), "{cmd}");
        }
        let many = vec!["DATE"; 17].join(" ");
        assert!(bad(&format!("A1 SORT ({many}) UTF-8 ALL")).contains("too many"));
    }
}
