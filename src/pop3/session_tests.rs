//! Unit tests of the session with an in-memory maildrop.

use base64::Engine;
use std::sync::{Arc, Mutex};

use super::*;

/// In-memory maildrop; `None` is a message another session expunged. Records deletions and
/// \Seen marks in shared state so tests can look after the session dropped it.
#[derive(Clone, Default)]
struct Log {
    deleted: Arc<Mutex<Vec<usize>>>,
    seen: Arc<Mutex<Vec<usize>>>,
}

struct MemDrop {
    msgs: Vec<Option<Vec<u8>>>,
    infos: Vec<MessageInfo>,
    log: Log,
}

impl Maildrop for MemDrop {
    fn messages(&self) -> &[MessageInfo] {
        &self.infos
    }
    fn read(&mut self, i: usize) -> Result<Vec<u8>, Pop3Error> {
        self.msgs
            .get(i)
            .cloned()
            .flatten()
            .ok_or(Pop3Error::Vanished)
    }
    fn mark_seen(&mut self, i: usize) -> Result<(), Pop3Error> {
        self.log.seen.lock().unwrap().push(i);
        Ok(())
    }
    fn delete(&mut self, idx: &[usize]) -> Result<(), Pop3Error> {
        self.log.deleted.lock().unwrap().extend_from_slice(idx);
        Ok(())
    }
}

fn mem(msgs: &[&[u8]], log: &Log) -> Box<dyn Maildrop> {
    let infos = msgs
        .iter()
        .enumerate()
        .map(|(i, m)| MessageInfo {
            size: wire::wire_size(m),
            uidl: format!("u{i}"),
        })
        .collect();
    Box::new(MemDrop {
        msgs: msgs.iter().map(|m| Some(m.to_vec())).collect(),
        infos,
        log: log.clone(),
    })
}

fn cfg(plaintext_ok: bool) -> Config {
    Config {
        hostname: "mx.test".into(),
        tls_active: false,
        tls_available: true,
        plaintext_ok,
    }
}

/// Feeds `input`, answering logins for "u"/"p" with `drop`; returns the output and last action.
fn run(s: &mut Session, input: &str, drop: &mut Option<Box<dyn Maildrop>>) -> (String, Action) {
    let mut out = Vec::new();
    s.receive(input.as_bytes());
    loop {
        match s.poll(&mut out) {
            Action::Authenticate { user, password } => {
                let r = if user == "u" && (password == "p w" || password == "p") {
                    drop.take().map_or(LoginResult::InUse, LoginResult::Ok)
                } else {
                    LoginResult::Rejected
                };
                s.login_result(r, &mut out);
            }
            // The driver sleeps here; the test need not.
            Action::Pause(_) => {}
            a => return (String::from_utf8(out).unwrap(), a),
        }
    }
}

fn logged_in(msgs: &[&[u8]], log: &Log) -> Session {
    let mut s = Session::new(cfg(true));
    let (out, _) = run(&mut s, "USER u\r\nPASS p\r\n", &mut Some(mem(msgs, log)));
    assert!(
        out.ends_with("+OK maildrop has 2 messages (28 octets)\r\n") || msgs.len() != 2,
        "{out}"
    );
    s
}

const TWO: [&[u8]; 2] = [b"A: 1\n\nbody\n", b"B: 2\n\n.dot\n"];

#[test]
fn full_session_with_deletion_only_at_quit() {
    let log = Log::default();
    let mut s = logged_in(&TWO, &log);
    let (out, _) = run(
        &mut s,
        "STAT\r\nLIST\r\nUIDL 2\r\nDELE 1\r\nDELE 1\r\nRETR 1\r\nSTAT\r\n",
        &mut None,
    );
    assert_eq!(
        out,
        "+OK 2 28\r\n+OK listing follows\r\n1 14\r\n2 14\r\n.\r\n+OK 2 u1\r\n+OK message 1 deleted\r\n\
         -ERR message 1 already deleted\r\n-ERR message 1 already deleted\r\n+OK 1 14\r\n"
    );
    assert!(log.deleted.lock().unwrap().is_empty());
    let (out, _) = run(&mut s, "RETR 2\r\n", &mut None);
    assert_eq!(out, "+OK 14 octets\r\nB: 2\r\n\r\n..dot\r\n.\r\n");
    assert_eq!(*log.seen.lock().unwrap(), vec![1]);
    let (out, a) = run(&mut s, "QUIT\r\n", &mut None);
    assert_eq!((out.as_str(), a), ("+OK mx.test bye\r\n", Action::Close));
    assert_eq!(*log.deleted.lock().unwrap(), vec![0]);
}

#[test]
fn rset_undeletes_and_dropped_connection_deletes_nothing() {
    let log = Log::default();
    let mut s = logged_in(&TWO, &log);
    let (out, _) = run(&mut s, "DELE 2\r\nRSET\r\nDELE 1\r\n", &mut None);
    assert!(out.contains("+OK maildrop has 2 messages\r\n"), "{out}");
    std::mem::drop(s); // no QUIT
    assert!(log.deleted.lock().unwrap().is_empty());
}

#[test]
fn bad_message_numbers() {
    let log = Log::default();
    let mut s = logged_in(&TWO, &log);
    for arg in ["0", "3", "-1", "x", "99999999999999999999999", "1x", ""] {
        let (out, _) = run(&mut s, &format!("RETR {arg}\r\n"), &mut None);
        assert!(out.starts_with("-ERR"), "RETR {arg}: {out}");
    }
    let mut s = logged_in(&TWO, &log);
    let (out, _) = run(&mut s, "TOP 1 x\r\nTOP 1\r\nLIST 1 2\r\n", &mut None);
    assert_eq!(out.matches("-ERR").count(), 3, "{out}");
}

#[test]
fn vanished_message_is_an_error_for_that_message_only() {
    let log = Log::default();
    let mut s = Session::new(cfg(true));
    let mut d = MemDrop {
        msgs: vec![None, Some(b"x\n".to_vec())],
        infos: vec![
            MessageInfo {
                size: 3,
                uidl: "a".into(),
            },
            MessageInfo {
                size: 3,
                uidl: "b".into(),
            },
        ],
        log,
    };
    d.msgs[0] = None;
    run(&mut s, "USER u\r\nPASS p\r\n", &mut Some(Box::new(d)));
    let (out, _) = run(&mut s, "RETR 1\r\nRETR 2\r\n", &mut None);
    assert!(
        out.starts_with("-ERR message 1: message has vanished"),
        "{out}"
    );
    assert!(out.ends_with("+OK 3 octets\r\nx\r\n.\r\n"), "{out}");
}

#[test]
fn top_and_capa() {
    let log = Log::default();
    let mut s = Session::new(cfg(true));
    let (out, _) = run(&mut s, "CAPA\r\n", &mut None);
    for c in [
        "TOP",
        "UIDL",
        "USER",
        "SASL PLAIN",
        "RESP-CODES",
        "AUTH-RESP-CODE",
        "PIPELINING",
        "STLS",
    ] {
        assert!(out.contains(&format!("\r\n{c}\r\n")), "{c} in {out}");
    }
    run(
        &mut s,
        "USER u\r\nPASS p\r\n",
        &mut Some(mem(&[b"H: v\n\nl1\nl2\n"], &log)),
    );
    let (out, _) = run(&mut s, "TOP 1 1\r\nCAPA\r\n", &mut None);
    assert!(
        out.starts_with("+OK top of message follows\r\nH: v\r\n\r\nl1\r\n.\r\n"),
        "{out}"
    );
    assert!(!out.contains("STLS") && !out.contains("USER"), "{out}");
}

#[test]
fn commands_before_auth_and_plaintext_policy() {
    let mut s = Session::new(cfg(false));
    let (out, _) = run(
        &mut s,
        "STAT\r\nUSER u\r\nAUTH PLAIN\r\nCAPA\r\n",
        &mut None,
    );
    assert!(out.starts_with("-ERR not authenticated"), "{out}");
    assert_eq!(out.matches("-ERR [AUTH] plaintext").count(), 2, "{out}");
    assert!(!out.contains("SASL") && out.contains("STLS"), "{out}");
    // STLS discards what was pipelined behind it.
    let (out, a) = run(&mut s, "STLS\r\nUSER u\r\n", &mut None);
    assert_eq!(
        (out.as_str(), a),
        ("+OK begin TLS negotiation\r\n", Action::StartTls)
    );
    s.tls_started();
    let (out, _) = run(&mut s, "", &mut None);
    assert_eq!(out, "");
    let log = Log::default();
    let (out, _) = run(
        &mut s,
        "USER u\r\nPASS p w\r\n",
        &mut Some(mem(&[b"x\n"], &log)),
    );
    assert!(
        out.ends_with("+OK maildrop has 1 messages (3 octets)\r\n"),
        "{out}"
    );
}

#[test]
fn auth_plain_initial_and_continuation() {
    let b64 = |s: &[u8]| base64::engine::general_purpose::STANDARD.encode(s);
    let log = Log::default();
    let mut s = Session::new(cfg(true));
    let (out, _) = run(
        &mut s,
        &format!("AUTH PLAIN {}\r\n", b64(b"\0u\0bad")),
        &mut None,
    );
    assert_eq!(out, "-ERR [AUTH] authentication failed\r\n");
    let (out, _) = run(
        &mut s,
        "AUTH PLAIN\r\n*\r\nAUTH PLAIN\r\n!!!\r\n",
        &mut None,
    );
    assert_eq!(
        out,
        "+ \r\n-ERR authentication canceled\r\n+ \r\n-ERR malformed AUTH PLAIN response\r\n"
    );
    let (out, _) = run(
        &mut s,
        &format!("AUTH PLAIN {}\r\n", b64(b"admin\0u\0p")),
        &mut None,
    );
    assert!(out.starts_with("-ERR [AUTH]"), "{out}");
    let mut s = Session::new(cfg(true));
    let (out, _) = run(
        &mut s,
        &format!("AUTH PLAIN\r\n{}\r\n", b64(b"u\0u\0p")),
        &mut Some(mem(&[], &log)),
    );
    assert_eq!(out, "+ \r\n+OK maildrop has 0 messages (0 octets)\r\n");
}

#[test]
fn in_use_and_repeated_failures_disconnect() {
    let mut s = Session::new(cfg(true));
    let (out, _) = run(&mut s, "USER u\r\nPASS p\r\n", &mut None);
    assert_eq!(
        out,
        "+OK send PASS\r\n-ERR [IN-USE] maildrop is locked by another POP3 session\r\n"
    );
    let (out, a) = run(
        &mut s,
        "USER u\r\nPASS x\r\nUSER u\r\nPASS x\r\nUSER u\r\nPASS x\r\nNOOP\r\n",
        &mut None,
    );
    assert_eq!(a, Action::Close);
    assert_eq!(s.auth_failures(), 3);
    assert!(
        out.ends_with("-ERR too many errors, closing connection\r\n"),
        "{out}"
    );
}

#[test]
fn failed_logins_are_answered_after_a_growing_pause_and_the_third_closes() {
    use std::time::Duration;
    let mut s = Session::new(cfg(true));
    s.receive(b"USER u\r\nPASS x\r\nUSER u\r\nPASS x\r\nUSER u\r\nPASS x\r\nNOOP\r\n");
    let mut out = Vec::new();
    let mut pauses = Vec::new();
    let last = loop {
        match s.poll(&mut out) {
            Action::Authenticate { .. } => {
                // Nothing about the failure is said before the pause.
                s.login_result(LoginResult::Rejected, &mut out);
                assert!(!String::from_utf8_lossy(&out).ends_with("failed\r\n"));
            }
            Action::Pause(d) => pauses.push(d),
            a => break a,
        }
    };
    assert_eq!(last, Action::Close);
    assert_eq!(
        pauses,
        [500, 1000, 2000].map(Duration::from_millis).to_vec(),
        "one pause per failure, growing"
    );
    let out = String::from_utf8(out).unwrap();
    assert_eq!(
        out.matches("-ERR [AUTH] authentication failed\r\n").count(),
        3
    );
    assert!(
        out.ends_with("-ERR too many errors, closing connection\r\n"),
        "{out}"
    );
}

#[test]
fn overlong_line_is_refused_and_closes_with_or_without_its_end() {
    for tail in ["", "\r\n", "\r\nNOOP\r\n"] {
        let mut s = Session::new(cfg(true));
        let long = format!("{}{tail}", "X".repeat(MAX_LINE * 3));
        let (out, a) = run(&mut s, &long, &mut None);
        assert_eq!(
            (out.as_str(), a),
            (
                "-ERR line too long (limit 1024 octets); closing connection\r\n",
                Action::Close
            )
        );
        assert!(s.is_done());
    }
    // Arriving a piece at a time changes nothing.
    let mut s = Session::new(cfg(true));
    for _ in 0..(MAX_LINE / 100) {
        assert_eq!(
            run(&mut s, &"Y".repeat(100), &mut None).1,
            Action::NeedInput
        );
    }
    assert_eq!(run(&mut s, &"Y".repeat(100), &mut None).1, Action::Close);
    // Exactly the limit is a line.
    let mut s = Session::new(cfg(true));
    let (out, a) = run(
        &mut s,
        &format!("NOOP{}\r\n", " ".repeat(MAX_LINE - 6)),
        &mut None,
    );
    assert_eq!(a, Action::NeedInput, "{out}");
}

#[test]
fn command_flood_closes() {
    let mut s = Session::new(cfg(true));
    let (out, a) = run(&mut s, &"BOGUS\r\n".repeat(100), &mut None);
    assert_eq!(a, Action::Close);
    assert_eq!(out.matches("-ERR").count() as u32, MAX_ERRORS + 1, "{out}");
    assert!(s.is_done());
}

#[test]
fn numbers_beyond_u32_are_refused_with_a_reason() {
    let log = Log::default();
    let mut s = logged_in(&TWO, &log);
    let (out, _) = run(
        &mut s,
        "TOP 1 4294967296\r\nTOP 1 -1\r\nRETR 4294967296\r\nDELE 18446744073709551617\r\nLIST +1\r\n",
        &mut None,
    );
    assert_eq!(
        out,
        "-ERR line count out of range (at most 4294967295)\r\n\
         -ERR invalid line count: expected digits 0-9 only\r\n\
         -ERR message number out of range (at most 4294967295)\r\n\
         -ERR message number out of range (at most 4294967295)\r\n\
         -ERR invalid message number: expected digits 0-9 only\r\n"
    );
    let (out, _) = run(&mut s, "TOP 1 4294967295\r\n", &mut None);
    assert!(out.starts_with("+OK top of message follows\r\n"), "{out}");
}

/// A numeric argument as a peer might write it: small, at the u32 edge, past u32 or u64, with
/// a sign, leading zeros, or junk.
fn number_text() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    prop_oneof![
        (0u64..5).prop_map(|n| n.to_string()),
        (u64::from(u32::MAX) - 2..u64::from(u32::MAX) + 3).prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<u128>().prop_map(|n| n.to_string()),
        "[-+]?0{0,30}[0-9]{0,40}",
        "[0-9a-zA-Z+.-]{0,12}",
    ]
}

proptest::proptest! {
    /// Every numeric argument of RETR, TOP, DELE, LIST and UIDL: +OK exactly when it is
    /// digits naming a message (and a line count within u32), else -ERR; never a panic, and
    /// the session keeps working.
    #[test]
    fn numeric_arguments_are_checked(verb in proptest::sample::select(vec!["RETR", "DELE", "LIST", "UIDL", "TOP"]),
                                     num in number_text(), lines in number_text()) {
        let log = Log::default();
        let mut s = logged_in(&TWO, &log);
        let line = if verb == "TOP" { format!("TOP {num} {lines}\r\n") } else { format!("{verb} {num}\r\n") };
        let (out, a) = run(&mut s, &line, &mut None);
        proptest::prop_assert_eq!(a, Action::NeedInput);
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        let valid_msg = digits(&num) && matches!(num.parse::<u32>(), Ok(1 | 2));
        let valid_lines = verb != "TOP" || (digits(&lines) && lines.parse::<u32>().is_ok());
        proptest::prop_assert_eq!(out.starts_with("+OK"), valid_msg && valid_lines, "{:?} -> {}", line, out);
        if digits(&num) && num.parse::<u32>().is_err() {
            proptest::prop_assert!(out.contains("out of range"), "{}", out);
        }
        let (out, _) = run(&mut s, "NOOP\r\n", &mut None);
        proptest::prop_assert_eq!(out, "+OK \r\n");
    }

    #[test]
    fn arbitrary_input_never_panics(chunks in proptest::collection::vec(proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300), 0..20),
                                    plain in proptest::prelude::any::<bool>()) {
        let log = Log::default();
        let mut s = Session::new(cfg(plain));
        let mut drop = Some(mem(&TWO, &log));
        let mut out = Vec::new();
        for c in chunks {
            s.receive(&c);
            // Also a valid login mid-stream, so the TRANSACTION state gets fuzzed too.
            s.receive(b"\r\nUSER u\r\nPASS p\r\n");
            loop {
                match s.poll(&mut out) {
                    Action::Authenticate { .. } => {
                        let r = drop.take().map_or(LoginResult::InUse, LoginResult::Ok);
                        s.login_result(r, &mut out);
                    }
                    Action::StartTls => s.tls_started(),
                    Action::Pause(_) => {}
                    Action::NeedInput => break,
                    Action::Close => return Ok(()),
                }
            }
        }
    }
}
