//! `mailctl status` on the inbound checks (#18.7): on/off, greylisting, and each configured
//! scanner asked now: one that does not answer (a closed port) is an error with a hint,
//! never "ok"; one that answers (a tiny fake clamd saying PONG) is ok.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use common::cli::{json, mailctl, ok, text};

/// A fake clamd on loopback answering `PONG` to up to `n` pings, each within 10 s.
fn fake_clamd(n: usize) -> (u16, std::thread::JoinHandle<()>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let t = std::thread::spawn(move || {
        for _ in 0..n {
            let Ok((mut s, _)) = l.accept() else { return };
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            let mut got = Vec::new();
            let mut buf = [0u8; 64];
            // "zPING\0": read to the NUL, at most a few reads.
            for _ in 0..8 {
                match s.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(k) => got.extend_from_slice(&buf[..k]),
                }
                if got.contains(&0) {
                    break;
                }
            }
            if got.starts_with(b"zPING") {
                let _ = s.write_all(b"PONG\0");
            }
        }
    });
    (port, t)
}

#[test]
fn status_shows_the_inbound_checks_and_whether_each_scanner_answers() {
    let data = common::data_dir();
    let p = data.path();
    ok(p, &["domain", "add", "ours.test", "--create"]);
    let st = json(p, &["status"]);
    assert_eq!(st["inbound"]["checks"], true, "on by default: {st:#}");
    assert_eq!(st["inbound"]["scanners"], serde_json::json!([]), "{st:#}");

    ok(p, &["config", "set", "inbound.checks", "true"]);
    ok(p, &["config", "set", "inbound.greylist", "true"]);
    ok(p, &["config", "set", "inbound.scan_timeout", "5s"]);
    // rspamd on a closed port: down.
    let closed = common::net::free_port();
    ok(
        p,
        &[
            "config",
            "set",
            "inbound.rspamd",
            &format!("127.0.0.1:{closed}"),
        ],
    );
    let (port, clamd) = fake_clamd(2);
    ok(
        p,
        &[
            "config",
            "set",
            "inbound.clamd",
            &format!("127.0.0.1:{port}"),
        ],
    );

    let o = mailctl(p, &["status"]);
    let out = text(&o);
    assert!(
        out.contains("inbound checks:") && out.contains("on (port 25), greylisting on"),
        "{out}"
    );
    let rspamd = out
        .lines()
        .find(|l| l.starts_with("rspamd:"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(rspamd.contains("ERROR") && !rspamd.contains("ok"), "{out}");
    assert!(out.contains("-> start rspamd"), "{out}");
    let clamd_line = out
        .lines()
        .find(|l| l.starts_with("clamd:"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(clamd_line.contains("ok, answering at 127.0.0.1:"), "{out}");

    let st = json(p, &["status"]);
    let sc = st["inbound"]["scanners"].as_array().unwrap();
    assert_eq!(sc.len(), 2, "{st:#}");
    assert_eq!(sc[0]["name"], "rspamd");
    assert_eq!(sc[0]["ok"], false);
    assert!(
        sc[0]["error"].as_str().unwrap().contains("cannot connect"),
        "{st:#}"
    );
    assert!(
        sc[0]["hint"]
            .as_str()
            .unwrap()
            .contains("inbound.rspamd_down"),
        "{st:#}"
    );
    assert_eq!(sc[1]["name"], "clamd");
    assert_eq!(sc[1]["ok"], true, "{st:#}");
    assert!(sc[1]["error"].is_null(), "{st:#}");
    assert_eq!(st["inbound"]["greylist"], true);
    clamd.join().unwrap();
}
