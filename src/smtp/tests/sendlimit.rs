//! Issue 18 point 6 on the sans-IO session: an authenticated user over a send limit gets
//! `450 4.7.1` at MAIL, at RCPT and at the end of data (where the message is not committed);
//! sessions without AUTH never ask.

use super::*;
use crate::core::sendlimit::{Hit, Limit};

/// A message whose `From:` the logged-in alice owns.
const OWN: &str = "From: <alice@local.test>\r\nSubject: hi\r\n\r\nhello\r\n.\r\n";

pub(super) fn mock(s: &mut Store, step: SendStep) -> Option<Hit> {
    s.send_steps.push(step);
    let (name, limit) = match step {
        SendStep::Mail => ("mail", Limit::MessagesPerHour),
        SendStep::Rcpt { pending } if pending >= 1 => ("second rcpt", Limit::RecipientsPerDay),
        SendStep::Rcpt { .. } => ("rcpt", Limit::RecipientsPerDay),
        SendStep::Data { .. } => ("data", Limit::MessagesPerHour),
    };
    s.refuse_steps.contains(&name).then_some(Hit {
        limit,
        max: 2,
        used: 2,
        frees_in: 60,
    })
}

fn logged_in(refuse: &[&'static str]) -> T {
    let mut t = T::new(Service::Submission);
    t.s.tls_started("TLSv1.3", "X");
    t.store.lock().unwrap().refuse_steps = refuse.to_vec();
    let out = t.r("EHLO c\r\nAUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAc2VjcmV0\r\n");
    assert!(
        out.ends_with("235 2.7.0 Authentication successful\r\n"),
        "{out}"
    );
    t
}

#[test]
fn over_the_hourly_limit_mail_gets_450_and_no_transaction_starts() {
    let mut t = logged_in(&["mail"]);
    let out = t.r("MAIL FROM:<alice@local.test>\r\n");
    assert_eq!(
        out,
        "450 4.7.1 Sending limit reached for alice@local.test: 2 messages per hour (2 in the last hour); try again in 60 seconds\r\n"
    );
    assert!(t.r("RCPT TO:<bob@local.test>\r\n").starts_with("503"));
}

#[test]
fn the_recipient_that_would_pass_the_daily_limit_gets_450_and_the_rest_go() {
    let mut t = logged_in(&["second rcpt"]);
    let out = t.r("MAIL FROM:<alice@local.test>\r\nRCPT TO:<bob@local.test>\r\nRCPT TO:<x@remote.example>\r\nDATA\r\n");
    assert_eq!(codes(&out), ["250", "250", "450", "354"], "{out}");
    assert!(out.contains("450 4.7.1 Sending limit reached for alice@local.test: 2 recipients per day (2 in the last 24 hours)"), "{out}");
    let out = t.r(OWN);
    assert!(out.starts_with("250 2.0.0"), "{out}");
    let s = t.store.lock().unwrap();
    assert_eq!(s.committed[0].0.recipients.len(), 1);
    assert_eq!(s.send_steps.last(), Some(&SendStep::Data { rcpts: 1 }));
}

#[test]
fn a_limit_reached_meanwhile_refuses_at_the_end_of_data_without_commit() {
    let mut t = logged_in(&["data"]);
    t.r("MAIL FROM:<alice@local.test>\r\nRCPT TO:<bob@local.test>\r\nDATA\r\n");
    let out = t.r(OWN);
    assert!(out.starts_with("450 4.7.1 Sending limit reached"), "{out}");
    assert_eq!(t.committed(), 0);
    assert_eq!(t.store.lock().unwrap().aborted, 1);
}

#[test]
fn without_auth_the_limits_are_never_asked() {
    let mut t = T::new(Service::Mx);
    t.store.lock().unwrap().refuse_steps = vec!["mail", "rcpt", "data"];
    t.r("EHLO c\r\nMAIL FROM:<x@remote.example>\r\nRCPT TO:<bob@local.test>\r\nDATA\r\n");
    assert!(t.r(MSG).starts_with("250 2.0.0"));
    assert!(t.store.lock().unwrap().send_steps.is_empty());
}
