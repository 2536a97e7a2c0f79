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

/// The same two ids in PostgreSQL's words (its `random()` is a float, it has no
/// `randomblob`): bits of a version-4 UUID, hashed so that none of them is fixed.
const PG_NEW_EMAIL_ID: &str = "(('x' || substr(md5(gen_random_uuid()::text), 1, 16))::bit(64)::bigint \
     & 9223372036854775807)";
const PG_NEW_MAILBOX_ID: &str = "('F' || substr(md5(gen_random_uuid()::text), 1, 24))";

pub(super) fn new_email_id(sql: &crate::core::sql::Sql) -> &'static str {
    if sql.is_postgres() {
        PG_NEW_EMAIL_ID
    } else {
        NEW_EMAIL_ID
    }
}

pub(super) fn new_mailbox_id(sql: &crate::core::sql::Sql) -> &'static str {
    if sql.is_postgres() {
        PG_NEW_MAILBOX_ID
    } else {
        NEW_MAILBOX_ID
    }
}

/// The index on PostgreSQL (issue 21), created by the core's migration list
/// (`crate::core::migrations`, migration 17): the same tables in one set for every account,
/// keyed by `account` (the key [`super::Index::open_postgres`] was given), in the schema
/// `mailbox_index` (the core's tables are in `public`). The index reaches them through the
/// views beside them, named and shaped as the SQLite file's tables and limited to the account its connection set in `mailctl.account` (the
/// column's default fills it on insert, the check option refuses another account's rows), so
/// the index's statements are written once for both engines. Every column is BIGINT where
/// SQLite's is INTEGER (UIDVALIDITY does not fit PostgreSQL's 32-bit INTEGER).
///
/// A change of a folder's UIDNEXT or HIGHESTMODSEQ, or a folder made, renamed or dropped,
/// is announced at commit on the channel `mailctl_index` with the payload
/// `["account","folder"]` (a trigger, so no writer can forget it): every node's listener
/// (`super::notify`) wakes its sessions on that folder.
pub const POSTGRES_TABLES: &str = "CREATE SCHEMA mailbox_index;
    CREATE TABLE mailbox_index.mailbox_folders (
        account TEXT NOT NULL DEFAULT current_setting('mailctl.account'),
        name TEXT NOT NULL,
        uidvalidity BIGINT NOT NULL,
        uidnext BIGINT NOT NULL,
        highestmodseq BIGINT NOT NULL,
        special_use TEXT,
        new_mtime BIGINT NOT NULL DEFAULT 0,
        cur_mtime BIGINT NOT NULL DEFAULT 0,
        first_recent_uid BIGINT NOT NULL DEFAULT 0,
        mailbox_id TEXT,
        PRIMARY KEY (account, name)
    );
    CREATE TABLE mailbox_index.mailbox_messages (
        account TEXT NOT NULL DEFAULT current_setting('mailctl.account'),
        folder TEXT NOT NULL,
        uid BIGINT NOT NULL,
        uniq TEXT NOT NULL,
        flags TEXT NOT NULL,
        modseq BIGINT NOT NULL,
        size BIGINT NOT NULL,
        keywords TEXT NOT NULL DEFAULT '',
        internal_date BIGINT,
        in_new BIGINT NOT NULL DEFAULT 0,
        save_date BIGINT,
        email_id BIGINT,
        PRIMARY KEY (account, folder, uid),
        UNIQUE (account, folder, uniq)
    );
    CREATE INDEX mailbox_messages_modseq ON mailbox_index.mailbox_messages (account, folder, modseq);
    CREATE INDEX mailbox_messages_in_new ON mailbox_index.mailbox_messages (account, folder) WHERE in_new = 1;
    CREATE TABLE mailbox_index.mailbox_expunged (
        account TEXT NOT NULL DEFAULT current_setting('mailctl.account'),
        folder TEXT NOT NULL,
        uid BIGINT NOT NULL,
        modseq BIGINT NOT NULL,
        PRIMARY KEY (account, folder, uid)
    );
    CREATE INDEX mailbox_expunged_modseq ON mailbox_index.mailbox_expunged (account, folder, modseq);
    CREATE TABLE mailbox_index.mailbox_subscriptions (
        account TEXT NOT NULL DEFAULT current_setting('mailctl.account'),
        name TEXT NOT NULL,
        PRIMARY KEY (account, name)
    );
    CREATE TABLE mailbox_index.mailbox_meta (
        account TEXT NOT NULL DEFAULT current_setting('mailctl.account'),
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (account, key)
    );
    CREATE TABLE mailbox_index.mailbox_metadata (
        account TEXT NOT NULL DEFAULT current_setting('mailctl.account'),
        folder TEXT NOT NULL,
        entry TEXT NOT NULL,
        value BYTEA NOT NULL,
        PRIMARY KEY (account, folder, entry)
    );
    CREATE VIEW mailbox_index.folders AS SELECT name, uidvalidity, uidnext, highestmodseq,
        special_use, new_mtime, cur_mtime, first_recent_uid, mailbox_id FROM mailbox_index.mailbox_folders
        WHERE account = current_setting('mailctl.account') WITH LOCAL CHECK OPTION;
    CREATE VIEW mailbox_index.messages AS SELECT folder, uid, uniq, flags, modseq, size,
        keywords, internal_date, in_new, save_date, email_id FROM mailbox_index.mailbox_messages
        WHERE account = current_setting('mailctl.account') WITH LOCAL CHECK OPTION;
    CREATE VIEW mailbox_index.expunged AS SELECT folder, uid, modseq FROM mailbox_index.mailbox_expunged
        WHERE account = current_setting('mailctl.account') WITH LOCAL CHECK OPTION;
    CREATE VIEW mailbox_index.subscriptions AS SELECT name FROM mailbox_index.mailbox_subscriptions
        WHERE account = current_setting('mailctl.account') WITH LOCAL CHECK OPTION;
    CREATE VIEW mailbox_index.meta AS SELECT key, value FROM mailbox_index.mailbox_meta
        WHERE account = current_setting('mailctl.account') WITH LOCAL CHECK OPTION;
    CREATE VIEW mailbox_index.metadata AS SELECT folder, entry, value FROM mailbox_index.mailbox_metadata
        WHERE account = current_setting('mailctl.account') WITH LOCAL CHECK OPTION;
    CREATE FUNCTION mailbox_index.folder_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' AND (TG_OP = 'DELETE' OR NEW.name <> OLD.name) THEN
            PERFORM pg_notify('mailctl_index', json_build_array(OLD.account, OLD.name)::text);
        END IF;
        IF TG_OP = 'DELETE' THEN
            NULL;
        ELSIF TG_OP = 'INSERT' OR NEW.uidnext <> OLD.uidnext
            OR NEW.highestmodseq <> OLD.highestmodseq OR NEW.name <> OLD.name THEN
            PERFORM pg_notify('mailctl_index', json_build_array(NEW.account, NEW.name)::text);
        END IF;
        RETURN NULL;
    END $$;
    CREATE TRIGGER mailbox_folders_notify AFTER INSERT OR UPDATE OR DELETE ON mailbox_index.mailbox_folders
        FOR EACH ROW EXECUTE FUNCTION mailbox_index.folder_changed();";

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
