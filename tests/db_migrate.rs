//! `mailctl db migrate --to postgres://…` (issue 21.5) against a real PostgreSQL 15: a
//! populated single-box SQLite server moves into PostgreSQL and answers every administration
//! command as before, passwords included; new rows continue after the copied ids; a second
//! move, or a move into a database that already holds a server, is refused and changes
//! nothing. Every mailbox index moves too, row for row: mbsync's state from before the move
//! names the UIDVALIDITY and UIDs PostgreSQL holds; the copy itself handles odd data and
//! can run twice without duplicating a row.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use common::cli::{command, run, text};
use common::postgres::PgServer;
use mailctl::maildir::index::{Index, IndexError, MetadataLimits, NewMessage, copy_to, set_aside};
use serde_json::Value;

fn cli(dir: &Path, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut c = command(dir);
    c.args(args);
    let o = run(
        c,
        stdin.map(|s| s.as_bytes().to_vec()),
        Duration::from_secs(120),
    );
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        text(&o),
    )
}

fn ok(dir: &Path, args: &[&str], stdin: Option<&str>) -> String {
    let (code, out, all) = cli(dir, args, stdin);
    assert_eq!(code, 0, "mailctl {args:?}: {all}");
    out
}

/// A small single-box server: two domains, three users, aliases, settings, a Sieve script.
fn populated() -> tempfile::TempDir {
    // SQLite by nature: the server `db migrate` moves from.
    let dir = common::engine::sqlite_data_dir();
    let d = dir.path();
    ok(d, &["domain", "add", "example.org", "--create"], None);
    ok(d, &["domain", "add", "example.net"], None);
    ok(d, &["config", "set", "auth.argon2_memory", "1M"], None);
    ok(d, &["config", "set", "auth.argon2_iterations", "1"], None);
    for u in ["alice@example.org", "bob@example.org", "carol@example.net"] {
        ok(
            d,
            &["user", "add", u, "--password-stdin"],
            Some(&format!("pw of {u}\n")),
        );
    }
    ok(
        d,
        &[
            "alias",
            "add",
            "info@example.org",
            "alice@example.org",
            "bob@example.org",
        ],
        None,
    );
    ok(
        d,
        &["alias", "add", "@example.net", "carol@example.net"],
        None,
    );
    ok(d, &["config", "set", "smtp.max_message_size", "10M"], None);
    let script = d.join("rules.sieve");
    std::fs::write(
        &script,
        "require \"fileinto\";\nif header :contains \"subject\" \"x\" { fileinto \"X\"; }\n",
    )
    .unwrap();
    ok(
        d,
        &[
            "sieve",
            "put",
            "alice@example.org",
            "rules",
            script.to_str().unwrap(),
        ],
        None,
    );
    dir
}

/// What the administration commands say, as JSON.
fn answers(d: &Path) -> Vec<Value> {
    [
        &["domain", "list"][..],
        &["user", "list"],
        &["alias", "list"],
        &["config", "get", "smtp.max_message_size"],
    ]
    .iter()
    .map(|args| {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        let out = ok(d, &a, None);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
    })
    .collect()
}

#[test]
fn a_sqlite_server_moves_to_postgres_and_answers_as_before() {
    let Some(pg) = PgServer::start() else { return };
    let dir = populated();
    let d = dir.path();
    let before = answers(d);
    // One database for the whole test (each `database()` call creates a new one).
    let url = pg.database();

    // The URL from stdin, so its password is never an argument.
    let out = ok(d, &["--json", "db", "migrate", "--to", "-"], Some(&url));
    let report: Value = serde_json::from_str(&out).unwrap();
    let rows = |t: &str| {
        report["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["table"] == t)
            .map(|x| x["rows"].as_u64().unwrap())
    };
    assert_eq!(rows("users"), Some(3), "{report}");
    assert_eq!(rows("domains"), Some(2), "{report}");
    assert_eq!(rows("sieve_scripts"), Some(1), "{report}");
    assert!(!report.to_string().contains("mailctl-test-pw"), "{report}");

    // The data directory now names PostgreSQL, owner-only; the SQLite core is set aside.
    use std::os::unix::fs::PermissionsExt;
    let url_file = d.join("database.url");
    assert_eq!(
        std::fs::metadata(&url_file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(!d.join("mailctl.db").exists());
    assert!(d.join("mailctl.db.moved-to-postgres").exists());

    assert_eq!(answers(d), before, "the same answers from PostgreSQL");
    for u in ["alice@example.org", "bob@example.org", "carol@example.net"] {
        ok(
            d,
            &["user", "test-password", u],
            Some(&format!("pw of {u}\n")),
        );
    }
    let (code, _, all) = cli(
        d,
        &["user", "test-password", "bob@example.org"],
        Some("wrong\n"),
    );
    assert_eq!(code, 1, "{all}");
    // Rows added after the move get ids after the copied ones (no duplicate key).
    ok(
        d,
        &["user", "add", "dave@example.org", "--password-stdin"],
        Some("pw of dave\n"),
    );
    ok(d, &["domain", "add", "example.com"], None);
    ok(
        d,
        &["alias", "add", "sales@example.com", "dave@example.org"],
        None,
    );

    // Moving again is refused: this data directory already uses PostgreSQL.
    let (code, _, all) = cli(d, &["db", "migrate", "--to", &url], None);
    assert_eq!(code, 1, "{all}");
    assert!(all.contains("already uses PostgreSQL"), "{all}");

    // Another server cannot be moved over this one; it stays on SQLite, untouched.
    let other = populated();
    let (code, _, all) = cli(other.path(), &["db", "migrate", "--to", &url], None);
    assert_eq!(code, 1, "{all}");
    assert!(all.contains("already holds data"), "{all}");
    assert!(all.contains("nothing changed"), "{all}");
    assert!(other.path().join("mailctl.db").exists());
    assert!(!other.path().join("database.url").exists());
    assert_eq!(answers(other.path())[1].as_array().unwrap().len(), 3);
}

#[test]
fn a_url_that_is_not_postgres_is_a_usage_error() {
    let dir = populated();
    let (code, _, all) = cli(dir.path(), &["db", "migrate", "--to", "mysql://x"], None);
    assert_eq!(code, 2, "{all}");
    assert!(dir.path().join("mailctl.db").exists());
}

/// Every row of every table of a SQLite mailbox index, each value as text (blobs as hex),
/// rows sorted: the whole index, not a count.
type Dump = BTreeMap<String, Vec<Vec<Option<String>>>>;

/// PostgreSQL keeps this column as BYTEA: both dumps show it as hex.
fn is_bytes(table: &str, column: &str) -> bool {
    table == "metadata" && column == "value"
}

fn sqlite_dump(file: &Path) -> Dump {
    let conn = rusqlite::Connection::open(file).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = Dump::new();
    for t in tables {
        let columns = sqlite_columns(&conn, &t);
        let exprs: Vec<String> = columns
            .iter()
            .map(|c| match is_bytes(&t, c) {
                true => format!("lower(hex({c}))"),
                false => format!("CAST({c} AS TEXT)"),
            })
            .collect();
        let mut rows: Vec<Vec<Option<String>>> = conn
            .prepare(&format!("SELECT {} FROM {t}", exprs.join(", ")))
            .unwrap()
            .query_map([], |r| (0..columns.len()).map(|i| r.get(i)).collect())
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        rows.sort();
        out.insert(t, rows);
    }
    out
}

fn sqlite_columns(conn: &rusqlite::Connection, table: &str) -> Vec<String> {
    let mut columns: Vec<String> = conn
        .prepare(&format!("PRAGMA table_info({table})"))
        .unwrap()
        .query_map([], |r| r.get(1))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    columns.sort();
    columns
}

/// The same dump of one account's rows in PostgreSQL, with the SQLite dump's tables and
/// columns (`like`), read from the tables under the views.
fn postgres_dump(pg: &mut postgres::Client, account: &str, like: &Dump, file: &Path) -> Dump {
    let conn = rusqlite::Connection::open(file).unwrap();
    let mut out = Dump::new();
    for t in like.keys() {
        let columns = sqlite_columns(&conn, t);
        let exprs: Vec<String> = columns
            .iter()
            .map(|c| match is_bytes(t, c) {
                true => format!("encode({c}, 'hex')"),
                false => format!("{c}::text"),
            })
            .collect();
        let mut rows: Vec<Vec<Option<String>>> = pg
            .query(
                &format!(
                    "SELECT {} FROM mailbox_index.mailbox_{t} WHERE account = $1",
                    exprs.join(", ")
                ),
                &[&account],
            )
            .unwrap()
            .iter()
            .map(|r| (0..columns.len()).map(|i| r.get(i)).collect())
            .collect();
        rows.sort();
        out.insert(t.clone(), rows);
    }
    out
}

/// What the index API reports for each folder (UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ, each
/// message's UID, MODSEQ, flags and keywords, the expunged UIDs), and the account's
/// subscriptions, special-use folders, metadata and default-folders mark.
fn index_view(ix: &Index, folders: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for f in folders {
        let snap = ix.snapshot(f, 0, true).unwrap();
        let r = snap.folder;
        out.push(format!(
            "{f}: validity {} next {} modseq {} recent {} id {}",
            r.uidvalidity,
            r.uidnext,
            r.highestmodseq,
            r.first_recent_uid,
            ix.mailbox_id(f).unwrap()
        ));
        for m in &snap.rows {
            out.push(format!(
                "{f} {} {} {:?} {:?} {} {} {:?} {:?} {}",
                m.uid,
                m.unique,
                m.letters,
                m.keywords,
                m.modseq,
                m.size,
                m.internal_date,
                m.save_date,
                m.email_id
            ));
        }
        out.push(format!("{f} expunged {:?}", snap.expunged));
        out.push(format!("{f} metadata {:?}", ix.metadata(f).unwrap()));
    }
    let mut special: Vec<_> = ix.special_uses().unwrap().into_iter().collect();
    special.sort();
    out.push(format!("special {special:?}"));
    out.push(format!("subscribed {:?}", ix.subscriptions().unwrap()));
    out.push(format!("defaults {}", ix.defaults_done().unwrap()));
    out
}

/// The folders of a SQLite index file.
fn folders_of(file: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(file).unwrap();
    conn.prepare("SELECT name FROM folders ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn new_message(unique: &str, letters: &str, keywords: &str) -> NewMessage {
    NewMessage {
        unique: unique.to_string(),
        letters: letters.to_string(),
        keywords: keywords.to_string(),
        size: 42,
        internal_date: 1_700_000_000,
        email_id: None,
    }
}

/// Odd data through the index API: keywords with quotes and non-ASCII, folder names with
/// `.` (escaped on disk) and `/`, an empty folder, an expunge, metadata, subscriptions.
fn odd_index(root: &Path) {
    mailctl::maildir::deliver::ensure(root).unwrap();
    let mut ix = Index::open(root).unwrap();
    let odd = "O'Brien \"x\"\\y €uro";
    let a = new_message("1700000001.a.host", "S", "$Label1");
    let b = new_message("1700000002.b.host", "", odd);
    let c = new_message("1700000003.c.host", "FS", "");
    ix.place::<IndexError>("INBOX", &[&a, &b, &c], |_| Ok(()))
        .unwrap();
    ix.place::<IndexError>("v1.2", &[&a, &c], |_| Ok(()))
        .unwrap();
    ix.place::<IndexError>("Work/Sub.dir", &[&b], |_| Ok(()))
        .unwrap();
    ix.create_folder("Empty", None).unwrap();
    ix.create_folder("Sent", Some("\\Sent")).unwrap();
    ix.store_flags::<IndexError>("INBOX", &[1], |_, cur| {
        Ok(Some((format!("{}R", cur.letters), format!("{odd} $Done"))))
    })
    .unwrap();
    ix.expunge::<IndexError>("INBOX", &[2], |_, _| Ok(true))
        .unwrap();
    ix.subscribe("v1.2").unwrap();
    ix.subscribe("Ünïcode 'quoted'").unwrap();
    let entry = (
        "/private/comment".to_string(),
        Some(b"bytes \xff\x00 and 'quotes'".to_vec()),
    );
    ix.set_metadata("v1.2", &[entry], MetadataLimits::default())
        .unwrap()
        .unwrap();
    ix.mark_defaults_done().unwrap();
}

/// The copy function itself, SQLite to PostgreSQL, on odd data: every row arrives as it
/// was, a second copy (a move run again) replaces instead of duplicating, and another
/// account's rows in the same tables are left alone.
#[test]
fn copy_to_moves_every_row_of_an_odd_index() {
    let Some(pg) = PgServer::start() else { return };
    let url = pg.database();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    odd_index(root);
    let file = Index::path(root);
    let before = sqlite_dump(&file);
    assert_eq!(before["expunged"].len(), 1, "{before:#?}");
    assert!(
        before["folders"]
            .iter()
            .any(|r| r.contains(&Some("v1.2".into())))
    );

    // Another account already in the tables.
    let other = Index::open_postgres(&url, "other@example.org", root).unwrap();
    other.subscribe("Theirs").unwrap();

    let from = Index::open(root).unwrap();
    let mut to = Index::open_postgres(&url, "odd@example.org", root).unwrap();
    let mut seen = 0;
    let copied = copy_to(&from, &to, &mut |n| seen = n).unwrap();
    assert_eq!(copied["messages"], 5, "{copied:?}");
    assert_eq!(seen, copied.values().sum::<u64>());
    let db = url.rsplit('/').next().unwrap();
    let mut admin = pg.client(db);
    assert_eq!(
        postgres_dump(&mut admin, "odd@example.org", &before, &file),
        before
    );
    let folders = folders_of(&file);
    assert_eq!(index_view(&to, &folders), index_view(&from, &folders));

    // Again, as a move run after a failure would: the same rows, once.
    copy_to(&from, &to, &mut |_| {}).unwrap();
    assert_eq!(
        postgres_dump(&mut admin, "odd@example.org", &before, &file),
        before
    );
    assert_eq!(other.subscriptions().unwrap(), ["Theirs"]);

    // The copy goes on where the SQLite index stopped: no UID is handed out twice.
    let d = new_message("1700000004.d.host", "", "");
    let (_, uids) = to.place::<IndexError>("INBOX", &[&d], |_| Ok(())).unwrap();
    assert_eq!(uids, [4]);

    // Set aside, the file is gone from where the index would open it.
    drop(from);
    let kept = set_aside(root).unwrap().unwrap();
    assert!(kept.ends_with("mailctl.index.db.moved-to-postgres"));
    assert!(!file.exists());
    assert_eq!(sqlite_dump(&kept), before);
}

/// Fills a user's mailbox over IMAP as a mail client would: messages in INBOX, `Work` and
/// `v1.2` (a `.` in the name), an empty folder, flags, a keyword, an expunge, subscriptions.
const FILL: &str = r#"
import imaplib, sys
port, user, pw = int(sys.argv[1]), sys.argv[2], sys.argv[3]
m = imaplib.IMAP4('127.0.0.1', port)
m.login(user, pw)
def msg(i):
    return ('From: a@example.test\r\nTo: %s\r\nSubject: m%d\r\n\r\nbody %d\r\n' % (user, i, i)).encode()
for i in range(4):
    m.append('INBOX', None, None, msg(i))
for f in ['Work', 'v1.2', 'Empty']:
    assert m.create(f)[0] == 'OK', f
for i in range(4, 6):
    m.append('Work', None, None, msg(i))
m.append('v1.2', '(\\Seen)', None, msg(6))
m.subscribe('Work')
m.subscribe('v1.2')
m.select('INBOX')
assert m.uid('STORE', '1', '+FLAGS', '(\\Seen \\Flagged)')[0] == 'OK'
assert m.uid('STORE', '2', '+FLAGS', '($Label1)')[0] == 'OK'
assert m.uid('STORE', '3', '+FLAGS', '(\\Deleted)')[0] == 'OK'
m.expunge()
m.logout()
"#;

/// mbsync's state under `home/local`: per folder, the far UIDVALIDITY and the far UIDs
/// it holds messages for.
fn mbsync_state(home: &Path) -> BTreeMap<String, (u32, Vec<u32>)> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(home.join("local")).unwrap().flatten() {
        let Ok(text) = std::fs::read_to_string(e.path().join(".mbsyncstate")) else {
            continue;
        };
        let validity = text
            .lines()
            .find_map(|l| l.strip_prefix("FarUidValidity "))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("{text}"));
        let mut uids: Vec<u32> = text
            .lines()
            .filter_map(|l| l.split(' ').next()?.parse().ok())
            .filter(|&uid: &u32| uid > 0)
            .collect();
        uids.sort();
        out.insert(
            e.file_name().to_string_lossy().into_owned(),
            (validity, uids),
        );
    }
    out
}

/// #21's check of `db migrate`: a SQLite server with two users whose mailboxes were filled
/// and synced by mbsync moves to PostgreSQL; each mailbox index there reports what SQLite
/// did (every row of every table, and the index API's view), mbsync's cached UIDVALIDITY
/// and UIDs are the ones PostgreSQL holds, every user's password still logs in, and the
/// SQLite index files are renamed aside.
#[test]
fn mailbox_indexes_move_with_their_uids_and_mbsync_state_stays_valid() {
    common::tools::require("python3");
    let Some(pg) = PgServer::start() else { return };
    // SQLite by nature: the server `db migrate` moves from.
    let tmp = common::engine::sqlite_data_dir();
    common::users::example_test_in(tmp.path(), "", &["localhost"]);
    let d = tmp.path();
    // carol never logs in: her Maildir has no index yet, which is fine.
    common::users::add_user(d, "carol@example.test", "carol pw 1", &[]);
    let users = ["alice@example.test", "bob@example.test"];
    let pw = common::users::PASSWORD;
    let srv = common::serve::Serve::start(d, &["imap", "--allow-root"], &["imap"]);
    let homes: Vec<tempfile::TempDir> =
        users.iter().map(|_| tempfile::tempdir().unwrap()).collect();
    for (u, home) in users.iter().zip(&homes) {
        common::tools::python(FILL, &[&srv.port("imap").to_string(), u, pw]);
        common::mbsync::pull(home.path(), srv.port("imap"), u, pw);
    }
    srv.stop();

    let root = |u: &str| common::maildir::of(d, u.split('@').next().unwrap(), "example.test");
    let before: Vec<(Dump, Vec<String>, Vec<String>)> = users
        .iter()
        .map(|u| {
            let file = Index::path(&root(u));
            let folders = folders_of(&file);
            let view = index_view(&Index::open(&root(u)).unwrap(), &folders);
            (sqlite_dump(&file), folders, view)
        })
        .collect();
    for (dump, folders, _) in &before {
        assert_eq!(dump["expunged"].len(), 1, "{dump:#?}");
        assert!(folders.iter().any(|f| f == "v1.2"), "{folders:?}");
        assert!(folders.iter().any(|f| f == "Empty"), "{folders:?}");
        assert_eq!(dump["subscriptions"].len(), 2, "{dump:#?}");
    }

    // A move that fails half-way (bob's index is not a database) leaves the data directory on
    // SQLite and alice's rows in PostgreSQL; run again, it replaces them: one copy, not two.
    let url = pg.database();
    let db = url.rsplit('/').next().unwrap();
    let mut admin = pg.client(db);
    let bob = Index::path(&root(users[1]));
    let real = bob.with_extension("db.real");
    std::fs::rename(&bob, &real).unwrap();
    std::fs::write(&bob, [b'x'; 4096]).unwrap();
    let (code, _, all) = cli(d, &["db", "migrate", "--to", "-"], Some(&url));
    assert_eq!(code, 1, "{all}");
    assert!(all.contains("mailbox index of bob@example.test"), "{all}");
    assert!(all.contains("nothing changed here"), "{all}");
    assert!(d.join("mailctl.db").exists() && !d.join("database.url").exists());
    assert!(
        Index::path(&root(users[0])).exists(),
        "set aside by a failed move"
    );
    let copied: i64 = admin
        .query_one(
            "SELECT count(*) FROM mailbox_index.mailbox_messages WHERE account = $1",
            &[&users[0]],
        )
        .unwrap()
        .get(0);
    assert_eq!(copied, 6);
    std::fs::rename(&real, &bob).unwrap();

    let out = ok(d, &["--json", "db", "migrate", "--to", "-"], Some(&url));
    let report: Value = serde_json::from_str(&out).unwrap();
    let ix = &report["mailbox_indexes"];
    assert_eq!(ix["accounts"], 2, "{report:#}");
    assert_eq!(ix["without_index"], 1, "{report:#}");
    assert_eq!(ix["rows"]["messages"], 2 * 6, "{report:#}");
    assert_eq!(
        ix["set_aside"].as_array().map(Vec::len),
        Some(2),
        "{report:#}"
    );

    for ((u, home), (dump, folders, view)) in users.iter().zip(&homes).zip(&before) {
        let r = root(u);
        let kept = r.join("mailctl.index.db.moved-to-postgres");
        assert!(kept.exists() && !Index::path(&r).exists(), "{u}");
        assert_eq!(&postgres_dump(&mut admin, u, dump, &kept), dump, "{u}");
        let moved = Index::open_postgres(&url, u, &r).unwrap();
        assert_eq!(&index_view(&moved, folders), view, "{u}");
        // What mbsync cached before the move is what PostgreSQL now holds.
        let state = mbsync_state(home.path());
        assert!(
            state.contains_key("v1.2") && state.contains_key("INBOX"),
            "{state:?}"
        );
        for (folder, (validity, uids)) in state {
            let snap = moved.snapshot(&folder, 0, false).unwrap();
            assert_eq!(snap.folder.uidvalidity, validity, "{u} {folder}");
            let now: Vec<u32> = snap.rows.iter().map(|m| m.uid).collect();
            assert_eq!(now, uids, "{u} {folder}");
        }
    }
    // The core's login check (`user test-password`): this tree's `serve` refuses a
    // PostgreSQL data directory until h/pgserve lands, so IMAP LOGIN cannot be tried here.
    for u in users {
        ok(d, &["user", "test-password", u], Some(&format!("{pw}\n")));
    }
    ok(
        d,
        &["user", "test-password", "carol@example.test"],
        Some("carol pw 1\n"),
    );
    let (code, _, all) = cli(d, &["user", "test-password", users[0]], Some("wrong\n"));
    assert_eq!(code, 1, "{all}");
}
