//! `mailctl maildir` on Maildirs built the way Dovecot, Courier and mailctl write them.

mod common;

use std::path::Path;

use common::cli::{mailctl, mailctl_stdin};
use common::tools::python;
use serde_json::Value;

fn json(dir: &Path, args: &[&str]) -> Value {
    let mut a = vec!["--json"];
    a.extend_from_slice(args);
    let o = mailctl(dir, &a);
    assert!(
        o.status.success() || o.status.code() == Some(1),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&o.stdout)))
}

fn put(dir: &Path, rel: &str, content: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}

/// A Maildir with messages named as Dovecot and Courier name them, a 4-level tree with
/// non-ASCII names in modified UTF-7, broken MIME, 8-bit and encoded-word headers, a stale
/// tmp file and a folder missing new/.
fn sample(root: &Path) {
    for d in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
    }
    put(
        root,
        "cur/1700000000.M1P2Q3.host,S=120,W=124:2,S",
        "From: Alice <alice@example.org>\nSubject: =?UTF-8?B?R3LDvMOfZQ==?=\nDate: Tue, 14 Nov 2023 22:13:20 +0000\n\nHello in UTF-8 subject\n",
    );
    put(
        root,
        "cur/1700000100.12345_0.courier.example:2,FS",
        "From: bob@example.org\nSubject: flagged and seen\nDate: Tue, 14 Nov 2023 22:15:00 +0000\n\nbody\n",
    );
    put(
        root,
        "new/1700000200.M9P9Q9.host,S=90",
        "From: Carol <carol@example.org>\nSubject: Caf\u{e9} 8-bit\nDate: Tue, 14 Nov 2023 22:16:40 +0000\n\nunread\n",
    );
    put(
        root,
        "cur/1700000300.M1P1Q1.host:2,T",
        "From: spam@example.org\nSubject: deleted not expunged\nContent-Type: multipart/mixed; boundary=\"nope\"\n\n--nope\nContent-Type: text/plain\n\nbroken MIME, never closed\n",
    );
    // Sent, and Archive/2024/Q1/Kundenbriefe (4 levels, non-ASCII: "Entwürfe" and "Übersicht").
    put(
        root,
        ".Sent/cur/1700000400.M2P2Q2.host:2,S",
        "From: me@example.org\nTo: x@example.org\nSubject: sent\n\nsent body\n",
    );
    std::fs::create_dir_all(root.join(".Sent/new")).unwrap();
    std::fs::create_dir_all(root.join(".Sent/tmp")).unwrap();
    for d in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(root.join(format!(".Archive.2024.Q1.&ANw-bersicht/{d}"))).unwrap();
    }
    put(
        root,
        ".Archive.2024.Q1.&ANw-bersicht/cur/1700000500.M3P3Q3.host:2,S",
        "From: old@example.org\nSubject: archived\n\nold\n",
    );
    std::fs::create_dir_all(root.join(".Entw&APw-rfe/cur")).unwrap(); // missing new/ and tmp/
    // A delivery that died 40 hours ago.
    put(
        root,
        "tmp/1699000000.M0P0Q0.host",
        "From: x@example.org\nSubject: half\n\n",
    );
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(40 * 3600);
    std::fs::File::options()
        .write(true)
        .open(root.join("tmp/1699000000.M0P0Q0.host"))
        .unwrap()
        .set_modified(old)
        .unwrap();
}

#[test]
fn walk_shows_the_tree_with_counts() {
    let dir = common::data_dir();
    let root = dir.path().join("Maildir");
    sample(&root);
    let j = json(dir.path(), &["maildir", "walk", root.to_str().unwrap()]);
    let folders = j["folders"].as_array().unwrap();
    let names: Vec<&str> = folders
        .iter()
        .map(|f| f["folder"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["INBOX", "Archive/2024/Q1/Übersicht", "Entwürfe", "Sent"]
    );
    let inbox = &folders[0];
    assert_eq!(
        (inbox["new"].as_u64(), inbox["cur"].as_u64()),
        (Some(1), Some(3))
    );
    assert_eq!(
        inbox["unread"], 2,
        "the message in new/ and the one without S"
    );
    assert_eq!(inbox["flagged"], 1);
    assert_eq!(inbox["deleted"], 1);
    assert_eq!(inbox["tmp"], 1);
    assert_eq!(folders[2]["missing"], serde_json::json!(["new", "tmp"]));
    assert_eq!(j["total"]["cur"], 5);
    // The table shows the hierarchy indented.
    let text =
        String::from_utf8(mailctl(dir.path(), &["maildir", "walk", root.to_str().unwrap()]).stdout)
            .unwrap();
    assert!(
        text.contains("      Übersicht") && text.contains("total"),
        "{text}"
    );
}

#[test]
fn ls_decodes_filters_and_sorts() {
    let dir = common::data_dir();
    let root = dir.path().join("Maildir");
    sample(&root);
    let r = root.to_str().unwrap();
    let all = json(dir.path(), &["maildir", "ls", r]);
    let subjects: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["subject"].as_str().unwrap())
        .collect();
    assert_eq!(
        subjects,
        [
            "Grüße",
            "flagged and seen",
            "Café 8-bit",
            "deleted not expunged"
        ],
        "sorted by date"
    );
    assert_eq!(all[0]["from"], "Alice <alice@example.org>");
    let unread = json(dir.path(), &["maildir", "ls", r, "--unread"]);
    assert_eq!(unread.as_array().unwrap().len(), 2);
    let from = json(dir.path(), &["maildir", "ls", r, "--from", "carol"]);
    assert_eq!(from.as_array().unwrap().len(), 1);
    let limited = json(
        dir.path(),
        &["maildir", "ls", r, "--sort", "size", "--limit", "1"],
    );
    assert_eq!(limited.as_array().unwrap().len(), 1);
    let sent = json(dir.path(), &["maildir", "ls", r, "--folder", "Sent"]);
    assert_eq!(sent[0]["subject"], "sent");
    let nested = json(
        dir.path(),
        &["maildir", "ls", r, "--folder", "Archive/2024/Q1/Übersicht"],
    );
    assert_eq!(nested[0]["subject"], "archived");
    let escape = mailctl(dir.path(), &["maildir", "ls", r, "--folder", "../../etc"]);
    assert_eq!(
        escape.status.code(),
        Some(2),
        "a folder name must not leave the Maildir"
    );
}

#[test]
fn show_prints_headers_parts_and_text() {
    let dir = common::data_dir();
    let root = dir.path().join("Maildir");
    sample(&root);
    let msg = root.join("cur/1700000000.M1P2Q3.host,S=120,W=124:2,S");
    let j = json(dir.path(), &["maildir", "show", msg.to_str().unwrap()]);
    assert_eq!(j["subject"], "Grüße");
    assert!(
        j["text"]
            .as_str()
            .unwrap()
            .contains("Hello in UTF-8 subject")
    );
    let raw = mailctl(
        dir.path(),
        &["maildir", "show", msg.to_str().unwrap(), "--raw"],
    );
    assert_eq!(raw.stdout, std::fs::read(&msg).unwrap());
    let broken = root.join("cur/1700000300.M1P1Q1.host:2,T");
    let j = json(dir.path(), &["maildir", "show", broken.to_str().unwrap()]);
    assert!(
        !j["parts"].as_array().unwrap().is_empty(),
        "broken MIME still shows its parts: {j}"
    );
}

#[test]
fn check_finds_and_repair_fixes_without_deleting() {
    let dir = common::data_dir();
    let root = dir.path().join("Maildir");
    sample(&root);
    let r = root.to_str().unwrap();
    let before = mailctl(dir.path(), &["--json", "maildir", "check", r]);
    assert_eq!(before.status.code(), Some(1));
    let j: Value = serde_json::from_slice(&before.stdout).unwrap();
    let kinds: Vec<&str> = j["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"stale-tmp") && kinds.contains(&"missing-directory"),
        "{kinds:?}"
    );
    let fixed = mailctl(dir.path(), &["--json", "maildir", "check", r, "--repair"]);
    assert_eq!(
        fixed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&fixed.stdout)
    );
    let after = mailctl(dir.path(), &["maildir", "check", r]);
    assert_eq!(
        after.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&after.stdout)
    );
    assert!(root.join(".Entw&APw-rfe/new").is_dir());
    assert_eq!(
        std::fs::read_dir(root.join("lost+found")).unwrap().count(),
        1,
        "the stale file was moved aside (not into a folder clients show), not deleted"
    );
}

#[test]
fn mbox_round_trip_and_python_reads_both() {
    let dir = common::data_dir();
    let d = dir.path();
    assert!(
        mailctl(d, &["domain", "add", "example.org", "--create"])
            .status
            .success()
    );
    // A mailbox exported from one account imports into another with the same messages.
    let mbox = d.join("in.mbox");
    std::fs::write(
        &mbox,
        "From alice@example.org Thu Nov 20 10:00:00 2025\nFrom: alice@example.org\nSubject: one\nStatus: RO\nX-Status: AF\n\nbody one\n>From quoted\n\nFrom bob@example.org Fri Nov 21 11:00:00 2025\nFrom: bob@example.org\nSubject: two\nStatus: O\n\nbody two\n\n",
    )
    .unwrap();
    // A '>From ' line makes mboxrd and mboxo differ: no guessing without --format.
    let o = mailctl(
        d,
        &[
            "maildir",
            "import-mbox",
            "a@example.org",
            mbox.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("--format mboxrd"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let j = json(
        d,
        &[
            "maildir",
            "import-mbox",
            "a@example.org",
            mbox.to_str().unwrap(),
            "--folder",
            "Imported",
            "--format",
            "mboxrd",
        ],
    );
    assert_eq!(j["messages"], 2);
    let out = d.join("out.mbox");
    let j = json(
        d,
        &[
            "maildir",
            "export-mbox",
            "a@example.org",
            "Imported",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(j["messages"], 2);
    let j = json(
        d,
        &[
            "maildir",
            "import-mbox",
            "b@example.org",
            out.to_str().unwrap(),
            "--format",
            "mboxrd",
        ],
    );
    assert_eq!(j["messages"], 2);
    let out2 = d.join("out2.mbox");
    json(
        d,
        &[
            "maildir",
            "export-mbox",
            "b@example.org",
            "INBOX",
            out2.to_str().unwrap(),
        ],
    );
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        std::fs::read_to_string(&out2).unwrap(),
        "mbox → Maildir → mbox is stable"
    );
    // Python's mailbox module reads the exported mbox and the Maildir.
    let maildir = d.join("mail/example.org/a/.Imported");
    let script = format!(
        r#"
import mailbox
m = mailbox.mbox({out:?})
msgs = sorted(m, key=lambda x: x['subject'])
assert [x['subject'] for x in msgs] == ['one', 'two'], [x['subject'] for x in msgs]
assert 'R' in msgs[0].get_flags() and 'F' in msgs[0].get_flags() and 'A' in msgs[0].get_flags(), msgs[0].get_flags()
assert '>From quoted' in msgs[0].get_payload() or 'From quoted' in msgs[0].get_payload()
md = mailbox.Maildir({maildir:?}, factory=None, create=False)
flags = sorted(msg.get_flags() for msg in md)
assert flags == ['', 'FRS'], flags
print('ok')
"#,
        out = out.to_str().unwrap(),
        maildir = maildir.to_str().unwrap()
    );
    let out = python(&script, &[]);
    assert!(out.contains("ok"), "{out}");
}

#[test]
fn reindex_keeps_uids_and_show_finds_messages_by_uid() {
    let dir = common::data_dir();
    let d = dir.path();
    assert!(
        mailctl(d, &["domain", "add", "example.org", "--create"])
            .status
            .success()
    );
    let root = d.join("mail/example.org/alice");
    sample(&root);
    let first = json(d, &["maildir", "reindex", "alice@example.org"]);
    let inbox = first
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["folder"] == "INBOX")
        .unwrap()
        .clone();
    assert_eq!(inbox["added"], 4);
    // UIDs follow arrival order: UID 1 is the oldest message.
    let j = json(d, &["maildir", "show", "alice@example.org:INBOX:1"]);
    assert_eq!(j["subject"], "Grüße");
    // New mail in new/ is not drift: the index sees new/ changed and reads it on its next
    // scan (this is every mailbox right after a delivery). --repair does that scan now.
    put(
        &root,
        "new/1700000900.M7P7Q7.host",
        "From: late@example.org\nSubject: late\n\nlate\n",
    );
    let drift = |d: &Path| {
        let o = mailctl(d, &["--json", "maildir", "check", "alice@example.org"]);
        let c: Value = serde_json::from_slice(&o.stdout).unwrap();
        c["problems"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["kind"] == "index-drift")
            .count()
    };
    assert_eq!(drift(d), 0);
    mailctl(d, &["maildir", "check", "alice@example.org", "--repair"]);
    // Rebuilding keeps every UID that still has its file, and the new one comes after.
    let again = json(d, &["maildir", "reindex", "alice@example.org"]);
    let inbox2 = again
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["folder"] == "INBOX")
        .unwrap()
        .clone();
    assert_eq!(
        (inbox2["added"].as_u64(), inbox2["uidvalidity"].as_u64()),
        (Some(0), inbox["uidvalidity"].as_u64())
    );
    assert_eq!(
        json(d, &["maildir", "show", "alice@example.org:INBOX:1"])["subject"],
        "Grüße"
    );
    assert_eq!(
        json(d, &["maildir", "show", "alice@example.org:INBOX:5"])["subject"],
        "late"
    );
    assert_eq!(
        mailctl(d, &["maildir", "show", "alice@example.org:INBOX:99"])
            .status
            .code(),
        Some(1)
    );
    // Real drift: the index believes it is current (the directories have the settled mtimes
    // of its last scan) but a file is gone, as after a restore that kept the mtimes.
    let set_mtime = |p: &Path, t: std::time::SystemTime| {
        std::fs::File::open(p).unwrap().set_modified(t).unwrap();
    };
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for sub in ["new", "cur"] {
        set_mtime(&root.join(sub), hour_ago);
    }
    json(d, &["maildir", "reindex", "alice@example.org"]);
    assert_eq!(drift(d), 0, "a settled, indexed mailbox has no drift");
    let victim = std::fs::read_dir(root.join("cur"))
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    std::fs::rename(&victim, d.join("restored-elsewhere")).unwrap();
    set_mtime(&root.join("cur"), hour_ago);
    assert_eq!(
        drift(d),
        1,
        "a row without its file in a current index is drift"
    );
}

/// The part after the first blank line.
fn body_of(raw: &[u8]) -> &[u8] {
    let at = raw
        .windows(2)
        .position(|w| w == b"\n\n")
        .map(|i| i + 2)
        .unwrap_or(raw.len());
    &raw[at..]
}

#[test]
fn python_mboxo_imports_byte_identical_from_stdin_and_passes_check() {
    let dir = common::data_dir();
    let d = dir.path();
    assert!(
        mailctl(d, &["domain", "add", "example.org", "--create"])
            .status
            .success()
    );
    // Python's mailbox.mbox writes mboxo: a body line 'From x' becomes '>From x', a body
    // line '>From y' stays. Bodies mix both, at the start, in the middle and at the end.
    let mbox = d.join("py.mbox");
    let bodies = d.join("bodies");
    python(
        r#"
import mailbox, email.message, sys, os
box = mailbox.mbox(sys.argv[1]); out = sys.argv[2]; os.makedirs(out)
lines = ["From the start", ">From quoted by a human", ">>From twice", "plain", "From  double space", " From indented", "From"]
for i in range(60):
    m = email.message.Message()
    m["From"] = f"s{i}@example.org"; m["Subject"] = f"m{i}"
    body = "\n".join(lines[(i + k) % len(lines)] for k in range(i % 7 + 1)) + "\n"
    m.set_payload(body)
    box.add(m)
box.flush()
box = mailbox.mbox(sys.argv[1])
for key in box.keys():
    raw = box.get_bytes(key)
    open(os.path.join(out, box[key]["Subject"]), "wb").write(raw.split(b"\n\n", 1)[1])
"#,
        &[mbox.to_str().unwrap(), bodies.to_str().unwrap()],
    );
    let data = std::fs::read(&mbox).unwrap();
    // auto refuses to guess: there are '>From ' lines.
    let o = mailctl_stdin(d, &["maildir", "import-mbox", "a@example.org", "-"], &data);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = mailctl_stdin(
        d,
        &[
            "--json",
            "maildir",
            "import-mbox",
            "a@example.org",
            "-",
            "--format",
            "mboxo",
        ],
        &data,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["messages"], 60);
    let cur = d.join("mail/example.org/a/cur");
    let mut seen = 0;
    for e in std::fs::read_dir(&cur).unwrap().flatten() {
        use std::os::unix::fs::PermissionsExt;
        let md = e.metadata().unwrap();
        assert_eq!(md.permissions().mode() & 0o777, 0o600, "{:?}", e.path());
        let raw = std::fs::read(e.path()).unwrap();
        let text = String::from_utf8_lossy(&raw);
        let subject = text
            .lines()
            .find_map(|l| l.strip_prefix("Subject: "))
            .unwrap()
            .to_string();
        let want = std::fs::read(bodies.join(&subject)).unwrap();
        assert_eq!(
            String::from_utf8_lossy(body_of(&raw)),
            String::from_utf8_lossy(&want),
            "{subject}: the body Python reads back"
        );
        seen += 1;
    }
    assert_eq!(seen, 60);
    // Everything mailctl wrote passes its own check.
    let o = mailctl(d, &["maildir", "check", "a@example.org"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
}

#[test]
fn import_mbox_refuses_what_is_not_an_mbox() {
    let dir = common::data_dir();
    let d = dir.path();
    assert!(
        mailctl(d, &["domain", "add", "example.org", "--create"])
            .status
            .success()
    );
    let o = mailctl(
        d,
        &["maildir", "import-mbox", "a@example.org", "/etc/passwd"],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("not an mbox") && err.contains("From "),
        "{err}"
    );
    // Without quoted lines, auto imports (both variants read the same).
    let o = mailctl_stdin(
        d,
        &["--json", "maildir", "import-mbox", "a@example.org", "-"],
        b"From x@example.org Thu Nov 20 10:00:00 2025\nSubject: a\n\nbody\n\n",
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        serde_json::from_slice::<Value>(&o.stdout).unwrap()["messages"],
        1
    );
}

#[test]
fn check_prints_a_summary_not_a_row_per_file() {
    let dir = common::data_dir();
    let root = dir.path().join("Maildir");
    for d in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
    }
    for i in 0..50 {
        // 0644: 50 permission problems.
        put(
            &root,
            &format!("cur/{}.M{i}.host:2,S", 1700000000 + i),
            "Subject: x\n\nx\n",
        );
    }
    put(&root, "cur/.DS_Store", "junk");
    let o = mailctl(dir.path(), &["maildir", "check", root.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.lines().count() < 20, "{text}");
    assert!(
        text.contains("permissions (50)") && text.contains("not-a-message (1)"),
        "{text}"
    );
    let j = json(dir.path(), &["maildir", "check", root.to_str().unwrap()]);
    assert_eq!(j["problems"].as_array().unwrap().len(), 51);
    let o = mailctl(
        dir.path(),
        &["maildir", "check", root.to_str().unwrap(), "--repair"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    assert!(root.join("lost+found").read_dir().unwrap().count() == 1);
    assert_eq!(root.join("cur").read_dir().unwrap().count(), 50);
}
