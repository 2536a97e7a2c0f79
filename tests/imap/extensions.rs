//! IMAP extensions of #19.2 against the real server: folder names containing `.` (created,
//! kept across a restart, synced by mbsync); OBJECTID, SAVEDATE, PREVIEW and METADATA kept
//! in the Maildir index across a restart.

use std::process::Command;
use std::time::Duration;

use crate::common::cli::text;
use crate::harness::*;

/// "v1.2" made over IMAP is listed, selected and fetched by the same name after a restart,
/// and mbsync pulls it into a local Maildir folder of that name.
#[test]
fn dotted_folder_names_survive_a_restart_and_sync_with_mbsync() {
    require("mbsync");
    let dir = data_dir(true);
    let server = Server::start(dir.path());
    server.py("dotted.py", &["make"], 60);
    drop(server);
    let server = Server::start(dir.path());
    server.py("dotted.py", &["check"], 60);

    {
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
                 Channel sync\nFar :remote:\nNear :local:\nPatterns v1*\nCreate Near\n\
                 Sync Pull\nSyncState *\n",
                server.port("imaps"),
                dir.path().join("tls/cert.pem").display(),
                local.display(),
                local.display(),
            ),
        )
        .unwrap();
        let mut cmd = Command::new("mbsync");
        cmd.env("HOME", &home)
            .arg("-c")
            .arg(home.join("mbsyncrc"))
            .args(["-V", "-a"]);
        let out = run(cmd, None, Duration::from_secs(120));
        assert!(
            out.status.success(),
            "mbsync: {}\n{}",
            text(&out),
            server.log()
        );
        for folder in ["v1.2", "v1.2/rc.1"] {
            let n: usize = ["cur", "new"]
                .iter()
                .map(|sub| std::fs::read_dir(local.join(folder).join(sub)).map_or(0, |d| d.count()))
                .sum();
            assert_eq!(n, 1, "{folder}: {}", text(&out));
        }
    }
}

/// MAILBOXID survives RENAME, EMAILID is shared by a COPY, METADATA entries persist, follow
/// RENAME and go with DELETE; all across a server restart.
#[test]
fn object_ids_savedate_preview_and_metadata_survive_a_restart() {
    let dir = data_dir(true);
    let server = Server::start(dir.path());
    let ids = server.py("objects.py", &["make"], 60);
    drop(server);
    let server = Server::start(dir.path());
    server.py("objects.py", &["check", ids.trim()], 60);
}
