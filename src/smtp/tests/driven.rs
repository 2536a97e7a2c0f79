//! The SMTP session under the one driver (`net::driver`), over an in-memory pipe: RFC 5321's
//! `421` on timeout and shutdown, a transaction in flight finishing before shutdown closes,
//! and a failed login's replies held for its pause.

use std::time::Duration;

use tokio::time::Instant;

use super::super::server::{SmtpConn, Timeouts};
use super::*;
use crate::net::driver::pipe::{self, Client, WAIT};
use crate::net::shutdown::Trigger;

struct Peer {
    c: Client,
    trigger: Trigger,
    store: Arc<Mutex<Store>>,
}

impl Peer {
    async fn start(c: SessionConfig, timeouts: Timeouts) -> Peer {
        let t = T::with(c, false);
        let d = pipe::start(SmtpConn::new(t.s, timeouts), 4096);
        let mut p = Peer {
            c: d.client,
            trigger: d.trigger,
            store: t.store,
        };
        assert_eq!(p.line().await, "220 mx.local.test ESMTP mailctl\r\n");
        p
    }

    async fn line(&mut self) -> String {
        self.c.line().await
    }

    async fn send(&mut self, s: &str) {
        self.c.send(s).await
    }

    async fn closed(self) {
        self.c.closed().await
    }
}

fn long() -> Timeouts {
    Timeouts {
        command: WAIT * 6,
        data: WAIT * 6,
        data_min_rate: 0,
    }
}

#[tokio::test]
async fn a_silent_client_gets_421_and_is_closed() {
    let t = Timeouts {
        command: Duration::from_millis(100),
        ..long()
    };
    let mut p = Peer::start(cfg(Service::Mx), t).await;
    assert_eq!(
        p.line().await,
        "421 4.4.2 mx.local.test Timeout exceeded, closing connection\r\n"
    );
    p.closed().await;
}

#[tokio::test]
async fn shutdown_lets_the_message_in_flight_finish_then_says_421() {
    let mut p = Peer::start(cfg(Service::Mx), long()).await;
    p.send("HELO c\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<alice@local.test>\r\nDATA\r\n")
        .await;
    for _ in 0..4 {
        assert!(p.line().await.starts_with(['2', '3']));
    }
    p.send("Subject: t\r\n\r\nhalf").await;
    p.trigger.fire();
    p.send(" and the rest\r\n.\r\n").await;
    assert!(p.line().await.starts_with("250 "), "the message is taken");
    assert_eq!(
        p.line().await,
        "421 4.4.2 mx.local.test Service shutting down, closing connection\r\n"
    );
    let store = p.store.clone();
    p.closed().await;
    assert_eq!(store.lock().unwrap().committed.len(), 1);
}

#[tokio::test]
async fn an_idle_session_is_closed_at_once_on_shutdown() {
    let mut p = Peer::start(cfg(Service::Mx), long()).await;
    p.send("HELO c\r\n").await;
    assert!(p.line().await.starts_with("250 "));
    p.trigger.fire();
    assert_eq!(
        p.line().await,
        "421 4.4.2 mx.local.test Service shutting down, closing connection\r\n"
    );
    p.closed().await;
}

#[tokio::test]
async fn a_failed_login_is_answered_after_its_pause_with_what_was_pipelined() {
    let c = SessionConfig {
        plaintext_auth: true,
        ..cfg(Service::Submission)
    };
    let mut p = Peer::start(c, long()).await;
    p.send("EHLO c\r\n").await;
    while p.line().await.starts_with("250-") {}
    let t0 = Instant::now();
    // "alice@local.test\0wrong", then a pipelined NOOP.
    p.send("AUTH PLAIN AGFsaWNlQGxvY2FsLnRlc3QAd3Jvbmc=\r\nNOOP\r\n")
        .await;
    assert!(p.line().await.starts_with("535 "));
    assert!(
        t0.elapsed() >= crate::auth::failed_login_delay(1),
        "answered before the pause"
    );
    assert!(p.line().await.starts_with("250 "), "the NOOP after it");
    p.send("QUIT\r\n").await;
    assert!(p.line().await.starts_with("221 "));
    p.closed().await;
}
