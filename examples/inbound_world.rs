//! The outside world for `examples/inbound-load.sh`: a loopback authoritative DNS server
//! publishing SPF, DKIM and DMARC for `remote.test` (and an empty blocklist zone), and one
//! message from `load@remote.test` DKIM-signed with the published key, written to FILE.
//! Prints `dns 127.0.0.1:PORT` once serving, then serves until killed (at most 30 minutes).
//!
//!   cargo run --release --example inbound_world -- --message FILE --size 4096

#[path = "../tests/outbound/dns.rs"]
mod dns;

fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| default.to_string())
}

fn main() {
    let file = arg("--message", "message.eml");
    let size: usize = arg("--size", "4096").parse().unwrap_or(4096);
    let keys = tempfile::tempdir().expect("temp dir");
    let key = mailctl::dkim::generate(
        &mailctl::core::DataDir::new(keys.path()),
        &mailctl::core::Domain::parse("remote.test").expect("domain"),
        "load",
        mailctl::dkim::Algorithm::Ed25519,
        false,
    )
    .expect("DKIM key");
    let pem = std::fs::read_to_string(&key.path).expect("key file");
    let zone = format!(
        "@ IN TXT \"v=spf1 ip4:127.0.0.0/8 -all\"\nmail IN A 127.0.0.1\nload._domainkey IN TXT \"{}\"\n_dmarc IN TXT \"v=DMARC1; p=reject\"\n",
        key.record_value()
    );
    let server = dns::DnsServer::start(&[
        ("test", ""),
        ("remote.test", &zone),
        ("bl.test", ""),
        ("127.in-addr.arpa", "1.0.0 IN PTR mail.remote.test.\n"),
    ]);

    let mut body = String::from(
        "From: <load@remote.test>\r\nTo: <someone@load.test>\r\nSubject: load\r\nDate: Sun, 06 Dec 2026 10:00:00 +0000\r\nMessage-ID: <load@remote.test>\r\n\r\n",
    );
    while body.len() < size {
        body.push_str(
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789\r\n",
        );
    }
    let signature =
        mailctl::dkim::sign(&pem, "remote.test", "load", body.as_bytes()).expect("DKIM signature");
    std::fs::write(&file, [signature.as_bytes(), body.as_bytes()].concat()).expect("write");
    println!("dns {}", server.addr());
    std::thread::sleep(std::time::Duration::from_secs(1800));
}
