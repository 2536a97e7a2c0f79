//! Integration tests of `mailctl serve imap`: the real binary on ephemeral loopback ports,
//! mail delivered through its own SMTP listener, and IMAP spoken by Python's imaplib, raw
//! sockets with exact line assertions (tests/imap/py/), mbsync, offlineimap and curl.
//! Needs python3, isync, offlineimap3 and curl (scripts/test installs them).

mod common;

#[path = "imap/clients.rs"]
mod clients;
#[path = "imap/concurrency.rs"]
mod concurrency;
#[path = "imap/conversations.rs"]
mod conversations;
#[path = "imap/extensions.rs"]
mod extensions;
#[path = "imap/harness.rs"]
#[allow(dead_code)] // shared with tests/maildir_daemon.rs, which uses more of it
mod harness;
#[path = "imap/hostile.rs"]
mod hostile;
