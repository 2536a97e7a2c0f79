//! SEARCH keys compiled once into a [`Query`] and decided per message.
//!
//! The session describes each message of the selected mailbox as a [`Candidate`] (sequence
//! number, UID, flags, dates, size, mod-sequence) and the mailbox as a [`Context`]. Keys on
//! those alone are decided without the file; the session asks [`Query::needs`] whether to
//! read nothing, the header, or the whole message, and may call [`Query::prefilter`] to skip
//! reading a file whose fate the metadata already settles (`UNSEEN BODY x` on a seen message).
//! A file handed to [`Query::matches`] is parsed at most once, headers only unless a BODY or
//! TEXT key needs more.
//!
//! Semantics worth knowing (RFC 3501 §6.4.4 unless noted):
//! - `$` (RFC 5182) matches the saved UIDs, in a sequence-set or a UID set alike.
//! - BEFORE/ON/SINCE compare the internal date as a calendar day in the server's zone;
//!   SENTBEFORE/SENTON/SENTSINCE the Date: header's own calendar day (time and zone
//!   disregarded), falling back to the internal date when the header is missing or broken.
//! - YOUNGER n is "at most n seconds old", OLDER n "more than n seconds old" (RFC 5032), so
//!   the two split the mailbox with no gap or overlap.
//! - A header key with an empty string asks for the header's presence, for FROM/TO/CC/BCC/
//!   SUBJECT as for HEADER; BODY "" and TEXT "" match every message.
//!
//! Not here: the parser's nesting limit (Query::new and matches recurse once per level of the
//! parsed key, so the parser must bound it), reading files, and result rendering.

use chrono::{Datelike, NaiveDate};
use mail_parser::{Message, MessageParser};

use super::text::{self, Needle};
use crate::imap::command::{Flag, SearchKey, SeqNum, SequenceSet};
use crate::imap::flags::{self, Flags};

/// One message of the selected mailbox as SEARCH sees it.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub seq: u32,
    pub uid: u32,
    pub flags: &'a Flags,
    pub recent: bool,
    pub modseq: u64,
    pub size: u64,
    /// Seconds since the epoch.
    pub internal_date: i64,
    /// RFC 8514 SAVEDATE, seconds since the epoch.
    pub save_date: i64,
    /// RFC 8474 EMAILID.
    pub email_id: u64,
}

/// The mailbox and the moment the search runs in.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// `*` in a sequence set (the number of messages).
    pub largest_seq: u32,
    /// `*` in a UID set.
    pub largest_uid: u32,
    /// UIDs saved by SEARCHRES (`$`), sorted ascending as a search result is.
    pub saved: &'a [u32],
    /// Seconds since the epoch, for YOUNGER/OLDER.
    pub now: i64,
    /// The server's zone, for BEFORE/ON/SINCE day boundaries.
    pub tz_offset_secs: i32,
}

/// What of a message the query needs, in increasing cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Needs {
    /// Flags, UIDs, sizes, dates, mod-sequences: no file read.
    Metadata,
    /// The header (enough bytes to reach the blank line; the whole file is fine too).
    Headers,
    /// The whole file (BODY, TEXT).
    Full,
}

#[derive(Debug, Clone, Copy)]
enum DateCmp {
    Before,
    On,
    Since,
}

impl DateCmp {
    fn test(self, day: i64, key: i64) -> bool {
        match self {
            DateCmp::Before => day < key,
            DateCmp::On => day == key,
            DateCmp::Since => day >= key,
        }
    }
}

/// A sequence or UID set, pre-resolved when it has no `*` (then membership is a binary
/// search, which matters for a long set over 100,000 messages).
#[derive(Debug, Clone)]
struct Set {
    saved: bool,
    fixed: Option<Vec<(u32, u32)>>,
    set: SequenceSet,
}

impl Set {
    fn new(set: &SequenceSet) -> Set {
        let star = set
            .ranges
            .iter()
            .any(|&(a, b)| a == SeqNum::Star || b == SeqNum::Star);
        Set {
            saved: set.saved,
            fixed: (!star).then(|| set.resolve(0)),
            set: set.clone(),
        }
    }

    fn contains(&self, n: u32, largest: u32, uid: u32, saved: &[u32]) -> bool {
        if self.saved && saved.binary_search(&uid).is_ok() {
            return true;
        }
        match &self.fixed {
            Some(ranges) => {
                // The first range whose high end reaches n is the only one that can hold it.
                let i = ranges.partition_point(|&(_, hi)| hi < n);
                ranges.get(i).is_some_and(|&(lo, _)| lo <= n)
            }
            None => self.set.contains(n, largest),
        }
    }
}

#[derive(Debug, Clone)]
enum Node {
    All,
    And(Vec<Node>),
    Or(Box<Node>, Box<Node>),
    Not(Box<Node>),
    Seq(Set),
    Uid(Set),
    /// A system flag bit, and whether it must be set.
    Flag(u8, bool),
    Keyword(Flag, bool),
    Recent(bool),
    New,
    Internal(DateCmp, i64),
    Saved(DateCmp, i64),
    /// RFC 8474 EMAILID; None for an id that is not one of ours (matches nothing).
    EmailId(Option<u64>),
    Sent(DateCmp, i64),
    Larger(u64),
    Smaller(u64),
    ModSeq(u64),
    Younger(i64),
    Older(i64),
    /// Field name as sent (matched case-insensitively).
    Header(String, Needle),
    Body(Needle),
    Text(Needle),
}

/// A SEARCH program: built once per command, evaluated once per message.
#[derive(Debug, Clone)]
pub struct Query {
    root: Node,
    needs: Needs,
    modseq: bool,
    parser: MessageParser,
}

/// Days since 1970-01-01 of a calendar date.
fn epoch_day(d: NaiveDate) -> i64 {
    // 719 163 is 1970-01-01 counted from 0001-01-01 as day 1.
    i64::from(d.num_days_from_ce()) - 719_163
}

fn secs(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn compile(key: &SearchKey) -> Node {
    use SearchKey as K;
    let header = |name: &str, s: &str| Node::Header(name.to_string(), Needle::new(s));
    match key {
        K::All => Node::All,
        K::And(keys) => Node::And(keys.iter().map(compile).collect()),
        K::Or(a, b) => Node::Or(Box::new(compile(a)), Box::new(compile(b))),
        K::Not(k) => Node::Not(Box::new(compile(k))),
        K::SequenceSet(s) => Node::Seq(Set::new(s)),
        K::Uid(s) => Node::Uid(Set::new(s)),
        K::Answered => Node::Flag(flags::ANSWERED, true),
        K::Deleted => Node::Flag(flags::DELETED, true),
        K::Draft => Node::Flag(flags::DRAFT, true),
        K::Flagged => Node::Flag(flags::FLAGGED, true),
        K::Seen => Node::Flag(flags::SEEN, true),
        K::Unanswered => Node::Flag(flags::ANSWERED, false),
        K::Undeleted => Node::Flag(flags::DELETED, false),
        K::Undraft => Node::Flag(flags::DRAFT, false),
        K::Unflagged => Node::Flag(flags::FLAGGED, false),
        K::Unseen => Node::Flag(flags::SEEN, false),
        K::Recent => Node::Recent(true),
        K::Old => Node::Recent(false),
        K::New => Node::New,
        K::Keyword(k) => Node::Keyword(Flag::Keyword(k.clone()), true),
        K::Unkeyword(k) => Node::Keyword(Flag::Keyword(k.clone()), false),
        K::Bcc(s) => header("Bcc", s),
        K::Cc(s) => header("Cc", s),
        K::From(s) => header("From", s),
        K::To(s) => header("To", s),
        K::Subject(s) => header("Subject", s),
        K::Header(name, s) => header(name, s),
        K::Body(s) => Node::Body(Needle::new(s)),
        K::Text(s) => Node::Text(Needle::new(s)),
        K::Before(d) => Node::Internal(DateCmp::Before, epoch_day(*d)),
        K::On(d) => Node::Internal(DateCmp::On, epoch_day(*d)),
        K::Since(d) => Node::Internal(DateCmp::Since, epoch_day(*d)),
        K::SentBefore(d) => Node::Sent(DateCmp::Before, epoch_day(*d)),
        K::SentOn(d) => Node::Sent(DateCmp::On, epoch_day(*d)),
        K::SentSince(d) => Node::Sent(DateCmp::Since, epoch_day(*d)),
        K::SavedBefore(d) => Node::Saved(DateCmp::Before, epoch_day(*d)),
        K::SavedOn(d) => Node::Saved(DateCmp::On, epoch_day(*d)),
        K::SavedSince(d) => Node::Saved(DateCmp::Since, epoch_day(*d)),
        // Every message has a save date here (RFC 8514 §4.3).
        K::SaveDateSupported => Node::All,
        K::EmailId(id) => Node::EmailId(
            id.strip_prefix('M')
                .filter(|h| h.len() == 16)
                .and_then(|h| u64::from_str_radix(h, 16).ok()),
        ),
        // No THREADID is ever given out (FETCH says NIL), so none matches.
        K::ThreadId(_) => Node::Not(Box::new(Node::All)),
        K::Larger(n) => Node::Larger(*n),
        K::Smaller(n) => Node::Smaller(*n),
        K::ModSeq(n) => Node::ModSeq(*n),
        K::Younger(n) => Node::Younger(secs(*n)),
        K::Older(n) => Node::Older(secs(*n)),
    }
}

fn needs_of(node: &Node) -> Needs {
    match node {
        Node::And(v) => v.iter().map(needs_of).max().unwrap_or(Needs::Metadata),
        Node::Or(a, b) => needs_of(a).max(needs_of(b)),
        Node::Not(a) => needs_of(a),
        Node::Header(..) | Node::Sent(..) => Needs::Headers,
        Node::Body(_) | Node::Text(_) => Needs::Full,
        _ => Needs::Metadata,
    }
}

fn uses_modseq(node: &Node) -> bool {
    match node {
        Node::And(v) => v.iter().any(uses_modseq),
        Node::Or(a, b) => uses_modseq(a) || uses_modseq(b),
        Node::Not(a) => uses_modseq(a),
        Node::ModSeq(_) => true,
        _ => false,
    }
}

/// The message file as far as it was parsed.
enum Parsed<'m> {
    /// The session passed no bytes (it could not read the file, or ignored needs()).
    Missing,
    /// mail-parser found no header: the bytes are all body.
    Headerless(&'m [u8]),
    Message(Box<Message<'m>>),
}

impl Query {
    pub fn new(key: &SearchKey) -> Query {
        let root = compile(key);
        Query {
            needs: needs_of(&root),
            modseq: uses_modseq(&root),
            root,
            parser: text::parser(),
        }
    }

    /// What the session must read for each message.
    pub fn needs(&self) -> Needs {
        self.needs
    }

    /// Whether the search has a MODSEQ key anywhere, so that the result carries
    /// `(MODSEQ n)` / `MODSEQ n` (RFC 7162 §3.1.5).
    pub fn uses_modseq(&self) -> bool {
        self.modseq
    }

    /// The decision from metadata alone, or `None` when it depends on the file.
    pub fn prefilter(&self, c: &Candidate<'_>, ctx: &Context<'_>) -> Option<bool> {
        pre(&self.root, c, ctx)
    }

    /// Whether the message matches. `message` is the raw file (LF or CRLF line endings) when
    /// `needs()` is not `Metadata`; without it, keys on the file do not match (SENT* fall
    /// back to the internal date).
    pub fn matches(&self, c: &Candidate<'_>, ctx: &Context<'_>, message: Option<&[u8]>) -> bool {
        if let Some(decided) = pre(&self.root, c, ctx) {
            return decided;
        }
        let parsed = match message {
            None => Parsed::Missing,
            Some(raw) => {
                let msg = match self.needs {
                    Needs::Full => self.parser.parse(raw),
                    _ => self.parser.parse_headers(raw),
                };
                match msg {
                    Some(m) => Parsed::Message(Box::new(m)),
                    None => Parsed::Headerless(raw),
                }
            }
        };
        full(&self.root, c, ctx, &parsed)
    }
}

/// A key decided by metadata, or `None` for keys on the file.
fn metadata(node: &Node, c: &Candidate<'_>, ctx: &Context<'_>) -> Option<bool> {
    Some(match node {
        Node::All => true,
        Node::Seq(s) => s.contains(c.seq, ctx.largest_seq, c.uid, ctx.saved),
        Node::Uid(s) => s.contains(c.uid, ctx.largest_uid, c.uid, ctx.saved),
        Node::Flag(bit, want) => c.flags.has(*bit) == *want,
        Node::Keyword(k, want) => c.flags.contains(k) == *want,
        Node::Recent(want) => c.recent == *want,
        Node::New => c.recent && !c.flags.has(flags::SEEN),
        Node::Internal(cmp, key) => cmp.test(internal_day(c, ctx), *key),
        Node::Saved(cmp, key) => cmp.test(day_of(c.save_date, ctx), *key),
        Node::EmailId(id) => *id == Some(c.email_id),
        Node::Larger(n) => c.size > *n,
        Node::Smaller(n) => c.size < *n,
        Node::ModSeq(n) => c.modseq >= *n,
        Node::Younger(n) => c.internal_date >= ctx.now.saturating_sub(*n),
        Node::Older(n) => c.internal_date < ctx.now.saturating_sub(*n),
        _ => return None,
    })
}

fn internal_day(c: &Candidate<'_>, ctx: &Context<'_>) -> i64 {
    day_of(c.internal_date, ctx)
}

fn day_of(secs: i64, ctx: &Context<'_>) -> i64 {
    secs.saturating_add(i64::from(ctx.tz_offset_secs))
        .div_euclid(86_400)
}

/// Three-valued (Kleene) evaluation without the file: AND is false as soon as one side is,
/// OR true as soon as one side is.
fn pre(node: &Node, c: &Candidate<'_>, ctx: &Context<'_>) -> Option<bool> {
    match node {
        Node::And(v) => {
            let mut all = Some(true);
            for n in v {
                match pre(n, c, ctx) {
                    Some(false) => return Some(false),
                    None => all = None,
                    Some(true) => {}
                }
            }
            all
        }
        Node::Or(a, b) => match (pre(a, c, ctx), pre(b, c, ctx)) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        },
        Node::Not(a) => pre(a, c, ctx).map(|x| !x),
        _ => metadata(node, c, ctx),
    }
}

fn full(node: &Node, c: &Candidate<'_>, ctx: &Context<'_>, p: &Parsed<'_>) -> bool {
    if let Some(decided) = metadata(node, c, ctx) {
        return decided;
    }
    match node {
        Node::And(v) => v.iter().all(|n| full(n, c, ctx, p)),
        Node::Or(a, b) => full(a, c, ctx, p) || full(b, c, ctx, p),
        Node::Not(a) => !full(a, c, ctx, p),
        Node::Sent(cmp, key) => {
            let day = match p {
                Parsed::Message(m) => sent_day(m),
                _ => None,
            };
            cmp.test(day.unwrap_or_else(|| internal_day(c, ctx)), *key)
        }
        Node::Header(field, needle) => match p {
            Parsed::Message(m) => text::header_matches(m, field, needle),
            _ => false,
        },
        Node::Body(needle) => match p {
            Parsed::Message(m) => text::body_matches(m, needle),
            Parsed::Headerless(raw) => text::unparsed_body_matches(raw, needle),
            Parsed::Missing => needle.is_empty(),
        },
        Node::Text(needle) => match p {
            Parsed::Message(m) => text::text_matches(m, needle),
            Parsed::Headerless(raw) => text::unparsed_body_matches(raw, needle),
            Parsed::Missing => needle.is_empty(),
        },
        // Metadata keys were decided above.
        _ => false,
    }
}

/// The Date: header's calendar day as written (its zone disregarded), if it is a real date.
fn sent_day(m: &Message<'_>) -> Option<i64> {
    let d = m.date()?;
    let date = NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))?;
    // mail-parser yields year 0 or similar for garbage; a mail from before 1900 is garbage.
    (d.year >= 1900).then(|| epoch_day(date))
}
