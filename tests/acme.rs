//! Certificates by ACME (RFC 8555) against a real CA: Debian's `pebble` on loopback, with
//! its own HTTPS certificate from a test CA. `serve` with `tls.acme on` replaces the
//! self-signed certificate it starts with by one from pebble (HTTP-01 answered on
//! `listen.acme_http`, pebble's `httpPort`), served on IMAPS without a restart; `tls renew`
//! orders another (a new serial) that the running server then serves; `tls status` shows
//! it. Needs pebble and openssl (scripts/test).

mod common;
#[path = "outbound/dns.rs"]
#[allow(dead_code)]
mod dns;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{certs, cli, net, serve::Serve, tools, users};

/// Pebble on loopback, stopped when dropped.
struct Pebble {
    child: Child,
    dir_port: u16,
    http_port: u16,
}

impl Drop for Pebble {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts pebble with a certificate for `localhost` signed by `ca` (made in `dir`), resolving
/// the names it validates through `dns`, and waits (at most 20 s) until its directory port
/// accepts connections.
fn pebble(dir: &Path, dns: &str) -> (Pebble, std::path::PathBuf) {
    let (ca, leaf, key) = certs::make_ca_and_leaf(dir, "localhost");
    let (dir_port, mgmt, http_port, tls_port) = (
        net::free_port(),
        net::free_port(),
        net::free_port(),
        net::free_port(),
    );
    let config = serde_json::json!({"pebble": {
        "listenAddress": format!("127.0.0.1:{dir_port}"),
        "managementListenAddress": format!("127.0.0.1:{mgmt}"),
        "certificate": leaf,
        "privateKey": key,
        "httpPort": http_port,
        "tlsPort": tls_port,
        "ocspResponderURL": "",
        "externalAccountBindingRequired": false,
    }});
    let file = dir.join("pebble-config.json");
    std::fs::write(&file, config.to_string()).unwrap();
    let child = Command::new("pebble")
        .arg("-config")
        .arg(&file)
        .arg("-dnsserver")
        .arg(dns)
        .env("PEBBLE_VA_NOSLEEP", "1")
        .env("PEBBLE_WFE_NONCEREJECT", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run pebble");
    let p = Pebble {
        child,
        dir_port,
        http_port,
    };
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", dir_port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "pebble did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    (p, ca)
}

/// The issuer and serial of the certificate served on `port` (implicit TLS).
fn served(port: u16) -> (String, String) {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "openssl s_client -connect 127.0.0.1:{port} -servername mail.example.test </dev/null 2>/dev/null | openssl x509 -noout -issuer -serial"
        ))
        .output()
        .unwrap();
    let text = cli::text(&out);
    let field = |k: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(k))
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    };
    (field("issuer="), hex(&field("serial=")))
}

/// Polls [`served`] (at most 30 s) until `ok` holds.
fn served_until(port: u16, ok: impl Fn(&(String, String)) -> bool) -> (String, String) {
    let start = Instant::now();
    loop {
        let s = served(port);
        if ok(&s) || start.elapsed() > Duration::from_secs(30) {
            return s;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn serve_obtains_renews_and_reloads_a_certificate_from_pebble() {
    tools::require("pebble");
    tools::require("openssl");
    // Pebble's validation authority finds the server's name through a DNS server on
    // loopback, as a real CA finds it in public DNS.
    let dns = dns::DnsServer::start(&[("example.test", "mail IN A 127.0.0.1\n")]);
    let tmp = users::example_test("", &["mail.example.test"]);
    let dir = tmp.path();
    let (pebble, ca) = pebble(dir, &dns.addr());
    for (k, v) in [
        ("hostname", "mail.example.test".to_string()),
        ("tls.acme", "on".into()),
        (
            "tls.acme_directory",
            format!("https://localhost:{}/dir", pebble.dir_port),
        ),
        ("tls.acme_ca", ca.display().to_string()),
        ("tls.acme_email", "postmaster@example.test".into()),
        (
            "listen.acme_http",
            format!("127.0.0.1:{}", pebble.http_port),
        ),
    ] {
        cli::mailctl_ok(dir, &["config", "set", k, &v]);
    }
    let self_signed = served_serial_of_file(dir);
    let cmd = common::serve::command(dir, &["imap", "acme", "--allow-root"], &["imap", "imaps"]);
    let srv = Serve::spawn(cmd, 3);
    let imaps = srv.port("imaps");

    // At start the self-signed certificate is not from ACME: serve orders one and swaps it in.
    let first = served_until(imaps, |(issuer, _)| issuer.contains("pebble"));
    assert!(
        first.0.contains("pebble intermediate"),
        "served {first:?}, log:\n{}",
        srv.log()
    );
    assert_ne!(first.1, self_signed);
    let status = cli::json(dir, &["tls", "status"]);
    assert_eq!(status["last_acme"]["ok"], true, "{status}");
    assert!(
        status["certificate"]["issuer"]
            .as_str()
            .unwrap()
            .contains("Pebble"),
        "{status}"
    );
    assert_eq!(
        status["certificate"]["names"][0], "mail.example.test",
        "{status}"
    );

    // `tls renew` orders now (the running daemon's responder answers pebble), and the
    // running server serves the new certificate after its reload.
    let renewed = cli::json(dir, &["tls", "renew"]);
    let serial = hex(renewed["issued"]["serial"].as_str().unwrap());
    assert_ne!(serial, first.1, "{renewed}");
    assert_eq!(renewed["daemon"]["result"], "applied", "{renewed}");
    let second = served_until(imaps, |(_, s)| *s == serial);
    assert_eq!(second.1, serial, "log:\n{}", srv.log());
    srv.stop();
    drop(pebble);
}

/// The serial of the self-signed certificate `example_test` wrote, as openssl prints it.
fn served_serial_of_file(dir: &Path) -> String {
    let out = Command::new("openssl")
        .args(["x509", "-noout", "-serial", "-in"])
        .arg(dir.join("tls/cert.pem"))
        .output()
        .unwrap();
    hex(cli::text(&out).trim().trim_start_matches("serial="))
}

/// A serial as hex without leading zeros (openssl drops the sign byte, x509-parser not).
fn hex(s: &str) -> String {
    s.to_ascii_lowercase().trim_start_matches('0').to_string()
}

/// `setup --tls acme --acme-email` turns ACME on with that contact, and starts with a
/// self-signed certificate so TLS works before the first order; a bad address is a usage
/// error that changes nothing.
#[test]
fn setup_offers_acme() {
    let dir = common::data_dir();
    let args = |email: &str| -> Vec<String> {
        [
            "--json",
            "setup",
            "--non-interactive",
            "--hostname",
            "mail.example.test",
            "--domain",
            "example.test",
            "--admin",
            "admin@example.test",
            "--password-stdin",
            "--tls",
            "acme",
            "--acme-email",
            email,
            "--service-user",
            "nobody",
            "--no-dns-check",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let run = |a: Vec<String>| {
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        cli::mailctl_stdin(dir.path(), &a, "a long secret\n")
    };
    let bad = run(args("not an address"));
    assert_eq!(bad.status.code(), Some(2), "{}", cli::text(&bad));
    let o = run(args("hostmaster@example.test"));
    assert!(o.status.success(), "{}", cli::text(&o));
    let get = |k: &str| {
        cli::mailctl_ok(dir.path(), &["config", "get", k])
            .trim()
            .to_string()
    };
    assert_eq!(get("tls.acme"), "on");
    assert_eq!(get("tls.acme_email"), "hostmaster@example.test");
    let status = cli::json(dir.path(), &["tls", "status"]);
    assert_eq!(status["acme"], "on", "{status}");
    assert_eq!(
        status["certificate"]["names"][0], "mail.example.test",
        "{status}"
    );
}
