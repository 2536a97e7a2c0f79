//! SMTP: the server session (MX on 25, submission on 587/465) and what it needs around it.
//!
//! - [`session`] is the sans-IO state machine: bytes in, reply bytes and [`session::Event`]s out.
//!   One small file per command family (`cmd_*.rs`) holds the per-command rules.
//! - [`policy`] is the trait the session asks about recipients, logins, senders and spooling,
//!   so the state machine is testable without SQLite or a disk.
//! - [`backend`] implements that trait over the core database and the spool directory
//!   (`spool.rs`: one message's spool file, quota reservation and commit; [`quota`]);
//!   [`delivery`] moves queued messages for local recipients into Maildirs; [`forward`] makes
//!   the copies aliases and Sieve redirects send on (SRS, ARC seal, loop detection).
//! - [`headers`] filters the header as it streams in (spoofed trace and authentication
//!   fields out, `Date:`/`Message-ID:` in on submission); `submission.rs` checks `From:`.
//! - [`server`] is the listener: admission with SMTP's refusals, and the session's adapter
//!   to the one connection driver (`net::driver`), with RFC 5321's deadlines.
//!
//! - [`client`] is the outbound SMTP client; [`outbound`] the queue runner that uses it (MX
//!   routing, retries, bounces, relay, DKIM); [`inject`] queues locally made messages
//!   (bounces, `sendmail`).
//! - [`submit`] runs an authenticated submission made inside the server (webmail) through
//!   the same session and policy as port 587.
//! - `sendlimit.rs` refuses an authenticated user over its outbound limits (`450 4.7.1`).

pub mod backend;
pub mod backupmx;
pub mod client;
mod cmd_auth;
pub mod cmd_data;
mod cmd_hello;
mod cmd_mail;
mod cmd_misc;
pub mod data;
pub mod delivery;
pub mod forward;
pub mod headers;
pub mod inject;
pub mod outbound;
pub mod policy;
pub mod quota;
pub mod received;
pub mod reply;
mod sendlimit;
pub mod server;
pub mod session;
pub mod sieve_delivery;
mod spool;
mod submission;
pub mod submit;
pub mod vacation;

pub use policy::{Accepted, AuthVerdict, MessageSink, Policy, RcptCheck, SendStep, SpoolError};
pub use session::{Event, Service, Session, SessionConfig};

#[cfg(test)]
mod tests;
