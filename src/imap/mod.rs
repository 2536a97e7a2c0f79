//! IMAP server (RFC 3501 IMAP4rev1 and RFC 9051 IMAP4rev2, with IDLE, NAMESPACE, UIDPLUS,
//! MOVE, LITERAL+, ENABLE, ID, SPECIAL-USE, CHILDREN, UNSELECT, SASL-IR, LIST-EXTENDED,
//! LIST-STATUS, ESEARCH, SEARCHRES, CONDSTORE/QRESYNC, QUOTA, APPENDLIMIT, BINARY, SORT,
//! SORT=DISPLAY, ESORT, THREAD, CONTEXT=SEARCH and CONTEXT=SORT with PARTIAL, NOTIFY, METADATA, OBJECTID,
//! PREVIEW, SAVEDATE, MULTIAPPEND, CATENATE, UTF8=ACCEPT, and COMPRESS=DEFLATE through the
//! driver) over the Maildir store.
//!
//! - [`command`]: the command AST the parser produces and the session consumes.
//! - [`parse`]: framing (lines and literals, with limits) and the command parser; sans-IO.
//! - [`session`]: the protocol state machine; [`cmd`]: its commands, one file per family.
//! - [`mailstore`]: the [`mailstore::MailStore`] trait the session sees, and the view of a
//!   selected mailbox; [`backend`]: its implementation over Maildir and the per-account
//!   UID index.
//! - [`message`]: FETCH rendering (ENVELOPE, BODYSTRUCTURE, sections, BINARY).
//! - [`search`]: SEARCH evaluation and ESEARCH results.
//! - [`sort`]: SORT keys, RFC 5256 base subject, ESORT results; [`thread`]: THREAD
//!   (ORDEREDSUBJECT, REFERENCES).
//! - [`flags`], [`wire`]: flags and their Maildir letters; response string encoding.
//! - [`server`]: the tokio driver; [`watch`]: change notification for IDLE and NOTIFY;
//!   [`wake`]: what lets an IDLE wakeup skip or refresh on a shared connection; [`remote`]:
//!   wakeups from other nodes through PostgreSQL.
//!
//! Not here: URLAUTH, shared and public
//! namespaces (one personal namespace, delimiter `/`).

pub mod backend;
pub mod cmd;
pub mod command;
pub mod flags;
pub mod mailstore;
pub mod message;
pub mod parse;
pub mod remote;
pub mod search;
pub mod server;
pub mod session;
pub mod sort;
pub mod thread;
pub mod wake;
pub mod watch;
pub mod wire;
