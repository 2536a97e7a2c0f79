//! Maildir(++) storage: atomic delivery, file names with flags, IMAP modified UTF-7 folder
//! names, the folder tree and its statistics, consistency checks and repair, and mbox import
//! and export. Reads any Maildir (mailctl's, Dovecot's, Courier's); needs no locks.
//!
//! Not here: the per-account UID index IMAP will need.
pub mod check;
pub mod deliver;
pub mod folder;
pub mod mbox;
pub mod name;
pub mod utf7;
