//! Learning from users' Junk moves (#18.4) against a real rspamd whose Bayes classifier keeps
//! its statistics in a real Redis: a message MOVEd into Junk over IMAP (Python's imaplib)
//! shows up in rspamd's `/stat` as learned spam, one moved out as learned ham; and an rspamd
//! that cannot be reached never fails the MOVE.

mod common;
#[path = "outbound/dns.rs"]
#[allow(dead_code)]
mod dns;

use std::path::Path;
use std::time::{Duration, Instant};

use common::cli::mailctl_ok;
use common::scanners;
use common::serve::Serve;
use common::tools::python;
use common::users::{PASSWORD, example_test};

/// A message with enough distinct words for rspamd's Bayes tokenizer (it skips messages
/// with fewer than 11 tokens).
fn message(n: u32, words: &str) -> String {
    format!(
        "From: <alice@example.test>\r\nTo: <bob@example.test>\r\nSubject: note {n}\r\nDate: Sun, 06 Dec 2026 10:00:0{n} +0000\r\nMessage-ID: <note{n}@example.test>\r\n\r\n{words}\r\n"
    )
}

const SPAMMY: &str = "Cheap watches pills casino winnings lottery prize claim now, unsubscribe never, \
     limited offer discount pharmacy bitcoin investment guaranteed returns act today \
     exclusive deal viagra replica luxury credit approval instant cash bonus";
const HAMMY: &str = "Hi Bob, the quarterly report draft is attached to the wiki page. Could you \
     review the budget section before Thursday's meeting with the planning team? Thanks, \
     Alice. PS the train to Leeds leaves at nine from platform four";

const MORE: &str = "Dear friend, I am a prince with eighteen million dollars in a vault; send \
     your bank account number and a small transfer fee to release the inheritance quickly";

/// Delivers `msgs` to bob over SMTP (python's smtplib) and waits until they are in his
/// Maildir.
fn deliver(p: &Path, smtp: u16, msgs: &[String]) {
    let script = r#"
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=30)
for m in sys.argv[2:]:
    s.sendmail("alice@example.test", ["bob@example.test"], m.encode())
s.quit()
"#;
    let before = common::maildir::files(&common::maildir::of(p, "bob", "example.test")).len();
    let port = smtp.to_string();
    let mut args = vec![port.as_str()];
    args.extend(msgs.iter().map(String::as_str));
    python(script, &args);
    let md = common::maildir::of(p, "bob", "example.test");
    let want = before + msgs.len();
    assert_eq!(common::maildir::wait(&md, want).len(), want);
}

/// Logs in as bob, selects `from`, MOVEs its first message to `to`; prints the tagged
/// answer and how long the MOVE took.
fn imap_move(imap: u16, from: &str, to: &str) -> String {
    imap_move_seq(imap, from, to, "1")
}

/// [`imap_move`] of message `seq` (`*`: the last).
fn imap_move_seq(imap: u16, from: &str, to: &str, seq: &str) -> String {
    let script = r#"
import imaplib, sys, time
c = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]), timeout=30)
c.login("bob@example.test", sys.argv[2])
typ, _ = c.select(sys.argv[3])
assert typ == "OK", typ
t = time.monotonic()
typ, data = c._simple_command("MOVE", sys.argv[5], sys.argv[4])
print(typ, round(time.monotonic() - t, 3))
c.logout()
"#;
    python(script, &[&imap.to_string(), PASSWORD, from, to, seq])
}

/// `GET /stat` on rspamd's controller: the JSON document.
fn stat(controller: &str) -> serde_json::Value {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(controller) else {
        return serde_json::Value::Null;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    let mut buf = Vec::new();
    if s.write_all(b"GET /stat HTTP/1.0\r\n\r\n").is_err() || s.read_to_end(&mut buf).is_err() {
        return serde_json::Value::Null;
    }
    let text = String::from_utf8_lossy(&buf);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    serde_json::from_str(body).unwrap_or(serde_json::Value::Null)
}

/// How many messages rspamd's Bayes classifier has learned as `class` (`spam`, `ham`): the
/// `learns_CLASS` field of its `RS` hash in Redis (rspamd 3.4's schema), read with a bare
/// RESP command.
fn redis_learns(redis: &str, class: &str) -> u64 {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(redis) else {
        return 0;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    let mut buf = [0u8; 256];
    if s.write_all(format!("HGET RS learns_{class}\r\n").as_bytes())
        .is_err()
    {
        return 0;
    }
    let n = s.read(&mut buf).unwrap_or(0);
    // `$1\r\n1\r\n`, or `$-1\r\n` when nothing was learned.
    String::from_utf8_lossy(&buf[..n])
        .lines()
        .nth(1)
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(0)
}

fn redis_cmd(redis: &str, cmd: &str) -> String {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(redis) else {
        return String::new();
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    let mut buf = [0u8; 4096];
    let _ = s.write_all(format!("{cmd}\r\n").as_bytes());
    let n = s.read(&mut buf).unwrap_or(0);
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

/// Waits (60 s at most) until rspamd's `/stat` counts `total` learns and its Redis holds
/// `n` learns of class `symbol`.
fn wait_learned(
    controller: &str,
    redis: &str,
    (symbol, n): (&str, u64),
    total: u64,
    log: impl Fn() -> String,
) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let st = stat(controller);
        let learned = st["learned"].as_u64().unwrap_or(0);
        let got = redis_learns(redis, symbol);
        if learned >= total && got >= n {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "rspamd learned {learned} (want {total}), {symbol} {got} (want {n}): {st:#}\nredis: {}\nmailctl log:\n{}",
            redis_cmd(redis, "HGETALL RS"),
            log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The `rspamd controller` entry of `status --json`'s scanners.
fn controller_status(st: &serde_json::Value) -> &serde_json::Value {
    st["inbound"]["scanners"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["name"] == "rspamd controller")
        .unwrap_or_else(|| panic!("no controller in {st:#}"))
}

fn setup(controller: &str) -> (tempfile::TempDir, Serve) {
    let dir = example_test("", &["localhost"]);
    let p = dir.path();
    mailctl_ok(
        p,
        &["config", "set", "inbound.rspamd_controller", controller],
    );
    // Every listener on a port of its own choosing: one left out would take its default.
    let listeners = ["smtp", "submission", "submissions", "imap", "imaps"];
    let srv = Serve::start(p, &["smtp", "imap", "--allow-root"], &listeners);
    (dir, srv)
}

#[test]
fn junk_moves_reach_rspamds_bayes_statistics() {
    let dns = dns::DnsServer::start(&[("test", "")]);
    let redis = scanners::redis();
    let (rspamd, controller) =
        scanners::rspamd_learning(&format!("127.0.0.1:{}", dns.port), &redis.addr);
    let (dir, srv) = setup(&controller);
    let p = dir.path();
    deliver(
        p,
        srv.port("smtp"),
        &[message(1, SPAMMY), message(2, HAMMY)],
    );
    // `status` asks the controller too.
    let st = common::cli::json(p, &["status"]);
    let c = controller_status(&st);
    assert_eq!(
        (c["ok"].as_bool(), c["address"].as_str()),
        (Some(true), Some(controller.as_str())),
        "{st:#}"
    );
    let before = stat(&controller);
    assert_eq!(before["learned"].as_u64(), Some(0), "{before:#}");
    assert_eq!(redis_learns(&redis.addr, "spam"), 0);

    // INBOX -> Junk: spam.
    let out = imap_move(srv.port("imap"), "INBOX", "Junk");
    assert!(out.starts_with("OK "), "{out}\n{}", srv.log());
    wait_learned(&controller, &redis.addr, ("spam", 1), 1, || {
        format!("{}\nrspamd:\n{}", srv.log(), rspamd.log())
    });
    // Junk -> INBOX: ham (the same message: a user correcting a wrong move).
    let out = imap_move(srv.port("imap"), "Junk", "INBOX");
    assert!(out.starts_with("OK "), "{out}\n{}", srv.log());
    wait_learned(&controller, &redis.addr, ("ham", 1), 2, || {
        format!("{}\nrspamd:\n{}", srv.log(), rspamd.log())
    });
    // rspamd relearns a message it knows as the other class: the spam learn is undone.
    assert_eq!(redis_learns(&redis.addr, "spam"), 0);

    // One log line per learn: user, class, size, outcome. The line follows rspamd's answer,
    // which the statistics above may show first: wait for it (bounded).
    let deadline = Instant::now() + Duration::from_secs(20);
    let logged = |log: &str, class: &str| {
        log.lines().any(|l| {
            l.contains(&format!("learn: user=bob@example.test class={class} size="))
                && l.contains("result=learned")
        })
    };
    loop {
        let log = srv.log();
        if ["spam", "ham"].iter().all(|c| logged(&log, c)) {
            break;
        }
        assert!(Instant::now() < deadline, "{log}");
        std::thread::sleep(Duration::from_millis(100));
    }

    // Into Junk and on to Trash: Trash teaches nothing. Jobs run in order, so once a later
    // move's spam learn shows, a ham learn from the Trash move would have shown too.
    let imap = srv.port("imap");
    assert!(imap_move(imap, "INBOX", "Junk").starts_with("OK "));
    wait_learned(&controller, &redis.addr, ("spam", 1), 3, || srv.log());
    assert!(imap_move(imap, "Junk", "Trash").starts_with("OK "));
    deliver(p, srv.port("smtp"), &[message(3, MORE)]);
    let out = imap_move_seq(imap, "INBOX", "Junk", "*");
    assert!(out.starts_with("OK "), "{out}");
    wait_learned(&controller, &redis.addr, ("spam", 2), 4, || srv.log());
    assert_eq!(redis_learns(&redis.addr, "ham"), 1, "{}", srv.log());
    assert_eq!(
        stat(&controller)["learned"].as_u64(),
        Some(4),
        "{}",
        srv.log()
    );
}

#[test]
fn rspamd_down_never_fails_the_move() {
    let closed = format!("127.0.0.1:{}", common::net::free_port());
    let (dir, srv) = setup(&closed);
    let p = dir.path();
    deliver(p, srv.port("smtp"), &[message(4, SPAMMY)]);
    let out = imap_move(srv.port("imap"), "INBOX", "Junk");
    assert!(out.starts_with("OK "), "{out}\n{}", srv.log());
    // The failure is logged, after the MOVE was answered.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !srv.log().contains("result=failed") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let log = srv.log();
    assert!(
        log.lines()
            .any(|l| l.contains("learn: user=bob@example.test class=spam")
                && l.contains("result=failed")
                && l.contains(&closed)),
        "{log}"
    );
    let st = common::cli::json(p, &["status"]);
    let c = controller_status(&st);
    assert_eq!(c["ok"], false, "{st:#}");
    assert!(
        c["hint"]
            .as_str()
            .unwrap()
            .contains("inbound.rspamd_controller"),
        "{st:#}"
    );
    let junk = common::maildir::of(p, "bob", "example.test").join(".Junk");
    assert_eq!(common::maildir::files(&junk).len(), 1);
}
