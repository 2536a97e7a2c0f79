//! The SMTP session under the one driver (`net::driver`), over an in-memory pipe: RFC 5321's
//! `421` on timeout and shutdown, a transaction in flight finishing before shutdown closes,
//! a failed login's replies held for its pause, and port 25's wait before the greeting.

use std::time::Duration;

use tokio::time::Instant;

use super::super::server::{SmtpConn, Timeouts};
use super::*;
use crate::inbound::screen::Memory;
use crate::net::driver::pipe::{self, Client, WAIT};
use crate::net::shutdown::Trigger;

struct Peer {
    c: Client,
    trigger: Trigger,
    store: Arc<Mutex<Store>>,
}

impl Peer {
    async fn start(c: SessionConfig, timeouts: Timeouts) -> Peer {
        let mut p = Peer::connect(c, timeouts);
        assert_eq!(p.line().await, "220 mx.local.test ESMTP mailctl\r\n");
        p
    }

    /// A driven session, nothing read yet.
    fn connect(c: SessionConfig, timeouts: Timeouts) -> Peer {
        let t = T::with(c, false);
        Self::drive(SmtpConn::new(t.s, timeouts), t.store)
    }

    /// A port 25 session tied to the memory of passed clients, asked at `now`.
    fn screened(timeouts: Timeouts, memory: &Arc<Memory>, now: i64) -> Peer {
        let t = T::with(cfg(Service::Mx), false);
        let conn = SmtpConn::new(t.s, timeouts).screened(memory.clone(), now);
        Self::drive(conn, t.store)
    }

    fn drive(conn: SmtpConn<impl Policy + 'static>, store: Arc<Mutex<Store>>) -> Peer {
        let d = pipe::start(conn, 4096);
        Peer {
            c: d.client,
            trigger: d.trigger,
            store,
        }
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
        greet_wait: Duration::ZERO,
        greet_ttl: Duration::ZERO,
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

fn greet_wait(wait: Duration) -> Timeouts {
    Timeouts {
        greet_wait: wait,
        ..long()
    }
}

#[tokio::test]
async fn on_port_25_a_patient_client_gets_the_teaser_then_the_greeting_after_the_wait() {
    let wait = Duration::from_millis(200);
    let t0 = Instant::now();
    let mut p = Peer::connect(cfg(Service::Mx), greet_wait(wait));
    assert_eq!(p.line().await, "220-mx.local.test ESMTP mailctl\r\n");
    assert_eq!(p.line().await, "220 mx.local.test ESMTP mailctl\r\n");
    assert!(t0.elapsed() >= wait, "greeted before the wait ended");
    p.send("HELO c\r\n").await;
    assert!(p.line().await.starts_with("250 "));
}

#[tokio::test]
async fn the_first_command_gets_its_whole_time_after_a_wait_longer_than_it() {
    let t = Timeouts {
        command: Duration::from_millis(100),
        ..greet_wait(Duration::from_millis(300))
    };
    let mut p = Peer::connect(cfg(Service::Mx), t);
    assert_eq!(p.line().await, "220-mx.local.test ESMTP mailctl\r\n");
    assert_eq!(p.line().await, "220 mx.local.test ESMTP mailctl\r\n");
    p.send("HELO c\r\n").await;
    assert!(p.line().await.starts_with("250 "), "timed out in the wait");
}

#[tokio::test]
async fn on_port_25_a_client_talking_first_gets_554_and_its_command_is_never_run() {
    let mut p = Peer::connect(cfg(Service::Mx), greet_wait(WAIT * 6));
    assert_eq!(p.line().await, "220-mx.local.test ESMTP mailctl\r\n");
    p.send("HELO c\r\nMAIL FROM:<a@remote.test>\r\n").await;
    assert_eq!(
        p.line().await,
        "554 5.5.1 Protocol error: you talked before my greeting\r\n"
    );
    p.closed().await;
}

#[tokio::test]
async fn submission_and_mynetworks_are_greeted_at_once() {
    let trusted = SessionConfig {
        trusted_network: true,
        ..cfg(Service::Mx)
    };
    for c in [cfg(Service::Submission), trusted] {
        // The wait would outlast the answer's upper bound: the greeting must not wait.
        let mut p = Peer::connect(c, greet_wait(WAIT * 6));
        assert_eq!(p.line().await, "220 mx.local.test ESMTP mailctl\r\n");
    }
}

const DAY: Duration = Duration::from_secs(86_400);

fn screen(wait: Duration) -> Timeouts {
    Timeouts {
        greet_ttl: DAY,
        ..greet_wait(wait)
    }
}

fn client() -> std::net::IpAddr {
    cfg(Service::Mx).remote_ip
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[tokio::test]
async fn a_client_that_waited_and_said_ehlo_is_remembered_and_then_greeted_at_once() {
    let memory = Arc::new(Memory::in_memory(10));
    let mut p = Peer::screened(screen(Duration::from_millis(100)), &memory, now());
    assert_eq!(p.line().await, "220-mx.local.test ESMTP mailctl\r\n");
    assert_eq!(p.line().await, "220 mx.local.test ESMTP mailctl\r\n");
    assert!(memory.is_empty(), "remembered before it said hello");
    p.send("EHLO c\r\n").await;
    while p.line().await.starts_with("250-") {}
    assert!(memory.remembered(client(), now(), DAY.as_secs() as i64));
    // The wait would outlast the answer's upper bound: the greeting must not wait.
    let mut p = Peer::screened(screen(WAIT * 6), &memory, now());
    assert_eq!(p.line().await, "220 mx.local.test ESMTP mailctl\r\n");
}

#[tokio::test]
async fn a_pass_older_than_the_ttl_waits_again_and_talking_first_forgets_it() {
    let memory = Arc::new(Memory::in_memory(10));
    let day = DAY.as_secs() as i64;
    memory.pass_blocking(client(), now() - day, day);
    let mut p = Peer::screened(screen(WAIT * 6), &memory, now());
    assert_eq!(p.line().await, "220-mx.local.test ESMTP mailctl\r\n");
    p.send("EHLO c\r\n").await;
    assert!(p.line().await.starts_with("554 5.5.1 "));
    p.closed().await;
    assert!(memory.is_empty(), "a client that talked first is forgotten");
}

#[tokio::test]
async fn the_memory_is_not_asked_without_a_wait_or_with_a_ttl_of_zero() {
    let memory = Arc::new(Memory::in_memory(10));
    let no_ttl = Timeouts {
        greet_ttl: Duration::ZERO,
        ..screen(Duration::from_millis(50))
    };
    let mut p = Peer::screened(no_ttl, &memory, now());
    assert_eq!(p.line().await, "220-mx.local.test ESMTP mailctl\r\n");
    assert_eq!(p.line().await, "220 mx.local.test ESMTP mailctl\r\n");
    p.send("HELO c\r\n").await;
    assert!(p.line().await.starts_with("250 "));
    assert!(memory.is_empty(), "greet_ttl 0 remembers nobody");
}
