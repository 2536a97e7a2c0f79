//! What the server does to message content on the way in (issue 15 points 3 and 4, issue 16
//! point 12), with real clients: spoofed trace and authentication headers are removed, the
//! submitted header `From:` must be the user's, and submission completes `Date:` and
//! `Message-ID:`.

use super::harness::*;
use super::swaks;
use crate::common::tools::python;

/// The header lines of a stored message (up to the blank line), unfolded enough to count.
fn header_lines(msg: &str) -> Vec<&str> {
    msg.split("\r\n").take_while(|l| !l.is_empty()).collect()
}

#[test]
fn client_return_path_and_our_authentication_results_are_removed() {
    let dir = data_dir();
    mailctl_ok(
        dir.path(),
        &["config", "set", "hostname", "mx.example.test"],
    );
    let srv = Server::start(dir.path());
    let port = srv.smtp().port().to_string();
    let (ok, out) = swaks(&[
        "--server",
        "127.0.0.1",
        "--port",
        &port,
        "--from",
        "x@remote.test",
        "--to",
        "alice@example.test",
        "--add-header",
        "Return-Path: <ceo@example.test>",
        "--add-header",
        "Authentication-Results: MX.Example.Test; dkim=pass header.d=example.test",
        "--add-header",
        "Authentication-Results: (forged) mx.example.test.; spf=pass",
        "--add-header",
        "Authentication-Results: \"mx.example.test\"; dmarc=pass",
        "--add-header",
        "Authentication-Results: other.example; spf=fail",
        "--header",
        "Subject: trace-headers",
    ]);
    assert!(ok && out.contains("250 2.0.0"), "{out}");
    let files = maildir_files(dir.path(), "alice", "example.test", 1);
    assert_eq!(files.len(), 1);
    let head = header_lines(&files[0]);
    let named = |n: &str| {
        head.iter()
            .filter(|l| l.to_ascii_lowercase().starts_with(n))
            .copied()
            .collect::<Vec<_>>()
    };
    // Only the Return-Path of the final delivery, first, with the real envelope sender.
    assert_eq!(
        named("return-path:"),
        ["Return-Path: <x@remote.test>"],
        "{head:?}"
    );
    assert_eq!(head[0], "Return-Path: <x@remote.test>");
    // Our authserv-id is ours alone; another host's results stay.
    assert_eq!(
        named("authentication-results:"),
        ["Authentication-Results: other.example; spf=fail"],
        "{head:?}"
    );
    assert!(!files[0].contains("forged") && files[0].contains("Subject: trace-headers"));
}

#[test]
fn submitted_header_from_must_belong_to_the_user() {
    let dir = data_dir();
    mailctl_ok(
        dir.path(),
        &["alias", "add", "sales@example.test", "alice@example.test"],
    );
    let srv = Server::start(dir.path());
    let port = srv.submission().port().to_string();
    let send = |from_header: &str, subject: &str| {
        swaks(&[
            "--server",
            "127.0.0.1",
            "--port",
            &port,
            "--tls",
            "--auth",
            "PLAIN",
            "--auth-user",
            "alice@example.test",
            "--auth-password",
            PASSWORD,
            "--from",
            "alice@example.test",
            "--to",
            "bob@example.test",
            "--header",
            &format!("From: {from_header}"),
            "--header",
            &format!("Subject: {subject}"),
        ])
    };
    for (from, subject) in [
        ("The Boss <boss@example.test>", "spoof-1"),
        ("alice@example.test, boss@example.test", "spoof-2"),
        ("\"alice@example.test\" <ceo@bank.example>", "spoof-3"),
    ] {
        let (ok, out) = send(from, subject);
        assert!(!ok, "{from}: {out}");
        assert!(out.contains("553 5.7.1"), "{from}: {out}");
        // The reply says what would have been allowed.
        assert!(
            out.contains("allowed: alice@example.test, sales@example.test"),
            "{out}"
        );
    }
    let (ok, out) = send("Sales <sales@example.test>", "own-alias");
    assert!(ok && out.contains("250 2.0.0"), "{out}");
    // A Sender: that is not hers, and a message without From:, are refused too.
    let text = python(
        &format!(
            r#"
import smtplib, ssl
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = smtplib.SMTP("127.0.0.1", {port}, timeout=20)
s.starttls(context=ctx)
s.login("alice@example.test", "{PASSWORD}")
for msg in ["From: alice@example.test\r\nSender: boss@example.test\r\nSubject: spoof-4\r\n\r\nx\r\n",
            "Subject: spoof-5\r\n\r\nno from\r\n"]:
    try:
        s.sendmail("alice@example.test", ["bob@example.test"], msg)
        print("accepted")
    except smtplib.SMTPDataError as e:
        print("refused", e.smtp_code, e.smtp_error.decode())
s.quit()
"#
        ),
        &[],
    );
    assert!(!text.contains("accepted"), "{text}");
    assert!(
        text.contains(
            "refused 553 5.7.1 Sender address rejected: header address <boss@example.test>"
        ),
        "{text}"
    );
    assert!(
        text.contains("refused 553 5.7.1 Message has no From: header"),
        "{text}"
    );
    maildir_files(dir.path(), "bob", "example.test", 1);
    std::thread::sleep(std::time::Duration::from_millis(500));
    let files = maildir_files(dir.path(), "bob", "example.test", 0);
    assert_eq!(files.len(), 1, "only the own-alias message: {files:?}");
    assert!(files[0].contains("Subject: own-alias"));
}

#[test]
fn submission_adds_date_and_message_id_port_25_does_not() {
    let dir = data_dir();
    mailctl_ok(
        dir.path(),
        &["config", "set", "hostname", "mx.example.test"],
    );
    let srv = Server::start(dir.path());
    python(
        &format!(
            r#"
import smtplib, ssl
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = smtplib.SMTP("127.0.0.1", {sub}, timeout=20)
s.starttls(context=ctx)
s.login("alice@example.test", "{PASSWORD}")
s.sendmail("alice@example.test", ["bob@example.test"], "From: alice@example.test\r\nSubject: bare-submission\r\n\r\nx\r\n")
s.sendmail("alice@example.test", ["bob@example.test"], "From: alice@example.test\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\nMessage-ID: <own@client.example>\r\nSubject: complete-submission\r\n\r\nx\r\n")
s.quit()
m = smtplib.SMTP("127.0.0.1", {mx}, timeout=20)
m.sendmail("x@remote.test", ["bob@example.test"], "From: x@remote.test\r\nSubject: bare-mx\r\n\r\nx\r\n")
m.quit()
"#,
            sub = srv.submission().port(),
            mx = srv.smtp().port()
        ),
        &[],
    );
    let files = maildir_files(dir.path(), "bob", "example.test", 3);
    let find = |s: &str| {
        files
            .iter()
            .find(|m| m.contains(&format!("Subject: {s}")))
            .unwrap_or_else(|| panic!("{s} missing: {files:?}"))
    };
    let count = |m: &str, name: &str| {
        header_lines(m)
            .iter()
            .filter(|l| l.to_ascii_lowercase().starts_with(name))
            .count()
    };
    let bare = find("bare-submission");
    assert_eq!(count(bare, "date: "), 1, "{bare}");
    assert_eq!(count(bare, "message-id: <"), 1, "{bare}");
    assert!(bare.contains("@mx.example.test>\r\n"), "{bare}");
    let complete = find("complete-submission");
    assert_eq!(count(complete, "date: "), 1, "{complete}");
    assert!(complete.contains("Message-ID: <own@client.example>"));
    assert_eq!(count(complete, "message-id: "), 1, "{complete}");
    let mx = find("bare-mx");
    assert_eq!(count(mx, "date: ") + count(mx, "message-id: "), 0, "{mx}");
}
