//! ManageSieve (RFC 5804): how mail clients (Thunderbird's add-on, Roundcube, K-9,
//! sieve-connect) upload, check, activate, fetch and delete a user's Sieve scripts, on
//! `listen.managesieve` (port 4190, STARTTLS).
//!
//! - [`wire`]: the syntax: commands with quoted strings, literals and numbers; replies.
//! - [`session`]: the protocol as a sans-IO state machine (no sockets, no database).
//! - [`store`]: the scripts as the session sees them, over `core::sieve`.
//! - [`server`]: the listener, on the one driver (`net::driver`), logins through
//!   `auth::login`.
//!
//! Not here: storing and compiling scripts (`core::sieve`, `crate::sieve`), running them at
//! delivery, REFERRAL, SASL mechanisms other than PLAIN.

pub mod server;
pub mod session;
pub mod store;
pub mod wire;
