//! Vacation replies end to end (#20 points 4 and 6): `mailctl vacation set` writes a Sieve
//! script, SMTP deliveries (smtplib) to the user trigger it, and the sender (a local user)
//! gets exactly one reply per period, with RFC 3834's headers; list mail gets none.

mod common;

use std::time::Duration;

use common::cli::{json, mailctl_ok};
use common::maildir;
use common::serve::Serve;
use common::tools::python;
use common::users::example_test;

#[test]
fn one_reply_per_sender_and_none_to_lists() {
    let dir = example_test("", &["localhost"]);
    let p = dir.path();
    std::fs::write(p.join("away.txt"), "I am away until Monday.\n").unwrap();
    let body = p.join("away.txt");
    mailctl_ok(
        p,
        &[
            "vacation",
            "set",
            "bob@example.test",
            "--body-file",
            body.to_str().unwrap(),
            "--from",
            "2000-01-01",
            "--until",
            "2999-12-31",
        ],
    );
    let v = json(p, &["sieve", "list", "bob@example.test"]);
    assert_eq!(v[0]["name"], "mailctl-vacation", "{v}");
    assert_eq!(v[0]["active"], true, "{v}");

    let srv = Serve::start(p, &["smtp", "--allow-root"], &["smtp"]);
    // Messages FIRST..LAST, in one session; the extra header of message 2 marks a list.
    let send = |first: usize, last: usize| {
        let out = python(
            r#"
import smtplib, sys
c = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=30)
for i in range(int(sys.argv[2]), int(sys.argv[3]) + 1):
    extra = "List-Id: <team.example.test>\r\n" if i == 2 else ""
    c.sendmail("alice@example.test", ["bob@example.test"],
        "From: alice@example.test\r\nTo: bob@example.test\r\n%sSubject: lunch %d\r\n"
        "Message-ID: <m%d@example.test>\r\n\r\nbody\r\n" % (extra, i, i))
c.quit()
print("sent")
"#,
            &[
                &srv.port("smtp").to_string(),
                &first.to_string(),
                &last.to_string(),
            ],
        );
        assert_eq!(out.trim(), "sent", "{}", srv.log());
    };

    // The first message is answered; the queue's workers deliver concurrently, so the next
    // ones are sent once it has been, to know which message the one reply answers.
    send(0, 0);
    let replies = maildir::wait_messages(p, "alice", "example.test", 1);
    assert_eq!(replies.len(), 1, "{}", srv.log());
    // Bob gets all three; Alice no second reply (same sender within the period, then a list).
    send(1, 2);
    let bob = maildir::wait_messages(p, "bob", "example.test", 3);
    assert_eq!(bob.len(), 3, "{}", srv.log());
    // The other two were delivered already; give a wrongly queued second reply time to land.
    std::thread::sleep(Duration::from_secs(2));
    let replies = maildir::read(&maildir::files(&maildir::of(p, "alice", "example.test")));
    assert_eq!(replies.len(), 1, "{replies:?}\n{}", srv.log());
    let r = &replies[0];
    let head = r.split("\r\n\r\n").next().unwrap_or_default();
    assert!(head.contains("Return-Path: <>"), "{r}");
    assert!(head.contains("Auto-Submitted: auto-replied"), "{r}");
    assert!(head.contains("Subject: Auto: lunch 0"), "{r}");
    assert!(head.contains("In-Reply-To: <m0@example.test>"), "{r}");
    assert!(head.contains("References: <m0@example.test>"), "{r}");
    assert!(head.contains("From: <bob@example.test>"), "{r}");
    assert!(head.contains("To: <alice@example.test>"), "{r}");
    assert!(r.contains("I am away until Monday."), "{r}");
    srv.stop();

    // Off: the script is gone and nothing is active.
    mailctl_ok(p, &["vacation", "off", "bob@example.test"]);
    assert_eq!(
        json(p, &["sieve", "list", "bob@example.test"]),
        serde_json::json!([])
    );
}
