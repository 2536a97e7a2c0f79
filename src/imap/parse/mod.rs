//! The IMAP command parser (RFC 3501 §9, RFC 9051 §9 and the extensions the server
//! advertises), hand-written and sans-IO: [`framer`] cuts the byte stream into commands,
//! [`parse_command`] turns one into a [`Command`].
//!
//! One file per command family: `mailbox` (SELECT, CREATE, APPEND, STATUS, LIST, ...),
//! `fetch` (FETCH, STORE), `search` (SEARCH), `sort` (SORT, THREAD), `auth` (LOGIN,
//! AUTHENTICATE, ENABLE, ID); `lexer` holds the shared tokens. Every repetition and nesting has a limit
//! ([`MAX_RANGES`], [`MAX_DEPTH`], [`MAX_KEYS`], ...), and nothing panics on peer input.
//!
//! The parser checks syntax only. Whether a command is allowed in the current state, an
//! extension was ENABLEd, a mailbox name is valid modified UTF-7 or `\Recent` may be stored
//! is the session's business.

pub mod framer;
pub(crate) mod lexer;

mod auth;
mod fetch;
mod mailbox;
mod metadata;
mod notify;
#[cfg(test)]
mod prop;
mod search;
mod sort;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_msg;
#[cfg(test)]
mod tests_url;
pub mod url;

pub use framer::{Frame, Framer, Limits};
pub use lexer::{MAX_FLAGS, MAX_RANGES};
pub use search::{MAX_DEPTH, MAX_KEYS};
pub use sort::MAX_SORT_CRITERIA;
pub use url::{ImapUrl, parse_url};

use crate::imap::command::{Command, CommandBody};
use lexer::{Cursor, PResult};

/// A command the parser refused: reply `tag BAD message`, or `* BAD message` without a tag.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    pub tag: Option<String>,
    pub message: String,
}

/// Parses one framed command (a [`Frame::Line`]).
pub fn parse_command(line: &[u8]) -> Result<Command, ParseError> {
    let mut c = Cursor::new(line);
    if c.at_end() {
        return Err(ParseError {
            tag: None,
            message: "empty command".to_string(),
        });
    }
    let tag = c
        .tag()
        .map_err(|message| ParseError { tag: None, message })?;
    let fail = |message: String| ParseError {
        tag: Some(tag.clone()),
        message,
    };
    c.sp()
        .map_err(|_| fail("expected a space and a command after the tag".into()))?;
    let name = c
        .keyword("a command name")
        .map_err(|m| fail(format!("invalid command name: {m}")))?;
    let body = command(&mut c, &name).map_err(|m| fail(format!("{name}: {m}")))?;
    Ok(Command { tag, body })
}

fn command(c: &mut Cursor<'_>, name: &str) -> PResult<CommandBody> {
    let body = match name {
        "UID" => {
            c.sp()?;
            let sub =
                c.keyword("FETCH, SEARCH, SORT, THREAD, STORE, COPY, MOVE or EXPUNGE after UID")?;
            uid_command(c, &sub).map_err(|m| format!("{sub}: {m}"))?
        }
        _ => plain_command(c, name)?,
    };
    c.end()?;
    Ok(body)
}

fn plain_command(c: &mut Cursor<'_>, name: &str) -> PResult<CommandBody> {
    use CommandBody as B;
    Ok(match name {
        "CAPABILITY" => B::Capability,
        "NOOP" => B::Noop,
        "LOGOUT" => B::Logout,
        "STARTTLS" => B::StartTls,
        "CHECK" => B::Check,
        "CLOSE" => B::Close,
        "UNSELECT" => B::Unselect,
        "IDLE" => B::Idle,
        "NAMESPACE" => B::Namespace,
        "EXPUNGE" => B::Expunge { uids: None },
        "AUTHENTICATE" => auth::authenticate(c)?,
        "LOGIN" => auth::login(c)?,
        "ENABLE" => auth::enable(c)?,
        "ID" => auth::id(c)?,
        "COMPRESS" => {
            c.sp()?;
            B::Compress(c.keyword("a compression mechanism")?)
        }
        "SELECT" => mailbox::select(c, false)?,
        "EXAMINE" => mailbox::select(c, true)?,
        "CREATE" => mailbox::create(c)?,
        "DELETE" => B::Delete(mailbox::one_mailbox(c)?),
        "SUBSCRIBE" => B::Subscribe(mailbox::one_mailbox(c)?),
        "UNSUBSCRIBE" => B::Unsubscribe(mailbox::one_mailbox(c)?),
        "GETQUOTAROOT" => B::GetQuotaRoot(mailbox::one_mailbox(c)?),
        "GETQUOTA" => {
            c.sp()?;
            B::GetQuota(c.astring_utf8("a quota root")?)
        }
        "RENAME" => mailbox::rename(c)?,
        "LIST" => mailbox::list(c)?,
        "LSUB" => mailbox::lsub(c)?,
        "STATUS" => mailbox::status(c)?,
        "GETMETADATA" => metadata::get(c)?,
        "SETMETADATA" => metadata::set(c)?,
        "APPEND" => mailbox::append(c)?,
        "SEARCH" => search::search(c, false)?,
        "SORT" => sort::sort(c, false)?,
        "THREAD" => sort::thread(c, false)?,
        "CANCELUPDATE" => search::cancel_update(c)?,
        "NOTIFY" => notify::notify(c)?,
        "FETCH" => fetch::fetch(c, false)?,
        "STORE" => fetch::store(c, false)?,
        "COPY" => copy_move(c, false, false)?,
        "MOVE" => copy_move(c, false, true)?,
        _ => return Err("unknown command".to_string()),
    })
}

fn uid_command(c: &mut Cursor<'_>, sub: &str) -> PResult<CommandBody> {
    match sub {
        "FETCH" => fetch::fetch(c, true),
        "STORE" => fetch::store(c, true),
        "SEARCH" => search::search(c, true),
        "SORT" => sort::sort(c, true),
        "THREAD" => sort::thread(c, true),
        "COPY" => copy_move(c, true, false),
        "MOVE" => copy_move(c, true, true),
        "EXPUNGE" => {
            c.sp()?;
            let set = c.sequence_set("a UID set")?;
            Ok(CommandBody::Expunge { uids: Some(set) })
        }
        _ => Err("not a UID command".to_string()),
    }
}

/// `copy = "COPY" SP sequence-set SP mailbox`, the same for MOVE (RFC 6851).
fn copy_move(c: &mut Cursor<'_>, uid: bool, is_move: bool) -> PResult<CommandBody> {
    c.sp()?;
    let set = c.sequence_set("a sequence set")?;
    c.sp()?;
    let mailbox = c.mailbox()?;
    Ok(if is_move {
        CommandBody::Move { uid, set, mailbox }
    } else {
        CommandBody::Copy { uid, set, mailbox }
    })
}
