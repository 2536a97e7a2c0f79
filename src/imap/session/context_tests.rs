//! CONTEXT=SEARCH and CONTEXT=SORT (RFC 5267), PARTIAL (RFC 9394) and NOTIFY (RFC 5465) over
//! the in-memory store: two sessions on one account, the updates checked line by line.

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
    // A tag naming a live context cannot start another (RFC 5267 §4.3): BAD, nothing run.
    let r = a.send("u0 SEARCH RETURN (UPDATE) ALL\r\n");
    assert_eq!(r, "u0 BAD tag in use by an updating search or sort\r\n");
    // Once cancelled, the tag is free again.
    assert!(a.send("c CANCELUPDATE \"u0\"\r\n").starts_with("c OK"));
    let r = a.send("u0 SEARCH RETURN (UPDATE) ALL\r\n");
    assert!(r.contains("u0 OK") && !r.contains("NOUPDATE"), "{r}");
}

/// Subjects `b`, `d`, `f` as UIDs and sequence numbers 1 to 3, selected.
fn sorted_inbox() -> M {
    let mut m = M::new();
    for subject in ["b", "d", "f"] {
        m.append("INBOX", subject);
    }
    assert!(m.send("s SELECT INBOX\r\n").contains("* 3 EXISTS"));
    m
}

#[test]
fn a_sort_context_places_a_new_message_at_its_position_after_exists() {
    let mut a = sorted_inbox();
    let r = a.send("u SORT RETURN (UPDATE) (REVERSE SUBJECT) UTF-8 ALL\r\n");
    assert!(
        r.starts_with("* ESEARCH (TAG \"u\") ALL 3,2,1\r\nu OK"),
        "{r}"
    );
    let r = a.send("v UID SORT RETURN (COUNT UPDATE) (SUBJECT) UTF-8 ALL\r\n");
    assert!(
        r.starts_with("* ESEARCH (TAG \"v\") UID COUNT 3\r\n"),
        "{r}"
    );
    // SAVE reports nothing, so with UPDATE the starting result is answered, as for SEARCH.
    for cmd in [
        "SORT RETURN (SAVE UPDATE) (SUBJECT) UTF-8",
        "SEARCH RETURN (SAVE UPDATE)",
    ] {
        let r = a.send(&format!("w {cmd} ALL\r\n"));
        assert!(r.starts_with("* ESEARCH (TAG \"w\") ALL 1:3\r\n"), "{r}");
        a.send("c CANCELUPDATE \"w\"\r\n");
    }
    let mut b = a.other();
    b.append("INBOX", "c");
    b.append("INBOX", "e");
    let r = a.send("n NOOP\r\n");
    let exists = r.find("* 5 EXISTS\r\n").expect(&r);
    // f e d c b: the two are apart in the reverse order, so two pairs.
    let u = r
        .find("* ESEARCH (TAG \"u\") ADDTO (2 5 4 4)\r\n")
        .expect(&r);
    // b c d e f: each lands in its own place, counted after the one before went in.
    let v = r
        .find("* ESEARCH (TAG \"v\") UID ADDTO (2 4 4 5)\r\n")
        .expect(&r);
    assert!(exists < u && exists < v, "ADDTO after EXISTS: {r}");
    // Neighbours in sort order arriving together are one pair, in that order.
    b.append("INBOX", "a2");
    b.append("INBOX", "a1");
    let r = a.send("n NOOP\r\n");
    assert!(r.contains("* ESEARCH (TAG \"u\") ADDTO (6 6:7)\r\n"), "{r}");
    assert!(
        r.contains("* ESEARCH (TAG \"v\") UID ADDTO (1 7,6)\r\n"),
        "{r}"
    );
}

#[test]
fn a_sort_context_removes_an_expunged_message_by_its_old_position_first() {
    let mut a = sorted_inbox();
    a.send("u SORT RETURN (UPDATE) (REVERSE SUBJECT) UTF-8 ALL\r\n");
    a.send("t STORE 2 +FLAGS.SILENT (\\Deleted)\r\n");
    let r = a.send("e EXPUNGE\r\n");
    // f d b: d is second, and sequence number 2 until the EXPUNGE.
    let at = r
        .find("* ESEARCH (TAG \"u\") REMOVEFROM (2 2)\r\n")
        .expect(&r);
    assert!(at < r.find("* 2 EXPUNGE").expect(&r), "{r}");
    // Another session's expunge of two neighbours in sort order: one pair.
    let mut b = a.other();
    b.send("s SELECT INBOX\r\n");
    b.send("t STORE 1:2 +FLAGS.SILENT (\\Deleted)\r\n");
    b.send("e EXPUNGE\r\n");
    let r = a.send("n NOOP\r\n");
    let at = r
        .find("* ESEARCH (TAG \"u\") REMOVEFROM (1 2,1)\r\n")
        .expect(&r);
    assert!(at < r.find(" EXPUNGE\r\n").expect(&r), "{r}");
}

#[test]
fn a_flag_change_moves_a_message_out_of_and_back_into_a_sort_context() {
    let mut a = sorted_inbox();
    let r = a.send("u UID SORT RETURN (UPDATE) (SUBJECT) UTF-8 UNSEEN\r\n");
    assert!(r.contains("UID ALL 1:3\r\n"), "{r}");
    let r = a.send("t STORE 2 +FLAGS (\\Seen)\r\n");
    assert!(
        r.contains("* ESEARCH (TAG \"u\") UID REMOVEFROM (2 2)\r\n"),
        "{r}"
    );
    let mut b = a.other();
    b.send("s SELECT INBOX\r\n");
    b.send("t STORE 2 -FLAGS (\\Seen)\r\n");
    let r = a.send("n NOOP\r\n");
    assert!(
        r.contains("* ESEARCH (TAG \"u\") UID ADDTO (2 2)\r\n"),
        "{r}"
    );
    // A change that keeps it matching says nothing.
    let r = a.send("t STORE 2 +FLAGS (\\Flagged)\r\n");
    assert!(!r.contains("ESEARCH"), "{r}");
    // CANCELUPDATE: silence after.
    assert!(a.send("c CANCELUPDATE \"u\"\r\n").starts_with("c OK"));
    let r = a.send("t STORE 1 +FLAGS (\\Seen)\r\n");
    assert!(!r.contains("ESEARCH"), "{r}");
}

#[test]
fn sorts_and_searches_share_the_limit_on_kept_contexts() {
    let mut a = sorted_inbox();
    let max = crate::imap::cmd::context::MAX_UPDATING;
    for i in 0..max {
        let cmd = if i % 2 == 0 {
            "SORT RETURN (UPDATE) (SUBJECT) UTF-8"
        } else {
            "SEARCH RETURN (UPDATE)"
        };
        let r = a.send(&format!("u{i} {cmd} ALL\r\n"));
        assert!(!r.contains("NOUPDATE"), "{r}");
    }
    // Refused but answered: the other return options still hold (§4.3.1).
    let r = a.send("v SORT RETURN (MIN UPDATE) (SUBJECT) UTF-8 ALL\r\n");
    assert!(r.contains("* NO [NOUPDATE \"v\"]"), "{r}");
    assert!(r.contains("* ESEARCH (TAG \"v\") MIN 1\r\nv OK"), "{r}");
    let r = a.send("u0 SORT RETURN (UPDATE) (SUBJECT) UTF-8 ALL\r\n");
    assert!(r.starts_with("u0 BAD"), "{r}");
    // Leaving the mailbox frees them all.
    a.send("x UNSELECT\r\n");
    a.send("s SELECT INBOX\r\n");
    let r = a.send("u0 SORT RETURN (UPDATE CONTEXT) (SUBJECT) UTF-8 ALL\r\n");
    assert!(r.contains("u0 OK") && !r.contains("NOUPDATE"), "{r}");
}

#[test]
fn selecting_the_same_mailbox_again_ends_its_contexts() {
    let mut a = sorted_inbox();
    a.send("u SORT RETURN (UPDATE) (SUBJECT) UTF-8 ALL\r\n");
    a.send("v SEARCH RETURN (UPDATE) ALL\r\n");
    assert!(a.send("s SELECT INBOX\r\n").contains("s OK"));
    let mut b = a.other();
    b.append("INBOX", "a");
    let r = a.send("n NOOP\r\n");
    assert!(r.contains("* 4 EXISTS") && !r.contains("ESEARCH"), "{r}");
    assert!(a.s.updating.is_empty());
    // The tags are free again.
    let r = a.send("u SORT RETURN (UPDATE) (SUBJECT) UTF-8 ALL\r\n");
    assert!(r.contains("u OK"), "{r}");
}

/// The client's copy of a sort context, edited only by the ADDTO and REMOVEFROM lines it
/// gets, equals a fresh UID SORT after any mix of deliveries, flag changes and expunges.
#[test]
fn a_client_following_the_updates_holds_the_current_sort() {
    let mut a = sorted_inbox();
    let mut b = a.other();
    b.send("s SELECT INBOX\r\n");
    let sort = "UID SORT RETURN (ALL UPDATE) (REVERSE SUBJECT) UTF-8 UNSEEN";
    let r = a.send(&format!("u {sort}\r\n"));
    let mut client = uids_of(r.split("ALL ").nth(1).unwrap().lines().next().unwrap());
    let steps = [
        "APPEND c",
        "APPEND e",
        "STORE 1 +FLAGS (\\Seen)",
        "APPEND a",
        "APPEND g",
        "STORE 3 +FLAGS (\\Deleted)",
        "EXPUNGE",
        "STORE 1 -FLAGS (\\Seen)",
        "APPEND d",
        "STORE 2:4 +FLAGS (\\Seen)",
        "STORE 3 -FLAGS (\\Seen)",
    ];
    for (i, step) in steps.iter().enumerate() {
        match step.strip_prefix("APPEND ") {
            Some(subject) => b.append("INBOX", subject),
            None => assert!(b.send(&format!("t{i} {step}\r\n")).contains(" OK")),
        }
        let r = a.send("n NOOP\r\n");
        for line in r.lines().filter(|l| l.starts_with("* ESEARCH (TAG \"u\")")) {
            apply(&mut client, line);
        }
        let fresh = a.send("f UID SORT (REVERSE SUBJECT) UTF-8 UNSEEN\r\n");
        let fresh = uids_of(fresh.lines().next().unwrap().trim_start_matches("* SORT"));
        assert_eq!(client, fresh, "after {step}");
    }
}

/// `3,1:2` or `3 1 2` in their order.
fn uids_of(set: &str) -> Vec<u32> {
    let mut out = Vec::new();
    for part in set.split([',', ' ']).filter(|p| !p.is_empty()) {
        match part.split_once(':') {
            Some((lo, hi)) => out.extend(lo.parse::<u32>().unwrap()..=hi.parse().unwrap()),
            None => out.push(part.parse().unwrap()),
        }
    }
    out
}

/// Applies `* ESEARCH (TAG "u") UID ADDTO (p set p set)` or REMOVEFROM as RFC 5267 §4.3.3
/// and §4.3.4 say a client does.
fn apply(client: &mut Vec<u32>, line: &str) {
    let add = line.contains(" ADDTO (");
    let body = line.split_once(" (").unwrap().1.split_once(" (").unwrap().1;
    let words: Vec<&str> = body.trim_end_matches(')').split(' ').collect();
    for pair in words.chunks(2) {
        let at = pair[0].parse::<usize>().unwrap() - 1;
        for (i, uid) in uids_of(pair[1]).into_iter().enumerate() {
            if add {
                client.insert(at + i, uid);
            } else {
                assert_eq!(client.remove(at), uid, "{line}");
            }
        }
    }
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
