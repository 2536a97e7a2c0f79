//! Networking shared by every daemon (SMTP, IMAP, POP3): the accept loop, admission and
//! streams (`conn`), the one connection driver that runs any protocol session (`driver`),
//! listeners, TLS (rustls with the ring provider, reloadable), connection limits, graceful
//! shutdown, privilege dropping, and a small SQLite connection pool for blocking work.
//!
//! Nothing here knows a mail protocol (each supplies its own refusal lines and session);
//! auth-failure bans are stored by [`crate::core::bans`] and enforced at connect by
//! [`conn::Access`] and at login by each protocol.

pub mod conn;
pub mod dbpool;
pub mod driver;
pub mod limits;
pub mod listen;
pub mod live;
pub mod notify;
pub mod privs;
pub mod shutdown;
pub mod tls;

#[derive(Debug, thiserror::Error)]
pub enum NetError {
    #[error("cannot listen on {addr} for {name}: {source}")]
    Bind {
        name: String,
        addr: String,
        source: std::io::Error,
    },
    #[error("TLS: {0}")]
    Tls(String),
    #[error("{0}")]
    Invalid(String),
    #[error("dropping privileges to user '{user}': {why}")]
    Privileges { user: String, why: String },
}
