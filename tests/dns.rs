//! `dns check` and `dns records` against a real DNS server on loopback (hickory-server),
//! with zones that are right everywhere and zones broken one way each.

#[path = "outbound/dns.rs"]
#[allow(dead_code)]
mod dns;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_mailctl");

fn mailctl(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("MAILCTL_DATA_DIR")
        .output()
        .unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let o = mailctl(dir, args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

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
    let dir = tempfile::tempdir().unwrap();
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
    for check in ["MX", "PTR", "SPF", "DKIM", "DMARC", "blocklist"] {
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
        (&["bl", "192.0.2.10", "--zone", "bl.test"][..], "blocklist"),
    ] {
        let (code, j) = single(args);
        assert_eq!(code, 0, "{args:?}: {j}");
        assert!(
            j["findings"]
                .as_array()
                .unwrap()
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
