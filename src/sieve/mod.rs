//! Sieve mail filtering (RFC 5228), sans-IO: [`compile`] a script once into a [`Program`],
//! then [`Program::run`] it on a message, its envelope and the environment to get the
//! [`Outcome`]: the actions to take, the implicit keep, header edits and duplicate marks.
//!
//! Extensions: fileinto, reject/ereject (RFC 5429), envelope, encoded-character, imap4flags
//! (RFC 5232), body (RFC 5173), variables (RFC 5229), vacation and vacation-seconds
//! (RFC 5230, 6131), relational (RFC 5231), subaddress (RFC 5233), date and index
//! (RFC 5260), include (RFC 6609, through [`IncludeResolver`]), mailbox (RFC 5490),
//! editheader (RFC 5293), duplicate (RFC 7352, through [`DuplicateTracker`]), environment
//! (RFC 5183), spamtest/spamtestplus/virustest (RFC 5235, values from the caller), regex
//! (Pigeonhole's draft), copy (RFC 3894), comparator-i;ascii-numeric (RFC 4790).
//! Hostile scripts meet [`Limits`] (Pigeonhole's defaults): refused at compile time or
//! stopped with a [`RuntimeError`], after which delivery keeps the message.
//!
//! Not here: delivering the actions, sending vacation replies (and deciding whether to),
//! storing scripts, ManageSieve (RFC 5804), SRS. Those call this module.

mod date;
mod edit;
mod lexer;
mod matching;
mod message;
mod parser;
mod program;
mod run;
mod run_test;
mod validate;
mod validate_test;
mod variables;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

pub use edit::{header_block, protected as protected_header};
pub use lexer::Pos;
pub use message::Message;
pub use run::{Action, HeaderEdit, Outcome, Vacation};
pub use validate::CAPABILITIES;

/// Pigeonhole's defaults where it has one.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_script_size: usize,
    /// Blocks and tests nested inside each other.
    pub max_nesting: usize,
    pub max_string_len: usize,
    /// Commands and tests evaluated per run (includes can repeat work).
    pub max_instructions: u64,
    pub max_redirects: usize,
    pub max_actions: usize,
    pub max_include_depth: usize,
    pub max_includes: usize,
    pub max_variables: usize,
    pub max_variable_size: usize,
    /// Vacation's shortest period (RFC 5230 §4.1 lets the site set it), in seconds.
    pub min_vacation_period: u64,
    pub max_header_edits: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_script_size: 1 << 20,
            max_nesting: 32,
            max_string_len: 1 << 20,
            max_instructions: 100_000,
            max_redirects: 4,
            max_actions: 32,
            max_include_depth: 10,
            max_includes: 255,
            max_variables: 255,
            max_variable_size: 4096,
            min_vacation_period: 86_400,
            max_header_edits: 256,
        }
    }
}

/// Where a script is wrong, for ManageSieve's and the CLI's messages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct CompileError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// Why a run stopped; delivery falls back to keep (RFC 5228 §2.10.6).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct RuntimeError {
    pub line: u32,
    pub message: String,
}

/// RFC 6609 §2.2 script locations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Location {
    Personal,
    Global,
}

/// Finds included scripts' text; the caller owns the storage.
pub trait IncludeResolver {
    fn resolve(&self, location: Location, name: &str) -> Option<String>;
}

/// RFC 7352's memory of seen message ids, kept by the caller.
pub trait DuplicateTracker {
    /// Whether `id` was seen under `handle` within `period` seconds. Recording it for this
    /// message is the caller's job after a successful delivery ([`Outcome::duplicates`]).
    fn seen(&mut self, handle: &str, id: &str, period: u64) -> bool;
}

/// The SMTP envelope (RFC 5228 §5.4): `from` empty for the null reverse path.
#[derive(Debug, Clone, Default)]
pub struct Envelope {
    pub from: String,
    pub to: String,
    pub auth: Option<String>,
}

/// What the script may learn about its surroundings.
#[derive(Debug, Clone)]
pub struct Environment {
    /// RFC 5183 items: "domain", "host", "location", "name", "phase", "remote-host",
    /// "remote-ip", "version", ...
    pub items: BTreeMap<String, String>,
    /// "now" for currentdate, and the zone dates are shown in without `:zone`.
    pub now: chrono::DateTime<chrono::FixedOffset>,
    /// RFC 5235 values: spamtest "0".."10" and percent "0".."100", virustest "0".."5";
    /// `None` means not tested ("0").
    pub spam: Option<String>,
    pub spam_percent: Option<String>,
    pub virus: Option<String>,
    /// Mailboxes that exist, for `mailboxexists`.
    pub mailboxes: Vec<String>,
}

impl Default for Environment {
    fn default() -> Self {
        Environment {
            items: BTreeMap::new(),
            now: chrono::Utc::now().fixed_offset(),
            spam: None,
            spam_percent: None,
            virus: None,
            mailboxes: vec!["INBOX".into()],
        }
    }
}

/// A checked script and everything it includes, ready to run any number of times.
#[derive(Debug, Clone)]
pub struct Program {
    scripts: Vec<program::Script>,
    regexes: matching::Regexes,
    mailbox_test: bool,
}

/// Parses and checks `script`, resolving its includes through `resolver`.
pub fn compile(
    script: &str,
    limits: &Limits,
    resolver: Option<&dyn IncludeResolver>,
) -> Result<Program, CompileError> {
    let mut c = validate::Compiler::new(limits, resolver);
    c.script(script, "main")?;
    Ok(Program {
        scripts: c.scripts,
        regexes: c.regexes,
        mailbox_test: c.mailbox_test,
    })
}

impl Program {
    /// Whether a run may look at [`Environment::mailboxes`] (the script or an include tests
    /// `mailboxexists`): listing them costs a directory walk the caller can skip otherwise.
    pub fn needs_mailboxes(&self) -> bool {
        self.mailbox_test
    }

    /// Runs the script. An `Err` means the script failed at run time; keep the message.
    pub fn run(
        &self,
        msg: &Message,
        env: &Envelope,
        environment: &Environment,
        dup: Option<&mut dyn DuplicateTracker>,
        limits: &Limits,
    ) -> Result<Outcome, RuntimeError> {
        run::Run::new(
            &self.scripts,
            &self.regexes,
            msg,
            env,
            environment,
            dup,
            limits,
        )
        .go()
    }
}
