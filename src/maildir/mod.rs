//! Maildir(++) storage: atomic delivery, file names with flags, IMAP modified UTF-7 folder
//! names, the folder tree and its statistics, consistency checks and repair, and mbox import
//! and export. Reads any Maildir (mailctl's, Dovecot's, Courier's); needs no locks.
//!
//! The per-account index (`index`) holds the stable UIDs IMAP will use; the Maildir stays the
//! truth and the index can always be rebuilt from it.
pub mod check;
pub mod deliver;
pub mod folder;
pub mod import;
pub mod index;
pub mod mbox;
pub mod name;
pub mod safe;
pub mod sweep;
pub mod usage;
pub mod utf7;
