//! FETCH and UID FETCH (RFC 3501 §6.4.5, RFC 3516 BINARY, RFC 7162 CHANGEDSINCE/VANISHED).
//! A job walks the requested messages and pauses whenever the output passes
//! [`FLUSH_AT`](crate::imap::session::FLUSH_AT), so `FETCH 1:* BODY[]` over a large
//! mailbox streams instead of building one giant buffer. Files are read only for the
//! attributes that need content, and each file once per message.

use std::borrow::Cow;

use crate::imap::command::{FetchAttr, Flag, SectionText, SeqNum, SequenceSet, StoreMode};
use crate::imap::flags;
use crate::imap::mailstore::MessageMeta;
use crate::imap::message::Message;
use crate::imap::session::{Action, FLUSH_AT, Pending, Session};
use crate::imap::wire;

pub struct FetchJob {
    tag: String,
    uid: bool,
    seqs: Vec<u32>,
    next: usize,
    items: Vec<FetchAttr>,
    content: Content,
    /// FLAGS must be added because \Seen was set implicitly for these messages.
    seen_set: Vec<u32>,
    modseq: bool,
    failed: bool,
    /// Some message's file was gone: expunged by another session, still in this view.
    expunged: bool,
}

/// How much of a message's file the requested items need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Content {
    None,
    /// The header block only: clients list folders with ENVELOPE or HEADER.FIELDS, and
    /// reading whole files (attachments and all) for that would be most of the work.
    Header,
    Full,
    /// The message was expunged by another session and its file is gone: content items
    /// are answered NIL or as empty placeholders (RFC 2180 §4.1.4).
    Gone,
}

fn content_of(a: &FetchAttr) -> Content {
    match a {
        FetchAttr::Flags
        | FetchAttr::InternalDate
        | FetchAttr::Rfc822Size
        | FetchAttr::Uid
        | FetchAttr::ModSeq
        | FetchAttr::SaveDate
        | FetchAttr::EmailId
        | FetchAttr::ThreadId => Content::None,
        FetchAttr::Envelope | FetchAttr::Rfc822Header => Content::Header,
        FetchAttr::BodySection { section, .. }
            if section.part.is_empty()
                && matches!(
                    section.text,
                    Some(
                        SectionText::Header
                            | SectionText::HeaderFields(_)
                            | SectionText::HeaderFieldsNot(_)
                    )
                ) =>
        {
            Content::Header
        }
        _ => Content::Full,
    }
}

/// The placeholders of a message whose content is gone ([`Content::Gone`]): the shapes
/// RFC 9051's grammar requires where NIL is not allowed, empty and recognisably so.
const GONE_BODY: &[u8] = b"(\"text\" \"plain\" NIL NIL NIL \"7bit\" 0 0)";
const GONE_ENVELOPE: &[u8] = b"(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)";

fn sets_seen(a: &FetchAttr) -> bool {
    matches!(
        a,
        FetchAttr::Rfc822
            | FetchAttr::Rfc822Text
            | FetchAttr::BodySection { peek: false, .. }
            | FetchAttr::Binary { peek: false, .. }
    )
}

/// Non-UID sets may not name messages that do not exist (RFC 9051 §6.4.5 answers BAD).
pub(crate) fn out_of_range(set: &SequenceSet, exists: u32) -> Option<u32> {
    set.ranges.iter().find_map(|&(a, b)| {
        [a, b].into_iter().find_map(|x| match x {
            SeqNum::Value(n) if n > exists => Some(n),
            _ => None,
        })
    })
}

/// Answers BAD and returns false when a sequence-number set names a message that does not
/// exist; UID sets and `$` may name anything.
pub(crate) fn set_in_range(
    sel: &crate::imap::mailstore::Mailbox,
    tag: &str,
    uid: bool,
    set: &SequenceSet,
    out: &mut Vec<u8>,
) -> bool {
    let exists = sel.messages.len() as u32;
    match out_of_range(set, exists) {
        Some(n) if !uid && !set.saved => {
            Session::tagged(
                out,
                tag,
                &format!("BAD no message {n}: the mailbox has {exists}"),
            );
            false
        }
        _ => true,
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn fetch(
    s: &mut Session,
    tag: &str,
    uid: bool,
    set: &SequenceSet,
    mut items: Vec<FetchAttr>,
    changed_since: Option<u64>,
    vanished: bool,
    out: &mut Vec<u8>,
) -> Option<Action> {
    let sel = s.selected.as_ref()?;
    if !super::fetch::set_in_range(sel, tag, uid, set, out) {
        return None;
    }
    if vanished && (!uid || changed_since.is_none() || !s.enabled.qresync) {
        Session::tagged(
            out,
            tag,
            "BAD VANISHED needs UID FETCH, CHANGEDSINCE and ENABLE QRESYNC",
        );
        return None;
    }
    if changed_since.is_some() || items.contains(&FetchAttr::ModSeq) {
        s.enable_condstore(out);
    }
    let mut seqs = super::resolve(s, set, uid);
    let sel = s.selected.as_ref()?;
    if let Some(since) = changed_since {
        if vanished && let Some(acc) = s.account.as_ref() {
            let largest = sel.uidnext.saturating_sub(1);
            if let Ok(mut v) = acc.vanished_since(sel, since) {
                v.retain(|&u| set.contains(u, largest));
                if !v.is_empty() {
                    out.extend_from_slice(b"* VANISHED (EARLIER) ");
                    out.extend_from_slice(crate::imap::search::compact_set(&v).as_bytes());
                    out.extend_from_slice(b"\r\n");
                }
            }
        }
        seqs.retain(|&q| sel.messages[q as usize - 1].modseq > since);
    }
    if uid && !items.contains(&FetchAttr::Uid) {
        items.insert(0, FetchAttr::Uid);
    }
    // RFC 7162 §3.1.4.1: with CONDSTORE on, FETCH responses that carry flags carry MODSEQ.
    let modseq = s.enabled.condstore
        && (changed_since.is_some()
            || items.contains(&FetchAttr::ModSeq)
            || items.contains(&FetchAttr::Flags));
    items.retain(|a| *a != FetchAttr::ModSeq);
    // Implicit \Seen (RFC 3501 §6.4.5) in one batch before anything is rendered, so the
    // FLAGS sent are the ones on disk.
    let mut seen_set = Vec::new();
    if !sel.read_only && items.iter().any(sets_seen) {
        let unseen: Vec<u32> = seqs
            .iter()
            .copied()
            .filter(|&q| !sel.messages[q as usize - 1].flags.has(flags::SEEN))
            .collect();
        if !unseen.is_empty()
            && let (Some(sel), Some(acc)) = (s.selected.as_mut(), s.account.as_mut())
        {
            match acc.store(sel, &unseen, StoreMode::Add, &[Flag::Seen], None) {
                Ok(o) => {
                    seen_set = o.changed;
                    s.touched = Some(sel.dir().to_path_buf());
                }
                Err(e) => tracing::warn!("FETCH implicit \\Seen: {e}"),
            }
        }
    }
    let content = items.iter().map(content_of).max().unwrap_or(Content::None);
    let job = Box::new(FetchJob {
        tag: tag.to_string(),
        uid,
        seqs,
        next: 0,
        items,
        content,
        seen_set,
        modseq,
        failed: false,
        expunged: false,
    });
    resume(s, job, out)
}

/// Renders messages until done or the output is large; then the tagged reply.
pub(crate) fn resume(s: &mut Session, mut job: Box<FetchJob>, out: &mut Vec<u8>) -> Option<Action> {
    while job.next < job.seqs.len() {
        if out.len() >= FLUSH_AT {
            s.pending = Pending::Fetch(job);
            return Some(Action::Flush);
        }
        let seq = job.seqs[job.next];
        job.next += 1;
        match render(s, &job, seq, out) {
            Rendered::Whole => {}
            Rendered::Ghost => job.expunged = true,
            Rendered::Failed => job.failed = true,
        }
    }
    let status = if job.failed {
        "NO [SERVERBUG] some messages could not be read; the rest was fetched"
    } else if job.expunged {
        // RFC 5530 §3 with RFC 2180 §4.1.4: the data was answered, NIL where it is gone.
        "OK [EXPUNGEISSUED] some messages were expunged meanwhile; their content is NIL"
    } else {
        "OK FETCH completed"
    };
    let uid = job.uid;
    s.finish(&job.tag, uid, status, out);
    None
}

/// What [`render`] could answer for one message.
enum Rendered {
    Whole,
    /// Expunged by another session while still in this session's view (RFC 2180 §4.1):
    /// answered from the view's metadata, with NIL for the content that is gone, so a
    /// client's FETCH of a sequence range it may use succeeds (RFC 2180 §4.1.4).
    Ghost,
    /// The file could not be read for another reason: no response for it.
    Failed,
}

/// One `* n FETCH (...)` line.
fn render(s: &Session, job: &FetchJob, seq: u32, out: &mut Vec<u8>) -> Rendered {
    let (Some(sel), Some(acc)) = (s.selected.as_ref(), s.account.as_deref()) else {
        return Rendered::Failed;
    };
    let Some(meta) = sel.messages.get(seq as usize - 1) else {
        return Rendered::Failed;
    };
    let read = match job.content {
        Content::None | Content::Gone => Ok(None),
        Content::Header => acc.read_header(sel, seq).map(Some),
        Content::Full => acc.read(sel, seq).map(Some),
    };
    let (raw, content) = match read {
        Ok(raw) => (raw, job.content),
        Err(crate::imap::mailstore::StoreError::Expunged) => (None, Content::Gone),
        Err(e) => {
            tracing::warn!("FETCH of message {seq}: {e}");
            return Rendered::Failed;
        }
    };
    let msg = raw.as_deref().map(Message::new);
    // Nothing below can fail, so the response goes straight into the output.
    out.extend_from_slice(format!("* {seq} FETCH (").as_bytes());
    let mut first = true;
    let mut sep = |out: &mut Vec<u8>| {
        if !first {
            out.push(b' ');
        }
        first = false;
    };
    let recent = meta.recent && !s.enabled.rev2;
    for item in &job.items {
        sep(out);
        write_item(out, item, meta, msg.as_ref(), content, recent);
    }
    if job.seen_set.contains(&seq) && !job.items.contains(&FetchAttr::Flags) {
        sep(out);
        out.extend_from_slice(b"FLAGS ");
        meta.flags.write_list(out, recent);
    }
    if job.modseq {
        sep(out);
        out.extend_from_slice(format!("MODSEQ ({})", meta.modseq).as_bytes());
    }
    out.extend_from_slice(b")\r\n");
    if content == Content::Gone {
        Rendered::Ghost
    } else {
        Rendered::Whole
    }
}

/// RFC 8474 objectid of a message: `M` and 16 hex digits.
pub(crate) fn email_id(id: u64) -> String {
    format!("M{id:016x}")
}

/// One FETCH data item of one message (RFC 9051 §7.5.2), into `out`.
// Long on purpose: one arm per FETCH data item, a table read top to bottom.
fn write_item(
    out: &mut Vec<u8>,
    item: &FetchAttr,
    meta: &MessageMeta,
    msg: Option<&Message<'_>>,
    content: Content,
    recent: bool,
) {
    match item {
        FetchAttr::Uid => out.extend_from_slice(format!("UID {}", meta.uid).as_bytes()),
        FetchAttr::Flags => {
            out.extend_from_slice(b"FLAGS ");
            meta.flags.write_list(out, recent);
        }
        FetchAttr::InternalDate => {
            out.extend_from_slice(b"INTERNALDATE \"");
            out.extend_from_slice(internal_date(meta.internal_date).as_bytes());
            out.push(b'"');
        }
        FetchAttr::Rfc822Size => {
            // Exact (CRLF) when the whole file is read anyway; else the indexed size.
            let size = match (&msg, content) {
                (Some(m), Content::Full) => m.size() as u64,
                _ => meta.size,
            };
            out.extend_from_slice(format!("RFC822.SIZE {size}").as_bytes());
        }
        FetchAttr::ModSeq => {}
        FetchAttr::SaveDate => {
            out.extend_from_slice(b"SAVEDATE \"");
            out.extend_from_slice(internal_date(meta.save_date).as_bytes());
            out.push(b'"');
        }
        FetchAttr::EmailId => {
            out.extend_from_slice(format!("EMAILID ({})", email_id(meta.email_id)).as_bytes())
        }
        // RFC 8474 §5.2: NIL when the server does not thread (we do not, yet).
        FetchAttr::ThreadId => out.extend_from_slice(b"THREADID NIL"),
        _ if content == Content::Gone => write_gone(out, item),
        FetchAttr::Preview => {
            out.extend_from_slice(b"PREVIEW ");
            let text = msg.map(|m| crate::imap::message::preview::preview(m.as_bytes()));
            wire::string(out, text.unwrap_or_default().as_bytes());
        }
        FetchAttr::Envelope => {
            out.extend_from_slice(b"ENVELOPE ");
            if let Some(m) = &msg {
                m.envelope(out);
            }
        }
        FetchAttr::Body => {
            out.extend_from_slice(b"BODY ");
            if let Some(m) = &msg {
                m.body_structure(out, false);
            }
        }
        FetchAttr::BodyStructure => {
            out.extend_from_slice(b"BODYSTRUCTURE ");
            if let Some(m) = &msg {
                m.body_structure(out, true);
            }
        }
        FetchAttr::Rfc822 | FetchAttr::Rfc822Header | FetchAttr::Rfc822Text => {
            let (name, text) = match item {
                FetchAttr::Rfc822 => ("RFC822", None),
                FetchAttr::Rfc822Header => ("RFC822.HEADER", Some(SectionText::Header)),
                _ => ("RFC822.TEXT", Some(SectionText::Text)),
            };
            out.extend_from_slice(name.as_bytes());
            out.push(b' ');
            let sec = crate::imap::command::Section {
                part: Vec::new(),
                text,
            };
            let data = msg
                .as_ref()
                .and_then(|m| m.section(&sec))
                .unwrap_or(Cow::Borrowed(&[]));
            wire::literal(out, &data);
        }
        FetchAttr::BodySection {
            section, partial, ..
        } => {
            out.extend_from_slice(b"BODY[");
            write_section_spec(out, section);
            out.push(b']');
            let data = msg
                .as_ref()
                .and_then(|m| m.section(section))
                .unwrap_or(Cow::Borrowed(&[]));
            write_partial(out, &data, *partial, false);
        }
        FetchAttr::Binary { part, partial, .. } => {
            out.extend_from_slice(b"BINARY[");
            write_part(out, part);
            out.push(b']');
            match msg.as_ref().map(|m| m.binary(part)) {
                Some(Ok(data)) => write_partial(out, &data, *partial, true),
                _ => {
                    // RFC 3516 §4.3: the whole command fails on an unknown encoding;
                    // answering NIL for this part keeps the other data usable.
                    out.extend_from_slice(b" NIL");
                }
            }
        }
        FetchAttr::BinarySize { part } => {
            out.extend_from_slice(b"BINARY.SIZE[");
            write_part(out, part);
            out.extend_from_slice(b"] ");
            let n = msg
                .as_ref()
                .and_then(|m| m.binary(part).ok())
                .map(|d| d.len())
                .unwrap_or(0);
            out.extend_from_slice(n.to_string().as_bytes());
        }
    }
}

/// A content item of a message whose file is gone: the item's name, then NIL (nstring
/// items) or an empty placeholder (where the grammar has no NIL).
fn write_gone(out: &mut Vec<u8>, item: &FetchAttr) {
    match item {
        FetchAttr::Envelope => {
            out.extend_from_slice(b"ENVELOPE ");
            out.extend_from_slice(GONE_ENVELOPE);
        }
        FetchAttr::Body | FetchAttr::BodyStructure => {
            let name: &[u8] = if matches!(item, FetchAttr::Body) {
                b"BODY "
            } else {
                b"BODYSTRUCTURE "
            };
            out.extend_from_slice(name);
            out.extend_from_slice(GONE_BODY);
        }
        FetchAttr::Rfc822 => out.extend_from_slice(b"RFC822 NIL"),
        FetchAttr::Rfc822Header => out.extend_from_slice(b"RFC822.HEADER NIL"),
        FetchAttr::Rfc822Text => out.extend_from_slice(b"RFC822.TEXT NIL"),
        FetchAttr::BodySection { section, .. } => {
            // No <origin>: RFC 9051 §7.5.2 sends it only with data.
            out.extend_from_slice(b"BODY[");
            write_section_spec(out, section);
            out.extend_from_slice(b"] NIL");
        }
        FetchAttr::Binary { part, .. } => {
            out.extend_from_slice(b"BINARY[");
            write_part(out, part);
            out.extend_from_slice(b"] NIL");
        }
        FetchAttr::BinarySize { part } => {
            out.extend_from_slice(b"BINARY.SIZE[");
            write_part(out, part);
            out.extend_from_slice(b"] 0");
        }
        FetchAttr::Preview => out.extend_from_slice(b"PREVIEW NIL"),
        // Metadata items never reach here: they come from the view, not the file.
        _ => {}
    }
}

fn write_part(out: &mut Vec<u8>, part: &[u32]) {
    let p: Vec<String> = part.iter().map(u32::to_string).collect();
    out.extend_from_slice(p.join(".").as_bytes());
}

fn write_section_spec(out: &mut Vec<u8>, sec: &crate::imap::command::Section) {
    write_part(out, &sec.part);
    let Some(text) = &sec.text else { return };
    if !sec.part.is_empty() {
        out.push(b'.');
    }
    match text {
        SectionText::Header => out.extend_from_slice(b"HEADER"),
        SectionText::Text => out.extend_from_slice(b"TEXT"),
        SectionText::Mime => out.extend_from_slice(b"MIME"),
        SectionText::HeaderFields(f) | SectionText::HeaderFieldsNot(f) => {
            out.extend_from_slice(if matches!(text, SectionText::HeaderFields(_)) {
                b"HEADER.FIELDS ("
            } else {
                b"HEADER.FIELDS.NOT ("
            });
            for (i, name) in f.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                wire::astring(out, name.as_bytes());
            }
            out.push(b')');
        }
    }
}

/// ` {n}\r\n...` or, for `<origin.count>`, `<origin> {n}\r\n...`; binary data holding NUL
/// goes as a literal8 (`~{n}`, RFC 3516), and NUL in anything else as 0x80 ([`wire::literal`]).
fn write_partial(out: &mut Vec<u8>, data: &[u8], partial: Option<(u32, u32)>, binary: bool) {
    let data = match partial {
        Some((origin, count)) => {
            out.extend_from_slice(format!("<{origin}>").as_bytes());
            let start = (origin as usize).min(data.len());
            let end = start.saturating_add(count as usize).min(data.len());
            &data[start..end]
        }
        None => data,
    };
    out.push(b' ');
    if binary && memchr::memchr(0, data).is_some() {
        wire::literal8(out, data);
    } else {
        wire::literal(out, data);
    }
}

/// `dd-Mon-yyyy hh:mm:ss +zzzz` in the server's zone.
pub(crate) fn internal_date(epoch: i64) -> String {
    use chrono::TimeZone;
    match chrono::Local.timestamp_opt(epoch, 0).single() {
        Some(t) => t.format("%d-%b-%Y %H:%M:%S %z").to_string(),
        None => "01-Jan-1970 00:00:00 +0000".into(),
    }
}
