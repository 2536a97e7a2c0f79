//! The external clients the tests drive (python3, swaks and the real mail clients): missing
//! ones fail loudly with the install hint, never skip.

use std::process::{Command, Output};

use super::cli::text;

pub fn have(tool: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Real clients are part of the suite: a missing one fails with the package to install.
pub fn require(tool: &str) {
    let package = match tool {
        "mbsync" => "isync",
        "offlineimap" => "offlineimap3",
        "getmail" => "getmail6",
        t => t,
    };
    assert!(
        have(tool),
        "{tool} is not installed; run scripts/test (apt-get install {package})"
    );
}

fn python_output(script: &str, args: &[&str]) -> Output {
    Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("run python3")
}

/// Runs a Python script with `args`; panics with its output unless it exits 0. Returns
/// stdout.
pub fn python(script: &str, args: &[&str]) -> String {
    let out = python_output(script, args);
    assert!(out.status.success(), "python failed:\n{}", text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs a Python script with `args`: whether it exited 0, and its stdout then its stderr.
pub fn python_text(script: &str, args: &[&str]) -> (bool, String) {
    let out = python_output(script, args);
    (out.status.success(), text(&out))
}

/// Runs swaks with `args` (and a 20 s timeout); whether it succeeded, and stdout + stderr.
pub fn swaks(args: &[&str]) -> (bool, String) {
    require("swaks");
    let out = Command::new("swaks")
        .args(args)
        .args(["--timeout", "20"])
        .output()
        .unwrap();
    (out.status.success(), text(&out))
}
