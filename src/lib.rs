//! mailctl: a complete mail server (SMTP, IMAP, POP3 over Maildir) and its administration
//! toolkit, in one crate. `DESIGN.md` in the shared folder is the map of the house; the rules
//! a reader can check by looking at the source are checked by `tests/layout.rs`.
//!
//! The modules, from the edge inwards:
//! - [`cli`]: one folder per command group, one file per command; renders through [`output`].
//!   No SQL, no protocol reply text.
//! - [`net`]: listeners, TLS, admission ([`net::conn::Access`]) and the one driver that runs
//!   every protocol session ([`net::driver`]).
//! - [`managesieve`]: ManageSieve (RFC 5804), users' Sieve scripts over the network.
//! - [`smtp`], [`imap`], [`pop3`]: the protocols as sans-IO sessions, each seeing storage
//!   through traits (the SMTP `Policy`, IMAP's `MailStore`, POP3's `Maildrop`) implemented in
//!   the protocol's backend; plus SMTP's local delivery, outbound client and queue runner.
//! - [`auth`]: SASL decoding and the one login path every protocol uses.
//! - [`inbound`]: what mail arriving on port 25 is checked against (DNS lists, SPF,
//!   greylisting, DKIM/DMARC/ARC, rspamd and clamd) and the decision.
//! - [`dns`] (the one resolver, record checks), [`dkim`] (keys, signing), [`probe`] (the live
//!   tester behind `mailctl test`), [`autoconfig`], [`metrics`] (the Prometheus endpoint).
//! - [`web`]: webmail over HTTPS (`serve web`), through the same login path and Maildir
//!   backend as IMAP.
//! - [`acme`]: the server's certificate ordered and renewed by ACME (RFC 8555, HTTP-01).
//! - [`core`]: the state (domains, users, aliases, settings, queue, bans, greylisting) and the
//!   database pool; with the mailbox index in [`maildir`], the only code that speaks SQL.
//! - [`maildir`]: Maildir(++) files, the per-account UID/MODSEQ index, check/repair, mbox.
//! - [`sys`]: the few platform calls, the only `unsafe` code.

pub mod acme;
pub mod auth;
pub mod autoconfig;
pub mod cli;
pub mod core;
pub mod dkim;
pub mod dns;
pub mod imap;
pub mod inbound;
pub mod maildir;
pub mod managesieve;
pub mod metrics;
pub mod net;
pub mod output;
pub mod pop3;
pub mod probe;
pub mod sieve;
pub mod smtp;
pub mod sys;
pub mod web;
