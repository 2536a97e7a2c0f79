//! Webmail in a real browser: Debian's headless Chromium driven through chromedriver
//! (WebDriver, with fantoccini) on loopback. A user logs in, reads a message delivered by
//! SMTP, marks it, and logs out; then a corpus of hostile HTML mail is opened and no
//! script may run (a DOM probe and the browser's log) and no request may reach a loopback
//! "remote" server until the reader asks for images. Screenshots go to
//! `target/web-screenshots/`. Skipped, with the reason printed, where chromium or
//! chromedriver is not installed (scripts/test installs both).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::common::tools::have;
use crate::common::users::PASSWORD;
use crate::harness::start;

/// chromedriver on a loopback port with its own temporary directory (Chromium's profile
/// and scratch files go there). Dropped — also when a test panics — it ends the browser
/// session first (a killed chromedriver would leave Chromium running), then itself.
pub(crate) struct Driver {
    child: Child,
    port: u16,
    pub(crate) session: std::sync::Mutex<Option<String>>,
    _tmp: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some(id) = self
            .session
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        {
            let _ = Command::new("curl")
                .args(["-s", "--max-time", "20", "-X", "DELETE"])
                .arg(format!("http://127.0.0.1:{}/session/{id}", self.port))
                .output();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn browser_available() -> bool {
    if have("chromium") && have("chromedriver") {
        return true;
    }
    eprintln!(
        "skipped: chromium and chromium-driver are not installed (scripts/test installs them)"
    );
    false
}

pub(crate) fn driver() -> Driver {
    let port = crate::common::net::free_port();
    let tmp = tempfile::tempdir().unwrap();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .arg("--allowed-ips=127.0.0.1")
        .env("TMPDIR", tmp.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let d = Driver {
        child,
        port,
        session: std::sync::Mutex::new(None),
        _tmp: tmp,
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    d
}

pub(crate) async fn connect(d: &Driver) -> Client {
    let mut caps = serde_json::Map::new();
    let mut args = vec![
        "--headless=new",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1024,768",
        "--no-first-run",
    ];
    if crate::common::account::is_root() {
        args.push("--no-sandbox");
    }
    caps.insert(
        "goog:chromeOptions".into(),
        json!({"binary": "/usr/bin/chromium", "args": args}),
    );
    caps.insert("goog:loggingPrefs".into(), json!({"browser": "ALL"}));
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let c = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", d.port))
        .await
        .expect("a chromium session");
    *d.session.lock().unwrap() = c.session_id().await.unwrap();
    c
}

/// The browser's console log since the last call (chromedriver's log endpoint).
async fn browser_log(c: &Client, d: &Driver) -> Vec<String> {
    let id = c.session_id().await.unwrap().unwrap();
    let out = Command::new("curl")
        .args([
            "-s",
            "--max-time",
            "20",
            "-H",
            "Content-Type: application/json",
        ])
        .args(["-d", r#"{"type":"browser"}"#])
        .arg(format!("http://127.0.0.1:{}/session/{id}/se/log", d.port))
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    v["value"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| format!("{} {}", e["level"], e["message"]))
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) fn screenshot_dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/web-screenshots");
    std::fs::create_dir_all(&d).unwrap();
    d
}

pub(crate) async fn login(c: &Client, base: &str, user: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    c.find(Locator::Id("user"))
        .await
        .unwrap()
        .send_keys(user)
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    c.find(Locator::Id("login"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Id("messages")).await.unwrap();
}

pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

const GREETING: &str = "From: Carol Sender <carol@example.org>\r\nTo: alice@example.test\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe_from_the_browser_test?=\r\nDate: Sun, 6 Dec 2026 10:00:00 +0000\r\nMessage-ID: <greeting@example.org>\r\n\r\nHello Alice, this came through SMTP.\r\n";

#[test]
fn a_user_logs_in_reads_marks_and_logs_out() {
    if !browser_available() {
        return;
    }
    let srv = start(false, &[]);
    srv.deliver("alice@example.test", &[GREETING]);
    let md = crate::common::maildir::of(srv.path(), "alice", "example.test");
    let d = driver();
    runtime().block_on(async {
        let c = connect(&d).await;
        login(&c, &srv.base, "alice@example.test").await;
        let list = c
            .find(Locator::Id("messages"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(list.contains("Grüße from the browser test"), "{list}");
        assert!(list.contains("Carol Sender"), "{list}");
        let png = c.screenshot().await.unwrap();
        std::fs::write(screenshot_dir().join("message-list.png"), png).unwrap();

        c.find(Locator::LinkText("Grüße from the browser test"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let body = c.wait().for_element(Locator::Id("body")).await.unwrap();
        assert!(
            body.text()
                .await
                .unwrap()
                .contains("this came through SMTP")
        );
        let from = c
            .find(Locator::Id("from"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(from, "Carol Sender <carol@example.org>");
        std::fs::write(
            screenshot_dir().join("message.png"),
            c.screenshot().await.unwrap(),
        )
        .unwrap();

        // Opening it read it (\Seen, in the file name where IMAP reads it); "mark unread"
        // and "mark read" undo and redo that.
        let files = crate::common::maildir::files(&md);
        assert!(files[0].to_string_lossy().ends_with(":2,S"), "{files:?}");
        c.find(Locator::Id("mark-unread"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        c.wait()
            .for_element(Locator::Id("mark-read"))
            .await
            .unwrap();
        let files = crate::common::maildir::files(&md);
        assert!(!files[0].to_string_lossy().ends_with("S"), "{files:?}");
        c.find(Locator::Id("mark-read"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        c.wait()
            .for_element(Locator::Id("mark-unread"))
            .await
            .unwrap();
        let files = crate::common::maildir::files(&md);
        assert!(files[0].to_string_lossy().ends_with(":2,S"), "{files:?}");

        c.find(Locator::Id("logout"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        c.wait().for_element(Locator::Id("login")).await.unwrap();
        // The session is gone on the server, not just in this browser's cookie jar.
        c.goto(&format!("{}/mail/INBOX", srv.base)).await.unwrap();
        c.wait().for_element(Locator::Id("login")).await.unwrap();
        c.close().await.unwrap();
        d.session.lock().unwrap().take();
    });
}

/// A loopback HTTP server standing for the remote sites a message points at: counts the
/// requests it gets and answers each with a tiny GIF.
fn remote_server() -> (String, Arc<AtomicUsize>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", l.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    std::thread::spawn(move || {
        for s in l.incoming().take(1000) {
            let Ok(mut s) = s else { continue };
            h.fetch_add(1, Ordering::SeqCst);
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            let mut buf = [0u8; 2048];
            let _ = s.read(&mut buf);
            let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;";
            let _ = s.write_all(
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: image/gif\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    gif.len()
                )
                .as_bytes(),
            );
            let _ = s.write_all(gif);
        }
    });
    (base, hits)
}

/// Payloads: each would set `window.__pwned` and the title to "pwned" (spelt apart in the
/// source, so the escaped text of a page never contains the word) if it ran.
const RUN: &str = "window.__pwned=1;document.title='p'+'wned'";

fn hostile_bodies(r: &str) -> Vec<String> {
    vec![
        format!(
            "<p>scripts</p><script>{RUN}</script><img src=x onerror=\"{RUN}\"><svg onload=\"{RUN}\"><circle r=5 /></svg><body onload=\"{RUN}\">"
        ),
        format!(
            "<a href=\"javascript:{RUN}\">js link</a> <a href=\"data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0xPC9zY3JpcHQ+\">data link</a> <a href=\"JaVaScRiPt&#58;{RUN}\">encoded</a>"
        ),
        format!(
            "<div style=\"background:url({r}/css-bg);width:expression({RUN})\">styled</div><style>@import url({r}/css-import); body{{background:url({r}/css-body)}}</style><link rel=stylesheet href=\"{r}/link.css\">"
        ),
        format!(
            "<meta http-equiv=\"refresh\" content=\"0;url={r}/refresh\"><base href=\"{r}/\"><iframe src=\"{r}/frame\"></iframe><object data=\"{r}/object\"></object><embed src=\"{r}/embed\"><form action=\"{r}/form\"><button>go</button></form>"
        ),
        format!(
            "<img srcset=\"{r}/srcset.png 1x\"><picture><source srcset=\"{r}/source.png\"></picture><video poster=\"{r}/poster.png\"></video><input type=image src=\"{r}/input.png\"><table background=\"{r}/bg.png\"><tr><td>t</td></tr></table><img src=\"//{}/protocol-relative.png\">",
            r.trim_start_matches("http://")
        ),
        format!(
            "<<script>script>{RUN}<</script>/script><scr<script>ipt>{RUN}</scr</script>ipt><img src=\"x\" '' onerror=\"{RUN}\"</p><math><mtext><table><mglyph><style><img src=x onerror=\"{RUN}\"></style></mglyph></table></mtext></math><noscript><p title=\"</noscript><img src=x onerror={RUN}>\"></noscript>"
        ),
        format!("<p>a picture:</p><img id=remote src=\"{r}/remote.png\" alt=remote>"),
    ]
}

fn hostile_message(i: usize, body: &str) -> String {
    // Encoded words that decode to markup, in Subject and in an attachment's file name.
    format!(
        "From: =?utf-8?q?=3Cimg_src=3Dx_onerror=3Dalert(1)=3E?= <evil@example.org>\r\nTo: alice@example.test\r\nSubject: hostile {i} =?utf-8?b?PHNjcmlwdD53aW5kb3cuX19wd25lZD0xPC9zY3JpcHQ+?=\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><head><title>t</title></head><body>{body}</body></html>\r\n--XX\r\nContent-Type: text/html\r\nContent-Disposition: attachment; filename=\"=?utf-8?q?=3Cscript=3Ewindow.__pwned=3D1=3C/script=3E.html?=\"\r\n\r\n<script>{RUN}</script>\r\n--XX--\r\n"
    )
}

/// A UTF-7 HTML part: decoded by the MIME parser into markup, which must still be cleaned.
const UTF7: &str = "From: evil@example.org\r\nTo: alice@example.test\r\nSubject: hostile utf-7\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-7\r\n\r\n+ADw-script+AD4-window.__pwned=1+ADw-/script+AD4-+ADw-img src=x onerror=window.__pwned=1+AD4-\r\n";

async fn probe(c: &Client) -> (String, bool) {
    let title = c.title().await.unwrap();
    let ran = c
        .execute("return typeof window.__pwned !== 'undefined';", vec![])
        .await
        .unwrap();
    (title, ran.as_bool().unwrap_or(true))
}

#[test]
fn hostile_mail_runs_no_script_and_loads_nothing_remote_until_asked() {
    if !browser_available() {
        return;
    }
    let (remote, hits) = remote_server();
    let srv = start(false, &[]);
    let mut msgs: Vec<String> = hostile_bodies(&remote)
        .iter()
        .enumerate()
        .map(|(i, b)| hostile_message(i, b))
        .collect();
    msgs.push(UTF7.to_string());
    let refs: Vec<&str> = msgs.iter().map(String::as_str).collect();
    srv.deliver("alice@example.test", &refs);
    let d = driver();
    runtime().block_on(async {
        let c = connect(&d).await;
        login(&c, &srv.base, "alice@example.test").await;
        std::fs::write(
            screenshot_dir().join("hostile-list.png"),
            c.screenshot().await.unwrap(),
        )
        .unwrap();
        for uid in 1..=msgs.len() {
            c.goto(&format!("{}/mail/INBOX/{uid}", srv.base))
                .await
                .unwrap();
            // A page that navigated away (a meta refresh, a base or form target) fails here.
            let stayed = c.wait().for_element(Locator::Id("subject")).await;
            assert!(
                stayed.is_ok(),
                "message {uid}: the page did not stay: {:?}",
                c.current_url().await
            );
            let (title, ran) = probe(&c).await;
            assert!(!ran, "message {uid}: a script ran");
            assert!(title != "pwned", "message {uid}: title {title}");
            // Clicking every link the sanitiser left must not run anything either.
            for a in c.find_all(Locator::Css("#body a")).await.unwrap() {
                let _ = a.click().await;
            }
            let (title, ran) = probe(&c).await;
            assert!(!ran && title != "pwned", "message {uid} after clicks");
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(
            hits.load(Ordering::SeqCst),
            0,
            "a remote request before images were allowed"
        );
        let log = browser_log(&c, &d).await;
        assert!(
            log.iter().all(|l| !l.to_lowercase().contains("pwned")),
            "{log:#?}"
        );
        assert!(
            log.iter().all(|l| !l.contains("SEVERE")),
            "the browser logged errors: {log:#?}"
        );

        // The reader asks for the images of the message that has one: now it loads.
        // Delivery order is not UID order (parallel local delivery): find it by subject.
        let last = hostile_bodies(&remote).len() - 1;
        c.goto(&format!("{}/mail/INBOX", srv.base)).await.unwrap();
        c.find(Locator::XPath(&format!(
            "//a[contains(., 'hostile {last} ')]"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
        c.find(Locator::Id("show-images"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while hits.load(Ordering::SeqCst) == 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(hits.load(Ordering::SeqCst) >= 1, "the allowed image loads");
        let (title, ran) = probe(&c).await;
        assert!(!ran && title != "pwned");
        c.close().await.unwrap();
        d.session.lock().unwrap().take();
    });
}

/// The inbox of the README's screenshot: a few ordinary messages, some read, one flagged.
const README_INBOX: &[(&str, &str, &str, &str, &str)] = &[
    (
        "1796630400",
        "Ada Lovelace",
        "ada@example.org",
        "Notes on the analytical engine",
        "S",
    ),
    (
        "1796637600",
        "Grace Hopper",
        "grace@example.org",
        "Re: compiler meeting on Tuesday",
        "S",
    ),
    (
        "1796644800",
        "Build bot",
        "ci@example.net",
        "main: all 2,141 tests passed",
        "S",
    ),
    (
        "1796652000",
        "Alan Turing",
        "alan@example.org",
        "Lunch on Friday?",
        "FS",
    ),
    (
        "1796659200",
        "Barbara Liskov",
        "barbara@example.org",
        "Substitution, once more",
        "",
    ),
    (
        "1796666400",
        "Carol Sender",
        "carol@example.org",
        "=?utf-8?q?Gr=C3=BC=C3=9Fe_aus_Berlin?=",
        "",
    ),
    (
        "1796673600",
        "Radia Perlman",
        "radia@example.org",
        "Spanning tree slides attached",
        "",
    ),
];

#[test]
fn a_message_list_for_the_readme_screenshot() {
    if !browser_available() {
        return;
    }
    let srv = start(false, &[]);
    let md = crate::common::maildir::of(srv.path(), "alice", "example.test");
    // Written as a delivery agent leaves them (flags in the names), not sent: the list
    // shows read, unread and flagged mail.
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(md.join(sub)).unwrap();
    }
    for (i, (t, name, addr, subject, flags)) in README_INBOX.iter().enumerate() {
        let secs: i64 = t.parse().unwrap();
        let date = chrono::DateTime::from_timestamp(secs, 0)
            .unwrap()
            .to_rfc2822();
        let msg = format!(
            "From: {name} <{addr}>\r\nTo: Alice <alice@example.test>\r\nSubject: {subject}\r\nDate: {date}\r\nMessage-ID: <readme{i}@example.org>\r\n\r\nHello Alice.\r\n"
        );
        std::fs::write(md.join(format!("cur/{t}.readme{i}.host:2,{flags}")), msg).unwrap();
    }
    let d = driver();
    runtime().block_on(async {
        let c = connect(&d).await;
        c.set_window_size(1000, 650).await.unwrap();
        login(&c, &srv.base, "alice@example.test").await;
        let list = c
            .find(Locator::Id("messages"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            list.contains("Grüße aus Berlin") && list.contains("Ada Lovelace"),
            "{list}"
        );
        let png = c.screenshot().await.unwrap();
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        // docs/webmail.png is this file, copied by hand when the pages change.
        std::fs::write(screenshot_dir().join("webmail-readme.png"), png).unwrap();
        c.close().await.unwrap();
        d.session.lock().unwrap().take();
    });
}
