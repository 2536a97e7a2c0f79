//! Parser tests: every command form, the RFCs' own examples (RFC 3501 §6 and §8, RFC 4731,
//! RFC 5258 §5, RFC 7162), error cases and limits. Property tests are in `prop.rs`;
//! SEARCH, FETCH and STORE in `tests_msg.rs`.

use super::*;
use crate::imap::command::*;
use chrono::NaiveDate;

pub(super) fn p(s: &str) -> CommandBody {
    match parse_command(s.as_bytes()) {
        Ok(c) => c.body,
        Err(e) => panic!("{s:?}: {e:?}"),
    }
}

pub(super) fn err(s: &[u8]) -> ParseError {
    match parse_command(s) {
        Ok(c) => panic!("{:?} parsed as {c:?}", String::from_utf8_lossy(s)),
        Err(e) => e,
    }
}

pub(super) fn set(ranges: &[(u32, u32)]) -> SequenceSet {
    SequenceSet {
        ranges: ranges
            .iter()
            .map(|&(a, b)| {
                let n = |x| {
                    if x == u32::MAX {
                        SeqNum::Star
                    } else {
                        SeqNum::Value(x)
                    }
                };
                (n(a), n(b))
            })
            .collect(),
        saved: false,
    }
}

pub(super) const STAR: u32 = u32::MAX;

pub(super) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn simple_commands_and_tags() {
    use CommandBody as B;
    for (s, b) in [
        ("a002 NOOP", B::Noop),
        ("abcd CAPABILITY", B::Capability),
        ("A023 LOGOUT", B::Logout),
        ("a001 STARTTLS", B::StartTls),
        ("FXXZ CHECK", B::Check),
        ("A341 CLOSE", B::Close),
        ("A1 unselect", B::Unselect),
        ("A1 Idle", B::Idle),
        ("A1 NAMESPACE", B::Namespace),
        ("A202 EXPUNGE", B::Expunge { uids: None }),
    ] {
        assert_eq!(p(s), b, "{s}");
    }
    assert_eq!(
        p("A1 UID EXPUNGE 3000:3002"),
        B::Expunge {
            uids: Some(set(&[(3000, 3002)]))
        }
    );
    let c = parse_command(b"x.y-z!] noop").unwrap();
    assert_eq!(c.tag, "x.y-z!]");
}

#[test]
fn authentication_commands() {
    use CommandBody as B;
    assert_eq!(
        p("a001 LOGIN SMITH SESAME"),
        B::Login {
            user: "SMITH".into(),
            password: "SESAME".into()
        }
    );
    assert_eq!(
        p("A1 LOGIN {5}\r\nalice \"p\\\"w\\\\d\""),
        B::Login {
            user: "alice".into(),
            password: "p\"w\\d".into()
        }
    );
    assert_eq!(
        p("A001 AUTHENTICATE GSSAPI"),
        B::Authenticate {
            mechanism: "GSSAPI".into(),
            initial: None
        }
    );
    assert_eq!(
        p("A1 authenticate plain AGFsaWNlAHB3"),
        B::Authenticate {
            mechanism: "PLAIN".into(),
            initial: Some("AGFsaWNlAHB3".into())
        }
    );
    assert_eq!(
        p("A1 AUTHENTICATE PLAIN ="),
        B::Authenticate {
            mechanism: "PLAIN".into(),
            initial: Some("=".into())
        }
    );
    assert!(err(b"A1 AUTHENTICATE PLAIN AGF").message.contains("base64"));
    assert_eq!(
        p("A1 ENABLE condstore qresync"),
        B::Enable(vec!["CONDSTORE".into(), "QRESYNC".into()])
    );
    assert!(parse_command(b"A1 ENABLE").is_err());
    assert_eq!(p("A1 ID NIL"), B::Id(None));
    assert_eq!(
        p("a023 ID (\"name\" \"sodr\" \"version\" NIL)"),
        B::Id(Some(vec![
            ("name".into(), Some("sodr".into())),
            ("version".into(), None)
        ]))
    );
}

#[test]
fn select_examine_and_qresync() {
    use CommandBody as B;
    assert_eq!(
        p("A142 SELECT INBOX"),
        B::Select {
            mailbox: "INBOX".into(),
            read_only: false,
            condstore: false,
            qresync: None
        }
    );
    // The name is left as sent: folding INBOX is the session's job.
    assert_eq!(
        p("a002 select inbox"),
        B::Select {
            mailbox: "inbox".into(),
            read_only: false,
            condstore: false,
            qresync: None
        }
    );
    assert_eq!(
        p("A932 EXAMINE blurdybloop (CONDSTORE)"),
        B::Select {
            mailbox: "blurdybloop".into(),
            read_only: true,
            condstore: true,
            qresync: None
        }
    );
    let B::Select { qresync, .. } =
        p("A02 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))")
    else {
        panic!()
    };
    assert_eq!(
        qresync,
        Some(QResync {
            uidvalidity: 67890007,
            modseq: 20050715194045000,
            known_uids: Some(set(&[(41, 41), (43, 211), (214, 541)])),
            seq_match: None
        })
    );
    let B::Select { qresync, .. } = p("C01 SELECT INBOX (QRESYNC (67890007 \
         90060115194045000 1:29997 (5000,7500,9000,9990:9999 15000,22500,27000,29970,\
         29973,29976,29979,29982,29985,29988,29991,29994,29997)))")
    else {
        panic!()
    };
    let q = qresync.unwrap();
    assert_eq!(q.known_uids, Some(set(&[(1, 29997)])));
    let (seqs, uids) = q.seq_match.unwrap();
    assert_eq!(seqs.ranges.len(), 4);
    assert_eq!(uids.ranges.len(), 13);
    let B::Select { qresync, .. } = p("A1 SELECT INBOX (QRESYNC (1 2 (1 5)))") else {
        panic!()
    };
    assert_eq!(
        qresync.unwrap().seq_match,
        Some((set(&[(1, 1)]), set(&[(5, 5)])))
    );
    let B::Select {
        condstore, qresync, ..
    } = p("A1 SELECT INBOX (CONDSTORE QRESYNC (5 6))")
    else {
        panic!()
    };
    assert!(condstore && qresync.is_some_and(|q| q.known_uids.is_none()));
    assert!(parse_command(b"A1 SELECT INBOX (QRESYNC (1 0))").is_err());
    assert!(parse_command(b"A1 SELECT INBOX (QRESYNC (1 5 1:*))").is_err());
    assert!(parse_command(b"A1 SELECT INBOX (FOO)").is_err());
    assert_eq!(
        err(b"A1 SELECT").message,
        "SELECT: expected a mailbox name, found the end of the command"
    );
    assert_eq!(
        err(b"A1 SELECT ").message,
        "SELECT: expected a mailbox name, found the end of the command"
    );
}

#[test]
fn mailbox_management() {
    use CommandBody as B;
    assert_eq!(
        p("A003 CREATE owatagusiam/"),
        B::Create {
            mailbox: "owatagusiam/".into(),
            special_use: vec![]
        }
    );
    assert_eq!(
        p("t1 CREATE \"Important Messages\" (USE (\\Important \\Flagged))"),
        B::Create {
            mailbox: "Important Messages".into(),
            special_use: vec!["\\Important".into(), "\\Flagged".into()]
        }
    );
    assert!(parse_command(b"t1 CREATE x (FOO (\\Sent))").is_err());
    assert_eq!(
        p("A683 DELETE blurdybloop"),
        B::Delete("blurdybloop".into())
    );
    assert_eq!(
        p("A683 RENAME blurdybloop sarasoop"),
        B::Rename {
            from: "blurdybloop".into(),
            to: "sarasoop".into()
        }
    );
    assert_eq!(
        p("A002 SUBSCRIBE #news.comp.mail.mime"),
        B::Subscribe("#news.comp.mail.mime".into())
    );
    assert_eq!(
        p("A002 UNSUBSCRIBE #news.comp.mail.mime"),
        B::Unsubscribe("#news.comp.mail.mime".into())
    );
    assert_eq!(
        p("A002 LSUB \"#news.\" \"comp.mail.*\""),
        B::Lsub {
            reference: "#news.".into(),
            pattern: "comp.mail.*".into()
        }
    );
    assert_eq!(
        p("A042 STATUS blurdybloop (UIDNEXT MESSAGES)"),
        B::Status {
            mailbox: "blurdybloop".into(),
            items: vec![StatusItem::UidNext, StatusItem::Messages]
        }
    );
    let B::Status { items, .. } = p(
        "A1 STATUS x (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE HIGHESTMODSEQ \
         APPENDLIMIT)",
    ) else {
        panic!()
    };
    assert_eq!(items.len(), 9);
    assert!(parse_command(b"A1 STATUS x ()").is_err());
    assert_eq!(p("A1 GETQUOTAROOT INBOX"), B::GetQuotaRoot("INBOX".into()));
    assert_eq!(p("A1 GETQUOTA \"\""), B::GetQuota("".into()));
    // UTF-8 mailbox names in quoted strings and literals (RFC 9051 / UTF8=ACCEPT).
    assert_eq!(p("A1 DELETE \"Entwürfe\""), B::Delete("Entwürfe".into()));
    assert_eq!(p("A1 DELETE {3}\r\nfoo"), B::Delete("foo".into()));
    assert!(parse_command(b"A1 DELETE \"\xff\xfe\"").is_err());
    assert!(parse_command(b"A1 DELETE {2}\r\n\xff\xfe").is_err());
    // 8-bit in an atom.
    assert!(
        err("A1 DELETE Entwürfe".as_bytes())
            .message
            .contains("8-bit")
    );
}

fn list(s: &str) -> (ListSelection, String, Vec<String>, ListReturn) {
    match p(s) {
        CommandBody::List {
            selection,
            reference,
            patterns,
            returns,
        } => (selection, reference, patterns, returns),
        other => panic!("{other:?}"),
    }
}

#[test]
fn list_basic_and_extended() {
    let (sel, r, pats, ret) = list("A682 LIST \"\" *");
    assert_eq!(
        (sel, r.as_str(), pats, ret),
        (
            ListSelection::default(),
            "",
            vec!["*".to_string()],
            ListReturn::default()
        )
    );
    assert_eq!(list("A202 LIST ~/Mail/ %").1, "~/Mail/");
    assert_eq!(
        list("A103 LIST /usr/staff/jones \"\"").2,
        vec![String::new()]
    );
    assert_eq!(
        list("A1 LIST \"\" INBOX/%]x*").2,
        vec!["INBOX/%]x*".to_string()]
    );
    let (sel, _, pats, _) = list("A02 LIST (SUBSCRIBED) \"\" \"*\"");
    assert!(sel.subscribed && !sel.remote);
    assert_eq!(pats, vec!["*".to_string()]);
    let (sel, _, _, ret) = list("A03 LIST () \"\" \"%\" RETURN (CHILDREN)");
    assert_eq!(sel, ListSelection::default());
    assert!(ret.children && !ret.subscribed);
    let (sel, _, _, _) = list("A05 LIST (REMOTE SUBSCRIBED) \"\" \"*\"");
    assert!(sel.remote && sel.subscribed);
    assert!(list("A07 LIST \"\" \"%\" RETURN (SUBSCRIBED)").3.subscribed);
    let (sel, _, _, ret) =
        list("C04 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" \"%\" RETURN (CHILDREN)");
    assert!(sel.recursive_match && sel.subscribed && ret.children);
    let (_, _, pats, _) = list("E01 LIST () \"\" (\"INBOX\" \"Drafts\" \"Sent/%\")");
    assert_eq!(pats, vec!["INBOX", "Drafts", "Sent/%"]);
    let (sel, _, _, ret) =
        list("A1 LIST (SPECIAL-USE) \"\" * RETURN (SPECIAL-USE STATUS (MESSAGES UNSEEN))");
    assert!(sel.special_use && ret.special_use);
    assert_eq!(
        ret.status,
        Some(vec![StatusItem::Messages, StatusItem::Unseen])
    );
    assert!(parse_command(b"A1 LIST (RECURSIVEMATCH) \"\" %").is_err());
    assert!(parse_command(b"A1 LIST (BOGUS) \"\" %").is_err());
    assert!(parse_command(b"A1 LIST \"\" % RETURN (BOGUS)").is_err());
    assert!(parse_command(b"A1 LIST \"\" ()").is_err());
}

#[test]
fn append_single_multi_and_binary() {
    let line = b"A003 APPEND saved-messages (\\Seen) {13}\r\nFrom: a\r\n\r\nhi";
    let CommandBody::Append { mailbox, messages } = parse_command(line).unwrap().body else {
        panic!()
    };
    assert_eq!(mailbox, "saved-messages");
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].flags, vec![Flag::Seen]);
    assert_eq!(messages[0].data, b"From: a\r\n\r\nhi");
    assert!(!messages[0].binary);
    let line = b"A1 APPEND x (\\Draft $Junk) \" 7-Feb-1994 22:43:04 -0800\" {2+}\r\nab \
                 \"07-feb-1994 21:52:25 +0100\" ~{3}\r\n\0\x01\x02 {0}\r\n";
    let CommandBody::Append { messages, .. } = parse_command(line).unwrap().body else {
        panic!()
    };
    assert_eq!(messages.len(), 3);
    assert_eq!(
        messages[0].flags,
        vec![Flag::Draft, Flag::Keyword("$Junk".into())]
    );
    assert_eq!(messages[0].internal_date, Some(760_689_784));
    assert_eq!(messages[1].internal_date, Some(760_654_345));
    assert!(messages[1].binary && messages[1].data == b"\0\x01\x02");
    assert_eq!(messages[2].data, b"");
    assert!(parse_command(b"A1 APPEND x").is_err());
    assert!(parse_command(b"A1 APPEND x (\\Bogus) {1}\r\na").is_err());
    assert!(parse_command(b"A1 APPEND x \"31-Feb-1994 22:43:04 -0800\" {1}\r\na").is_err());
    assert!(parse_command(b"A1 APPEND x (\\Seen) \"hello\"").is_err());
    // A literal header must end its line; the framer would never produce this.
    assert!(err(b"A1 APPEND x {1} a").message.contains("end the line"));
    assert!(err(b"A1 APPEND x {5}\r\na").message.contains("longer"));
}

#[test]
fn copy_move_and_sets() {
    use CommandBody as B;
    assert_eq!(
        p("A003 COPY 2:4 MEETING"),
        B::Copy {
            uid: false,
            set: set(&[(2, 4)]),
            mailbox: "MEETING".into()
        }
    );
    assert_eq!(
        p("a UID MOVE 42:69 foo"),
        B::Move {
            uid: true,
            set: set(&[(42, 69)]),
            mailbox: "foo".into()
        }
    );
    assert_eq!(
        p("a MOVE *,5:*,1,3:4 \"a b\""),
        B::Move {
            uid: false,
            set: set(&[(STAR, STAR), (5, STAR), (1, 1), (3, 4)]),
            mailbox: "a b".into()
        }
    );
    let many = format!("A1 COPY {}1 x", "1:*,".repeat(10_000));
    assert!(err(many.as_bytes()).message.contains("too many ranges"));
    let ok = format!("A1 COPY {}1 x", "1:*,".repeat(9_999));
    assert!(parse_command(ok.as_bytes()).is_ok());
    assert!(parse_command(b"A1 COPY 1,,2 x").is_err());
    assert!(parse_command(b"A1 COPY 1: x").is_err());
    assert!(parse_command(b"A1 UID BOGUS 1").is_err());
}

#[test]
fn general_errors_carry_the_tag() {
    assert_eq!(err(b"").tag, None);
    assert_eq!(err(b"+ NOOP").tag, None);
    assert_eq!(err(b"A1").tag.as_deref(), Some("A1"));
    let e = err(b"A1 FROB");
    assert_eq!(
        (e.tag.as_deref(), e.message.as_str()),
        (Some("A1"), "FROB: unknown command")
    );
    assert!(err(b"A1 NOOP extra").message.contains("end of the command"));
    assert!(err(b"A1 NOOP\r\n").message.contains("line break"));
    // A literal where a command name or a tag must be.
    assert!(parse_command(b"A1 {4}\r\nNOOP").is_err());
    assert!(parse_command(b"{2}\r\nA1 NOOP").is_err());
    // 8-bit in atoms.
    assert!(parse_command("A1 LOGIN jürgen pw".as_bytes()).is_err());
    assert!(parse_command("A1 NOÖP".as_bytes()).is_err());
    // Quoted strings: no CR/LF/NUL, only \" and \\ escapes.
    assert!(parse_command(b"A1 LOGIN \"a\\b\" x").is_err());
    assert!(parse_command(b"A1 LOGIN \"a\0b\" x").is_err());
    assert!(parse_command(b"A1 LOGIN \"ab x").is_err());
    assert!(parse_command(b"A1 LOGIN {1}\r\n\0 x").is_err());
    // LITERAL+ and LITERAL- forms, and a bare LF after the header.
    assert_eq!(
        p("A1 LOGIN {5-}\r\nalice {2+}\npw"),
        CommandBody::Login {
            user: "alice".into(),
            password: "pw".into()
        }
    );
}

#[test]
fn framer_output_feeds_the_parser() {
    let mut f = Framer::new(Limits::default());
    f.push(b"A1 LOGIN {5}\r\nalice {3}\r\npwd\r\n");
    assert_eq!(f.next(), Some(Frame::Continue));
    assert_eq!(f.next(), Some(Frame::Continue));
    let Some(Frame::Line(line)) = f.next() else {
        panic!()
    };
    assert_eq!(
        parse_command(&line).unwrap().body,
        CommandBody::Login {
            user: "alice".into(),
            password: "pwd".into()
        }
    );
}

#[test]
fn rfc3501_section_8_and_section_6_commands_parse() {
    for s in [
        "a001 login mrc secret",
        "a002 select inbox",
        "a003 fetch 12 full",
        "a004 fetch 12 body[header]",
        "a005 store 12 +flags \\deleted",
        "a006 logout",
        "A101 LIST \"\" \"\"",
        "A102 LIST #news.comp.mail.misc \"\"",
        "A685 RENAME foo zowie",
        "A004 CREATE owatagusiam/blurdybloop",
        "A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])",
        "a047 NOOP",
    ] {
        assert!(parse_command(s.as_bytes()).is_ok(), "{s}");
    }
}
