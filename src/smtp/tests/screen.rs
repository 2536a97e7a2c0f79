//! Port 25's per-client message rate at MAIL (Postfix `smtpd_client_message_rate_limit`):
//! the N+1-th MAIL in a minute gets `450 4.7.1`; a MAIL refused for another reason is not
//! counted; without the listener's counters (submission, `mynetworks`) nothing is limited.

use std::sync::Arc;

use super::*;
use crate::net::rate::{ClientRates, RateLimits};

fn limited(messages: u32) -> SessionConfig {
    SessionConfig {
        rate_limits: RateLimits {
            connections: 0,
            messages,
        },
        client_rates: Some(Arc::new(ClientRates::default())),
        ..cfg(Service::Mx)
    }
}

#[test]
fn the_mail_after_the_limit_gets_450() {
    let mut t = T::with(limited(2), false);
    t.r("HELO c\r\n");
    for _ in 0..2 {
        assert!(t.r("MAIL FROM:<a@remote.test>\r\n").starts_with("250 "));
        t.r("RSET\r\n");
    }
    let r = t.r("MAIL FROM:<a@remote.test>\r\n");
    assert!(r.starts_with("450 4.7.1 "), "{r}");
    assert!(r.contains("192.0.2.1"), "{r}");
}

#[test]
fn a_mail_refused_for_another_reason_is_not_counted() {
    let mut t = T::with(limited(1), false);
    t.r("HELO c\r\n");
    let r = t.r("MAIL FROM:<a@remote.test> BODY=BINARYMIME\r\n");
    assert!(r.starts_with("555 "), "{r}");
    assert!(t.r("MAIL FROM:<a@remote.test>\r\n").starts_with("250 "));
}

#[test]
fn the_counters_are_shared_by_the_connections_of_one_client() {
    let c = limited(1);
    let mut first = T::with(c.clone(), false);
    first.r("HELO c\r\n");
    assert!(first.r("MAIL FROM:<a@remote.test>\r\n").starts_with("250 "));
    let mut second = T::with(c, false);
    second.r("HELO c\r\n");
    assert!(
        second
            .r("MAIL FROM:<a@remote.test>\r\n")
            .starts_with("450 ")
    );
}

#[test]
fn without_the_listeners_counters_nothing_is_limited() {
    let c = SessionConfig {
        client_rates: None,
        ..limited(1)
    };
    let mut t = T::with(c, false);
    t.r("HELO c\r\n");
    for _ in 0..5 {
        assert!(t.r("MAIL FROM:<a@remote.test>\r\n").starts_with("250 "));
        t.r("RSET\r\n");
    }
}
