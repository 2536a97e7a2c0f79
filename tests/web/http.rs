//! The web listener over real HTTP (curl): logging in (good, bad, banned, rate-limited),
//! cookie attributes over HTTP and HTTPS, the security headers, CSRF refusals, one user
//! reaching for another's mail, attachments, and the refusal of plain HTTP off loopback.

use std::time::Duration;

use crate::common::cli::{command, run, text};
use crate::common::users::PASSWORD;
use crate::harness::{Answer, Client, start};

const ALICE: &str = "alice@example.test";
const BOB: &str = "bob@example.test";

const PLAIN: &str = "From: Sender <sender@example.org>\r\nTo: alice@example.test\r\nSubject: hello alice\r\nDate: Sun, 6 Dec 2026 10:00:00 +0000\r\nMessage-ID: <plain@example.org>\r\n\r\nThe body text.\r\n";

fn assert_secure_headers(a: &Answer) {
    assert_eq!(
        a.header("content-security-policy"),
        "default-src 'none'; img-src 'self'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    );
    assert_eq!(a.header("x-frame-options"), "DENY");
    assert_eq!(a.header("x-content-type-options"), "nosniff");
    assert_eq!(a.header("referrer-policy"), "no-referrer");
}

#[test]
fn login_good_bad_and_banned_and_the_headers_of_every_page() {
    let srv = start(
        false,
        &[("ban.threshold", "3"), ("web.login_rate_limit", "100")],
    );
    let mut c = Client::new(&srv.base);
    let form = c.get("/login");
    assert_eq!(form.status, 200);
    assert_secure_headers(&form);

    let bad = c.login(ALICE, "wrong");
    assert_eq!(bad.status, 401, "{}", bad.text());
    assert!(bad.text().contains("Wrong address or password"));
    assert!(!c.cookies.contains_key("mailctl_session"));

    // A session id planted before the login (fixation) is not one, and not kept.
    let planted = "a".repeat(64);
    c.cookies.insert("mailctl_session".into(), planted.clone());
    assert_eq!(c.get("/mail/INBOX").status, 303);
    let ok = c.login(ALICE, PASSWORD);
    assert_eq!(ok.status, 303, "{}", ok.text());
    assert_eq!(ok.header("location"), "/mail/INBOX");
    assert_ne!(c.cookies["mailctl_session"], planted);
    let cookie = ok
        .header("set-cookie")
        .lines()
        .find(|l| l.starts_with("mailctl_session="))
        .unwrap()
        .to_string();
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attr), "{cookie}");
    }
    // Plain HTTP is only allowed on loopback, where the browser would drop a Secure cookie.
    assert!(!cookie.contains("Secure"), "{cookie}");
    let id = cookie.split(';').next().unwrap().split('=').nth(1).unwrap();
    assert_eq!(id.len(), 64, "256 random bits in hex");

    let inbox = c.get("/mail/INBOX");
    assert_eq!(inbox.status, 200);
    assert!(inbox.text().contains(ALICE));
    assert_secure_headers(&inbox);
    assert_eq!(inbox.header("cache-control"), "no-store");
    assert_secure_headers(&c.get("/no/such/page"));

    // Another client address guesses until banned; then even the right password is refused,
    // as IMAP would refuse it (the one login path).
    let mut guesser = Client::new(&srv.base);
    guesser.from = Some("127.0.0.2".into());
    assert_eq!(guesser.login(BOB, "guess1").status, 401);
    assert_eq!(guesser.login(BOB, "guess2").status, 401);
    let banned = guesser.login(BOB, "guess3");
    assert_eq!(banned.status, 403, "{}", banned.text());
    let after = guesser.login(BOB, PASSWORD);
    assert_eq!(after.status, 403, "{}", after.text());
    assert!(after.text().contains("Too many failed logins"));
    let log = srv.serve.log();
    assert!(
        log.contains("protocol=\"WEB\"") || log.contains("protocol=WEB"),
        "{log}"
    );
    // The first client is not affected.
    assert_eq!(c.get("/mail/INBOX").status, 200);
}

#[test]
fn the_login_form_is_rate_limited_per_address() {
    let srv = start(false, &[("web.login_rate_limit", "2")]);
    let mut c = Client::new(&srv.base);
    assert_eq!(c.login(ALICE, "wrong").status, 401);
    assert_eq!(c.login(ALICE, "wrong").status, 401);
    let limited = c.login(ALICE, PASSWORD);
    assert_eq!(limited.status, 429, "{}", limited.text());
    assert!(!c.cookies.contains_key("mailctl_session"));
}

#[test]
fn https_sets_a_secure_cookie() {
    let srv = start(true, &[]);
    assert!(srv.base.starts_with("https://"));
    let mut c = Client::new(&srv.base);
    let ok = c.login(ALICE, PASSWORD);
    assert_eq!(ok.status, 303, "{}", ok.text());
    let cookie = ok.header("set-cookie");
    assert!(
        cookie.lines().any(|l| l.starts_with("mailctl_session=")
            && l.contains("Secure")
            && l.contains("HttpOnly")
            && l.contains("SameSite=Strict")),
        "{cookie}"
    );
    assert_secure_headers(&c.get("/mail/INBOX"));
}

#[test]
fn state_changes_without_the_csrf_token_are_refused() {
    let srv = start(false, &[]);
    srv.deliver(ALICE, &[PLAIN]);
    let md = crate::common::maildir::of(srv.path(), "alice", "example.test");
    let mut c = Client::new(&srv.base);
    // The login form itself wants its token.
    c.get("/login");
    let forged = c.post("/login", &[("user", ALICE), ("password", PASSWORD)]);
    assert_eq!(forged.status, 403, "{}", forged.text());
    assert!(!c.cookies.contains_key("mailctl_session"));

    assert_eq!(c.login(ALICE, PASSWORD).status, 303);
    // Opened with "keep unread": opening alone marks nothing.
    let page = c.get("/mail/INBOX/1?keep=1");
    assert_eq!(page.status, 200, "{}", page.text());
    assert!(page.text().contains("hello alice"));
    let token = page.input("csrf");

    for fields in [
        vec![("action", "read")],
        vec![("action", "read"), ("csrf", "0000")],
    ] {
        let r = c.post("/mail/INBOX/1/flags", &fields);
        assert_eq!(r.status, 403, "{}", r.text());
    }
    assert!(
        crate::common::maildir::files(&md)
            .iter()
            .all(|f| !f.to_string_lossy().ends_with("S")),
        "nothing was marked"
    );
    let r = c.post("/logout", &[]);
    assert_eq!(r.status, 403);
    assert_eq!(c.get("/mail/INBOX").status, 200, "still logged in");

    // With the token it works: the flag is in the file name, where IMAP reads it.
    let r = c.post(
        "/mail/INBOX/1/flags",
        &[("action", "read"), ("csrf", &token)],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let files = crate::common::maildir::files(&md);
    assert!(files[0].to_string_lossy().ends_with(":2,S"), "{files:?}");
    // Delete moves it to Trash.
    let r = c.post(
        "/mail/INBOX/1/flags",
        &[("action", "delete"), ("csrf", &token)],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert!(crate::common::maildir::files(&md).is_empty());
    assert_eq!(crate::common::maildir::files(&md.join(".Trash")).len(), 1);

    let r = c.post("/logout", &[("csrf", &token)]);
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), "/login");
    let after = c.get("/mail/INBOX");
    assert_eq!(after.status, 303, "logged out");
}

#[test]
fn one_user_cannot_reach_another_users_mail() {
    let srv = start(false, &[]);
    srv.deliver(ALICE, &[PLAIN]);
    let md = crate::common::maildir::of(srv.path(), "alice", "example.test");
    let mut bob = Client::new(&srv.base);
    assert_eq!(bob.login(BOB, PASSWORD).status, 303);
    let own = bob.get("/mail/INBOX");
    let token = own.input("csrf");
    assert!(!own.text().contains("hello alice"));
    // Alice's UID 1 in the same folder name: bob's own INBOX has none.
    assert_eq!(bob.get("/mail/INBOX/1").status, 404);
    assert_eq!(bob.get("/mail/INBOX/1/attachment/0").status, 404);
    let r = bob.post(
        "/mail/INBOX/1/flags",
        &[("action", "delete"), ("csrf", &token)],
    );
    assert_eq!(r.status, 404, "{}", r.text());
    // Folder names are IMAP's: no way out of bob's Maildir.
    for path in [
        "/mail/..%2F..%2Falice/1",
        "/mail/..%2Falice/1",
        "/mail/%2E%2E/1",
        "/mail/INBOX%2F..%2F..%2Falice/1",
        "/mail/%2Fetc/1",
    ] {
        let r = bob.get(path);
        assert!(r.status == 404 || r.status == 400, "{path}: {}", r.status);
        assert!(!r.text().contains("hello alice"), "{path}");
    }
    // Without a session, nothing but the login page.
    let mut anon = Client::new(&srv.base);
    assert_eq!(anon.get("/mail/INBOX/1").status, 303);
    assert_eq!(
        anon.post("/mail/INBOX/1/flags", &[("action", "delete")])
            .status,
        403
    );
    assert_eq!(
        crate::common::maildir::files(&md).len(),
        1,
        "alice's mail is untouched"
    );
}

const WITH_ATTACHMENTS: &str = "From: sender@example.org\r\nTo: alice@example.test\r\nSubject: files\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--b\r\nContent-Type: text/html\r\nContent-Disposition: attachment; filename*=UTF-8''..%2F..%2Fevil%E2%80%AEgpj.html\r\n\r\n<script>window.__pwned=1</script>\r\n--b\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=\"dot.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--b--\r\n";

#[test]
fn attachments_download_as_files_never_as_pages() {
    let srv = start(false, &[]);
    srv.deliver(ALICE, &[WITH_ATTACHMENTS]);
    let mut c = Client::new(&srv.base);
    assert_eq!(c.login(ALICE, PASSWORD).status, 303);
    let page = c.get("/mail/INBOX/1");
    assert!(page.text().contains("evilgpj.html"), "{}", page.text());
    let html = c.get("/mail/INBOX/1/attachment/0");
    assert_eq!(html.status, 200);
    assert_eq!(html.header("content-type"), "application/octet-stream");
    assert_eq!(
        html.header("content-disposition"),
        "attachment; filename=\"evilgpj.html\"; filename*=UTF-8''evilgpj.html"
    );
    assert_secure_headers(&html);
    let png = c.get("/mail/INBOX/1/attachment/1");
    assert_eq!(png.header("content-type"), "image/png");
    assert!(png.header("content-disposition").starts_with("attachment;"));
    assert_eq!(png.body, b"\x89PNG\r\n\x1a\n");
    assert_eq!(c.get("/mail/INBOX/1/attachment/7").status, 404);
}

#[test]
fn plain_http_off_loopback_is_refused() {
    let dir = crate::common::users::example_test("", &["localhost"]);
    let p = dir.path();
    crate::common::cli::mailctl_ok(p, &["config", "set", "web.tls", "off"]);
    let mut cmd = command(p);
    cmd.args(["serve", "web", "--allow-root", "--listen", "web=0.0.0.0:0"]);
    let out = run(cmd, None, Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("plain HTTP"), "{}", text(&out));
}

#[test]
fn message_lists_page_by_fifty_newest_first_with_unread_counts() {
    let srv = start(false, &[]);
    // Dropped into new/ as another program would; the IMAP backend picks them up.
    let md = crate::common::maildir::of(srv.path(), "alice", "example.test");
    std::fs::create_dir_all(md.join("new")).unwrap();
    for i in 0..55 {
        let m = format!(
            "From: s{i}@example.org\r\nTo: alice@example.test\r\nSubject: msg {i:02}\r\n\r\nbody {i}\r\n"
        );
        std::fs::write(md.join(format!("new/{}.M{i}P1.test", 1_700_000_000 + i)), m).unwrap();
    }
    let mut c = Client::new(&srv.base);
    assert_eq!(c.login(ALICE, PASSWORD).status, 303);
    let subjects = |a: &Answer| -> Vec<String> {
        a.text()
            .split(">msg ")
            .skip(1)
            .map(|s| s[..2].to_string())
            .collect()
    };
    let p1 = c.get("/mail/INBOX");
    assert!(p1.text().contains("(55)"), "unread count: {}", p1.text());
    let s1 = subjects(&p1);
    assert_eq!(s1.len(), 50);
    assert_eq!((s1[0].as_str(), s1[49].as_str()), ("54", "05"));
    assert!(p1.text().contains("Page 1 of 2"));
    let p2 = c.get("/mail/INBOX?page=2");
    assert_eq!(subjects(&p2), ["04", "03", "02", "01", "00"]);
    // Past the end: the last page.
    assert_eq!(subjects(&c.get("/mail/INBOX?page=99")).len(), 5);
    assert_eq!(c.get("/mail/NoSuchFolder").status, 404);
}

#[test]
fn https_without_a_certificate_is_refused() {
    let dir = crate::common::users::example_test("", &["localhost"]);
    let p = dir.path();
    std::fs::remove_file(p.join("tls/cert.pem")).unwrap();
    std::fs::remove_file(p.join("tls/key.pem")).unwrap();
    let mut cmd = command(p);
    cmd.args([
        "serve",
        "web",
        "--allow-root",
        "--listen",
        "web=127.0.0.1:0",
    ]);
    let out = run(cmd, None, Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("needs a certificate"), "{}", text(&out));
}

#[test]
fn logout_everywhere_ends_every_session_of_the_user_only() {
    let srv = start(false, &[]);
    let (mut a1, mut a2, mut b) = (
        Client::new(&srv.base),
        Client::new(&srv.base),
        Client::new(&srv.base),
    );
    assert_eq!(a1.login(ALICE, PASSWORD).status, 303);
    assert_eq!(a2.login(ALICE, PASSWORD).status, 303);
    assert_eq!(b.login(BOB, PASSWORD).status, 303);
    let token = a1.get("/mail/INBOX").input("csrf");
    let r = a1.post("/logout", &[("csrf", &token), ("everywhere", "1")]);
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(a1.get("/mail/INBOX").status, 303);
    assert_eq!(a2.get("/mail/INBOX").status, 303, "the other browser too");
    assert_eq!(b.get("/mail/INBOX").status, 200, "bob stays logged in");
}

/// Folder names a hostile user may put in a URL to reach out of their own Maildir: parent
/// directories (plain, encoded, double-encoded, Maildir++ dots), encoded slashes and
/// backslashes, absolute paths, another account's address and its INBOX, a NUL byte.
fn hostile_folders(alice_root: &str) -> Vec<String> {
    let mut v: Vec<String> = [
        "..",
        "%2E%2E",
        "%2e%2e",
        "%252e%252e",
        "..%2F..%2Falice",
        "..%2Falice",
        "%2E%2E%2Falice",
        "%2e%2e%2f%2e%2e%2fexample.test%2falice",
        "..%5C..%5Calice",
        "INBOX%2F..%2F..%2Falice",
        "INBOX%2F..%2F..%2Falice%2F.Secret",
        "...alice",
        "..alice",
        ".Secret",
        "Secret",
        "INBOX.Secret",
        "INBOX%2FSecret",
        "%2Fetc",
        "%2Fetc%2Fpasswd",
        "alice%40example.test",
        "alice%40example.test%2FINBOX",
        "~alice",
        "example.test%2Falice",
        "INBOX%00..",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // Alice's Maildir and her folder by absolute path.
    let enc = |s: &str| s.replace('/', "%2F");
    v.push(enc(alice_root));
    v.push(enc(&format!("{alice_root}/.Secret")));
    v
}

#[test]
fn every_folder_and_uid_route_keeps_bob_inside_his_own_maildir() {
    let srv = start(false, &[]);
    srv.deliver(ALICE, &[PLAIN]);
    let md = crate::common::maildir::of(srv.path(), "alice", "example.test");
    // Alice has a folder of her own with a secret in it (Maildir++: `.Secret`).
    let secret = md.join(".Secret");
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(secret.join(sub)).unwrap();
    }
    std::fs::write(secret.join("maildirfolder"), "").unwrap();
    std::fs::write(
        secret.join("cur/1700000000.s1.host:2,"),
        "From: x@example.org\r\nSubject: alice secret folder\r\n\r\nsecret body\r\n",
    )
    .unwrap();
    let names = |dir: &std::path::Path| -> Vec<String> {
        let mut v: Vec<String> = crate::common::maildir::files(dir)
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        v.sort();
        v
    };
    let (inbox_before, secret_before) = (names(&md), names(&secret));

    let mut alice = Client::new(&srv.base);
    assert_eq!(alice.login(ALICE, PASSWORD).status, 303);
    assert!(
        alice
            .get("/mail/Secret")
            .text()
            .contains("alice secret folder")
    );
    let mut bob = Client::new(&srv.base);
    assert_eq!(bob.login(BOB, PASSWORD).status, 303);
    let token = bob.get("/mail/INBOX").input("csrf");
    let leaked = |a: &Answer| {
        let t = a.text();
        t.contains("hello alice")
            || t.contains("alice secret")
            || t.contains("secret body")
            || t.contains("The body text")
            || t.contains("root:")
    };
    let root = md.display().to_string();
    for f in hostile_folders(&root) {
        for path in [
            format!("/mail/{f}"),
            format!("/mail/{f}?page=1"),
            format!("/mail/{f}/1"),
            format!("/mail/{f}/1?images=1"),
            format!("/mail/{f}/1/attachment/0"),
        ] {
            let a = bob.get(&path);
            assert!(
                matches!(a.status, 400 | 403 | 404),
                "GET {path}: {} {}",
                a.status,
                a.text()
            );
            assert!(!leaked(&a), "GET {path} shows alice's mail");
        }
        for action in ["read", "unread", "delete"] {
            let path = format!("/mail/{f}/1/flags");
            let a = bob.post(&path, &[("action", action), ("csrf", &token)]);
            assert!(
                matches!(a.status, 400 | 403 | 404),
                "POST {path} {action}: {} {}",
                a.status,
                a.text()
            );
            assert!(!leaked(&a), "POST {path} shows alice's mail");
        }
    }
    // Alice's UIDs in bob's own folders, and UIDs that are not numbers.
    for path in [
        "/mail/INBOX/1",
        "/mail/INBOX/1/attachment/0",
        "/mail/INBOX/..%2F1",
        "/mail/INBOX/-1",
        "/mail/INBOX/4294967296",
        "/mail/INBOX/1%2F..%2F..",
    ] {
        let a = bob.get(path);
        assert!(matches!(a.status, 400 | 404), "GET {path}: {}", a.status);
        assert!(!leaked(&a), "GET {path}");
    }
    // Nothing of alice's changed: same files under the same names (flags live in them).
    assert_eq!(names(&md), inbox_before);
    assert_eq!(names(&secret), secret_before);
    // And bob's own mail still works: the server is fine.
    assert_eq!(bob.get("/mail/INBOX").status, 200);
}
