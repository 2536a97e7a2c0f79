//! Real IMAP clients against the server: mbsync (isync) two-way sync, offlineimap3 and curl.
//! Each runs with a temporary HOME and a bounded run time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::common::cli::text;
use crate::harness::*;

/// Drops `n` messages straight into alice's new/ (another program delivering), subjects
/// `TAG-0`…; faster than SMTP for hundreds of messages and exercises the pick-up of new/.
fn drop_messages(dir: &Path, n: usize, tag: &str) {
    let new = alice_maildir(dir).join("new");
    std::fs::create_dir_all(&new).unwrap();
    for i in 0..n {
        let msg = format!(
            "From: x@example.org\r\nTo: alice@example.test\r\nSubject: {tag}-{i}\r\n\
             Message-ID: <{tag}-{i}@example.org>\r\n\r\nbody of {tag}-{i}\r\n"
        );
        std::fs::write(
            new.join(format!("{}.M{i}P1.dropped", 1_700_000_000 + i)),
            msg,
        )
        .unwrap();
    }
}

/// {subject: Maildir info flags} of every message file under `md` (cur/ and new/).
fn subjects(md: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for sub in ["cur", "new"] {
        let Ok(rd) = std::fs::read_dir(md.join(sub)) else {
            continue;
        };
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let text = String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).into_owned();
            let subject = text
                .lines()
                .find_map(|l| l.strip_prefix("Subject: "))
                .unwrap_or("?")
                .trim_end()
                .to_string();
            let flags = name
                .split_once(":2,")
                .map(|x| x.1)
                .unwrap_or("")
                .to_string();
            let prev = out.insert(subject.clone(), flags);
            assert!(
                prev.is_none(),
                "duplicate message {subject} in {}",
                md.display()
            );
        }
    }
    out
}

/// Renames a Maildir file to carry `flags` (mbsync reads flags from names like mutt does).
fn set_local_flags(md: &Path, subject: &str, flags: &str) {
    for sub in ["cur", "new"] {
        for e in std::fs::read_dir(md.join(sub)).unwrap().flatten() {
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            if text
                .lines()
                .any(|l| l.trim_end() == format!("Subject: {subject}"))
            {
                let name = e.file_name().to_string_lossy().into_owned();
                let base = name.split_once(":2,").map(|x| x.0).unwrap_or(&name);
                std::fs::rename(e.path(), md.join("cur").join(format!("{base}:2,{flags}")))
                    .unwrap();
                return;
            }
        }
    }
    panic!("no local message {subject}");
}

fn remove_local(md: &Path, subject: &str) {
    for sub in ["cur", "new"] {
        for e in std::fs::read_dir(md.join(sub)).unwrap().flatten() {
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            if text
                .lines()
                .any(|l| l.trim_end() == format!("Subject: {subject}"))
            {
                std::fs::remove_file(e.path()).unwrap();
                return;
            }
        }
    }
    panic!("no local message {subject}");
}

fn mbsync(server: &Server, home: &Path) -> String {
    let mut cmd = Command::new("mbsync");
    cmd.env("HOME", home)
        .arg("-c")
        .arg(home.join("mbsyncrc"))
        .args(["-V", "-a"]);
    let out = run(cmd, None, Duration::from_secs(180));
    let text = text(&out);
    assert!(
        out.status.success(),
        "mbsync failed ({:?}):\n{text}\n--- server log ---\n{}",
        out.status,
        server.log()
    );
    text
}

/// mbsync two-way: pull 300 messages, change flags and delete locally, push, change on the
/// server, sync again; both sides end with the same messages and flags, none duplicated.
/// mbsync (isync >= 1.4) sends COMPRESS DEFLATE whenever it is offered, so all of this runs
/// deflated over TLS.
#[test]
fn mbsync_two_way_sync_of_300_messages() {
    require("mbsync");
    let dir = data_dir(false);
    drop_messages(dir.path(), 300, "mb");
    let mut server = Server::start(dir.path());
    let home = dir.path().join("mbsync-home");
    let local = home.join("mail");
    std::fs::create_dir_all(&local).unwrap();
    std::fs::write(
        home.join("mbsyncrc"),
        format!(
            "IMAPAccount test\nHost 127.0.0.1\nPort {}\nUser alice@example.test\nPass \"{PASSWORD}\"\n\
             SSLType IMAPS\nCertificateFile {}\nAuthMechs PLAIN\nTimeout 60\n\n\
             IMAPStore remote\nAccount test\n\n\
             MaildirStore local\nPath {}/\nInbox {}/INBOX\nSubFolders Verbatim\n\n\
             Channel sync\nFar :remote:\nNear :local:\nPatterns INBOX\nCreate Near\n\
             Expunge Both\nSync All\nSyncState *\n",
            server.port("imaps"),
            dir.path().join("tls/cert.pem").display(),
            local.display(),
            local.display(),
        ),
    )
    .unwrap();
    let inbox: PathBuf = local.join("INBOX");

    mbsync(&server, &home);
    let pulled = subjects(&inbox);
    assert_eq!(pulled.len(), 300, "every message pulled once");

    // Local changes: flag 10, read 20, delete 5 (file removed), trash-and-expunge 5.
    for i in 0..10 {
        set_local_flags(&inbox, &format!("mb-{i}"), "F");
    }
    for i in 10..30 {
        set_local_flags(&inbox, &format!("mb-{i}"), "S");
    }
    for i in 30..35 {
        remove_local(&inbox, &format!("mb-{i}"));
    }
    for i in 35..40 {
        set_local_flags(&inbox, &format!("mb-{i}"), "T");
    }
    mbsync(&server, &home);
    let remote = subjects(&alice_maildir(dir.path()));
    assert_eq!(remote.len(), 290, "5 deleted and 5 expunged on the server");
    for i in 0..40 {
        let s = format!("mb-{i}");
        match i {
            0..10 => assert!(remote[&s].contains('F'), "{s}: {:?}", remote[&s]),
            10..30 => assert!(remote[&s].contains('S'), "{s}: {:?}", remote[&s]),
            _ => assert!(!remote.contains_key(&s), "{s} still on the server"),
        }
    }
    // The server's view through IMAP agrees with its files.
    server.py("count.py", &["290", "10", "20"], 60);

    // Server-side changes: 3 flagged, 2 expunged, 2 new; then sync and compare both sides.
    server.py("mbsync_server_side.py", &[], 60);
    let out = mbsync(&server, &home);
    let near = subjects(&inbox);
    let far = subjects(&alice_maildir(dir.path()));
    assert_eq!(near.len(), 290, "{out}");
    let letters = |m: &BTreeMap<String, String>| -> BTreeMap<String, String> {
        m.iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.chars().filter(|c| "DFRST".contains(*c)).collect(),
                )
            })
            .collect()
    };
    assert_eq!(
        letters(&near),
        letters(&far),
        "both sides agree on messages and flags"
    );
    for s in ["mb-100", "mb-101", "mb-102"] {
        assert!(
            near[s].contains('F'),
            "{s} flagged on the server reached mbsync"
        );
    }
    assert!(!near.contains_key("mb-200") && !near.contains_key("mb-201"));
    assert!(near.contains_key("late-0") && near.contains_key("late-1"));
    // A sync with nothing to do changes nothing.
    mbsync(&server, &home);
    assert_eq!(subjects(&inbox), near);
    server.assert_alive();
}

/// offlineimap3 over implicit TLS, verifying the certificate with `sslcacertfile`, with
/// COMPRESS=DEFLATE on (`usecompression`): one sync pulls every message of INBOX.
#[test]
fn offlineimap_pulls_every_message() {
    require("offlineimap");
    let dir = data_dir(false);
    drop_messages(dir.path(), 40, "oi");
    let mut server = Server::start(dir.path());
    deliver(&server, 2, "smtp");
    let home = dir.path().join("oi-home");
    std::fs::create_dir_all(home.join("mail")).unwrap();
    std::fs::write(
        home.join("offlineimaprc"),
        format!(
            "[general]\naccounts = test\nmetadata = {home}/meta\nmaxsyncaccounts = 1\n\n\
             [Account test]\nlocalrepository = local\nremoterepository = remote\n\n\
             [Repository local]\ntype = Maildir\nlocalfolders = {home}/mail\n\n\
             [Repository remote]\ntype = IMAP\nremotehost = localhost\nremoteport = {port}\n\
             remoteuser = alice@example.test\nremotepass = {PASSWORD}\nssl = yes\n\
             sslcacertfile = {cert}\nmaxconnections = 1\nholdconnectionopen = no\n\
             usecompression = yes\n\
             folderfilter = lambda f: f in ['INBOX', 'Sent']\n",
            home = home.display(),
            port = server.port("imaps"),
            cert = dir.path().join("tls/cert.pem").display(),
        ),
    )
    .unwrap();
    let mut cmd = Command::new("offlineimap");
    cmd.env("HOME", &home)
        .arg("-c")
        .arg(home.join("offlineimaprc"))
        .args(["-o", "-u", "basic", "-d", "imap"]);
    let out = run(cmd, None, Duration::from_secs(180));
    let text = text(&out);
    assert!(
        out.status.success() && !text.contains("ERROR"),
        "offlineimap ({:?}):\n{text}\n--- server log ---\n{}",
        out.status,
        server.log()
    );
    assert!(
        text.contains("OK DEFLATE active"),
        "compression was not negotiated:\n{text}"
    );
    let got = subjects(&home.join("mail/INBOX"));
    assert_eq!(got.len(), 42, "{text}");
    assert!(got.contains_key("oi-39") && got.contains_key("smtp-1"));
    assert!(home.join("mail/Sent").is_dir(), "{text}");
    server.assert_alive();
}

fn curl(server: &Server, args: &[&str]) -> Vec<u8> {
    require("curl");
    let mut cmd = Command::new("curl");
    cmd.args(["-sS", "--max-time", "30", "--insecure", "--user"])
        .arg(format!("alice@example.test:{PASSWORD}"))
        .args(args);
    let out = run(cmd, None, Duration::from_secs(60));
    assert!(
        out.status.success(),
        "curl {args:?}: {}\n--- server log ---\n{}",
        String::from_utf8_lossy(&out.stderr),
        server.log()
    );
    out.stdout
}

/// curl lists mailboxes and fetches a message over imaps:// and imap:// (STARTTLS required),
/// and searches; the fetched bytes are the delivered file's.
#[test]
fn curl_lists_and_fetches() {
    let dir = data_dir(false);
    let mut server = Server::start(dir.path());
    deliver(&server, 1, "cu");
    let imaps = format!("imaps://127.0.0.1:{}", server.port("imaps"));
    let imap = format!("imap://127.0.0.1:{}", server.port("imap"));
    let list = String::from_utf8(curl(&server, &[&format!("{imaps}/")])).unwrap();
    for name in ["INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive"] {
        assert!(
            list.lines()
                .any(|l| l.starts_with("* LIST") && l.trim_end().ends_with(name)),
            "{name} in {list}"
        );
    }
    let file = files(dir.path(), "", 1).remove(0);
    let disk = std::fs::read(&file).unwrap();
    let body = curl(&server, &[&format!("{imaps}/INBOX;UID=1")]);
    assert_eq!(
        String::from_utf8_lossy(&body),
        String::from_utf8_lossy(&disk)
            .replace("\r\n", "\n")
            .replace('\n', "\r\n"),
        "curl's copy is the delivered message"
    );
    let body2 = curl(&server, &["--ssl-reqd", &format!("{imap}/INBOX;UID=1")]);
    assert_eq!(body, body2, "the same over STARTTLS");
    let search =
        String::from_utf8(curl(&server, &[&format!("{imaps}/INBOX?SUBJECT%20cu-0")])).unwrap();
    assert!(search.starts_with("* SEARCH 1"), "{search}");
    let list = String::from_utf8(curl(
        &server,
        &[
            "--ssl-reqd",
            "-X",
            "STATUS INBOX (MESSAGES)",
            &format!("{imap}/"),
        ],
    ))
    .unwrap();
    assert!(list.contains("MESSAGES 1"), "{list}");
    server.assert_alive();
}
