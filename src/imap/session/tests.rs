//! The session without sockets: bytes in, responses out, over a real Maildir in a tempdir.

use super::*;

fn cfg(plaintext_ok: bool) -> Config {
    Config {
        hostname: "mx.test".into(),
        tls_active: false,
        tls_available: true,
        plaintext_ok,
        append_limit: 1 << 20,
        limits: crate::imap::mailstore::Limits::default(),
    }
}

/// Feeds `input` to the session and plays the driver until it waits for more: a login with
/// the password `secret` succeeds (opening `maildir` with `quota`), any other fails.
pub(super) fn exchange(s: &mut Session, input: &[u8], maildir: &Path, quota: u64) -> Vec<u8> {
    s.receive(input);
    let mut out = Vec::new();
    loop {
        match s.poll(&mut out) {
            Action::Authenticate { user, password } => {
                let r = if password == "secret" {
                    LoginResult::Ok {
                        user,
                        maildir: maildir.to_path_buf(),
                        quota,
                    }
                } else {
                    LoginResult::Rejected
                };
                if s.login_result(r, &mut out).is_some() {
                    break;
                }
            }
            // The driver sleeps here; the test need not.
            Action::Flush | Action::Pause(_) => continue,
            _ => break,
        }
    }
    out
}

struct T {
    s: Session,
    dir: tempfile::TempDir,
}

impl T {
    fn new(plaintext_ok: bool) -> T {
        T {
            s: Session::new(cfg(plaintext_ok)),
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// Sends `input`, answers logins with the tempdir Maildir, returns all output.
    fn send(&mut self, input: &str) -> String {
        String::from_utf8_lossy(&self.send_raw(input.as_bytes())).into_owned()
    }

    /// [`T::send`] with bytes in and out.
    fn send_raw(&mut self, input: &[u8]) -> Vec<u8> {
        exchange(&mut self.s, input, self.dir.path(), 10 << 20)
    }

    fn logged_in() -> T {
        let mut t = T::new(true);
        let r = t.send("a LOGIN alice secret\r\n");
        assert!(r.starts_with("a OK [CAPABILITY"), "{r}");
        t
    }

    fn deliver(&self, text: &str) {
        crate::maildir::deliver::deliver(self.dir.path(), b"", &mut text.as_bytes()).unwrap();
    }
}

#[test]
fn passwords_are_refused_in_the_clear_unless_allowed() {
    let mut t = T::new(false);
    let g = String::from_utf8(t.s.greeting()).unwrap();
    assert!(g.contains("LOGINDISABLED") && g.contains("STARTTLS") && !g.contains("AUTH=PLAIN"));
    let r = t.send("a LOGIN alice secret\r\nb AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==\r\n");
    assert_eq!(
        r.lines()
            .filter(|l| l.contains("NO [PRIVACYREQUIRED]"))
            .count(),
        2,
        "{r}"
    );
}

#[test]
fn commands_pipelined_behind_starttls_are_dropped() {
    let mut t = T::new(false);
    t.s.receive(b"a STARTTLS\r\nb LOGIN alice secret\r\n");
    let mut out = Vec::new();
    assert_eq!(t.s.poll(&mut out), Action::StartTls);
    assert_eq!(out, b"a OK Begin TLS negotiation now\r\n");
    t.s.tls_started();
    out.clear();
    assert_eq!(t.s.poll(&mut out), Action::NeedInput);
    assert!(out.is_empty(), "injected LOGIN was executed: {out:?}");
    assert_eq!(t.s.user(), None);
}

#[test]
fn authenticate_plain_with_and_without_initial_response() {
    let mut t = T::new(true);
    assert!(
        t.send("a AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==\r\n")
            .contains("a OK")
    );
    let mut t = T::new(true);
    assert_eq!(t.send("a AUTHENTICATE PLAIN\r\n"), "+ \r\n");
    assert!(
        t.send("AGFsaWNlAHdyb25n\r\n")
            .contains("a NO [AUTHENTICATIONFAILED]")
    );
    assert_eq!(t.send("b AUTHENTICATE PLAIN\r\n"), "+ \r\n");
    assert_eq!(t.send("*\r\n"), "b BAD AUTHENTICATE cancelled\r\n");
}

#[test]
fn three_failed_logins_close_the_connection() {
    let mut t = T::new(true);
    t.s.receive(b"a LOGIN alice x\r\nb LOGIN alice y\r\nc LOGIN alice z\r\nd NOOP\r\n");
    let mut out = Vec::new();
    let mut pauses = Vec::new();
    let mut last;
    loop {
        last = t.s.poll(&mut out);
        match last {
            Action::Authenticate { .. } => {
                if let Some(a) = t.s.login_result(LoginResult::Rejected, &mut out) {
                    last = a;
                    break;
                }
                // Nothing is said about this failure before the driver's pause.
                let answered = String::from_utf8_lossy(&out)
                    .matches("AUTHENTICATIONFAILED")
                    .count();
                assert_eq!(answered, pauses.len());
            }
            Action::Pause(d) => pauses.push(d.as_millis()),
            _ => break,
        }
    }
    assert_eq!(last, Action::Close);
    assert_eq!(pauses, [500, 1000, 2000], "one growing pause per failure");
    let out = String::from_utf8(out).unwrap();
    assert_eq!(out.matches("NO [AUTHENTICATIONFAILED]").count(), 3, "{out}");
    assert!(out.ends_with("* BYE too many failed logins\r\n"), "{out}");
    assert!(!out.contains("d OK"));
}

#[test]
fn select_fetch_store_and_expunge_over_a_real_maildir() {
    let mut t = T::logged_in();
    t.deliver("Subject: one\r\n\r\nfirst\r\n");
    t.deliver("Subject: two\r\n\r\nsecond\r\n");
    let r = t.send("s SELECT inbox\r\n");
    assert!(
        r.contains("* 2 EXISTS\r\n") && r.contains("* 2 RECENT\r\n"),
        "{r}"
    );
    assert!(r.contains("s OK [READ-WRITE]"), "{r}");
    let r = t.send("f FETCH 2 (UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])\r\n");
    assert!(
        r.contains("* 2 FETCH (UID 2 BODY[HEADER.FIELDS (SUBJECT)] {16}\r\nSubject: two\r\n\r\n)"),
        "{r}"
    );
    let r = t.send("g FETCH 3 FLAGS\r\n");
    assert!(r.starts_with("g BAD no message 3"), "{r}");
    let r = t.send("h STORE 1 +FLAGS (\\Deleted)\r\n");
    assert!(r.contains("* 1 FETCH (FLAGS (\\Deleted \\Recent))"), "{r}");
    let r = t.send("i EXPUNGE\r\n");
    assert_eq!(r, "* 1 EXPUNGE\r\ni OK EXPUNGE completed\r\n");
    let r = t.send("j UID SEARCH ALL\r\n");
    assert_eq!(r, "* SEARCH 2\r\nj OK SEARCH completed\r\n");
}

/// A stored NUL never goes out in an ordinary literal (RFC 9051 §4.3): BODY[], RFC822 and
/// the rest carry 0x80 in its place (sizes unchanged, as Dovecot); BINARY sends literal8.
#[test]
fn nul_in_a_message_goes_out_only_in_literal8() {
    let mut t = T::logged_in();
    let raw = b"Subject: n\x00l\r\n\r\nbody\x00text\r\n";
    crate::maildir::deliver::deliver(t.dir.path(), b"", &mut &raw[..]).unwrap();
    assert!(t.send("s SELECT INBOX\r\n").contains("s OK"));
    let out = t.send_raw(
        b"f FETCH 1 (BODY.PEEK[] RFC822 RFC822.HEADER BODY.PEEK[TEXT] BODY.PEEK[1] ENVELOPE)\r\n",
    );
    assert!(!out.contains(&0), "{}", String::from_utf8_lossy(&out));
    let subj: &[u8] = b"Subject: n\x80l\r\n\r\nbody\x80text\r\n";
    let needle = [
        b"BODY[] {".as_slice(),
        raw.len().to_string().as_bytes(),
        b"}\r\n",
        subj,
    ]
    .concat();
    assert!(out.windows(needle.len()).any(|w| w == needle.as_slice()));
    let out = t.send_raw(b"b FETCH 1 (BINARY.PEEK[1] BINARY.PEEK[])\r\n");
    let needle = b"BINARY[1] ~{11}\r\nbody\x00text\r\n".as_slice();
    assert!(
        out.windows(needle.len()).any(|w| w == needle),
        "{}",
        String::from_utf8_lossy(&out)
    );
}

#[test]
fn a_large_fetch_is_written_in_pieces() {
    let mut t = T::logged_in();
    let body = "x".repeat(100 << 10);
    for _ in 0..8 {
        t.deliver(&format!("Subject: big\r\n\r\n{body}\r\n"));
    }
    t.send("s SELECT INBOX\r\n");
    t.s.receive(b"f FETCH 1:* BODY.PEEK[]\r\n");
    let mut out = Vec::new();
    let mut flushes = 0;
    loop {
        match t.s.poll(&mut out) {
            Action::Flush => {
                flushes += 1;
                assert!(
                    out.len() < FLUSH_AT + (200 << 10),
                    "buffer grew to {}",
                    out.len()
                );
                out.clear();
            }
            Action::NeedInput => break,
            a => panic!("{a:?}"),
        }
    }
    assert!(flushes >= 2, "only {flushes} flushes");
    assert!(String::from_utf8_lossy(&out).ends_with("f OK FETCH completed\r\n"));
}

#[test]
fn idle_reports_mail_delivered_meanwhile_and_ends_with_done() {
    let mut t = T::logged_in();
    t.send("s SELECT INBOX\r\n");
    assert_eq!(t.send("i IDLE\r\n"), "+ idling\r\n");
    let mut out = Vec::new();
    assert!(matches!(t.s.poll(&mut out), Action::Idle(_)));
    t.deliver("Subject: new\r\n\r\nhi\r\n");
    t.s.idle_wake(&mut out);
    let r = String::from_utf8(out).unwrap();
    assert!(r.contains("* 1 EXISTS\r\n"), "{r}");
    assert_eq!(t.send("DONE\r\n"), "i OK IDLE terminated\r\n");
}

#[test]
fn oversized_literals_and_lines_get_protocol_errors() {
    let mut t = T::logged_in();
    let r = t.send("a APPEND INBOX {99999999}\r\n");
    assert!(r.starts_with("a NO [TOOBIG]"), "{r}");
    let r = t.send(&format!("b {}\r\nc NOOP\r\n", "x".repeat(100 << 10)));
    assert_eq!(
        r,
        "* BYE [TOOBIG] command line longer than 65536 octets\r\n"
    );
    assert!(t.s.is_closing());
}

/// RFC 2971 §3.3 allows 30 field-value pairs of up to 1024 octets each; before login too
/// (imaptest's `id` group sends one of about 32 KB).
#[test]
fn a_pre_login_id_at_rfc_2971_size_is_answered() {
    let mut t = T::new(false);
    let mut cmd = String::from("a ID (");
    for i in 0..30 {
        let field = format!("f{i:02}{}", "k".repeat(1021));
        cmd.push_str(&format!("\"{field}\" \"{}\" ", "v".repeat(1024)));
    }
    cmd.pop();
    cmd.push_str(")\r\n");
    assert!(cmd.len() > 60_000, "{}", cmd.len());
    let r = t.send(&cmd);
    assert!(r.starts_with("* ID ("), "{r}");
    assert!(r.ends_with("a OK ID completed\r\n"), "{r}");
    assert!(!t.s.is_closing());
}

#[test]
fn a_line_far_over_the_limit_closes_even_without_its_crlf() {
    // 64 KiB before login (RFC 2971's largest ID fits) and after. Neither waits for the
    // line's end.
    let mut t = T::new(true);
    let r = t.send(&"x".repeat(65 << 10));
    assert_eq!(
        r,
        "* BYE [TOOBIG] command line longer than 65536 octets\r\n"
    );
    assert!(t.s.is_closing());
    let mut t = T::logged_in();
    for _ in 0..64 {
        assert_eq!(t.send(&"y".repeat(1 << 10)), "");
    }
    let r = t.send(&"y".repeat(1 << 10));
    assert_eq!(
        r,
        "* BYE [TOOBIG] command line longer than 65536 octets\r\n"
    );
    assert!(t.s.is_closing());
}

/// Every command that takes a mailbox name (or a LIST pattern) refuses invalid modified
/// UTF-7, U+2028/U+2029 and control characters however encoded, and raw 8-bit unless
/// IMAP4rev2 is enabled; nothing is created or subscribed.
#[test]
fn every_command_refuses_the_same_bad_names() {
    let mut t = T::logged_in();
    t.deliver("Subject: x\r\n\r\nx\r\n");
    assert!(t.send("s SELECT INBOX\r\n").contains("s OK"));
    let commands = [
        "CREATE {}",
        "DELETE {}",
        "RENAME {} Other",
        "RENAME INBOX {}",
        "EXAMINE {}",
        "STATUS {} (MESSAGES)",
        "APPEND {} (\\Seen) {1+}\r\nx",
        "COPY 1 {}",
        "MOVE 1 {}",
        "SUBSCRIBE {}",
        "UNSUBSCRIBE {}",
        "GETQUOTAROOT {}",
        "LIST \"\" {}",
        "LIST {} \"*\"",
        "LSUB \"\" {}",
        "SELECT {}",
    ];
    let names = [
        "\"Entw\u{fc}rfe\"", // raw 8-bit without IMAP4rev2
        "&Jjo",              // invalid modified UTF-7
        "\"A&ICg-B\"",       // U+2028 in modified UTF-7
        "\"A&ICk-B\"",       // U+2029
        "\"A&AIU-B\"",       // C1 control (NEL)
        "{3+}\r\nA\u{1}B",   // C0 control in a literal
        "{3+}\r\nA\u{7f}B",  // DEL
    ];
    for name in names {
        for c in commands {
            // A printable LIST pattern that is not modified UTF-7 matches nothing (as
            // Dovecot; imaptest's atoms).
            let undecodable = name == "&Jjo" || name == "\"A&AIU-B\"";
            if undecodable && (c.starts_with("LIST") || c.starts_with("LSUB")) {
                let r = t.send(&format!("t {}\r\n", c.replace("{}", name)));
                assert!(r.starts_with("t OK"), "{c}: {r}");
                continue;
            }
            let line = format!("t {}\r\n", c.replace("{}", name));
            let r = t.send(&line);
            let last = r.lines().last().unwrap_or("");
            assert!(
                last.starts_with("t NO") || last.starts_with("t BAD"),
                "{line:?} -> {r}"
            );
        }
    }
    // After ENABLE IMAP4rev2, 8-bit is fine, separators and controls still are not.
    assert!(t.send("e ENABLE IMAP4rev2\r\n").contains("e OK"));
    let r = t.send("c CREATE \"Entw\u{fc}rfe\"\r\n");
    assert!(r.contains("c OK"), "{r}");
    for bad in ["A\u{2028}B", "A\u{2029}B", "A\u{85}B"] {
        let r = t.send(&format!("c CREATE \"{bad}\"\r\nd LIST \"\" \"{bad}\"\r\n"));
        assert!(r.contains("c NO") && r.contains("d BAD"), "{bad:?}: {r}");
    }
    let r = t.send("l LIST \"\" *\r\nm LSUB \"\" *\r\n");
    assert!(
        !r.contains('\u{2028}') && !r.contains("A&ICg-B") && !r.contains("* LSUB"),
        "{r}"
    );
}

/// `NO [LIMIT]` (RFC 5530) at each per-user cap, and nothing changes when refused.
#[test]
fn per_user_caps_answer_no_limit() {
    let mut t = T::new(true);
    t.s.cfg.limits = crate::imap::mailstore::Limits {
        max_mailboxes: 8,
        max_subscriptions: 3,
        max_keywords: 4,
    };
    assert!(t.send("a LOGIN alice secret\r\n").starts_with("a OK"));
    // Five default folders; three more fit, and a parent created along the way counts.
    assert!(t.send("c CREATE One\r\n").contains("c OK"));
    let r = t.send("c CREATE Two/Three/Four\r\n");
    assert!(r.starts_with("c NO [LIMIT]"), "{r}");
    assert!(
        !t.dir.path().join(".Two").exists(),
        "nothing created on refusal"
    );
    assert!(t.send("c CREATE Two/Three\r\n").contains("c OK"));
    let r = t.send("c CREATE Nine\r\n");
    assert!(r.starts_with("c NO [LIMIT] at most 8 mailboxes"), "{r}");
    assert!(t.send("d DELETE One\r\n").contains("d OK"));
    assert!(t.send("c CREATE Nine\r\n").contains("c OK"));
    // The caps survive IDLE, which gives the index connection back and reopens it.
    assert_eq!(t.send("i IDLE\r\n"), "+ idling\r\n");
    assert!(t.send("DONE\r\n").starts_with("i OK"));
    let r = t.send("c CREATE Ten\r\n");
    assert!(r.starts_with("c NO [LIMIT]"), "{r}");
    // Subscriptions of names that do not exist count too; re-subscribing does not.
    for n in ["x1", "x2", "x3", "x3"] {
        let r = t.send(&format!("s SUBSCRIBE {n}\r\n"));
        assert!(r.contains("s OK"), "{n}: {r}");
    }
    let r = t.send("s SUBSCRIBE x4\r\n");
    assert!(r.starts_with("s NO [LIMIT] at most 3 subscriptions"), "{r}");
    assert!(
        t.send("u UNSUBSCRIBE x1\r\ns SUBSCRIBE x4\r\n")
            .contains("s OK")
    );
    // Keywords: too long (10 KiB), past the distinct cap; nothing stored on refusal.
    t.deliver("Subject: a\r\n\r\na\r\n");
    t.deliver("Subject: b\r\n\r\nb\r\n");
    assert!(t.send("x SELECT INBOX\r\n").contains("x OK"));
    let r = t.send(&format!("k STORE 1 +FLAGS ({})\r\n", "k".repeat(10 << 10)));
    assert!(r.starts_with("k NO [LIMIT] keyword of 10240 octets"), "{r}");
    assert!(t.send("k STORE 1 +FLAGS (a b c)\r\n").contains("k OK"));
    assert!(t.send("k STORE 2 +FLAGS (A d)\r\n").contains("k OK"));
    let r = t.send("k STORE 1:2 +FLAGS (e \\Seen)\r\n");
    assert!(
        r.starts_with("k NO [LIMIT] at most 4 distinct keywords"),
        "{r}"
    );
    let r = t.send("f FETCH 1:2 FLAGS\r\n");
    assert!(!r.contains("\\Seen") && !r.contains(" e"), "{r}");
    // COPY and MOVE bring keywords along: the destination's cap holds too.
    assert!(t.send("d DELETE Nine\r\nc CREATE Kw\r\n").contains("c OK"));
    let r = t.send("p APPEND Kw (w x y z) {1+}\r\nx\r\n");
    assert!(r.contains("p OK"), "{r}");
    assert!(t.send("x SELECT INBOX\r\n").contains("x OK"));
    let r = t.send("m MOVE 1 Kw\r\n");
    assert!(r.starts_with("m NO [LIMIT]"), "{r}");
    let r = t.send("m COPY 1:2 Kw\r\n");
    assert!(r.starts_with("m NO [LIMIT]"), "{r}");
    let r = t.send("p APPEND INBOX (f) {1+}\r\nx\r\n");
    assert!(r.starts_with("p NO [LIMIT]"), "{r}");
    let r = t.send("p APPEND INBOX (D) {1+}\r\nx\r\n");
    assert!(r.contains("p OK [APPENDUID"), "{r}");
}

#[test]
fn mailbox_names_that_escape_are_refused() {
    let mut t = T::logged_in();
    for bad in [
        "../x",
        "/etc",
        "a/../../b",
        "a//b",
        "x\u{1}y",
        "&Jjo",
        "a*",
        "%",
    ] {
        let r = t.send(&format!("a CREATE \"{bad}\"\r\n"));
        assert!(r.starts_with("a NO"), "{bad}: {r}");
        let r = t.send(&format!("b SELECT \"{bad}\"\r\n"));
        assert!(r.starts_with("b NO"), "{bad}: {r}");
    }
    assert!(!t.dir.path().parent().unwrap().join("x").exists());
}

#[test]
fn create_rules_come_from_the_store_with_their_response_codes() {
    let mut t = T::logged_in();
    assert!(
        t.send("a CREATE inbox\r\n")
            .starts_with("a NO [ALREADYEXISTS]")
    );
    let r = t.send("b CREATE Stuff (USE (\\Important))\r\n");
    assert!(r.starts_with("b NO [USEATTR]"), "{r}");
    assert!(
        t.send("c CREATE Stuff (USE (\\Flagged))\r\n")
            .starts_with("c OK")
    );
    let r = t.send("d LIST \"\" Stuff\r\n");
    assert!(r.contains("\\Flagged) \"/\" Stuff"), "{r}");
    assert!(t.send("e DELETE INBOX\r\n").starts_with("e NO"));
}

#[test]
fn before_login_a_peer_cannot_send_big_literals() {
    let mut t = T::new(true);
    let r = t.send("a LOGIN {5000}\r\n");
    assert!(
        r.starts_with("a NO [TOOBIG] literal larger than 4096"),
        "{r}"
    );
    // A password as a literal still works, and after login APPEND may be large.
    assert_eq!(
        t.send("d LOGIN alice {6}\r\n"),
        "+ Ready for literal data\r\n"
    );
    assert!(t.send("secret\r\n").starts_with("d OK"));
    assert_eq!(
        t.send("e APPEND INBOX {5000}\r\n"),
        "+ Ready for literal data\r\n"
    );
    let r = t.send(&format!("{}\r\n", "y".repeat(5000)));
    assert!(r.starts_with("e OK [APPENDUID"), "{r}");
}

#[test]
fn a_selected_mailbox_deleted_by_another_session_ends_with_bye() {
    let mut t = T::logged_in();
    assert!(t.send("a CREATE Work\r\n").starts_with("a OK"));
    assert!(t.send("b SELECT Work\r\n").contains("b OK"));
    let mut other = crate::imap::backend::Account::open(
        &crate::maildir::index::Indexes::Maildir,
        "",
        t.dir.path(),
    )
    .unwrap();
    other.delete("Work").unwrap();
    let r = t.send("c NOOP\r\n");
    assert!(r.starts_with("* BYE [UNAVAILABLE] mailbox Work"), "{r}");
    assert!(t.s.is_closing());
}

#[test]
fn an_examined_mailbox_refuses_every_change() {
    let mut t = T::logged_in();
    t.deliver("Subject: one\r\n\r\nfirst\r\n");
    assert!(t.send("a EXAMINE INBOX\r\n").contains("a OK [READ-ONLY]"));
    for cmd in [
        "STORE 1 +FLAGS (\\Seen)",
        "EXPUNGE",
        "MOVE 1 Trash",
        "UID EXPUNGE 1",
    ] {
        let r = t.send(&format!("b {cmd}\r\n"));
        assert!(r.contains("b NO [READ-ONLY]"), "{cmd}: {r}");
    }
    assert!(t.send("c COPY 1 Trash\r\n").contains("c OK [COPYUID"));
    // FETCH BODY[] does not set \Seen in a read-only mailbox.
    let r = t.send("d FETCH 1 (BODY[] FLAGS)\r\n");
    assert!(
        r.contains("FLAGS (\\Recent)") || r.contains("FLAGS ()"),
        "{r}"
    );
}

#[test]
fn commands_pipelined_behind_a_login_wait_for_its_answer() {
    let mut t = T::new(true);
    t.s.receive(b"a LOGIN alice secret\r\nb SELECT INBOX\r\n");
    let mut out = Vec::new();
    assert!(matches!(t.s.poll(&mut out), Action::Authenticate { .. }));
    // Polled again before the answer: nothing is read, nothing lost.
    assert_eq!(t.s.poll(&mut out), Action::NeedInput);
    assert!(out.is_empty());
    let ok = LoginResult::Ok {
        user: "alice".into(),
        maildir: t.dir.path().to_path_buf(),
        quota: 0,
    };
    assert!(t.s.login_result(ok, &mut out).is_none());
    assert_eq!(t.s.poll(&mut out), Action::NeedInput);
    let r = String::from_utf8(out).unwrap();
    assert!(
        r.starts_with("a OK") && r.contains("b OK [READ-WRITE]"),
        "{r}"
    );
}

#[test]
fn folder_names_with_dots_work_and_survive_a_new_session() {
    let mut t = T::logged_in();
    assert!(t.send("a CREATE \"v1.2\"\r\n").contains("a OK"));
    assert!(t.dir.path().join(".v1~2e2").join("cur").is_dir());
    let r = t.send("b APPEND \"v1.2\" {21}\r\n");
    assert!(r.starts_with("+"), "{r}");
    assert!(t.send("Subject: hi\r\n\r\nbody.\r\n\r\n").contains("b OK"));
    assert!(t.send("c CREATE \"v1.2/x.y\"\r\n").contains("c OK"));
    assert!(
        t.send("d RENAME \"v1.2/x.y\" \"v1.2/x~z\"\r\n")
            .contains("d OK")
    );
    assert!(t.dir.path().join(".v1~2e2.x~7ez").is_dir());
    // A fresh session (as after a restart) lists and opens it by the same name.
    let mut t2 = T::new(true);
    t2.dir = t.dir;
    assert!(t2.send("a LOGIN alice secret\r\n").contains("a OK"));
    let r = t2.send("e LIST \"\" \"v1*\"\r\n");
    assert!(
        r.contains("\"/\" v1.2\r\n") && r.contains("\"/\" v1.2/x~z\r\n"),
        "{r}"
    );
    let r = t2.send("f SELECT \"v1.2\"\r\n");
    assert!(r.contains("* 1 EXISTS") && r.contains("f OK"), "{r}");
    let r = t2.send("g FETCH 1 BODY.PEEK[HEADER.FIELDS (SUBJECT)]\r\n");
    assert!(r.contains("Subject: hi") && r.contains("g OK"), "{r}");
}
