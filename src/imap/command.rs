//! The IMAP command as the parser hands it to the session: one type per thing RFC 3501 /
//! RFC 9051 and the extensions name (sequence set, fetch attribute, section, search key,
//! flag, status item). Strings are what the client sent after literal/quoted decoding;
//! mailbox names are still in wire form (modified UTF-7 unless UTF8=ACCEPT is enabled) —
//! the session decodes and validates them, because only it knows what was ENABLEd.

use chrono::NaiveDate;

/// A tagged command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub tag: String,
    pub body: CommandBody,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandBody {
    // Any state.
    Capability,
    Noop,
    Logout,
    /// RFC 2971: `None` for `ID NIL`.
    Id(Option<Vec<(String, Option<String>)>>),
    // Not authenticated.
    StartTls,
    /// `initial` is the SASL-IR argument still in base64 (`=` stands for an empty one).
    Authenticate {
        mechanism: String,
        initial: Option<String>,
    },
    Login {
        user: String,
        password: String,
    },
    // Authenticated.
    /// RFC 5161; capability names upper-cased.
    Enable(Vec<String>),
    Select {
        mailbox: String,
        read_only: bool,
        condstore: bool,
        qresync: Option<QResync>,
    },
    Create {
        mailbox: String,
        /// RFC 6154 CREATE-SPECIAL-USE: `(USE (\Sent))`, attributes with their backslash.
        special_use: Vec<String>,
    },
    Delete(String),
    Rename {
        from: String,
        to: String,
    },
    Subscribe(String),
    Unsubscribe(String),
    /// LIST, with RFC 5258 LIST-EXTENDED and RFC 5819 LIST-STATUS options. A basic
    /// `LIST ref pat` has default options and one pattern.
    List {
        selection: ListSelection,
        reference: String,
        patterns: Vec<String>,
        returns: ListReturn,
    },
    Lsub {
        reference: String,
        pattern: String,
    },
    Namespace,
    Status {
        mailbox: String,
        items: Vec<StatusItem>,
    },
    /// RFC 5464 GETMETADATA; `mailbox` "" is the server.
    GetMetadata {
        mailbox: String,
        entries: Vec<String>,
        maxsize: Option<u32>,
        depth: MetadataDepth,
    },
    /// RFC 5464 SETMETADATA: NIL removes an entry.
    SetMetadata {
        mailbox: String,
        entries: Vec<(String, Option<Vec<u8>>)>,
    },
    /// One or more messages (RFC 3502 MULTIAPPEND).
    Append {
        mailbox: String,
        messages: Vec<AppendMessage>,
    },
    Idle,
    /// RFC 5267 `CANCELUPDATE "tag" *(SP "tag")`.
    CancelUpdate(Vec<String>),
    /// RFC 5465 `NOTIFY NONE` (None) or `NOTIFY SET [STATUS] event-groups`.
    Notify(Option<NotifySet>),
    /// RFC 4978 `COMPRESS mechanism`, upper-cased.
    Compress(String),
    /// RFC 9208.
    GetQuota(String),
    GetQuotaRoot(String),
    // Selected.
    Check,
    Close,
    Unselect,
    /// `UID EXPUNGE set` (RFC 4315) when `uids` is set.
    Expunge {
        uids: Option<SequenceSet>,
    },
    Search {
        uid: bool,
        charset: Option<String>,
        /// RFC 4731 ESEARCH `RETURN (...)`; `None` when absent (classic `* SEARCH`).
        returns: Option<Vec<SearchReturn>>,
        /// The keys, implicitly ANDed, as one key.
        key: SearchKey,
    },
    Fetch {
        uid: bool,
        set: SequenceSet,
        items: Vec<FetchAttr>,
        /// RFC 7162 `(CHANGEDSINCE n)`.
        changed_since: Option<u64>,
        /// RFC 7162 `(VANISHED)`, only valid with UID FETCH and CHANGEDSINCE.
        vanished: bool,
    },
    Store {
        uid: bool,
        set: SequenceSet,
        mode: StoreMode,
        silent: bool,
        flags: Vec<Flag>,
        /// RFC 7162 `(UNCHANGEDSINCE n)`.
        unchanged_since: Option<u64>,
    },
    Copy {
        uid: bool,
        set: SequenceSet,
        mailbox: String,
    },
    /// RFC 6851.
    Move {
        uid: bool,
        set: SequenceSet,
        mailbox: String,
    },
    /// RFC 5256 SORT, with RFC 5267 ESORT `RETURN (...)` and CONTEXT=SORT's PARTIAL.
    Sort {
        uid: bool,
        /// `None` when absent (classic `* SORT`).
        returns: Option<SortReturn>,
        criteria: Vec<SortCriterion>,
        charset: String,
        key: SearchKey,
    },
    /// RFC 5256 THREAD.
    Thread {
        uid: bool,
        algorithm: ThreadAlgorithm,
        charset: String,
        key: SearchKey,
    },
}

/// A sort key of RFC 5256 §3, with RFC 5957's DISPLAYFROM and DISPLAYTO.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Arrival,
    Cc,
    Date,
    From,
    Size,
    Subject,
    To,
    DisplayFrom,
    DisplayTo,
}

/// One `[REVERSE] key` of a sort program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortCriterion {
    pub key: SortKey,
    pub reverse: bool,
}

/// `SORT RETURN (...)`: RFC 4731's MIN MAX ALL COUNT SAVE, and RFC 5267 §4.4 `PARTIAL lo:hi`
/// (1-based positions in the sorted result, `lo <= hi` after the parser normalised them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SortReturn {
    pub opts: Vec<SearchReturn>,
    pub partial: Option<(u32, u32)>,
}

/// RFC 5256 §3 thread algorithms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadAlgorithm {
    OrderedSubject,
    References,
}

/// `SELECT mbox (QRESYNC (uidvalidity modseq [known-uids [(seq-match uid-match)]]))`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QResync {
    pub uidvalidity: u32,
    pub modseq: u64,
    pub known_uids: Option<SequenceSet>,
    /// (known sequence numbers, the UIDs they correspond to).
    pub seq_match: Option<(SequenceSet, SequenceSet)>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListSelection {
    pub subscribed: bool,
    pub remote: bool,
    pub recursive_match: bool,
    pub special_use: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListReturn {
    pub subscribed: bool,
    pub children: bool,
    pub special_use: bool,
    /// RFC 5819 `RETURN (STATUS (...))`.
    pub status: Option<Vec<StatusItem>>,
    /// RFC 9590 `RETURN (METADATA (entry ...))`.
    pub metadata: Option<Vec<String>>,
}

/// RFC 5464 GETMETADATA's DEPTH: the entry only, its children too, or everything below.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MetadataDepth {
    #[default]
    Zero,
    One,
    Infinity,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusItem {
    Messages,
    Recent,
    UidNext,
    UidValidity,
    Unseen,
    /// RFC 9051.
    Deleted,
    /// RFC 8438 STATUS=SIZE.
    Size,
    /// RFC 7162.
    HighestModSeq,
    /// RFC 7889.
    AppendLimit,
    /// RFC 8474.
    MailboxId,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendMessage {
    pub flags: Vec<Flag>,
    /// The `date-time` argument as seconds since the epoch (the zone applied).
    pub internal_date: Option<i64>,
    pub data: Vec<u8>,
    /// Sent as `~{n}` (RFC 3516 BINARY literal).
    pub binary: bool,
    /// RFC 4469 `CATENATE (...)`: the message is built from these parts (`data` is empty).
    pub catenate: Option<Vec<CatPart>>,
    /// Sent as RFC 6855 `UTF8 (~{n})`: only valid once UTF8=ACCEPT is enabled.
    pub utf8: bool,
}

/// One part of a CATENATE (RFC 4469 §5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatPart {
    /// `TEXT literal` (or `UTF8 (literal8)`, RFC 6855 §4, flagged `true`).
    Text(Vec<u8>, bool),
    /// `URL astring`: an IMAP URL (RFC 5092), parsed by the session.
    Url(String),
}

/// A message flag. System flags are recognised case-insensitively; anything else is a
/// keyword (an atom, kept as sent).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Flag {
    Seen,
    Answered,
    Flagged,
    Deleted,
    Draft,
    /// `\Recent` may be searched for but never stored; the parser passes it on and the
    /// session refuses it in STORE/APPEND.
    Recent,
    Keyword(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreMode {
    Replace,
    Add,
    Remove,
}

/// One element of a sequence set: a number or `*` (the largest number in use).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeqNum {
    Value(u32),
    Star,
}

/// A sequence set (`1:4,7,9:*`), kept as written: never expanded, so `1:4294967295` costs
/// nothing. `$` (RFC 5182 SEARCHRES) is `saved`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SequenceSet {
    pub ranges: Vec<(SeqNum, SeqNum)>,
    pub saved: bool,
}

impl SequenceSet {
    /// The ranges as inclusive `(low, high)` pairs with `*` replaced by `largest`, sorted and
    /// merged. Cost is in the number of ranges written, not in the numbers they cover.
    pub fn resolve(&self, largest: u32) -> Vec<(u32, u32)> {
        let v = |n: SeqNum| match n {
            SeqNum::Value(x) => x,
            SeqNum::Star => largest,
        };
        let mut out: Vec<(u32, u32)> = self
            .ranges
            .iter()
            .map(|&(a, b)| {
                let (a, b) = (v(a), v(b));
                (a.min(b), a.max(b))
            })
            .collect();
        out.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(out.len());
        for (a, b) in out {
            match merged.last_mut() {
                Some(last) if a <= last.1.saturating_add(1) => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        merged
    }

    /// Whether `n` is in the set, `*` being `largest`.
    pub fn contains(&self, n: u32, largest: u32) -> bool {
        self.ranges.iter().any(|&(a, b)| {
            let v = |x: SeqNum| match x {
                SeqNum::Value(x) => x,
                SeqNum::Star => largest,
            };
            let (a, b) = (v(a), v(b));
            a.min(b) <= n && n <= a.max(b)
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchAttr {
    Envelope,
    Flags,
    InternalDate,
    /// `RFC822` (same as BODY[] but sets \Seen and answers as `RFC822`).
    Rfc822,
    Rfc822Header,
    Rfc822Size,
    Rfc822Text,
    /// `BODY` without a section: the non-extensible body structure.
    Body,
    BodyStructure,
    Uid,
    /// RFC 7162 `MODSEQ`.
    ModSeq,
    /// RFC 8970 `PREVIEW` (`(LAZY)` is accepted; we always compute it).
    Preview,
    /// RFC 8514 `SAVEDATE`.
    SaveDate,
    /// RFC 8474 `EMAILID` and `THREADID`.
    EmailId,
    ThreadId,
    /// `BODY[section]<partial>` and `BODY.PEEK[...]`.
    BodySection {
        peek: bool,
        section: Section,
        partial: Option<(u32, u32)>,
    },
    /// RFC 3516 `BINARY[part]<partial>` and `BINARY.PEEK[...]`.
    Binary {
        peek: bool,
        part: Vec<u32>,
        partial: Option<(u32, u32)>,
    },
    BinarySize {
        part: Vec<u32>,
    },
}

/// `section = "[" [section-spec] "]"`: a part path (`1.2.3`) and what of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    pub part: Vec<u32>,
    pub text: Option<SectionText>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectionText {
    Header,
    /// Field names as sent (matched case-insensitively).
    HeaderFields(Vec<String>),
    HeaderFieldsNot(Vec<String>),
    Text,
    /// Only with a part number: the MIME header of that part.
    Mime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchKey {
    All,
    /// Implicit AND of a parenthesised list or of top-level keys.
    And(Vec<SearchKey>),
    Or(Box<SearchKey>, Box<SearchKey>),
    Not(Box<SearchKey>),
    SequenceSet(SequenceSet),
    Uid(SequenceSet),
    Answered,
    Deleted,
    Draft,
    Flagged,
    Recent,
    New,
    Old,
    Seen,
    Unanswered,
    Undeleted,
    Undraft,
    Unflagged,
    Unseen,
    Keyword(String),
    Unkeyword(String),
    Bcc(String),
    Cc(String),
    From(String),
    To(String),
    Subject(String),
    Header(String, String),
    Body(String),
    Text(String),
    /// Internal date (the day, in the server's zone).
    Before(NaiveDate),
    On(NaiveDate),
    Since(NaiveDate),
    /// The Date: header.
    SentBefore(NaiveDate),
    SentOn(NaiveDate),
    SentSince(NaiveDate),
    /// RFC 8514: the save date (the day, in the server's zone), and SAVEDATESUPPORTED.
    SavedBefore(NaiveDate),
    SavedOn(NaiveDate),
    SavedSince(NaiveDate),
    SaveDateSupported,
    /// RFC 8474 objectids.
    EmailId(String),
    ThreadId(String),
    Larger(u64),
    Smaller(u64),
    /// RFC 7162 `MODSEQ n` (the optional entry-name/type pair is parsed and ignored).
    ModSeq(u64),
    /// RFC 5032 WITHIN: seconds.
    Younger(u64),
    Older(u64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchReturn {
    Min,
    Max,
    All,
    Count,
    Save,
    /// RFC 5267 CONTEXT=SEARCH: keep the result up to date with ADDTO/REMOVEFROM.
    Update,
    /// RFC 9394 (RFC 5267 §4.4) `PARTIAL lo:hi`: positions in the result, 1-based; both
    /// negative counts from the end (-1 is the last). Ordered so `lo` is nearer the start.
    Partial(i32, i32),
}

/// RFC 5465 `NOTIFY SET`: whether to send the initial STATUS, and the event groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifySet {
    pub status: bool,
    pub groups: Vec<NotifyGroup>,
}

/// One `(filter-mailboxes events)` group; `events` empty for `NONE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyGroup {
    pub filter: NotifyFilter,
    pub events: Vec<NotifyEvent>,
}

/// RFC 5465 §6 filter-mailboxes. Mailbox names are in wire form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotifyFilter {
    Selected,
    SelectedDelayed,
    Inboxes,
    Personal,
    Subscribed,
    Subtree(Vec<String>),
    Mailboxes(Vec<String>),
}

/// RFC 5465 §5 events this server reports (MessageNew's fetch attributes are parsed and
/// not sent: clients FETCH what they need).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotifyEvent {
    MessageNew,
    MessageExpunge,
    FlagChange,
    MailboxName,
    SubscriptionChange,
    /// A syntactically valid event this server does not report (AnnotationChange,
    /// the METADATA events, or an unknown name): answered `NO [BADEVENT]`.
    Unsupported,
}
