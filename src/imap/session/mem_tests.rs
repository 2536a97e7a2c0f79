//! The session over the in-memory store (`crate::imap::backend::memory`): no disk, no
//! socket; bytes in, responses out, and the untagged updates checked line by line.

use super::*;
use crate::imap::backend::memory::Shared;

pub(super) struct M {
    s: Session,
    mail: Shared,
}

impl M {
    pub(super) fn new() -> M {
        let mail = Shared::new();
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

    /// Another session on the same account.
    pub(super) fn other(&self) -> M {
        let mut m = M::new();
        m.s = Session::with_store(self.s.cfg.clone(), self.mail.opener());
        m.mail = self.mail.clone();
        m
    }

    pub(super) fn send(&mut self, input: &str) -> String {
        // The Maildir path is ignored by the memory store: nothing on disk.
        let out =
            super::tests::exchange(&mut self.s, input.as_bytes(), Path::new("/nonexistent"), 0);
        String::from_utf8(out).unwrap()
    }
}

/// LOGIN → SELECT → APPEND → FETCH → STORE → SEARCH → EXPUNGE → CLOSE, with the
/// untagged responses each must carry.
#[test]
fn a_whole_session_over_the_memory_store() {
    let mut m = M::new();
    let r = m.send("a LOGIN alice secret\r\n");
    assert!(r.starts_with("a OK [CAPABILITY"), "{r}");

    let r = m.send("b SELECT INBOX\r\n");
    assert!(r.contains("* 0 EXISTS\r\n"), "{r}");
    assert!(r.contains("* OK [UIDNEXT 1]"), "{r}");
    assert!(r.contains("b OK [READ-WRITE]"), "{r}");

    // APPEND to the selected mailbox: its EXISTS comes before the tagged OK.
    let msg = "Subject: hello\r\n\r\nbody\r\n";
    let r = m.send(&format!(
        "c APPEND INBOX (\\Flagged) {{{}+}}\r\n{msg}\r\n",
        msg.len()
    ));
    assert!(r.starts_with("* 1 EXISTS\r\n"), "{r}");
    assert!(r.contains("c OK [APPENDUID "), "{r}");
    assert!(r.trim_end().ends_with(" 1] APPEND completed"), "{r}");

    // \Recent: this session is the first read-write one to see it (RFC 3501 §2.3.2).
    let r = m.send("d FETCH 1 (UID FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])\r\n");
    assert!(
        r.starts_with(
            "* 1 FETCH (UID 1 FLAGS (\\Flagged \\Recent) BODY[HEADER.FIELDS (SUBJECT)] {18}\r\nSubject: hello\r\n\r\n)\r\n"
        ),
        "{r}"
    );
    let r = m.send("e FETCH 1 BODY[]\r\n");
    assert!(
        r.contains(&format!("BODY[] {{{}}}\r\n{msg}", msg.len())),
        "{r}"
    );
    assert!(
        r.contains("FLAGS (\\Seen \\Flagged \\Recent)"),
        "implicit \\Seen: {r}"
    );

    let r = m.send("f STORE 1 +FLAGS (\\Deleted)\r\n");
    assert_eq!(
        r,
        "* 1 FETCH (FLAGS (\\Seen \\Flagged \\Deleted \\Recent))\r\nf OK STORE completed\r\n"
    );

    let r = m.send("g SEARCH DELETED\r\n");
    assert_eq!(r, "* SEARCH 1\r\ng OK SEARCH completed\r\n");
    let r = m.send("h SEARCH SUBJECT hello UNDELETED\r\n");
    assert_eq!(r, "* SEARCH\r\nh OK SEARCH completed\r\n");

    let r = m.send("i EXPUNGE\r\n");
    assert_eq!(r, "* 1 EXPUNGE\r\ni OK EXPUNGE completed\r\n");

    let r = m.send("j STATUS INBOX (MESSAGES UIDNEXT)\r\n");
    assert!(r.contains("(MESSAGES 0 UIDNEXT 2)"), "{r}");

    let r = m.send("k CLOSE\r\n");
    assert_eq!(r, "k OK CLOSE completed\r\n");
    let r = m.send("l FETCH 1 FLAGS\r\n");
    assert!(
        r.starts_with("l BAD"),
        "no mailbox selected after CLOSE: {r}"
    );
}

/// Two sessions on one account: delivery and the other session's changes arrive as
/// EXISTS/RECENT, FETCH FLAGS and EXPUNGE, and expunges wait while they may not be sent.
#[test]
fn sessions_over_one_memory_account_see_each_other() {
    let mut a = M::new();
    a.send("a LOGIN alice secret\r\n");
    let mut b = a.other();
    b.send("a LOGIN alice secret\r\n");
    a.send("s SELECT INBOX\r\n");
    b.send("s SELECT INBOX\r\n");

    a.mail.deliver("INBOX", b"Subject: one\r\n\r\n1\r\n");
    a.mail.deliver("INBOX", b"Subject: two\r\n\r\n2\r\n");
    let r = a.send("n NOOP\r\n");
    assert_eq!(r, "* 2 EXISTS\r\n* 2 RECENT\r\nn OK NOOP completed\r\n");
    // \Recent went to the first session that saw them.
    let r = b.send("n NOOP\r\n");
    assert_eq!(r, "* 2 EXISTS\r\n* 0 RECENT\r\nn OK NOOP completed\r\n");

    let r = b.send("t STORE 2 +FLAGS.SILENT (\\Deleted)\r\n");
    assert_eq!(r, "t OK STORE completed\r\n");
    let r = a.send("n NOOP\r\n");
    assert_eq!(
        r,
        "* 2 FETCH (FLAGS (\\Deleted \\Recent))\r\nn OK NOOP completed\r\n"
    );

    b.send("e EXPUNGE\r\n");
    // FETCH may not report an expunge (RFC 3501 §7.4.1): the message stays a ghost.
    let r = a.send("f FETCH 1 FLAGS\r\n");
    assert!(!r.contains("EXPUNGE"), "{r}");
    let r = a.send("n NOOP\r\n");
    assert_eq!(r, "* 2 EXPUNGE\r\n* 1 EXISTS\r\nn OK NOOP completed\r\n");

    let r = a.send("u UID SEARCH ALL\r\n");
    assert_eq!(r, "* SEARCH 1\r\nu OK SEARCH completed\r\n");
}

/// RFC 3501 §7.2.6: a keyword new to a session is listed by an untagged FLAGS before any
/// FETCH shows it, whether this session set it (STORE), another did (NOOP), or it came
/// with a new message; and only once.
#[test]
fn new_keywords_are_listed_in_flags_before_fetch_shows_them() {
    let mut a = M::new();
    a.send("a LOGIN alice secret\r\n");
    let mut b = a.other();
    b.send("a LOGIN alice secret\r\n");
    a.mail.deliver("INBOX", b"Subject: one\r\n\r\n1\r\n");
    let r = a.send("s SELECT INBOX\r\n");
    assert!(
        r.contains("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded)\r\n"),
        "{r}"
    );
    b.send("s SELECT INBOX\r\n");

    let r = a.send("t STORE 1 +FLAGS ($Hello)\r\n");
    let flags = r.find("* FLAGS (").expect(&r);
    let perm = r.find("* OK [PERMANENTFLAGS (").expect(&r);
    let fetch = r.find("* 1 FETCH (FLAGS (\\Recent $Hello))").expect(&r);
    assert!(flags < fetch && perm < fetch, "{r}");
    assert!(r.contains("$Forwarded $Hello)\r\n"), "{r}");
    // Listed once: the same keyword again needs no FLAGS.
    let r = a.send("t STORE 1 FLAGS ($Hello \\Seen)\r\n");
    assert!(!r.contains("* FLAGS"), "{r}");

    // Set by another session: FLAGS comes with the NOOP that shows it.
    let r = b.send("n NOOP\r\n");
    let flags = r.find("* FLAGS (").expect(&r);
    assert!(flags < r.find("* 1 FETCH").expect(&r), "{r}");

    // On a message that arrives: listed before it can be fetched.
    let r = b.send(&format!(
        "c APPEND INBOX ($World) {{{}+}}\r\n{}\r\n",
        8, "x: y\r\n\r\n"
    ));
    assert!(r.contains("$Hello $World)\r\n"), "{r}");
    let r = a.send("n NOOP\r\n");
    assert!(r.contains("* FLAGS (") && r.contains("$World)"), "{r}");
}

/// RFC 3501 §6.3.9 and RFC 5258 (imaptest's `subscribe` and `listext`): LSUB `%` lists the
/// unsubscribed parent of a subscribed child as `\Noselect`; LIST (SUBSCRIBED) lists a
/// subscribed name that no longer exists as `\NonExistent`; RECURSIVEMATCH gives CHILDINFO
/// only for a subscribed child that is not listed itself.
#[test]
fn lsub_parents_nonexistent_subscriptions_and_childinfo() {
    let mut m = M::new();
    m.send("a LOGIN alice secret\r\n");
    for c in [
        "CREATE P/Kid",
        "CREATE P/Two",
        "CREATE Gone",
        "SUBSCRIBE P/Kid",
    ] {
        assert!(m.send(&format!("c {c}\r\n")).starts_with("c OK"), "{c}");
    }
    let r = m.send("l LSUB \"\" %\r\n");
    assert_eq!(r, "* LSUB (\\Noselect) \"/\" P\r\nl OK LSUB completed\r\n");
    let r = m.send("l LSUB \"\" P/%\r\n");
    assert_eq!(r, "* LSUB () \"/\" P/Kid\r\nl OK LSUB completed\r\n");

    m.send("s SUBSCRIBE Gone\r\n");
    m.send("d DELETE Gone\r\n");
    let r = m.send("l LIST (SUBSCRIBED) \"\" *\r\n");
    assert!(
        r.contains("* LIST (\\NonExistent \\Subscribed) \"/\" Gone\r\n"),
        "{r}"
    );
    assert!(r.contains("\\Subscribed) \"/\" P/Kid\r\n"), "{r}");

    let r = m.send("l LIST (SUBSCRIBED RECURSIVEMATCH) \"\" P\r\n");
    assert!(
        r.contains("\"/\" P (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n"),
        "{r}"
    );
    let r = m.send("l LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (P P/Kid)\r\n");
    assert!(!r.contains("CHILDINFO"), "{r}");
    assert!(r.contains("\"/\" P/Kid\r\n"), "{r}");
}

/// RFC 7162 §3.1 and §3.1.5 (imaptest's `esearch-condstore`): the first CONDSTORE enabling
/// command in a selected mailbox reports its HIGHESTMODSEQ; ESEARCH with only MIN and/or MAX
/// reports the MODSEQ of the message(s) returned, not of all that matched.
#[test]
fn condstore_enabling_fetch_and_min_max_modseq() {
    let mut m = M::new();
    m.send("a LOGIN alice secret\r\n");
    for i in 0..3 {
        m.mail
            .deliver("INBOX", format!("Subject: {i}\r\n\r\n{i}\r\n").as_bytes());
    }
    m.send("s SELECT INBOX\r\n");
    let r = m.send("f FETCH 1 MODSEQ\r\n");
    assert!(r.starts_with("* OK [HIGHESTMODSEQ "), "{r}");
    let r = m.send("f FETCH 1 MODSEQ\r\n");
    assert!(!r.contains("HIGHESTMODSEQ"), "only once: {r}");

    let modseq = |r: &str| -> u64 {
        let i = r.find("MODSEQ (").expect(r) + 8;
        r[i..].split(')').next().unwrap().parse().unwrap()
    };
    let m1 = modseq(&m.send("t STORE 1 +FLAGS (\\Seen)\r\n"));
    let m3 = modseq(&m.send("t STORE 3 +FLAGS (\\Seen)\r\n"));
    let m2 = modseq(&m.send("t STORE 2 +FLAGS (\\Seen)\r\n"));
    assert!(m1 < m3 && m3 < m2);
    let r = m.send("e SEARCH RETURN (MIN) 1:3 MODSEQ 1\r\n");
    assert!(r.contains(&format!("MIN 1 MODSEQ {m1}\r\n")), "{r}");
    let r = m.send("e SEARCH RETURN (MAX) 1:3 MODSEQ 1\r\n");
    assert!(r.contains(&format!("MAX 3 MODSEQ {m3}\r\n")), "{r}");
    let r = m.send("e SEARCH RETURN (MIN MAX) 1:3 MODSEQ 1\r\n");
    assert!(r.contains(&format!("MAX 3 MODSEQ {m3}\r\n")), "{r}");
    let r = m.send("e SEARCH RETURN (ALL) 1:3 MODSEQ 1\r\n");
    assert!(r.contains(&format!("ALL 1:3 MODSEQ {m2}\r\n")), "{r}");
}

/// RFC 2180 §4.1.4: a FETCH of a message another session expunged, while this session may
/// not yet be told (FETCH never reports expunges), answers what the view knows and NIL for
/// the content that is gone, with a tagged OK [EXPUNGEISSUED] (was: NO, which clients and
/// imaptest's stress treat as a failed command).
#[test]
fn fetch_of_a_message_expunged_elsewhere_answers_nil_content() {
    let mut a = M::new();
    a.send("a LOGIN alice secret\r\n");
    let mut b = a.other();
    b.send("a LOGIN alice secret\r\n");
    a.mail.deliver("INBOX", b"Subject: one\r\n\r\n1\r\n");
    a.mail.deliver("INBOX", b"Subject: two\r\n\r\n2\r\n");
    a.send("s SELECT INBOX\r\n");
    b.send("s SELECT INBOX\r\n");
    b.send("t STORE 1 +FLAGS.SILENT (\\Deleted)\r\n");
    b.send("e EXPUNGE\r\n");

    let r = a.send(
        "f FETCH 1:2 (UID RFC822.SIZE ENVELOPE BODYSTRUCTURE BODY.PEEK[] BODY.PEEK[HEADER] \
         BINARY.PEEK[1] BINARY.SIZE[1])\r\n",
    );
    let lines: Vec<&str> = r.split("\r\n").collect();
    assert!(
        lines[0].starts_with("* 1 FETCH (UID 1 RFC822.SIZE ")
            && lines[0].ends_with(
                " ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) BODYSTRUCTURE \
                 (\"text\" \"plain\" NIL NIL NIL \"7bit\" 0 0) BODY[] NIL BODY[HEADER] NIL \
                 BINARY[1] NIL BINARY.SIZE[1] 0)"
            ),
        "{r}"
    );
    assert!(r.contains("* 2 FETCH (UID 2 RFC822.SIZE "), "{r}");
    assert!(r.contains("Subject: two"), "{r}");
    assert!(!r.contains("EXPUNGE\r\n"), "{r}");
    assert!(
        lines[lines.len() - 2].starts_with("f OK [EXPUNGEISSUED] "),
        "{r}"
    );
    // The next command that may report it does, and then the message is gone.
    let r = a.send("n NOOP\r\n");
    assert!(r.starts_with("* 1 EXPUNGE\r\n"), "{r}");
    let r = a.send("f FETCH 1 BODY.PEEK[]\r\n");
    assert!(
        r.contains("Subject: two") && r.contains("f OK FETCH completed"),
        "{r}"
    );
}
