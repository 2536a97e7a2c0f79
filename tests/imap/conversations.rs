//! Scripted conversations, one scenario script per command family: the Rust side sets up
//! the data, starts the server and checks the Maildir; the script checks the replies.

use std::time::{Duration, Instant};

use crate::harness::*;

/// CAPABILITY, NOOP, LOGOUT ordering, LOGIN, AUTHENTICATE PLAIN (with and without SASL-IR),
/// [AUTHENTICATIONFAILED], wrong-state commands, imaplib on both ports.
#[test]
fn capability_login_authenticate_logout() {
    let dir = data_dir(true);
    let mut server = Server::start(dir.path());
    server.py("basics.py", &[], 120);
    server.assert_alive();
}

/// auth.plaintext never: LOGINDISABLED, [PRIVACYREQUIRED], STARTTLS with pipelined
/// plaintext discarded, login after TLS, implicit TLS.
#[test]
fn starttls_and_privacy_required() {
    let dir = data_dir(false);
    let mut server = Server::start(dir.path());
    server.py("tls.py", &[], 120);
    server.assert_alive();
}

/// Failed logins ban the address after `ban.threshold`; `mailctl ban remove`, another
/// process, lifts it for the running daemon, whose check reads its cache of bans (issue 21),
/// within a bounded wait.
#[test]
fn failed_logins_ban_the_address() {
    let dir = data_dir(true);
    mailctl_ok(dir.path(), &["config", "set", "ban.threshold", "3"]);
    let mut server = Server::start(dir.path());
    server.py("ban.py", &[], 120);
    mailctl_ok(dir.path(), &["ban", "remove", "127.0.0.1"]);
    let addr = format!("127.0.0.1:{}", server.port("imap"));
    let start = Instant::now();
    loop {
        let greeting = greeting(&addr);
        if greeting.starts_with("* OK") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "still refused 3 s after `ban remove`: {greeting:?}\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    server.assert_alive();
}

/// The first line a new connection to `addr` gets, or what went wrong reading it.
fn greeting(addr: &str) -> String {
    use std::io::BufRead;
    let read = || -> std::io::Result<String> {
        let s = std::net::TcpStream::connect(addr)?;
        s.set_read_timeout(Some(Duration::from_secs(10)))?;
        let mut line = String::new();
        std::io::BufReader::new(s).read_line(&mut line)?;
        Ok(line)
    };
    read().unwrap_or_else(|e| e.to_string())
}

/// SELECT/EXAMINE responses and codes.
#[test]
fn select_and_examine() {
    let dir = data_dir(true);
    let mut server = Server::start(dir.path());
    deliver(&server, 3, "s");
    server.py("select_examine.py", &[], 120);
    server.assert_alive();
}

/// CREATE/DELETE/RENAME, subscriptions, LIST patterns and LIST-EXTENDED, STATUS.
#[test]
fn mailbox_management_list_and_status() {
    let dir = data_dir(true);
    let mut server = Server::start(dir.path());
    deliver(&server, 3, "m");
    server.py("mailboxes.py", &[], 120);
    server.assert_alive();
    // The renamed INBOX's messages are files of .Old now; INBOX is empty.
    assert_eq!(files(dir.path(), "Old", 3).len(), 3);
    assert!(files(dir.path(), "", 0).is_empty());
}

/// APPEND with flags and date, LITERAL+, APPENDUID, [TOOBIG] over APPENDLIMIT, [TRYCREATE].
#[test]
fn append() {
    let dir = data_dir(true);
    let mut server = Server::start(dir.path());
    server.py("append.py", &[], 120);
    server.assert_alive();
    let drafts = files(dir.path(), "Drafts", 1);
    assert_eq!(drafts.len(), 1, "{drafts:?}");
    let name = drafts[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(name.ends_with(":2,DS"), "flags in the file name: {name}");
}

/// CHECK, CLOSE (silent expunge), UNSELECT (none), EXPUNGE, UID EXPUNGE.
#[test]
fn check_close_unselect_expunge() {
    let dir = data_dir(true);
    let mut server = Server::start(dir.path());
    deliver(&server, 6, "e");
    server.py("expunge.py", &[], 120);
    server.assert_alive();
    assert_eq!(files(dir.path(), "", 0).len(), 1, "five expunged, one left");
}

/// SEARCH keys and ESEARCH.
#[test]
fn search() {
    let dir = data_dir(true);
    let mut server = Server::start(dir.path());
    server.py("search.py", &[], 120);
    server.assert_alive();
}

/// SORT (with SORT=DISPLAY, ESORT, PARTIAL) and THREAD (REFERENCES, ORDEREDSUBJECT) by
/// imaplib over messages delivered through SMTP.
#[test]
fn sort_and_thread() {
    let dir = data_dir(true);
    let mut server = Server::start(dir.path());
    server.py("sort_thread.py", &[], 120);
    server.assert_alive();
}

/// CONTEXT=SORT (RFC 5267 §4): an imaplib client's copy of a `UID SORT RETURN (UPDATE)`
/// result, edited only by the ADDTO/REMOVEFROM positions it gets, stays equal to a fresh
/// sort through deliveries, flag changes and expunges; ADDTO follows EXISTS, also in IDLE.
#[test]
fn sort_context_updates() {
    let dir = data_dir(true);
    let mut server = Server::start(dir.path());
    server.py("sort_context.py", &[], 120);
    server.assert_alive();
}

/// FETCH items, BODY[] byte-equal to the delivered file (CRLF), partials, BINARY.
#[test]
fn fetch() {
    let dir = data_dir(true);
    let mut server = Server::start(dir.path());
    server.py("fetch.py", &[], 120);
    server.assert_alive();
}

/// STORE +FLAGS/-FLAGS/FLAGS/.SILENT renames the Maildir file; keywords stay out of it.
#[test]
fn store_renames_maildir_files() {
    let dir = data_dir(true);
    let mut server = Server::start(dir.path());
    deliver(&server, 3, "f");
    server.py("store.py", &[], 120);
    server.assert_alive();
}

/// COPY and MOVE with COPYUID, to existing and missing folders.
#[test]
fn copy_and_move() {
    let dir = data_dir(true);
    let mut server = Server::start(dir.path());
    deliver(&server, 4, "c");
    server.py("copymove.py", &[], 120);
    server.assert_alive();
    assert_eq!(files(dir.path(), "", 0).len(), 2, "two moved out of INBOX");
    assert_eq!(
        files(dir.path(), "Archive", 4).len(),
        4,
        "two copied, two moved"
    );
}

/// IDLE…DONE, NAMESPACE, ID, ENABLE, GETQUOTAROOT/GETQUOTA.
#[test]
fn idle_namespace_id_enable_quota() {
    let dir = data_dir(true);
    mailctl_ok(
        dir.path(),
        &["user", "set", "alice@example.test", "--quota", "10M"],
    );
    let mut server = Server::start(dir.path());
    deliver(&server, 1, "i");
    server.py("misc.py", &[], 120);
    server.assert_alive();
}

/// CONDSTORE (CHANGEDSINCE, UNCHANGEDSINCE → MODIFIED) and QRESYNC SELECT with VANISHED.
#[test]
fn condstore_and_qresync() {
    let dir = data_dir(true);
    let mut server = Server::start(dir.path());
    deliver(&server, 5, "q");
    server.py("condstore.py", &[], 120);
    server.assert_alive();
}

/// A Thunderbird-like start-up and resync, scripted with imaplib plus a raw IDLE.
#[test]
fn thunderbird_like_session() {
    let dir = data_dir(false);
    let mut server = Server::start(dir.path());
    deliver(&server, 5, "t");
    server.py("thunderbird.py", &[], 120);
    server.assert_alive();
}

/// APPENDLIMIT follows `smtp.max_message_size` as a SIGHUP (what `config set` sends) reloads
/// it: a new session announces the new limit without a restart.
#[test]
fn appendlimit_follows_a_reloaded_message_size() {
    let dir = data_dir(true);
    let mut server = Server::start(dir.path());
    let before = server.py("appendlimit.py", &[], 60);
    assert_eq!(before.trim(), (25u64 << 20).to_string());
    let out = mailctl_ok(
        dir.path(),
        &["config", "set", "smtp.max_message_size", "1M"],
    );
    assert!(out.contains("reloaded and uses it now"), "{out}");
    let after = server.py("appendlimit.py", &[], 60);
    assert_eq!(after.trim(), (1u64 << 20).to_string());
    server.assert_alive();
}

/// NOTIFY (RFC 5465): SMTP deliveries into INBOX reach a session with another folder
/// selected as `* STATUS`, between commands and in IDLE; the selected folder's as EXISTS.
#[test]
fn notify_pushes_deliveries_to_other_folders() {
    let dir = data_dir(true);
    let mut server = Server::start(dir.path());
    server.py("notify.py", &[], 120);
    server.assert_alive();
}
/// COMPRESS=DEFLATE with Python's zlib as the peer: FETCH and APPEND through the stream,
/// [COMPRESSIONACTIVE], and a decompression bomb that ends in BYE at bounded memory.
#[test]
fn compress_deflate() {
    let dir = data_dir(true);
    let mut server = Server::start(dir.path());
    deliver(&server, 50, "z");
    server.py("compress.py", &[], 180);
    server.assert_alive();
}

/// MULTIAPPEND all or nothing, CATENATE with own-mailbox URLs, UTF8=ACCEPT with imaplib.
#[test]
fn multiappend_catenate_utf8_accept() {
    let dir = data_dir(true);
    let mut server = Server::start(dir.path());
    server.py("appendext.py", &[], 120);
    server.assert_alive();
    // The refused MULTIAPPEND left nothing behind in the folder.
    let multi = alice_maildir(dir.path()).join(".Multi");
    assert_eq!(std::fs::read_dir(multi.join("tmp")).unwrap().count(), 0);
    assert_eq!(std::fs::read_dir(multi.join("cur")).unwrap().count(), 4);
}
