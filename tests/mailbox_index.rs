//! The mailbox index on PostgreSQL (issue 21) against a real PostgreSQL 15: the same
//! operations give the same answers as the SQLite index, accounts sharing the tables never
//! see each other's rows, three nodes placing, changing and expunging in one folder at once
//! never hand out a UID or a MODSEQ twice, and a change made through one node wakes the
//! listener of another within a second.

mod common;

use std::collections::HashSet;
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::postgres::PgServer;
use mailctl::maildir::index::notify::{Change, Listener};
use mailctl::maildir::index::{Index, IndexError, Indexes, MetadataLimits, NewMessage};

fn put(root: &Path, rel: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, "Subject: x\n\nbody\n").unwrap();
}

fn message(unique: &str) -> NewMessage {
    NewMessage {
        unique: unique.to_string(),
        letters: String::new(),
        keywords: String::new(),
        size: 17,
        internal_date: 1_700_000_000,
        email_id: None,
    }
}

/// A walk through the index's operations, written down as it answers (without the values
/// that are random or clock-made: UIDVALIDITY, MAILBOXID, EMAILID, save dates).
fn exercise(ix: &mut Index, root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut note = |s: String| out.push(s);
    put(root, "cur/1700000001.a.host:2,S");
    put(root, "new/1700000002.b.host");
    let r = ix.sync("INBOX", root).unwrap();
    note(format!("sync {} {} {}", r.added, r.removed, r.messages));
    note(format!("uid1 {:?}", ix.unique_of("INBOX", 1).unwrap()));
    // A flag change, an expunge and a new message by another program.
    std::fs::rename(
        root.join("cur/1700000001.a.host:2,S"),
        root.join("cur/1700000001.a.host:2,FS"),
    )
    .unwrap();
    std::fs::remove_file(root.join("new/1700000002.b.host")).unwrap();
    put(root, "new/1700000003.c.host");
    note(format!("drift {:?}", ix.drift("INBOX", root).unwrap()));
    let r = ix.sync("INBOX", root).unwrap();
    note(format!("sync {} {} {}", r.added, r.removed, r.changed));
    note(format!("uid2 {:?}", ix.unique_of("INBOX", 2).unwrap()));
    note(format!("uid3 {:?}", ix.unique_of("INBOX", 3).unwrap()));
    let scanned = ix.scan("INBOX", root, true, false).unwrap();
    note(format!("scan {:?} {:?}", scanned.moved, scanned.recent));
    note(format!("inbox {:?}", ix.folder_counts("INBOX").unwrap().1));

    let (a, b) = (message("1700000010.x.host"), message("1700000011.y.host"));
    let (_, uids) = ix
        .place::<IndexError>("Work", &[&a, &b], |_| Ok(()))
        .unwrap();
    note(format!("placed {uids:?}"));
    let stored = ix
        .store_flags::<IndexError>("Work", &[1, 9], |_, cur| {
            Ok(Some((format!("F{}", cur.letters), "$label1".to_string())))
        })
        .unwrap();
    note(format!("stored {stored:?}"));
    note(format!(
        "keywords {:?}",
        ix.folder_keywords("Work").unwrap()
    ));
    note(format!("work {:?}", ix.folder_counts("Work").unwrap().1));
    let gone = ix
        .expunge::<IndexError>("Work", &[2, 7], |_, _| Ok(true))
        .unwrap();
    note(format!(
        "expunged {gone:?} {:?}",
        ix.expunged_since("Work", 0)
    ));
    let snap = ix.snapshot("Work", 0, true).unwrap();
    for r in &snap.rows {
        note(format!(
            "row {} {} {} {} {} {} {:?}",
            r.uid, r.unique, r.letters, r.keywords, r.modseq, r.size, r.internal_date
        ));
    }
    note(format!(
        "snap {} {} {:?}",
        snap.folder.uidnext, snap.folder.highestmodseq, snap.expunged
    ));

    ix.subscribe("Work").unwrap();
    ix.subscribe("Work").unwrap();
    ix.subscribe("Gone").unwrap();
    ix.unsubscribe("Gone").unwrap();
    note(format!(
        "subscribed {:?} {:?}",
        ix.subscriptions().unwrap(),
        ix.subscription_count("Work").unwrap()
    ));
    ix.create_folder("Sent", Some("\\Sent")).unwrap();
    note(format!("special {:?}", ix.special_uses().unwrap()));
    let before = ix.snapshot("Work", 0, false).unwrap().folder.uidvalidity;
    ix.rename_folders::<IndexError>(&[("Work".into(), "Jobs".into())], |_, _| Ok(()))
        .unwrap();
    let jobs = ix.snapshot("Jobs", 0, false).unwrap();
    note(format!(
        "renamed {:?} {} new validity {}",
        jobs.rows.iter().map(|r| r.uid).collect::<Vec<_>>(),
        jobs.folder.uidnext,
        jobs.folder.uidvalidity != before
    ));
    note(format!(
        "work again {:?}",
        ix.snapshot("Work", 0, false).unwrap().rows
    ));
    let id = ix.mailbox_id("Jobs").unwrap();
    note(format!(
        "mailbox id {} {}",
        id.starts_with('F') && id.len() == 25,
        ix.mailbox_id("Jobs").unwrap() == id
    ));
    ix.delete_folder::<IndexError>("Jobs", || Ok(())).unwrap();
    note(format!("deleted {:?}", ix.folder_counts("Jobs").unwrap().1));
    note(format!("defaults {}", ix.defaults_done().unwrap()));
    ix.mark_defaults_done().unwrap();
    note(format!("defaults {}", ix.defaults_done().unwrap()));

    // RFC 5464 entries: set together, or refused together past a cap.
    let entry = |e: &str, v: &str| (e.to_string(), Some(v.as_bytes().to_vec()));
    let limits = MetadataLimits::default();
    let set = ix.set_metadata(
        "INBOX",
        &[entry("/shared/b", "2"), entry("/private/a", "1")],
        limits,
    );
    note(format!(
        "metadata {set:?} {:?}",
        ix.metadata("INBOX").unwrap()
    ));
    let tight = MetadataLimits {
        max_entries: 2,
        ..limits
    };
    let refused = ix.set_metadata("INBOX", &[entry("/shared/c", "3")], tight);
    note(format!(
        "refused {refused:?} {:?}",
        ix.metadata("INBOX").unwrap()
    ));

    // Messages adopted from another server keep its UIDVALIDITY and UIDs; a second run adds
    // nothing.
    let items = [
        (5, message("1600000005.m.host")),
        (7, message("1600000007.n.host")),
    ];
    for _ in 0..2 {
        let adopted = ix
            .adopt::<IndexError>("Imported", (4242, 10), &items, Some(("k", "v")), |_| Ok(()))
            .unwrap();
        note(format!(
            "adopted {adopted:?} {:?}",
            ix.import_mark("k").unwrap()
        ));
    }
    let imported = ix.snapshot("Imported", 0, false).unwrap();
    note(format!(
        "imported {:?} {}",
        imported.rows.iter().map(|r| r.uid).collect::<Vec<_>>(),
        imported.folder.uidnext
    ));
    out
}

#[test]
fn the_index_answers_the_same_on_sqlite_and_on_postgres() {
    let Some(pg) = PgServer::start() else { return };
    let url = pg.database();
    let lite_dir = tempfile::tempdir().unwrap();
    let pg_dir = tempfile::tempdir().unwrap();
    for d in [&lite_dir, &pg_dir] {
        mailctl::maildir::deliver::ensure(d.path()).unwrap();
    }
    let mut lite = Index::open(lite_dir.path()).unwrap();
    let mut post = Index::open_postgres(&url, "a@example.org", pg_dir.path()).unwrap();
    assert!(post.is_postgres() && !lite.is_postgres());
    let on_sqlite = exercise(&mut lite, lite_dir.path());
    let on_postgres = exercise(&mut post, pg_dir.path());
    assert_eq!(on_sqlite, on_postgres);
    for line in [
        "sync 2 0 2",
        "sync 1 1 1",
        "uid2 None",
        "placed [1, 2]",
        "expunged [0] Ok([2])",
        "imported [5, 7] 10",
    ] {
        assert!(
            on_sqlite.iter().any(|l| l == line),
            "{line}: {on_sqlite:#?}"
        );
    }
    // Nothing of the index was written beside the Maildir on PostgreSQL.
    assert!(!Index::path(pg_dir.path()).exists());
    // What a session asks at SELECT and on a command that finds changes is one round trip:
    // the snapshot is one statement (its own consistent read, no transaction), with the
    // folder's MAILBOXID once it has one.
    let id = post.mailbox_id("INBOX").unwrap();
    let before = post.statements();
    let snap = post.snapshot("INBOX", 0, true).unwrap();
    assert_eq!(post.statements() - before, 1);
    assert_eq!(snap.mailbox_id, Some(id));

    // A second node (its own connection) sees the same UIDs and UIDVALIDITY; another
    // account in the same tables sees none of them.
    let uidvalidity = post.snapshot("INBOX", 0, false).unwrap().folder.uidvalidity;
    let again = Index::open_postgres(&url, "a@example.org", pg_dir.path()).unwrap();
    let snap = again.snapshot("INBOX", 0, false).unwrap();
    assert_eq!(snap.folder.uidvalidity, uidvalidity);
    assert_eq!(snap.rows.iter().map(|r| r.uid).collect::<Vec<_>>(), [1, 3]);
    let other = Index::open_postgres(&url, "b@example.org", pg_dir.path()).unwrap();
    assert!(other.snapshot("INBOX", 0, false).unwrap().rows.is_empty());
    assert_eq!(other.subscriptions().unwrap(), Vec::<String>::new());
    assert!(!other.defaults_done().unwrap());
    // Under the views, the rows are the account's in the shared table.
    let db = url.rsplit('/').next().unwrap();
    let mut admin = pg.client(db);
    let mut count = |account: &str| -> i64 {
        admin
            .query_one(
                "SELECT count(*) FROM mailbox_index.mailbox_messages \
                 WHERE account = $1 AND folder = 'INBOX'",
                &[&account],
            )
            .unwrap()
            .get(0)
    };
    assert_eq!(count("a@example.org"), 2);
    assert_eq!(count("b@example.org"), 0);
}

/// On PostgreSQL each statement is a round trip made under the folder's lock: placing,
/// STORE and EXPUNGE write their rows and the folder's UIDNEXT / HIGHESTMODSEQ together, one
/// statement per chunk of 64 rows, and leave the same rows as one statement per row did.
#[test]
fn writes_of_a_folder_go_with_its_counters_in_one_statement() {
    let Some(pg) = PgServer::start() else { return };
    let url = pg.database();
    let dir = tempfile::tempdir().unwrap();
    mailctl::maildir::deliver::ensure(dir.path()).unwrap();
    let mut ix = Index::open_postgres(&url, "a@example.org", dir.path()).unwrap();
    let news: Vec<NewMessage> = (0..70)
        .map(|i| message(&format!("17000000{i:02}.m{i}.host")))
        .collect();
    let refs: Vec<&NewMessage> = news.iter().collect();
    ix.place::<IndexError>("INBOX", &refs[..1], |_| Ok(()))
        .unwrap();
    // BEGIN, the folder's row locked, the rows with the counters, COMMIT.
    let one = |ix: &mut Index| {
        ix.place::<IndexError>("INBOX", &refs[1..2], |_| Ok(()))
            .unwrap();
    };
    assert_eq!(cost(&mut ix, one), 4, "one message placed");
    let rest = |ix: &mut Index| {
        ix.place::<IndexError>("INBOX", &refs[2..], |_| Ok(()))
            .unwrap();
    };
    assert_eq!(cost(&mut ix, rest), 3 + 2, "68 placed: 64 + 4");
    let uids: Vec<u32> = (1..=70).collect();
    // BEGIN, lock, the current flags, the write, COMMIT.
    let store_one = |ix: &mut Index| {
        ix.store_flags::<IndexError>("INBOX", &[1], |_, _| {
            Ok(Some(("S".to_string(), String::new())))
        })
        .unwrap();
    };
    assert_eq!(cost(&mut ix, store_one), 5, "a STORE of one message");
    // Round trips: BEGIN goes with the lock and the read of the current flags, the write
    // with COMMIT, so two.
    let before = Index::round_trips();
    ix.store_flags::<IndexError>("INBOX", &[1], |_, _| {
        Ok(Some(("F".to_string(), String::new())))
    })
    .unwrap();
    assert_eq!(Index::round_trips() - before, 2, "a STORE's round trips");
    // (The first prepares its statement, a round trip of its own.)
    ix.place::<IndexError>("INBOX", &[], |_| Ok(())).unwrap();
    let before = Index::round_trips();
    ix.place::<IndexError>("INBOX", &[], |_| Ok(())).unwrap();
    assert_eq!(Index::round_trips() - before, 2, "placing's round trips");
    let store_all = |ix: &mut Index| {
        ix.store_flags::<IndexError>("INBOX", &uids, |_, cur| {
            Ok(Some((format!("{}T", cur.letters), "$x".to_string())))
        })
        .unwrap();
    };
    assert_eq!(cost(&mut ix, store_all), 4 + 3, "70 stored: 64 + 4 + 2");
    // A UID named twice keeps its last change, with the last MODSEQ.
    let done = ix
        .store_flags::<IndexError>("INBOX", &[5, 5], |_, cur| {
            Ok(Some((format!("{}F", cur.letters), String::new())))
        })
        .unwrap();
    let expunge = |ix: &mut Index| {
        ix.expunge::<IndexError>("INBOX", &[2, 3], |_, _| Ok(true))
            .unwrap();
    };
    // Its statements prepared first, on another folder.
    let other = [message("1800000000.o1.host"), message("1800000000.o2.host")];
    ix.place::<IndexError>("Other", &[&other[0], &other[1]], |_| Ok(()))
        .unwrap();
    ix.expunge::<IndexError>("Other", &[1, 2], |_, _| Ok(true))
        .unwrap();
    let before = Index::round_trips();
    assert_eq!(cost(&mut ix, expunge), 5, "an EXPUNGE of two");
    assert_eq!(Index::round_trips() - before, 2, "an EXPUNGE's round trips");

    let snap = ix.snapshot("INBOX", 0, true).unwrap();
    assert_eq!(snap.folder.uidnext, 71);
    assert_eq!(snap.rows.len(), 68);
    let five = snap.rows.iter().find(|r| r.uid == 5).unwrap();
    assert_eq!((five.letters.as_str(), five.modseq), ("TFF", done[1].1));
    assert_eq!(snap.rows[0].letters, "FT");
    assert!(snap.rows.iter().all(|r| r.keywords == "$x" || r.uid == 5));
    let top = snap.rows.iter().map(|r| r.modseq).max().unwrap();
    assert_eq!(
        snap.folder.highestmodseq,
        top + 2,
        "the two expunges after it"
    );
    let gone = ix.expunged_since("INBOX", top).unwrap();
    assert_eq!(gone, [2, 3]);
    // Every MODSEQ given once.
    let mut modseqs: Vec<u64> = snap.rows.iter().map(|r| r.modseq).collect();
    modseqs.sort_unstable();
    modseqs.dedup();
    assert_eq!(modseqs.len(), 68);
}

/// Gives new/ and cur/ the settled mtimes of a folder nobody touched for a while, so a scan's
/// path does not depend on how fast the test runs (a fresh mtime is never trusted).
fn quiet(root: &Path) {
    let old = std::time::UNIX_EPOCH + Duration::from_secs(1_600_000_000);
    for sub in ["new", "cur"] {
        let d = std::fs::File::open(root.join(sub)).unwrap();
        d.set_times(std::fs::FileTimes::new().set_modified(old))
            .unwrap();
    }
}

/// Places `uniques` into INBOX through `ix`, each file in cur/ as its row says.
fn place_files(ix: &mut Index, root: &Path, uniques: &[String]) -> Vec<u32> {
    let news: Vec<NewMessage> = uniques.iter().map(|u| message(u)).collect();
    let refs: Vec<&NewMessage> = news.iter().collect();
    ix.place::<IndexError>("INBOX", &refs, |i| {
        put(root, &format!("cur/{}:2,", news[i].unique));
        Ok(())
    })
    .unwrap()
    .1
}

/// \Recent (RFC 3501 §2.3.2) goes to one session only. On PostgreSQL a session that finds
/// mail placed by another claims it in one statement beside its scan's look (the locked
/// scan was five), and sessions of three nodes claiming at once never get a UID twice.
#[test]
fn recent_is_claimed_by_one_session_in_one_statement() {
    let Some(pg) = PgServer::start() else { return };
    let url = pg.database();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    mailctl::maildir::deliver::ensure(root).unwrap();
    let open = || Index::open_postgres(&url, "a@example.org", root).unwrap();
    let (mut a, mut b, mut c) = (open(), open(), open());
    quiet(root);
    a.scan("INBOX", root, true, true).unwrap();
    let names: Vec<String> = (1..=3).map(|i| format!("170000000{i}.p{i}.host")).collect();
    assert_eq!(place_files(&mut a, root, &names), [1, 2, 3]);
    quiet(root);
    let before = b.statements();
    let r = b.scan("INBOX", root, true, false).unwrap();
    assert_eq!(r.recent, 1..4);
    assert_eq!(b.statements() - before, 2, "the look and the claim");
    let before = c.statements();
    assert_eq!(c.scan("INBOX", root, true, false).unwrap().recent, 0..0);
    assert_eq!(c.statements() - before, 1, "nothing left to claim");

    // Three nodes place and claim at once: each UID is claimed once.
    let claimed: Vec<Vec<u32>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..3)
            .map(|n| {
                let url = url.clone();
                s.spawn(move || {
                    let mut ix = Index::open_postgres(&url, "a@example.org", root).unwrap();
                    let mut got = Vec::new();
                    for k in 0..15 {
                        place_files(&mut ix, root, &[format!("17000001{n}{k:02}.n{n}.host")]);
                        quiet(root);
                        got.extend(ix.scan("INBOX", root, true, false).unwrap().recent);
                    }
                    got
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut all: Vec<u32> = claimed.concat();
    all.extend(a.scan("INBOX", root, true, true).unwrap().recent);
    all.sort_unstable();
    assert_eq!(
        all,
        (4..=48).collect::<Vec<u32>>(),
        "every UID claimed, once"
    );
}

/// Statements `f` runs on `ix`.
fn cost(ix: &mut Index, f: impl FnOnce(&mut Index)) -> u64 {
    let before = ix.statements();
    f(ix);
    ix.statements() - before
}

/// What one node saw: the UIDs each place got, and the MODSEQ each flag change got.
#[derive(Default)]
struct Seen {
    uids: Vec<u32>,
    modseqs: Vec<u64>,
    expunged: usize,
}

fn node(url: &str, root: &Path, n: usize) -> Seen {
    let mut ix = Index::open_postgres(url, "shared@example.org", root).unwrap();
    let mut seen = Seen::default();
    for i in 0..25 {
        let unique = format!("17000000{n}{i:02}.n{n}.host");
        let m = message(&unique);
        let (_, uids) = ix.place::<IndexError>("INBOX", &[&m], |_| Ok(())).unwrap();
        seen.uids.extend(&uids);
        let changed = ix
            .store_flags::<IndexError>("INBOX", &uids, |_, _| {
                Ok(Some(("S".to_string(), String::new())))
            })
            .unwrap();
        seen.modseqs.extend(changed.iter().map(|c| c.1));
        if i % 3 == 0 {
            let gone = ix
                .expunge::<IndexError>("INBOX", &uids, |_, _| Ok(true))
                .unwrap();
            seen.expunged += gone.len();
        }
    }
    seen
}

/// Three nodes (three connections) place, change and expunge in one folder at once: every
/// UID is given once and each node's UIDs and MODSEQs only grow.
#[test]
fn three_nodes_never_hand_out_a_uid_or_a_modseq_twice() {
    let Some(pg) = PgServer::start() else { return };
    let url = pg.database();
    let dir = tempfile::tempdir().unwrap();
    mailctl::maildir::deliver::ensure(dir.path()).unwrap();
    // The folder exists before the nodes start, as it does for a delivery.
    Index::open_postgres(&url, "shared@example.org", dir.path())
        .unwrap()
        .snapshot("INBOX", 0, false)
        .unwrap();
    let seen: Vec<Seen> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..3)
            .map(|n| {
                let (url, root) = (&url, dir.path());
                s.spawn(move || node(url, root, n))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut all_uids = HashSet::new();
    let mut all_modseqs = HashSet::new();
    for s in &seen {
        assert!(s.uids.windows(2).all(|w| w[0] < w[1]), "{:?}", s.uids);
        assert!(s.modseqs.windows(2).all(|w| w[0] < w[1]), "{:?}", s.modseqs);
        for u in &s.uids {
            assert!(all_uids.insert(*u), "UID {u} given twice");
        }
        for m in &s.modseqs {
            assert!(all_modseqs.insert(*m), "MODSEQ {m} given twice");
        }
    }
    assert_eq!(all_uids.len(), 75);
    let ix = Index::open_postgres(&url, "shared@example.org", dir.path()).unwrap();
    let snap = ix.snapshot("INBOX", 0, true).unwrap();
    let expunged: usize = seen.iter().map(|s| s.expunged).sum();
    assert_eq!(snap.rows.len(), 75 - expunged);
    assert_eq!(snap.expunged.len(), expunged);
    assert_eq!(snap.folder.uidnext, 76);
    // Every row holds a MODSEQ of its own, none above the folder's.
    let rows: HashSet<u64> = snap.rows.iter().map(|r| r.modseq).collect();
    assert_eq!(rows.len(), snap.rows.len());
    assert!(rows.iter().all(|m| *m <= snap.folder.highestmodseq));
}

/// A change made through one node's connection wakes the listener of another node.
#[test]
fn a_change_on_one_node_wakes_the_listener_of_another_within_a_second() {
    let Some(pg) = PgServer::start() else { return };
    let url = pg.database();
    let dir = tempfile::tempdir().unwrap();
    mailctl::maildir::deliver::ensure(dir.path()).unwrap();
    // The schema first (the listener LISTENs on a channel, which needs none, but the
    // writer below must not race the migration with the listener's start).
    let mut writer = Index::open_postgres(&url, "a@example.org", dir.path()).unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let listener = rt.block_on(async {
        Listener::start(&url, move |c| {
            let _ = tx.send(c);
        })
        .unwrap()
    });
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(30)),
        Ok(Change::Resync),
        "the listener is listening"
    );
    let m = message("1700000001.a.host");
    writer
        .place::<IndexError>("INBOX", &[&m], |_| Ok(()))
        .unwrap();
    let started = Instant::now();
    let mut heard = Vec::new();
    while let Ok(c) = rx.recv_timeout(Duration::from_secs(1).saturating_sub(started.elapsed())) {
        heard.push(c);
        if heard.contains(&inbox_of("a@example.org")) {
            break;
        }
    }
    assert!(heard.contains(&inbox_of("a@example.org")), "{heard:?}");
    // A flag change and an expunge wake it too; a STORE that changes nothing does not.
    writer
        .store_flags::<IndexError>("INBOX", &[1], |_, _| {
            Ok(Some(("S".to_string(), String::new())))
        })
        .unwrap();
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(1)),
        Ok(inbox_of("a@example.org"))
    );
    writer
        .store_flags::<IndexError>("INBOX", &[1], |_, _| Ok(None))
        .unwrap();
    writer
        .expunge::<IndexError>("INBOX", &[1], |_, _| Ok(true))
        .unwrap();
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(1)),
        Ok(inbox_of("a@example.org"))
    );
    // One wakeup for the expunge, none for the STORE that changed nothing.
    assert!(rx.recv_timeout(Duration::from_millis(300)).is_err());
    // The listener's connection dies (a PostgreSQL restart, a failover): it connects again,
    // says so (sessions look once), and hears the next change.
    let db = url.rsplit('/').next().unwrap();
    let killed: i64 = pg
        .client(db)
        .query_one(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
             WHERE query LIKE 'LISTEN%'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(killed, 1);
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(30)),
        Ok(Change::Resync),
        "listening again"
    );
    let m = message("1700000002.b.host");
    writer
        .place::<IndexError>("INBOX", &[&m], |_| Ok(()))
        .unwrap();
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(1)),
        Ok(inbox_of("a@example.org"))
    );
    drop(listener);
    rt.shutdown_timeout(Duration::from_secs(5));
}

fn inbox_of(account: &str) -> Change {
    Change::Folder {
        account: account.to_string(),
        folder: "INBOX".to_string(),
    }
}

/// Two nodes see a folder for the first time at once: the one whose snapshot began before
/// the other's row was committed reads that row in a new snapshot instead of failing.
#[test]
fn a_folder_another_node_creates_meanwhile_is_read_not_refused() {
    let Some(pg) = PgServer::start() else { return };
    let url = pg.database();
    let dir = tempfile::tempdir().unwrap();
    let reader = Index::open_postgres(&url, "a@example.org", dir.path()).unwrap();
    let db = url.rsplit('/').next().unwrap();
    let mut other = pg.client(db);
    let mut tx = other.transaction().unwrap();
    tx.batch_execute(
        "INSERT INTO mailbox_index.mailbox_folders (account, name, uidvalidity, uidnext, \
         highestmodseq) VALUES ('a@example.org', 'New', 777, 1, 1)",
    )
    .unwrap();
    std::thread::scope(|s| {
        let reading = s.spawn(move || reader.snapshot("New", 0, false));
        // Commit only once the reader waits on that row (its snapshot then predates it).
        let mut watcher = pg.client(db);
        let waiting = || -> i64 {
            watcher
                .query_one(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' \
                     AND query LIKE 'INSERT INTO folders%'",
                    &[],
                )
                .unwrap()
                .get(0)
        };
        let mut waiting = waiting;
        let started = Instant::now();
        while waiting() == 0 && started.elapsed() < Duration::from_secs(20) {
            std::thread::sleep(Duration::from_millis(20));
        }
        tx.commit().unwrap();
        let snap = reading.join().unwrap().unwrap();
        assert_eq!(snap.folder.uidvalidity, 777);
    });
}

/// The pooled indexes `serve` uses: an index given back ([`Index::release`]) holds no
/// connection, the next use borrows one and sets its own account on it, so two accounts
/// taking turns on one connection still see only their own rows; nothing is written into
/// the Maildirs.
#[test]
fn pooled_indexes_take_turns_on_one_connection_and_keep_accounts_apart() {
    let Some(pg) = PgServer::start() else { return };
    let url = pg.database();
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    // The core's schema, as `serve` migrates it at start.
    drop(Index::open_postgres(&url, "setup@example.org", d1.path()).unwrap());
    let indexes = Indexes::postgres(&url);
    let Indexes::Postgres(pool) = &indexes else {
        panic!("a postgres:// URL gives PostgreSQL indexes")
    };
    put(d1.path(), "new/1.a.host");
    put(d1.path(), "new/2.a.host");
    put(d2.path(), "new/3.b.host");
    let mut a = indexes.open("a@example.org", d1.path()).unwrap();
    let mut b = indexes.open("b@example.org", d2.path()).unwrap();
    for round in 0..3 {
        assert_eq!(
            a.sync("INBOX", d1.path()).unwrap().messages,
            2,
            "round {round}"
        );
        assert!(a.unique_of("INBOX", 2).unwrap().is_some());
        a.release();
        assert_eq!(
            b.sync("INBOX", d2.path()).unwrap().messages,
            1,
            "round {round}"
        );
        assert!(
            b.unique_of("INBOX", 2).unwrap().is_none(),
            "a's UID 2 is not b's"
        );
        b.release();
        assert_eq!(pool.open(), 1, "one connection served both, in turns");
    }
    // The switch to another account goes with the borrower's first statement.
    let before = Index::round_trips();
    assert!(a.unique_of("INBOX", 1).unwrap().is_some());
    assert_eq!(
        Index::round_trips() - before,
        1,
        "set to a's account in the same round trip"
    );
    a.release();
    // Without release each holder keeps its own.
    a.unique_of("INBOX", 1).unwrap();
    b.unique_of("INBOX", 1).unwrap();
    assert_eq!(pool.open(), 2);
    drop((a, b));
    assert!(!d1.path().join("mailctl.index.db").exists());
    assert!(!d2.path().join("mailctl.index.db").exists());
    let err = indexes.open("", d1.path()).err().unwrap().to_string();
    assert!(err.contains("account name is needed"), "{err}");
}
