//! Running as a service: refusing to stay root, dropping to the service account after
//! binding a privileged port, and systemd's readiness protocol.

mod common;
#[path = "smtp/harness.rs"]
#[allow(dead_code, unused_imports)]
mod harness;

use std::io::{BufRead, BufReader};
use std::os::unix::net::UnixDatagram;
use std::process::Command;
use std::time::{Duration, Instant};

use common::account::is_root;
use common::cli::{BIN, mailctl};
use common::net::free_port;
use common::serve::{self, Serve};
use harness::data_dir;

/// Starts `serve smtp` with extra args and env, submission listeners on ephemeral ports so
/// parallel tests never fight over 587/465.
fn start(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Serve {
    let args = [&["smtp"], args].concat();
    let mut c = serve::command(dir, &args, &["submission", "submissions"]);
    for (k, v) in env {
        c.env(k, v);
    }
    Serve::spawn(c, 1)
}

fn stop(s: Serve) {
    s.stop();
}

#[test]
fn refuses_to_keep_running_as_root() {
    if !is_root() {
        eprintln!("skipped: only meaningful as root (CI runs as root)");
        return;
    }
    let dir = data_dir(); // server.user is empty there
    let serve = serve::command(
        dir.path(),
        &["smtp"],
        &["smtp", "submission", "submissions"],
    );
    let o = common::cli::run(serve, None, Duration::from_secs(120));
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("refusing to run as root") && err.contains("--allow-root"),
        "{err}"
    );
}

#[test]
fn binds_a_privileged_port_then_runs_as_the_service_user() {
    if !is_root() {
        eprintln!("skipped: needs root to bind a port below 1024 and to switch users");
        return;
    }
    let dir = data_dir();
    mailctl(dir.path(), &["config", "set", "server.user", "nobody"]);
    // The daemon must still reach its data after the switch.
    let (uid, gid) = (65534, 65534);
    let mut stack = vec![dir.path().to_path_buf()];
    while let Some(p) = stack.pop() {
        std::os::unix::fs::lchown(&p, Some(uid), Some(gid)).unwrap();
        if p.is_dir() {
            stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        }
    }
    let port = (600..1000)
        .find(|p| std::net::TcpListener::bind(("127.0.0.1", *p)).is_ok())
        .expect("a free port below 1024");
    let child = start(
        dir.path(),
        &["--listen", &format!("smtp=127.0.0.1:{port}")],
        &[],
    );
    // "listening" is printed when a port is bound, before the switch: wait for it.
    let started = Instant::now();
    let status = loop {
        let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
        if status.contains("Uid:\t65534") || started.elapsed() > Duration::from_secs(10) {
            break status;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let uids = status
        .lines()
        .find(|l| l.starts_with("Uid:"))
        .unwrap()
        .to_string();
    let gids = status
        .lines()
        .find(|l| l.starts_with("Gid:"))
        .unwrap()
        .to_string();
    // It still serves on the privileged port it bound as root.
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut banner = String::new();
    BufReader::new(&mut s).read_line(&mut banner).unwrap();
    stop(child);
    assert_eq!(
        uids.split_whitespace().skip(1).collect::<Vec<_>>(),
        ["65534"; 4],
        "{uids}"
    );
    assert_eq!(
        gids.split_whitespace().skip(1).collect::<Vec<_>>(),
        ["65534"; 4],
        "{gids}"
    );
    assert!(banner.starts_with("220 "), "{banner}");
}

#[test]
fn tells_systemd_when_ready_and_when_stopping() {
    let dir = data_dir();
    let sock_dir = tempfile::tempdir().unwrap();
    let path = sock_dir.path().join("notify");
    let sock = UnixDatagram::bind(&path).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let child = start(
        dir.path(),
        &["--allow-root", "--listen", "smtp=127.0.0.1:0"],
        &[("NOTIFY_SOCKET", path.to_str().unwrap())],
    );
    let mut buf = [0u8; 256];
    let n = sock.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"READY=1");
    // SIGHUP reloads the certificate and says so.
    unsafe { libc::kill(child.id() as i32, libc::SIGHUP) };
    let n = sock.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"RELOADING=1");
    let n = sock.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"READY=1");
    let start = Instant::now();
    stop(child);
    let n = sock.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"STOPPING=1");
    assert!(start.elapsed() < Duration::from_secs(20));
}

/// Mail clients find their settings from the address alone (Thunderbird autoconfig).
#[test]
fn answers_client_autoconfiguration_over_http() {
    let dir = data_dir();
    mailctl(
        dir.path(),
        &["config", "set", "hostname", "mail.example.test"],
    );
    mailctl(dir.path(), &["config", "set", "listen.imap", ""]);
    let sub_port = free_port();
    let sub = format!("submission=127.0.0.1:{sub_port}");
    let mut cmd = serve::command(
        dir.path(),
        &["smtp", "autoconfig", "--allow-root"],
        &["smtp", "submissions", "autoconfig"],
    );
    cmd.args(["--listen", &sub]);
    let child = Serve::spawn(cmd, 4);
    let addr = child.addr("autoconfig").to_string();
    let curl = |url: &str| {
        let o = Command::new("curl")
            .args(["-s", "-w", "\n%{http_code}", url])
            .output()
            .expect("curl is required");
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let xml = curl(&format!(
        "http://{addr}/mail/config-v1.1.xml?emailaddress=alice%40example.test"
    ));
    stop(child);
    assert!(xml.ends_with("200"), "{xml}");
    assert!(
        xml.contains("<emailProvider id=\"example.test\">")
            && xml.contains("<hostname>mail.example.test</hostname>"),
        "{xml}"
    );
    assert!(
        xml.contains("<outgoingServer type=\"smtp\">") && xml.contains("<port>587</port>"),
        "{xml}"
    );
    let _ = sub_port; // the document names the configured port (587), not the test's override
    assert!(
        !xml.contains("<port>143</port>"),
        "a disabled listener is not offered: {xml}"
    );
    // The same document from the command line, for hosting on another web server.
    let o = mailctl(dir.path(), &["autoconfig", "example.test"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("<port>587</port>"));
    assert_eq!(
        mailctl(dir.path(), &["autoconfig", "other.test"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn autoconfig_refuses_unknown_domains_and_bad_requests() {
    let dir = data_dir();
    let db = mailctl::core::Db::open(&mailctl::core::DataDir::new(dir.path())).unwrap();
    let r = String::from_utf8(mailctl::autoconfig::answer(
        &db,
        "GET /mail/config-v1.1.xml?emailaddress=x%40other.test HTTP/1.1\r\n\r\n",
    ))
    .unwrap();
    assert!(r.starts_with("HTTP/1.1 404"), "{r}");
    let r = String::from_utf8(mailctl::autoconfig::answer(
        &db,
        "DELETE / HTTP/1.1\r\n\r\n",
    ))
    .unwrap();
    assert!(r.starts_with("HTTP/1.1 400"), "{r}");
}

/// `serve --dev` exactly as the README's first line runs it: every listener on its own
/// loopback port, and the server stays up.
#[test]
fn dev_mode_with_default_ports_starts_every_listener() {
    let cwd = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(BIN);
    cmd.args(["serve", "--dev"])
        .current_dir(cwd.path())
        .env_remove("MAILCTL_DATA_DIR");
    let mut child = Serve::spawn(cmd, 11);
    std::thread::sleep(Duration::from_millis(300));
    let alive = child.alive();
    let listeners = child.listeners.clone();
    stop(child);
    let names: Vec<&String> = listeners.keys().collect();
    assert_eq!(
        names,
        [
            "autoconfig",
            "imap",
            "imaps",
            "managesieve",
            "metrics",
            "pop3",
            "pop3s",
            "smtp",
            "submission",
            "submissions",
            "web"
        ],
        "{listeners:?}"
    );
    let ports: std::collections::HashSet<&String> = listeners.values().collect();
    assert_eq!(ports.len(), 11, "two listeners share a port: {listeners:?}");
    assert!(alive, "serve --dev exited: {listeners:?}");
}

/// Issue 16.3: `config set` asks the running daemon to reload, says whether it took the change
/// (or that a restart is needed), and the new mynetworks and limits apply to new connections.
#[test]
fn config_set_reloads_the_running_daemon_and_says_so() {
    use harness::{Client, Server, mailctl_ok};
    let dir = data_dir();
    let server = Server::start(dir.path());
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        let st: serde_json::Value =
            serde_json::from_str(&mailctl_ok(dir.path(), &["--json", "status"])).unwrap();
        if st["running"] == true {
            assert_eq!(st["daemons"][0]["pid"], server.pid(), "{st}");
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let relay = |expect: &str| {
        let mut c = Client::connect(server.smtp());
        c.cmd("EHLO client.test");
        c.cmd("MAIL FROM:<someone@elsewhere.test>");
        let r = c.cmd("RCPT TO:<far@away.test>");
        assert!(r.starts_with(expect), "RCPT: {r}\n{}", server.log());
        c.cmd("QUIT");
    };
    relay("5"); // no relaying for strangers

    // Open-relay networks are refused without --force, with the reason.
    let o = mailctl(dir.path(), &["config", "set", "mynetworks", "10.0.0.0/8"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("open relay") && err.contains("--force"),
        "{err}"
    );
    let o = mailctl(
        dir.path(),
        &["config", "set", "mynetworks", "::/0", "--force"],
    );
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("WARNING"));

    let j: serde_json::Value = serde_json::from_str(&mailctl_ok(
        dir.path(),
        &["--json", "config", "set", "mynetworks", "127.0.0.1/32"],
    ))
    .unwrap();
    assert_eq!(j["daemon"]["result"], "applied", "{j}");
    relay("250"); // the running daemon uses the new mynetworks

    // Limits too: one connection per address from now on.
    let out = mailctl_ok(
        dir.path(),
        &["config", "set", "limits.max_connections_per_ip", "1"],
    );
    assert!(out.contains("reloaded and uses it now"), "{out}");
    let _first = Client::connect(server.smtp());
    let mut second = std::net::TcpStream::connect(server.smtp()).unwrap();
    second
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut line = String::new();
    BufReader::new(&mut second).read_line(&mut line).unwrap();
    assert!(line.starts_with("421 "), "{line}");

    // Listener addresses need a restart, and it says so.
    let out = mailctl_ok(
        dir.path(),
        &["config", "set", "listen.smtp", "127.0.0.1:2599"],
    );
    assert!(out.contains("restart"), "{out}");
    stop_server(server);
    let out = mailctl_ok(dir.path(), &["config", "set", "smtp.max_recipients", "5"]);
    assert!(out.contains("no daemon is running"), "{out}");
}

fn stop_server(s: harness::Server) {
    s.signal(libc::SIGTERM);
    let mut s = s;
    s.wait_exit(Duration::from_secs(20));
}
