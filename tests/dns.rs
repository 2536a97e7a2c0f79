//! `dns check` and `dns records` against a real DNS server on loopback (hickory-server),
//! with zones that are right everywhere and zones broken one way each.

mod common;
#[path = "outbound/dns.rs"]
#[allow(dead_code)]
mod dns;

use std::net::UdpSocket;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::cli::{mailctl, ok};
use serde_json::Value;

fn check(dir: &Path, port: u16, domain: &str, extra: &[&str]) -> (i32, Value) {
    let ns = format!("127.0.0.1:{port}");
    let mut args = vec!["--json", "dns", "check", domain, "--nameserver", &ns];
    args.extend_from_slice(extra);
    let o = mailctl(dir, &args);
    (
        o.status.code().unwrap(),
        serde_json::from_slice(&o.stdout).unwrap_or(Value::Null),
    )
}

/// A data dir that serves `domain` from mail.`domain` at 192.0.2.10, with a DKIM key.
fn server(domain: &str) -> tempfile::TempDir {
    let dir = common::data_dir();
    let p = dir.path();
    ok(p, &["domain", "add", domain, "--create"]);
    ok(p, &["config", "set", "hostname", &format!("mail.{domain}")]);
    ok(p, &["config", "set", "public_ip", "192.0.2.10"]);
    ok(p, &["config", "set", "dnsbl.zones", "bl.test"]);
    ok(p, &["dkim", "generate", domain]);
    dir
}

/// Splits zone lines by the zone they belong to.
fn zone_of(line: &str) -> &'static str {
    if line.contains(".in-addr.arpa.") {
        "2.0.192.in-addr.arpa"
    } else {
        "good.test"
    }
}

#[test]
fn what_dns_records_recommends_passes_dns_check() {
    let dir = server("good.test");
    let recs: Value =
        serde_json::from_str(&ok(dir.path(), &["--json", "dns", "records", "good.test"])).unwrap();
    let (mut forward, mut reverse) = (String::new(), String::new());
    for r in recs.as_array().unwrap() {
        let line = r["zone"].as_str().unwrap();
        if line.starts_with(';') {
            continue;
        }
        match zone_of(line) {
            "good.test" => forward.push_str(&format!("{line}\n")),
            _ => reverse.push_str(&format!("{line}\n")),
        }
    }
    // Exactly what was printed, plus an empty parent zone (DMARC's tree walk) and an empty
    // blocklist zone.
    let srv = dns::DnsServer::start(&[
        ("good.test", &forward),
        ("2.0.192.in-addr.arpa", &reverse),
        ("test", ""),
        ("bl.test", ""),
    ]);
    let (code, j) = check(dir.path(), srv.port, "good.test", &[]);
    let bad: Vec<&Value> = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "fail" || f["status"] == "warn")
        .collect();
    assert_eq!(code, 0, "{bad:#?}");
    assert!(bad.is_empty(), "{bad:#?}");
    assert_eq!(j["ok"], true);
    for check in [
        "MX",
        "PTR",
        "SPF",
        "DKIM",
        "DMARC",
        "ManageSieve",
        "blocklist",
    ] {
        assert!(
            j["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["check"] == check && f["status"] == "pass"),
            "no passing {check}: {j}"
        );
    }
    // Single lookups for scripts.
    let ns = format!("127.0.0.1:{}", srv.port);
    let single = |args: &[&str]| -> (i32, Value) {
        let mut a = vec!["--json", "dns"];
        a.extend_from_slice(args);
        a.extend_from_slice(&["--nameserver", &ns]);
        let o = mailctl(dir.path(), &a);
        (
            o.status.code().unwrap(),
            serde_json::from_slice(&o.stdout).unwrap(),
        )
    };
    for (args, check) in [
        (&["mx", "good.test"][..], "MX"),
        (&["ptr", "192.0.2.10"][..], "PTR"),
        (
            &[
                "spf",
                "good.test",
                "--ip",
                "192.0.2.10",
                "--sender",
                "someone@good.test",
            ][..],
            "SPF",
        ),
        (&["dmarc", "good.test"][..], "DMARC"),
        (&["dkim", "mail", "good.test"][..], "DKIM"),
        // Without a selector: every key held for the domain (here the one `mail` key).
        (&["dkim", "good.test"][..], "DKIM"),
        (&["bl", "192.0.2.10", "--zone", "bl.test"][..], "blocklist"),
    ] {
        let (code, j) = single(args);
        assert_eq!(code, 0, "{args:?}: {j}");
        let findings = j["findings"].as_array().unwrap();
        assert!(
            !findings.is_empty()
                && findings
                    .iter()
                    .all(|f| f["check"] == check && f["status"] == "pass"),
            "{args:?}: {j}"
        );
    }
    // An address the record does not cover fails, and says how to add it.
    let (code, j) = single(&["spf", "good.test", "--ip", "198.51.100.7"]);
    assert_eq!(code, 1, "{j}");
    assert!(
        j["findings"][0]["fix"]
            .as_str()
            .unwrap()
            .contains("ip4:198.51.100.7"),
        "{j}"
    );
    // The table form for a person, readable in 80 columns on a terminal.
    let o = mailctl(
        dir.path(),
        &[
            "dns",
            "check",
            "good.test",
            "--nameserver",
            &format!("127.0.0.1:{}", srv.port),
        ],
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("CHECK"));

    // ManageSieve off: its SRV record says "not offered", and the check leaves it alone.
    ok(dir.path(), &["config", "set", "listen.managesieve", ""]);
    let recs: Value =
        serde_json::from_str(&ok(dir.path(), &["--json", "dns", "records", "good.test"])).unwrap();
    let sieve = recs
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "_sieve._tcp.good.test")
        .unwrap_or_else(|| panic!("{recs}"));
    assert_eq!(sieve["value"], "0 0 0 .", "{sieve}");
    let (_, j) = check(dir.path(), srv.port, "good.test", &[]);
    assert!(
        j["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["check"] != "ManageSieve"),
        "{j}"
    );
}

#[test]
fn each_broken_zone_is_caught_with_the_right_fix() {
    let dir = server("good.test");
    let base = "mail IN A 192.0.2.10\n";
    let spf = "@ IN TXT \"v=spf1 mx -all\"\n";
    let dmarc = "_dmarc IN TXT \"v=DMARC1; p=reject\"\n";
    let mx = "@ IN MX 10 mail\n";
    let mut zones: Vec<(String, String)> = vec![
        ("nomx.test".into(), format!("{base}{spf}{dmarc}")),
        (
            "mxcname.test".into(),
            format!("@ IN MX 10 alias\nalias IN CNAME mail\n{base}{spf}{dmarc}"),
        ),
        (
            "mxip.test".into(),
            format!("@ IN MX 10 192.0.2.10.\n{spf}{dmarc}"),
        ),
        ("nullmx.test".into(), "@ IN MX 0 .\n".into()),
        (
            "noptr.test".into(),
            format!("@ IN MX 10 mail\nmail IN A 192.0.2.99\n{spf}{dmarc}"),
        ),
        (
            "badptr.test".into(),
            format!("@ IN MX 10 mail\nmail IN A 192.0.2.20\n{spf}{dmarc}"),
        ),
        (
            "twospf.test".into(),
            format!("{mx}{base}{spf}@ IN TXT \"v=spf1 a -all\"\n{dmarc}"),
        ),
        (
            "spfsyntax.test".into(),
            format!("{mx}{base}@ IN TXT \"v=spf1 mx ip4:999.1.1.1 -all\"\n{dmarc}"),
        ),
        (
            "plusall.test".into(),
            format!("{mx}{base}@ IN TXT \"v=spf1 mx +all\"\n{dmarc}"),
        ),
        ("nodmarc.test".into(), format!("{mx}{base}{spf}")),
        (
            "baddmarc.test".into(),
            format!("{mx}{base}{spf}_dmarc IN TXT \"v=DMARC1; p=maybe; rua=nobody\"\n"),
        ),
        (
            "dkimbad.test".into(),
            format!(
                "{mx}{base}{spf}{dmarc}mail._domainkey IN TXT \"v=DKIM1; k=ed25519; p=AAAAC3NzaC1lZDI1NTE5AAAAIBadKeyBadKeyBadKeyBadKeyBadKeyBadKey00\"\n"
            ),
        ),
        ("listed.test".into(), format!("{mx}{base}{spf}{dmarc}")),
        (
            "sieveport.test".into(),
            format!("{mx}{base}{spf}{dmarc}_sieve._tcp IN SRV 0 1 2000 mail.good.test.\n"),
        ),
    ];
    // SPF with eleven DNS-querying terms through nested includes.
    let mut many = format!(
        "{mx}{base}{dmarc}@ IN TXT \"v=spf1 include:a.many.test include:b.many.test -all\"\n"
    );
    many.push_str("a IN TXT \"v=spf1 a mx include:c.many.test -all\"\nb IN TXT \"v=spf1 a mx ptr exists:x.many.test -all\"\nc IN TXT \"v=spf1 a mx a:mail.many.test -all\"\n");
    zones.push(("many.test".into(), many));
    let reverse = "10 IN PTR mail.good.test.\n20 IN PTR nowhere.test.\n";
    // 192.0.2.10 listed on the test blocklist, with a reason.
    let bl = "10.2.0.192 IN A 127.0.0.2\n10.2.0.192 IN TXT \"listed for testing\"\n";
    let mut all: Vec<(&str, &str)> = zones
        .iter()
        .map(|(o, r)| (o.as_str(), r.as_str()))
        .collect();
    all.push(("2.0.192.in-addr.arpa", reverse));
    all.push(("test", ""));
    all.push(("bl.test", bl));
    let srv = dns::DnsServer::start(&all);

    // (domain, extra args, check, status, text that must be in found or fix)
    let cases: &[(&str, &[&str], &str, &str, &str)] = &[
        ("nomx.test", &[], "MX", "fail", "IN MX 10"),
        ("mxcname.test", &[], "MX", "fail", "CNAME"),
        ("mxip.test", &[], "MX", "fail", "IP address"),
        ("nullmx.test", &[], "MX", "info", "null MX"),
        ("noptr.test", &[], "PTR", "fail", "IN PTR"),
        ("badptr.test", &[], "PTR", "fail", "does not resolve back"),
        ("twospf.test", &[], "SPF", "fail", "2 v=spf1 records"),
        ("spfsyntax.test", &[], "SPF", "fail", "ip4"),
        ("plusall.test", &[], "SPF", "warn", "-all"),
        ("many.test", &[], "SPF", "fail", "limit 10"),
        (
            "nodmarc.test",
            &[],
            "DMARC",
            "fail",
            "_dmarc.nodmarc.test. IN TXT",
        ),
        ("baddmarc.test", &[], "DMARC", "fail", "p=maybe"),
        (
            "dkimbad.test",
            &["--selector", "mail"],
            "DKIM",
            "fail",
            "unparsable",
        ),
        (
            "listed.test",
            &["--ip", "192.0.2.10"],
            "blocklist",
            "fail",
            "listed for testing",
        ),
        // RFC 5804 §1.8: ManageSieve runs here (listen.managesieve's default), so its SRV
        // record is looked for; missing or wrong is a warning with the record to publish.
        (
            "nodmarc.test",
            &[],
            "ManageSieve",
            "warn",
            "_sieve._tcp.nodmarc.test. IN SRV 0 1 4190 mail.good.test.",
        ),
        ("sieveport.test", &[], "ManageSieve", "warn", "port 2000"),
    ];
    for (domain, extra, check_name, status, text) in cases {
        let (code, j) = check(dir.path(), srv.port, domain, extra);
        let findings = j["findings"]
            .as_array()
            .unwrap_or_else(|| panic!("{domain}: {j}"));
        let hit = findings.iter().find(|f| {
            f["check"] == *check_name
                && f["status"] == *status
                && (f["found"].as_str().unwrap().contains(text)
                    || f["fix"].as_str().unwrap().contains(text))
        });
        assert!(
            hit.is_some(),
            "{domain}: expected {check_name} {status} mentioning {text:?}; got {findings:#?}"
        );
        if *status == "fail" {
            assert_eq!(code, 1, "{domain}: a failing check exits 1");
        }
    }

    // A published key that is not the one held for the domain.
    let mismatch = "mail._domainkey IN TXT \"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\"\n";
    let srv2 = dns::DnsServer::start(&[
        (
            "mismatch.test",
            &format!("{mx}{base}{spf}{dmarc}{mismatch}"),
        ),
        ("test", ""),
    ]);
    let held_dir = server("mismatch.test");
    let (code, j) = check(held_dir.path(), srv2.port, "mismatch.test", &[]);
    assert_eq!(code, 1);
    let f = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "DKIM")
        .unwrap()
        .clone();
    assert_eq!(f["status"], "fail", "{f}");
    assert!(
        f["found"]
            .as_str()
            .unwrap()
            .contains("not the one mailctl signs with")
            && f["fix"]
                .as_str()
                .unwrap()
                .contains("mail._domainkey.mismatch.test. IN TXT"),
        "{f}"
    );
}

/// A resolver that never answers: a bound UDP socket that reads and drops, until dropped.
struct DeadResolver {
    port: u16,
    stop: Arc<AtomicBool>,
}

impl DeadResolver {
    fn start() -> DeadResolver {
        let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
        sock.set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let port = sock.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            // Bounded: at most 120 s even if the test never drops it.
            let until = Instant::now() + Duration::from_secs(120);
            while !flag.load(Ordering::Relaxed) && Instant::now() < until {
                let _ = sock.recv_from(&mut buf);
            }
        });
        DeadResolver { port, stop }
    }
}

impl Drop for DeadResolver {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn findings(j: &Value) -> Vec<Value> {
    j["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings: {j}"))
        .clone()
}

/// Runs `args` with --json against `ns`; returns exit code, document and how long it took.
fn timed(dir: &Path, ns: &str, args: &[&str]) -> (i32, Value, Duration) {
    let mut a = vec!["--json"];
    a.extend_from_slice(args);
    a.extend_from_slice(&["--nameserver", ns]);
    let started = Instant::now();
    let o = mailctl(dir, &a);
    let took = started.elapsed();
    (
        o.status.code().unwrap(),
        serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|_| panic!("{args:?}: {}", String::from_utf8_lossy(&o.stderr))),
        took,
    )
}

#[test]
fn a_resolver_that_does_not_answer_is_an_error_not_a_pass() {
    let dir = server("good.test");
    ok(
        dir.path(),
        &[
            "config",
            "set",
            "dnsbl.zones",
            "zen.spamhaus.org,bl.spamcop.net",
        ],
    );
    let dead = DeadResolver::start();
    let ns = format!("127.0.0.1:{}", dead.port);
    for args in [
        &["dns", "check", "good.test"][..],
        &["dns", "bl", "192.0.2.10"][..],
        &["dns", "ptr", "192.0.2.10"][..],
    ] {
        let (code, j, took) = timed(dir.path(), &ns, args);
        let all = findings(&j);
        assert_eq!(code, 1, "{args:?}: {j}");
        assert_eq!(j["ok"], false, "{args:?}");
        assert!(
            all.iter().all(|f| f["status"] != "pass"),
            "{args:?}: nothing was looked up, nothing passes: {all:#?}"
        );
        assert!(
            all.iter().any(|f| f["status"] == "error"),
            "{args:?}: {all:#?}"
        );
        // The upper bound the issue sets: seconds, not the 45 s of the system defaults.
        assert!(took < Duration::from_secs(10), "{args:?} took {took:?}");
    }
    let (_, j, _) = timed(dir.path(), &ns, &["dns", "bl", "192.0.2.10"]);
    for f in findings(&j) {
        assert_eq!(f["status"], "error", "{f}");
        assert!(f["found"].as_str().unwrap().contains("no answer"), "{f}");
    }
    // The table says ERROR too.
    let o = mailctl(
        dir.path(),
        &["dns", "bl", "192.0.2.10", "--nameserver", &ns],
    );
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("ERROR") && !text.contains("not listed"),
        "{text}"
    );
}

#[test]
fn blocklist_error_answers_are_errors_and_listings_are_read_by_their_codes() {
    let dir = server("good.test");
    ok(
        dir.path(),
        &["config", "set", "dnsbl.zones", "zen.spamhaus.org"],
    );
    // zen answers "public resolver" for .10, lists .11 in the PBL; an unknown list answers
    // the generic error code for .10.
    let srv = dns::DnsServer::start(&[
        (
            "zen.spamhaus.org",
            "10.2.0.192 IN A 127.255.255.254\n11.2.0.192 IN A 127.0.0.11\n",
        ),
        ("bl.test", "10.2.0.192 IN A 127.255.255.255\n"),
        (
            "good.test",
            "@ IN MX 10 mail\nmail IN A 192.0.2.10\n@ IN TXT \"v=spf1 mx -all\"\n",
        ),
        ("2.0.192.in-addr.arpa", "10 IN PTR mail.good.test.\n"),
        ("test", ""),
    ]);
    let ns = srv.addr();
    for args in [
        &["dns", "bl", "192.0.2.10"][..],
        &["dns", "bl", "192.0.2.10", "--zone", "bl.test"][..],
        &["dns", "check", "good.test"][..],
    ] {
        let (code, j, took) = timed(dir.path(), &ns, args);
        assert_eq!(code, 1, "{args:?}: {j}");
        let bl: Vec<Value> = findings(&j)
            .into_iter()
            .filter(|f| f["check"] == "blocklist")
            .collect();
        assert!(!bl.is_empty(), "{args:?}: {j}");
        for f in &bl {
            assert_eq!(
                f["status"], "error",
                "{args:?}: not a listing, not a pass: {f}"
            );
        }
        assert!(took < Duration::from_secs(10), "{args:?} took {took:?}");
    }
    let (_, j, _) = timed(dir.path(), &ns, &["dns", "bl", "192.0.2.10"]);
    let f = &findings(&j)[0];
    assert!(f["found"].as_str().unwrap().contains("public"), "{f}");
    assert!(f["fix"].as_str().unwrap().contains("8.8.8.8"), "{f}");
    // A documented listing code is a listing, with its meaning.
    let (code, j, _) = timed(dir.path(), &ns, &["dns", "bl", "192.0.2.11"]);
    assert_eq!(code, 1);
    let f = &findings(&j)[0];
    assert_eq!(f["status"], "fail", "{f}");
    assert!(f["found"].as_str().unwrap().contains("PBL"), "{f}");
    // Not listed (NXDOMAIN) passes.
    let (code, j, _) = timed(dir.path(), &ns, &["dns", "bl", "192.0.2.12"]);
    assert_eq!(code, 0, "{j}");
}

#[test]
fn dns_check_and_dns_ptr_give_the_same_ptr_rule() {
    // This server says HELO mail.good.test; the domain's MX is another name for the same
    // address, and the address has no PTR yet.
    let dir = server("good.test");
    let srv = dns::DnsServer::start(&[
        (
            "good.test",
            "@ IN MX 10 mx\nmx IN A 192.0.2.10\nmail IN A 192.0.2.10\n",
        ),
        ("2.0.192.in-addr.arpa", ""),
        ("test", ""),
        ("bl.test", ""),
    ]);
    let ns = srv.addr();
    let ptr_of = |args: &[&str]| -> Value {
        let (_, j, _) = timed(dir.path(), &ns, args);
        findings(&j)
            .into_iter()
            .find(|f| f["check"] == "PTR")
            .unwrap_or_else(|| panic!("{args:?}: {j}"))
    };
    let check = ptr_of(&["dns", "check", "good.test"]);
    let ptr = ptr_of(&["dns", "ptr", "192.0.2.10"]);
    for f in [&check, &ptr] {
        assert_eq!(f["status"], "fail", "{f}");
        assert!(
            f["fix"]
                .as_str()
                .unwrap()
                .contains("10.2.0.192.in-addr.arpa. IN PTR mail.good.test."),
            "the PTR must name the HELO host: {f}"
        );
        assert!(f["found"].as_str().unwrap().contains("rule:"), "{f}");
    }
    assert_eq!(check["fix"], ptr["fix"]);

    // Once the PTR names the MX alias instead, both say it is not the HELO name.
    let srv = dns::DnsServer::start(&[
        (
            "good.test",
            "@ IN MX 10 mx\nmx IN A 192.0.2.10\nmail IN A 192.0.2.10\n",
        ),
        ("2.0.192.in-addr.arpa", "10 IN PTR mx.good.test.\n"),
        ("test", ""),
        ("bl.test", ""),
    ]);
    let ns = srv.addr();
    for args in [
        &["dns", "check", "good.test"][..],
        &["dns", "ptr", "192.0.2.10"][..],
    ] {
        let (_, j, _) = timed(dir.path(), &ns, args);
        let f = findings(&j)
            .into_iter()
            .find(|f| f["check"] == "PTR")
            .unwrap();
        assert_eq!(f["status"], "fail", "{args:?}: {f}");
        assert!(
            f["found"].as_str().unwrap().contains("HELO mail.good.test"),
            "{f}"
        );
    }
}

#[test]
fn spf_void_lookups_count_for_a_mx_and_exists() {
    let dir = server("good.test");
    let base = "@ IN MX 10 mail\nmail IN A 192.0.2.10\n";
    let srv = dns::DnsServer::start(&[
        (
            "good.test",
            &format!(
                "{base}@ IN TXT \"v=spf1 a:gone1.good.test mx:gone2.good.test exists:gone3.good.test ip4:192.0.2.10 -all\"\n"
            ),
        ),
        (
            "two.test",
            &format!(
                "{base}@ IN TXT \"v=spf1 a:gone1.two.test mx:gone2.two.test ip4:192.0.2.10 -all\"\n"
            ),
        ),
        ("test", ""),
    ]);
    let ns = srv.addr();
    let spf = |domain: &str| -> (i32, Vec<Value>) {
        let (code, j, _) = timed(dir.path(), &ns, &["dns", "spf", domain]);
        (code, findings(&j))
    };
    let (code, f) = spf("good.test");
    assert_eq!(code, 1, "{f:#?}");
    let void = f
        .iter()
        .find(|f| f["found"].as_str().unwrap().contains("3 void lookups"))
        .unwrap_or_else(|| panic!("{f:#?}"));
    assert_eq!(void["status"], "fail");
    for term in ["a:gone1", "mx:gone2", "exists:gone3"] {
        assert!(void["found"].as_str().unwrap().contains(term), "{void}");
    }
    // Two are allowed.
    let (code, f) = spf("two.test");
    assert!(
        f.iter()
            .all(|f| !f["found"].as_str().unwrap().contains("void")),
        "{f:#?}"
    );
    assert_eq!(code, 0, "{f:#?}");
}

#[test]
fn a_dmarc_fix_keeps_the_policy() {
    let dir = server("good.test");
    let srv = dns::DnsServer::start(&[
        (
            "good.test",
            "_dmarc IN TXT \"v=DMARC1; p=reject; adkim=x; rua=mailto:dmarc@good.test\"\n",
        ),
        ("test", ""),
    ]);
    let (code, j, _) = timed(dir.path(), &srv.addr(), &["dns", "dmarc", "good.test"]);
    assert_eq!(code, 1);
    let f = &findings(&j)[0];
    assert_eq!(f["status"], "fail", "{f}");
    let fix = f["fix"].as_str().unwrap();
    assert!(
        fix.contains("\"v=DMARC1; p=reject; rua=mailto:dmarc@good.test\""),
        "keeps p=reject and the report address, drops only adkim=x: {fix}"
    );
    assert!(!fix.contains("quarantine"), "{fix}");
}

#[test]
fn dns_check_table_fits_80_columns_and_json_keeps_everything() {
    let dir = common::data_dir();
    let p = dir.path();
    ok(p, &["domain", "add", "wide.test", "--create"]);
    ok(p, &["config", "set", "hostname", "mail.wide.test"]);
    ok(p, &["config", "set", "public_ip", "192.0.2.10"]);
    ok(p, &["config", "set", "dnsbl.zones", "bl.test"]);
    ok(p, &["dkim", "generate", "wide.test", "--algorithm", "rsa"]);
    // A long SPF tree, and no DKIM key published: the fix is the whole 2048-bit record.
    let zone = "@ IN MX 10 mail\nmail IN A 192.0.2.10\n\
        @ IN TXT \"v=spf1 include:_spf1.wide.test include:_spf2.wide.test ip4:192.0.2.10 -all\"\n\
        _spf1 IN TXT \"v=spf1 ip4:198.51.100.0/24 ip4:203.0.113.0/24 ip6:2001:db8:1::/48 ip6:2001:db8:2::/48 ~all\"\n\
        _spf2 IN TXT \"v=spf1 ip4:198.51.100.128/25 ip4:203.0.113.128/25 ip6:2001:db8:3::/48 ip6:2001:db8:4::/48 ~all\"\n\
        _dmarc IN TXT \"v=DMARC1; p=reject; rua=mailto:postmaster@wide.test\"\n";
    let srv = dns::DnsServer::start(&[
        ("wide.test", zone),
        ("2.0.192.in-addr.arpa", "10 IN PTR mail.wide.test.\n"),
        ("test", ""),
        ("bl.test", ""),
    ]);
    let ns = srv.addr();
    let o = mailctl(p, &["dns", "check", "wide.test", "--nameserver", &ns]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("DKIM") && text.contains("_spf2.wide.test"),
        "{text}"
    );
    for line in text.lines() {
        let n = line.chars().count();
        assert!(n <= 80, "{n} columns: {line:?}\n{text}");
    }
    let (_, j, _) = timed(p, &ns, &["dns", "check", "wide.test"]);
    let dkim = findings(&j)
        .into_iter()
        .find(|f| f["check"] == "DKIM")
        .unwrap();
    let key: Value =
        serde_json::from_str(&ok(p, &["--json", "dkim", "show", "wide.test"])).unwrap();
    let public = key[0]["value"]
        .as_str()
        .and_then(|v| v.rsplit("p=").next())
        .unwrap_or_else(|| panic!("{key}"));
    assert!(public.len() > 300, "a 2048-bit key: {public}");
    let fix: String = dkim["fix"].as_str().unwrap().split(['"', ' ']).collect();
    assert!(fix.contains(public), "JSON keeps the whole key: {dkim}");
}
