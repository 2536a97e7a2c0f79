//! Outbound abuse limits per authenticated user (#18.6), over real submission with Python's
//! smtplib and AUTH against a real `mailctl serve`: the message after the hourly limit gets
//! `450 4.7.1` at MAIL, also after a daemon restart; a `user set --send-limit` override
//! raises it; the recipient that would pass the daily limit gets `450 4.7.1` at RCPT while
//! the others are delivered; each refusal is one log line. And `user set --send-limit`
//! round-trips through `--json`.

mod common;

use common::cli::{json, ok};
use common::serve::Serve;
use common::tools::python_text;
use common::users::{PASSWORD, example_test};

/// Sends one message as alice over submission (AUTH LOGIN on loopback, allowed in plain
/// text by default) to `rcpts`; prints `sent` plus the refused recipients, or the MAIL
/// refusal's code and text.
fn submit(port: u16, rcpts: &[&str]) -> String {
    let to = rcpts
        .iter()
        .map(|r| format!("\"{r}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let (ran, text) = python_text(
        &format!(
            r#"
import smtplib
s = smtplib.SMTP("127.0.0.1", {port}, timeout=30)
s.ehlo("client.test")
s.login("alice@example.test", "{PASSWORD}")
try:
    refused = s.sendmail("alice@example.test", [{to}], b"From: <alice@example.test>\r\nSubject: hi\r\n\r\nhello\r\n")
    print("sent", " | ".join(f"{{r}} {{c}} {{t.decode()}}" for r, (c, t) in sorted(refused.items())))
except smtplib.SMTPSenderRefused as e:
    print(e.smtp_code, e.smtp_error.decode())
except smtplib.SMTPRecipientsRefused as e:
    print("all refused", e.recipients)
s.quit()
"#
        ),
        &[],
    );
    assert!(ran, "{text}");
    text.trim().to_string()
}

fn start(p: &std::path::Path) -> Serve {
    Serve::start(
        p,
        &["smtp", "--allow-root"],
        &["smtp", "submission", "submissions"],
    )
}

#[test]
fn the_message_over_the_hourly_limit_waits_and_an_override_raises_it() {
    let data = example_test("", &["localhost"]);
    let p = data.path();
    ok(
        p,
        &["config", "set", "submission.max_messages_per_hour", "3"],
    );
    ok(
        p,
        &["config", "set", "submission.max_recipients_per_day", "5"],
    );
    let srv = start(p);
    let port = srv.port("submission");
    for i in 0..3 {
        let r = submit(port, &["bob@example.test"]);
        assert_eq!(r, "sent", "message {i}: {r}\n{}", srv.log());
    }
    let fourth = submit(port, &["bob@example.test"]);
    assert!(
        fourth.starts_with("450 4.7.1 Sending limit reached for alice@example.test: 3 messages per hour (3 in the last hour); try again in"),
        "{fourth}\n{}",
        srv.log()
    );
    let log = srv.log();
    assert_eq!(
        log.matches("send limit: refused").count(),
        1,
        "one log line per refusal:\n{log}"
    );
    assert!(
        log.contains("alice@example.test") && log.contains("messages per hour"),
        "{log}"
    );

    // The count is in the database: a restarted daemon still refuses.
    srv.stop();
    let srv = start(p);
    let port = srv.port("submission");
    let again = submit(port, &["bob@example.test"]);
    assert!(again.starts_with("450 4.7.1"), "{again}\n{}", srv.log());

    // The override raises the hourly limit; the daily recipient limit (5, three used) now
    // refuses the third recipient of the next message at RCPT, and the others get it.
    ok(
        p,
        &["user", "set", "alice@example.test", "--send-limit", "10"],
    );
    let partly = submit(
        port,
        &[
            "bob@example.test",
            "alice@example.test",
            "carol@example.test",
        ],
    );
    assert!(
        partly.starts_with("sent carol@example.test 450 4.7.1 Sending limit reached for alice@example.test: 5 recipients per day (3 in the last 24 hours)"),
        "{partly}\n{}",
        srv.log()
    );
    let usage = json(p, &["user", "show", "alice@example.test"]);
    assert_eq!(usage["sent"]["messages_last_hour"], 4, "{usage}");
    assert_eq!(usage["sent"]["recipients_last_day"], 5, "{usage}");
    // Raising the daily limit too lets the next one through.
    ok(
        p,
        &[
            "user",
            "set",
            "alice@example.test",
            "--send-limit",
            "10,100",
        ],
    );
    assert_eq!(
        submit(port, &["bob@example.test", "carol@example.test"]),
        "sent carol@example.test 550 5.1.1 Recipient address rejected: User unknown"
    );
}

#[test]
fn send_limit_round_trips_through_json() {
    let data = example_test("", &["localhost"]);
    let p = data.path();
    let a = "alice@example.test";
    let fresh = json(p, &["user", "show", a]);
    assert_eq!(
        fresh["send_limit"]["messages_per_hour"],
        serde_json::Value::Null
    );
    assert_eq!(fresh["send_limit_effective"]["messages_per_hour"], 200);
    assert_eq!(fresh["send_limit_effective"]["recipients_per_day"], 2000);

    let set = json(p, &["user", "set", a, "--send-limit", "50/hour,400/day"]);
    assert_eq!(set["send_limit"]["messages_per_hour"], 50, "{set}");
    assert_eq!(set["send_limit"]["recipients_per_day"], 400, "{set}");
    // Only the hourly part given: the daily override stays.
    let set = json(p, &["user", "set", a, "--send-limit", "0"]);
    assert_eq!(set["send_limit"]["messages_per_hour"], 0, "{set}");
    assert_eq!(set["send_limit"]["recipients_per_day"], 400, "{set}");
    let shown = json(p, &["user", "show", a]);
    assert_eq!(shown["send_limit"], set["send_limit"]);
    assert!(ok(p, &["user", "show", a]).contains("no limit on messages/hour, 400 recipients/day"));

    let back = json(p, &["user", "set", a, "--send-limit", "default"]);
    assert_eq!(
        back["send_limit"]["messages_per_hour"],
        serde_json::Value::Null
    );
    assert_eq!(
        back["send_limit"]["recipients_per_day"],
        serde_json::Value::Null
    );

    let bad = common::cli::mailctl(p, &["user", "set", a, "--send-limit", "lots"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(common::cli::text(&bad).contains("--send-limit lots"));
}
