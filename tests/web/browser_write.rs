//! The webmail's write side in a real browser (headless Chromium through chromedriver, as
//! `browser.rs`): alice reads a message bob sent through SMTP, replies to it — the reply
//! arrives in bob's INBOX threaded under the original, and a copy is in alice's Sent over
//! IMAP — moves the message to a folder and IMAP sees the move, finds it with search, and
//! logs out. Screenshots go to `target/web-screenshots/`.

use fantoccini::Locator;

use crate::browser::{browser_available, connect, driver, login, runtime, screenshot_dir};
use crate::common::maildir;
use crate::common::tools::python;
use crate::common::users::PASSWORD;
use crate::harness::start_with_imap;

const FROM_BOB: &str = "From: Bob <bob@example.test>\r\nTo: alice@example.test\r\nSubject: Plans for Friday\r\nDate: Sun, 6 Dec 2026 10:00:00 +0000\r\nMessage-ID: <plans@example.test>\r\n\r\nShall we meet at the harbour on Friday?\r\n";

/// IMAP as alice: `create NAME` makes a folder; `subjects NAME` prints the Subject of each
/// message in it, one a line (read-only, so nothing is marked).
const IMAP: &str = r#"
import imaplib, sys, re
c = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]), timeout=30)
c.login("alice@example.test", sys.argv[2])
if sys.argv[3] == "create":
    typ, d = c.create(sys.argv[4])
    assert typ == "OK", d
else:
    typ, d = c.select(sys.argv[4], readonly=True)
    assert typ == "OK", d
    if int(d[0]) > 0:
        typ, data = c.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        for item in data:
            if isinstance(item, tuple):
                print(item[1].decode().strip().removeprefix("Subject: "))
c.logout()
"#;

fn imap(port: u16, args: &[&str]) -> Vec<String> {
    let mut all = vec![port.to_string(), PASSWORD.to_string()];
    all.extend(args.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    python(IMAP, &refs).lines().map(str::to_string).collect()
}

async fn click(c: &fantoccini::Client, id: &str) {
    c.find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("#{id}: {e}"))
        .click()
        .await
        .unwrap();
}

async fn shot(c: &fantoccini::Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    std::fs::write(screenshot_dir().join(name), png).unwrap();
}

#[test]
fn a_user_replies_moves_and_searches_in_the_browser() {
    if !browser_available() {
        return;
    }
    let srv = start_with_imap(&[]);
    srv.deliver("alice@example.test", &[FROM_BOB]);
    let port = srv.serve.port("imap");
    imap(port, &["create", "Projects"]);
    let d = driver();
    runtime().block_on(async {
        let c = connect(&d).await;
        login(&c, &srv.base, "alice@example.test").await;
        c.find(Locator::LinkText("Plans for Friday"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        c.wait().for_element(Locator::Id("body")).await.unwrap();

        // Reply: the form comes filled in; alice writes above the quote and sends.
        click(&c, "reply").await;
        let to = c.wait().for_element(Locator::Id("to")).await.unwrap();
        let to = to.prop("value").await.unwrap().unwrap_or_default();
        assert!(to.contains("bob@example.test"), "{to}");
        let subject = c.find(Locator::Id("subject")).await.unwrap();
        assert_eq!(
            subject.prop("value").await.unwrap().as_deref(),
            Some("Re: Plans for Friday")
        );
        let body = c.find(Locator::Id("body")).await.unwrap();
        let quoted = body.prop("value").await.unwrap().unwrap_or_default();
        assert!(
            quoted.contains("> Shall we meet at the harbour"),
            "{quoted}"
        );
        body.clear().await.unwrap();
        body.send_keys(&format!("Friday works for me.\n{quoted}"))
            .await
            .unwrap();
        shot(&c, "compose-reply.png").await;
        click(&c, "send").await;
        c.wait().for_element(Locator::Id("move")).await.unwrap();

        // The reply arrived in bob's INBOX, threaded under the original; a copy is in Sent.
        let got = maildir::wait_messages(srv.path(), "bob", "example.test", 1);
        assert_eq!(got.len(), 1);
        assert!(
            got[0].contains("In-Reply-To: <plans@example.test>"),
            "{}",
            got[0]
        );
        assert!(
            got[0].contains("Subject: Re: Plans for Friday"),
            "{}",
            got[0]
        );
        assert!(got[0].contains("Friday works for me."), "{}", got[0]);
        assert!(
            got[0].contains("From: <alice@example.test>")
                || got[0].contains("From: alice@example.test"),
            "{}",
            got[0]
        );
        assert_eq!(imap(port, &["subjects", "Sent"]), ["Re: Plans for Friday"]);
        let inbox = maildir::files(&maildir::of(srv.path(), "alice", "example.test"));
        assert!(
            inbox[0].to_string_lossy().ends_with(":2,RS"),
            "read and answered: {inbox:?}"
        );

        // Move to Projects: IMAP sees it there and no longer in INBOX.
        c.find(Locator::Id("move-to"))
            .await
            .unwrap()
            .select_by_value("Projects")
            .await
            .unwrap();
        click(&c, "move").await;
        c.wait().for_element(Locator::Id("messages")).await.unwrap();
        assert_eq!(imap(port, &["subjects", "Projects"]), ["Plans for Friday"]);
        assert!(imap(port, &["subjects", "INBOX"]).is_empty());

        // Search in Projects finds it; a word it does not have finds nothing.
        c.goto(&format!("{}/mail/Projects", srv.base))
            .await
            .unwrap();
        let q = c.wait().for_element(Locator::Id("q")).await.unwrap();
        q.send_keys("harbour").await.unwrap();
        click(&c, "search").await;
        c.wait().for_element(Locator::Id("messages")).await.unwrap();
        let list = c
            .find(Locator::Id("messages"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(list.contains("Plans for Friday"), "{list}");
        shot(&c, "search.png").await;
        c.goto(&format!("{}/mail/Projects?q=submarine", srv.base))
            .await
            .unwrap();
        let list = c.wait().for_element(Locator::Id("messages")).await.unwrap();
        assert!(!list.text().await.unwrap().contains("Plans for Friday"));

        click(&c, "logout").await;
        c.wait().for_element(Locator::Id("login")).await.unwrap();
        c.close().await.unwrap();
        d.session.lock().unwrap().take();
    });
}
