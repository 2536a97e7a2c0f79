//! Port 25's connect-stage screening against the real daemon over real sockets: the wait
//! before the greeting (a client that talks first gets `554 5.5.1` and is closed, a polite
//! one is greeted after the wait and delivers, and greeted at once afterwards, even by the
//! next daemon; submission is never delayed) and the
//! per-client rate limits (the N+1-th connection gets `421 4.7.0`, the N+1-th MAIL
//! `450 4.7.1`; `mynetworks` is exempt).

use std::path::Path;

use super::harness::{Server, data_dir, mailctl_ok, maildir_files};
use crate::common::tools::python;

fn set(dir: &Path, key: &str, value: &str) {
    mailctl_ok(dir, &["config", "set", key, value]);
}

#[test]
fn a_client_talking_before_the_greeting_is_refused_and_submission_is_not_delayed() {
    let dir = data_dir();
    // An hour: whatever is answered within the socket timeouts below was not waited for.
    set(dir.path(), "smtp.greet_wait", "1h");
    let s = Server::start(dir.path());
    let out = python(
        r#"
import socket, sys
def talk_first(port):
    c = socket.create_connection(("127.0.0.1", port), timeout=20)
    c.sendall(b"EHLO bot.test\r\nMAIL FROM:<spam@bot.test>\r\n")
    data = b""
    while True:
        chunk = c.recv(4096)
        if not chunk:
            return data.decode()
        data += chunk
def first_line(port):
    c = socket.create_connection(("127.0.0.1", port), timeout=20)
    line = c.makefile("rb").readline().decode()
    c.close()
    return line
print(repr(talk_first(int(sys.argv[1]))))
print(repr(first_line(int(sys.argv[2]))))
"#,
        &[
            &s.smtp().port().to_string(),
            &s.submission().port().to_string(),
        ],
    );
    let mut lines = out.lines();
    let refused = lines.next().unwrap_or_default();
    assert!(
        refused.contains("220-") && refused.contains("554 5.5.1 Protocol error"),
        "{out}"
    );
    assert!(!refused.contains("250"), "its commands were run: {out}");
    let submission = lines.next().unwrap_or_default();
    assert!(submission.starts_with("'220 "), "{out}");
    assert!(s.log().contains("PREGREET"), "{}", s.log());
    assert!(
        s.log().contains("talked before the greeting"),
        "{}",
        s.log()
    );
}

#[test]
fn a_polite_client_is_greeted_after_the_wait_and_delivers() {
    let dir = data_dir();
    set(dir.path(), "smtp.greet_wait", "1s");
    let s = Server::start(dir.path());
    let out = python(
        r#"
import smtplib, sys
c = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=20)
print(c.ehlo("client.test")[0])
c.sendmail("sender@remote.test", ["bob@example.test"], b"Subject: patient\r\n\r\nhi\r\n")
c.quit()
"#,
        &[&s.smtp().port().to_string()],
    );
    assert_eq!(out.trim(), "250", "{out}");
    let got = maildir_files(dir.path(), "bob", "example.test", 1);
    assert_eq!(got.len(), 1);
}

#[test]
fn a_client_that_waited_once_is_greeted_at_once_even_after_a_restart() {
    let dir = data_dir();
    set(dir.path(), "smtp.greet_wait", "1s");
    let s = Server::start(dir.path());
    let out = python(
        r#"
import smtplib, sys
c = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=20)
print(c.ehlo("client.test")[0])
c.quit()
"#,
        &[&s.smtp().port().to_string()],
    );
    assert_eq!(out.trim(), "250", "{out}");
    assert!(
        s.log().contains("PASS: waited for the greeting"),
        "{}",
        s.log()
    );
    drop(s);
    // Twenty seconds: a greeting that arrives before them was not waited for. The pass is
    // read back from the database by the new daemon.
    set(dir.path(), "smtp.greet_wait", "20s");
    let s = Server::start(dir.path());
    let out = python(
        r#"
import socket, sys, time
def first_line(src, port):
    t0 = time.monotonic()
    c = socket.create_connection(("127.0.0.1", port), timeout=25, source_address=(src, 0))
    line = c.makefile("rb").readline().decode()
    c.close()
    return repr(line), time.monotonic() - t0 < 20
port = int(sys.argv[1])
print(*first_line("127.0.0.1", port))
print(*first_line("127.0.0.2", port))
"#,
        &[&s.smtp().port().to_string()],
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].starts_with("'220 ") && lines[0].ends_with(" True"),
        "{out}"
    );
    // Another address was never remembered: it gets the teaser and the wait.
    assert!(lines[1].starts_with("'220-"), "{out}");
}

#[test]
fn the_connection_and_the_mail_past_the_rate_limits_are_refused_except_for_mynetworks() {
    let dir = data_dir();
    set(dir.path(), "smtp.client_connection_rate_limit", "3");
    set(dir.path(), "smtp.client_message_rate_limit", "2");
    set(dir.path(), "mynetworks", "127.0.0.2/32");
    let s = Server::start(dir.path());
    let out = python(
        r#"
import smtplib, sys
port = int(sys.argv[1])
def session(src, mails):
    c = smtplib.SMTP(timeout=20, source_address=(src, 0))
    code = c.connect("127.0.0.1", port)[0]
    if code != 220:
        c.close()
        return "connect %d" % code
    c.ehlo("client.test")
    codes = []
    for _ in range(mails):
        codes.append(c.docmd("MAIL FROM:<a@remote.test>")[0])
        c.rset()
    c.quit()
    return " ".join(map(str, codes))
# 127.0.0.1: three connections a minute and two messages.
print(session("127.0.0.1", 3))
print(session("127.0.0.1", 0))
print(session("127.0.0.1", 0))
print(session("127.0.0.1", 0))
# 127.0.0.2 is in mynetworks: never counted.
for _ in range(5):
    print(session("127.0.0.2", 3))
"#,
        &[&s.smtp().port().to_string()],
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[..4], ["250 250 450", "", "", "connect 421"], "{out}");
    assert!(lines[4..].iter().all(|l| *l == "250 250 250"), "{out}");
    assert_eq!(lines.len(), 9, "{out}");
    assert!(s.log().contains("connection rate limit"), "{}", s.log());
    assert!(s.log().contains("message rate limit"), "{}", s.log());
}
