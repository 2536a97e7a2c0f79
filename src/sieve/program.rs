//! The compiled form of a script: typed commands and tests, arguments checked, ready to run.
//! Strings stay strings; when the script requires "variables" they are expanded at run time.
//!
//! Not here: parsing (parser.rs), checking (validate.rs), running (run.rs).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Comparator {
    Octet,
    AsciiCasemap,
    AsciiNumeric,
}

/// RFC 5231 relations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rel {
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
    Ne,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum MatchKind {
    Is,
    Contains,
    Matches,
    Regex,
    Count(Rel),
    Value(Rel),
}

#[derive(Debug, Clone)]
pub(crate) struct Match {
    pub cmp: Comparator,
    pub kind: MatchKind,
}

/// RFC 5228 §2.7.4 plus RFC 5233's `:user`/`:detail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AddrPart {
    All,
    Local,
    Domain,
    User,
    Detail,
}

/// RFC 5260 §4: `:index N [:last]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Index {
    pub n: u64,
    pub last: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum BodyTransform {
    Raw,
    Content(Vec<String>),
    Text,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Zone {
    Local,
    Fixed(String),
    Original,
}

#[derive(Debug, Clone)]
pub(crate) enum DupId {
    MessageId,
    Header(String),
    Unique(String),
}

#[derive(Debug, Clone)]
pub(crate) enum Test {
    True,
    False,
    Not(Box<Test>),
    AllOf(Vec<Test>),
    AnyOf(Vec<Test>),
    Header {
        m: Match,
        names: Vec<String>,
        keys: Vec<String>,
        index: Option<Index>,
    },
    Address {
        m: Match,
        part: AddrPart,
        names: Vec<String>,
        keys: Vec<String>,
        index: Option<Index>,
    },
    Envelope {
        m: Match,
        part: AddrPart,
        names: Vec<String>,
        keys: Vec<String>,
    },
    Exists(Vec<String>),
    Size {
        over: bool,
        limit: u64,
    },
    Body {
        m: Match,
        transform: BodyTransform,
        keys: Vec<String>,
    },
    Date {
        m: Match,
        zone: Zone,
        header: Option<String>,
        part: String,
        keys: Vec<String>,
        index: Option<Index>,
    },
    HasFlag {
        m: Match,
        vars: Vec<String>,
        keys: Vec<String>,
    },
    Str {
        m: Match,
        sources: Vec<String>,
        keys: Vec<String>,
    },
    MailboxExists(Vec<String>),
    Duplicate {
        handle: Option<String>,
        id: DupId,
        seconds: u64,
    },
    Environment {
        m: Match,
        name: String,
        keys: Vec<String>,
    },
    Spam {
        m: Match,
        percent: bool,
        virus: bool,
        keys: Vec<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FlagOp {
    Set,
    Add,
    Remove,
}

/// RFC 5229 §4.1 modifiers, with their precedence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Modifier {
    Lower,
    Upper,
    LowerFirst,
    UpperFirst,
    QuoteWildcard,
    QuoteRegex,
    Length,
}

impl Modifier {
    pub(crate) fn precedence(self) -> u8 {
        match self {
            Modifier::Lower | Modifier::Upper => 40,
            Modifier::LowerFirst | Modifier::UpperFirst => 30,
            Modifier::QuoteWildcard | Modifier::QuoteRegex => 20,
            Modifier::Length => 10,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct VacationSpec {
    pub seconds: Option<u64>,
    pub days: Option<u64>,
    pub subject: Option<String>,
    pub from: Option<String>,
    pub addresses: Vec<String>,
    pub mime: bool,
    pub handle: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone)]
pub(crate) enum Cmd {
    If(Vec<(Test, Vec<Stmt>)>, Option<Vec<Stmt>>),
    Stop,
    Return,
    Keep {
        flags: Option<Vec<String>>,
    },
    FileInto {
        mailbox: String,
        flags: Option<Vec<String>>,
        create: bool,
        copy: bool,
    },
    Redirect {
        address: String,
        copy: bool,
    },
    Discard,
    Reject {
        reason: String,
        extended: bool,
    },
    Flags {
        op: FlagOp,
        var: Option<String>,
        flags: Vec<String>,
    },
    Set {
        name: String,
        value: String,
        mods: Vec<Modifier>,
    },
    Vacation(Box<VacationSpec>),
    AddHeader {
        name: String,
        value: String,
        last: bool,
    },
    DeleteHeader {
        m: Match,
        index: Option<Index>,
        name: String,
        patterns: Option<Vec<String>>,
    },
    Include {
        script: Option<usize>,
        once: bool,
    },
    Global(Vec<String>),
}

#[derive(Debug, Clone)]
pub(crate) struct Stmt {
    pub line: u32,
    pub cmd: Cmd,
}

#[derive(Debug, Clone)]
pub(crate) struct Script {
    pub cmds: Vec<Stmt>,
    /// The script required "variables": strings are expanded when they are used.
    pub variables: bool,
}
