//! The index's tables as the first version created them, and the migrations that bring an
//! index written by an older mailctl up to date (keeping its UIDs).

use rusqlite::{Connection, TransactionBehavior, params};

/// Tables as the first version created them; [`migrate`] adds what later versions need, so
/// an index written by an older mailctl keeps its UIDs.
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS folders (
    name TEXT PRIMARY KEY,
    uidvalidity INTEGER NOT NULL,
    uidnext INTEGER NOT NULL,
    highestmodseq INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
    folder TEXT NOT NULL,
    uid INTEGER NOT NULL,
    uniq TEXT NOT NULL,
    flags TEXT NOT NULL,
    modseq INTEGER NOT NULL,
    size INTEGER NOT NULL,
    PRIMARY KEY (folder, uid),
    UNIQUE (folder, uniq)
);
CREATE TABLE IF NOT EXISTS expunged (
    folder TEXT NOT NULL,
    uid INTEGER NOT NULL,
    modseq INTEGER NOT NULL,
    PRIMARY KEY (folder, uid)
);
CREATE INDEX IF NOT EXISTS expunged_modseq ON expunged (folder, modseq);
CREATE TABLE IF NOT EXISTS subscriptions (name TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- RFC 5464 METADATA: folder '' holds the server entries; entries are full names
-- (/private/comment, /shared/comment). A new table needs no migration beyond this line.
CREATE TABLE IF NOT EXISTS metadata (
    folder TEXT NOT NULL,
    entry TEXT NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (folder, entry)
);";

/// Columns added after the first version: (table, column, definition).
const ADDED: [(&str, &str, &str); 10] = [
    ("messages", "keywords", "TEXT NOT NULL DEFAULT ''"),
    ("messages", "internal_date", "INTEGER"),
    // 1 while the file is still in new/: STATUS RECENT, and SELECT must move it.
    ("messages", "in_new", "INTEGER NOT NULL DEFAULT 0"),
    ("folders", "special_use", "TEXT"),
    // mtimes (ns) of new/ and cur/ when the index was last in line with them; 0 = unknown.
    ("folders", "new_mtime", "INTEGER NOT NULL DEFAULT 0"),
    ("folders", "cur_mtime", "INTEGER NOT NULL DEFAULT 0"),
    // RFC 3501 \Recent, as Dovecot keeps it: UIDs from here up are \Recent for the next
    // read-write session that sees them, which moves it to UIDNEXT (claims them).
    ("folders", "first_recent_uid", "INTEGER NOT NULL DEFAULT 0"),
    // RFC 8514 SAVEDATE: when the message was put into this folder (seconds).
    ("messages", "save_date", "INTEGER"),
    // RFC 8474 EMAILID: random, carried by COPY and MOVE (63 bits, shown as hex).
    ("messages", "email_id", "INTEGER"),
    // RFC 8474 MAILBOXID: random, kept by RENAME (the row is renamed, not recreated).
    ("folders", "mailbox_id", "TEXT"),
];

/// A fresh RFC 8474 object id in SQL: 63 random bits. Both ids are made in SQL so that an
/// insert and a migration share the one definition.
pub(super) const NEW_EMAIL_ID: &str = "(random() & 0x7fffffffffffffff)";
pub(super) const NEW_MAILBOX_ID: &str = "('F' || lower(hex(randomblob(12))))";

/// Values for rows older than a column. The save date of an old row is its internal date:
/// for a Maildir that is the delivery (or APPEND) time, and a file's ctime would be no
/// better (every flag change renames the file and moves it). A row without an internal date
/// keeps NULL and is read with the time in its file name (`crate::imap::backend`).
fn backfill(tx: &Connection, column: &str) -> rusqlite::Result<()> {
    match column {
        "save_date" => tx.execute_batch("UPDATE messages SET save_date = internal_date"),
        "email_id" => tx.execute_batch(&format!("UPDATE messages SET email_id = {NEW_EMAIL_ID}")),
        "mailbox_id" => {
            tx.execute_batch(&format!("UPDATE folders SET mailbox_id = {NEW_MAILBOX_ID}"))
        }
        _ => Ok(()),
    }
}

/// The indexes every refresh needs. modseq: every refresh asks "what changed since";
/// in_new: every read-write refresh asks "anything left in new/" — neither may walk a
/// 100,000-row folder.
const INDEXES: &str = "
CREATE INDEX IF NOT EXISTS messages_modseq ON messages (folder, modseq);
CREATE INDEX IF NOT EXISTS messages_in_new ON messages (folder) WHERE in_new = 1;";

/// FNV-1a over the schema's text, so any change to [`SCHEMA`], [`ADDED`] or [`INDEXES`]
/// gives another stamp without anyone remembering to bump a number.
const fn fnv(mut h: u32, s: &str) -> u32 {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        h ^= b[i] as u32;
        h = h.wrapping_mul(0x0100_0193);
        i += 1;
    }
    h
}

/// What `PRAGMA user_version` holds once [`migrate`] has brought an index to this schema
/// (indexes of mailctl versions before the stamp hold 0). Positive, never 0.
pub(super) const STAMP: i32 = {
    let mut h = fnv(0x811c_9dc5, SCHEMA);
    let mut i = 0;
    while i < ADDED.len() {
        h = fnv(h, ADDED[i].0);
        h = fnv(h, ADDED[i].1);
        h = fnv(h, ADDED[i].2);
        i += 1;
    }
    h = fnv(h, INDEXES);
    ((h & 0x7fff_ffff) | 1) as i32
};

/// Brings the index to this version's schema. An index already stamped with [`STAMP`] costs
/// one read of its header: every IMAP login opens the index, and a write transaction per
/// login (with ~20 statements) would queue every login behind the account's other writers.
pub(super) fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let stamp: i32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if stamp == STAMP {
        return Ok(());
    }
    // IMMEDIATE: two processes opening a fresh index must not both add a column.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch(SCHEMA)?;
    for (table, column, def) in ADDED {
        let has: bool = tx.query_row(
            "SELECT count(*) FROM pragma_table_info(?1) WHERE name = ?2",
            params![table, column],
            |r| r.get::<_, i64>(0).map(|n| n > 0),
        )?;
        if !has {
            tx.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {column} {def}"))?;
            backfill(&tx, column)?;
            if column == "first_recent_uid" {
                // An index from before: what was \Recent then (files still in new/) stays so.
                tx.execute_batch(
                    "UPDATE folders SET first_recent_uid = coalesce((SELECT min(uid) FROM messages m \
                     WHERE m.folder = folders.name AND m.in_new = 1), uidnext)",
                )?;
            }
        }
    }
    tx.execute_batch(INDEXES)?;
    tx.pragma_update(None, "user_version", STAMP)?;
    tx.commit()
}
