use std::path::Path;

use super::*;
use crate::imap::command::{Flag, StoreMode};
use crate::imap::flags::{DELETED, FLAGGED, Flags, SEEN};
use crate::maildir::deliver;

const MSG: &[u8] = b"From: a@b.test\r\nSubject: hi\r\n\r\nbody\r\n";

fn account() -> (tempfile::TempDir, Account) {
    let dir = tempfile::tempdir().unwrap();
    let acc = Account::open(&crate::maildir::index::Indexes::Maildir, "", dir.path()).unwrap();
    (dir, acc)
}

fn flags(list: &[Flag]) -> Flags {
    let mut f = Flags::default();
    for x in list {
        f.insert(x);
    }
    f
}

fn files(dir: &Path, sub: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir.join(sub))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn uids(mb: &Mailbox) -> Vec<u32> {
    mb.messages.iter().map(|m| m.uid).collect()
}

#[test]
fn default_folders_special_use_and_subscriptions() {
    let (dir, mut acc) = account();
    let list = acc.list().unwrap();
    let names: Vec<&str> = list.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        ["INBOX", "Archive", "Drafts", "Junk", "Sent", "Trash"]
    );
    let sent = list.iter().find(|f| f.name == "Sent").unwrap();
    assert_eq!(sent.special_use, Some("\\Sent"));
    assert!(sent.selectable && !sent.has_children && !sent.subscribed);
    assert!(dir.path().join(".Sent/cur").is_dir());
    // Deleted defaults are not recreated on the next open.
    acc.delete("Junk").unwrap();
    drop(acc);
    let mut acc = Account::open(&crate::maildir::index::Indexes::Maildir, "", dir.path()).unwrap();
    assert!(acc.list().unwrap().iter().all(|f| f.name != "Junk"));
    acc.subscribe("inbox").unwrap();
    acc.subscribe("Gone/Away").unwrap();
    acc.unsubscribe("Gone/Away").unwrap();
    assert_eq!(acc.subscriptions().unwrap(), ["INBOX"]);
    assert!(acc.list().unwrap()[0].subscribed);
    acc.create("Projects", Some("\\flagged")).unwrap();
    let p = acc
        .list()
        .unwrap()
        .into_iter()
        .find(|f| f.name == "Projects");
    assert_eq!(p.unwrap().special_use, Some("\\Flagged"));
    assert!(matches!(
        acc.create("X", Some("\\Bogus")),
        Err(StoreError::UseAttr(_))
    ));
}

#[test]
fn bad_names_are_refused() {
    let (_dir, mut acc) = account();
    for bad in ["../x", "/abs", "a//b", "x\0y", "a%", "b*", ""] {
        assert!(
            matches!(acc.create(bad, None), Err(StoreError::BadName(_))),
            "{bad:?}"
        );
        assert!(matches!(
            acc.select(bad, false),
            Err(StoreError::BadName(_))
        ));
    }
    let long = "x".repeat(300);
    assert!(matches!(
        acc.create(&long, None),
        Err(StoreError::BadName(_))
    ));
    assert!(matches!(
        acc.select("Nope", false),
        Err(StoreError::NoSuchMailbox(_))
    ));
    assert!(matches!(
        acc.create("inbox", None),
        Err(StoreError::AlreadyExists(_))
    ));
}

#[test]
fn append_then_select_sees_flags_keywords_and_date() {
    let (dir, mut acc) = account();
    let f = flags(&[Flag::Seen, Flag::Keyword("Work".into())]);
    let (uv, uid) = acc.append("INBOX", MSG, &f, Some(1_600_000_000)).unwrap();
    assert_eq!(uid, 1);
    let mb = acc.select("INBOX", false).unwrap();
    assert_eq!(mb.uidvalidity, uv);
    assert_eq!(mb.uidnext, 2);
    let m = &mb.messages[0];
    // \Recent: the first read-write session to see an appended message claims it.
    assert_eq!(
        (m.uid, m.size, m.internal_date, m.recent),
        (1, MSG.len() as u64, 1_600_000_000, true)
    );
    assert_eq!(m.flags, f);
    assert_eq!(acc.read(&mb, 1).unwrap(), MSG);
    let cur = files(dir.path(), "cur");
    assert_eq!(cur.len(), 1);
    assert!(
        cur[0].ends_with(&format!(",S={}:2,S", MSG.len())),
        "{cur:?}"
    );
    let md = std::fs::metadata(dir.path().join("cur").join(&cur[0])).unwrap();
    assert_eq!(crate::maildir::index::file_time(&md), 1_600_000_000);
    assert!(files(dir.path(), "tmp").is_empty());
    let st = acc.status("INBOX").unwrap();
    assert_eq!(
        (st.messages, st.unseen, st.uidnext, st.size),
        (1, 0, 2, MSG.len() as u64)
    );
    assert!(matches!(
        acc.append("Nope", MSG, &f, None),
        Err(StoreError::NoSuchMailbox(_))
    ));
    acc.set_quota(Some(MSG.len() as u64 + 5));
    assert!(matches!(
        acc.append("INBOX", MSG, &f, None),
        Err(StoreError::OverQuota)
    ));
}

#[test]
fn uids_ascend_and_are_never_reused() {
    let (_dir, mut acc) = account();
    for _ in 0..3 {
        acc.append("INBOX", MSG, &Flags::default(), None).unwrap();
    }
    let mut mb = acc.select("INBOX", false).unwrap();
    acc.store(&mut mb, &[3], StoreMode::Add, &[Flag::Deleted], None)
        .unwrap();
    let ch = acc.expunge(&mut mb, None).unwrap();
    assert_eq!((ch.expunged, ch.vanished), (vec![3], vec![3]));
    let (_, uid) = acc.append("INBOX", MSG, &Flags::default(), None).unwrap();
    assert_eq!(uid, 4);
    // A rebuilt view (new session) agrees.
    let mb = acc.select("INBOX", true).unwrap();
    assert_eq!(uids(&mb), [1, 2, 4]);
}

#[test]
fn store_renames_files_and_bumps_modseq() {
    let (dir, mut acc) = account();
    acc.append("INBOX", MSG, &Flags::default(), None).unwrap();
    acc.append("INBOX", MSG, &Flags::default(), None).unwrap();
    let mut mb = acc.select("INBOX", false).unwrap();
    let before = mb.messages[0].modseq;
    let out = acc
        .store(
            &mut mb,
            &[1],
            StoreMode::Add,
            &[Flag::Flagged, Flag::Seen, Flag::Keyword("$Label1".into())],
            None,
        )
        .unwrap();
    assert_eq!(out.changed, [1]);
    assert!(mb.messages[0].modseq > before);
    assert!(mb.messages[0].flags.has(FLAGGED | SEEN));
    // Another Maildir reader sees the flags in the name.
    let names = files(dir.path(), "cur");
    assert!(names.iter().any(|n| n.ends_with(":2,FS")), "{names:?}");
    // No change, no new MODSEQ.
    let again = acc
        .store(&mut mb, &[1], StoreMode::Add, &[Flag::Seen], None)
        .unwrap();
    assert!(again.changed.is_empty() && again.failed.is_empty());
    // UNCHANGEDSINCE below the message's MODSEQ fails it (RFC 7162 MODIFIED).
    let m1 = mb.messages[0].modseq;
    let out = acc
        .store(
            &mut mb,
            &[1, 2],
            StoreMode::Replace,
            &[Flag::Draft],
            Some(m1 - 1),
        )
        .unwrap();
    assert_eq!((out.changed, out.failed), (vec![2], vec![1]));
    let out = acc
        .store(
            &mut mb,
            &[1],
            StoreMode::Remove,
            &[Flag::Seen, Flag::Keyword("$label1".into())],
            Some(m1),
        )
        .unwrap();
    assert_eq!(out.changed, [1]);
    assert_eq!(mb.messages[0].flags.maildir_letters(), "F");
    assert!(mb.messages[0].flags.keywords.is_empty());
    let mut ro = acc.select("INBOX", true).unwrap();
    assert_eq!(ro.messages[0].flags, mb.messages[0].flags);
    assert!(matches!(
        acc.store(&mut ro, &[1], StoreMode::Add, &[Flag::Seen], None),
        Err(StoreError::ReadOnly)
    ));
}

/// RFC 3501 §2.3.2 as Dovecot keeps it (imaptest's `select` and `copy`): a message APPENDed
/// or COPYed is \Recent for the first read-write session that sees it, and only for it;
/// EXAMINE and STATUS show it without taking it.
#[test]
fn recent_is_claimed_once_by_a_read_write_session() {
    let (dir, mut a) = account();
    let mut b = Account::open(&crate::maildir::index::Indexes::Maildir, "", dir.path()).unwrap();
    a.create("Other", None).unwrap();
    for _ in 0..2 {
        a.append("Other", MSG, &Flags::default(), None).unwrap();
    }
    let ro = b.select("Other", true).unwrap();
    assert!(ro.messages.iter().all(|m| m.recent));
    assert_eq!(a.status("Other").unwrap().recent, 2);
    let mut rw = b.select("Other", false).unwrap();
    assert!(rw.messages.iter().all(|m| m.recent));
    assert_eq!(a.status("Other").unwrap().recent, 0);
    assert!(
        a.select("Other", false)
            .unwrap()
            .messages
            .iter()
            .all(|m| !m.recent)
    );
    // COPY into a folder another session has selected: \Recent for it on its next refresh.
    let inbox = a.select("INBOX", false).unwrap();
    assert!(inbox.messages.is_empty());
    let mut inbox = inbox;
    let ch = b.refresh(&mut rw, true).unwrap();
    assert_eq!(ch, Changes::default());
    b.copy_to(&rw, &[1, 2], "INBOX").unwrap();
    let ch = a.refresh(&mut inbox, true).unwrap();
    assert_eq!((ch.exists, ch.recent), (Some(2), Some(2)));
    assert_eq!(a.status("INBOX").unwrap().recent, 0);
}

#[test]
fn two_sessions_see_each_others_changes() {
    let (dir, mut a) = account();
    let mut b = Account::open(&crate::maildir::index::Indexes::Maildir, "", dir.path()).unwrap();
    let mut va = a.select("INBOX", false).unwrap();
    let mut vb = b.select("INBOX", false).unwrap();
    for _ in 0..5 {
        b.append("INBOX", MSG, &Flags::default(), None).unwrap();
    }
    let ch = a.refresh(&mut va, true).unwrap();
    assert_eq!(
        ch,
        Changes {
            exists: Some(5),
            recent: Some(5),
            ..Default::default()
        }
    );
    // A claimed them first: not \Recent for B, though B appended them.
    let ch = b.refresh(&mut vb, true).unwrap();
    assert_eq!((ch.exists, ch.recent), (Some(5), Some(0)));
    // A flag change by B is a flag change for A, not for B.
    b.store(&mut vb, &[2], StoreMode::Add, &[Flag::Seen], None)
        .unwrap();
    assert_eq!(b.refresh(&mut vb, true).unwrap(), Changes::default());
    let ch = a.refresh(&mut va, true).unwrap();
    assert_eq!(ch.flags, [2]);
    assert!(va.messages[1].flags.has(SEEN));
    assert_eq!(va.messages[1].modseq, vb.messages[1].modseq);
    // B expunges UIDs 2 and 4 while A is in a FETCH: ghosts first.
    b.store(&mut vb, &[2, 4], StoreMode::Add, &[Flag::Deleted], None)
        .unwrap();
    let ch = b.expunge(&mut vb, None).unwrap();
    assert_eq!((ch.expunged, ch.vanished), (vec![4, 2], vec![4, 2]));
    let ch = a.refresh(&mut va, false).unwrap();
    // Their \\Deleted flags are not news: the rows are gone with the messages.
    assert_eq!(ch, Changes::default());
    assert_eq!(va.messages.len(), 5);
    assert!(va.is_ghost(2) && va.is_ghost(4));
    assert!(matches!(a.read(&va, 4), Err(StoreError::Expunged)));
    assert!(a.read(&va, 5).is_ok());
    let ch = a.refresh(&mut va, true).unwrap();
    assert_eq!(
        ch,
        Changes {
            expunged: vec![4, 2],
            vanished: vec![4, 2],
            exists: Some(3),
            ..Default::default()
        }
    );
    assert_eq!(uids(&va), [1, 3, 5]);
    assert_eq!(va.seq_of_uid(5), Some(3));
    assert_eq!(va.seq_of_uid(4), None);
    // A's UID EXPUNGE limited to one UID.
    a.store(&mut va, &[1, 2], StoreMode::Add, &[Flag::Deleted], None)
        .unwrap();
    let ch = a.expunge(&mut va, Some(&[3])).unwrap();
    assert_eq!(ch.vanished, [3]);
    assert_eq!(uids(&va), [1, 5]);
    let ch = b.refresh(&mut vb, true).unwrap();
    assert_eq!(
        (ch.expunged, ch.vanished, ch.flags),
        (vec![2], vec![3], vec![1])
    );
    assert!(vb.messages[0].flags.has(DELETED) && !vb.messages[1].flags.has(DELETED));
    // QRESYNC: everything expunged since B's first view.
    let all = a.vanished_since(&va, 1).unwrap();
    assert_eq!(all, [2, 3, 4]);
}

#[test]
fn delivered_and_renamed_files_from_other_programs() {
    let (dir, mut acc) = account();
    let mut va = acc.select("INBOX", false).unwrap();
    let mut ro = Account::open(&crate::maildir::index::Indexes::Maildir, "", dir.path()).unwrap();
    let mut vro = ro.select("INBOX", true).unwrap();
    deliver::deliver(dir.path(), b"", &mut &MSG[..]).unwrap();
    // The read-only session sees it (\Recent, as EXAMINE shows it) but leaves it in new/
    // and \Recent for the next read-write session.
    let ch = ro.refresh(&mut vro, true).unwrap();
    assert_eq!((ch.exists, ch.recent), (Some(1), Some(1)));
    assert_eq!(files(dir.path(), "new").len(), 1);
    assert_eq!(ro.status("INBOX").unwrap().recent, 1);
    // The read-write one moves it to cur/ and gets \Recent.
    let ch = acc.refresh(&mut va, true).unwrap();
    assert_eq!((ch.exists, ch.recent), (Some(1), Some(1)));
    assert!(va.messages[0].recent);
    assert!(files(dir.path(), "new").is_empty());
    let cur = files(dir.path(), "cur");
    assert!(cur[0].ends_with(":2,"), "{cur:?}");
    assert_eq!(acc.read(&va, 1).unwrap(), MSG);
    // Nobody else gets \Recent for it.
    let again = acc.select("INBOX", false).unwrap();
    assert!(!again.messages[0].recent);
    // mutt marks it seen by renaming: a flag change for both views.
    let from = dir.path().join("cur").join(&cur[0]);
    std::fs::rename(&from, from.with_file_name(format!("{}S", cur[0]))).unwrap();
    assert_eq!(
        acc.read(&va, 1).unwrap(),
        MSG,
        "found again by its unique name"
    );
    let ch = acc.refresh(&mut va, true).unwrap();
    assert_eq!(ch.flags, [1]);
    assert!(va.messages[0].flags.has(SEEN));
    assert_eq!(ro.refresh(&mut vro, true).unwrap().flags, [1]);
    assert_eq!(acc.read(&va, 1).unwrap(), MSG);
    // rm by another program: an expunge.
    std::fs::remove_file(super::mailbox::path_of(&va, 1).unwrap()).unwrap();
    let ch = acc.refresh(&mut va, true).unwrap();
    assert_eq!((ch.expunged, ch.exists), (vec![1], Some(0)));
}

#[test]
fn a_view_of_a_deleted_or_replaced_folder_ends() {
    let (_dir, mut acc) = account();
    let mut other = acc.select("Trash", false).unwrap();
    let mut replaced = acc.select("Archive", false).unwrap();
    acc.delete("Trash").unwrap();
    assert!(matches!(
        acc.refresh(&mut other, true),
        Err(StoreError::NoSuchMailbox(_))
    ));
    acc.delete("Archive").unwrap();
    acc.create("Archive", None).unwrap();
    assert!(matches!(
        acc.refresh(&mut replaced, true),
        Err(StoreError::NoSuchMailbox(_))
    ));
}

#[test]
fn copy_and_move_report_copyuid() {
    let (dir, mut acc) = account();
    let f = flags(&[Flag::Flagged, Flag::Keyword("Work".into())]);
    for _ in 0..3 {
        acc.append("INBOX", MSG, &f, Some(1_500_000_000)).unwrap();
    }
    acc.append("Archive", MSG, &Flags::default(), None).unwrap();
    let mut mb = acc.select("INBOX", false).unwrap();
    let (uv, src, dst) = acc.copy_to(&mb, &[3, 1, 9], "Archive").unwrap();
    assert_eq!(uv, acc.status("Archive").unwrap().uidvalidity);
    assert_eq!((src, dst), (vec![1, 3], vec![2, 3]));
    let ar = acc.select("Archive", true).unwrap();
    assert_eq!(uids(&ar), [1, 2, 3]);
    assert_eq!(ar.messages[1].flags, f);
    assert_eq!(ar.messages[1].internal_date, 1_500_000_000);
    assert_eq!(acc.read(&ar, 2).unwrap(), MSG);
    assert!(matches!(
        acc.copy_to(&mb, &[1], "Nope"),
        Err(StoreError::NoSuchMailbox(_))
    ));
    let ((uv2, src, dst), ch) = acc.move_to(&mut mb, &[2, 3], "Trash").unwrap();
    assert_eq!(uv2, acc.status("Trash").unwrap().uidvalidity);
    assert_eq!((src, dst), (vec![2, 3], vec![1, 2]));
    assert_eq!((ch.expunged, ch.vanished), (vec![3, 2], vec![3, 2]));
    assert_eq!(uids(&mb), [1]);
    assert_eq!(files(dir.path(), "cur").len(), 1);
    assert_eq!(files(&dir.path().join(".Trash"), "cur").len(), 2);
    assert_eq!(acc.status("INBOX").unwrap().messages, 1);
}

#[test]
fn rename_folders_children_and_inbox() {
    let (dir, mut acc) = account();
    acc.create("Work/2024/Q1", None).unwrap();
    let names = |acc: &mut Account| -> Vec<String> {
        acc.list().unwrap().into_iter().map(|f| f.name).collect()
    };
    assert!(names(&mut acc).contains(&"Work/2024".to_string()));
    acc.append("Work/2024", MSG, &Flags::default(), None)
        .unwrap();
    let uv = acc.status("Work/2024").unwrap().uidvalidity;
    acc.rename("Work", "Job").unwrap();
    let n = names(&mut acc);
    assert!(n.contains(&"Job/2024/Q1".to_string()) && !n.iter().any(|x| x.starts_with("Work")));
    let st = acc.status("Job/2024").unwrap();
    assert_eq!(st.messages, 1);
    assert_ne!(st.uidvalidity, uv, "renamed folders get a new UIDVALIDITY");
    assert!(matches!(
        acc.rename("Job", "Sent"),
        Err(StoreError::AlreadyExists(_))
    ));
    assert!(matches!(
        acc.rename("Nope", "Other"),
        Err(StoreError::NoSuchMailbox(_))
    ));
    // INBOX: the messages move, INBOX stays (empty), UIDs are not reused in it.
    acc.append("INBOX", MSG, &Flags::default(), None).unwrap();
    acc.append("INBOX", MSG, &flags(&[Flag::Seen]), None)
        .unwrap();
    let inbox_uv = acc.status("INBOX").unwrap().uidvalidity;
    let mut old_view = acc.select("INBOX", false).unwrap();
    acc.rename("INBOX", "Old/Mail").unwrap();
    let st = acc.status("INBOX").unwrap();
    assert_eq!((st.messages, st.uidnext, st.uidvalidity), (0, 3, inbox_uv));
    let moved = acc.select("Old/Mail", true).unwrap();
    assert_eq!(moved.messages.len(), 2);
    assert!(moved.messages[1].flags.has(SEEN));
    assert!(files(dir.path(), "cur").is_empty());
    let ch = acc.refresh(&mut old_view, true).unwrap();
    assert_eq!((ch.expunged, ch.exists), (vec![2, 1], Some(0)));
    let (_, uid) = acc.append("INBOX", MSG, &Flags::default(), None).unwrap();
    assert_eq!(uid, 3);
}

#[test]
fn delete_rules() {
    let (dir, mut acc) = account();
    assert!(matches!(
        acc.delete("inbox"),
        Err(StoreError::CannotDelete(_))
    ));
    acc.create("A/B", None).unwrap();
    match acc.delete("A") {
        Err(StoreError::CannotDelete(why)) => assert_eq!(why, "has children"),
        other => panic!("{other:?}"),
    }
    acc.append("A/B", MSG, &Flags::default(), None).unwrap();
    let uv = acc.status("A/B").unwrap().uidvalidity;
    acc.delete("A/B").unwrap();
    assert!(!dir.path().join(".A.B").exists());
    acc.delete("A").unwrap();
    assert!(matches!(acc.delete("A"), Err(StoreError::NoSuchMailbox(_))));
    // A new folder of the same name is a new incarnation.
    acc.create("A/B", None).unwrap();
    let st = acc.status("A/B").unwrap();
    assert_eq!(st.messages, 0);
    assert_ne!(st.uidvalidity, uv);
}

#[test]
fn unselectable_parents_from_other_programs() {
    let (dir, mut acc) = account();
    deliver::ensure(&dir.path().join(".X.Y")).unwrap();
    let list = acc.list().unwrap();
    let x = list.iter().find(|f| f.name == "X").unwrap();
    assert!(!x.selectable && x.has_children);
    assert!(list.iter().any(|f| f.name == "X/Y" && f.selectable));
}

#[test]
fn concurrent_writers_never_share_a_uid() {
    let (dir, mut acc) = account();
    let root = dir.path().to_path_buf();
    let threads: Vec<_> = (0..3)
        .map(|t| {
            let root = root.clone();
            std::thread::spawn(move || {
                let mut acc =
                    Account::open(&crate::maildir::index::Indexes::Maildir, "", &root).unwrap();
                let mut mb = acc.select("INBOX", false).unwrap();
                let mut got = Vec::new();
                for i in 0..15 {
                    if t == 2 {
                        // A delivery agent and a session scanning meanwhile.
                        deliver::deliver(&root, b"", &mut &MSG[..]).unwrap();
                        acc.refresh(&mut mb, i % 2 == 0).unwrap();
                    } else {
                        got.push(acc.append("INBOX", MSG, &Flags::default(), None).unwrap().1);
                    }
                }
                got
            })
        })
        .collect();
    let mut appended: Vec<u32> = Vec::new();
    for t in threads {
        let got = t.join().unwrap();
        assert!(got.windows(2).all(|w| w[0] < w[1]), "{got:?}");
        appended.extend(got);
    }
    let mb = acc.select("INBOX", false).unwrap();
    assert_eq!(mb.messages.len(), 45);
    assert_eq!(uids(&mb), (1..=45).collect::<Vec<u32>>());
    appended.sort_unstable();
    appended.dedup();
    assert_eq!(appended.len(), 30);
    assert!(mb.messages.iter().all(|m| m.size == MSG.len() as u64));
}

/// Figures, not a check: `cargo test --lib -- --ignored select_of_100k --nocapture`.
#[test]
#[ignore]
fn select_of_100k_messages_figures() {
    let (dir, mut acc) = account();
    let cur = dir.path().join("cur");
    for i in 0..100_000u32 {
        std::fs::write(cur.join(format!("1700000000.M{i}P1.host,S=40:2,S")), b"x").unwrap();
    }
    let t = std::time::Instant::now();
    let mb = acc.select("INBOX", false).unwrap();
    eprintln!(
        "first select (indexing) {:?} {}",
        t.elapsed(),
        mb.messages.len()
    );
    let t = std::time::Instant::now();
    let mb = acc.select("INBOX", false).unwrap();
    eprintln!("second select {:?} {}", t.elapsed(), mb.messages.len());
    let past = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_600_000_000);
    for d in ["cur", "new"] {
        std::fs::File::open(dir.path().join(d))
            .unwrap()
            .set_times(std::fs::FileTimes::new().set_modified(past))
            .unwrap();
    }
    acc.select("INBOX", false).unwrap();
    let t = std::time::Instant::now();
    let mut mb = acc.select("INBOX", false).unwrap();
    eprintln!("settled select {:?} {}", t.elapsed(), mb.messages.len());
    let t = std::time::Instant::now();
    acc.refresh(&mut mb, true).unwrap();
    eprintln!("noop refresh {:?}", t.elapsed());
}

#[test]
fn own_expunge_also_reports_pending_ghosts() {
    let (dir, mut a) = account();
    let mut b = Account::open(&crate::maildir::index::Indexes::Maildir, "", dir.path()).unwrap();
    for _ in 0..4 {
        a.append("INBOX", MSG, &flags(&[Flag::Deleted]), None)
            .unwrap();
    }
    let mut va = a.select("INBOX", false).unwrap();
    let mut vb = b.select("INBOX", false).unwrap();
    b.expunge(&mut vb, Some(&[2])).unwrap();
    a.refresh(&mut va, false).unwrap();
    assert!(va.is_ghost(2));
    let ch = a.expunge(&mut va, Some(&[3])).unwrap();
    assert_eq!(
        (ch.expunged, ch.vanished, ch.exists),
        (vec![3, 2], vec![3, 2], None)
    );
    assert_eq!(uids(&va), [1, 4]);
    assert_eq!(va.seq_of_uid(4), Some(2));
    // B learns of A's expunge only.
    let ch = b.refresh(&mut vb, true).unwrap();
    assert_eq!((ch.expunged, ch.vanished), (vec![2], vec![3]));
    assert_eq!(uids(&vb), [1, 4]);
}

/// RFC 8474: COPY and MOVE keep the EMAILID, RENAME keeps the MAILBOXID; RFC 8514: a copy's
/// save date is when it was copied, not the original's.
#[test]
fn object_ids_follow_copies_and_renames() {
    let (dir, mut acc) = account();
    acc.create("A", None).unwrap();
    acc.append("INBOX", MSG, &Flags::default(), Some(1_500_000_000))
        .unwrap();
    let id_a = acc.mailbox_id("A").unwrap();
    let inbox = acc.select("INBOX", false).unwrap();
    let m = inbox.messages[0].clone();
    assert!(m.save_date > 1_700_000_000 && m.internal_date == 1_500_000_000);
    acc.copy_to(&inbox, &[1], "A").unwrap();
    acc.rename("A", "B").unwrap();
    assert_eq!(acc.mailbox_id("B").unwrap(), id_a);
    assert!(dir.path().join(".B").is_dir());
    let b = acc.select("B", false).unwrap();
    assert_eq!(b.mailbox_id, id_a);
    assert_eq!(b.messages[0].email_id, m.email_id);
    assert_eq!(b.messages[0].internal_date, 1_500_000_000);
    let mut inbox = acc.select("INBOX", false).unwrap();
    acc.append(
        "INBOX",
        b"Subject: other\r\n\r\nx\r\n",
        &Flags::default(),
        None,
    )
    .unwrap();
    acc.refresh(&mut inbox, true).unwrap();
    let moved = inbox.messages[1].email_id;
    assert_ne!(moved, m.email_id);
    acc.move_to(&mut inbox, &[2], "B").unwrap();
    let b = acc.select("B", false).unwrap();
    assert_eq!(b.messages[1].email_id, moved);
}
