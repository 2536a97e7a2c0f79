//! Real POP3 clients against the server: fetchmail (--keep and not), getmail6 and curl.

use std::process::Command;

use crate::harness::*;

/// Runs fetchmail once (tracking UIDLs client-side) into an mbox via an MDA; returns the
/// subjects the mbox holds so far.
fn fetchmail(dir: &std::path::Path, port: &str, keep: bool) -> Vec<String> {
    require("fetchmail");
    let home = dir.join("fm-home");
    std::fs::create_dir_all(&home).unwrap();
    let mbox = home.join("mbox");
    let rc = home.join("fetchmailrc");
    std::fs::write(
        &rc,
        format!(
            "poll 127.0.0.1 service {port} protocol pop3 uidl auth password\n  user \"alice@example.test\" password \"{PASSWORD}\"\n  {} sslproto '' mda \"cat >> {}\"\n",
            if keep { "keep" } else { "nokeep" },
            mbox.display()
        ),
    )
    .unwrap();
    let mut perms = std::fs::metadata(&rc).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o600);
    std::fs::set_permissions(&rc, perms).unwrap();
    let out = Command::new("fetchmail")
        .env("HOME", &home)
        .env("FETCHMAILHOME", &home)
        .args(["-f"])
        .arg(&rc)
        .args(["--nodetach", "--nosyslog", "-v"])
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "fetchmail: {text}");
    let m = std::fs::read_to_string(&mbox).unwrap_or_default();
    m.lines()
        .filter_map(|l| l.strip_prefix("Subject: "))
        .map(str::to_string)
        .collect()
}

#[test]
fn fetchmail_keep_then_delete() {
    let dir = data_dir();
    let server = Server::start(dir.path());
    deliver(&server, 5, "f");
    assert_eq!(inbox(dir.path(), 5).len(), 5);
    assert_eq!(fetchmail(dir.path(), &server.port("pop3"), true).len(), 5);
    assert_eq!(inbox(dir.path(), 5).len(), 5, "keep deletes nothing");
    // Two new messages; without keep fetchmail fetches only those (the UIDLs of the first
    // five did not change) and deletes only what it fetched.
    deliver(&server, 2, "f2");
    assert_eq!(inbox(dir.path(), 7).len(), 7);
    let mut got = fetchmail(dir.path(), &server.port("pop3"), false);
    got.sort();
    let mut want: Vec<String> = (0..5)
        .map(|i| format!("f-{i}"))
        .chain((0..2).map(|i| format!("f2-{i}")))
        .collect();
    want.sort();
    assert_eq!(got, want, "nothing lost, nothing duplicated");
    let left = inbox(dir.path(), 5);
    assert_eq!(
        left.len(),
        5,
        "the two fetched without keep were deleted, the others kept"
    );
    for f in left {
        assert!(!std::fs::read_to_string(f).unwrap().contains("Subject: f2-"));
    }
}

#[test]
fn getmail6_fetches_everything_once() {
    require("getmail");
    let dir = data_dir();
    let server = Server::start(dir.path());
    deliver(&server, 4, "g");
    assert_eq!(inbox(dir.path(), 4).len(), 4);
    let gdir = dir.path().join("getmail");
    let md = gdir.join("Maildir");
    for s in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(md.join(s)).unwrap();
    }
    std::fs::write(
        gdir.join("getmailrc"),
        format!(
            "[retriever]\ntype = SimplePOP3Retriever\nserver = 127.0.0.1\nport = {}\nusername = alice@example.test\npassword = {PASSWORD}\n\n[destination]\ntype = MDA_external\npath = /bin/sh\narguments = (\"-c\", \"cat > $(mktemp -p {}/new)\")\nallow_root_commands = true\n\n[options]\ndelete = false\nread_all = false\n",
            server.port("pop3"),
            md.display()
        ),
    )
    .unwrap();
    let run = || {
        let out = Command::new("getmail")
            .arg("--getmaildir")
            .arg(&gdir)
            .args(["--rcfile", "getmailrc"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "getmail: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::read_dir(md.join("new")).unwrap().count()
    };
    assert_eq!(run(), 4);
    // Second run: UIDLs are stable, so getmail fetches nothing again.
    deliver(&server, 1, "g2");
    assert_eq!(inbox(dir.path(), 5).len(), 5);
    assert_eq!(run(), 5, "only the new message fetched, nothing duplicated");
    assert_eq!(
        inbox(dir.path(), 5).len(),
        5,
        "delete = false kept them all"
    );
}

#[test]
fn curl_lists_retrieves_and_deletes() {
    require("curl");
    let dir = data_dir();
    let server = Server::start(dir.path());
    deliver(&server, 2, "c");
    assert_eq!(inbox(dir.path(), 2).len(), 2);
    let url = format!("pop3://127.0.0.1:{}/", server.port("pop3"));
    let curl = |extra: &[&str], path: &str| {
        let out = Command::new("curl")
            .args([
                "-sS",
                "--max-time",
                "30",
                "-u",
                &format!("alice@example.test:{PASSWORD}"),
            ])
            .args(extra)
            .arg(format!("{url}{path}"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "curl: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let list = curl(&[], "");
    assert_eq!(list.lines().count(), 2, "{list}");
    // The queue may deliver the two in either order, and POP3 numbers them by arrival:
    // message 2 is either, whole, with its dot-stuffed line restored.
    let msg = curl(&[], "2");
    assert!(
        ["c-0", "c-1"]
            .iter()
            .any(|t| msg.contains(&format!("Subject: {t}"))
                && msg.contains(&format!("\r\n.dotted {t}\r\n"))),
        "{msg}"
    );
    curl(&["-X", "DELE", "-I"], "1");
    assert_eq!(inbox(dir.path(), 1).len(), 1);
    let list = curl(&[], "");
    assert_eq!(list.lines().count(), 1, "{list}");
}
