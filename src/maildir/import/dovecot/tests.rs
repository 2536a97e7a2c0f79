use std::fs;
use std::path::Path;

use proptest::prelude::*;

use super::*;

#[test]
fn uidlist_version_3_with_extension_fields() {
    let l = parse_uidlist(
        "3 V1796572452 N5 G49b437302285156b7258000083ecc375\n\
         1 :1796572450.M851098P22642.vm,S=35,W=39\n\
         3 W39 S35 :1796572450.M871239P22642.vm,S=35,W=39:2,S\n\
         5 :b\n",
    )
    .unwrap();
    assert_eq!(l.uidvalidity, 1796572452);
    // The header said 5 but line 5 was appended after it: the next UID is above it.
    assert_eq!(l.uidnext, 6);
    assert_eq!(l.uids["1796572450.M851098P22642.vm,S=35,W=39"], 1);
    assert_eq!(l.uids["1796572450.M871239P22642.vm,S=35,W=39"], 3);
    assert_eq!(l.uids["b"], 5);
}

#[test]
fn uidlist_version_1_and_bad_ones() {
    let l = parse_uidlist("1 1234 10\n4 a.b.c\n").unwrap();
    assert_eq!((l.uidvalidity, l.uidnext, l.uids["a.b.c"]), (1234, 10, 4));
    for bad in [
        "",
        "9 V1 N1",
        "3 N5",
        "3 V1 N2\nx :a",
        "3 V1 N2\n0 :a",
        "3 V1 N2\n1 a",
        "3 V1 N2\n1 :../x",
    ] {
        assert!(parse_uidlist(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn keywords_and_subscriptions() {
    let k = parse_keywords("0 $Label1\n1 Important\n26 toomany\nx y\n3 \n");
    assert_eq!(k.len(), 2);
    assert_eq!(k[&'a'], "$Label1");
    assert_eq!(k[&'b'], "Important");
    assert_eq!(
        parse_subscriptions("V\t2\n\nWork\nArchive\t2024\n"),
        ["Work", "Archive/2024"]
    );
    assert_eq!(parse_subscriptions("INBOX\nA.B\n"), ["INBOX", "A/B"]);
}

#[test]
fn layouts() {
    let r = Path::new("/r");
    assert_eq!(
        account_dir(r, "%d/%n/Maildir", "bob", "ex.test"),
        Path::new("/r/ex.test/bob/Maildir")
    );
    assert_eq!(
        account_dir(r, "%u", "bob", "ex.test"),
        Path::new("/r/bob@ex.test")
    );
    let tmp = tempfile::tempdir().unwrap();
    for d in [
        "ex.test/bob/Maildir/cur",
        "ex.test/amy/Maildir/cur",
        "other/x/Maildir/cur",
    ] {
        fs::create_dir_all(tmp.path().join(d)).unwrap();
    }
    fs::create_dir_all(tmp.path().join("ex.test/nomail")).unwrap();
    let found = find_accounts(tmp.path(), "%d/%n/Maildir", "ex.test").unwrap();
    let names: Vec<&str> = found.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(names, ["amy", "bob"]);
    assert!(find_accounts(tmp.path(), "%d/u-%n", "ex.test").is_err());
}

fn put(path: &Path, body: &str, mtime: u64) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, body).unwrap();
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(mtime);
    fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(t)
        .unwrap();
}

/// A Dovecot-style account: INBOX with a gap and a keyword, a hierarchy folder, one file
/// Dovecot has not listed yet, subscriptions.
fn dovecot_account(src: &Path) {
    put(
        &src.join("cur/100.a.h:2,Sa"),
        "Subject: a\r\n\r\na\r\n",
        1_600_000_000,
    );
    put(
        &src.join("cur/101.b.h:2,F"),
        "Subject: b\r\n\r\nb\r\n",
        1_600_000_100,
    );
    put(
        &src.join("new/102.c.h"),
        "Subject: c\r\n\r\nc\r\n",
        1_600_000_200,
    );
    fs::create_dir_all(src.join("tmp")).unwrap();
    fs::write(
        src.join("dovecot-uidlist"),
        "3 V1234 N8 Gx\n2 :100.a.h\n7 :101.b.h\n",
    )
    .unwrap();
    fs::write(src.join("dovecot-keywords"), "0 $Label1\n").unwrap();
    put(&src.join(".Archive.2024/cur/1.x.h:2,R"), "x", 1_500_000_000);
    fs::write(
        src.join(".Archive.2024/dovecot-uidlist"),
        "3 V99 N4\n3 :1.x.h\n",
    )
    .unwrap();
    fs::write(src.join("subscriptions"), "V\t2\n\nArchive\t2024\n").unwrap();
}

#[test]
fn an_account_keeps_uidvalidity_uids_keywords_and_dates_and_a_rerun_adds_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (src, dst) = (tmp.path().join("src"), tmp.path().join("dst"));
    dovecot_account(&src);
    let r = import_account(&src, (&Indexes::Maildir, ""), &dst, false).unwrap();
    assert_eq!(r.subscriptions, 1);
    let inbox = &r.folders[0];
    assert_eq!(
        (inbox.folder.as_str(), inbox.uidvalidity, inbox.copied),
        ("INBOX", 1234, 3)
    );
    assert!(inbox.kept_uids);
    let mut index = Index::open(&dst).unwrap();
    let snap = index.snapshot("INBOX", 0, false).unwrap();
    let got: Vec<(u32, &str, &str, Option<i64>)> = snap
        .rows
        .iter()
        .map(|m| {
            (
                m.uid,
                m.letters.as_str(),
                m.keywords.as_str(),
                m.internal_date,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (2, "Sa", "$Label1", Some(1_600_000_000)),
            (7, "F", "", Some(1_600_000_100)),
            // Not listed yet: the next UID, as Dovecot would give it.
            (8, "", "", Some(1_600_000_200)),
        ]
    );
    assert_eq!(snap.folder.uidvalidity, 1234);
    assert_eq!(snap.folder.uidnext, 9);
    let arch = index.snapshot("Archive/2024", 0, false).unwrap();
    assert_eq!((arch.folder.uidvalidity, arch.folder.uidnext), (99, 4));
    assert_eq!(arch.rows[0].uid, 3);
    assert_eq!(index.subscriptions().unwrap(), ["Archive/2024"]);
    assert!(dst.join("cur/100.a.h:2,Sa").is_file());
    // A scan (what the IMAP server does on SELECT) agrees with what was written.
    let scan = index.sync("INBOX", &dst).unwrap();
    assert_eq!((scan.added, scan.removed, scan.changed), (0, 0, 0));

    drop(index);
    // A copy this time: still nothing new.
    let again = import_account(&src, (&Indexes::Maildir, ""), &dst, true).unwrap();
    assert_eq!(again.folders[0].copied, 0);
    assert_eq!(again.folders[0].present, 3);
}

#[test]
fn a_folder_already_used_here_gets_new_uids_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let (src, dst) = (tmp.path().join("src"), tmp.path().join("dst"));
    dovecot_account(&src);
    put(&dst.join("cur/5.mine.h:2,S"), "mine", 1_700_000_000);
    deliver::ensure(&dst).unwrap();
    Index::open(&dst).unwrap().sync("INBOX", &dst).unwrap();
    let r = import_account(&src, (&Indexes::Maildir, ""), &dst, false).unwrap();
    let inbox = &r.folders[0];
    assert!(!inbox.kept_uids);
    assert_ne!(inbox.uidvalidity, 1234);
    assert_eq!(inbox.copied, 3);
    let snap = Index::open(&dst)
        .unwrap()
        .snapshot("INBOX", 0, false)
        .unwrap();
    let uids: Vec<u32> = snap.rows.iter().map(|m| m.uid).collect();
    assert_eq!(uids, [1, 2, 3, 4]);
}

#[test]
fn a_default_folder_that_never_held_mail_takes_the_source_uidvalidity() {
    let tmp = tempfile::tempdir().unwrap();
    let (src, dst) = (tmp.path().join("src"), tmp.path().join("dst"));
    dovecot_account(&src);
    deliver::ensure(&dst).unwrap();
    Index::open(&dst)
        .unwrap()
        .create_folder("INBOX", None)
        .unwrap();
    let r = import_account(&src, (&Indexes::Maildir, ""), &dst, false).unwrap();
    assert!(r.folders[0].kept_uids);
    assert_eq!(r.folders[0].uidvalidity, 1234);
}

proptest! {
    #[test]
    fn uidlist_parser_never_panics(s in "(3 V[0-9]{1,11} N[0-9]{1,11}\n)?([0-9 :a-z.,=W]{0,30}\n){0,5}") {
        let _ = parse_uidlist(&s);
    }

    #[test]
    fn subscriptions_and_keywords_never_panic(s in "\\PC{0,200}") {
        let _ = parse_subscriptions(&s);
        let _ = parse_keywords(&s);
    }
}

#[test]
fn a_folder_made_after_an_import_never_reuses_an_adopted_uidvalidity() {
    let tmp = tempfile::tempdir().unwrap();
    let (src, dst) = (tmp.path().join("src"), tmp.path().join("dst"));
    dovecot_account(&src);
    // A UIDVALIDITY from the source's clock, ahead of ours.
    fs::write(
        src.join("dovecot-uidlist"),
        "3 V4000000000 N8 Gx\n2 :100.a.h\n",
    )
    .unwrap();
    import_account(&src, (&Indexes::Maildir, ""), &dst, false).unwrap();
    let mut index = Index::open(&dst).unwrap();
    // INBOX deleted and made again: a value above every one this index ever held.
    index.create_folder("INBOX", None).unwrap();
    let again = index
        .snapshot("INBOX", 0, false)
        .unwrap()
        .folder
        .uidvalidity;
    assert!(again > 4_000_000_000, "{again}");
}
