//! CONTEXT=SEARCH (RFC 5267), PARTIAL (RFC 9394) and NOTIFY (RFC 5465) over the in-memory
//! store: two sessions on one account, the updates checked line by line.

use super::*;
use crate::imap::backend::memory::Shared;

struct M {
    s: Session,
    mail: Shared,
}

impl M {
    fn new() -> M {
        let mail = Shared::new();
        let mut m = M::with(mail);
        m.send("a LOGIN alice secret\r\n");
        m
    }

    fn with(mail: Shared) -> M {
        let cfg = Config {
            hostname: "mx.test".into(),
            tls_active: true,
            tls_available: false,
            plaintext_ok: true,
            append_limit: 1 << 20,
            limits: crate::imap::mailstore::Limits::default(),
        };
        M {
            s: Session::with_store(cfg, mail.opener()),
            mail,
        }
    }

    /// Another logged-in session on the same account.
    fn other(&self) -> M {
        let mut m = M::with(self.mail.clone());
        m.send("a LOGIN alice secret\r\n");
        m
    }

    fn send(&mut self, input: &str) -> String {
        let out =
            super::tests::exchange(&mut self.s, input.as_bytes(), Path::new("/nonexistent"), 0);
        String::from_utf8(out).unwrap()
    }

    fn append(&mut self, mailbox: &str, subject: &str) {
        let msg = format!("Subject: {subject}\r\n\r\nbody\r\n");
        let r = self.send(&format!(
            "p APPEND {mailbox} {{{}+}}\r\n{msg}\r\n",
            msg.len()
        ));
        assert!(r.contains("p OK"), "{r}");
    }

    /// What the driver's wakeup would have the session say (IDLE or NOTIFY).
    fn wake(&mut self) -> String {
        let mut out = Vec::new();
        self.s.idle_wake(&mut out);
        String::from_utf8(out).unwrap()
    }
}

fn inbox_of(n: usize) -> M {
    let mut m = M::new();
    for i in 0..n {
        m.append("INBOX", &format!("m{i}"));
    }
    let r = m.send("s SELECT INBOX\r\n");
    assert!(r.contains(&format!("* {n} EXISTS")), "{r}");
    m
}

#[test]
fn an_updating_search_reports_what_enters_and_leaves_until_cancelled() {
    let mut a = inbox_of(5);
    let r = a.send("u SEARCH RETURN (UPDATE) SEEN\r\n");
    assert!(r.starts_with("* ESEARCH (TAG \"u\")\r\nu OK"), "{r}");
    // Our own STORE.
    let r = a.send("t STORE 1,2,4 +FLAGS (\\Seen)\r\n");
    assert!(
        r.contains("* ESEARCH (TAG \"u\") ADDTO (0 1:2,4)\r\n"),
        "{r}"
    );
    // Another session's STORE, seen at our next command.
    let mut b = a.other();
    b.send("s SELECT INBOX\r\n");
    b.send("t STORE 1 -FLAGS (\\Seen)\r\n");
    let r = a.send("n NOOP\r\n");
    assert!(
        r.contains("* ESEARCH (TAG \"u\") REMOVEFROM (0 1)\r\n"),
        "{r}"
    );
    // An expunged match leaves by its number before the EXPUNGE renumbers.
    a.send("t STORE 4:5 +FLAGS.SILENT (\\Deleted)\r\n");
    let r = a.send("e EXPUNGE\r\n");
    let at = r.find("REMOVEFROM (0 4)").expect(&r);
    assert!(at < r.find("* 4 EXPUNGE").expect(&r), "{r}");
    // A new message that matches.
    let msg = "Subject: x\r\n\r\n";
    let r = a.send(&format!(
        "p APPEND INBOX (\\Seen) {{{}+}}\r\n{msg}\r\n",
        msg.len()
    ));
    let exists = r.find("* 4 EXISTS").expect(&r);
    assert!(exists < r.find("ADDTO (0 4)").expect(&r), "{r}");
    // CANCELUPDATE: silence after; an unknown tag is an error.
    assert!(a.send("c CANCELUPDATE \"u\"\r\n").starts_with("c OK"));
    let r = a.send("t STORE 1 +FLAGS (\\Seen)\r\n");
    assert!(!r.contains("ESEARCH"), "{r}");
    assert!(a.send("c CANCELUPDATE \"u\"\r\n").starts_with("c BAD"));
}

#[test]
fn a_uid_update_sees_deliveries_and_ends_with_the_mailbox() {
    let mut a = inbox_of(2);
    let r = a.send("u UID SEARCH RETURN (UPDATE ALL) UNSEEN\r\n");
    assert!(r.contains("* ESEARCH (TAG \"u\") UID ALL 1:2\r\n"), "{r}");
    let mut b = a.other();
    b.append("INBOX", "late");
    // Delivered while A waits: its wakeup reports both the message and the ADDTO.
    let r = a.wake();
    assert_eq!(r, "", "no NOTIFY and no IDLE: nothing unasked");
    let r = a.send("n NOOP\r\n");
    let exists = r.find("* 3 EXISTS\r\n").expect(&r);
    assert!(
        exists
            < r.find("* ESEARCH (TAG \"u\") UID ADDTO (0 3)\r\n")
                .expect(&r),
        "{r}"
    );
    // Leaving the mailbox ends the search.
    a.send("x UNSELECT\r\n");
    a.send("s SELECT INBOX\r\n");
    b.append("INBOX", "later");
    let r = a.send("n NOOP\r\n");
    assert!(!r.contains("ESEARCH"), "{r}");
}

#[test]
fn updating_searches_are_bounded_per_session() {
    let mut a = inbox_of(1);
    for i in 0..crate::imap::cmd::context::MAX_UPDATING {
        let r = a.send(&format!("u{i} SEARCH RETURN (UPDATE) ALL\r\n"));
        assert!(!r.contains("NOUPDATE"), "{r}");
    }
    let r = a.send("v SEARCH RETURN (UPDATE) ALL\r\n");
    assert!(r.contains("* NO [NOUPDATE \"v\"]"), "{r}");
    assert!(r.contains("v OK"), "{r}");
    // Reusing a tag replaces that search instead of adding one.
    let r = a.send("u0 SEARCH RETURN (UPDATE) ALL\r\n");
    assert!(!r.contains("NOUPDATE"), "{r}");
}

#[test]
fn partial_returns_ranges_of_the_result_from_either_end() {
    let mut a = inbox_of(5);
    let cases = [
        ("1:1", "(1:1 1)"),
        ("4:2", "(2:4 2:4)"),
        ("1:6", "(1:6 1:5)"),
        ("6:6", "(6:6 NIL)"),
        ("-1:-2", "(-1:-2 4:5)"),
        ("-5:-9", "(-5:-9 1)"),
    ];
    for (range, want) in cases {
        let r = a.send(&format!("p SEARCH RETURN (PARTIAL {range}) ALL\r\n"));
        assert!(
            r.starts_with(&format!("* ESEARCH (TAG \"p\") PARTIAL {want}\r\n")),
            "{range}: {r}"
        );
    }
    let r = a.send("p SEARCH RETURN (COUNT PARTIAL 2:3) 1:2,4:5\r\n");
    assert!(r.contains("COUNT 4 PARTIAL (2:3 2,4)"), "{r}");
    for bad in ["1", "1:*", "*:1", "0:3", "-1:3", "1:2 PARTIAL 3:4"] {
        let r = a.send(&format!("p SEARCH RETURN (PARTIAL {bad}) ALL\r\n"));
        assert!(r.starts_with("p BAD"), "{bad}: {r}");
    }
}

#[test]
fn notify_reports_other_mailboxes_as_status_and_the_selected_one_as_exists() {
    let mut a = inbox_of(1);
    a.send("c CREATE Lists\r\n");
    a.append("Lists", "first");
    let r = a.send(
        "n NOTIFY SET STATUS (selected (MessageNew MessageExpunge FlagChange)) \
         (personal (MessageNew MessageExpunge))\r\n",
    );
    assert!(
        r.contains("* STATUS Lists (MESSAGES 1 UIDNEXT 2 UIDVALIDITY "),
        "{r}"
    );
    assert!(
        !r.contains("* STATUS INBOX"),
        "the selected one is not STATUSed: {r}"
    );
    assert!(r.contains("n OK"), "{r}");
    let mut b = a.other();
    b.append("Lists", "second");
    let r = a.wake();
    assert!(
        r.starts_with("* STATUS Lists (MESSAGES 2 UIDNEXT 3 UIDVALIDITY "),
        "{r}"
    );
    // Nothing moved: nothing said.
    assert_eq!(a.wake(), "");
    b.append("INBOX", "new");
    assert!(a.wake().starts_with("* 2 EXISTS\r\n"));
    // Flag changes elsewhere were not asked for in Lists.
    b.send("s SELECT Lists\r\n");
    b.send("t STORE 1 +FLAGS (\\Seen)\r\n");
    assert_eq!(a.wake(), "");
    b.send("e STORE 1 +FLAGS (\\Deleted)\r\n");
    b.send("e EXPUNGE\r\n");
    assert!(a.wake().starts_with("* STATUS Lists (MESSAGES 1)"));
    // NOTIFY NONE: silence.
    assert!(a.send("z NOTIFY NONE\r\n").contains("z OK"));
    b.append("Lists", "third");
    assert_eq!(a.wake(), "");
    assert!(a.s.notify_dirs().is_none());
}

#[test]
fn notify_without_status_sends_nothing_at_once_and_inboxes_is_inbox() {
    let mut a = M::new();
    a.send("c CREATE Other\r\n");
    let r = a.send("n NOTIFY SET (inboxes (MessageNew))\r\n");
    assert_eq!(r, "n OK NOTIFY completed\r\n");
    let mut b = a.other();
    b.append("Other", "x");
    assert_eq!(a.wake(), "");
    b.append("INBOX", "y");
    assert!(
        a.wake()
            .starts_with("* STATUS INBOX (MESSAGES 1 UIDNEXT 2 ")
    );
}

#[test]
fn notify_refuses_events_it_does_not_report_and_hostile_lists() {
    let mut a = M::new();
    let r = a.send("n NOTIFY SET (personal (MessageNew AnnotationChange))\r\n");
    assert!(r.starts_with("n NO [BADEVENT ("), "{r}");
    let r = a.send("n NOTIFY SET (personal (Bogus))\r\n");
    assert!(r.starts_with("n NO [BADEVENT ("), "{r}");
    let many: Vec<String> = (0..1_001).map(|i| format!("m{i}")).collect();
    let r = a.send(&format!(
        "n NOTIFY SET (mailboxes ({}) (MessageNew))\r\n",
        many.join(" ")
    ));
    assert!(r.starts_with("n BAD"), "{r}");
    let groups = "(personal (MessageNew)) ".repeat(40);
    let r = a.send(&format!("n NOTIFY SET {}\r\n", groups.trim_end()));
    assert!(r.starts_with("n BAD"), "{r}");
    for bad in [
        "NOTIFY",
        "NOTIFY SET",
        "NOTIFY SET (personal)",
        "NOTIFY SET (nowhere NONE)",
    ] {
        let r = a.send(&format!("n {bad}\r\n"));
        assert!(r.starts_with("n BAD"), "{bad}: {r}");
    }
    // MessageNew's fetch attributes are accepted (and not sent).
    let r =
        a.send("n NOTIFY SET (selected (MessageNew (UID BODY.PEEK[HEADER]) MessageExpunge))\r\n");
    assert!(r.contains("n OK"), "{r}");
}

#[test]
fn an_unbounded_burst_of_events_ends_in_notificationoverflow() {
    let mut a = M::new();
    let n = crate::imap::cmd::notify::MAX_BURST + 1;
    for i in 0..n {
        assert!(a.send(&format!("c CREATE f{i}\r\n")).contains("c OK"));
    }
    let r = a.send("n NOTIFY SET (personal (MessageNew))\r\n");
    assert!(r.contains("n OK"), "{r}");
    let mut b = a.other();
    for i in 0..n {
        b.append(&format!("f{i}"), "x");
    }
    let r = a.wake();
    assert!(
        r.contains("* OK [NOTIFICATIONOVERFLOW]"),
        "{}",
        &r[r.len().saturating_sub(300)..]
    );
    assert!(r.lines().count() <= n + 1, "bounded");
    // NOTIFY is off now: the client resynchronises and asks again.
    b.append("f0", "y");
    assert_eq!(a.wake(), "");
    assert!(a.s.notify_dirs().is_none());
}
