//! The queue under pressure (issue 15, points 11-14): a stalled next hop must not hold other
//! destinations; `queue flush` beside the daemon delivers each message once; a damaged spool
//! file is quarantined, never sent; failed local deliveries retry, expire and bounce.

use std::collections::HashMap;
use std::io::Write;
use std::net::TcpListener;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::harness::*;
use super::world;

/// A next hop that sends one byte of its greeting and then nothing, for up to `hold`.
/// Tells `seen` about each connection.
fn stalled_peer(ip: &str, port: u16, hold: Duration, seen: std::sync::mpsc::Sender<()>) {
    let l = TcpListener::bind((ip, port)).unwrap();
    std::thread::spawn(move || {
        for conn in l.incoming().take(10) {
            let Ok(mut s) = conn else { continue };
            let seen = seen.clone();
            std::thread::spawn(move || {
                let _ = s.write_all(b"2");
                let _ = seen.send(());
                std::thread::sleep(hold);
            });
        }
    });
}

#[test]
fn a_stalled_next_hop_does_not_hold_mail_for_other_destinations() {
    let mut w = world();
    // Long enough that waiting for the stalled hop would be noticed.
    w.a.set("delivery.timeout", "90s");
    let (tx, seen) = std::sync::mpsc::channel();
    stalled_peer("127.0.0.5", w.a.port, Duration::from_secs(90), tx);
    w.a.start();
    w.b.start();
    sendmail(w.a.path(), "alice@a.test", "x@silent.hostile.test", "stuck");
    seen.recv_timeout(Duration::from_secs(30))
        .expect("the runner never connected to the stalled hop");
    // Queued after the stalled delivery started: must not wait for it.
    sendmail(w.a.path(), "alice@a.test", "bob@b.test", "unaffected");
    let got = w.b.wait_mail("bob", "b.test", 1, 20);
    assert!(got[0].contains("Subject: unaffected"), "{}", got[0]);
}

/// A message's Subject token in each file; panics on a duplicate.
fn count_tokens(files: &[String], prefix: &str) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for f in files {
        if let Some(t) = f
            .lines()
            .find_map(|l| l.strip_prefix("Subject: "))
            .filter(|t| t.starts_with(prefix))
        {
            *seen.entry(t.to_string()).or_insert(0) += 1;
        }
    }
    seen
}

#[test]
fn queue_flush_beside_the_daemon_delivers_each_message_once() {
    const N: usize = 50;
    let mut w = world();
    w.a.start();
    w.b.start();
    // Two flushers in a loop beside the daemon, as an impatient administrator would.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flushers: Vec<_> = (0..2)
        .map(|_| {
            let dir = w.a.path().to_path_buf();
            let stop = stop.clone();
            std::thread::spawn(move || {
                for _ in 0..200 {
                    if stop.load(std::sync::atomic::Ordering::SeqCst) {
                        break;
                    }
                    let _ = mailctl(&dir, &["queue", "flush"]);
                }
            })
        })
        .collect();
    // Local mail over SMTP (the daemon's deliverer takes each at once, racing the flushes),
    // remote mail through sendmail (the runner's poll and the flushes race for it).
    let smtp = {
        let addr = w.a.addr();
        std::thread::spawn(move || {
            let script = format!(
                "import smtplib\n\
                 s = smtplib.SMTP('{}', {}, timeout=30)\n\
                 for i in range({N}):\n    \
                 s.sendmail('bob@b.test', ['alice@a.test'], 'Subject: local-%d\\r\\n\\r\\nhi\\r\\n' % i)\n\
                 s.quit()\n",
                addr.ip(),
                addr.port()
            );
            let o = std::process::Command::new("python3")
                .args(["-c", &script])
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        })
    };
    for i in 0..N {
        sendmail(
            w.a.path(),
            "alice@a.test",
            "bob@b.test",
            &format!("remote-{i}"),
        );
    }
    smtp.join().unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let remote = maildir_all(&w.b, "bob", "b.test").len();
        let local = maildir_all(&w.a, "alice", "a.test").len();
        if (remote >= N && local >= N) || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    for f in flushers {
        let _ = f.join();
    }
    // Anything still in flight lands now, or never.
    let _ = mailctl(w.a.path(), &["queue", "flush"]);
    std::thread::sleep(Duration::from_secs(2));
    for (inst, user, domain, prefix) in [
        (&w.b, "bob", "b.test", "remote-"),
        (&w.a, "alice", "a.test", "local-"),
    ] {
        let counts = count_tokens(&maildir_all(inst, user, domain), prefix);
        let dups: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
        assert!(dups.is_empty(), "delivered more than once: {dups:?}");
        assert_eq!(counts.len(), N, "{user}: {} of {N} delivered", counts.len());
    }
}

fn spool_files(dir: &std::path::Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir.join("queue"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect()
}

#[test]
fn a_damaged_spool_file_is_quarantined_and_never_sent() {
    let mut w = world();
    w.b.start();
    sendmail(w.a.path(), "alice@a.test", "bob@b.test", "damaged-remote");
    sendmail(w.a.path(), "bob@b.test", "alice@a.test", "damaged-local");
    let files = spool_files(w.a.path());
    assert_eq!(files.len(), 2);
    for f in &files {
        // Truncated mid-header, as a full disk or a careless restore leaves it.
        let data = std::fs::read(f).unwrap();
        std::fs::write(f, &data[..data.len() / 2]).unwrap();
    }
    let j = json(w.a.path(), &["queue", "flush"]);
    assert_eq!(j["outbound"]["quarantined"], 1, "{j}");
    assert_eq!(j["outbound"]["delivered"], 0, "{j}");
    std::thread::sleep(Duration::from_secs(1));
    assert!(maildir_all(&w.b, "bob", "b.test").is_empty(), "sent anyway");
    assert!(
        maildir_all(&w.a, "alice", "a.test").is_empty(),
        "delivered anyway"
    );
    let q = json(w.a.path(), &["queue", "list", "--quarantined"]);
    assert_eq!(q.as_array().unwrap().len(), 2, "{q}");
    for e in q.as_array().unwrap() {
        assert!(
            e["quarantined"].as_str().unwrap().contains("truncated"),
            "{e}"
        );
        let id = e["id"].as_str().unwrap();
        assert!(w.a.path().join("queue/quarantine").join(id).is_file());
    }
    assert!(spool_files(w.a.path()).is_empty());
    let st = json(w.a.path(), &["status"]);
    assert_eq!(st["quarantined"], 2, "{st}");
    // Another flush leaves them alone; delete clears them.
    let j = json(w.a.path(), &["queue", "flush"]);
    assert_eq!(j["outbound"]["claimed"], 0, "{j}");
    ok(w.a.path(), &["queue", "delete", "--all"]);
    assert!(
        std::fs::read_dir(w.a.path().join("queue/quarantine"))
            .unwrap()
            .next()
            .is_none()
    );
}

#[test]
fn a_failing_local_delivery_retries_then_bounces() {
    let port = common_port(&["127.0.0.2"]);
    let mut a = Instance::new(
        "127.0.0.2",
        port,
        "mail.a.test",
        "a.test",
        &["alice", "carol"],
        "127.0.0.1:9",
    );
    a.set("queue.retry_schedule", "1s");
    // Long enough for two attempts five seconds apart (the sweep) even on a loaded machine.
    a.set("queue.max_lifetime", "20s");
    // alice's new/ is a file: every delivery to her fails.
    let md = a.path().join("mail/a.test/alice");
    std::fs::create_dir_all(md.join("cur")).unwrap();
    std::fs::create_dir_all(md.join("tmp")).unwrap();
    std::fs::write(md.join("new"), b"not a directory").unwrap();
    a.start();
    sendmail(a.path(), "carol@a.test", "alice@a.test", "doomed");
    // Retried on the schedule, not once and then left alone.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let q = json(a.path(), &["queue", "list"]);
        let attempts = q
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|e| e["recipients"].as_array().unwrap().clone())
            .filter(|r| r["address"] == "alice@a.test")
            .map(|r| r["attempts"].as_u64().unwrap())
            .max()
            .unwrap_or(0);
        if attempts >= 2 {
            break;
        }
        assert!(Instant::now() < deadline, "not retried: {q}\n{}", a.log());
        std::thread::sleep(Duration::from_millis(200));
    }
    // Then, past queue.max_lifetime, the sender gets a bounce and the queue empties.
    let got = a.wait_mail("carol", "a.test", 1, 60);
    assert!(
        got[0].contains("alice@a.test") && got[0].contains("delivery-status"),
        "{}",
        got[0]
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while !json(a.path(), &["queue", "list"])
        .as_array()
        .unwrap()
        .is_empty()
    {
        assert!(Instant::now() < deadline, "{}", a.log());
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn a_retried_list_delivery_does_not_copy_twice_into_a_mailbox_that_has_it() {
    let port = common_port(&["127.0.0.2"]);
    let a = Instance::new(
        "127.0.0.2",
        port,
        "mail.a.test",
        "a.test",
        &["alice", "carol"],
        "127.0.0.1:9",
    );
    ok(
        a.path(),
        &[
            "alias",
            "add",
            "team@a.test",
            "alice@a.test",
            "carol@a.test",
        ],
    );
    // carol's mailbox is broken for the first attempt.
    let md = a.path().join("mail/a.test/carol");
    std::fs::create_dir_all(md.join("cur")).unwrap();
    std::fs::create_dir_all(md.join("tmp")).unwrap();
    std::fs::write(md.join("new"), b"not a directory").unwrap();
    sendmail(a.path(), "x@a.test", "team@a.test", "once");
    ok(a.path(), &["queue", "flush"]);
    assert_eq!(maildir_all(&a, "alice", "a.test").len(), 1);
    // A reader sees alice's copy (new/ -> cur/), carol's mailbox is repaired.
    let new = a.path().join("mail/a.test/alice/new");
    for e in std::fs::read_dir(&new).unwrap().flatten() {
        let seen = format!("{}:2,S", e.file_name().to_string_lossy());
        std::fs::rename(e.path(), a.path().join("mail/a.test/alice/cur").join(seen)).unwrap();
    }
    std::fs::remove_file(md.join("new")).unwrap();
    std::fs::create_dir(md.join("new")).unwrap();
    let id = json(a.path(), &["queue", "list"])[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    ok(a.path(), &["queue", "retry", &id]);
    ok(a.path(), &["queue", "flush"]);
    assert_eq!(maildir_all(&a, "carol", "a.test").len(), 1);
    assert_eq!(
        maildir_all(&a, "alice", "a.test").len(),
        1,
        "alice got her copy again on the retry"
    );
}
