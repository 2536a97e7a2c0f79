//! The daemons and the Maildir on disk: links planted in a mailbox are never followed by
//! IMAP, POP3 or SMTP delivery (issue 15.2), stale tmp/ files are swept at start (15.19),
//! and a mailbox right after a delivery passes `maildir check` (16.14). Real binary, real
//! sockets, Python's imaplib, poplib and smtplib.
//!
//! Every test runs twice (issue 15, "How it is checked"): `as_root`, the daemon started by
//! root with `server.user` empty and `--allow-root`; and `as_service_user`, started by root
//! with `server.user` a throw-away unprivileged account it drops to after binding (skipped
//! with a note when the suite does not run as root). In the second, everything a link points
//! at is readable (and writable) by that account, so a refusal is the daemon's own check.

mod common;
// Shared with tests/imap.rs and tests/pop3.rs, which use more of them.
#[path = "imap/harness.rs"]
#[allow(dead_code, unused_imports)]
mod imap;
#[path = "pop3/harness.rs"]
#[allow(dead_code, unused_imports)]
mod pop3;

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;
use std::time::{Duration, Instant};

use common::account::{Mode, in_both_modes};

const MARKER: &str = "TOPSECRET-7f3a-not-for-mail-clients";

in_both_modes!(
    imap_never_serves_a_linked_message_or_folder,
    pop3_never_serves_a_linked_message,
    delivery_into_a_linked_maildir_is_refused_and_writes_nothing_outside,
    a_mailbox_right_after_delivery_passes_check,
    stale_tmp_files_are_swept_at_start,
);

/// A file outside the data dir's mail that a link will point at: mode 0644, and the test
/// checks the daemon's account could read it, so only the daemon's own check stops it.
fn secret(dir: &Path, mode: &Mode) -> std::path::PathBuf {
    let p = dir.join("secret.txt");
    std::fs::write(&p, format!("Subject: {MARKER}\n\n{MARKER}\n")).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
    mode.assert_can_read(&p, MARKER);
    p
}

/// Plants a link as the daemon's account would own it (a link root owns could look like a
/// reason to refuse it).
fn plant(mode: &Mode, target: &Path, link: &Path) {
    symlink(target, link).unwrap();
    mode.give(link);
}

/// A Maildir outside the mail tree, the daemon's account's to read and write.
fn outside_maildir(mode: &Mode, dir: &Path) {
    std::fs::create_dir(dir).unwrap();
    mode.give(dir);
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir(dir.join(sub)).unwrap();
        mode.give(&dir.join(sub));
        mode.assert_can_write(&dir.join(sub));
    }
}

fn wait_until(limit: Duration, mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    f()
}

fn smtp_send(port: &str, to: &str, subject: &str) {
    pop3::python(
        r#"
import smtplib, sys
with smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=30) as s:
    s.sendmail("x@example.org", [sys.argv[2]], f"From: x@example.org\r\nTo: {sys.argv[2]}\r\nSubject: {sys.argv[3]}\r\n\r\nhello\r\n")
"#,
        &[port, to, subject],
    );
}

fn imap_never_serves_a_linked_message_or_folder(mode: &Mode) {
    let dir = imap::data_dir_for(true, mode.server_user());
    let d = dir.path();
    let server = imap::Server::start(d);
    mode.assert_daemon_runs_as(server.pid());
    imap::deliver(&server, 1, "real");
    imap::files(d, "", 1);
    let md = imap::alice_maildir(d);
    let target = secret(d, mode);
    plant(
        mode,
        &target,
        &md.join("cur/1700000000.M1P1Q1.evil,S=60:2,S"),
    );
    plant(mode, &target, &md.join("new/1700000001.M2P2Q2.evil"));
    // A folder that is a link to a Maildir elsewhere, with a real message in it.
    let elsewhere = d.join("elsewhere");
    outside_maildir(mode, &elsewhere);
    let leaked = elsewhere.join("cur/1700000002.M3P3Q3.x:2,S");
    std::fs::copy(&target, &leaked).unwrap();
    mode.give(&leaked);
    mode.assert_can_read(&leaked, MARKER);
    plant(mode, &elsewhere, &md.join(".Leak"));
    let mut cmd = std::process::Command::new("python3");
    cmd.arg("-c").arg(format!(
        r#"
import imaplib, os
m = imaplib.IMAP4("127.0.0.1", int(os.environ["IMAP_PORT"]))
m.login("alice@example.test", os.environ["IMAP_PASSWORD"])
typ, data = m.select("INBOX")
assert typ == "OK" and data == [b"1"], (typ, data)
typ, data = m.fetch("1:*", "(BODY.PEEK[])")
assert typ == "OK", (typ, data)
assert b"{MARKER}" not in repr(data).encode(), data
typ, data = m.list()
assert b"Leak" not in b"".join(data), data
typ, data = m.select("Leak")
assert typ == "NO", (typ, data)
typ, data = m.status("Leak", "(MESSAGES)")
assert typ == "NO", (typ, data)
print("ok")
"#
    ));
    server.env(&mut cmd);
    let out = imap::run(cmd, None, Duration::from_secs(60));
    assert!(
        out.status.success() && String::from_utf8_lossy(&out.stdout).contains("ok"),
        "{}{}\n--- server ---\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        server.log()
    );
    // The link in new/ was not moved into cur/ as a message either.
    assert!(std::fs::symlink_metadata(md.join("new/1700000001.M2P2Q2.evil")).is_ok());
}

fn pop3_never_serves_a_linked_message(mode: &Mode) {
    let dir = pop3::data_dir_for(mode.server_user());
    let d = dir.path();
    let server = pop3::Server::start(d);
    mode.assert_daemon_runs_as(server.pid());
    pop3::deliver(&server, 1, "real");
    pop3::inbox(d, 1);
    let md = d.join("mail/example.test/alice");
    let target = secret(d, mode);
    plant(
        mode,
        &target,
        &md.join("cur/1700000000.M1P1Q1.evil,S=60:2,S"),
    );
    plant(mode, &target, &md.join("new/1700000001.M2P2Q2.evil"));
    let out = pop3::python(
        r#"
import poplib, sys
p = poplib.POP3("127.0.0.1", int(sys.argv[1]), timeout=30)
p.user("alice@example.test"); p.pass_(sys.argv[2])
count, _ = p.stat()
assert count == 1, count
for i in range(1, count + 1):
    data = b"\n".join(p.retr(i)[1])
    assert sys.argv[3].encode() not in data, data
p.quit()
print("ok")
"#,
        &[&server.port("pop3"), pop3::PASSWORD, MARKER],
    );
    assert!(out.contains("ok"), "{out}\n{}", server.log());
    // cur/ itself a link to a directory of real files elsewhere: not served either.
    let elsewhere = d.join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    mode.give(&elsewhere);
    mode.assert_can_write(&elsewhere);
    let leaked = elsewhere.join("1700000003.M4P4Q4.x:2,S");
    std::fs::copy(&target, &leaked).unwrap();
    mode.give(&leaked);
    mode.assert_can_read(&leaked, MARKER);
    std::fs::rename(md.join("cur"), d.join("real-cur")).unwrap();
    plant(mode, &elsewhere, &md.join("cur"));
    let out = pop3::python(
        r#"
import poplib, sys
p = poplib.POP3("127.0.0.1", int(sys.argv[1]), timeout=30)
p.user("alice@example.test")
try:
    p.pass_(sys.argv[2])
except poplib.error_proto as e:
    print("refused", e); sys.exit(0)
count, _ = p.stat()
for i in range(1, count + 1):
    data = b"\n".join(p.retr(i)[1])
    assert sys.argv[3].encode() not in data, data
print("ok")
"#,
        &[&server.port("pop3"), pop3::PASSWORD, MARKER],
    );
    assert!(out.contains("ok") || out.contains("refused"), "{out}");
}

fn delivery_into_a_linked_maildir_is_refused_and_writes_nothing_outside(mode: &Mode) {
    let dir = imap::data_dir_for(true, mode.server_user());
    let d = dir.path();
    let server = imap::Server::start(d);
    mode.assert_daemon_runs_as(server.pid());
    let port = server.port("smtp");
    // alice's new/ is a link to a directory outside the mail tree.
    smtp_send(&port, "alice@example.test", "first");
    imap::files(d, "", 1);
    let md = imap::alice_maildir(d);
    let outside = d.join("outside-new");
    std::fs::create_dir(&outside).unwrap();
    mode.give(&outside);
    mode.assert_can_write(&outside);
    std::fs::rename(md.join("new"), d.join("old-new")).unwrap();
    plant(mode, &outside, &md.join("new"));
    // bob's whole Maildir is a link.
    let outside_bob = d.join("outside-bob");
    outside_maildir(mode, &outside_bob);
    let bob = d.join("mail/example.test/bob");
    if bob.exists() {
        std::fs::rename(&bob, d.join("old-bob")).unwrap();
    }
    plant(mode, &outside_bob, &bob);
    smtp_send(&port, "alice@example.test", "second");
    smtp_send(&port, "bob@example.test", "third");
    let log_says = wait_until(Duration::from_secs(20), || {
        server.log().matches("symbolic link").count() >= 2
    });
    assert!(log_says, "no refusal logged:\n{}", server.log());
    let count = |p: &Path| {
        let mut n = 0;
        for sub in ["", "cur", "new", "tmp"] {
            if let Ok(rd) = std::fs::read_dir(p.join(sub)) {
                n += rd.flatten().filter(|e| e.path().is_file()).count();
            }
        }
        n
    };
    assert_eq!(count(&outside), 0, "a message was written through new/");
    assert_eq!(
        count(&outside_bob),
        0,
        "a message was written through bob's link"
    );
    // The mail waits in the queue, not lost.
    let q = std::fs::read_dir(d.join("queue")).unwrap().count();
    assert!(q >= 2, "queue has {q} files:\n{}", server.log());
}

fn a_mailbox_right_after_delivery_passes_check(mode: &Mode) {
    let dir = imap::data_dir_for(true, mode.server_user());
    let d = dir.path();
    let server = imap::Server::start(d);
    mode.assert_daemon_runs_as(server.pid());
    imap::deliver(&server, 2, "before");
    imap::files(d, "", 2);
    // A client session creates the index and moves new/ to cur/.
    let mut cmd = std::process::Command::new("python3");
    cmd.arg("-c").arg(
        r#"
import imaplib, os
m = imaplib.IMAP4("127.0.0.1", int(os.environ["IMAP_PORT"]))
m.login("alice@example.test", os.environ["IMAP_PASSWORD"])
assert m.select("INBOX")[0] == "OK"
m.logout()
"#,
    );
    server.env(&mut cmd);
    assert!(
        imap::run(cmd, None, Duration::from_secs(60))
            .status
            .success()
    );
    // (A PostgreSQL core keeps the index in its database, not in a file beside the mail.)
    if common::engine::engine() == common::engine::Engine::Sqlite {
        assert!(imap::alice_maildir(d).join("mailctl.index.db").exists());
    }
    imap::deliver(&server, 1, "after");
    imap::files(d, "", 3);
    let out = common::cli::mailctl(d, &["--json", "maildir", "check", "alice@example.test"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

fn stale_tmp_files_are_swept_at_start(mode: &Mode) {
    let dir = imap::data_dir_for(true, mode.server_user());
    let d = dir.path();
    let tmp = imap::alice_maildir(d).join("tmp");
    // Made here, not by mailctl: the daemon's account must own them as if it had.
    let mut made = Vec::new();
    let mut p = tmp.as_path();
    while !p.exists() {
        made.push(p.to_path_buf());
        p = p.parent().unwrap();
    }
    std::fs::create_dir_all(&tmp).unwrap();
    for p in &made {
        mode.give(p);
    }
    let stale = tmp.join("1600000000.M1P1Q1.host");
    let fresh = tmp.join("1700000000.M2P2Q2.host");
    std::fs::write(&stale, "Subject: half\n").unwrap();
    std::fs::write(&fresh, "Subject: in progress\n").unwrap();
    // As a crashed delivery by the daemon's account would have left them.
    mode.give(&stale);
    mode.give(&fresh);
    let old = std::time::SystemTime::now() - Duration::from_secs(37 * 3600);
    std::fs::File::options()
        .write(true)
        .open(&stale)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let server = imap::Server::start(d);
    mode.assert_daemon_runs_as(server.pid());
    assert!(
        wait_until(Duration::from_secs(20), || !stale.exists()),
        "{}",
        server.log()
    );
    assert!(fresh.exists());
    // The sweeper logs right after the unlink the wait above saw: wait for the line too.
    assert!(
        wait_until(Duration::from_secs(10), || server
            .log()
            .contains("1600000000.M1P1Q1.host")),
        "{}",
        server.log()
    );
}
