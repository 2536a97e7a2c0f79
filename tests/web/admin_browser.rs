//! The web administration in a real browser (headless Chromium through chromedriver, as in
//! `browser.rs`): an administrator adds a user on the users page and that user logs in over
//! IMAP; the DNS check page of a domain shows its findings, with fixes, against a DNS server
//! on loopback, and a dead resolver as errors. Screenshots go to `target/web-screenshots/`.

use fantoccini::{Client, Locator};

use crate::browser::{browser_available, connect, driver, login, runtime, screenshot_dir};
use crate::common::cli::{mailctl_ok, ok};
use crate::harness::{imap_login, start, start_with};

async fn text_of(c: &Client, id: &str) -> String {
    c.find(Locator::Id(id)).await.unwrap().text().await.unwrap()
}

async fn fill(c: &Client, id: &str, value: &str) {
    c.find(Locator::Id(id))
        .await
        .unwrap()
        .send_keys(value)
        .await
        .unwrap();
}

async fn shot(c: &Client, name: &str) {
    std::fs::write(screenshot_dir().join(name), c.screenshot().await.unwrap()).unwrap();
}

#[test]
fn an_administrator_adds_a_user_who_then_logs_in_over_imap() {
    if !browser_available() {
        return;
    }
    let srv = start_with(false, &[], &["imap"], &["imap", "imaps"]);
    mailctl_ok(
        srv.path(),
        &["user", "set", "alice@example.test", "--admin"],
    );
    let d = driver();
    runtime().block_on(async {
        let c = connect(&d).await;
        login(&c, &srv.base, "alice@example.test").await;
        c.find(Locator::Id("nav-admin"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        c.wait().for_element(Locator::Id("status")).await.unwrap();
        c.goto(&format!("{}/admin/users", srv.base)).await.unwrap();
        fill(&c, "new-address", "carol@example.test").await;
        fill(&c, "new-password", "carol's long pass phrase").await;
        c.find(Locator::Id("add-user"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        c.wait().for_element(Locator::Id("users")).await.unwrap();
        let users = text_of(&c, "users").await;
        assert!(users.contains("carol@example.test"), "{users}");
        shot(&c, "admin-users.png").await;
        c.close().await.unwrap();
        d.session.lock().unwrap().take();
    });
    assert!(imap_login(
        &srv,
        "carol@example.test",
        "carol's long pass phrase"
    ));
    assert!(!imap_login(&srv, "carol@example.test", "wrong password"));
}

#[test]
fn the_dns_check_page_shows_findings_fixes_and_records() {
    if !browser_available() {
        return;
    }
    let srv = start(
        false,
        &[
            ("hostname", "mail.example.test"),
            ("public_ip", "192.0.2.10"),
            ("dnsbl.zones", "bl.test"),
        ],
    );
    let p = srv.path();
    mailctl_ok(p, &["user", "set", "alice@example.test", "--admin"]);
    // Publish what `dns records` says, except DMARC: the page must show that as a failure
    // with its fix.
    let recs: serde_json::Value =
        serde_json::from_str(&ok(p, &["--json", "dns", "records", "example.test"])).unwrap();
    let (mut forward, mut reverse) = (String::new(), String::new());
    for r in recs.as_array().unwrap() {
        let line = r["zone"].as_str().unwrap();
        if line.starts_with(';') || line.starts_with("_dmarc.") {
            continue;
        }
        if line.contains(".in-addr.arpa.") {
            reverse.push_str(&format!("{line}\n"));
        } else {
            forward.push_str(&format!("{line}\n"));
        }
    }
    let dns = crate::dns::DnsServer::start(&[
        ("example.test", &forward),
        ("2.0.192.in-addr.arpa", &reverse),
        ("test", ""),
        ("bl.test", ""),
    ]);
    mailctl_ok(
        p,
        &[
            "config",
            "set",
            "dns.nameserver",
            &format!("127.0.0.1:{}", dns.port),
        ],
    );
    let d = driver();
    runtime().block_on(async {
        let c = connect(&d).await;
        login(&c, &srv.base, "alice@example.test").await;
        c.goto(&format!("{}/admin/domains", srv.base))
            .await
            .unwrap();
        c.find(Locator::LinkText("DNS check"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        c.wait().for_element(Locator::Id("findings")).await.unwrap();
        let findings = text_of(&c, "findings").await;
        assert!(
            findings.contains("MX") && findings.contains("pass"),
            "{findings}"
        );
        assert!(findings.contains("SPF"), "{findings}");
        let dmarc = findings
            .lines()
            .find(|l| l.starts_with("DMARC"))
            .unwrap_or_else(|| panic!("{findings}"));
        assert!(dmarc.contains("FAIL"), "{findings}");
        assert!(
            findings.contains("_dmarc.example.test"),
            "the fix: {findings}"
        );
        assert!(!findings.contains("ERROR"), "{findings}");
        let records = text_of(&c, "records").await;
        assert!(records.contains("_dmarc.example.test"), "{records}");
        shot(&c, "admin-dns.png").await;

        // A resolver that does not answer: errors, never a pass.
        mailctl_ok(p, &["config", "set", "dns.nameserver", "127.0.0.1:9"]);
        c.refresh().await.unwrap();
        c.wait().for_element(Locator::Id("findings")).await.unwrap();
        let dead = text_of(&c, "findings").await;
        assert!(dead.contains("ERROR"), "{dead}");
        assert!(!dead.contains("pass"), "{dead}");
        assert!(text_of(&c, "dns-verdict").await.contains("failed"));
        c.close().await.unwrap();
        d.session.lock().unwrap().take();
    });
}
