//! The index against real Maildir directories.

use super::*;

fn put(root: &Path, rel: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, "Subject: x\n\nbody\n").unwrap();
}

fn age(dir: &Path) {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_600_000_000);
    std::fs::File::open(dir)
        .unwrap()
        .set_times(std::fs::FileTimes::new().set_modified(t))
        .unwrap();
}

#[test]
fn unchanged_directories_are_not_read_again() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    crate::maildir::deliver::ensure(root).unwrap();
    put(root, "new/1700000001.a.host");
    let mut ix = Index::open(root).unwrap();
    // Fresh mtimes may still tick: never trusted.
    assert!(!ix.scan("INBOX", root, false, false).unwrap().skipped);
    assert!(!ix.scan("INBOX", root, false, false).unwrap().skipped);
    age(&root.join("new"));
    age(&root.join("cur"));
    let first = ix.scan("INBOX", root, false, false).unwrap();
    assert!(!first.skipped);
    let again = ix.scan("INBOX", root, false, false).unwrap();
    assert!(again.skipped);
    assert_eq!(again.report.uidvalidity, first.report.uidvalidity);
    // A read-write view must still move the indexed file out of new/.
    let moved = ix.scan("INBOX", root, true, false).unwrap();
    assert_eq!(moved.moved, ["1700000001.a.host"]);
    assert!(root.join("cur/1700000001.a.host:2,").exists());
    age(&root.join("new"));
    age(&root.join("cur"));
    ix.scan("INBOX", root, true, false).unwrap();
    assert!(ix.scan("INBOX", root, true, false).unwrap().skipped);
    put(root, "new/1700000002.b.host");
    let r = ix.scan("INBOX", root, false, false).unwrap();
    assert_eq!((r.skipped, r.report.added), (false, 1));
}

#[test]
fn an_index_from_the_first_version_is_migrated_keeping_its_uids() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    crate::maildir::deliver::ensure(root).unwrap();
    put(root, "cur/1700000001.a.host:2,S");
    {
        let old = Connection::open(Index::path(root)).unwrap();
        old.execute_batch(
            "CREATE TABLE folders (name TEXT PRIMARY KEY, uidvalidity INTEGER NOT NULL,
                uidnext INTEGER NOT NULL, highestmodseq INTEGER NOT NULL);
             CREATE TABLE messages (folder TEXT NOT NULL, uid INTEGER NOT NULL,
                uniq TEXT NOT NULL, flags TEXT NOT NULL, modseq INTEGER NOT NULL,
                size INTEGER NOT NULL, PRIMARY KEY (folder, uid), UNIQUE (folder, uniq));
             INSERT INTO folders VALUES ('INBOX', 1234, 8, 9);
             INSERT INTO messages VALUES ('INBOX', 7, '1700000001.a.host', 'S', 9, 17);",
        )
        .unwrap();
    }
    let mut ix = Index::open(root).unwrap();
    drop(Index::open(root).unwrap()); // a second open migrates nothing twice
    let stamp: i32 = ix
        .conn()
        .unwrap()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(stamp, schema::STAMP);
    let r = ix.sync("INBOX", root).unwrap();
    assert_eq!((r.uidvalidity, r.added, r.removed), (1234, 0, 0));
    // Nothing was in new/: no old message becomes \Recent by the upgrade.
    assert_eq!(ix.folder_counts("INBOX").unwrap().1.recent, 0);
    assert_eq!(
        ix.unique_of("INBOX", 7).unwrap().as_deref(),
        Some("1700000001.a.host")
    );
    let kw: String = ix
        .conn()
        .unwrap()
        .query_row("SELECT keywords FROM messages WHERE uid = 7", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(kw, "");
}

#[test]
fn uids_are_stable_and_new_mail_gets_the_next_ones() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    crate::maildir::deliver::ensure(root).unwrap();
    put(root, "cur/1700000001.a.host:2,S");
    put(root, "new/1700000002.b.host");
    let mut ix = Index::open(root).unwrap();
    let r = ix.sync("INBOX", root).unwrap();
    assert_eq!((r.added, r.removed, r.messages), (2, 0, 2));
    assert_eq!(
        ix.unique_of("INBOX", 1).unwrap().as_deref(),
        Some("1700000001.a.host")
    );
    // Flag change, a new message, an expunge.
    std::fs::rename(
        root.join("cur/1700000001.a.host:2,S"),
        root.join("cur/1700000001.a.host:2,FS"),
    )
    .unwrap();
    std::fs::remove_file(root.join("new/1700000002.b.host")).unwrap();
    put(root, "new/1700000003.c.host");
    assert_eq!(ix.drift("INBOX", root).unwrap(), (1, 1));
    let r = ix.sync("INBOX", root).unwrap();
    assert_eq!((r.added, r.removed, r.changed), (1, 1, 1));
    assert_eq!(
        ix.unique_of("INBOX", 3).unwrap().as_deref(),
        Some("1700000003.c.host")
    );
    assert_eq!(
        ix.unique_of("INBOX", 2).unwrap(),
        None,
        "UIDs are never reused"
    );
    // Reopening keeps everything; UIDVALIDITY does not change.
    drop(ix);
    let mut ix = Index::open(root).unwrap();
    let again = ix.sync("INBOX", root).unwrap();
    assert_eq!((again.added, again.uidvalidity), (0, r.uidvalidity));
}

#[test]
fn an_index_that_is_a_link_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "not a database\n").unwrap();
    let root = dir.path().join("md");
    crate::maildir::deliver::ensure(&root).unwrap();
    std::os::unix::fs::symlink(&victim, Index::path(&root)).unwrap();
    assert!(Index::open(&root).is_err());
    assert_eq!(std::fs::read(&victim).unwrap(), b"not a database\n");
}

/// An index from before SAVEDATE and OBJECTID: old rows get their internal date as save
/// date and fresh EMAILIDs, old folders a MAILBOXID; rows of the oldest index (no internal
/// date) keep NULL and are read with the time in the file name.
#[test]
fn savedate_and_object_ids_are_added_to_an_older_index() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    crate::maildir::deliver::ensure(root).unwrap();
    put(root, "cur/1700000001.a.host:2,S");
    {
        let mut old = Connection::open(Index::path(root)).unwrap();
        schema::migrate(&mut old).unwrap();
        old.execute_batch(
            "PRAGMA user_version = 0;
             ALTER TABLE messages DROP COLUMN save_date; ALTER TABLE messages DROP COLUMN email_id;
             ALTER TABLE folders DROP COLUMN mailbox_id;
             INSERT INTO folders (name, uidvalidity, uidnext, highestmodseq) VALUES ('INBOX', 1234, 9, 9);
             INSERT INTO messages (folder, uid, uniq, flags, modseq, size, internal_date)
                 VALUES ('INBOX', 7, '1700000001.a.host', 'S', 9, 17, 1600000000),
                        ('INBOX', 8, '1700000002.b.host', 'S', 9, 17, NULL);",
        )
        .unwrap();
    }
    let ix = Index::open(root).unwrap();
    let snap = ix.snapshot("INBOX", 0, false).unwrap();
    assert_eq!(snap.rows[0].save_date, Some(1_600_000_000));
    assert_eq!(snap.rows[1].save_date, None);
    assert!(snap.rows[0].email_id != 0 && snap.rows[0].email_id != snap.rows[1].email_id);
    let id = ix.mailbox_id("INBOX").unwrap();
    assert!(id.starts_with('F') && id.len() == 25, "{id}");
    assert_eq!(ix.mailbox_id("INBOX").unwrap(), id);
    assert_ne!(ix.mailbox_id("Other").unwrap(), id);
}

/// Every IMAP login opens the index: once it is up to date that is a read, not a write
/// transaction, so a login does not wait for (nor block) another session's write.
#[test]
fn opening_an_up_to_date_index_takes_no_write_lock() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    crate::maildir::deliver::ensure(root).unwrap();
    drop(Index::open(root).unwrap());
    let writer = Connection::open(Index::path(root)).unwrap();
    writer.execute_batch("BEGIN IMMEDIATE").unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let path = root.to_path_buf();
    std::thread::spawn(move || {
        let _ = tx.send(Index::open(&path).map(|_| ()).map_err(|e| e.to_string()));
    });
    // Without the stamp the open waits for the lock (busy_timeout, 10 s), then fails.
    let opened = rx.recv_timeout(std::time::Duration::from_secs(5));
    writer.execute_batch("ROLLBACK").unwrap();
    assert_eq!(opened, Ok(Ok(())));
}

/// A folder this server keeps changing has young mtimes, so every refresh scans it; a scan
/// that finds nothing new must not write (each write is a WAL commit under the account's
/// write lock, and every session of the account refreshes after every command).
#[test]
fn a_scan_that_finds_nothing_new_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    crate::maildir::deliver::ensure(root).unwrap();
    put(root, "new/1700000001.a.host");
    let mut ix = Index::open(root).unwrap();
    ix.scan("INBOX", root, true, false).unwrap();
    let other = Connection::open(Index::path(root)).unwrap();
    let version = || -> i64 {
        other
            .pragma_query_value(None, "data_version", |r| r.get(0))
            .unwrap()
    };
    let before = version();
    for _ in 0..3 {
        let r = ix.scan("INBOX", root, true, false).unwrap();
        assert!(!r.skipped, "young mtimes are read again");
        assert_eq!(
            (r.report.added, r.report.removed, r.report.changed),
            (0, 0, 0)
        );
    }
    assert_eq!(version(), before, "nothing was committed");
    // A change is still written.
    put(root, "new/1700000002.b.host");
    assert_eq!(ix.scan("INBOX", root, true, false).unwrap().report.added, 1);
    assert_ne!(version(), before);
}

#[test]
fn a_list_page_reads_the_newest_rows_only() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    crate::maildir::deliver::ensure(root).unwrap();
    for i in 1..=7 {
        put(root, &format!("cur/170000000{i}.m{i}.host:2,"));
    }
    let mut ix = Index::open(root).unwrap();
    ix.sync("INBOX", root).unwrap();
    let uids = |skip, limit| -> Vec<u32> {
        ix.newest("INBOX", skip, limit)
            .unwrap()
            .iter()
            .map(|r| r.uid)
            .collect()
    };
    assert_eq!(uids(0, 3), [7, 6, 5]);
    assert_eq!(uids(3, 3), [4, 3, 2]);
    assert_eq!(uids(6, 3), [1]);
    assert!(uids(7, 3).is_empty());
    assert!(uids(0, 0).is_empty());
    let top = &ix.newest("INBOX", 0, 1).unwrap()[0];
    assert_eq!(top.unique, "1700000007.m7.host");
    assert!(ix.newest("Nothing", 0, 10).unwrap().is_empty());
}

/// STORE and EXPUNGE over a whole folder read the messages' current flags in one query,
/// not one per UID (on PostgreSQL each is a round trip made while holding the folder's
/// lock); a STORE or an EXPUNGE that changes nothing writes nothing.
#[test]
fn store_and_expunge_over_a_folder_read_its_rows_in_one_statement() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    crate::maildir::deliver::ensure(root).unwrap();
    let mut ix = Index::open(root).unwrap();
    let news: Vec<NewMessage> = (0..100)
        .map(|i| NewMessage {
            unique: format!("17000000{i:02}.m{i}.host"),
            letters: String::new(),
            keywords: String::new(),
            size: 10,
            internal_date: 1_700_000_000,
            email_id: None,
        })
        .collect();
    let refs: Vec<&NewMessage> = news.iter().collect();
    let (_, uids) = ix.place::<IndexError>("INBOX", &refs, |_| Ok(())).unwrap();
    // A sparse tail too: UIDs far apart are separate ranges, never the rows in between.
    let mut asked = uids.clone();
    asked.extend([100_000, 200_000]);

    let before = ix.statements();
    let done = ix
        .store_flags::<IndexError>("INBOX", &asked, |_, _| Ok(None))
        .unwrap();
    assert!(done.is_empty());
    // BEGIN, the folder's row, three range reads, COMMIT.
    assert_eq!(ix.statements() - before, 6, "a STORE that changes nothing");

    let before = ix.statements();
    let done = ix
        .store_flags::<IndexError>("INBOX", &uids, |_, cur| {
            Ok(Some((format!("{}T", cur.letters), String::new())))
        })
        .unwrap();
    assert_eq!(done.len(), 100);
    // One UPDATE per message changed, the folder's MODSEQ once.
    assert_eq!(
        ix.statements() - before,
        4 + 100 + 1,
        "a STORE of 100 messages"
    );

    let before = ix.statements();
    let gone = ix
        .expunge::<IndexError>("INBOX", &uids, |_, letters| Ok(letters.is_empty()))
        .unwrap();
    assert!(gone.is_empty(), "every message has T now");
    assert_eq!(
        ix.statements() - before,
        4,
        "an EXPUNGE that removes nothing"
    );

    // A UID named twice is changed from its first change and expunged once.
    let twice = [uids[0], uids[0]];
    let done = ix
        .store_flags::<IndexError>("INBOX", &twice, |_, cur| {
            Ok(Some((format!("{}F", cur.letters), String::new())))
        })
        .unwrap();
    assert_eq!(done.len(), 2);
    let gone = ix
        .expunge::<IndexError>("INBOX", &twice, |_, letters| {
            assert_eq!(letters, "TFF");
            Ok(true)
        })
        .unwrap();
    assert_eq!(gone, [0]);
}

/// A folder busy with the server's own changes has directory mtimes that have not settled,
/// so every refresh of every session looks at it: when rows and files agree, that look
/// takes no write lock and no transaction (one read), and any difference — a file renamed
/// or dropped in by another program, a file waiting in new/ — still gets the locked scan.
#[test]
fn a_busy_folder_in_line_with_its_rows_is_checked_without_the_write_lock() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    crate::maildir::deliver::ensure(root).unwrap();
    put(root, "cur/1700000001.a.host:2,S");
    put(root, "cur/1700000002.b.host:2,");
    let mut ix = Index::open(root).unwrap();
    assert_eq!(ix.scan("INBOX", root, true, false).unwrap().report.added, 2);
    // The mtimes are fresh (never trusted), the rows in line with the files.
    let before = ix.statements();
    let again = ix.scan("INBOX", root, true, false).unwrap();
    assert!(!again.skipped && again.recent.is_empty());
    assert_eq!(
        ix.statements() - before,
        1,
        "the folder's row with its rows, no BEGIN"
    );
    // A read-only look reports the \Recent it may not claim, as the locked scan does.
    let ro = ix.scan("INBOX", root, false, false).unwrap();
    assert_eq!(ro.recent, 3..3);

    std::fs::rename(
        root.join("cur/1700000002.b.host:2,"),
        root.join("cur/1700000002.b.host:2,F"),
    )
    .unwrap();
    let r = ix.scan("INBOX", root, true, false).unwrap();
    assert_eq!(r.report.changed, 1, "a flag change by another program");
    put(root, "new/1700000003.c.host");
    // Read-only: the new file gets its UID, and stays in new/ for a read-write session.
    let r = ix.scan("INBOX", root, false, false).unwrap();
    assert_eq!((r.report.added, r.recent.clone()), (1, 3..4));
    let r = ix.scan("INBOX", root, true, false).unwrap();
    assert_eq!((r.moved.len(), r.recent), (1, 3..4));
    std::fs::remove_file(root.join("cur/1700000001.a.host:2,S")).unwrap();
    assert_eq!(
        ix.scan("INBOX", root, true, false).unwrap().report.removed,
        1
    );
    let before = ix.statements();
    ix.scan("INBOX", root, true, false).unwrap();
    assert_eq!(ix.statements() - before, 1);
}
