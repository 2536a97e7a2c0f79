//! Issue 16.1: the admin commands run as root (as the README shows), then the daemon starts
//! as the service user: it must be able to read everything they made, sign with every DKIM
//! key, and reload a root-only certificate on SIGHUP. And when a file is not usable, `serve`
//! refuses to start, naming the file, its owner and mode, and the fix.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::account::{Account, is_root};
use common::cli::{BIN, mailctl, mailctl_ok, mailctl_stdin};
use common::serve::{self, Serve};
use common::{certs, maildir, tools};

/// A certificate and key for mail.a.test made by openssl (as an administrator would get
/// from a CA), written where only root can read them.
fn make_cert(dir: &Path) {
    certs::make_at(
        &dir.join("fullchain.pem"),
        &dir.join("privkey.pem"),
        "mail.a.test",
    );
}

fn fingerprint_of_file(cert: &Path) -> String {
    let o = Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
        .arg(cert)
        .output()
        .unwrap();
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

/// The fingerprint of the certificate served on an implicit-TLS port, as openssl sees it.
fn served_fingerprint(addr: &str) -> String {
    let o = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "timeout 10 openssl s_client -connect {addr} -servername mail.a.test </dev/null 2>/dev/null \
             | openssl x509 -noout -fingerprint -sha256"
        ))
        .output()
        .unwrap();
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

fn runtime_state(dir: &Path, pid: u32) -> Option<serde_json::Value> {
    let f = dir.join(format!("run/daemon-{pid}.json"));
    serde_json::from_slice(&std::fs::read(f).ok()?).ok()
}

/// Waits (bounded) for `cond`, panicking with the server's log if it never holds.
fn wait_for(s: &mut Serve, what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        if cond() {
            return;
        }
        assert!(
            s.alive(),
            "serve exited while waiting for {what}:\n{}",
            s.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("timed out waiting for {what}:\n{}", s.log());
}

fn serve_cmd(dir: &Path, extra: &[&str]) -> Command {
    let args = [&["smtp"], extra].concat();
    serve::command(dir, &args, &["smtp", "submission", "submissions"])
}

#[test]
fn root_made_files_serve_the_service_user_sign_and_reload() {
    if !is_root() {
        eprintln!("skipped: needs root to act as the administrator and switch users");
        return;
    }
    let user = Account::create(&format!("{}", std::process::id() % 100000));

    // B: the receiving server, run plainly.
    let b = common::data_dir();
    mailctl_ok(b.path(), &["domain", "add", "b.test", "--create"]);
    mailctl_ok(
        b.path(),
        &["user", "add", "bob@b.test", "--random-password"],
    );
    mailctl_ok(b.path(), &["config", "set", "server.user", ""]);
    // B only has to take the message: no inbound checks, and no DNS beyond loopback.
    mailctl_ok(
        b.path(),
        &["config", "set", "dns.nameserver", "127.0.0.1:9"],
    );
    mailctl_ok(b.path(), &["config", "set", "inbound.checks", "false"]);
    let server_b = Serve::spawn(serve_cmd(b.path(), &["--allow-root"]), 1);
    let b_port = server_b
        .addr("smtp")
        .rsplit(':')
        .next()
        .unwrap()
        .to_string();

    // A: everything an administrator does as root, by the book.
    let a = common::data_dir();
    let certs = tempfile::tempdir().unwrap(); // root-only, like /etc/letsencrypt/live
    make_cert(certs.path());
    let (cert, key) = (
        certs.path().join("fullchain.pem"),
        certs.path().join("privkey.pem"),
    );
    let tls_arg = format!("{},{}", cert.display(), key.display());
    let o = mailctl_stdin(
        a.path(),
        &[
            "setup",
            "--non-interactive",
            "--hostname",
            "mail.a.test",
            "--domain",
            "a.test",
            "--admin",
            "admin@a.test",
            "--password-stdin",
            "--tls",
            &tls_arg,
            "--services",
            "smtp,submission",
            "--service-user",
            &user.name,
            "--no-dns-check",
        ],
        "a long secret passphrase\n",
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = mailctl(
        a.path(),
        &[
            "dkim",
            "generate",
            "a.test",
            "--selector",
            "ed",
            "--algorithm",
            "ed25519",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("the daemon signs mail from a.test"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    mailctl_ok(
        a.path(),
        &["user", "add", "carol@a.test", "--random-password"],
    );
    mailctl_ok(a.path(), &["alias", "add", "info@a.test", "carol@a.test"]);
    for (k, v) in [
        ("relay.mode", "relay"),
        ("relay.host", "127.0.0.1"),
        ("relay.port", b_port.as_str()),
        ("relay.tls", "none"),
        ("dns.nameserver", "127.0.0.1:9"),
    ] {
        mailctl_ok(a.path(), &["config", "set", k, v]);
    }
    let o = mailctl_stdin(
        a.path(),
        &["sendmail", "-f", "admin@a.test", "bob@b.test"],
        "From: Admin <admin@a.test>\nTo: bob@b.test\nSubject: signed twice\n\nhello\n",
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let mbox = a.path().join("../import.mbox");
    std::fs::write(
        &mbox,
        "From someone@x.test Thu Jan  1 00:00:00 2026\nFrom: someone@x.test\nSubject: old\n\nold mail\n",
    )
    .unwrap();
    mailctl_ok(
        a.path(),
        &[
            "maildir",
            "import-mbox",
            "carol@a.test",
            &mbox.display().to_string(),
        ],
    );
    std::fs::remove_file(&mbox).unwrap();
    let want_uid: u32 = {
        let o = Command::new("id")
            .args(["-u", &user.name])
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).trim().parse().unwrap()
    };
    let mut stack = vec![a.path().to_path_buf()];
    while let Some(p) = stack.pop() {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::symlink_metadata(&p).unwrap();
        assert_eq!(
            m.uid(),
            want_uid,
            "{} is not the service user's",
            p.display()
        );
        if m.is_dir() {
            stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        }
    }

    // A key root made by hand (not through mailctl) is refused, with the fix.
    let stray = a.path().join("dkim/a.test.stray.key");
    std::fs::copy(a.path().join("dkim/a.test.ed.key"), &stray).unwrap();
    std::os::unix::fs::lchown(&stray, Some(0), Some(0)).unwrap();
    let o = common::cli::run(serve_cmd(a.path(), &[]), None, Duration::from_secs(60));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&stray.display().to_string())
            && err.contains("root:root 0600")
            && err.contains(&format!("chown {}: {}", user.name, stray.display())),
        "{err}"
    );
    std::fs::remove_file(&stray).unwrap();

    // Now the daemon starts as the service user and uses everything root made.
    let mut server_a = Serve::spawn(serve_cmd(a.path(), &[]), 3);
    let pid = server_a.id();
    wait_for(&mut server_a, "the runtime file", || {
        runtime_state(a.path(), pid).is_some()
    });
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let uid_line = status.lines().find(|l| l.starts_with("Uid:")).unwrap();
    assert_eq!(
        uid_line.split_whitespace().nth(1),
        Some(want_uid.to_string().as_str())
    );

    // `status` sees the running daemon, its real listeners and both keys.
    let st: serde_json::Value =
        serde_json::from_str(&mailctl_ok(a.path(), &["--json", "status"])).unwrap();
    assert_eq!(st["running"], true, "{st}");
    assert_eq!(st["listeners_from"], "running");
    let smtp = st["listeners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["service"] == "smtp")
        .unwrap();
    assert_eq!(smtp["addresses"][0], server_a.addr("smtp"), "{st}");
    let mut selectors: Vec<&str> = st["dkim"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["selector"].as_str().unwrap())
        .collect();
    selectors.sort();
    assert_eq!(selectors, ["ed", "mail"], "{st}");
    // `dns dkim` says so too, key by key (the lookups themselves fail here: no DNS server on
    // that port; what the daemon signs with is known locally).
    let o = mailctl(
        a.path(),
        &[
            "--json",
            "dns",
            "dkim",
            "a.test",
            "--nameserver",
            "127.0.0.1:9",
        ],
    );
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let signing: Vec<&serde_json::Value> = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["found"].as_str().unwrap().starts_with(&format!(
                "the running daemon (pid {pid}) signs with selector"
            ))
        })
        .collect();
    assert_eq!(signing.len(), 2, "{j}");
    assert!(signing.iter().all(|f| f["status"] == "pass"), "{j}");

    // The message root queued goes out signed with both keys.
    let inbox = b.path().join("mail/b.test/bob");
    wait_for(&mut server_a, "delivery to B", || {
        !maildir::files(&inbox).is_empty()
    });
    let msg = std::fs::read_to_string(&maildir::files(&inbox)[0]).unwrap();
    let sigs: Vec<&str> = msg
        .lines()
        .filter(|l| l.starts_with("DKIM-Signature:"))
        .collect();
    assert_eq!(sigs.len(), 2, "{msg}");
    assert!(msg.contains("s=mail;") && msg.contains("s=ed;"), "{msg}");

    // Renew the root-only certificate, SIGHUP: the new one is served.
    let tls_addr = server_a.addr("submissions").to_string();
    let before = served_fingerprint(&tls_addr);
    assert_eq!(before, fingerprint_of_file(&cert));
    make_cert(certs.path());
    let renewed = fingerprint_of_file(&cert);
    assert_ne!(before, renewed);
    // SAFETY: kill(2) on our own child.
    unsafe { libc::kill(pid as i32, libc::SIGHUP) };
    wait_for(&mut server_a, "the reload", || {
        runtime_state(a.path(), pid).is_some_and(|s| s["generation"] == 1)
    });
    let state = runtime_state(a.path(), pid).unwrap();
    assert_eq!(state["reload_errors"], serde_json::json!([]), "{state}");
    assert_eq!(served_fingerprint(&tls_addr), renewed, "{}", server_a.log());

    server_a.stop();
    server_b.stop();
    assert!(
        runtime_state(a.path(), pid).is_none(),
        "a clean stop removes the runtime file"
    );
}

/// `dkim generate` run by someone whose files the daemon cannot read says so and fails,
/// instead of claiming that mail is signed.
#[test]
fn dkim_generate_fails_when_the_daemon_cannot_read_the_key() {
    if !is_root() || !tools::have("setpriv") {
        eprintln!("skipped: needs root and setpriv to act as two different accounts");
        return;
    }
    let user = Account::create(&format!("k{}", std::process::id() % 100000));
    let dir = common::data_dir();
    mailctl_ok(dir.path(), &["domain", "add", "a.test", "--create"]);
    // Everything belongs to nobody, who runs the next command; the daemon is another account.
    mailctl_ok(dir.path(), &["config", "set", "server.user", "nobody"]);
    mailctl_ok(dir.path(), &["domain", "add", "b.test"]);
    let mut stack = vec![dir.path().to_path_buf()];
    while let Some(p) = stack.pop() {
        std::os::unix::fs::lchown(&p, Some(65534), Some(65534)).unwrap();
        if p.is_dir() {
            stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        }
    }
    mailctl_ok(dir.path(), &["config", "set", "server.user", &user.name]);
    let o = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN])
        .arg("--data-dir")
        .arg(dir.path())
        .args(["dkim", "generate", "a.test", "--algorithm", "ed25519"])
        .output()
        .unwrap();
    let (out, err) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    assert_eq!(o.status.code(), Some(1), "{out}\n{err}");
    assert!(!out.contains("signs mail"), "{out}");
    assert!(
        err.contains("mail is NOT signed") && err.contains(&format!("chown {}:", user.name)),
        "{err}"
    );
}
