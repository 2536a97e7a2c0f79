//! The one harness every test binary shares (`mod common;`): running `mailctl` commands,
//! making domains and users, waiting for Maildir deliveries, starting `mailctl serve` on
//! loopback ports, free ports, certificates, throw-away system accounts, the external
//! clients (python3, swaks) the tests drive, and Debian's Dovecot as a second server.
//!
//! Engine switch: a test makes its mailctl data directory with [`data_dir`], never with a
//! bare `tempfile::tempdir()`. `MAILCTL_TEST_ENGINE=postgres` (`./scripts/test --engine
//! postgres`) then puts every such directory on a fresh PostgreSQL database; unset or
//! `sqlite`, on SQLite. A test about SQLite by nature uses [`engine::sqlite_data_dir`] and says why.
//!
//! Not here: anything one protocol alone needs (its raw client, its listener set, its
//! scenario scripts); that stays in `tests/<protocol>/harness.rs`.

// Each test binary uses a different part of this harness.
#![allow(dead_code)]

pub mod account;
pub mod certs;
pub mod cli;
pub mod cluster;
pub mod dovecot;
pub mod engine;
pub mod maildir;
pub mod mbsync;
pub mod mx;
pub mod net;
pub mod postgres;
pub mod scanners;
pub mod serve;
pub mod tools;
pub mod users;

pub use engine::data_dir;
