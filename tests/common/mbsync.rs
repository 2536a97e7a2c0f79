//! mbsync (isync) as a real offline client: it pulls every folder of an account into a
//! local Maildir and keeps its sync state there (UIDVALIDITY and the UIDs it has), so
//! pointing the same state at another server afterwards (a restored backup, an imported
//! account) tells whether that server's UIDVALIDITY and UIDs are the ones it cached: a
//! changed UIDVALIDITY makes mbsync fail, a changed UID makes it fetch again.

use std::path::Path;
use std::time::Duration;

/// Pulls every folder of `user` from `port` (plaintext, loopback) into `home/local`, state
/// kept there; asserts mbsync exits 0 and returns its verbose log.
pub fn pull(home: &Path, port: u16, user: &str, password: &str) -> String {
    super::tools::require("mbsync");
    let local = home.join("local");
    std::fs::create_dir_all(&local).unwrap();
    std::fs::write(
        home.join("mbsyncrc"),
        format!(
            "IMAPAccount src\nHost 127.0.0.1\nPort {port}\nUser {user}\nPass \"{password}\"\n\
             SSLType None\nAuthMechs LOGIN\nTimeout 60\n\n\
             IMAPStore remote\nAccount src\n\n\
             MaildirStore local\nPath {l}/\nInbox {l}/INBOX\nSubFolders Verbatim\n\n\
             Channel c\nFar :remote:\nNear :local:\nPatterns *\nCreate Near\n\
             Sync Pull\nSyncState *\n",
            l = local.display()
        ),
    )
    .unwrap();
    let mut cmd = std::process::Command::new("mbsync");
    cmd.env("HOME", home)
        .arg("-c")
        .arg(home.join("mbsyncrc"))
        .args(["-V", "-a"]);
    let out = super::cli::run(cmd, None, Duration::from_secs(120));
    let text = super::cli::text(&out);
    assert!(out.status.success(), "mbsync: {text}");
    text
}

/// The message files mbsync keeps under `home/local`, sorted.
pub fn local_messages(home: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![home.join("local")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else if d.ends_with("cur") || d.ends_with("new") {
                out.push(path.display().to_string());
            }
        }
    }
    out.sort();
    out
}
