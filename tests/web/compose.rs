//! The webmail's write side over real HTTP (curl): sending through the submission path
//! (a From that is not the user's refused, as on port 587; the sending limit shown on the
//! form with the text kept), CSRF on sending and moving, an attachment sent from the form
//! arriving byte for byte, the copy in Sent, moving and "spam"/"not spam", another user's
//! message out of reach, search, and `\Seen` on opening.

use crate::common::maildir;
use crate::common::users::PASSWORD;
use crate::harness::{Answer, Client, Server, start};

const ALICE: &str = "alice@example.test";
const BOB: &str = "bob@example.test";

fn msg(from: &str, subject: &str, body: &str) -> String {
    format!(
        "From: {from}\r\nTo: alice@example.test\r\nSubject: {subject}\r\nDate: Sun, 6 Dec 2026 10:00:00 +0000\r\nMessage-ID: <{}@example.org>\r\n\r\n{body}\r\n",
        subject.replace(' ', "-")
    )
}

fn logged_in(srv: &Server, user: &str) -> (Client, String) {
    let mut c = Client::new(&srv.base);
    assert_eq!(c.login(user, PASSWORD).status, 303);
    let form = c.get("/compose");
    assert_eq!(form.status, 200, "{}", form.text());
    let token = form.input("csrf");
    (c, token)
}

fn send(c: &mut Client, fields: &[(&str, &str)]) -> Answer {
    c.post_multipart("/compose", fields, &[])
}

#[test]
fn a_from_that_is_not_the_users_is_refused_and_the_form_keeps_the_text() {
    let srv = start(false, &[]);
    let (mut c, token) = logged_in(&srv, ALICE);
    let r = send(
        &mut c,
        &[
            ("csrf", &token),
            ("from", BOB),
            ("to", BOB),
            ("subject", "pretending to be bob"),
            ("body", "typed with care"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.text());
    let page = r.text();
    assert!(page.contains("id=\"error\""), "{page}");
    assert!(page.contains("Not sent"), "{page}");
    assert!(
        page.contains("does not belong") || page.contains("not owned"),
        "{page}"
    );
    assert!(page.contains("pretending to be bob") && page.contains("typed with care"));
    // A bad address is refused before anything is sent, the text kept too.
    let r = send(
        &mut c,
        &[
            ("csrf", &token),
            ("from", ALICE),
            ("to", "no address here"),
            ("body", "kept"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(r.text().contains("kept"));
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(maildir::files(&maildir::of(srv.path(), "bob", "example.test")).is_empty());
}

#[test]
fn over_the_sending_limit_the_form_says_so() {
    let srv = start(false, &[("submission.max_messages_per_hour", "1")]);
    let (mut c, token) = logged_in(&srv, ALICE);
    let fields =
        |s: &'static str| vec![("from", ALICE), ("to", BOB), ("subject", s), ("body", "hi")];
    let mut first = fields("one");
    first.push(("csrf", &token));
    let r = send(&mut c, &first);
    assert_eq!(r.status, 303, "{}", r.text());
    let mut second = fields("two");
    second.push(("csrf", &token));
    let r = send(&mut c, &second);
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(r.text().contains("Sending limit reached"), "{}", r.text());
    assert_eq!(
        maildir::wait_messages(srv.path(), "bob", "example.test", 1).len(),
        1
    );
}

#[test]
fn sending_and_moving_without_the_csrf_token_are_refused() {
    let srv = start(false, &[]);
    srv.deliver(ALICE, &[&msg("carol@example.org", "keep me", "x")]);
    let md = maildir::of(srv.path(), "alice", "example.test");
    let (mut c, token) = logged_in(&srv, ALICE);
    for t in ["", "0000"] {
        let r = send(
            &mut c,
            &[("csrf", t), ("from", ALICE), ("to", BOB), ("body", "x")],
        );
        assert_eq!(r.status, 403, "{}", r.text());
        let r = c.post("/mail/INBOX/1/move", &[("csrf", t), ("to", "Trash")]);
        assert_eq!(r.status, 403, "{}", r.text());
        let r = c.post("/mail/INBOX/1/move", &[("csrf", t), ("action", "spam")]);
        assert_eq!(r.status, 403, "{}", r.text());
    }
    // No session at all: refused too.
    let mut anon = Client::new(&srv.base);
    let r = anon.post_multipart("/compose", &[("csrf", &token), ("to", BOB)], &[]);
    assert_eq!(r.status, 403);
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(maildir::files(&maildir::of(srv.path(), "bob", "example.test")).is_empty());
    assert_eq!(maildir::files(&md).len(), 1, "not moved");
}

#[test]
fn an_attachment_goes_out_whole_and_a_copy_stays_in_sent() {
    let srv = start(false, &[]);
    let (mut c, token) = logged_in(&srv, ALICE);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.bin");
    let data: Vec<u8> = (0..70_000u32).map(|i| (i * 7 % 256) as u8).collect();
    std::fs::write(&file, &data).unwrap();
    let r = c.post_multipart(
        "/compose",
        &[
            ("csrf", &token),
            ("from", ALICE),
            ("to", "Bob <bob@example.test>"),
            ("bcc", ALICE),
            ("subject", "the report, für dich"),
            ("body", "Attached.\n.\nA line with a dot above."),
        ],
        &[("attachment", &file)],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let got = maildir::wait_messages(srv.path(), "bob", "example.test", 1);
    assert_eq!(got.len(), 1);
    assert!(got[0].contains("report.bin"), "{}", got[0]);
    assert!(
        !got[0].to_ascii_lowercase().contains("\nbcc:"),
        "Bcc stays out: {}",
        got[0]
    );
    assert!(
        got[0].contains("Received:"),
        "the submission path's trace: {}",
        got[0]
    );
    // Bob reads it in the webmail and downloads the very bytes.
    let mut bob = Client::new(&srv.base);
    assert_eq!(bob.login(BOB, PASSWORD).status, 303);
    let page = bob.get("/mail/INBOX/1");
    assert!(
        page.text().contains("the report, für dich"),
        "{}",
        page.text()
    );
    assert!(
        page.text().contains("A line with a dot above."),
        "{}",
        page.text()
    );
    let a = bob.get("/mail/INBOX/1/attachment/0");
    assert_eq!(a.status, 200);
    assert_eq!(a.body, data);
    // Alice's Sent holds the copy, read, with its Bcc.
    let sent = maildir::files(&maildir::of(srv.path(), "alice", "example.test").join(".Sent"));
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].to_string_lossy().ends_with(":2,S"), "{sent:?}");
    let copy = maildir::read(&sent);
    assert!(copy[0].contains("\nBcc: "), "{}", copy[0]);
    // The Bcc recipient got it too.
    assert_eq!(
        maildir::wait_messages(srv.path(), "alice", "example.test", 1).len(),
        1
    );
}

#[test]
fn moves_spam_and_another_users_message() {
    let srv = start(false, &[]);
    srv.deliver(ALICE, &[&msg("carol@example.org", "move me", "x")]);
    let md = maildir::of(srv.path(), "alice", "example.test");
    // Bob cannot move alice's UID 1: his own INBOX has none.
    let (mut bob, bt) = logged_in(&srv, BOB);
    for fields in [
        [("csrf", bt.as_str()), ("to", "Trash")],
        [("csrf", bt.as_str()), ("action", "spam")],
    ] {
        let r = bob.post("/mail/INBOX/1/move", &fields);
        assert_eq!(r.status, 404, "{}", r.text());
    }
    assert_eq!(maildir::files(&md).len(), 1, "alice's mail is untouched");

    let (mut c, token) = logged_in(&srv, ALICE);
    // Spam: into Junk (made on first use), listed there.
    let r = c.post(
        "/mail/INBOX/1/move",
        &[("csrf", &token), ("action", "spam")],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert!(maildir::files(&md).is_empty());
    assert_eq!(maildir::files(&md.join(".Junk")).len(), 1);
    let junk = c.get("/mail/Junk/1");
    assert!(junk.text().contains("id=\"not-spam\""), "{}", junk.text());
    // Not spam: back to INBOX.
    let r = c.post("/mail/Junk/1/move", &[("csrf", &token), ("action", "spam")]);
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(maildir::files(&md).len(), 1);
    // A move to a folder that does not exist creates nothing and moves nothing.
    let r = c.post("/mail/INBOX/2/move", &[("csrf", &token), ("to", "Nowhere")]);
    assert_eq!(r.status, 404, "{}", r.text());
    assert!(!md.join(".Nowhere").exists());
    // To Trash by name.
    let r = c.post("/mail/INBOX/2/move", &[("csrf", &token), ("to", "Junk")]);
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(maildir::files(&md.join(".Junk")).len(), 1);
}

#[test]
fn search_finds_by_text_and_opening_marks_seen() {
    let srv = start(false, &[]);
    srv.deliver(
        ALICE,
        &[
            &msg(
                "carol@example.org",
                "quarterly numbers",
                "see the zebra figures",
            ),
            &msg("dave@example.org", "lunch", "noon?"),
            &msg("erin@example.org", "zebra crossing", "on the corner"),
        ],
    );
    let md = maildir::of(srv.path(), "alice", "example.test");
    let (mut c, _) = logged_in(&srv, ALICE);
    let r = c.get("/mail/INBOX?q=zebra");
    assert_eq!(r.status, 200);
    let t = r.text();
    assert!(
        t.contains("quarterly numbers") && t.contains("zebra crossing"),
        "{t}"
    );
    assert!(!t.contains("lunch"), "{t}");
    assert!(t.contains("2 messages"), "{t}");
    let r = c.get("/mail/INBOX?q=DAVE%40example");
    assert!(r.text().contains("lunch") && !r.text().contains("zebra crossing"));
    // Opening with "keep unread" leaves it unread; opening reads it. (Delivery order, and
    // so the UID, is the deliverer's: take it from the list.)
    let t = r.text();
    let at = t.find("\">lunch<").unwrap_or_else(|| panic!("{t}"));
    let uid = t[..at].rsplit('/').next().unwrap().to_string();
    c.get(&format!("/mail/INBOX/{uid}?keep=1"));
    assert!(
        maildir::files(&md)
            .iter()
            .all(|f| !f.to_string_lossy().ends_with('S'))
    );
    let page = c.get(&format!("/mail/INBOX/{uid}"));
    assert!(
        page.text().contains("id=\"mark-unread\""),
        "{}",
        page.text()
    );
    let seen: Vec<_> = maildir::files(&md)
        .into_iter()
        .filter(|f| f.to_string_lossy().ends_with(":2,S"))
        .collect();
    assert_eq!(seen.len(), 1);
    assert!(maildir::read(&seen)[0].contains("lunch"));
}

/// A stand-in for rspamd's controller on loopback: answers every request with success and
/// sends the request line's path down the channel (at most `n` requests, each bounded).
fn fake_controller(n: usize) -> (String, std::sync::mpsc::Receiver<String>) {
    use std::io::{Read, Write};
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap().to_string();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for s in l.incoming().take(n) {
            let Ok(mut s) = s else { continue };
            let _ = s.set_read_timeout(Some(std::time::Duration::from_secs(10)));
            let mut got = Vec::new();
            let mut buf = [0u8; 65536];
            // The head, then as much body as Content-Length says.
            while let Ok(k) = s.read(&mut buf) {
                if k == 0 {
                    break;
                }
                got.extend_from_slice(&buf[..k]);
                let text = String::from_utf8_lossy(&got).to_ascii_lowercase();
                if let Some(end) = text.find("\r\n\r\n") {
                    let len = text
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0);
                    if got.len() >= end + 4 + len {
                        break;
                    }
                }
            }
            let line = String::from_utf8_lossy(&got)
                .lines()
                .next()
                .unwrap_or("")
                .to_string();
            let path = line.split(' ').nth(1).unwrap_or("").to_string();
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 16\r\nConnection: close\r\n\r\n{\"success\":true}");
            let _ = tx.send(path);
        }
    });
    (addr, rx)
}

#[test]
fn spam_and_not_spam_teach_the_learner() {
    let (controller, learned) = fake_controller(2);
    let srv = start(false, &[("inbound.rspamd_controller", &controller)]);
    srv.deliver(ALICE, &[&msg("carol@example.org", "buy pills", "cheap")]);
    let (mut c, token) = logged_in(&srv, ALICE);
    let wait = std::time::Duration::from_secs(20);
    let r = c.post(
        "/mail/INBOX/1/move",
        &[("csrf", &token), ("action", "spam")],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(learned.recv_timeout(wait).unwrap(), "/learnspam");
    let r = c.post("/mail/Junk/1/move", &[("csrf", &token), ("action", "spam")]);
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(learned.recv_timeout(wait).unwrap(), "/learnham");
}

const WITH_FILE: &str = "From: carol@example.org\r\nTo: alice@example.test\r\nSubject: the plan\r\nMessage-ID: <plan@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nthe plan is attached\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"plan.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJcfsj6IK\r\n--b--\r\n";

#[test]
fn forward_carries_the_originals_attachments() {
    let srv = start(false, &[]);
    srv.deliver(ALICE, &[WITH_FILE]);
    let (mut c, token) = logged_in(&srv, ALICE);
    let form = c.get("/compose?forward=INBOX%2F1");
    assert_eq!(form.status, 200, "{}", form.text());
    let t = form.text();
    assert!(t.contains("value=\"Fwd: the plan\""), "{t}");
    assert!(t.contains("the plan is attached"), "{t}");
    let r = send(
        &mut c,
        &[
            ("csrf", &token),
            ("mode", "forward"),
            ("orig", "INBOX/1"),
            ("from", ALICE),
            ("to", BOB),
            ("subject", "Fwd: the plan"),
            ("body", "see below"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let got = maildir::wait_messages(srv.path(), "bob", "example.test", 1);
    assert!(
        got[0].contains("plan.pdf") && got[0].contains("application/pdf"),
        "{}",
        got[0]
    );
    let mut bob = Client::new(&srv.base);
    assert_eq!(bob.login(BOB, PASSWORD).status, 303);
    assert_eq!(
        bob.get("/mail/INBOX/1/attachment/0").body,
        b"%PDF-1.4\n%\xc7\xec\x8f\xa2\n"
    );
    // The original is marked $Forwarded; moving to its own folder is refused.
    let md = maildir::of(srv.path(), "alice", "example.test");
    let files = maildir::files(&md);
    assert!(files[0].to_string_lossy().ends_with(":2,P"), "{files:?}");
    let r = c.post("/mail/INBOX/1/move", &[("csrf", &token), ("to", "INBOX")]);
    assert_eq!(r.status, 400, "{}", r.text());
    assert_eq!(maildir::files(&md).len(), 1);
}

#[test]
fn a_disabled_account_sends_nothing_more_from_its_open_session() {
    let srv = start(false, &[]);
    let (mut c, token) = logged_in(&srv, ALICE);
    crate::common::cli::mailctl_ok(srv.path(), &["user", "set", ALICE, "--disable"]);
    let r = send(
        &mut c,
        &[
            ("csrf", &token),
            ("from", ALICE),
            ("to", BOB),
            ("body", "x"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(r.text().contains("disabled"), "{}", r.text());
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(maildir::files(&maildir::of(srv.path(), "bob", "example.test")).is_empty());
}
