//! What a session's refresh costs in statements (round trips on PostgreSQL) and rows: one
//! look, which brings the changes above the view's HIGHESTMODSEQ with it; the session's own
//! STORE is not read back, another session's change still is; and on a busy folder the
//! files are compared with the view, not with every row read again.

use std::path::Path;

use super::*;
use crate::imap::command::{Flag, StoreMode};
use crate::imap::flags::Flags;
use crate::maildir::index::Indexes;

const MSG: &[u8] = b"From: a@b.test\r\nSubject: hi\r\n\r\nbody\r\n";

/// Gives new/ and cur/ the settled mtimes of a folder nobody touched for a while, so the
/// scan's decision does not depend on how fast the test runs (a fresh mtime is never
/// trusted, `maildir::index::scan`).
fn quiet(dir: &Path) {
    let old = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_600_000_000);
    for sub in ["new", "cur"] {
        let d = std::fs::File::open(dir.join(sub)).unwrap();
        d.set_times(std::fs::FileTimes::new().set_modified(old))
            .unwrap();
    }
}

/// Statements `acc` runs for one refresh of `mb`, and what it reported.
fn refresh(acc: &mut Account, mb: &mut Mailbox) -> (u64, Changes) {
    let before = acc.index.statements();
    let ch = acc.refresh(mb, true).unwrap();
    (acc.index.statements() - before, ch)
}

#[test]
fn a_view_that_has_seen_everything_costs_one_statement_per_refresh() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut a = Account::open(&Indexes::Maildir, "", root).unwrap();
    let mut b = Account::open(&Indexes::Maildir, "", root).unwrap();
    for _ in 0..3 {
        b.append("INBOX", MSG, &Flags::default(), None).unwrap();
    }
    let mut va = a.select("INBOX", false).unwrap();
    let mut vb = b.select("INBOX", false).unwrap();
    quiet(root);
    // The locked scan records the settled mtimes once.
    a.refresh(&mut va, true).unwrap();

    // Nothing new: the folder's row (and whether anything waits in new/), one statement.
    assert_eq!(refresh(&mut a, &mut va), (1, Changes::default()));

    // Its own STORE is in the view already.
    a.store(&mut va, &[1], StoreMode::Add, &[Flag::Seen], None)
        .unwrap();
    quiet(root);
    assert_eq!(refresh(&mut a, &mut va), (1, Changes::default()));

    // Another session's STORE is read and reported, in the same one statement (the look
    // brings the rows written above the view's HIGHESTMODSEQ).
    b.store(&mut vb, &[2], StoreMode::Add, &[Flag::Flagged], None)
        .unwrap();
    quiet(root);
    let (n, ch) = refresh(&mut a, &mut va);
    assert_eq!(ch.flags, [2]);
    assert_eq!(n, 1, "the changes came with the look");
    assert_eq!(refresh(&mut a, &mut va), (1, Changes::default()));

    // Another's change made before its own STORE: the STORE does not hide it.
    b.store(&mut vb, &[3], StoreMode::Add, &[Flag::Seen], None)
        .unwrap();
    a.store(&mut va, &[1], StoreMode::Add, &[Flag::Flagged], None)
        .unwrap();
    quiet(root);
    assert_eq!(refresh(&mut a, &mut va).1.flags, [3]);

    // A new message through the other session.
    b.append("INBOX", MSG, &Flags::default(), None).unwrap();
    let ch = a.refresh(&mut va, true).unwrap();
    assert_eq!(ch.exists, Some(4));
    assert_eq!(va.uidnext, 5);
}

/// Rows `acc` reads for one refresh of `mb` (no refresh of other views in between).
fn rows_read(acc: &mut Account, mb: &mut Mailbox, allow_expunge: bool) -> (u64, Changes) {
    let before = acc.index.rows_read();
    let ch = acc.refresh(mb, allow_expunge).unwrap();
    (acc.index.rows_read() - before, ch)
}

/// A busy folder (mtimes too young to trust, so every refresh compares the files with the
/// rows): while the folder's counters are the view's, the view's rows stand for the index's
/// and only the folder's row is read; a change made behind the index's back (another
/// program renaming, removing or dropping a file) is still found.
#[test]
fn a_busy_folders_refresh_compares_the_files_with_the_view_not_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut a = Account::open(&Indexes::Maildir, "", root).unwrap();
    for _ in 0..5 {
        a.append("INBOX", MSG, &Flags::default(), None).unwrap();
    }
    let mut va = a.select("INBOX", false).unwrap();
    a.refresh(&mut va, true).unwrap();
    // Nothing new: the folder's row alone, not its five messages'.
    assert_eq!(rows_read(&mut a, &mut va, true), (1, Changes::default()));
    a.store(&mut va, &[2], StoreMode::Add, &[Flag::Seen], None)
        .unwrap();
    assert_eq!(rows_read(&mut a, &mut va, true), (1, Changes::default()));

    // Another program sets a flag by renaming the file: found, and reported.
    let cur = root.join("cur");
    let file = |n: usize| {
        let mut names: Vec<_> = std::fs::read_dir(&cur)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names[n].clone()
    };
    let third = file(2);
    std::fs::rename(cur.join(&third), cur.join(format!("{third}F"))).unwrap();
    let ch = a.refresh(&mut va, true).unwrap();
    assert_eq!(ch.flags, [3], "{ch:?}");
    assert!(va.messages[2].flags.contains(&Flag::Flagged));
    // Another removes one: an expunge.
    std::fs::remove_file(cur.join(file(0))).unwrap();
    let ch = a.refresh(&mut va, true).unwrap();
    assert_eq!(ch.expunged, [1], "{ch:?}");
    // And one dropped into new/ by a delivery agent: a new message, moved to cur/.
    std::fs::write(root.join("new/1700000000.x1.host"), MSG).unwrap();
    let ch = a.refresh(&mut va, true).unwrap();
    assert_eq!(ch.exists, Some(5), "{ch:?}");
    assert!(!root.join("new/1700000000.x1.host").exists());

    // A read-only view with a file waiting in new/: its place is not in the view, so the
    // rows are read, and the file stays for a read-write session to move.
    let mut ro = a.select("INBOX", true).unwrap();
    std::fs::write(root.join("new/1700000001.x2.host"), MSG).unwrap();
    let ch = a.refresh(&mut ro, true).unwrap();
    assert_eq!(ch.exists, Some(6), "{ch:?}");
    let (rows, ch) = rows_read(&mut a, &mut ro, true);
    assert_eq!(ch, Changes::default());
    assert!(rows > 1, "the rows say where the new/ file is: {rows}");
    assert!(root.join("new/1700000001.x2.host").exists());

    // Another session's EXPUNGE and APPEND on the busy folder: each one statement for the
    // view, which reads the changed rows only. (A read-write view claims the APPEND's
    // \Recent, which SQLite does in the locked scan: the read-only one shows the look.)
    a.refresh(&mut va, true).unwrap();
    a.refresh(&mut ro, true).unwrap();
    let mut b = Account::open(&Indexes::Maildir, "", root).unwrap();
    let mut vb = b.select("INBOX", false).unwrap();
    b.store(&mut vb, &[1], StoreMode::Add, &[Flag::Deleted], None)
        .unwrap();
    b.expunge(&mut vb, None).unwrap();
    let (n, ch) = refresh(&mut a, &mut va);
    assert_eq!((n, ch.expunged.len()), (1, 1), "{ch:?}");
    a.refresh(&mut ro, true).unwrap();
    b.append("INBOX", MSG, &Flags::default(), None).unwrap();
    let before = a.index.rows_read();
    let (n, ch) = refresh(&mut a, &mut ro);
    assert_eq!((n, ch.exists), (1, Some(6)), "{ch:?}");
    assert_eq!(
        a.index.rows_read() - before,
        2,
        "the folder's row and the new one"
    );
}
