//! mailctl: a complete mail server (SMTP, IMAP, POP3 over Maildir) and its administration
//! toolkit. See `DESIGN.md` in the shared folder for the map of the house.
//!
//! Layering: `cli` parses arguments and renders through `output`; it calls `core` (SQLite),
//! `maildir`, `dns` and the protocol modules. Protocol state machines never touch sockets;
//! `net` drives them.

pub mod auth;
pub mod autoconfig;
pub mod cli;
pub mod core;
pub mod dkim;
pub mod dns;
pub mod imap;
pub mod inbound;
pub mod maildir;
pub mod net;
pub mod output;
pub mod pop3;
pub mod probe;
pub mod smtp;
pub mod sys;
