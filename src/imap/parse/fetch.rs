//! FETCH and STORE (RFC 3501 §6.4.5–6, RFC 3516 BINARY, RFC 7162 CHANGEDSINCE, VANISHED
//! and UNCHANGEDSINCE): attributes, the ALL/FAST/FULL macros, body sections and partial
//! ranges, and flag updates.
//!
//! It does not check that the messages exist or that CONDSTORE/QRESYNC were enabled.

use super::lexer::{Cursor, PResult};
use crate::imap::command::{CommandBody, FetchAttr, Section, SectionText, StoreMode};

/// Most attributes in one FETCH, header fields in one HEADER.FIELDS, and parts in one path.
const MAX_ATTRS: usize = 100;
const MAX_FIELDS: usize = 1_000;
const MAX_PART_DEPTH: usize = 32;

/// `fetch = "FETCH" SP sequence-set SP ("ALL" / "FULL" / "FAST" / fetch-att /
/// "(" fetch-att *(SP fetch-att) ")") [fetch-modifiers]`.
pub(super) fn fetch(c: &mut Cursor<'_>, uid: bool) -> PResult<CommandBody> {
    c.sp()?;
    let set = c.sequence_set("a sequence set")?;
    c.sp()?;
    let mut items = Vec::new();
    if c.eat(b'(') {
        loop {
            if items.len() == MAX_ATTRS {
                return Err(format!("too many attributes (at most {MAX_ATTRS})"));
            }
            let name = c.word("a fetch attribute")?;
            items.push(attribute(c, &name)?);
            if c.eat(b')') {
                break;
            }
            c.list_sp()?;
        }
    } else {
        let name = c.word("a fetch attribute or ALL, FAST, FULL")?;
        use FetchAttr as A;
        match name.as_str() {
            "ALL" => items = vec![A::Flags, A::InternalDate, A::Rfc822Size, A::Envelope],
            "FAST" => items = vec![A::Flags, A::InternalDate, A::Rfc822Size],
            "FULL" => {
                items = vec![
                    A::Flags,
                    A::InternalDate,
                    A::Rfc822Size,
                    A::Envelope,
                    A::Body,
                ]
            }
            _ => items.push(attribute(c, &name)?),
        }
    }
    let mut changed_since = None;
    let mut vanished = false;
    if c.eat(b' ') {
        c.expect(b'(', "( to start the FETCH modifiers")?;
        loop {
            match c.keyword("CHANGEDSINCE or VANISHED")?.as_str() {
                "CHANGEDSINCE" => {
                    c.sp()?;
                    changed_since = Some(c.modseq("the CHANGEDSINCE mod-sequence")?);
                }
                "VANISHED" => vanished = true,
                other => return Err(format!("unknown modifier {other}")),
            }
            if c.eat(b')') {
                break;
            }
            c.list_sp()?;
        }
    }
    // RFC 7162 §3.2.6: VANISHED only in UID FETCH and only with CHANGEDSINCE.
    if vanished && !(uid && changed_since.is_some()) {
        return Err("VANISHED requires UID FETCH with CHANGEDSINCE".to_string());
    }
    Ok(CommandBody::Fetch {
        uid,
        set,
        items,
        changed_since,
        vanished,
    })
}

fn attribute(c: &mut Cursor<'_>, name: &str) -> PResult<FetchAttr> {
    use FetchAttr as A;
    let sectioned = c.peek() == Some(b'[');
    Ok(match (name, sectioned) {
        ("ENVELOPE", false) => A::Envelope,
        ("FLAGS", false) => A::Flags,
        ("INTERNALDATE", false) => A::InternalDate,
        ("RFC822", false) => A::Rfc822,
        ("RFC822.HEADER", false) => A::Rfc822Header,
        ("RFC822.SIZE", false) => A::Rfc822Size,
        ("RFC822.TEXT", false) => A::Rfc822Text,
        ("BODY", false) => A::Body,
        ("BODYSTRUCTURE", false) => A::BodyStructure,
        ("UID", false) => A::Uid,
        ("MODSEQ", false) => A::ModSeq,
        ("PREVIEW", false) => {
            preview_modifiers(c)?;
            A::Preview
        }
        ("SAVEDATE", false) => A::SaveDate,
        ("EMAILID", false) => A::EmailId,
        ("THREADID", false) => A::ThreadId,
        ("BODY" | "BODY.PEEK", true) => {
            let section = section(c)?;
            let partial = partial(c)?;
            A::BodySection {
                peek: name == "BODY.PEEK",
                section,
                partial,
            }
        }
        ("BINARY" | "BINARY.PEEK", true) => {
            let part = binary_section(c)?;
            let partial = partial(c)?;
            A::Binary {
                peek: name == "BINARY.PEEK",
                part,
                partial,
            }
        }
        ("BINARY.SIZE", true) => A::BinarySize {
            part: binary_section(c)?,
        },
        ("BODY.PEEK" | "BINARY" | "BINARY.PEEK" | "BINARY.SIZE", false) => {
            return Err(format!("{name} needs a [section]"));
        }
        _ => return Err(format!("unknown attribute {name}")),
    })
}

/// RFC 8970: `"PREVIEW" [SP "(" preview-mod *(SP preview-mod) ")"]`, `preview-mod = "LAZY"`.
/// Only a list starting with LAZY is taken, so the FETCH modifiers after a bare PREVIEW
/// attribute (`FETCH 1 PREVIEW (CHANGEDSINCE 5)`) stay the modifiers.
fn preview_modifiers(c: &mut Cursor<'_>) -> PResult<()> {
    let lazy = (0..4).all(|i| c.peek_at(2 + i).map(|b| b.to_ascii_uppercase()) == Some(b"LAZY"[i]));
    if c.peek() != Some(b' ') || c.peek_at(1) != Some(b'(') || !lazy {
        return Ok(());
    }
    c.sp()?;
    c.expect(b'(', "(")?;
    loop {
        match c.keyword("a PREVIEW modifier")?.as_str() {
            "LAZY" => {}
            other => return Err(format!("unknown PREVIEW modifier {other}")),
        }
        if c.eat(b')') {
            return Ok(());
        }
        c.sp()?;
    }
}

/// `section = "[" [section-spec] "]"`,
/// `section-spec = section-msgtext / (section-part ["." section-text])`.
pub(super) fn section(c: &mut Cursor<'_>) -> PResult<Section> {
    c.expect(b'[', "[")?;
    let mut s = Section::default();
    if c.eat(b']') {
        return Ok(s);
    }
    if c.peek().is_some_and(|b| b.is_ascii_digit()) {
        s.part = part_path(c)?;
        if !c.eat(b'.') {
            c.expect(b']', "] to end the section")?;
            return Ok(s);
        }
    }
    let text = c.word("HEADER, HEADER.FIELDS, TEXT or MIME")?;
    s.text = Some(match text.as_str() {
        "HEADER" => SectionText::Header,
        "TEXT" => SectionText::Text,
        "MIME" if !s.part.is_empty() => SectionText::Mime,
        "MIME" => return Err("MIME needs a part number, as in [1.MIME]".to_string()),
        "HEADER.FIELDS" => SectionText::HeaderFields(header_list(c)?),
        "HEADER.FIELDS.NOT" => SectionText::HeaderFieldsNot(header_list(c)?),
        other => return Err(format!("unknown section text {other}")),
    });
    c.expect(b']', "] to end the section")?;
    Ok(s)
}

/// `section-part = nz-number *("." nz-number)`; stops before a `.` that is not followed
/// by a digit (the section text follows it).
fn part_path(c: &mut Cursor<'_>) -> PResult<Vec<u32>> {
    let mut part = vec![c.nz_number("a part number")?];
    while c.peek() == Some(b'.') && c.peek_at(1).is_some_and(|b| b.is_ascii_digit()) {
        c.eat(b'.');
        if part.len() == MAX_PART_DEPTH {
            return Err(format!("part path too deep (at most {MAX_PART_DEPTH})"));
        }
        part.push(c.nz_number("a part number")?);
    }
    Ok(part)
}

/// `header-list = "(" header-fld-name *(SP header-fld-name) ")"`.
fn header_list(c: &mut Cursor<'_>) -> PResult<Vec<String>> {
    c.sp()?;
    c.expect(b'(', "( to start the header field list")?;
    let mut fields = Vec::new();
    loop {
        if fields.len() == MAX_FIELDS {
            return Err(format!("too many header fields (at most {MAX_FIELDS})"));
        }
        fields.push(c.astring_utf8("a header field name")?);
        if c.eat(b')') {
            return Ok(fields);
        }
        c.list_sp()?;
    }
}

/// `section-binary = "[" [section-part] "]"`.
fn binary_section(c: &mut Cursor<'_>) -> PResult<Vec<u32>> {
    c.expect(b'[', "[")?;
    if c.eat(b']') {
        return Ok(Vec::new());
    }
    let part = part_path(c)?;
    c.expect(
        b']',
        "] to end the binary section (only part numbers are allowed)",
    )?;
    Ok(part)
}

/// `partial = "<" number "." nz-number ">"`.
fn partial(c: &mut Cursor<'_>) -> PResult<Option<(u32, u32)>> {
    if !c.eat(b'<') {
        return Ok(None);
    }
    let offset = c.number("the partial offset")?;
    c.expect(b'.', ". and a length in the partial range")?;
    let len = c.nz_number("the partial length")?;
    c.expect(b'>', "> to end the partial range")?;
    Ok(Some((offset, len)))
}

/// `store = "STORE" SP sequence-set [store-modifiers] SP store-att-flags`,
/// `store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP (flag-list / (flag *(SP flag)))`.
pub(super) fn store(c: &mut Cursor<'_>, uid: bool) -> PResult<CommandBody> {
    c.sp()?;
    let set = c.sequence_set("a sequence set")?;
    c.sp()?;
    let mut unchanged_since = None;
    if c.eat(b'(') {
        let kw = c.keyword("UNCHANGEDSINCE")?;
        if kw != "UNCHANGEDSINCE" {
            return Err(format!("unknown modifier {kw}"));
        }
        c.sp()?;
        unchanged_since = Some(c.number64("the UNCHANGEDSINCE mod-sequence")?);
        c.expect(b')', ") to end the STORE modifiers")?;
        c.sp()?;
    }
    let mode = if c.eat(b'+') {
        StoreMode::Add
    } else if c.eat(b'-') {
        StoreMode::Remove
    } else {
        StoreMode::Replace
    };
    let silent = match c.word("FLAGS or FLAGS.SILENT")?.as_str() {
        "FLAGS" => false,
        "FLAGS.SILENT" => true,
        other => return Err(format!("expected FLAGS or FLAGS.SILENT, found {other}")),
    };
    c.sp()?;
    let flags = if c.peek() == Some(b'(') {
        c.flag_list()?
    } else {
        let mut flags = vec![c.flag()?];
        while c.eat(b' ') {
            if flags.len() == super::lexer::MAX_FLAGS {
                return Err("too many flags".to_string());
            }
            flags.push(c.flag()?);
        }
        flags
    };
    Ok(CommandBody::Store {
        uid,
        set,
        mode,
        silent,
        flags,
        unchanged_since,
    })
}
