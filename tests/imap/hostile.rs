//! Hostile input against a live server: the script attacks, the server must stay up.

use crate::harness::*;

/// Overlong lines, huge literals, `1:*` ×5000, escaping and malformed mailbox names, another
/// user's mailbox, deep nesting; the process is checked alive after each.
#[test]
fn hostile_input_is_refused_and_the_server_survives() {
    let dir = data_dir(true);
    let mut server = Server::start(dir.path());
    server.py("hostile.py", &[], 300);
    server.assert_alive();
    let parent = alice_maildir(dir.path()).parent().unwrap().to_path_buf();
    let mut entries: Vec<String> = std::fs::read_dir(&parent)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    entries.sort();
    assert_eq!(
        entries,
        ["alice", "bob"],
        "nothing created beside the Maildirs"
    );
}

/// `imap.timeout.login`: silent, dribbling and TLS-stalling peers are cut off at the
/// pre-login deadline, a line without end is refused and closed, a logged-in session stays.
#[test]
fn peers_that_never_log_in_are_cut_off_at_the_login_deadline() {
    let dir = data_dir(true);
    mailctl_ok(dir.path(), &["config", "set", "imap.timeout.login", "2s"]);
    let mut server = Server::start(dir.path());
    server.py("prelogin.py", &[], 120);
    server.assert_alive();
}

/// Each failed login on a connection waits longer for its answer; the third closes it.
#[test]
fn failed_logins_are_answered_after_a_growing_pause() {
    let dir = data_dir(true);
    let mut server = Server::start(dir.path());
    server.py("login_delay.py", &[], 120);
    server.assert_alive();
}

/// `imap.max_mailboxes`, `imap.max_subscriptions`, `imap.max_keywords` and the keyword
/// length: NO [LIMIT] past each, over a real connection.
#[test]
fn per_user_caps_answer_no_limit() {
    let dir = data_dir(true);
    for (k, v) in [
        ("imap.max_mailboxes", "30"),
        ("imap.max_subscriptions", "30"),
        ("imap.max_keywords", "8"),
    ] {
        mailctl_ok(dir.path(), &["config", "set", k, v]);
    }
    let mut server = Server::start(dir.path());
    server.py("limits.py", &[], 120);
    server.assert_alive();
}
