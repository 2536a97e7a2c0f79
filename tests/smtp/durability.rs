//! Durability: shutdown mid-transaction, kill -9 under load, a full disk.

use std::time::Duration;

use super::harness::*;
use super::require;

#[test]
fn sigterm_finishes_the_transaction_in_flight() {
    let dir = data_dir();
    let mut srv = Server::start(dir.path());
    let mut c = srv.client();
    c.cmd("EHLO raw");
    c.cmd("MAIL FROM:<x@remote.test>");
    c.cmd("RCPT TO:<alice@example.test>");
    assert!(c.cmd("DATA").starts_with("354"));
    c.send(b"Subject: in-flight\r\n\r\nfirst half\r\n");
    srv.signal(libc::SIGTERM);
    std::thread::sleep(Duration::from_millis(300));
    c.send(b"second half\r\n.\r\n");
    let r = c.reply();
    assert!(r.starts_with("250 2.0.0"), "{r}");
    assert!(c.reply().starts_with("421"), "then the session is closed");
    assert!(
        srv.wait_exit(Duration::from_secs(20)).is_some(),
        "server exits after the transaction"
    );
    // Queued before exit: delivered now or by the next start.
    drop(srv);
    let srv = Server::start(dir.path());
    let files = maildir_files(dir.path(), "alice", "example.test", 1);
    assert!(files.iter().any(|m| m.contains("second half")));
    drop(srv);
}

#[test]
fn kill_9_mid_stream_loses_nothing_that_got_250() {
    let dir = data_dir();
    let srv = Server::start(dir.path());
    let addr = srv.smtp();
    let acked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut threads = Vec::new();
    for t in 0..4 {
        let acked = acked.clone();
        threads.push(std::thread::spawn(move || {
            let Ok(stream) = std::net::TcpStream::connect(addr) else {
                return;
            };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
            drop(stream);
            let mut c = Client::connect(addr);
            c.cmd("EHLO load");
            for i in 0..200 {
                let token = format!("durable-{t}-{i}");
                if !c.cmd("MAIL FROM:<x@remote.test>").starts_with("250") {
                    return;
                }
                if !c.cmd("RCPT TO:<alice@example.test>").starts_with("250")
                    || !c.cmd("DATA").starts_with("354")
                {
                    return;
                }
                c.send(format!("{}\r\n.\r\n", message(&token)).as_bytes());
                if c.reply().starts_with("250 2.0.0") {
                    acked.lock().unwrap().push(token);
                } else {
                    return;
                }
            }
        }));
    }
    // Let some messages through, then pull the plug.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while acked.lock().unwrap().len() < 40 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    srv.kill9();
    for t in threads {
        let _ = t.join();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 40, "only {} acked", acked.len());
    // Restart: queued local deliveries resume.
    let srv = Server::start(dir.path());
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let missing = loop {
        let files = maildir_files(dir.path(), "alice", "example.test", 0);
        let missing: Vec<&String> = acked
            .iter()
            .filter(|t| {
                !files
                    .iter()
                    .any(|m| m.contains(&format!("Subject: {t}\r\n")))
            })
            .collect();
        if missing.is_empty() || std::time::Instant::now() > deadline {
            break missing.into_iter().cloned().collect::<Vec<_>>();
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
    // ...and none twice: a copy written just before the kill is found, not written again.
    std::thread::sleep(Duration::from_secs(1));
    let files = maildir_files(dir.path(), "alice", "example.test", 0);
    let twice: Vec<&String> = acked
        .iter()
        .filter(|t| {
            files
                .iter()
                .filter(|m| m.contains(&format!("Subject: {t}\r\n")))
                .count()
                > 1
        })
        .collect();
    assert!(twice.is_empty(), "delivered twice: {twice:?}");
    drop(srv);
}

#[test]
fn a_partial_spool_file_from_kill_9_mid_data_is_swept_at_start() {
    let dir = data_dir();
    let srv = Server::start(dir.path());
    let mut c = srv.client();
    c.cmd("EHLO raw");
    c.cmd("MAIL FROM:<x@remote.test>");
    c.cmd("RCPT TO:<alice@example.test>");
    assert!(c.cmd("DATA").starts_with("354"));
    c.send(b"Subject: never finished\r\n\r\n");
    c.send("x".repeat(100_000).as_bytes());
    let queue = dir.path().join("queue");
    let spooled = || -> Vec<std::path::PathBuf> {
        std::fs::read_dir(&queue)
            .map(|d| {
                d.flatten()
                    .map(|e| e.path())
                    .filter(|p| p.is_file())
                    .collect()
            })
            .unwrap_or_default()
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while spooled().is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    srv.kill9();
    let partial = spooled();
    assert_eq!(
        partial.len(),
        1,
        "the partial spool file is there after the kill"
    );
    // A few minutes pass before the restart (no writer touches it any more).
    let then = std::time::SystemTime::now() - Duration::from_secs(180);
    std::fs::File::options()
        .write(true)
        .open(&partial[0])
        .unwrap()
        .set_modified(then)
        .unwrap();
    let srv = Server::start(dir.path());
    // The sweep runs during start-up, which may report its listeners a moment before.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !spooled().is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        spooled().is_empty(),
        "orphan left in the queue: {partial:?}"
    );
    drop(srv);
}

#[test]
fn full_disk_answers_452_and_loses_nothing() {
    require("unshare");
    let dir = data_dir();
    let srv = Server::start_with_small_spool(dir.path(), "256k");
    let mut c = srv.client();
    c.cmd("EHLO raw");
    assert!(
        c.mail(
            "x@remote.test",
            &["alice@example.test"],
            &message("before-full")
        )
        .starts_with("250 2.0.0")
    );
    let big = format!(
        "Subject: too-big-for-disk\r\n\r\n{}",
        "d".repeat(70)
            .repeat(6000)
            .as_bytes()
            .chunks(70)
            .map(|l| String::from_utf8_lossy(l).into_owned() + "\r\n")
            .collect::<String>()
    );
    let r = c.mail("x@remote.test", &["alice@example.test"], &big);
    assert!(r.starts_with("452 4.3.1"), "{r}");
    // The session goes on, and the next message is taken once there is room.
    assert!(
        c.mail(
            "x@remote.test",
            &["alice@example.test"],
            &message("after-full")
        )
        .starts_with("250 2.0.0")
    );
    let files = maildir_files(dir.path(), "alice", "example.test", 2);
    assert!(
        files.iter().any(|m| m.contains("before-full"))
            && files.iter().any(|m| m.contains("after-full")),
        "{files:?}"
    );
    assert!(!files.iter().any(|m| m.contains("too-big-for-disk")));
}
