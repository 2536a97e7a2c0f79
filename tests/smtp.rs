//! Integration tests of `mailctl serve smtp`: the real binary on ephemeral loopback ports,
//! real clients (swaks, Python smtplib, curl, msmtp) and raw sockets.
//! Needs the Debian packages swaks, msmtp and curl, and python3.

#[path = "smtp/clients.rs"]
mod clients;
#[path = "smtp/content.rs"]
mod content;
#[path = "smtp/durability.rs"]
mod durability;
#[path = "smtp/harness.rs"]
mod harness;
#[path = "smtp/hostile.rs"]
mod hostile;
#[path = "smtp/policy.rs"]
mod policy;
#[path = "smtp/wire.rs"]
mod wire;

use std::process::Command;

use harness::*;

pub(crate) fn require(tool: &str) {
    assert!(
        have(tool),
        "{tool} is not installed; run the README's test command (apt-get install swaks msmtp curl)"
    );
}

pub(crate) fn swaks(args: &[&str]) -> (bool, String) {
    require("swaks");
    let out = Command::new("swaks")
        .args(args)
        .args(["--timeout", "20"])
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}
