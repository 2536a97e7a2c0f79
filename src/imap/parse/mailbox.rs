//! Mailbox commands: SELECT/EXAMINE (RFC 7162 CONDSTORE, QRESYNC), CREATE (RFC 6154
//! CREATE-SPECIAL-USE), DELETE, RENAME, SUBSCRIBE, LIST (RFC 5258 LIST-EXTENDED, RFC 5819
//! LIST-STATUS), LSUB, STATUS and APPEND (RFC 3502 MULTIAPPEND, RFC 3516 literal8).
//!
//! Names are returned as sent; whether they exist, are valid modified UTF-7 or try to
//! escape the Maildir is decided by the session and `maildir::folder`.

use super::lexer::{Cursor, PResult};
use crate::imap::command::{
    AppendMessage, CatPart, CommandBody, ListReturn, ListSelection, QResync, SeqNum, SequenceSet,
    StatusItem,
};

/// Most patterns in one LIST, messages in one APPEND, attributes in CREATE's USE.
const MAX_PATTERNS: usize = 100;
const MAX_APPEND: usize = 1_000;
/// Most parts in one CATENATE (Dovecot allows about as many).
pub const MAX_CAT_PARTS: usize = 100;
const MAX_USE: usize = 16;
/// Most STATUS items (there are nine; repeats are harmless but must be bounded).
const MAX_STATUS: usize = 32;

/// `SP mailbox` as the only argument.
pub(super) fn one_mailbox(c: &mut Cursor<'_>) -> PResult<String> {
    c.sp()?;
    c.mailbox()
}

/// `select = "SELECT" SP mailbox [select-params]`,
/// `select-params = SP "(" select-param *(SP select-param) ")"`.
pub(super) fn select(c: &mut Cursor<'_>, read_only: bool) -> PResult<CommandBody> {
    let mailbox = one_mailbox(c)?;
    let mut condstore = false;
    let mut qresync = None;
    if c.eat(b' ') {
        c.expect(b'(', "( to start the SELECT parameters")?;
        loop {
            match c.keyword("CONDSTORE or QRESYNC")?.as_str() {
                "CONDSTORE" => condstore = true,
                "QRESYNC" if qresync.is_none() => {
                    c.sp()?;
                    qresync = Some(qresync_params(c)?);
                }
                "QRESYNC" => return Err("QRESYNC given twice".to_string()),
                other => return Err(format!("unknown parameter {other}")),
            }
            if c.eat(b')') {
                break;
            }
            c.list_sp()?;
        }
    }
    Ok(CommandBody::Select {
        mailbox,
        read_only,
        condstore,
        qresync,
    })
}

/// `"(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")"`,
/// `seq-match-data = "(" known-sequence-set SP known-uid-set ")"`.
fn qresync_params(c: &mut Cursor<'_>) -> PResult<QResync> {
    c.expect(b'(', "( to start the QRESYNC parameters")?;
    let uidvalidity = c.nz_number("the UIDVALIDITY")?;
    c.sp()?;
    let modseq = c.modseq("the mod-sequence")?;
    let mut known_uids = None;
    let mut seq_match = None;
    if c.eat(b' ') {
        if c.peek() != Some(b'(') {
            known_uids = Some(no_star(
                c.sequence_set("the known UIDs")?,
                "the known UIDs",
            )?);
            if c.eat(b' ') {
                seq_match = Some(seq_match_data(c)?);
            }
        } else {
            seq_match = Some(seq_match_data(c)?);
        }
    }
    c.expect(b')', ") to end the QRESYNC parameters")?;
    Ok(QResync {
        uidvalidity,
        modseq,
        known_uids,
        seq_match,
    })
}

fn seq_match_data(c: &mut Cursor<'_>) -> PResult<(SequenceSet, SequenceSet)> {
    c.expect(b'(', "( to start the sequence match data")?;
    let seqs = no_star(
        c.sequence_set("the known sequence set")?,
        "the known sequence set",
    )?;
    c.sp()?;
    let uids = no_star(c.sequence_set("the known UID set")?, "the known UID set")?;
    c.expect(b')', ") to end the sequence match data")?;
    Ok((seqs, uids))
}

/// RFC 7162 §3.2.5: `*` and `$` are not allowed in the QRESYNC sets.
fn no_star(set: SequenceSet, what: &str) -> PResult<SequenceSet> {
    let star = set
        .ranges
        .iter()
        .any(|&(a, b)| a == SeqNum::Star || b == SeqNum::Star);
    if star || set.saved {
        return Err(format!("* and $ are not allowed in {what}"));
    }
    Ok(set)
}

/// `create = "CREATE" SP mailbox [create-params]`,
/// `create-param = "USE" SP "(" [use-attr *(SP use-attr)] ")"`.
pub(super) fn create(c: &mut Cursor<'_>) -> PResult<CommandBody> {
    let mailbox = one_mailbox(c)?;
    let mut special_use = Vec::new();
    if c.eat(b' ') {
        c.expect(b'(', "( to start the CREATE parameters")?;
        let kw = c.keyword("USE")?;
        if kw != "USE" {
            return Err(format!("unknown parameter {kw}"));
        }
        c.sp()?;
        c.expect(b'(', "( to start the USE attributes")?;
        while !c.eat(b')') {
            if !special_use.is_empty() {
                c.list_sp()?;
            }
            if special_use.len() == MAX_USE {
                return Err(format!("too many USE attributes (at most {MAX_USE})"));
            }
            c.expect(b'\\', "a special-use attribute such as \\Sent")?;
            let name = c.atom("a special-use attribute name")?;
            special_use.push(format!("\\{}", String::from_utf8_lossy(name)));
        }
        c.expect(b')', ") to end the CREATE parameters")?;
    }
    Ok(CommandBody::Create {
        mailbox,
        special_use,
    })
}

pub(super) fn rename(c: &mut Cursor<'_>) -> PResult<CommandBody> {
    let from = one_mailbox(c)?;
    let to = one_mailbox(c)?;
    Ok(CommandBody::Rename { from, to })
}

/// `list = "LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts]`.
pub(super) fn list(c: &mut Cursor<'_>) -> PResult<CommandBody> {
    c.sp()?;
    let mut selection = ListSelection::default();
    if c.eat(b'(') {
        let mut any = false;
        while !c.eat(b')') {
            if any {
                c.list_sp()?;
            }
            any = true;
            match c.keyword("a selection option")?.as_str() {
                "SUBSCRIBED" => selection.subscribed = true,
                "REMOTE" => selection.remote = true,
                "RECURSIVEMATCH" => selection.recursive_match = true,
                "SPECIAL-USE" => selection.special_use = true,
                other => return Err(format!("unknown selection option {other}")),
            }
        }
        // RFC 5258 §3.1: RECURSIVEMATCH must come with an option it modifies.
        if selection.recursive_match && !(selection.subscribed || selection.special_use) {
            return Err("RECURSIVEMATCH needs another selection option".to_string());
        }
        c.sp()?;
    }
    let reference = c
        .mailbox()
        .map_err(|m| m.replace("a mailbox name", "a reference"))?;
    c.sp()?;
    let mut patterns = Vec::new();
    if c.eat(b'(') {
        loop {
            if patterns.len() == MAX_PATTERNS {
                return Err(format!("too many patterns (at most {MAX_PATTERNS})"));
            }
            patterns.push(c.list_mailbox()?);
            if c.eat(b')') {
                break;
            }
            c.list_sp()?;
        }
    } else {
        patterns.push(c.list_mailbox()?);
    }
    let mut returns = ListReturn::default();
    if c.eat(b' ') {
        let kw = c.keyword("RETURN")?;
        if kw != "RETURN" {
            return Err(format!("expected RETURN, found {kw}"));
        }
        c.sp()?;
        c.expect(b'(', "( to start the return options")?;
        let mut any = false;
        while !c.eat(b')') {
            if any {
                c.list_sp()?;
            }
            any = true;
            match c.keyword("a return option")?.as_str() {
                "SUBSCRIBED" => returns.subscribed = true,
                "CHILDREN" => returns.children = true,
                "SPECIAL-USE" => returns.special_use = true,
                "STATUS" if returns.status.is_none() => {
                    c.sp()?;
                    returns.status = Some(status_items(c)?);
                }
                "STATUS" => return Err("STATUS given twice".to_string()),
                "METADATA" if returns.metadata.is_none() => {
                    c.sp()?;
                    returns.metadata = Some(super::metadata::entries(c)?);
                }
                other => return Err(format!("unknown return option {other}")),
            }
        }
    }
    Ok(CommandBody::List {
        selection,
        reference,
        patterns,
        returns,
    })
}

/// `lsub = "LSUB" SP mailbox SP list-mailbox`.
pub(super) fn lsub(c: &mut Cursor<'_>) -> PResult<CommandBody> {
    c.sp()?;
    let reference = c
        .mailbox()
        .map_err(|m| m.replace("a mailbox name", "a reference"))?;
    c.sp()?;
    let pattern = c.list_mailbox()?;
    Ok(CommandBody::Lsub { reference, pattern })
}

/// `status = "STATUS" SP mailbox SP "(" status-att *(SP status-att) ")"`.
pub(super) fn status(c: &mut Cursor<'_>) -> PResult<CommandBody> {
    let mailbox = one_mailbox(c)?;
    c.sp()?;
    let items = status_items(c)?;
    Ok(CommandBody::Status { mailbox, items })
}

fn status_items(c: &mut Cursor<'_>) -> PResult<Vec<StatusItem>> {
    c.expect(b'(', "( to start the status items")?;
    let mut items = Vec::new();
    loop {
        if items.len() == MAX_STATUS {
            return Err(format!("too many status items (at most {MAX_STATUS})"));
        }
        items.push(match c.keyword("a status item")?.as_str() {
            "MESSAGES" => StatusItem::Messages,
            "RECENT" => StatusItem::Recent,
            "UIDNEXT" => StatusItem::UidNext,
            "UIDVALIDITY" => StatusItem::UidValidity,
            "UNSEEN" => StatusItem::Unseen,
            "DELETED" => StatusItem::Deleted,
            "SIZE" => StatusItem::Size,
            "HIGHESTMODSEQ" => StatusItem::HighestModSeq,
            "APPENDLIMIT" => StatusItem::AppendLimit,
            "MAILBOXID" => StatusItem::MailboxId,
            other => return Err(format!("unknown status item {other}")),
        });
        if c.eat(b')') {
            return Ok(items);
        }
        c.list_sp()?;
    }
}

/// `append = "APPEND" SP mailbox 1*append-message`,
/// `append-message = SP [flag-list SP] [date-time SP] (literal / literal8)`.
pub(super) fn append(c: &mut Cursor<'_>) -> PResult<CommandBody> {
    let mailbox = one_mailbox(c)?;
    let mut messages = Vec::new();
    while c.eat(b' ') {
        if messages.len() == MAX_APPEND {
            return Err(format!("too many messages (at most {MAX_APPEND})"));
        }
        let mut flags = Vec::new();
        if c.peek() == Some(b'(') {
            flags = c.flag_list()?;
            c.sp()?;
        }
        let mut internal_date = None;
        if c.peek() == Some(b'"') {
            internal_date = Some(c.date_time()?);
            c.sp()?;
        }
        messages.push(append_data(c, flags, internal_date)?);
    }
    if messages.is_empty() {
        return Err(c.expected("a space and the message"));
    }
    Ok(CommandBody::Append { mailbox, messages })
}

/// `append-data = literal / literal8 / "UTF8" SP "(" literal8 ")" (RFC 6855) /
/// "CATENATE" SP "(" cat-part *(SP cat-part) ")"` (RFC 4469).
fn append_data(
    c: &mut Cursor<'_>,
    flags: Vec<crate::imap::command::Flag>,
    internal_date: Option<i64>,
) -> PResult<AppendMessage> {
    let mut m = AppendMessage {
        flags,
        internal_date,
        data: Vec::new(),
        binary: false,
        catenate: None,
        utf8: false,
    };
    if matches!(c.peek(), Some(b'{' | b'~')) {
        let (data, binary) = c.literal("the message")?;
        (m.data, m.binary) = (data.to_vec(), binary);
        return Ok(m);
    }
    let what = "the message as a literal, UTF8 (...) or CATENATE (...)";
    if !c.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
        return Err(c.expected(what));
    }
    match c.keyword(what)?.as_str() {
        "UTF8" => {
            c.sp()?;
            m.data = utf8_literal(c)?.to_vec();
            (m.binary, m.utf8) = (true, true);
        }
        "CATENATE" => {
            c.sp()?;
            c.expect(b'(', "( after CATENATE")?;
            let mut parts = Vec::new();
            loop {
                if parts.len() == MAX_CAT_PARTS {
                    return Err(format!("too many CATENATE parts (at most {MAX_CAT_PARTS})"));
                }
                parts.push(cat_part(c)?);
                if c.eat(b')') {
                    break;
                }
                c.sp()?;
            }
            m.catenate = Some(parts);
        }
        other => return Err(format!("expected {what}, found {other}")),
    }
    Ok(m)
}

/// `"(" literal8 ")"` after UTF8 (RFC 6855 §4); a plain literal is taken too.
fn utf8_literal<'a>(c: &mut Cursor<'a>) -> PResult<&'a [u8]> {
    c.expect(b'(', "( after UTF8")?;
    let (data, _) = c.literal("the message")?;
    c.expect(b')', ") after the UTF8 literal")?;
    Ok(data)
}

/// `cat-part = text-literal / url` with `text-literal = "TEXT" SP literal` (literal8 with
/// BINARY) and `url = "URL" SP astring`; RFC 6855 adds `"UTF8" SP "(" literal8 ")"`.
fn cat_part(c: &mut Cursor<'_>) -> PResult<CatPart> {
    let what = "TEXT, URL or UTF8 in CATENATE";
    if !c.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
        return Err(c.expected(what));
    }
    let kw = c.keyword(what)?;
    c.sp()?;
    match kw.as_str() {
        "TEXT" => Ok(CatPart::Text(
            c.literal("a CATENATE text part")?.0.to_vec(),
            false,
        )),
        "UTF8" => Ok(CatPart::Text(utf8_literal(c)?.to_vec(), true)),
        "URL" => Ok(CatPart::Url(c.astring_utf8("an IMAP URL")?)),
        other => Err(format!("expected {what}, found {other}")),
    }
}
