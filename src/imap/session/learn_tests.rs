//! COPY and MOVE into or out of Junk, over a real Maildir: the jobs the session hands the
//! driver for rspamd (#18.4), and none for APPEND, Junk to Trash, or without a learner.

use super::tests::exchange;
use super::*;
use crate::inbound::scan::learn::{Class, Job};

fn session(learning: bool) -> (Session, tempfile::TempDir) {
    let cfg = Config {
        hostname: "mx.test".into(),
        tls_active: false,
        tls_available: false,
        plaintext_ok: true,
        append_limit: 1 << 20,
        limits: crate::imap::mailstore::Limits::default(),
    };
    let mut s = Session::new(cfg);
    s.set_learning(learning);
    let dir = tempfile::tempdir().unwrap();
    for i in 0..3 {
        let m = format!("Subject: m{i}\r\n\r\nbody {i}\r\n");
        crate::maildir::deliver::deliver(dir.path(), b"", &mut m.as_bytes()).unwrap();
    }
    (s, dir)
}

fn send(s: &mut Session, dir: &tempfile::TempDir, input: &str) -> String {
    let out = exchange(s, input.as_bytes(), dir.path(), 0);
    String::from_utf8_lossy(&out).into_owned()
}

/// (class, folder directory name) of each job.
fn jobs(s: &mut Session) -> Vec<(Class, String)> {
    s.take_learn()
        .into_iter()
        .map(|j: Job| {
            assert_eq!(j.user, "alice");
            let file = crate::maildir::folder::entries(&j.folder)
                .into_iter()
                .find(|e| e.name.unique == j.unique);
            assert!(file.is_some(), "{j:?}: no such file");
            let name = j.folder.file_name().unwrap().to_string_lossy().into_owned();
            (j.class, name)
        })
        .collect()
}

#[test]
fn junk_moves_and_copies_become_jobs() {
    let (mut s, dir) = session(true);
    let r = send(&mut s, &dir, "a LOGIN alice secret\r\nb SELECT INBOX\r\n");
    assert!(r.contains("b OK"), "{r}");
    let inbox = dir
        .path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();

    let r = send(&mut s, &dir, "c MOVE 1 Junk\r\n");
    assert!(r.contains("c OK"), "{r}");
    assert_eq!(jobs(&mut s), vec![(Class::Spam, ".Junk".to_string())]);
    let r = send(&mut s, &dir, "d COPY 1:2 Junk\r\n");
    assert!(r.contains("d OK"), "{r}");
    assert_eq!(jobs(&mut s), vec![(Class::Spam, ".Junk".into()); 2]);
    // INBOX to Trash, Sent: nothing to learn.
    let r = send(&mut s, &dir, "e COPY 1 Trash\r\nf COPY 1 Sent\r\n");
    assert!(r.contains("f OK"), "{r}");
    assert_eq!(jobs(&mut s), vec![]);
    // APPEND into Junk never learns.
    let r = send(&mut s, &dir, "g APPEND Junk {11+}\r\nSubject: x\r\n\r\n");
    assert!(r.contains("g OK"), "{r}");
    assert_eq!(jobs(&mut s), vec![]);

    // Out of Junk: to INBOX is ham, to Trash and Junk nothing.
    let r = send(
        &mut s,
        &dir,
        "h SELECT Junk\r\ni MOVE 1 Trash\r\nj COPY 1 Junk\r\n",
    );
    assert!(r.contains("i OK") && r.contains("j OK"), "{r}");
    assert_eq!(jobs(&mut s), vec![]);
    let r = send(&mut s, &dir, "k UID MOVE 1:* INBOX\r\n");
    assert!(r.contains("k OK"), "{r}");
    let got = jobs(&mut s);
    assert_eq!(got.len(), 4, "{got:?}");
    assert!(
        got.iter().all(|j| *j == (Class::Ham, inbox.clone())),
        "{got:?}"
    );
}

#[test]
fn without_a_learner_nothing_is_queued() {
    let (mut s, dir) = session(false);
    let r = send(
        &mut s,
        &dir,
        "a LOGIN alice secret\r\nb SELECT INBOX\r\nc MOVE 1 Junk\r\n",
    );
    assert!(r.contains("c OK"), "{r}");
    assert_eq!(s.take_learn(), vec![]);
}
