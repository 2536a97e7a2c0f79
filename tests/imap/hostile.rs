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
