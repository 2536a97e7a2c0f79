//! What mailctl tells mail clients and administrators about webmail (#23.5): the
//! autoconfig document's login page, `setup`'s summary and `dns records`, each with
//! `listen.web` off (nothing said), on with HTTPS (the port in the address) and on behind
//! a TLS proxy (`web.tls off`: the host name's port 443).

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::common::cli::{mailctl, mailctl_stdin};

fn ok(o: Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

fn json(dir: &Path, args: &[&str]) -> Value {
    let mut a = vec!["--json"];
    a.extend_from_slice(args);
    serde_json::from_str(&ok(mailctl(dir, &a))).unwrap()
}

fn set(dir: &Path, key: &str, value: &str) {
    ok(mailctl(dir, &["config", "set", key, value]));
}

const RERUN: &[&str] = &[
    "setup",
    "--non-interactive",
    "--no-dns-check",
    "--service-user",
    "nobody",
];

#[test]
fn autoconfig_setup_and_dns_records_name_the_webmail_address() {
    let dir = crate::common::data_dir();
    let p = dir.path();
    let setup = [
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
        "self-signed",
        "--services",
        "smtp,submission,imaps",
        "--public-ip",
        "192.0.2.10",
        "--service-user",
        "nobody",
        "--no-dns-check",
    ];
    let j: Value = serde_json::from_str(&ok(mailctl_stdin(p, &setup, "a long secret\n"))).unwrap();
    // Webmail off (the default): nobody is told of it.
    assert!(j["webmail"].is_null(), "{j}");
    assert!(!ok(mailctl(p, &["dns", "records", "example.test"])).contains("webmail"));
    assert!(!ok(mailctl(p, &["autoconfig", "example.test"])).contains("webMail"));
    assert!(json(p, &["autoconfig", "example.test"])["webmail"].is_null());

    // HTTPS on a port of its own: the address carries it.
    set(p, "listen.web", "0.0.0.0:2443");
    let url = "https://mail.example.test:2443/";
    let mut rerun = vec!["--json"];
    rerun.extend_from_slice(RERUN);
    let j: Value = serde_json::from_str(&ok(mailctl(p, &rerun))).unwrap();
    assert_eq!(j["webmail"], url, "{j}");
    let text = ok(mailctl(p, RERUN));
    assert!(text.contains(&format!("webmail: {url}")), "{text}");

    let xml = ok(mailctl(p, &["autoconfig", "example.test"]));
    assert!(
        xml.contains(&format!("<webMail>\n    <loginPage url=\"{url}\"/>")),
        "{xml}"
    );
    assert_eq!(json(p, &["autoconfig", "example.test"])["webmail"], url);

    let text = ok(mailctl(p, &["dns", "records", "example.test"]));
    assert!(
        text.contains(&format!(
            "note: webmail is at {url}; mail.example.test must resolve to this server"
        )),
        "{text}"
    );
    let recs = json(p, &["dns", "records", "example.test"]);
    let a = recs
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "mail.example.test" && r["type"] == "A")
        .expect("the host's A record");
    assert_eq!(a["value"], "192.0.2.10");
    assert!(a["note"].as_str().unwrap().contains(url), "{a}");

    // Behind a TLS proxy on loopback: users reach the host name's HTTPS port.
    set(p, "listen.web", "127.0.0.1:8080");
    set(p, "web.tls", "off");
    let url = "https://mail.example.test/";
    assert_eq!(json(p, &["autoconfig", "example.test"])["webmail"], url);
    assert!(ok(mailctl(p, &["dns", "records", "example.test"])).contains(url));
    let j: Value = serde_json::from_str(&ok(mailctl(p, &rerun))).unwrap();
    assert_eq!(j["webmail"], url);
}
