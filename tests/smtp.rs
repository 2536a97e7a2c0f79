//! Integration tests of `mailctl serve smtp`: the real binary on ephemeral loopback ports,
//! real clients (swaks, Python smtplib, curl, msmtp) and raw sockets.
//! Needs the Debian packages swaks, msmtp and curl, and python3.

#[path = "smtp/clients.rs"]
mod clients;
mod common;
#[path = "smtp/content.rs"]
mod content;
#[path = "smtp/durability.rs"]
mod durability;
#[path = "smtp/harness.rs"]
#[allow(dead_code)] // shared with tests/service.rs and others, which use more of it
mod harness;
#[path = "smtp/hostile.rs"]
mod hostile;
#[path = "smtp/policy.rs"]
mod policy;
#[path = "smtp/screen.rs"]
mod screen;
#[path = "smtp/wire.rs"]
mod wire;

pub(crate) use common::tools::{require, swaks};
