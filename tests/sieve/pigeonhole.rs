//! Runs a corpus case through Pigeonhole's `sieve-test` (Debian `dovecot-sieve`) and turns
//! its report into the normalised action list the test compares.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use super::corpus::{self, Case};

const SIEVE_TEST: &str = "/usr/bin/sieve-test";

pub fn available() -> bool {
    Path::new(SIEVE_TEST).exists()
}

fn open(p: &Path) {
    let mode = if p.is_dir() { 0o777 } else { 0o666 };
    fs::set_permissions(p, fs::Permissions::from_mode(mode)).expect("chmod");
}

pub fn run(case: &Case) -> Vec<String> {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    open(d);
    fs::create_dir(d.join("global")).expect("mkdir");
    // Includes named "global/NAME" are global scripts (RFC 6609 §2.2), the rest personal.
    open(&d.join("global"));
    for (name, text) in &case.includes {
        let p = d.join(format!("{name}.sieve"));
        fs::write(&p, text).expect("write include");
        open(&p);
    }
    let script = d.join("case.sieve");
    fs::write(&script, &case.script).expect("write script");
    open(&script);
    let msg = d.join("msg.eml");
    fs::write(&msg, corpus::message(&case.message)).expect("write message");
    open(&msg);
    let from = if case.from.is_empty() {
        "<>".to_string()
    } else {
        case.from.clone()
    };
    let out = Command::new(SIEVE_TEST)
        .env("HOME", d)
        .args(["-o", "mail_uid=nobody", "-o", "mail_gid=nogroup"])
        // Sieve settings live in Dovecot's plugin section: without the prefix they are ignored.
        .args(["-o", &format!("plugin/sieve=file:{}", d.display())])
        .args([
            "-o",
            &format!("plugin/sieve_global={}", d.join("global").display()),
        ])
        .args([
            "-x",
            "+editheader +vacation-seconds +ereject +vnd.dovecot.environment",
        ])
        .args([
            "-o",
            "plugin/sieve_vacation_min_period=1d",
            "-o",
            "plugin/sieve_vacation_max_period=0",
        ])
        .args(["-f", &from, "-a", &case.to])
        .arg(&script)
        .arg(&msg)
        .output()
        .expect("run sieve-test");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    normalise(&stdout, &stderr)
}

pub fn normalise(stdout: &str, stderr: &str) -> Vec<String> {
    if stderr.contains("failed to compile") {
        return vec!["compile-error".into()];
    }
    if stderr.contains("final result: failed") {
        return vec!["error".into()];
    }
    let mut v: Vec<String> = Vec::new();
    let mut in_message = false;
    for line in stdout.lines() {
        if line == "START MESSAGE" {
            in_message = true;
        } else if line == "END MESSAGE" {
            in_message = false;
        }
        if in_message {
            continue;
        }
        let t = line.trim();
        if let Some(f) = t.strip_prefix("* store message in folder: ") {
            v.push(format!("store {f}"));
        } else if let Some(fl) = t.strip_prefix("+ add IMAP flags: ") {
            let mut flags: Vec<String> =
                fl.split_whitespace().map(str::to_ascii_lowercase).collect();
            flags.sort();
            flags.dedup();
            if let Some(last) = v.last_mut() {
                last.push_str(&format!(" flags={}", flags.join(" ")));
            }
        } else if let Some(a) = t.strip_prefix("* redirect message to: ") {
            v.push(format!(
                "redirect {}",
                a.trim_start_matches('<').trim_end_matches('>')
            ));
        } else if t == "* discard" {
            v.push("discard".into());
        } else if let Some(r) = t.strip_prefix("* reject message with reason: ") {
            v.push(format!("reject {}", r.trim_end()));
        } else if t == "* send vacation message:" {
            v.push("vacation".into());
        } else if let Some(s) = t.strip_prefix("=> seconds : ")
            && let Some(last) = v.last_mut()
        {
            last.push_str(&format!(" {s}"));
        }
    }
    v.sort();
    v.dedup();
    v
}
