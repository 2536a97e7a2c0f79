//! Sieve at delivery end to end (#20 points 1-3 of the delivery brief): an SMTP delivery
//! (smtplib) through the user's active script and the administrator's `sieve.after`, read
//! back over IMAP (imaplib) and from the Maildir files:
//! - editheader's edits are in the stored copy (added on top or `:last`, deleted fields
//!   gone, `Received` untouchable), the body byte for byte the one sent;
//! - imap4flags keywords arrive as IMAP keywords in FETCH FLAGS;
//! - `stop` ends only the user's script, so the after script still runs, while a `fileinto`
//!   that cancels the keep ends the sequence (Pigeonhole's multiscript rule).

mod common;

use common::cli::mailctl_ok;
use common::maildir;
use common::serve::Serve;
use common::tools::python;
use common::users::{PASSWORD, example_test};

const USER: &str = "require [\"fileinto\", \"imap4flags\", \"mailbox\", \"editheader\"];\n\
    if header :contains \"subject\" \"report\" {\n\
    \x20 addheader \"X-Sorted\" \"yes\";\n\
    \x20 addheader :last \"X-Last\" \"end\";\n\
    \x20 deleteheader \"X-Junk\";\n\
    \x20 deleteheader \"Received\";\n\
    \x20 addheader \"Received\" \"forged\";\n\
    \x20 fileinto :create :flags [\"\\\\Seen\", \"$label1\", \"project\"] \"Work\";\n\
    }\n\
    if header :contains \"subject\" \"hold\" { stop; }\n";

const AFTER: &str = "require [\"fileinto\", \"mailbox\", \"copy\"];\n\
    fileinto :create :copy \"Archive\";\n";

#[test]
fn edits_keywords_and_the_script_sequence_reach_the_mailbox() {
    let dir = example_test("", &["localhost"]);
    let p = dir.path();
    std::fs::write(p.join("user.sieve"), USER).unwrap();
    std::fs::write(p.join("after.sieve"), AFTER).unwrap();
    let (user, after) = (p.join("user.sieve"), p.join("after.sieve"));
    mailctl_ok(
        p,
        &[
            "sieve",
            "put",
            "bob@example.test",
            "main",
            user.to_str().unwrap(),
            "--activate",
        ],
    );
    mailctl_ok(
        p,
        &["config", "set", "sieve.after", after.to_str().unwrap()],
    );
    let listeners = ["smtp", "submission", "submissions", "imap", "imaps"];
    let srv = Serve::start(p, &["smtp", "imap", "--allow-root"], &listeners);
    let out = python(
        r#"
import smtplib, sys
c = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=30)
for subj in ["monthly report", "hold this"]:
    c.sendmail("alice@example.test", ["bob@example.test"],
        "From: alice@example.test\r\nTo: bob@example.test\r\nX-Junk: 1\r\nSubject: %s\r\n"
        "X-Junk: 2\r\n\r\nline one\r\n\r\nline three\r\n" % subj)
c.quit()
print("sent")
"#,
        &[&srv.port("smtp").to_string()],
    );
    assert_eq!(out.trim(), "sent", "{}", srv.log());

    // Three copies in all: report in Work; hold in Archive (after script) and INBOX.
    let md = maildir::of(p, "bob", "example.test");
    for folder in [".Work", ".Archive", ""] {
        let got = maildir::wait(&md.join(folder), 1);
        assert_eq!(got.len(), 1, "{folder}: {got:?}\n{}", srv.log());
    }

    let script = r#"
import imaplib, sys, time
m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
m.login("bob@example.test", sys.argv[2])
for box in ["Work", "Archive", "INBOX"]:
    typ, _ = m.select(box, readonly=True)
    if typ != "OK":
        print(box, "missing")
        continue
    typ, data = m.fetch("1:*", "(FLAGS BODY.PEEK[])")
    print(box, repr(data))
m.logout()
"#;
    let out = python(script, &[&srv.port("imap").to_string(), PASSWORD]);
    let line = |b: &str| {
        out.lines()
            .find(|l| l.starts_with(&format!("{b} ")))
            .unwrap_or_default()
            .to_string()
    };
    let (work, archive, inbox) = (line("Work"), line("Archive"), line("INBOX"));
    // Keywords from :flags, beside the system flag.
    assert!(
        work.contains("$label1") && work.contains("project"),
        "{out}"
    );
    assert!(work.contains("\\\\Seen"), "{out}");
    // The stored copy is the edited message.
    assert!(work.contains("monthly report"), "{out}");
    assert!(!work.contains("X-Junk"), "{out}");
    assert!(work.contains("X-Sorted: yes"), "{out}");
    assert!(!work.contains("forged"), "Received may not be added: {out}");
    // The fileinto ended the sequence: no Archive copy of the report.
    assert!(!archive.contains("report"), "{out}");
    // stop ended only the user's script: the after script filed a copy, and the keep stayed.
    assert!(archive.contains("hold this"), "{out}");
    assert!(
        inbox.contains("hold this") && !inbox.contains("report"),
        "{out}"
    );
    assert!(inbox.contains("X-Junk: 1"), "unedited: {out}");

    // On disk: edits at the top (below the delivery's own trace fields) and at the end of
    // the header block, Received kept, the body exactly as sent.
    let files = maildir::files(&md.join(".Work"));
    let stored = maildir::read(&files);
    assert_eq!(stored.len(), 1, "{stored:?}");
    let (head, body) = stored[0].split_once("\r\n\r\n").unwrap();
    let fields: Vec<&str> = head.split("\r\n").collect();
    let sorted = fields.iter().position(|f| *f == "X-Sorted: yes").unwrap();
    let received = fields.iter().position(|f| f.starts_with("Received:"));
    assert!(received.is_some_and(|r| r > sorted), "{head}");
    assert_eq!(fields.last(), Some(&"X-Last: end"), "{head}");
    assert_eq!(body, "line one\r\n\r\nline three\r\n");
    srv.stop();
}
