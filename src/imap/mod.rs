//! IMAP server (RFC 3501 / 9051) over the Maildir view.
//!
//! - [`command`]: the command AST the parser produces and the session consumes.
//! - [`flags`]: flags and their Maildir letters.
//! - [`wire`]: encoding of strings into responses (quoted, literal, NIL).

pub mod command;
pub mod flags;
pub mod store;
pub mod wire;
