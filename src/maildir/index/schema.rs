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
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);";

/// Columns added after the first version: (table, column, definition).
const ADDED: [(&str, &str, &str); 7] = [
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
];

pub(super) fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
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
            if column == "first_recent_uid" {
                // An index from before: what was \Recent then (files still in new/) stays so.
                tx.execute_batch(
                    "UPDATE folders SET first_recent_uid = coalesce((SELECT min(uid) FROM messages m \
                     WHERE m.folder = folders.name AND m.in_new = 1), uidnext)",
                )?;
            }
        }
    }
    // modseq: every refresh asks "what changed since"; in_new: every read-write refresh asks
    // "anything left in new/" — neither may walk a 100,000-row folder.
    tx.execute_batch(
        "CREATE INDEX IF NOT EXISTS messages_modseq ON messages (folder, modseq);
         CREATE INDEX IF NOT EXISTS messages_in_new ON messages (folder) WHERE in_new = 1;",
    )?;
    tx.commit()
}
