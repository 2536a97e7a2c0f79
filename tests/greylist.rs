//! Greylisting on the MX (#18), over real SMTP with Python's smtplib against a real
//! `mailctl serve` and a loopback DNS server: a new triplet gets `451 4.7.1` at RCPT, a retry
//! before the delay too, a retry after it passes and is delivered; an SPF-passing domain
//! that passed once is trusted; `greylist allow` lets a domain through at once; `greylist
//! list` shows what was learnt. Time is never slept on: the delay is a setting, which the
//! daemon reads for every message.

mod common;
#[path = "outbound/dns.rs"]
#[allow(dead_code)]
mod dns;

use common::cli::{json, ok};
use common::mx::attempt;

#[test]
fn the_mx_greylists_new_triplets_and_learns_from_correct_retries() {
    let dns = dns::DnsServer::start(&[
        ("test", ""),
        ("sender.test", "@ IN TXT \"v=spf1 ip4:127.0.0.1 -all\"\n"),
        ("nospf.test", ""),
    ]);
    let data = common::data_dir();
    let p = data.path();
    ok(p, &["domain", "add", "ours.test", "--create"]);
    ok(p, &["config", "set", "hostname", "mx.ours.test"]);
    ok(p, &["config", "set", "dnsbl.zones", ""]);
    common::mx::checks_on(p, &dns.addr());
    ok(p, &["config", "set", "inbound.greylist", "true"]);
    ok(p, &["config", "set", "inbound.greylist_delay", "1h"]);
    for u in ["bob@ours.test", "carol@ours.test", "dave@ours.test"] {
        ok(p, &["user", "add", u, "--random-password"]);
    }
    let srv = common::mx::start(p);
    let port = srv.port("smtp");

    // First sighting, and a retry before the delay: 451 4.7.1 at RCPT, saying when.
    let first = attempt(port, "alice@sender.test", "bob@ours.test");
    assert!(
        first.starts_with("451 4.7.1 Greylisted") && first.contains("retry in 3600 seconds"),
        "{first}\n{}",
        srv.log()
    );
    let again = attempt(port, "alice@sender.test", "bob@ours.test");
    assert!(again.starts_with("451 4.7.1"), "{again}");
    // The delay runs from the first try, not from this one (in the same second: still 3600).
    let left: i64 = again
        .split("retry in ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{again}"));
    assert!((1..=3600).contains(&left), "{again}");

    // After the delay (now 0s): the retry passes and the message is delivered.
    ok(p, &["config", "set", "inbound.greylist_delay", "0s"]);
    assert_eq!(
        attempt(port, "alice@sender.test", "bob@ours.test"),
        "sent",
        "{}",
        srv.log()
    );
    assert_eq!(
        common::maildir::wait_messages(p, "bob", "ours.test", 1).len(),
        1
    );

    // sender.test passed SPF and greylisting once: its mail to someone new passes at once,
    // whatever the delay; a domain without SPF is still greylisted.
    ok(p, &["config", "set", "inbound.greylist_delay", "1h"]);
    assert_eq!(
        attempt(port, "alice@sender.test", "carol@ours.test"),
        "sent"
    );
    let nospf = attempt(port, "x@nospf.test", "dave@ours.test");
    assert!(nospf.starts_with("451 4.7.1"), "{nospf}");

    // The allow list lets it through at once.
    ok(p, &["greylist", "allow", "nospf.test"]);
    assert_eq!(attempt(port, "x@nospf.test", "dave@ours.test"), "sent");

    // What greylisting remembers: the triplets, the client network that retried, the entry.
    let l = json(p, &["greylist", "list"]);
    let triplets = l["triplets"].as_array().unwrap();
    let bob = triplets
        .iter()
        .find(|t| t["recipient"] == "bob@ours.test")
        .unwrap_or_else(|| panic!("{l:#}"));
    assert_eq!(bob["client"], "127.0.0.0/24", "{l:#}");
    assert_eq!(bob["passes"], 1, "{l:#}");
    assert_eq!(l["clients"][0]["client"], "127.0.0.0/24", "{l:#}");
    assert_eq!(l["allow"][0]["entry"], "nospf.test", "{l:#}");
    assert!(srv.log().contains("greylisted"), "{}", srv.log());
}
