//! The rules both backends share (flag merging for STORE, CREATE's parents and attribute,
//! EXPUNGE's candidates, MOVE as COPY then removal), and one script run against the Maildir
//! backend and the in-memory one through the trait, so the two cannot drift apart.

use super::*;
use crate::imap::backend::Account;
use crate::imap::backend::memory::Shared;
use crate::imap::flags::{DELETED, FLAGGED, MAX_KEYWORDS, SEEN};

fn kw(k: &str) -> Flag {
    Flag::Keyword(k.into())
}

#[test]
fn stored_flags_replace_add_remove() {
    let (old, _) = stored_flags(&Flags::default(), StoreMode::Add, &[Flag::Seen, kw("Work")]);
    let (r, ok) = stored_flags(&old, StoreMode::Replace, &[Flag::Flagged]);
    assert!(ok && r.has(FLAGGED) && !r.has(SEEN) && r.keywords.is_empty());
    let (a, ok) = stored_flags(&old, StoreMode::Add, &[Flag::Flagged, kw("work")]);
    assert!(ok && a.has(FLAGGED) && a.has(SEEN));
    assert_eq!(a.keywords, ["Work"], "keywords compare without case");
    let (d, ok) = stored_flags(&old, StoreMode::Remove, &[kw("WORK"), Flag::Deleted]);
    assert!(ok && d.has(SEEN) && d.keywords.is_empty());
    // Past the per-message keyword cap: not fitted, and the ones that fitted are in.
    let many: Vec<Flag> = (0..=MAX_KEYWORDS).map(|i| kw(&format!("k{i}"))).collect();
    let (m, ok) = stored_flags(&Flags::default(), StoreMode::Add, &many);
    assert!(!ok);
    assert_eq!(m.keywords.len(), MAX_KEYWORDS);
}

#[test]
fn parents_come_outermost_first_and_end_with_the_name() {
    assert_eq!(with_parents("A").collect::<Vec<_>>(), ["A"]);
    assert_eq!(
        with_parents("A/B/C").collect::<Vec<_>>(),
        ["A", "A/B", "A/B/C"]
    );
    assert_eq!(special_use_attr(Some("\\sent")).unwrap(), Some("\\Sent"));
    assert_eq!(special_use_attr(None).unwrap(), None);
    assert!(matches!(
        special_use_attr(Some("\\Nope")),
        Err(StoreError::UseAttr(a)) if a == "\\Nope"
    ));
}

const MSG: &[u8] = b"From: a@b.test\r\nSubject: hi\r\n\r\nbody\r\n";

/// One script through `dyn MailStore`: what the session sees must not depend on the backend.
fn script(s: &mut dyn MailStore) -> Vec<String> {
    let mut log = Vec::new();
    s.create("Dest/Sub", None).unwrap();
    let names: Vec<String> = s.list().unwrap().into_iter().map(|i| i.name).collect();
    log.push(format!(
        "created parents: {}",
        names.contains(&"Dest".to_string())
    ));
    log.push(format!("{:?}", s.create("X", Some("\\Bogus")).err()));
    for _ in 0..4 {
        s.append("INBOX", MSG, &Flags::default(), Some(1)).unwrap();
    }
    let mut mb = s.select("INBOX", false).unwrap();
    let st = s
        .store(
            &mut mb,
            &[1, 2],
            StoreMode::Add,
            &[Flag::Deleted, kw("A")],
            None,
        )
        .unwrap();
    log.push(format!("stored {:?}", st.changed));
    let unchanged = s
        .store(&mut mb, &[1], StoreMode::Add, &[Flag::Deleted], None)
        .unwrap();
    log.push(format!("unchanged {:?}", unchanged.changed));
    let del: Vec<bool> = mb.messages.iter().map(|m| m.flags.has(DELETED)).collect();
    log.push(format!("view {del:?} {:?}", &*mb.slots[0].letters));
    let ch = s.expunge(&mut mb, Some(&[2, 3])).unwrap();
    log.push(format!("uid expunge {:?} {:?}", ch.expunged, ch.vanished));
    let ((_, src, dst), ch) = s.move_to(&mut mb, &[1, 2, 3], "Dest").unwrap();
    log.push(format!("move {src:?} {dst:?} {:?}", ch.expunged));
    log.push(format!("left {}", mb.messages.len()));
    let mut ro = s.select("Dest", true).unwrap();
    log.push(format!("{:?}", s.move_to(&mut ro, &[1], "INBOX").err()));
    log
}

#[test]
fn both_backends_follow_the_same_rules() {
    let dir = tempfile::tempdir().unwrap();
    let mut disk = Account::open(&crate::maildir::index::Indexes::Maildir, "", dir.path()).unwrap();
    let mem = Shared::new();
    let mut memory = (mem.opener())("", dir.path(), None, Limits::default()).unwrap();
    let a = script(&mut disk);
    let b = script(memory.as_mut());
    assert_eq!(a, b);
    assert_eq!(a[0], "created parents: true");
    assert_eq!(a[3], "unchanged []");
    assert_eq!(a[5], "uid expunge [2] [2]");
    assert_eq!(a[6], "move [1, 3, 4] [1, 2, 3] [3, 2, 1]");
    assert_eq!(a[8], "Some(ReadOnly)");
}
