//! Domains, users and the standard test data directory, made through the admin commands as
//! an administrator would.

use std::path::Path;

use super::cli::{mailctl_ok, mailctl_stdin};

/// The password the protocol tests give their users.
pub const PASSWORD: &str = "correct horse battery";

/// `domain add DOMAIN --create`.
pub fn add_domain(dir: &Path, domain: &str) {
    mailctl_ok(dir, &["domain", "add", domain, "--create"]);
}

/// `user add ADDR --password-stdin EXTRA...` with `password`; asserts success.
pub fn add_user(dir: &Path, addr: &str, password: &str, extra: &[&str]) {
    let mut args = vec!["user", "add", addr, "--password-stdin"];
    args.extend_from_slice(extra);
    let out = mailctl_stdin(dir, &args, format!("{password}\n"));
    assert!(
        out.status.success(),
        "user add {addr}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A data dir with domain example.test, users alice and bob (password [`PASSWORD`]), DNS
/// pointed at a dead loopback port, the inbound checks off and a self-signed certificate
/// for `cert_names`.
/// `server_user` is set first, so the admin commands that follow (run as root) hand what
/// they make to it; empty keeps the daemon running as whoever starts it.
pub fn example_test(server_user: &str, cert_names: &[&str]) -> tempfile::TempDir {
    let dir = super::data_dir();
    example_test_in(dir.path(), server_user, cert_names);
    dir
}

/// [`example_test`] in the existing directory `p` (which may already name its core, as a
/// `database.url` file does).
pub fn example_test_in(p: &Path, server_user: &str, cert_names: &[&str]) {
    add_domain(p, "example.test");
    mailctl_ok(p, &["config", "set", "server.user", server_user]);
    add_user(p, "alice@example.test", PASSWORD, &[]);
    add_user(p, "bob@example.test", PASSWORD, &[]);
    // The outbound runner runs beside the server: its DNS stays on loopback (nothing answers
    // there, so mail for other domains waits in the queue), never the machine's resolver.
    mailctl_ok(p, &["config", "set", "dns.nameserver", "127.0.0.1:9"]);
    // No wait before port 25's greeting: tests connect often, and those of the wait set it.
    mailctl_ok(p, &["config", "set", "smtp.greet_wait", "0"]);
    // The protocol tests send from loopback as alice@example.test, our own domain, with no
    // DNS to answer: the inbound checks (on by default) would refuse that as spoofing. They
    // are not what these tests are about; tests/inbound.rs, greylist.rs, scanners.rs and the
    // outbound world run them against a DNS server on loopback.
    mailctl_ok(p, &["config", "set", "inbound.checks", "false"]);
    let names: Vec<String> = cert_names.iter().map(|n| n.to_string()).collect();
    mailctl::net::tls::write_self_signed(&names, &p.join("tls/cert.pem"), &p.join("tls/key.pem"))
        .unwrap();
}
