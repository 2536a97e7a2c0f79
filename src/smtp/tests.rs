//! Unit and property tests of the session state machine, with an in-memory policy.

use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use super::policy::*;
use super::session::*;
use crate::core::Address;

#[derive(Default)]
struct Store {
    committed: Vec<(Accepted, Vec<u8>)>,
    aborted: usize,
    auth_attempts: usize,
    /// What the mock's send limits refuse (`sendlimit.rs`), and the steps asked about.
    refuse_steps: Vec<&'static str>,
    send_steps: Vec<SendStep>,
}

struct Mock {
    store: Arc<Mutex<Store>>,
    full_disk: bool,
}

struct Sink {
    store: Arc<Mutex<Store>>,
    bytes: Vec<u8>,
    full_disk: bool,
}

impl MessageSink for Sink {
    fn id(&self) -> &str {
        "QID1"
    }
    fn write(&mut self, bytes: &[u8]) -> Result<(), SpoolError> {
        if self.full_disk && self.bytes.len() > 100 {
            return Err(SpoolError::NoSpace("full".into()));
        }
        self.bytes.extend_from_slice(bytes);
        Ok(())
    }
    fn commit(self: Box<Self>, envelope: &Accepted) -> Result<String, SpoolError> {
        self.store
            .lock()
            .unwrap()
            .committed
            .push((envelope.clone(), self.bytes));
        Ok("QID1".into())
    }
    fn abort(self: Box<Self>) {
        self.store.lock().unwrap().aborted += 1;
    }
}

impl Policy for Mock {
    fn check_recipient(&mut self, rcpt: &Address) -> RcptCheck {
        let rcpt = rcpt.without_detail("+");
        match (rcpt.domain().as_str(), rcpt.local()) {
            ("local.test", "full") => RcptCheck::OverQuota,
            ("local.test", "alice" | "bob" | "user") => RcptCheck::Local,
            ("local.test", _) => RcptCheck::UnknownLocal,
            ("backup.test", "known") => RcptCheck::Backup,
            ("backup.test", "gone") => RcptCheck::Unverified { refused: true },
            ("backup.test", _) => RcptCheck::Unverified { refused: false },
            _ => RcptCheck::NotLocal,
        }
    }
    fn authenticate(&mut self, _ip: IpAddr, user: &str, password: &str) -> AuthVerdict {
        let mut s = self.store.lock().unwrap();
        s.auth_attempts += 1;
        if s.auth_attempts > 5 {
            return AuthVerdict::Banned;
        }
        if user == "alice@local.test" && password == "secret" {
            AuthVerdict::Ok(Address::parse(user).unwrap())
        } else {
            AuthVerdict::Failed
        }
    }
    fn may_send_as(&mut self, user: &Address, from: &Address) -> bool {
        user == from || from.to_string() == "alias@local.test"
    }
    fn postmaster(&mut self) -> Option<Address> {
        Address::parse("user@local.test").ok()
    }
    fn send_limit(&mut self, _: &Address, step: SendStep) -> Option<crate::core::sendlimit::Hit> {
        sendlimit::mock(&mut self.store.lock().unwrap(), step)
    }
    fn begin_message(&mut self) -> Result<Box<dyn MessageSink>, SpoolError> {
        Ok(Box::new(Sink {
            store: self.store.clone(),
            bytes: Vec::new(),
            full_disk: self.full_disk,
        }))
    }
}

fn cfg(service: Service) -> SessionConfig {
    SessionConfig {
        hostname: "mx.local.test".into(),
        service,
        remote_ip: "192.0.2.1".parse().unwrap(),
        max_message_size: 10_000,
        max_recipients: 3,
        max_hops: 5,
        max_errors: 5,
        tls_available: true,
        trusted_network: false,
        plaintext_auth: false,
        allow_any_sender: false,
        rate_limits: Default::default(),
        client_rates: None,
    }
}

struct T {
    s: Session<Mock>,
    store: Arc<Mutex<Store>>,
}

impl T {
    fn new(service: Service) -> T {
        Self::with(cfg(service), false)
    }
    fn with(c: SessionConfig, full_disk: bool) -> T {
        let store = Arc::new(Mutex::new(Store::default()));
        T {
            s: Session::new(
                c,
                Mock {
                    store: store.clone(),
                    full_disk,
                },
            ),
            store,
        }
    }
    /// Feeds input and returns the replies as text plus the event.
    fn send(&mut self, input: &str) -> (String, Option<Event>) {
        self.send_bytes(input.as_bytes())
    }
    fn send_bytes(&mut self, input: &[u8]) -> (String, Option<Event>) {
        let mut out = Vec::new();
        let ev = self.s.feed(input, &mut out);
        (String::from_utf8(out).unwrap(), ev)
    }
    fn r(&mut self, input: &str) -> String {
        self.send(input).0
    }
    fn committed(&self) -> usize {
        self.store.lock().unwrap().committed.len()
    }
    fn body(&self, i: usize) -> Vec<u8> {
        self.store.lock().unwrap().committed[i].1.clone()
    }
}

fn codes(replies: &str) -> Vec<&str> {
    replies
        .lines()
        .filter(|l| l.as_bytes().get(3) == Some(&b' '))
        .map(|l| &l[..3])
        .collect()
}

const MSG: &str = "Subject: hi\r\n\r\nhello\r\n.\r\n";

#[test]
fn mx_happy_path_pipelined() {
    let mut t = T::new(Service::Mx);
    let out = t.r("EHLO c.example\r\nMAIL FROM:<x@remote.example>\r\nRCPT TO:<alice@local.test>\r\nRCPT TO:<bob+tag@local.test>\r\nDATA\r\n");
    assert_eq!(codes(&out), ["250", "250", "250", "250", "354"], "{out}");
    assert!(
        out.contains("250-PIPELINING") && out.contains("250-CHUNKING") && out.contains("STARTTLS")
    );
    assert!(!out.contains("AUTH"), "no AUTH on port 25: {out}");
    let out = t.r(MSG);
    assert_eq!(out, "250 2.0.0 Ok: queued as QID1\r\n");
    let body = String::from_utf8(t.body(0)).unwrap();
    assert!(
        body.starts_with("Received: from c.example (unknown [192.0.2.1])"),
        "{body}"
    );
    assert!(body.contains("with ESMTP id QID1"));
    assert!(body.ends_with("Subject: hi\r\n\r\nhello\r\n"), "{body:?}");
    let env = &t.store.lock().unwrap().committed[0].0;
    assert_eq!(env.recipients.len(), 2);
    assert_eq!(env.size as usize, body.len());
}

#[test]
fn dot_stuffing_is_undone() {
    let mut t = T::new(Service::Mx);
    t.r("HELO c\r\nMAIL FROM:<>\r\nRCPT TO:<alice@local.test>\r\nDATA\r\n");
    assert_eq!(codes(&t.r("S: x\r\n\r\n..leading dot\r\n.\r\n")), ["250"]);
    assert!(t.body(0).ends_with(b"\r\n.leading dot\r\n"));
}

#[test]
fn empty_message_and_stuffed_first_line() {
    let mut t = T::new(Service::Mx);
    t.r("EHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<alice@local.test>\r\nDATA\r\n");
    assert_eq!(codes(&t.r(".\r\n")), ["250"]);
    t.r("MAIL FROM:<>\r\nRCPT TO:<alice@local.test>\r\nDATA\r\n");
    assert_eq!(codes(&t.r("..first\r\n.\r\n")), ["250"]);
    assert!(t.body(1).ends_with(b"\r\n.first\r\n"));
}

#[test]
fn smuggling_variants_do_not_end_data() {
    for variant in ["\n.\n", "\n.\r\n", "\r\n.\n", "\r.\r"] {
        let mut t = T::new(Service::Mx);
        t.r("EHLO c\r\nMAIL FROM:<x@remote.example>\r\nRCPT TO:<alice@local.test>\r\nDATA\r\n");
        let smuggled = format!(
            "S: x\r\n\r\nbody{variant}MAIL FROM:<evil@remote.example>\r\nRCPT TO:<bob@local.test>\r\nDATA\r\n"
        );
        let out = t.r(&smuggled);
        assert_eq!(out, "", "{variant:?} ended DATA: {out}");
        let out = t.r("evil\r\n.\r\n");
        assert!(out.starts_with("550 5.6.11"), "{variant:?}: {out}");
        assert_eq!(t.committed(), 0);
    }
}

#[test]
fn relay_tricks_are_denied_on_mx() {
    let tricks = [
        "<user%other.example@local.test>",
        "<\"user@other.example\"@local.test>",
        "<@local.test:user@other.example>",
        "<other.example!user@local.test>",
        "<user@[192.0.2.9]>",
        "<user@[999.0.2.9]>",
    ];
    // Routing syntax is refused as syntax, not as relaying (issue 15 point 9).
    for trick in tricks {
        let mut t = T::new(Service::Mx);
        let out = t.r(&format!(
            "EHLO c\r\nMAIL FROM:<x@r.example>\r\nRCPT TO:{trick}\r\n"
        ));
        assert!(
            out.contains("\r\n501 5.1.3 Bad recipient address syntax"),
            "{trick}: {out}"
        );
    }
    let mut t = T::new(Service::Mx);
    let out = t.r("EHLO c\r\nMAIL FROM:<x@r.example>\r\nRCPT TO:<user@other.example>\r\n");
    assert!(
        out.ends_with("\r\n554 5.7.1 Relay access denied\r\n"),
        "{out}"
    );
    let mut t = T::new(Service::Mx);
    let out = t.r("EHLO c\r\nMAIL FROM:<x@r.example>\r\nRCPT TO:<nobody@local.test>\r\nRCPT TO:<full@local.test>\r\n");
    assert!(
        out.contains("550 5.1.1") && out.contains("452 4.2.2"),
        "{out}"
    );
    assert_eq!(t.r("DATA\r\n"), "554 5.5.1 No valid recipients\r\n");
}

#[test]
fn smtputf8_is_required_for_non_ascii_and_binarymime_refused() {
    let mut t = T::new(Service::Mx);
    t.r("EHLO c\r\n");
    assert!(
        t.r("MAIL FROM:<jörg@remote.example>\r\n")
            .starts_with("553 5.6.7")
    );
    assert!(
        t.r("MAIL FROM:<x@remote.example> BODY=BINARYMIME\r\n")
            .starts_with("555 5.5.4")
    );
    assert!(t.r("MAIL FROM:<x@remote.example>\r\n").starts_with("250"));
    assert!(
        t.r("RCPT TO:<bjørn@local.test>\r\n")
            .starts_with("553 5.6.7")
    );
    t.r("RSET\r\n");
    assert!(
        t.r("MAIL FROM:<jörg@remote.example> SMTPUTF8\r\n")
            .starts_with("250")
    );
    assert!(
        t.r("RCPT TO:<bjørn@local.test>\r\n")
            .starts_with("550 5.1.1")
    );
}

#[test]
fn bare_postmaster_is_accepted() {
    let mut t = T::new(Service::Mx);
    let out = t.r("EHLO c\r\nMAIL FROM:<x@remote.example>\r\nRCPT TO:<Postmaster>\r\n");
    assert!(out.ends_with("250 2.1.5 Ok\r\n"), "{out}");
}

#[test]
fn refused_recipients_count_towards_the_error_limit() {
    let mut t = T::new(Service::Mx);
    let (out, ev) = t.send("EHLO c\r\nMAIL FROM:<x@r.example>\r\nRCPT TO:<a@far.example>\r\nRCPT TO:<b@far.example>\r\nRCPT TO:<nobody@local.test>\r\nRCPT TO:<c@far.example>\r\nRCPT TO:<d@far.example>\r\nRCPT TO:<alice@local.test>\r\n");
    assert_eq!(ev, Some(Event::Close));
    assert!(
        out.ends_with("421 4.7.0 mx.local.test Too many errors, closing connection\r\n"),
        "{out}"
    );
}

#[test]
fn recipient_limit() {
    let mut t = T::new(Service::Mx);
    let out = t.r("EHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<alice@local.test>\r\nRCPT TO:<bob@local.test>\r\nRCPT TO:<user@local.test>\r\nRCPT TO:<alice@local.test>\r\n");
    assert_eq!(codes(&out), ["250", "250", "250", "250", "250", "452"]);
    assert!(out.ends_with("452 4.5.3 Too many recipients\r\n"));
}

#[test]
fn size_limits_at_mail_and_while_streaming() {
    let mut t = T::new(Service::Mx);
    assert!(
        t.r("EHLO c\r\nMAIL FROM:<> SIZE=20000\r\n")
            .ends_with("552 5.3.4 Message size exceeds fixed maximum message size\r\n")
    );
    t.r("MAIL FROM:<>\r\nRCPT TO:<alice@local.test>\r\nDATA\r\n");
    let line = format!("{}\r\n", "x".repeat(900));
    let mut out = String::new();
    for _ in 0..20 {
        out += &t.r(&line);
    }
    assert_eq!(out, "");
    assert!(t.r(".\r\n").starts_with("552 5.3.4"));
    assert_eq!(t.committed(), 0);
    // The session is back in command state, in step with the client.
    assert_eq!(t.r("NOOP\r\n"), "250 2.0.0 Ok\r\n");
}

#[test]
fn long_lines() {
    let mut t = T::new(Service::Mx);
    let out = t.r(&format!("EHLO {}\r\nNOOP\r\n", "a".repeat(600)));
    assert_eq!(
        out,
        "500 5.5.2 Line too long (512 octets is the limit)\r\n250 2.0.0 Ok\r\n"
    );
    t.r("EHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<alice@local.test>\r\nDATA\r\n");
    assert!(
        t.r(&format!("S: x\r\n\r\n{}\r\n.\r\n", "b".repeat(1200)))
            .starts_with("500 5.5.2")
    );
}

#[test]
fn hop_limit() {
    let mut t = T::new(Service::Mx);
    t.r("EHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<alice@local.test>\r\nDATA\r\n");
    let msg = "Received: x\r\n".repeat(6) + "\r\nbody\r\n.\r\n";
    assert!(t.r(&msg).starts_with("554 5.4.6"));
}

#[test]
fn error_flood_disconnects() {
    let mut t = T::new(Service::Mx);
    let (out, ev) = t.send("FOO\r\nBAR\r\nBAZ\r\nQUX\r\nQUUX\r\nNOOP\r\n");
    assert_eq!(ev, Some(Event::Close));
    assert!(
        out.ends_with("421 4.7.0 mx.local.test Too many errors, closing connection\r\n"),
        "{out}"
    );
    assert!(!out.contains("250"));
}

#[test]
fn nul_and_invalid_utf8_in_commands() {
    let mut t = T::new(Service::Mx);
    assert!(
        t.send_bytes(b"EHLO a\0b\r\n")
            .0
            .starts_with("500 5.5.2 NUL")
    );
    assert!(
        t.send_bytes(b"EHLO \xff\xfe\r\n")
            .0
            .starts_with("501 5.5.2")
    );
}

#[test]
fn starttls_discards_pipelined_plaintext() {
    let mut t = T::new(Service::Submission);
    let (out, ev) = t.send("EHLO c\r\nSTARTTLS\r\nMAIL FROM:<alice@local.test>\r\n");
    assert_eq!(ev, Some(Event::StartTls));
    assert!(out.ends_with("220 2.0.0 Ready to start TLS\r\n"), "{out}");
    t.s.tls_started("TLSv1.3", "TLS13_AES_128_GCM_SHA256");
    // The injected MAIL was discarded and EHLO state forgotten.
    assert!(
        t.r("MAIL FROM:<alice@local.test>\r\n")
            .starts_with("503 5.5.1")
    );
    let out = t.r("EHLO c\r\n");
    assert!(
        out.contains("AUTH PLAIN LOGIN") && !out.contains("STARTTLS"),
        "{out}"
    );
}

#[test]
fn submission_needs_tls_then_auth() {
    let mut t = T::new(Service::Submission);
    let out = t.r("EHLO c\r\n");
    assert!(!out.contains("AUTH"), "{out}");
    assert_eq!(
        t.r("AUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAc2VjcmV0\r\n"),
        "530 5.7.0 Must issue a STARTTLS command first\r\n"
    );
    assert!(
        t.r("MAIL FROM:<alice@local.test>\r\n")
            .starts_with("530 5.7.0")
    );
    t.s.tls_started("TLSv1.3", "X");
    t.r("EHLO c\r\n");
    // Wrong password, then PLAIN with a foreign authzid, then right.
    assert!(
        t.r("AUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAd3Jvbmc=\r\n")
            .starts_with("535 5.7.8")
    );
    // "bob@local.test\0alice@local.test\0secret"
    assert!(
        t.r("AUTH PLAIN Ym9iQGxvY2FsLnRlc3QAYWxpY2VAbG9jYWwudGVzdABzZWNyZXQ=\r\n")
            .starts_with("535 5.7.8 Authorization")
    );
    assert_eq!(
        t.r("AUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAc2VjcmV0\r\n"),
        "235 2.7.0 Authentication successful\r\n"
    );
    assert!(
        t.r("MAIL FROM:<bob@local.test>\r\n")
            .starts_with("553 5.7.1")
    );
    assert!(t.r("MAIL FROM:<alias@local.test>\r\n").starts_with("250"));
    assert!(
        t.r("RCPT TO:<someone@far.example>\r\n")
            .starts_with("250 2.1.5")
    );
    t.r("DATA\r\n");
    assert!(
        t.r(&format!("From: alias@local.test\r\n{MSG}"))
            .starts_with("250 2.0.0")
    );
    let body = String::from_utf8(t.body(0)).unwrap();
    assert!(
        body.contains("(Authenticated sender: alice@local.test)") && body.contains("with ESMTPSA"),
        "{body}"
    );
    assert!(!t.store.lock().unwrap().committed[0].0.recipients[0].local);
}

#[test]
fn allow_any_sender_lifts_the_sender_check() {
    let mut c = cfg(Service::Submissions);
    c.allow_any_sender = true;
    let mut t = T::with(c, false);
    t.s.tls_started("TLSv1.3", "X");
    t.r("EHLO c\r\nAUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAc2VjcmV0\r\n");
    assert!(
        t.r("MAIL FROM:<someone@else.example>\r\n")
            .starts_with("250 2.1.0")
    );
}

#[test]
fn auth_login_with_and_without_initial_response() {
    let mut c = cfg(Service::Submission);
    c.plaintext_auth = true;
    let mut t = T::with(c.clone(), false);
    t.r("EHLO c\r\n");
    assert_eq!(t.r("AUTH LOGIN\r\n"), "334 VXNlcm5hbWU6\r\n");
    assert_eq!(t.r("YWxpY2VAbG9jYWwudGVzdA==\r\n"), "334 UGFzc3dvcmQ6\r\n");
    assert_eq!(
        t.r("c2VjcmV0\r\n"),
        "235 2.7.0 Authentication successful\r\n"
    );
    let mut t = T::with(c.clone(), false);
    t.r("EHLO c\r\n");
    assert_eq!(
        t.r("AUTH LOGIN YWxpY2VAbG9jYWwudGVzdA==\r\n"),
        "334 UGFzc3dvcmQ6\r\n"
    );
    assert_eq!(t.r("*\r\n"), "501 5.0.0 Authentication canceled\r\n");
    assert_eq!(t.r("AUTH PLAIN\r\n"), "334 \r\n");
    assert_eq!(
        t.r("AGFsaWNlQGxvY2FsLnRlc3QAc2VjcmV0\r\n"),
        "235 2.7.0 Authentication successful\r\n"
    );
}

#[test]
fn repeated_auth_failures_end_in_a_ban() {
    // Across connections the policy's per-IP ban ends it (the mock bans after 5 attempts).
    let store = Arc::new(Mutex::new(Store::default()));
    let mut last = (String::new(), None);
    for _ in 0..3 {
        let mut c = cfg(Service::Submission);
        c.plaintext_auth = true;
        let mock = Mock {
            store: store.clone(),
            full_disk: false,
        };
        let mut t = T {
            s: Session::new(c, mock),
            store: store.clone(),
        };
        t.r("EHLO c\r\n");
        for _ in 0..3 {
            last = t.send("AUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAd3Jvbmc=\r\n");
            if last.1.is_some() {
                break;
            }
        }
    }
    assert_eq!(
        last.0,
        "421 4.7.0 Too many failed logins from your address; try again later\r\n"
    );
    assert_eq!(last.1, Some(Event::Close));
}

#[test]
fn bdat_chunks_and_last() {
    let mut t = T::new(Service::Mx);
    t.r("EHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<alice@local.test>\r\n");
    let out = t.r("BDAT 10\r\nSubject: aBDAT 8 LAST\r\n\r\n\r\nxy\r\n");
    assert_eq!(
        out, "250 2.0.0 Chunk received\r\n250 2.0.0 Ok: queued as QID1\r\n",
        "{out}"
    );
    assert!(t.body(0).ends_with(b"Subject: a\r\n\r\nxy\r\n"));
    // BDAT with no transaction: refused, and its chunk is skipped, not parsed as commands.
    let out = t.r("BDAT 6 LAST\r\nNOOP\r\nNOOP\r\n");
    assert_eq!(out, "503 5.5.1 Need MAIL command\r\n250 2.0.0 Ok\r\n");
    // BDAT 0 LAST ends a message.
    let out = t.r("MAIL FROM:<>\r\nRCPT TO:<alice@local.test>\r\nBDAT 4\r\nS:\r\nBDAT 0 LAST\r\n");
    assert!(out.ends_with("250 2.0.0 Ok: queued as QID1\r\n"), "{out}");
}

#[test]
fn disk_full_is_452_and_nothing_committed() {
    let mut t = T::with(cfg(Service::Mx), true);
    t.r("EHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<alice@local.test>\r\nDATA\r\n");
    let out = t.r(&format!("S: x\r\n\r\n{}\r\n.\r\n", "z".repeat(500)));
    assert_eq!(
        out,
        "452 4.3.1 Insufficient system storage; try again later\r\n"
    );
    assert_eq!(t.committed(), 0);
    assert_eq!(t.store.lock().unwrap().aborted, 1);
}

#[test]
fn sequence_errors_and_misc() {
    let mut t = T::new(Service::Mx);
    assert!(t.r("MAIL FROM:<>\r\n").starts_with("503 5.5.1"));
    t.r("HELO c\r\n");
    assert!(
        t.r("RCPT TO:<alice@local.test>\r\n")
            .starts_with("503 5.5.1")
    );
    assert!(t.r("DATA\r\n").starts_with("503 5.5.1"));
    assert!(t.r("VRFY alice\r\n").starts_with("252 2.5.2"));
    assert!(t.r("HELP\r\n").starts_with("214"));
    assert!(t.r("AUTH PLAIN AAAA\r\n").starts_with("503 5.5.1"));
    assert!(t.r("RSET\r\n").starts_with("250 2.0.0"));
    let (out, ev) = t.send("QUIT\r\nNOOP\r\n");
    assert_eq!(
        (out.as_str(), ev),
        ("221 2.0.0 Bye\r\n", Some(Event::Close))
    );
}

#[test]
fn byte_at_a_time_gives_the_same_result() {
    let script = "EHLO c\r\nMAIL FROM:<x@r.example>\r\nRCPT TO:<alice@local.test>\r\nDATA\r\nS: y\r\n\r\n..z\r\n.\r\nQUIT\r\n";
    let mut whole = T::new(Service::Mx);
    let a = whole.r(script);
    let mut bytes = T::new(Service::Mx);
    let mut b = String::new();
    for byte in script.as_bytes() {
        b += &bytes.send_bytes(std::slice::from_ref(byte)).0;
    }
    assert_eq!(a, b);
    assert_eq!(
        whole.body(0)[whole.body(0).len() - 12..],
        bytes.body(0)[bytes.body(0).len() - 12..]
    );
}

mod backupmx;
mod headers;
mod props;
mod screen;
mod sendlimit;
mod smuggling;
mod wire;

#[test]
fn dsn_is_advertised_and_its_parameters_reach_the_envelope() {
    let mut t = T::new(Service::Mx);
    let out = t.r("EHLO c.example\r\nMAIL FROM:<x@remote.example> RET=HDRS ENVID=a+2Bb\r\nRCPT TO:<alice@local.test> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;Alice+40old.test\r\nRCPT TO:<bob@local.test> NOTIFY=NEVER\r\nRCPT TO:<bob+x@local.test>\r\nDATA\r\n");
    assert!(out.contains("250-DSN\r\n"), "{out}");
    assert_eq!(
        codes(&out),
        ["250", "250", "250", "250", "250", "354"],
        "{out}"
    );
    t.r(MSG);
    let env = t.store.lock().unwrap().committed[0].0.clone();
    use crate::core::dsn::{Notify, Ret};
    assert_eq!(env.dsn.ret, Some(Ret::Hdrs));
    assert_eq!(env.dsn.envid.as_deref(), Some("a+b"));
    let r = &env.recipients;
    assert_eq!(r[0].dsn.notify, Notify(Notify::SUCCESS | Notify::DELAY));
    assert_eq!(r[0].dsn.orcpt.as_deref(), Some("Alice@old.test"));
    assert_eq!(r[1].dsn.notify, Notify(Notify::NEVER));
    assert_eq!(r[2].dsn, Default::default());
    // NEVER with anything else, and unknown RET values, are syntax errors (RFC 3461 §4).
    let out = t.r("MAIL FROM:<x@remote.example> RET=ALL\r\n");
    assert!(out.starts_with("501"), "{out}");
    let out =
        t.r("MAIL FROM:<x@remote.example>\r\nRCPT TO:<alice@local.test> NOTIFY=NEVER,SUCCESS\r\n");
    assert!(
        out.lines().nth(1).is_some_and(|l| l.starts_with("501")),
        "{out}"
    );
}

mod driven;
