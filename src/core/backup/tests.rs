use std::path::Path;

use super::*;
use crate::core::{DataDir, Db};

fn server(dir: &Path) -> DataDir {
    let dd = DataDir::new(dir.join("data"));
    drop(Db::open(&dd).unwrap());
    let md = dir.join("data/mail/example.test/ann");
    for sub in ["cur", "new", "tmp", ".Sent/cur", ".Sent/new", ".Sent/tmp"] {
        std::fs::create_dir_all(md.join(sub)).unwrap();
    }
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(md.join("cur"), std::fs::Permissions::from_mode(0o700)).unwrap();
    std::fs::write(md.join("cur/1.a.host:2,S"), "Subject: one\r\n\r\nx\r\n").unwrap();
    std::fs::write(md.join("new/2.b.host"), "Subject: two\r\n\r\ny\r\n").unwrap();
    std::fs::write(md.join("tmp/3.c.host"), "half a mess").unwrap();
    std::fs::create_dir_all(dir.join("data/dkim")).unwrap();
    std::fs::write(dir.join("data/dkim/example.test.mail.key"), "KEY").unwrap();
    dd
}

fn take(dd: &DataDir, dest: &Path, prev: Option<&Path>) -> (Manifest, BackupStats) {
    let opts = BackupOptions {
        dest: dest.to_path_buf(),
        incremental_from: prev.map(Path::to_path_buf),
        tar_zst: dest.extension().is_some_and(|e| e == "zst"),
    };
    backup(dd, &opts, &Quiet).unwrap()
}

#[test]
fn backup_lists_messages_keys_and_core_but_not_tmp() {
    let dir = tempfile::tempdir().unwrap();
    let dd = server(dir.path());
    let (m, _) = take(&dd, &dir.path().join("b1"), None);
    let paths: Vec<&str> = m.files.iter().map(|e| e.path.as_str()).collect();
    assert!(paths.contains(&"data/mailctl.db"), "{paths:?}");
    assert!(paths.contains(&"data/mail/example.test/ann/cur/1.a.host:2,S"));
    assert!(paths.contains(&"data/mail/example.test/ann/new/2.b.host"));
    assert!(paths.contains(&"data/dkim/example.test.mail.key"));
    assert!(!paths.iter().any(|p| p.contains("tmp/")), "{paths:?}");
    assert!(
        m.dirs
            .iter()
            .any(|d| d.path == "mail/example.test/ann/.Sent/tmp")
    );
    let (_, problems) = verify(&dir.path().join("b1"), &Quiet).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn verify_finds_a_flipped_byte_in_a_packed_backup_too() {
    let dir = tempfile::tempdir().unwrap();
    let dd = server(dir.path());
    take(&dd, &dir.path().join("b1"), None);
    // Copies, not the hard link the message shares with the data directory.
    let key = dir.path().join("b1/data/dkim/example.test.mail.key");
    std::fs::write(&key, "KEZ").unwrap();
    let (_, problems) = verify(&dir.path().join("b1"), &Quiet).unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].path, "data/dkim/example.test.mail.key");
    let packed = dir.path().join("b2.tar.zst");
    take(&dd, &packed, None);
    let (_, problems) = verify(&packed, &Quiet).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    let mut bytes = std::fs::read(&packed).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    std::fs::write(&packed, bytes).unwrap();
    let bad = verify(&packed, &Quiet);
    assert!(bad.is_err() || !bad.unwrap().1.is_empty());
}

#[test]
fn incremental_holds_only_new_messages_and_restores_whole() {
    let dir = tempfile::tempdir().unwrap();
    let dd = server(dir.path());
    take(&dd, &dir.path().join("full"), None);
    let md = dir.path().join("data/mail/example.test/ann");
    // A flag change renames; a new message arrives.
    std::fs::rename(md.join("new/2.b.host"), md.join("cur/2.b.host:2,RS")).unwrap();
    std::fs::write(md.join("new/4.d.host"), "Subject: four\r\n\r\nz\r\n").unwrap();
    let (m, stats) = take(&dd, &dir.path().join("inc"), Some(&dir.path().join("full")));
    let own: Vec<&str> = m
        .files
        .iter()
        .filter(|e| e.kind == Kind::Message && e.base.is_none())
        .map(|e| e.path.as_str())
        .collect();
    assert_eq!(own, ["data/mail/example.test/ann/new/4.d.host"]);
    assert_eq!(stats.from_base, 2);
    assert!(
        !dir.path()
            .join("inc/data/mail/example.test/ann/cur/1.a.host:2,S")
            .exists()
    );
    let fresh = DataDir::new(dir.path().join("fresh"));
    let opts = RestoreOptions {
        src: dir.path().join("inc"),
        force: false,
    };
    restore(&fresh, &opts, &Quiet).unwrap();
    let got = dir.path().join("fresh/mail/example.test/ann");
    assert!(got.join("cur/2.b.host:2,RS").is_file());
    assert!(got.join("cur/1.a.host:2,S").is_file());
    assert!(got.join("tmp").is_dir());
    assert!(got.join(".Sent/new").is_dir());
    // Directory modes come back: a Maildir stays owner-only.
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&got.join("cur")), 0o700);
    // Not onto a non-empty directory without --force.
    let again = restore(&fresh, &opts, &Quiet).err().unwrap().to_string();
    assert!(again.contains("not empty"), "{again}");
}

#[test]
fn manifest_paths_cannot_leave_the_backup() {
    assert!(under(Path::new("/b"), "../etc/passwd").is_err());
    assert!(under(Path::new("/b"), "/etc/passwd").is_err());
    assert!(under(Path::new("/b"), "data/./x").is_ok());
    assert!(under(Path::new("/b"), "").is_err());
    assert_eq!(unique_name("1.a.host:2,S"), "1.a.host");
    assert_eq!(unique_name("1.a.host"), "1.a.host");
}

#[test]
fn a_queue_row_whose_spool_file_is_gone_is_dropped_from_the_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let dd = server(dir.path());
    let db = Db::open(&dd).unwrap();
    for id in ["q1", "q2"] {
        db.conn()
            .unwrap()
            .execute(
                "INSERT INTO queue_messages (id, mail_from, remote_ip, helo, size, created)
                 VALUES (?1, 'a@example.test', '127.0.0.1', 'h', 3, 0)",
                [id],
            )
            .unwrap();
    }
    drop(db);
    std::fs::create_dir_all(dd.queue()).unwrap();
    // q1 was delivered (its file removed) after the core snapshot; q2 still waits.
    std::fs::write(dd.queue().join("q2"), "abc").unwrap();
    let (m, _) = take(&dd, &dir.path().join("b"), None);
    assert_eq!(m.finished_during_backup, ["q1"]);
    let core = dir.path().join("b/data/mailctl.db");
    assert_eq!(sqlite::queue_ids(&core).unwrap(), ["q2"]);
    assert!(
        m.files
            .iter()
            .any(|e| e.path == "data/queue/q2" && e.kind == Kind::Spool)
    );
    let (_, problems) = verify(&dir.path().join("b"), &Quiet).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn restored_queue_leases_are_released_but_stay_marked_interrupted() {
    let dir = tempfile::tempdir().unwrap();
    let dd = server(dir.path());
    let db = Db::open(&dd).unwrap();
    let conn = db.conn().unwrap();
    conn.execute(
        "INSERT INTO queue_messages (id, mail_from, remote_ip, helo, size, created)
         VALUES ('q1', 'a@example.test', '127.0.0.1', 'h', 3, 0)",
        [],
    )
    .unwrap();
    // Leased by a live process (this one), as a message being delivered at the snapshot,
    // and by a process of the old box (another host name: restored onto a new machine).
    let owner = format!("local-{}-0000abcd", std::process::id());
    let elsewhere = format!("local-{}-0000abce@old-box.example", std::process::id());
    for (addr, owner) in [
        ("ann@example.test", &owner),
        ("bob@example.test", &elsewhere),
    ] {
        conn.execute(
            "INSERT INTO queue_recipients (message_id, address, local, next_attempt, updated,
                 lease_until, lease_owner) VALUES ('q1', ?3, 1, 0, 0, ?1, ?2)",
            rusqlite::params![crate::core::now() + 900, owner, addr],
        )
        .unwrap();
    }
    drop(db);
    std::fs::create_dir_all(dd.queue()).unwrap();
    std::fs::write(dd.queue().join("q1"), "abc").unwrap();
    take(&dd, &dir.path().join("b"), None);
    let fresh = DataDir::new(dir.path().join("fresh"));
    let opts = RestoreOptions {
        src: dir.path().join("b"),
        force: false,
    };
    restore(&fresh, &opts, &Quiet).unwrap();
    let db = Db::open(&fresh).unwrap();
    let until: Vec<i64> = db
        .conn()
        .unwrap()
        .prepare("SELECT lease_until FROM queue_recipients ORDER BY address")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        until,
        [1, 1],
        "free now, and known to have been taken before"
    );
}
