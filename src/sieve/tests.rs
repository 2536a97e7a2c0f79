//! Unit tests of the lexer, matching, variables and the run's action rules; the
//! differential corpus against Pigeonhole lives in `tests/sieve.rs`.

use super::*;

fn compile_err(s: &str) -> CompileError {
    compile(s, &Limits::default(), None).expect_err("should not compile")
}

fn run(script: &str, raw: &str) -> Result<Outcome, RuntimeError> {
    let p = compile(script, &Limits::default(), None).expect("compiles");
    let raw = raw.replace('\n', "\r\n");
    let env = Envelope {
        from: "a@example.org".into(),
        to: "b+x@example.com".into(),
        auth: None,
    };
    p.run(
        &Message::new(raw.as_bytes()),
        &env,
        &Environment::default(),
        None,
        &Limits::default(),
    )
}

const MSG: &str = "From: a@example.org\nTo: b@example.com\nSubject: Hello World\n\nbody\n";

#[test]
fn errors_point_at_line_and_column() {
    let e = compile_err("keep;\n  frob;");
    assert_eq!((e.line, e.column), (2, 3), "{e}");
    let e = compile_err("if true {\n keep;\n");
    assert!(e.message.contains("'}'"), "{e}");
    let e = compile_err("keep;\nfileinto \"x\";");
    assert_eq!((e.line, e.column), (2, 1), "{e}");
    assert!(e.message.contains("require \"fileinto\""), "{e}");
    let e = compile_err("keep; \"a\nb");
    assert_eq!(
        e.line, 1,
        "an unterminated string is reported where it starts: {e}"
    );
}

#[test]
fn columns_count_characters_not_bytes() {
    let e = compile_err("# é\n\"ü\" frob;");
    assert_eq!((e.line, e.column), (2, 1), "{e}");
    let e = compile_err("keep; /* ü */ frob;");
    assert_eq!(e.column, 15, "{e}");
}

#[test]
fn numbers_take_quantifiers_and_refuse_overflow() {
    assert!(compile("if size :over 1K { keep; }", &Limits::default(), None).is_ok());
    assert!(compile("if size :over 4G { keep; }", &Limits::default(), None).is_ok());
    assert!(
        compile_err("if size :over 99999999999999999999 { keep; }")
            .message
            .contains("too large")
    );
    assert!(
        compile_err("if size :over 99999999999G { keep; }")
            .message
            .contains("too large")
    );
}

#[test]
fn multiline_strings_unstuff_dots_and_accept_lf() {
    let o = run(
        "require \"reject\";\nreject text: # why\nline\n..dot\n.\n;",
        MSG,
    )
    .unwrap();
    assert_eq!(
        o.actions,
        vec![Action::Reject {
            reason: "line\r\n.dot\r\n".into(),
            extended: false
        }]
    );
    assert!(
        compile_err("require \"reject\"; reject text: x\n.\n;")
            .message
            .contains("line break")
    );
}

#[test]
fn encoded_character_only_when_required() {
    let o = run(
        "require [\"encoded-character\",\"fileinto\"]; fileinto \"${hex:41 42}${unicode:e9}\";",
        MSG,
    )
    .unwrap();
    assert!(matches!(&o.actions[0], Action::FileInto { mailbox, .. } if mailbox == "ABé"));
    let o = run("require \"fileinto\"; fileinto \"${hex:41}\";", MSG).unwrap();
    assert!(matches!(&o.actions[0], Action::FileInto { mailbox, .. } if mailbox == "${hex:41}"));
    // Malformed sequences stay as written; surrogates are not characters.
    let o = run(
        "require [\"encoded-character\",\"fileinto\"]; fileinto \"${unicode:d800}${hex:4}\";",
        MSG,
    )
    .unwrap();
    assert!(
        matches!(&o.actions[0], Action::FileInto { mailbox, .. } if mailbox == "${unicode:d800}\u{4}")
    );
}

#[test]
fn wildcards_capture_and_stay_linear() {
    use super::program::{Comparator, Match, MatchKind};
    let m = Match {
        cmp: Comparator::AsciiCasemap,
        kind: MatchKind::Matches,
    };
    let mut caps = Vec::new();
    assert!(matching::matches(
        &m,
        "Hello World",
        "h*o w?rld",
        &mut caps,
        &Default::default()
    ));
    assert_eq!(caps, vec!["Hello World", "ell", "o"]);
    assert!(!matching::matches(
        &m,
        "abc",
        "a\\*c",
        &mut caps,
        &Default::default()
    ));
    assert!(matching::matches(
        &m,
        "a*c",
        "a\\*c",
        &mut caps,
        &Default::default()
    ));
    // A pathological pattern on a long value answers quickly (no exponential backtracking).
    let value = "a".repeat(5000);
    let key = format!("{}b", "*a".repeat(50));
    assert!(!matching::matches(
        &m,
        &value,
        &key,
        &mut caps,
        &Default::default()
    ));
}

#[test]
fn ascii_numeric_treats_non_digits_as_infinity() {
    use super::program::Comparator::AsciiNumeric;
    use std::cmp::Ordering;
    assert_eq!(matching::order(AsciiNumeric, "007", "7"), Ordering::Equal);
    assert_eq!(
        matching::order(AsciiNumeric, "abc", "99999"),
        Ordering::Greater
    );
    assert_eq!(matching::order(AsciiNumeric, "x", "y"), Ordering::Equal);
    assert_eq!(
        matching::order(AsciiNumeric, &"9".repeat(60), "1"),
        Ordering::Greater
    );
}

#[test]
fn variables_expand_modify_and_stay_bounded() {
    use super::program::Modifier;
    let look = |n: &str| (n == "a").then(|| "x".to_string());
    assert_eq!(
        variables::expand("${a}-${A}-${b}-${-}-${", &look, 100),
        "x-x--${-}-${"
    );
    assert_eq!(
        variables::apply(&[Modifier::Upper, Modifier::Length], "abc".into()),
        "3"
    );
    assert_eq!(
        variables::apply(&[Modifier::QuoteWildcard], "a*?\\".into()),
        "a\\*\\?\\\\"
    );
    let o = run(
        "require [\"variables\",\"fileinto\"]; set \"a\" \"0123456789\";\
         set \"a\" \"${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}\"; set \"a\" \"${a}${a}${a}${a}${a}\";\
         set \"a\" \"${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}\"; set :length \"n\" \"${a}\"; fileinto \"${n}\";",
        MSG,
    )
    .unwrap();
    assert!(matches!(&o.actions[0], Action::FileInto { mailbox, .. } if mailbox == "4096"));
}

#[test]
fn implicit_keep_rules() {
    assert_eq!(run("", MSG).unwrap().implicit_keep, Some(vec![]));
    assert_eq!(run("discard;", MSG).unwrap().implicit_keep, None);
    assert_eq!(
        run("redirect \"x@example.net\";", MSG)
            .unwrap()
            .implicit_keep,
        None
    );
    let o = run("require \"copy\"; redirect :copy \"x@example.net\";", MSG).unwrap();
    assert_eq!(o.implicit_keep, Some(vec![]));
    let o = run(
        "require [\"fileinto\",\"copy\"]; fileinto :copy \"A\";",
        MSG,
    )
    .unwrap();
    assert_eq!(o.implicit_keep, Some(vec![]));
    let o = run("require \"vacation\"; vacation \"away\";", MSG).unwrap();
    assert!(
        o.implicit_keep.is_some(),
        "vacation does not cancel the implicit keep"
    );
    let o = run("require \"imap4flags\"; addflag \"\\\\Seen\";", MSG).unwrap();
    assert_eq!(o.implicit_keep, Some(vec!["\\Seen".to_string()]));
}

#[test]
fn action_conflicts_and_limits_are_runtime_errors() {
    let e = run(
        "require [\"reject\",\"fileinto\"]; fileinto \"A\"; reject \"no\";",
        MSG,
    )
    .unwrap_err();
    assert!(e.message.contains("conflicts"), "{e}");
    let e = run("require \"vacation\"; vacation \"a\"; vacation \"b\";", MSG).unwrap_err();
    assert!(e.message.contains("vacation"), "{e}");
    let many: String = (0..40).map(|i| format!("fileinto \"f{i}\";")).collect();
    let e = run(&format!("require \"fileinto\"; {many}"), MSG).unwrap_err();
    assert!(e.message.contains("too many actions"), "{e}");
    let e = run(
        "require \"variables\"; set \"a\" \"b\"; redirect \"${a}\";",
        MSG,
    )
    .unwrap_err();
    assert!(e.message.contains("invalid address"), "{e}");
}

#[test]
fn vacation_returns_what_delivery_needs() {
    let o = run(
        "require \"vacation-seconds\"; vacation :seconds 0 :subject \"Away\" :handle \"h\" \"r\";",
        MSG,
    )
    .unwrap();
    let Action::Vacation(v) = &o.actions[0] else {
        panic!("{o:?}")
    };
    assert_eq!(
        (v.period, v.handle.as_str(), v.subject.as_deref()),
        (0, "h", Some("Away"))
    );
    let o = run("require \"vacation\"; vacation :days 0 \"r\";", MSG).unwrap();
    let Action::Vacation(v) = &o.actions[0] else {
        panic!("{o:?}")
    };
    assert_eq!(v.period, 86_400, "the site's minimum period applies");
    assert_eq!(v.handle, "r<default-subject><default-from><NO-MIME>");
}

#[test]
fn editheader_edits_are_seen_by_later_tests_and_reported() {
    let o = run(
        "require [\"editheader\",\"fileinto\"]; addheader \"X-A\" \"1\"; deleteheader \"Subject\";\
         deleteheader \"Received\"; if allof(exists \"X-A\", not exists \"Subject\") { fileinto \"ok\"; }",
        "Received: x\nSubject: s\n\nb\n",
    )
    .unwrap();
    assert!(matches!(&o.actions[0], Action::FileInto { mailbox, .. } if mailbox == "ok"));
    assert_eq!(
        o.header_edits.len(),
        2,
        "Received is protected: {:?}",
        o.header_edits
    );
}

#[test]
fn duplicate_asks_the_tracker_and_reports_what_to_record() {
    struct Seen;
    impl DuplicateTracker for Seen {
        fn seen(&mut self, handle: &str, id: &str, _: u64) -> bool {
            handle == "h" && id == "<1@x>"
        }
    }
    let p = compile(
        "require \"duplicate\"; if duplicate :handle \"h\" { discard; }",
        &Limits::default(),
        None,
    )
    .unwrap();
    let raw = b"Message-ID: <1@x>\r\n\r\nb\r\n";
    let o = p
        .run(
            &Message::new(raw),
            &Envelope::default(),
            &Environment::default(),
            Some(&mut Seen),
            &Limits::default(),
        )
        .unwrap();
    assert_eq!(o.actions, vec![Action::Discard]);
    assert_eq!(
        o.duplicates,
        vec![("h".to_string(), "<1@x>".to_string(), 7 * 86400)]
    );
}

#[test]
fn spamtest_and_environment_come_from_the_caller() {
    let p = compile(
        "require [\"spamtest\",\"relational\",\"environment\",\"fileinto\"];\
         if spamtest :value \"ge\" \"5\" { fileinto \"Junk\"; }\
         if environment :is \"phase\" \"during\" { discard; }",
        &Limits::default(),
        None,
    )
    .unwrap();
    let mut e = Environment {
        spam: Some("7".into()),
        ..Environment::default()
    };
    e.items.insert("phase".into(), "during".into());
    let o = p
        .run(
            &Message::new(b"\r\n"),
            &Envelope::default(),
            &e,
            None,
            &Limits::default(),
        )
        .unwrap();
    assert_eq!(o.actions.len(), 2, "{o:?}");
}

#[test]
fn currentdate_uses_the_environment_clock() {
    let p = compile(
        "require [\"date\",\"relational\"]; if currentdate :zone \"+0000\" :is \"date\" \"2030-01-02\" { discard; }",
        &Limits::default(),
        None,
    )
    .unwrap();
    let now = chrono::DateTime::parse_from_rfc3339("2030-01-02T23:30:00-02:00").unwrap();
    let e = Environment {
        now,
        ..Environment::default()
    };
    let o = p
        .run(
            &Message::new(b"\r\n"),
            &Envelope::default(),
            &e,
            None,
            &Limits::default(),
        )
        .unwrap();
    assert_eq!(o.actions, vec![], "23:30 at -0200 is the 3rd in UTC");
}
