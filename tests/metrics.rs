//! The metrics endpoint end to end: `serve` with `listen.metrics` on loopback, scraped with
//! curl, parsed by the Prometheus project's own Python parser (`prometheus_client`), while
//! real clients send mail over SMTP and fail an IMAP login; `mailctl stats --json` shows the
//! same numbers. Also: the endpoint refuses to listen beyond loopback, and `stats` without
//! it still reports the queue. Storage per domain follows delivered mail (the refresher's
//! interval shortened by `MAILCTL_TEST_STORAGE_INTERVAL_MS`). Needs curl, python3 and prometheus_client (scripts/test).

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{cli, maildir, mx, serve::Serve, tools, users};

/// Reads an exposition file with `prometheus_client.parser` (which rejects what Prometheus
/// would) and prints one `series value` line per sample, labels sorted.
const PARSE: &str = r#"
import sys
from prometheus_client.parser import text_string_to_metric_families
text = open(sys.argv[1]).read()
for fam in text_string_to_metric_families(text):
    for s in fam.samples:
        labels = ",".join(f'{k}="{v}"' for k, v in sorted(s.labels.items()))
        print(f"{s.name}{{{labels}}} {s.value}")
"#;

type Series = BTreeMap<String, f64>;

/// curl `GET /metrics`, then the strict parse.
fn scrape(dir: &Path, addr: &str) -> Series {
    let file = dir.join("scrape.txt");
    let out = Command::new("curl")
        .args(["-sS", "--fail", "--max-time", "10", "-o"])
        .arg(&file)
        .arg(format!("http://{addr}/metrics"))
        .output()
        .unwrap();
    assert!(out.status.success(), "curl: {}", cli::text(&out));
    let (ok, text) = tools::python_text(PARSE, &[file.to_str().unwrap()]);
    assert!(
        ok,
        "prometheus_client refused the exposition (pip install prometheus_client): {text}"
    );
    text.lines()
        .filter_map(|l| l.rsplit_once(' '))
        .filter_map(|(k, v)| Some((k.to_string(), v.parse().ok()?)))
        .collect()
}

/// Scrapes until `series` reaches `want` (the counters move just after the log line and
/// the Maildir file the test waits for), at most 10 s.
fn until(dir: &Path, addr: &str, series: &str, want: f64) -> Series {
    let start = Instant::now();
    loop {
        let s = scrape(dir, addr);
        if s.get(series).copied().unwrap_or(-1.0) >= want || start.elapsed().as_secs() > 10 {
            return s;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn imap_login_fails(port: u16) {
    let (ok, text) = tools::python_text(
        r#"
import imaplib, sys
c = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]), timeout=30)
try:
    c.login("alice@example.test", "wrong password")
    print("logged in?")
except imaplib.IMAP4.error:
    print("refused")
"#,
        &[&port.to_string()],
    );
    assert!(ok && text.trim() == "refused", "{text}");
}

#[test]
fn counters_move_as_mail_flows_and_stats_shows_the_same_numbers() {
    tools::require("curl");
    let tmp = users::example_test("", &["localhost"]);
    let dir = tmp.path();
    let srv = Serve::start(
        dir,
        &["smtp", "imap", "metrics", "--allow-root"],
        &[
            "smtp",
            "submission",
            "submissions",
            "imap",
            "imaps",
            "metrics",
        ],
    );
    let m = srv.addr("metrics").to_string();
    let before = scrape(dir, &m);
    for series in [
        r#"mailctl_messages_received_total{kind="mx"}"#,
        r#"mailctl_deliveries_total{outcome="delivered",route="local"}"#,
        r#"mailctl_logins_total{protocol="imap",result="failed"}"#,
        "mailctl_delivery_latency_seconds_count{}",
    ] {
        assert_eq!(before.get(series), Some(&0.0), "{series} in {before:#?}");
    }
    assert_eq!(before.get("mailctl_queue_messages{}"), Some(&0.0));

    assert_eq!(
        mx::attempt(
            srv.port("smtp"),
            "someone@sender.test",
            "alice@example.test"
        ),
        "sent"
    );
    maildir::wait_messages(dir, "alice", "example.test", 1);
    let delivered = r#"mailctl_deliveries_total{outcome="delivered",route="local"}"#;
    let after = until(dir, &m, delivered, 1.0);
    for (series, want) in [
        (r#"mailctl_messages_received_total{kind="mx"}"#, 1.0),
        (r#"mailctl_messages_received_total{kind="submission"}"#, 0.0),
        (delivered, 1.0),
        ("mailctl_delivery_latency_seconds_count{}", 1.0),
        (r#"mailctl_delivery_latency_seconds_bucket{le="+Inf"}"#, 1.0),
        (r#"mailctl_connections_total{protocol="smtp"}"#, 1.0),
    ] {
        assert_eq!(after.get(series), Some(&want), "{series} in {after:#?}");
    }

    imap_login_fails(srv.port("imap"));
    let failed = r#"mailctl_logins_total{protocol="imap",result="failed"}"#;
    let after = until(dir, &m, failed, 1.0);
    assert_eq!(after.get(failed), Some(&1.0), "{after:#?}");
    assert_eq!(
        after.get(r#"mailctl_connections_total{protocol="imap"}"#),
        Some(&1.0)
    );
    // The IMAP session has ended (the client logged out or hung up).
    let active = r#"mailctl_sessions_active{protocol="imap"}"#;
    let start = Instant::now();
    while scrape(dir, &m).get(active) != Some(&0.0) && start.elapsed().as_secs() < 10 {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(scrape(dir, &m).get(active), Some(&0.0));

    // `stats --json`: the same numbers (nothing moves between the two reads: scrapes are
    // not connections of a mail protocol).
    let st = cli::json(dir, &["stats"]);
    let scraped = scrape(dir, &m);
    assert_eq!(st["source"], "endpoint", "{st}");
    assert_eq!(st["endpoint"], m.as_str());
    let samples = st["samples"].as_array().unwrap();
    assert!(samples.len() >= 30, "{st}");
    for s in samples {
        let labels: Vec<String> = s["labels"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{k}=\"{}\"", v.as_str().unwrap()))
            .collect();
        let series = format!("{}{{{}}}", s["name"].as_str().unwrap(), labels.join(","));
        if series.starts_with("mailctl_storage_refresh_seconds") {
            continue; // a duration, not a count: each refresh has its own
        }
        let value = s["value"].as_f64().unwrap_or(f64::INFINITY);
        assert_eq!(scraped.get(&series), Some(&value), "{series}");
    }
    assert_eq!(st["queue"]["messages"], 0);
    let table = cli::mailctl_ok(dir, &["stats"]);
    assert!(table.contains("messages_received_total"), "{table}");
    assert!(table.lines().all(|l| l.chars().count() <= 80), "{table}");
    srv.stop();
}

#[test]
fn the_endpoint_stays_on_loopback() {
    let tmp = users::example_test("", &["localhost"]);
    let dir = tmp.path();
    let out = cli::mailctl(dir, &["config", "set", "listen.metrics", "0.0.0.0:9100"]);
    assert!(!out.status.success());
    assert!(cli::text(&out).contains("loopback"), "{}", cli::text(&out));
    let out = cli::mailctl(dir, &["serve", "metrics", "--listen", "metrics=0.0.0.0:0"]);
    assert_eq!(out.status.code(), Some(2), "{}", cli::text(&out));
    assert!(cli::text(&out).contains("loopback"), "{}", cli::text(&out));
}

#[test]
fn stats_without_the_endpoint_reports_the_queue() {
    let tmp = users::example_test("", &["localhost"]);
    let dir = tmp.path();
    let st = cli::json(dir, &["stats"]);
    assert_eq!(st["source"], "database", "{st}");
    assert_eq!(st["queue"]["messages"], 0);
    assert!(
        st["note"].as_str().unwrap().contains("listen.metrics"),
        "{st}"
    );
    assert_eq!(st["samples"].as_array().unwrap().len(), 0);
}

/// Bytes and messages of every Maildir file of `domain` (every account, every folder).
fn on_disk(dir: &Path, domain: &str) -> (f64, f64) {
    let (mut n, mut bytes) = (0.0, 0.0);
    let mut stack = vec![dir.join("mail").join(domain)];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let t = e.file_type().unwrap();
            if t.is_dir() {
                stack.push(e.path());
            } else if t.is_file() && (d.ends_with("new") || d.ends_with("cur")) {
                n += 1.0;
                bytes += e.metadata().unwrap().len() as f64;
            }
        }
    }
    (n, bytes)
}

#[test]
fn storage_per_domain_follows_delivered_mail_and_stats_shows_the_same() {
    tools::require("curl");
    let tmp = users::example_test("", &["localhost"]);
    let dir = tmp.path();
    users::add_domain(dir, "empty.test");
    let mut cmd = common::serve::command(
        dir,
        &["smtp", "metrics", "--allow-root"],
        &["smtp", "metrics"],
    );
    cmd.env("MAILCTL_TEST_STORAGE_INTERVAL_MS", "100");
    let srv = Serve::spawn(cmd, 2);
    let m = srv.addr("metrics").to_string();
    let bytes = r#"mailctl_storage_bytes{domain="example.test"}"#;
    let messages = r#"mailctl_storage_messages{domain="example.test"}"#;
    let before = until(dir, &m, messages, 0.0);
    assert_eq!(before.get(messages), Some(&0.0), "{before:#?}");
    assert_eq!(before.get(bytes), Some(&0.0));

    for to in [
        "alice@example.test",
        "bob@example.test",
        "alice@example.test",
    ] {
        assert_eq!(
            mx::attempt(srv.port("smtp"), "someone@sender.test", to),
            "sent"
        );
    }
    maildir::wait_messages(dir, "alice", "example.test", 2);
    maildir::wait_messages(dir, "bob", "example.test", 1);
    let after = until(dir, &m, messages, 3.0);
    let (n, size) = on_disk(dir, "example.test");
    assert_eq!(n, 3.0);
    assert_eq!(after.get(messages), Some(&3.0), "{after:#?}");
    assert_eq!(after.get(bytes), Some(&size), "{after:#?}");
    assert!(size > 0.0);
    assert_eq!(
        after.get(r#"mailctl_storage_messages{domain="empty.test"}"#),
        Some(&0.0)
    );

    let st = cli::json(dir, &["stats"]);
    let storage = st["storage"].as_array().unwrap();
    let ex = storage
        .iter()
        .find(|d| d["domain"] == "example.test")
        .unwrap_or_else(|| panic!("{st}"));
    assert_eq!(ex["messages"], 3, "{st}");
    assert_eq!(ex["bytes"].as_f64(), Some(size), "{st}");
    let table = cli::mailctl_ok(dir, &["stats"]);
    assert!(table.contains("domain=example.test"), "{table}");
    assert!(table.lines().all(|l| l.chars().count() <= 80), "{table}");
    srv.stop();

    // Without the endpoint, `stats` measures the Maildirs itself: the same figures.
    let st = cli::json(dir, &["stats"]);
    assert_eq!(st["source"], "database", "{st}");
    let ex = st["storage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["domain"] == "example.test")
        .cloned()
        .unwrap_or_else(|| panic!("{st}"));
    assert_eq!(ex["messages"], 3, "{st}");
    assert_eq!(ex["bytes"].as_f64(), Some(size), "{st}");
}
