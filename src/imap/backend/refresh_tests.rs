//! What a session's refresh costs in statements (round trips on PostgreSQL): a view that
//! has seen the folder's HIGHESTMODSEQ and UIDNEXT reads nothing beyond the scan's one
//! look, its own STORE is not read back, and another session's change still is.

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

    // Another session's STORE is read and reported.
    b.store(&mut vb, &[2], StoreMode::Add, &[Flag::Flagged], None)
        .unwrap();
    quiet(root);
    let (n, ch) = refresh(&mut a, &mut va);
    assert_eq!(ch.flags, [2]);
    assert!(n > 1, "the changes were read");
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
