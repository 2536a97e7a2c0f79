//! Networking shared by every daemon (SMTP, IMAP, POP3): the accept loop, admission and
//! streams (`conn`), the one connection driver that runs any protocol session (`driver`),
//! listeners, TLS (rustls with the ring provider, reloadable), connection limits, per-client
//! rate limits (`rate`), graceful shutdown and privilege dropping. The SQLite connection
//! pool the daemons share is `core::pool`.
//!
//! Nothing here knows a mail protocol (each supplies its own refusal lines and session);
//! auth-failure bans are stored by [`crate::core::bans`] and enforced at connect by
//! [`conn::Access`] and at login by each protocol.
//!
//! Several nodes on one PostgreSQL core (issue 21): what is **shared** is what lives in the
//! core database — read there on every use, with no cache between: auth-failure counts, the
//! authenticated users' send limits (`core::sendlimit`), greylisting, vacation replies; and
//! the bans, checked in each node's directory cache, which hears of a ban decided on another
//! node within milliseconds (`core::bans` says exactly how soon). What is **per node**, in memory, is what must cost no SQL per connection: the
//! connection limits (`limits`: they protect this node's sockets and threads), the
//! per-client connection and message rates (`rate`: a client spread over N nodes by the MX
//! records gets up to N times the limit, as with Postfix's per-host anvil), and the copy
//! of the pre-greeting passes (`inbound::screen`, loaded from the shared table at start).

pub mod conn;
pub mod driver;
pub mod http;
pub mod limits;
pub mod listen;
pub mod live;
pub mod notify;
pub mod privs;
pub mod rate;
pub mod shutdown;
pub mod tls;
pub mod trim;

/// A byte stream either way, plain TCP or TLS, server or client side: what the protocol
/// drivers, the outbound SMTP client and the `mailctl test` probe read and write.
pub trait Io: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> Io for T {}

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
