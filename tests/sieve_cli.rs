//! Users' Sieve scripts end to end (#20 points 2 and 6): `mailctl sieve put/check/test` as an
//! administrator runs them, and an SMTP delivery (smtplib) following the active script into
//! the right folder with the right flags, read back over IMAP (imaplib).

mod common;

use common::cli::{json, mailctl, mailctl_ok, text};
use common::serve::Serve;
use common::tools::python;
use common::users::{PASSWORD, example_test};

const SCRIPT: &str = "require [\"fileinto\", \"imap4flags\", \"mailbox\"];\n\
    if header :contains \"subject\" \"[list]\" {\n\
    \x20 fileinto :create :flags [\"\\\\Seen\", \"\\\\Flagged\"] \"Lists\";\n\
    } elsif header :contains \"subject\" \"spam\" { discard; }\n";

const BROKEN: &str = "require \"fileinto\";\nif true {\n  fileinto \"x\"\n}\n";

#[test]
fn put_check_list_and_test_on_the_cli() {
    let dir = example_test("", &["localhost"]);
    let p = dir.path();
    std::fs::write(p.join("good.sieve"), SCRIPT).unwrap();
    let good = p.join("good.sieve");
    let good = good.to_str().unwrap();
    std::fs::write(p.join("bad.sieve"), BROKEN).unwrap();
    let bad = p.join("bad.sieve");
    let bad = bad.to_str().unwrap();

    // A broken script: exit 1 and FILE:LINE:COLUMN, for check and for put (not stored).
    for args in [
        vec!["sieve", "check", "bob@example.test", bad],
        vec!["sieve", "put", "bob@example.test", "bad", bad],
    ] {
        let out = mailctl(p, &args);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("{bad}:4:1:")), "{err}");
    }
    let out = mailctl(p, &["--json", "sieve", "check", "bob@example.test", bad]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], false, "{v}");
    assert_eq!(v["error"]["line"], 4, "{v}");

    mailctl_ok(p, &["sieve", "check", "bob@example.test", good]);
    mailctl_ok(
        p,
        &[
            "sieve",
            "put",
            "bob@example.test",
            "main",
            good,
            "--activate",
        ],
    );
    let v = json(p, &["sieve", "list", "bob@example.test"]);
    assert_eq!(v[0]["name"], "main", "{v}");
    assert_eq!(v[0]["active"], true, "{v}");
    assert_eq!(
        mailctl_ok(p, &["sieve", "get", "bob@example.test", "main"]),
        SCRIPT
    );
    // The active script cannot go; deactivated, it can.
    assert_eq!(
        mailctl(p, &["sieve", "delete", "bob@example.test", "main"])
            .status
            .code(),
        Some(1)
    );

    // Dry runs: no delivery, just the actions.
    std::fs::write(
        p.join("m1.eml"),
        "From: a@x.test\r\nSubject: [list] news\r\n\r\nhi\r\n",
    )
    .unwrap();
    std::fs::write(
        p.join("m2.eml"),
        "From: a@x.test\r\nSubject: spam spam\r\n\r\nhi\r\n",
    )
    .unwrap();
    let (m1, m2) = (p.join("m1.eml"), p.join("m2.eml"));
    let (m1, m2) = (m1.to_str().unwrap(), m2.to_str().unwrap());
    let out = mailctl_ok(p, &["sieve", "test", "bob@example.test", "--message", m1]);
    assert_eq!(out.trim(), "fileinto Lists flags FS");
    let v = json(p, &["sieve", "test", "bob@example.test", "--message", m2]);
    assert_eq!(v["stores"], serde_json::json!([]), "{v}");
    let out = mailctl_ok(p, &["sieve", "test", "bob@example.test", "--message", m2]);
    assert_eq!(out.trim(), "discard");

    mailctl_ok(p, &["sieve", "deactivate", "bob@example.test"]);
    let out = mailctl_ok(p, &["sieve", "test", "bob@example.test", "--message", m2]);
    assert_eq!(out.trim(), "keep");
    mailctl_ok(p, &["sieve", "delete", "bob@example.test", "main"]);
    assert_eq!(
        json(p, &["sieve", "list", "bob@example.test"]),
        serde_json::json!([])
    );
}

#[test]
fn smtp_delivery_follows_the_active_script_into_folder_with_flags() {
    let dir = example_test("", &["localhost"]);
    let p = dir.path();
    std::fs::write(p.join("good.sieve"), SCRIPT).unwrap();
    let good = p.join("good.sieve");
    let good = good.to_str().unwrap();
    mailctl_ok(
        p,
        &[
            "sieve",
            "put",
            "bob@example.test",
            "main",
            good,
            "--activate",
        ],
    );
    let listeners = ["smtp", "submission", "submissions", "imap", "imaps"];
    let srv = Serve::start(p, &["smtp", "imap", "--allow-root"], &listeners);
    let out = python(
        r#"
import smtplib, sys
c = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=30)
for subj in ["[list] weekly", "plain", "spam offer"]:
    c.sendmail("alice@example.test", ["bob@example.test"],
        "From: alice@example.test\r\nTo: bob@example.test\r\nSubject: %s\r\n\r\nbody\r\n" % subj)
c.quit()
print("sent")
"#,
        &[&srv.port("smtp").to_string()],
    );
    assert_eq!(out.trim(), "sent", "{}", srv.log());

    // Read back over IMAP, waiting (bounded) for local delivery.
    let script = r#"
import imaplib, sys, time
deadline = time.time() + 30
while True:
    m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
    m.login("bob@example.test", sys.argv[2])
    typ, _ = m.select("Lists")
    if typ == "OK":
        typ, lists = m.fetch("1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        m.select("INBOX")
        typ, inbox = m.fetch("1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        if "plain" in repr(inbox) or time.time() > deadline:
            print(repr(lists))
            print(repr(inbox))
            m.logout()
            break
    m.logout()
    if time.time() > deadline:
        print("no Lists folder")
        break
    time.sleep(0.2)
"#;
    let out = python(script, &[&srv.port("imap").to_string(), PASSWORD]);
    let mut lines = out.lines();
    let lists = lines.next().unwrap_or_default();
    let inbox = lines.next().unwrap_or_default();
    assert!(lists.contains("[list] weekly"), "{out}\n{}", srv.log());
    assert!(
        lists.contains("\\\\Seen") && lists.contains("\\\\Flagged"),
        "{out}"
    );
    assert!(
        inbox.contains("plain") && !inbox.contains("\\\\Seen"),
        "{out}"
    );
    // Discarded: nowhere.
    assert!(!out.contains("spam offer"), "{out}");
    srv.stop();
}
