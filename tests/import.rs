//! Migration in from a real Dovecot (issue 22.3): Debian's dovecot-imapd is started with a
//! passwd-file user whose Maildirs are made through it over IMAP (folders, a hierarchy,
//! flags, a keyword, internal dates, expunges that leave UID gaps); then `import dovecot`
//! reads those Maildirs, and what an IMAP client caches (UIDVALIDITY, UIDNEXT, UID, flags,
//! keywords, dates, subscriptions) must be the same on both servers, with the Dovecot
//! password working on mailctl; `import imap` is checked the same way over IMAPS. An mbsync
//! state made against Dovecot syncs against mailctl afterwards without fetching anything
//! again (a changed UIDVALIDITY would make it refuse).

mod common;

use std::path::Path;

use common::cli::{mailctl, mailctl_ok};
use common::dovecot::Dovecot;
use common::mbsync::local_messages;
use common::serve::Serve;
use common::tools::{python, python_text};

const USER: &str = "u@ex.test";
const PASSWORD: &str = "dovecot-pass-1";

fn sha512_crypt(pw: &str) -> String {
    let out = std::process::Command::new("openssl")
        .args(["passwd", "-6", "-salt", "importtestsalt", pw])
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// A Dovecot with USER (a SHA512-CRYPT hash) and the account filled over IMAP.
fn filled_dovecot() -> Dovecot {
    let dc = Dovecot::start(&format!(
        "{USER}:{{SHA512-CRYPT}}{}::::::\n",
        sha512_crypt(PASSWORD)
    ));
    let port = dc.port.to_string();
    python(include_str!("import/fill.py"), &[&port, USER, PASSWORD]);
    dc
}

fn dump(port: u16, log: impl Fn() -> String) -> serde_json::Value {
    let (ok, out) = python_text(
        include_str!("import/dump.py"),
        &[&port.to_string(), USER, PASSWORD],
    );
    assert!(ok, "{out}\nserver log:\n{}", log());
    serde_json::from_str(out.lines().next().unwrap_or_default()).unwrap()
}

/// A fresh mailctl data dir serving ex.test, plaintext logins allowed from loopback.
fn mailctl_dir() -> tempfile::TempDir {
    let dir = common::data_dir();
    let p = dir.path();
    mailctl_ok(p, &["domain", "add", "ex.test", "--create"]);
    // The daemon runs as the test's user (root, for Dovecot), not a service account.
    mailctl_ok(p, &["config", "set", "server.user", ""]);
    mailctl_ok(p, &["config", "set", "auth.plaintext", "loopback"]);
    mailctl_ok(p, &["config", "set", "dns.nameserver", "127.0.0.1:9"]);
    dir
}

/// Every folder of Dovecot's view is on mailctl with the same cached state (mailctl may
/// have more: its default folders), and every Dovecot subscription is there.
fn assert_same_view(dovecot: &serde_json::Value, ours: &serde_json::Value) {
    let folders = dovecot["folders"].as_object().unwrap();
    assert!(folders.len() >= 3, "{dovecot}");
    for (name, want) in folders {
        assert_eq!(
            &ours["folders"][name], want,
            "folder {name}\ndovecot: {dovecot}\nmailctl: {ours}"
        );
    }
    for s in dovecot["subscribed"].as_array().unwrap() {
        assert!(
            ours["subscribed"].as_array().unwrap().contains(s),
            "{s} not subscribed: {ours}"
        );
    }
}

/// mbsync's pull of USER from `port`, its state kept in `home` (see `common::mbsync`).
fn mbsync(home: &Path, port: u16) -> String {
    common::mbsync::pull(home, port, USER, PASSWORD)
}

fn serve_imap(dir: &Path) -> Serve {
    Serve::start(dir, &["imap", "--allow-root"], &["imap"])
}

#[test]
fn import_dovecot_keeps_what_clients_cache_and_the_password() {
    let dc = filled_dovecot();
    let want = dump(dc.port, || dc.log());
    // The expunges left gaps: UIDs 2 and 5 are gone in every folder.
    let inbox = &want["folders"]["INBOX"]["messages"];
    let uids: Vec<u64> = inbox
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m[0].as_u64().unwrap())
        .collect();
    assert_eq!(uids, [1, 3, 4, 6], "{want}");
    assert_eq!(want["folders"]["INBOX"]["uidnext"], 7, "{want}");
    assert!(want.to_string().contains("$Label1"), "{want}");
    assert!(want["folders"]["Archive/2024"].is_object(), "{want}");

    // A client that cached the account from Dovecot before the switch.
    let home = tempfile::tempdir().unwrap();
    mbsync(home.path(), dc.port);
    let cached = local_messages(home.path());
    assert_eq!(cached.len(), 12, "{cached:?}");

    let dir = mailctl_dir();
    let p = dir.path();
    let root = dc.mail_root();
    let passwd = dc.passwd_file();
    let args = [
        "--json",
        "import",
        "dovecot",
        root.to_str().unwrap(),
        "--domain",
        "ex.test",
        "--layout",
        "%d/%n/Maildir",
        "--passwd-file",
        passwd.to_str().unwrap(),
    ];
    let first: serde_json::Value = serde_json::from_str(&mailctl_ok(p, &args)).unwrap();
    let acc = &first["accounts"][0];
    assert_eq!(acc["user"], "created", "{first}");
    let copied: u64 = acc["folders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["copied"].as_u64().unwrap())
        .sum();
    assert_eq!(copied, 12, "{first}");

    let srv = serve_imap(p);
    let ours = dump(srv.port("imap"), || srv.log());
    assert_same_view(&want, &ours);
    // The same mbsync state against mailctl: no UIDVALIDITY complaint, nothing fetched again.
    let log = mbsync(home.path(), srv.port("imap"));
    assert_eq!(local_messages(home.path()), cached, "{log}");
    drop(srv);

    // A second run finds everything there.
    let again: serde_json::Value = serde_json::from_str(&mailctl_ok(p, &args)).unwrap();
    let acc = &again["accounts"][0];
    assert_eq!(acc["user"], "exists", "{again}");
    for f in acc["folders"].as_array().unwrap() {
        assert_eq!(f["copied"], 0, "{again}");
    }
}

#[test]
fn import_dovecot_refuses_hashes_it_cannot_verify_unless_told_to_reset() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("mail");
    std::fs::create_dir_all(root.join("ex.test/old/Maildir/cur")).unwrap();
    let passwd = tmp.path().join("passwd");
    std::fs::write(&passwd, "old@ex.test:{MD5-CRYPT}$1$salt$hash::::::\n").unwrap();
    let dir = mailctl_dir();
    let p = dir.path();
    let mut args = vec![
        "import",
        "dovecot",
        root.to_str().unwrap(),
        "--domain",
        "ex.test",
        "--layout",
        "%d/%n/Maildir",
        "--passwd-file",
        passwd.to_str().unwrap(),
    ];
    let out = mailctl(p, &args);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("MD5-CRYPT") && err.contains("--reset-passwords"),
        "{err}"
    );
    assert!(!mailctl_ok(p, &["user", "list"]).contains("old@ex.test"));
    args.extend(["--reset-passwords", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&mailctl_ok(p, &args)).unwrap();
    assert_eq!(v["accounts"][0]["user"], "created-reset", "{v}");
    assert_eq!(v["accounts"][0]["new_password"].as_str().unwrap().len(), 20);
}

/// Total of `field` over every folder of the first account of an import's JSON.
fn total(v: &serde_json::Value, field: &str) -> u64 {
    v["accounts"][0]["folders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f[field].as_u64().unwrap())
        .sum()
}

#[test]
fn import_imap_keeps_what_clients_cache_and_resumes() {
    let dc = filled_dovecot();
    let home = tempfile::tempdir().unwrap();
    mbsync(home.path(), dc.port);
    let cached = local_messages(home.path());
    let dir = mailctl_dir();
    let p = dir.path();
    common::users::add_user(p, USER, PASSWORD, &[]);
    let url = format!("imaps://{USER}@127.0.0.1:{}", dc.imaps_port);
    let args = [
        "--json",
        "import",
        "imap",
        &url,
        "--password-stdin",
        "--insecure-tls",
    ];
    let run = || -> serde_json::Value {
        let out = common::cli::mailctl_stdin(p, &args, format!("{PASSWORD}\n"));
        assert!(out.status.success(), "{}", common::cli::text(&out));
        serde_json::from_str(&String::from_utf8_lossy(&out.stdout)).unwrap()
    };
    let first = run();
    assert_eq!(total(&first, "copied"), 12, "{first}");
    for f in first["accounts"][0]["folders"].as_array().unwrap() {
        assert_eq!(f["kept_uids"], true, "{first}");
    }
    let srv = serve_imap(p);
    assert_same_view(
        &dump(dc.port, || dc.log()),
        &dump(srv.port("imap"), || srv.log()),
    );
    let log = mbsync(home.path(), srv.port("imap"));
    assert_eq!(local_messages(home.path()), cached, "{log}");
    drop(srv);

    // A message arrives at the source after the copy: the rerun fetches only that one.
    python(
        "import imaplib, sys\n\
         m = imaplib.IMAP4('127.0.0.1', int(sys.argv[1])); m.login(sys.argv[2], sys.argv[3])\n\
         m.append('INBOX', '(\\\\Flagged)', imaplib.Time2Internaldate(1650000000), b'Subject: late\\r\\n\\r\\nlate\\r\\n')\n\
         m.logout()",
        &[&dc.port.to_string(), USER, PASSWORD],
    );
    let second = run();
    assert_eq!(total(&second, "copied"), 1, "{second}");
    assert_eq!(total(&second, "present"), 0, "{second}");
    let srv = serve_imap(p);
    assert_same_view(
        &dump(dc.port, || dc.log()),
        &dump(srv.port("imap"), || srv.log()),
    );
}

#[test]
fn import_imap_refuses_an_untrusted_certificate_without_insecure_tls() {
    let dc = Dovecot::start(&format!("{USER}:{{PLAIN}}{PASSWORD}::::::\n"));
    let dir = mailctl_dir();
    let p = dir.path();
    common::users::add_user(p, USER, PASSWORD, &[]);
    let url = format!("imaps://{USER}@127.0.0.1:{}", dc.imaps_port);
    let out = common::cli::mailctl_stdin(
        p,
        &["import", "imap", &url, "--password-stdin"],
        format!("{PASSWORD}\n"),
    );
    assert_eq!(out.status.code(), Some(1), "{}", common::cli::text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("TLS") || err.contains("certificate"), "{err}");
    assert!(!err.contains(PASSWORD), "{err}");
}

#[test]
fn import_imap_into_a_folder_that_already_has_mail_appends_with_new_uids_and_says_so() {
    let dc = filled_dovecot();
    let dir = mailctl_dir();
    let p = dir.path();
    common::users::add_user(p, USER, PASSWORD, &[]);
    // Mail here first, seen by an IMAP session, so INBOX has handed out UID 1.
    let mbox = dir.path().join("one.mbox");
    std::fs::write(
        &mbox,
        "From a@b.test Tue Dec  1 10:00:00 2026\nSubject: here first\n\nx\n",
    )
    .unwrap();
    mailctl_ok(p, &["maildir", "import-mbox", USER, mbox.to_str().unwrap()]);
    let srv = serve_imap(p);
    let before = dump(srv.port("imap"), || srv.log());
    drop(srv);
    assert_eq!(
        before["folders"]["INBOX"]["messages"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let url = format!("imaps://{USER}@127.0.0.1:{}", dc.imaps_port);
    let args = [
        "--json",
        "import",
        "imap",
        &url,
        "--password-stdin",
        "--insecure-tls",
    ];
    let out = common::cli::mailctl_stdin(p, &args, format!("{PASSWORD}\n"));
    assert!(out.status.success(), "{}", common::cli::text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let folders = v["accounts"][0]["folders"].as_array().unwrap();
    let inbox = folders.iter().find(|f| f["folder"] == "INBOX").unwrap();
    assert_eq!(inbox["kept_uids"], false, "{v}");
    assert_eq!(inbox["copied"], 4, "{v}");
    // The folders new here still keep theirs.
    let work = folders.iter().find(|f| f["folder"] == "Work").unwrap();
    assert_eq!(work["kept_uids"], true, "{v}");

    let srv = serve_imap(p);
    let after = dump(srv.port("imap"), || srv.log());
    let inbox = &after["folders"]["INBOX"];
    // Same UIDVALIDITY as before the import, the four new messages after the one there.
    assert_eq!(
        inbox["uidvalidity"],
        before["folders"]["INBOX"]["uidvalidity"]
    );
    let uids: Vec<u64> = inbox["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m[0].as_u64().unwrap())
        .collect();
    assert_eq!(uids, [1, 2, 3, 4, 5], "{after}");
}
