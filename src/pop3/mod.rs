//! POP3 server (RFC 1939, 2449, 5034) over the Maildir INBOX.
//!
//! - [`session`]: the protocol as a sans-IO state machine (no sockets, no files).
//! - [`wire`]: CRLF normalisation, byte-stuffing and the sizes STAT/LIST announce.
//! - [`maildrop`]: the storage trait the session talks to, and its Maildir implementation
//!   with the one-POP3-session-per-maildrop lock.
//!
//! It does not do APOP, EXPIRE or LOGIN-DELAY, and it serves only INBOX (POP3 has no folders).
//! Sockets, TLS and bans belong to `crate::net`.

pub mod maildrop;
pub mod server;
pub mod session;
pub mod wire;

#[derive(Debug, thiserror::Error)]
pub enum Pop3Error {
    #[error("maildrop is locked by another POP3 session")]
    InUse,
    #[error("message has vanished (expunged by another session)")]
    Vanished,
    #[error("{what} {path}: {source}")]
    Io {
        what: &'static str,
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}
