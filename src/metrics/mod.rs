//! The daemon's numbers for a dashboard: one process-wide registry of counters, gauges and
//! a histogram that the daemons bump without locks (each update is one atomic add on a
//! fixed slot: label values are enums, never peer text, so the series set is bounded), and
//! its rendering in the Prometheus text exposition format 0.0.4 ([`exposition`]), served
//! on `listen.metrics` by [`serve`].
//!
//! Names follow the Prometheus conventions: `mailctl_` prefix, `_total` on counters, base
//! units (seconds, bytes). Figures that live in the database (queue depth, oldest queued
//! message) are read at scrape time by one query ([`crate::core::queue::QueueFigures`]),
//! off the async workers.
//!
//! Storage per domain (messages and bytes) is measured by a background thread and cached
//! ([`storage`]): a scrape never walks a Maildir.
//!
//! Not here: mail injected by the `sendmail` command (another process: it shows up in the
//! delivery counters of the daemon that delivers it, not in `received`).

pub mod exposition;
pub mod scrape;
mod serve;
pub mod storage;

pub use serve::serve;

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};

use exposition::{Histogram, Writer};

/// The session protocols counted, as the `protocol` label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Smtp,
    Submission,
    Imap,
    Pop3,
    ManageSieve,
}

const PROTOCOLS: [&str; 5] = ["smtp", "submission", "imap", "pop3", "managesieve"];

impl Protocol {
    /// From a listener name (`smtp`, `submission`, `submissions`, `imap`, `imaps`, ...).
    pub fn of_listener(name: &str) -> Protocol {
        if name.starts_with("submission") {
            Protocol::Submission
        } else if name.starts_with("imap") {
            Protocol::Imap
        } else if name.starts_with("pop3") {
            Protocol::Pop3
        } else if name == "managesieve" {
            Protocol::ManageSieve
        } else {
            Protocol::Smtp
        }
    }
}

/// How a message came in: to the MX, or from a logged-in user (submission).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Received {
    Mx,
    Submission,
}
const RECEIVED: [&str; 2] = ["mx", "submission"];

/// Where a delivery attempt went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Local,
    Remote,
}
const ROUTES: [&str; 2] = ["local", "remote"];

/// What one recipient's attempt came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Delivered,
    Deferred,
    Failed,
}
const DELIVERIES: [&str; 3] = ["delivered", "deferred", "failed"];

/// The login results of `auth::login`'s log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Login {
    Ok,
    Failed,
    Banned,
    TempFail,
}
const LOGINS: [&str; 4] = ["ok", "failed", "banned", "tempfail"];
/// `auth::login`'s protocol names; anything else counts as `other`.
const LOGIN_PROTOCOLS: [&str; 4] = ["smtp", "imap", "pop3", "other"];

/// The inbound checks that report verdicts ([`crate::inbound::Verdict::method`]); anything
/// else counts as `other`.
const METHODS: [&str; 12] = [
    "dnsbl", "dnswl", "iprev", "spf", "dkim", "dmarc", "arc", "rspamd", "spamd", "clamd", "policy",
    "other",
];
const RESULTS: [&str; 9] = [
    "pass",
    "fail",
    "softfail",
    "neutral",
    "none",
    "temperror",
    "permerror",
    "listed",
    "notlisted",
];
const ACTIONS: [&str; 4] = ["accept", "junk", "tempfail", "reject"];

/// Upper bounds of the delivery latency buckets, in seconds: a local delivery takes well
/// under a second, a remote one seconds, a retried one minutes to days.
const LATENCY_BOUNDS: &[f64] = &[
    0.05, 0.25, 1.0, 5.0, 30.0, 120.0, 600.0, 3600.0, 14400.0, 86400.0, 432000.0,
];

/// Every number the daemons keep.
pub struct Metrics {
    connections: [AtomicU64; 5],
    sessions: [AtomicI64; 5],
    received: [AtomicU64; 2],
    deliveries: [[AtomicU64; 3]; 2],
    bounces: AtomicU64,
    latency: Histogram,
    logins: [[AtomicU64; 4]; 4],
    bans: AtomicU64,
    verdicts: [[AtomicU64; 9]; 12],
    decisions: [AtomicU64; 4],
}

/// A const-built row of zeroed counters (atomics are not `Copy`).
const fn zeros<const N: usize>() -> [AtomicU64; N] {
    [const { AtomicU64::new(0) }; N]
}

static GLOBAL: Metrics = Metrics::new();

/// The process's registry.
pub fn global() -> &'static Metrics {
    &GLOBAL
}

/// Counts a session as active for as long as it lives.
#[must_use]
pub struct SessionGuard(&'static Metrics, Protocol);

impl Drop for SessionGuard {
    fn drop(&mut self) {
        self.0.sessions[self.1 as usize].fetch_sub(1, Relaxed);
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub const fn new() -> Metrics {
        Metrics {
            connections: zeros(),
            sessions: [const { AtomicI64::new(0) }; 5],
            received: zeros(),
            deliveries: [const { zeros() }; 2],
            bounces: AtomicU64::new(0),
            latency: Histogram::new(LATENCY_BOUNDS),
            logins: [const { zeros() }; 4],
            bans: AtomicU64::new(0),
            verdicts: [const { zeros() }; 12],
            decisions: zeros(),
        }
    }

    /// A connection admitted on a `protocol` listener; the session counts as active until
    /// the guard is dropped.
    pub fn session(&'static self, protocol: Protocol) -> SessionGuard {
        self.connections[protocol as usize].fetch_add(1, Relaxed);
        self.sessions[protocol as usize].fetch_add(1, Relaxed);
        SessionGuard(self, protocol)
    }

    pub fn received(&self, kind: Received) {
        self.received[kind as usize].fetch_add(1, Relaxed);
    }

    /// One recipient's attempt; a delivered one also records how long since the message
    /// was received (`age_secs`).
    pub fn delivery(&self, route: Route, outcome: Delivery, age_secs: i64) {
        self.deliveries[route as usize][outcome as usize].fetch_add(1, Relaxed);
        if outcome == Delivery::Delivered {
            self.latency.observe(age_secs.max(0) as f64);
        }
    }

    /// A bounce (non-delivery report) queued to a sender.
    pub fn bounce(&self) {
        self.bounces.fetch_add(1, Relaxed);
    }

    pub fn login(&self, protocol: &str, result: Login) {
        let p = LOGIN_PROTOCOLS
            .iter()
            .position(|p| p.eq_ignore_ascii_case(protocol))
            .unwrap_or(LOGIN_PROTOCOLS.len() - 1);
        self.logins[p][result as usize].fetch_add(1, Relaxed);
    }

    /// An address newly banned for failed logins.
    pub fn ban(&self) {
        self.bans.fetch_add(1, Relaxed);
    }

    /// One inbound check's verdict (`method` as in `inbound::Verdict`, `result` its word).
    pub fn verdict(&self, method: &str, result: &str) {
        let m = METHODS
            .iter()
            .position(|x| *x == method)
            .unwrap_or(METHODS.len() - 1);
        if let Some(r) = RESULTS.iter().position(|x| *x == result) {
            self.verdicts[m][r].fetch_add(1, Relaxed);
        }
    }

    /// The inbound decision for one message (`accept`, `junk`, `tempfail`, `reject`).
    pub fn decision(&self, action: &str) {
        if let Some(a) = ACTIONS.iter().position(|x| *x == action) {
            self.decisions[a].fetch_add(1, Relaxed);
        }
    }

    /// The whole registry in the text exposition format, with the database figures when
    /// they could be read.
    pub fn render(&self, queue: Option<&crate::core::queue::QueueFigures>) -> String {
        let mut w = Writer::default();
        self.render_sessions(&mut w);
        self.render_mail(&mut w);
        if let Some(q) = queue {
            w.family(
                "mailctl_queue_messages",
                "gauge",
                "Messages in the queue (local and remote, held included).",
            );
            w.sample("mailctl_queue_messages", &[], q.messages as f64);
            w.family(
                "mailctl_queue_oldest_age_seconds",
                "gauge",
                "Age of the oldest message in the queue (0 when empty).",
            );
            w.sample("mailctl_queue_oldest_age_seconds", &[], q.oldest_age as f64);
        }
        self.render_auth(&mut w);
        self.render_inbound(&mut w);
        w.finish()
    }

    fn render_sessions(&self, w: &mut Writer) {
        let name = "mailctl_connections_total";
        w.family(name, "counter", "Connections admitted, per protocol.");
        for (p, c) in PROTOCOLS.iter().zip(&self.connections) {
            w.sample(name, &[("protocol", p)], c.load(Relaxed) as f64);
        }
        let name = "mailctl_sessions_active";
        w.family(name, "gauge", "Sessions open now, per protocol.");
        for (p, c) in PROTOCOLS.iter().zip(&self.sessions) {
            w.sample(name, &[("protocol", p)], c.load(Relaxed).max(0) as f64);
        }
    }

    fn render_mail(&self, w: &mut Writer) {
        let name = "mailctl_messages_received_total";
        w.family(
            name,
            "counter",
            "Messages accepted over SMTP (250 after DATA), by kind: mx or submission.",
        );
        for (k, c) in RECEIVED.iter().zip(&self.received) {
            w.sample(name, &[("kind", k)], c.load(Relaxed) as f64);
        }
        let name = "mailctl_deliveries_total";
        w.family(
            name,
            "counter",
            "Delivery attempts per recipient, by route (local, remote) and outcome.",
        );
        for (r, row) in ROUTES.iter().zip(&self.deliveries) {
            for (o, c) in DELIVERIES.iter().zip(row) {
                w.sample(
                    name,
                    &[("route", r), ("outcome", o)],
                    c.load(Relaxed) as f64,
                );
            }
        }
        let name = "mailctl_bounces_total";
        w.family(
            name,
            "counter",
            "Bounces (delivery status notifications of failure) queued.",
        );
        w.sample(name, &[], self.bounces.load(Relaxed) as f64);
        let name = "mailctl_delivery_latency_seconds";
        w.family(
            name,
            "histogram",
            "Time from a message's reception to a recipient's successful delivery.",
        );
        w.histogram(name, &self.latency);
    }

    fn render_auth(&self, w: &mut Writer) {
        let name = "mailctl_logins_total";
        w.family(name, "counter", "Login attempts, by protocol and result.");
        for (p, row) in LOGIN_PROTOCOLS.iter().zip(&self.logins) {
            for (r, c) in LOGINS.iter().zip(row) {
                w.sample(
                    name,
                    &[("protocol", p), ("result", r)],
                    c.load(Relaxed) as f64,
                );
            }
        }
        let name = "mailctl_login_bans_total";
        w.family(
            name,
            "counter",
            "Addresses banned for failed logins (ban.threshold reached).",
        );
        w.sample(name, &[], self.bans.load(Relaxed) as f64);
    }

    fn render_inbound(&self, w: &mut Writer) {
        let name = "mailctl_inbound_verdicts_total";
        w.family(
            name,
            "counter",
            "Inbound check verdicts (DNS lists, SPF, DKIM, DMARC, ARC, rspamd, clamd), by check and result; only pairs seen are listed.",
        );
        for (m, row) in METHODS.iter().zip(&self.verdicts) {
            for (r, c) in RESULTS.iter().zip(row) {
                let n = c.load(Relaxed);
                if n > 0 {
                    w.sample(name, &[("check", m), ("result", r)], n as f64);
                }
            }
        }
        let name = "mailctl_inbound_decisions_total";
        w.family(name, "counter", "Inbound decisions per message, by action.");
        for (a, c) in ACTIONS.iter().zip(&self.decisions) {
            w.sample(name, &[("action", a)], c.load(Relaxed) as f64);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh() -> &'static Metrics {
        Box::leak(Box::new(Metrics::new()))
    }

    fn value(text: &str, series: &str) -> Option<f64> {
        text.lines()
            .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
    }

    #[test]
    fn sessions_count_while_the_guard_lives() {
        let m = fresh();
        let a = m.session(Protocol::Imap);
        let b = m.session(Protocol::Imap);
        drop(a);
        let t = m.render(None);
        assert_eq!(
            value(&t, "mailctl_connections_total{protocol=\"imap\"}"),
            Some(2.0)
        );
        assert_eq!(
            value(&t, "mailctl_sessions_active{protocol=\"imap\"}"),
            Some(1.0)
        );
        drop(b);
        let t = m.render(None);
        assert_eq!(
            value(&t, "mailctl_sessions_active{protocol=\"imap\"}"),
            Some(0.0)
        );
    }

    #[test]
    fn every_update_lands_in_its_series() {
        let m = fresh();
        m.received(Received::Submission);
        m.delivery(Route::Local, Delivery::Delivered, 3);
        m.delivery(Route::Remote, Delivery::Deferred, 3);
        m.bounce();
        m.login("IMAP", Login::Failed);
        m.login("webdav", Login::Ok);
        m.ban();
        m.verdict("dmarc", "fail");
        m.verdict("nonsense", "pass");
        m.verdict("spf", "not a result");
        m.decision("junk");
        let q = crate::core::queue::QueueFigures {
            messages: 4,
            oldest_age: 60,
        };
        let t = m.render(Some(&q));
        for (series, want) in [
            ("mailctl_messages_received_total{kind=\"submission\"}", 1.0),
            ("mailctl_messages_received_total{kind=\"mx\"}", 0.0),
            (
                "mailctl_deliveries_total{route=\"local\",outcome=\"delivered\"}",
                1.0,
            ),
            (
                "mailctl_deliveries_total{route=\"remote\",outcome=\"deferred\"}",
                1.0,
            ),
            ("mailctl_bounces_total", 1.0),
            ("mailctl_delivery_latency_seconds_bucket{le=\"5\"}", 1.0),
            ("mailctl_delivery_latency_seconds_count", 1.0),
            (
                "mailctl_logins_total{protocol=\"imap\",result=\"failed\"}",
                1.0,
            ),
            (
                "mailctl_logins_total{protocol=\"other\",result=\"ok\"}",
                1.0,
            ),
            ("mailctl_login_bans_total", 1.0),
            (
                "mailctl_inbound_verdicts_total{check=\"dmarc\",result=\"fail\"}",
                1.0,
            ),
            (
                "mailctl_inbound_verdicts_total{check=\"other\",result=\"pass\"}",
                1.0,
            ),
            ("mailctl_inbound_decisions_total{action=\"junk\"}", 1.0),
            ("mailctl_queue_messages", 4.0),
            ("mailctl_queue_oldest_age_seconds", 60.0),
        ] {
            assert_eq!(value(&t, series), Some(want), "{series} in\n{t}");
        }
        assert!(
            !t.contains("check=\"spf\""),
            "an unknown result is not counted"
        );
    }

    /// Prometheus conventions: every family has HELP and TYPE, counters end in `_total`.
    #[test]
    fn families_follow_the_naming_conventions() {
        let t = fresh().render(None);
        let mut families = 0;
        for l in t.lines().filter(|l| l.starts_with("# TYPE ")) {
            let mut w = l.split(' ').skip(2);
            let (name, kind) = (w.next().unwrap(), w.next().unwrap());
            assert!(name.starts_with("mailctl_"), "{name}");
            assert_eq!(kind == "counter", name.ends_with("_total"), "{name}");
            assert!(t.contains(&format!("# HELP {name} ")), "{name}");
            families += 1;
        }
        assert!(families >= 10);
        assert!(
            !t.contains("mailctl_queue_messages"),
            "no database, no queue gauges"
        );
    }
}
