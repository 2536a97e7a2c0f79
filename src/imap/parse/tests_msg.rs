//! Parser tests for the message commands: SEARCH (RFC 3501 §6.4.4, RFC 4731 ESEARCH,
//! RFC 5182, RFC 7162, RFC 5032), FETCH and STORE.

use super::tests::{STAR, d, err, p, set};
use super::*;
use crate::imap::command::*;

fn search(s: &str) -> (bool, Option<String>, Option<Vec<SearchReturn>>, SearchKey) {
    match p(s) {
        CommandBody::Search {
            uid,
            charset,
            returns,
            key,
        } => (uid, charset, returns, key),
        other => panic!("{other:?}"),
    }
}

#[test]
fn search_rfc_examples() {
    use SearchKey as K;
    let flagged_since_not_from = K::And(vec![
        K::Flagged,
        K::Since(d(1994, 2, 1)),
        K::Not(Box::new(K::From("Smith".into()))),
    ]);
    let (uid, cs, ret, key) = search("A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"");
    assert_eq!((uid, cs, ret), (false, None, None));
    assert_eq!(key, flagged_since_not_from);
    assert_eq!(
        search("A283 SEARCH TEXT \"string not in mailbox\"").3,
        K::Text("string not in mailbox".into())
    );
    let (_, cs, _, key) = search("A284 SEARCH CHARSET UTF-8 TEXT {6}\r\nXXXXXX");
    assert_eq!(cs.as_deref(), Some("UTF-8"));
    assert_eq!(key, K::Text("XXXXXX".into()));
    // RFC 4731.
    let (_, _, ret, key) =
        search("A282 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"");
    assert_eq!(ret, Some(vec![SearchReturn::Min, SearchReturn::Count]));
    assert_eq!(key, flagged_since_not_from);
    let (_, _, ret, _) = search("A283 SEARCH RETURN () FLAGGED");
    assert_eq!(ret, Some(vec![SearchReturn::All]));
    let (uid, _, ret, key) = search("A285 UID SEARCH RETURN (MIN MAX) 1:5000");
    assert!(uid);
    assert_eq!(ret, Some(vec![SearchReturn::Min, SearchReturn::Max]));
    assert_eq!(key, K::SequenceSet(set(&[(1, 5000)])));
    // RFC 5267 §4.2: CONTEXT is a hint, and alone it is RETURN ().
    let (_, _, ret, _) = search("B1 SEARCH RETURN (CONTEXT MIN UPDATE) UNSEEN");
    assert_eq!(ret, Some(vec![SearchReturn::Min, SearchReturn::Update]));
    let (_, _, ret, _) = search("B2 SEARCH RETURN (CONTEXT) UNSEEN");
    assert_eq!(ret, Some(vec![SearchReturn::All]));
    let (_, cs, ret, _) = search("A1 SEARCH RETURN (SAVE) CHARSET \"us-ascii\" UNSEEN");
    assert_eq!(
        (cs.as_deref(), ret),
        (Some("us-ascii"), Some(vec![SearchReturn::Save]))
    );
    // RFC 5182 `$`, RFC 7162 MODSEQ, RFC 5032 WITHIN.
    assert_eq!(
        search("A1 UID SEARCH UID $ SMALLER 4096").3,
        K::And(vec![
            K::Uid(SequenceSet {
                ranges: vec![],
                saved: true
            }),
            K::Smaller(4096)
        ])
    );
    assert_eq!(
        search("a SEARCH MODSEQ \"/flags/\\\\draft\" all 620162338").3,
        K::ModSeq(620162338)
    );
    assert_eq!(search("a SEARCH modseq 0").3, K::ModSeq(0));
    assert_eq!(search("a SEARCH YOUNGER 3600").3, K::Younger(3600));
    assert_eq!(search("a SEARCH older 60").3, K::Older(60));
}

#[test]
fn search_every_key() {
    use SearchKey as K;
    let (_, _, _, key) = search(
        "A1 SEARCH ALL ANSWERED DELETED DRAFT FLAGGED RECENT NEW OLD SEEN UNANSWERED \
         UNDELETED UNDRAFT UNFLAGGED UNSEEN KEYWORD $Junk UNKEYWORD Work BCC b CC c FROM f \
         TO t SUBJECT \"s s\" HEADER List-Id \"<x>\" BODY y TEXT z BEFORE \"1-Jan-2020\" \
         ON 02-feb-2021 SINCE 3-MAR-2022 SENTBEFORE 4-Apr-2023 SENTON 5-May-2024 \
         SENTSINCE 6-Jun-2025 LARGER 10 SMALLER 20 UID 1:*,7 2,4:* OR SEEN (FLAGGED DRAFT) \
         NOT (OR 1 2)",
    );
    let K::And(keys) = key else { panic!() };
    assert_eq!(keys.len(), 36);
    assert_eq!(keys[14], K::Keyword("$Junk".into()));
    assert_eq!(keys[21], K::Header("List-Id".into(), "<x>".into()));
    assert_eq!(keys[24], K::Before(d(2020, 1, 1)));
    assert_eq!(keys[25], K::On(d(2021, 2, 2)));
    assert_eq!(keys[32], K::Uid(set(&[(1, STAR), (7, 7)])));
    assert_eq!(keys[33], K::SequenceSet(set(&[(2, 2), (4, STAR)])));
    assert_eq!(
        keys[34],
        K::Or(
            Box::new(K::Seen),
            Box::new(K::And(vec![K::Flagged, K::Draft]))
        )
    );
    assert_eq!(
        keys[35],
        K::Not(Box::new(K::Or(
            Box::new(K::SequenceSet(set(&[(1, 1)]))),
            Box::new(K::SequenceSet(set(&[(2, 2)])))
        )))
    );
    assert_eq!(search("A1 SEARCH (SEEN)").3, K::Seen);
}

#[test]
fn search_errors_and_limits() {
    for bad in [
        &b"A1 SEARCH"[..],
        b"A1 SEARCH BOGUS",
        b"A1 SEARCH SINCE 30-Feb-2020",
        b"A1 SEARCH SINCE 1-Foo-2020",
        b"A1 SEARCH FROM",
        b"A1 SEARCH OR SEEN",
        b"A1 SEARCH (SEEN",
        b"A1 SEARCH ()",
        b"A1 SEARCH 0",
        b"A1 SEARCH 1:0",
        b"A1 SEARCH LARGER 99999999999999999999",
        b"A1 SEARCH YOUNGER 0",
        b"A1 SEARCH RETURN (BOGUS) ALL",
        b"A1 SEARCH MODSEQ \"/flags/x\" bogus 5",
        b"A1 SEARCH SEEN  UNSEEN",
        b"A1 SEARCH SINCE 1-Feb-94",
        b"A1 SEARCH SINCE 001-Feb-1994",
        b"A1 SEARCH SINCE \"1-Feb-1994",
    ] {
        assert!(
            parse_command(bad).is_err(),
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
    assert_eq!(
        err(b"A1 SEARCH FOO").message,
        "SEARCH: unknown search key FOO"
    );
    let deep = format!("A1 SEARCH {}SEEN{}", "(".repeat(40), ")".repeat(40));
    assert!(err(deep.as_bytes()).message.contains("nested too deeply"));
    let deep = format!("A1 SEARCH {}SEEN", "NOT ".repeat(100_000));
    assert!(err(deep.as_bytes()).message.contains("nested too deeply"));
    let ok = format!("A1 SEARCH {}SEEN", "NOT ".repeat(31));
    assert!(parse_command(ok.as_bytes()).is_ok());
    let many = format!("A1 SEARCH{}", " SEEN".repeat(1001));
    assert!(
        err(many.as_bytes())
            .message
            .contains("too many search keys")
    );
}

fn fetch(s: &str) -> (bool, SequenceSet, Vec<FetchAttr>, Option<u64>, bool) {
    match p(s) {
        CommandBody::Fetch {
            uid,
            set,
            items,
            changed_since,
            vanished,
        } => (uid, set, items, changed_since, vanished),
        other => panic!("{other:?}"),
    }
}

#[test]
fn fetch_attributes_and_macros() {
    use FetchAttr as A;
    let (uid, s, items, _, _) = fetch("A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])");
    assert!(!uid);
    assert_eq!(s, set(&[(2, 4)]));
    assert_eq!(
        items,
        vec![
            A::Flags,
            A::BodySection {
                peek: false,
                section: Section {
                    part: vec![],
                    text: Some(SectionText::HeaderFields(vec![
                        "DATE".into(),
                        "FROM".into()
                    ]))
                },
                partial: None
            }
        ]
    );
    let (uid, s, items, _, _) = fetch("A999 UID FETCH 4827313:4828442 FLAGS");
    assert!(uid);
    assert_eq!((s, items), (set(&[(4827313, 4828442)]), vec![A::Flags]));
    let full = vec![
        A::Flags,
        A::InternalDate,
        A::Rfc822Size,
        A::Envelope,
        A::Body,
    ];
    assert_eq!(fetch("a003 fetch 12 full").2, full);
    assert_eq!(fetch("a FETCH 1 ALL").2, full[..4].to_vec());
    assert_eq!(fetch("a FETCH 1 fast").2, full[..3].to_vec());
    assert_eq!(
        fetch("a004 fetch 12 body[header]").2,
        vec![A::BodySection {
            peek: false,
            section: Section {
                part: vec![],
                text: Some(SectionText::Header)
            },
            partial: None
        }]
    );
    let (_, _, items, _, _) = fetch(
        "a FETCH 1:* (ENVELOPE INTERNALDATE RFC822 RFC822.HEADER RFC822.SIZE RFC822.TEXT \
         BODY BODYSTRUCTURE UID MODSEQ BODY.PEEK[] BODY[1.2.3.MIME]<0.100> \
         BODY.PEEK[2.HEADER.FIELDS.NOT (\"x-spam\" Received)] BODY[3.TEXT] BODY[4] \
         BINARY[1.2]<5.10> BINARY.PEEK[] BINARY.SIZE[3])",
    );
    assert_eq!(items.len(), 18);
    assert_eq!(
        items[11],
        A::BodySection {
            peek: false,
            section: Section {
                part: vec![1, 2, 3],
                text: Some(SectionText::Mime)
            },
            partial: Some((0, 100))
        }
    );
    assert_eq!(
        items[12],
        A::BodySection {
            peek: true,
            section: Section {
                part: vec![2],
                text: Some(SectionText::HeaderFieldsNot(vec![
                    "x-spam".into(),
                    "Received".into()
                ]))
            },
            partial: None
        }
    );
    assert_eq!(
        items[14],
        A::BodySection {
            peek: false,
            section: Section {
                part: vec![4],
                text: None
            },
            partial: None
        }
    );
    assert_eq!(
        items[15],
        A::Binary {
            peek: false,
            part: vec![1, 2],
            partial: Some((5, 10))
        }
    );
    assert_eq!(items[17], A::BinarySize { part: vec![3] });
}

#[test]
fn fetch_modifiers_and_errors() {
    let (uid, _, _, cs, v) = fetch("s100 UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)");
    assert_eq!((uid, cs, v), (true, Some(12345), true));
    assert_eq!(fetch("a FETCH 1 FLAGS (CHANGEDSINCE 7)").3, Some(7));
    for (bad, msg) in [
        (&b"A1 FETCH 1 (FLAGS) (VANISHED)"[..], "VANISHED"),
        (b"A1 FETCH 1 FLAGS (CHANGEDSINCE 1 VANISHED)", "VANISHED"),
        (b"A1 FETCH 1 FOO", "unknown attribute FOO"),
        (b"A1 FETCH 1 (FLAGS ALL)", "unknown attribute ALL"),
        (b"A1 FETCH 1 BODY[MIME]", "MIME needs a part"),
        (b"A1 FETCH 1 BODY[]<0.0>", "must not be 0"),
        (b"A1 FETCH 1 BODY[]<5>", ". and a length"),
        (b"A1 FETCH 1 BODY[0]", "must not be 0"),
        (b"A1 FETCH 1 BODY[1.FOO]", "unknown section text"),
        (b"A1 FETCH 1 BINARY[1.TEXT]", "only part numbers"),
        (b"A1 FETCH 1 BINARY", "needs a [section]"),
        (b"A1 FETCH 1 BODY[HEADER.FIELDS ()]", "header field name"),
        (b"A1 FETCH 0 FLAGS", "0 is not a valid number"),
        (b"A1 FETCH 1:4294967296 FLAGS", "too large"),
        (b"A1 FETCH 1 (FLAGS", "expected a space or )"),
        (b"A1 FETCH 1 FLAGS (CHANGEDSINCE 0)", "must not be 0"),
    ] {
        let e = err(bad);
        assert!(
            e.message.contains(msg),
            "{}: {}",
            String::from_utf8_lossy(bad),
            e.message
        );
        assert_eq!(e.tag.as_deref(), Some("A1"));
    }
}

#[test]
fn store_forms() {
    use CommandBody as B;
    assert_eq!(
        p("A003 STORE 2:4 +FLAGS (\\Deleted)"),
        B::Store {
            uid: false,
            set: set(&[(2, 4)]),
            mode: StoreMode::Add,
            silent: false,
            flags: vec![Flag::Deleted],
            unchanged_since: None
        }
    );
    assert_eq!(
        p("a005 store 12 +flags \\deleted"),
        B::Store {
            uid: false,
            set: set(&[(12, 12)]),
            mode: StoreMode::Add,
            silent: false,
            flags: vec![Flag::Deleted],
            unchanged_since: None
        }
    );
    assert_eq!(
        p("a103 UID STORE 6,4,8 (UNCHANGEDSINCE 12121230045) -FLAGS.SILENT (\\Deleted $x)"),
        B::Store {
            uid: true,
            set: set(&[(6, 6), (4, 4), (8, 8)]),
            mode: StoreMode::Remove,
            silent: true,
            flags: vec![Flag::Deleted, Flag::Keyword("$x".into())],
            unchanged_since: Some(12121230045)
        }
    );
    let B::Store { flags, mode, .. } =
        p("A1 STORE $ FLAGS \\SEEN \\answered \\Flagged \\Draft \\Recent k")
    else {
        panic!()
    };
    assert_eq!(mode, StoreMode::Replace);
    assert_eq!(
        flags,
        vec![
            Flag::Seen,
            Flag::Answered,
            Flag::Flagged,
            Flag::Draft,
            Flag::Recent,
            Flag::Keyword("k".into())
        ]
    );
    assert!(matches!(p("A1 STORE 1 FLAGS ()"), B::Store { flags, .. } if flags.is_empty()));
    assert!(
        err(b"A1 STORE 1 +FLAGS \\Bogus")
            .message
            .contains("unknown system flag")
    );
    assert!(parse_command(b"A1 STORE 1 +FLAGS \\*").is_err());
    assert!(parse_command(b"A1 STORE 1 +FLAGS (\\*)").is_err());
    assert!(parse_command(b"A1 STORE 1 FLAG \\Seen").is_err());
    assert!(parse_command(b"A1 STORE 1 (UNCHANGEDSINCE x) FLAGS \\Seen").is_err());
}
