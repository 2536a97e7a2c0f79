//! Opening the database: pragmas, numbered migrations, and the settings table.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::settings::{self, Setting};
use super::{CoreError, DataDir, Result};

/// Migrations in order; `PRAGMA user_version` holds how many have been applied. Append only:
/// a released migration never changes.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: administration tables.
    "CREATE TABLE domains (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created INTEGER NOT NULL
    );
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        domain_id INTEGER NOT NULL REFERENCES domains(id),
        address TEXT NOT NULL UNIQUE,
        password TEXT NOT NULL,
        quota INTEGER NOT NULL DEFAULT 0,
        enabled INTEGER NOT NULL DEFAULT 1,
        created INTEGER NOT NULL
    );
    CREATE INDEX users_domain ON users(domain_id);
    CREATE TABLE aliases (
        id INTEGER PRIMARY KEY,
        domain_id INTEGER NOT NULL REFERENCES domains(id),
        source TEXT NOT NULL,
        destination TEXT NOT NULL,
        created INTEGER NOT NULL,
        UNIQUE (source, destination)
    );
    CREATE INDEX aliases_domain ON aliases(domain_id);
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );",
    // 2: the mail queue and auth-failure bans (see core/queue.rs and core/bans.rs).
    "CREATE TABLE queue_messages (
        id TEXT PRIMARY KEY,
        mail_from TEXT NOT NULL,
        auth_user TEXT,
        remote_ip TEXT NOT NULL,
        helo TEXT NOT NULL,
        smtputf8 INTEGER NOT NULL DEFAULT 0,
        size INTEGER NOT NULL,
        created INTEGER NOT NULL,
        held INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE queue_recipients (
        id INTEGER PRIMARY KEY,
        message_id TEXT NOT NULL REFERENCES queue_messages(id) ON DELETE CASCADE,
        address TEXT NOT NULL,
        original TEXT,
        local INTEGER NOT NULL,
        status TEXT NOT NULL DEFAULT 'queued',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt INTEGER NOT NULL,
        last_error TEXT,
        updated INTEGER NOT NULL
    );
    CREATE INDEX queue_recipients_message ON queue_recipients(message_id);
    CREATE INDEX queue_recipients_due ON queue_recipients(status, local, next_attempt);
    CREATE TABLE auth_failures (
        ip TEXT NOT NULL,
        at INTEGER NOT NULL
    );
    CREATE INDEX auth_failures_ip ON auth_failures(ip, at);
    CREATE TABLE bans (
        ip TEXT PRIMARY KEY,
        until INTEGER NOT NULL,
        failures INTEGER NOT NULL,
        created INTEGER NOT NULL
    );",
    // 3: outbound delivery (see core/outqueue.rs): a lease so two processes never attempt
    // the same recipient at once, and the history of attempts with the remote's replies.
    "ALTER TABLE queue_recipients ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE queue_attempts (
        id INTEGER PRIMARY KEY,
        recipient_id INTEGER NOT NULL REFERENCES queue_recipients(id) ON DELETE CASCADE,
        message_id TEXT NOT NULL REFERENCES queue_messages(id) ON DELETE CASCADE,
        at INTEGER NOT NULL,
        host TEXT NOT NULL,
        outcome TEXT NOT NULL,
        reply TEXT NOT NULL
    );
    CREATE INDEX queue_attempts_message ON queue_attempts(message_id);",
    // 4: whether the sender was told that a message is delayed (queue.delay_warning).
    "ALTER TABLE queue_messages ADD COLUMN warned INTEGER NOT NULL DEFAULT 0;",
    // 5: spool integrity and one owner per queue entry (see core/queue.rs, core/spool.rs):
    // the spool file's length and SHA-256 taken while it was written, why a message was
    // quarantined, and which process holds a recipient's lease.
    "ALTER TABLE queue_messages ADD COLUMN spool_len INTEGER;
    ALTER TABLE queue_messages ADD COLUMN spool_sha256 TEXT;
    ALTER TABLE queue_messages ADD COLUMN quarantined TEXT;
    ALTER TABLE queue_recipients ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';",
    // 6: delivery status notification parameters (RFC 3461, see core/dsn.rs): RET and ENVID
    // per message, NOTIFY and ORCPT per recipient; and the MX hosts whose STARTTLS failed,
    // so the next attempt does not fall back to plaintext.
    "ALTER TABLE queue_messages ADD COLUMN dsn_ret TEXT;
    ALTER TABLE queue_messages ADD COLUMN dsn_envid TEXT;
    ALTER TABLE queue_recipients ADD COLUMN dsn_notify INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE queue_recipients ADD COLUMN dsn_orcpt TEXT;
    CREATE TABLE outbound_tls_failures (
        host TEXT PRIMARY KEY,
        at INTEGER NOT NULL,
        reason TEXT NOT NULL
    );",
    // 7: the Maildir++ folder local copies go to ('' = INBOX; 'Junk' for mail the inbound
    // checks judged junk, see inbound/).
    "ALTER TABLE queue_messages ADD COLUMN folder TEXT NOT NULL DEFAULT '';",
    // 8: greylisting (see core/greylist.rs): triplets, client networks and SPF-passing
    // sender domains that retried correctly, and the administrator's allow list.
    "CREATE TABLE greylist_triplets (
        client TEXT NOT NULL,
        sender TEXT NOT NULL,
        recipient TEXT NOT NULL,
        first_seen INTEGER NOT NULL,
        last_seen INTEGER NOT NULL,
        passes INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (client, sender, recipient)
    ) WITHOUT ROWID;
    CREATE TABLE greylist_clients (
        client TEXT PRIMARY KEY,
        passes INTEGER NOT NULL,
        last_seen INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE greylist_domains (
        domain TEXT PRIMARY KEY,
        last_seen INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE greylist_allow (
        entry TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        created INTEGER NOT NULL
    ) WITHOUT ROWID;",
    // 9: outbound abuse limits (see core/sendlimit.rs): a user's own limits (NULL: the
    // server's submission.max_* settings), and one row per message an authenticated user
    // submitted, with its recipient count, kept a day for the sliding windows.
    "ALTER TABLE users ADD COLUMN send_per_hour INTEGER;
    ALTER TABLE users ADD COLUMN send_rcpts_per_day INTEGER;
    CREATE TABLE submissions (
        user TEXT NOT NULL,
        at INTEGER NOT NULL,
        rcpts INTEGER NOT NULL
    );
    CREATE INDEX submissions_user ON submissions(user, at);
    CREATE INDEX submissions_at ON submissions(at);",
    // 10: per-domain and per-user inbound policy (see core/overrides.rs, inbound/recipients.rs):
    // one small table rather than nullable columns on domains/users, because the MX reads
    // every override for every message and this keeps that read as small as the set of
    // overrides (usually empty), not a scan of every user; the rows go with their domain or
    // user (ON DELETE CASCADE). NULL = follow the next level (user -> domain -> server).
    // And the folder per recipient ('' or NULL = the message's folder), since one message to
    // several recipients with different thresholds can go to one's Junk and another's INBOX.
    "CREATE TABLE inbound_overrides (
        domain_id INTEGER UNIQUE REFERENCES domains(id) ON DELETE CASCADE,
        user_id INTEGER UNIQUE REFERENCES users(id) ON DELETE CASCADE,
        spam_junk_score REAL,
        spam_reject_score REAL,
        spam_action TEXT,
        dmarc_reject TEXT,
        dmarc_quarantine TEXT,
        CHECK ((domain_id IS NULL) <> (user_id IS NULL))
    );
    ALTER TABLE queue_recipients ADD COLUMN folder TEXT;",
    // 11: port 25's pre-greeting test (see core/screen.rs): clients that waited for the
    // greeting and then said HELO/EHLO, and when, so they are greeted at once for a while.
    "CREATE TABLE screen_passes (
        ip TEXT PRIMARY KEY,
        passed INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX screen_passes_passed ON screen_passes(passed);",
    // 12: users' Sieve scripts (see core/sieve.rs): one row per script, at most one active
    // per user (the partial unique index makes a second one impossible, whatever the caller
    // does); they go with their user. `updated` keys delivery's compiled-script cache.
    "CREATE TABLE sieve_scripts (
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        content TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 0,
        created INTEGER NOT NULL,
        updated INTEGER NOT NULL,
        PRIMARY KEY (user_id, name)
    );
    CREATE UNIQUE INDEX sieve_scripts_active ON sieve_scripts(user_id) WHERE active = 1;",
    // 13: the delivery history (see core/history.rs). A message's timeline is copied here in
    // the transaction that removes its queue rows, and kept for queue.history_retention, so `mailctl trace` can
    // answer "why didn't it arrive?" after the queue has forgotten it.
    "CREATE TABLE history_messages (
        id TEXT PRIMARY KEY,
        mail_from TEXT NOT NULL,
        auth_user TEXT,
        remote_ip TEXT NOT NULL,
        helo TEXT NOT NULL,
        header_message_id TEXT,
        inbound_verdicts TEXT,
        size INTEGER NOT NULL,
        created INTEGER NOT NULL,
        finished INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        bounce_sent INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX history_messages_finished ON history_messages(finished);
    CREATE INDEX history_messages_header ON history_messages(header_message_id);
    CREATE INDEX history_messages_from ON history_messages(mail_from COLLATE NOCASE);
    CREATE TABLE history_recipients (
        message_id TEXT NOT NULL REFERENCES history_messages(id) ON DELETE CASCADE,
        address TEXT NOT NULL,
        original TEXT,
        local INTEGER NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        last_error TEXT
    );
    CREATE INDEX history_recipients_message ON history_recipients(message_id);
    CREATE INDEX history_recipients_address ON history_recipients(address COLLATE NOCASE);
    CREATE TABLE history_attempts (
        message_id TEXT NOT NULL REFERENCES history_messages(id) ON DELETE CASCADE,
        recipient TEXT NOT NULL,
        at INTEGER NOT NULL,
        host TEXT NOT NULL,
        outcome TEXT NOT NULL,
        reply TEXT NOT NULL
    );
    CREATE INDEX history_attempts_message ON history_attempts(message_id);",
    // 14: vacation replies sent (see core/vacation.rs), so each sender hears once per
    // (user, handle) per period (RFC 5230 §4.2); a row is worthless after `expires`.
    "CREATE TABLE vacation_replies (
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        sender TEXT NOT NULL,
        handle TEXT NOT NULL,
        sent INTEGER NOT NULL,
        expires INTEGER NOT NULL,
        PRIMARY KEY (user_id, sender, handle)
    ) WITHOUT ROWID;
    CREATE INDEX vacation_replies_expires ON vacation_replies(expires);",
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The schema this binary migrates to: [`SCHEMA_VERSION`], except in debug builds told
/// otherwise by `MAILCTL_TEST_SCHEMA_LIMIT` (tests make an older release's data directory,
/// or play an older binary, with it).
pub fn known_version() -> i64 {
    #[cfg(debug_assertions)]
    if let Some(n) = std::env::var("MAILCTL_TEST_SCHEMA_LIMIT")
        .ok()
        .and_then(|v| v.parse::<i64>().ok())
    {
        return n.clamp(0, SCHEMA_VERSION);
    }
    SCHEMA_VERSION
}

/// Debug builds only: `MAILCTL_TEST_FAIL_MIGRATION=N` makes migration N fail after the ones
/// before it ran in the same transaction, to test that a failed upgrade leaves the old state.
fn forced_failure(version: i64) -> Result<()> {
    #[cfg(debug_assertions)]
    if std::env::var("MAILCTL_TEST_FAIL_MIGRATION").is_ok_and(|v| v == version.to_string()) {
        return Err(CoreError::Invalid(format!(
            "migration {version} failed (MAILCTL_TEST_FAIL_MIGRATION)"
        )));
    }
    let _ = version;
    Ok(())
}

/// A connection to the core database. Not `Sync`: each thread opens its own.
pub struct Db {
    conn: Connection,
    data_dir: DataDir,
}

impl Db {
    /// Opens (creating if needed) the data directory's database and brings its schema up to
    /// date. Refuses a schema newer than this binary knows.
    pub fn open(data_dir: &DataDir) -> Result<Db> {
        let root = data_dir.root();
        data_dir
            .create_dir(root, 0o750)
            .map_err(|e| CoreError::io(root, e))?;
        let path = data_dir.db();
        let fresh = !path.exists();
        let conn = Connection::open(&path)?;
        if fresh {
            // The database holds password hashes: owner only.
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                .map_err(|e| CoreError::io(&path, e))?;
        }
        Self::configure(&conn)?;
        let mut db = Db {
            conn,
            data_dir: data_dir.clone(),
        };
        db.migrate(&path)?;
        // Opening in WAL mode made `-wal` and `-shm` if no one had them open; as root they
        // are root's now, and a daemon running as server.user could not open the database.
        // The directory too (SQLite makes `-wal`/`-shm` in it), unless it is a shared one
        // like /tmp that must never change hands.
        let mut ours = vec![
            path.clone(),
            wal_file(&path, "-wal"),
            wal_file(&path, "-shm"),
        ];
        if std::fs::metadata(root).is_ok_and(|m| {
            use std::os::unix::fs::PermissionsExt;
            m.permissions().mode() & 0o002 == 0
        }) {
            ours.push(root.to_path_buf());
        }
        data_dir
            .hand_over(&ours)
            .map_err(|e| CoreError::io(root, e))?;
        Ok(db)
    }

    /// Opens an existing database without creating anything: for callers that must say
    /// "not set up here" rather than make an empty data directory.
    pub fn open_existing(data_dir: &DataDir) -> Result<Db> {
        if !data_dir.db().exists() {
            return Err(CoreError::Refused(format!(
                "no mailctl database at {}; check --data-dir (or MAILCTL_DATA_DIR), or start a server there with `mailctl setup --data-dir {}`",
                data_dir.db().display(),
                data_dir.root().display()
            )));
        }
        Self::open(data_dir)
    }

    fn configure(conn: &Connection) -> Result<()> {
        // Another mailctl process may hold the write lock for a moment; wait rather than fail.
        conn.busy_timeout(Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: a committed queue row survives power loss, which a 250 after DATA promises.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        Ok(())
    }

    fn migrate(&mut self, path: &Path) -> Result<()> {
        let found: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        let known = known_version();
        if found > known {
            return Err(CoreError::SchemaTooNew {
                path: path.display().to_string(),
                found,
                known,
                restore: super::upgrade::restore_command(&self.data_dir)
                    .map(|c| format!("; or go back to the database from before the upgrade: {c}"))
                    .unwrap_or_default(),
            });
        }
        if found == known {
            return Ok(());
        }
        // A database with data (not a fresh one) is copied first (issue 22.2).
        if found > 0 {
            super::upgrade::before_migration(&self.data_dir, found)?;
        }
        // IMMEDIATE takes the write lock first, so two processes opening a fresh database
        // at once cannot both run the same migration. One transaction for every step: a
        // failing step leaves the database as it was.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        for (i, sql) in MIGRATIONS
            .iter()
            .enumerate()
            .take(known as usize)
            .skip(current as usize)
        {
            forced_failure(i as i64 + 1)?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub fn data_dir(&self) -> &DataDir {
        &self.data_dir
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// The stored value of a setting, or its default.
    pub fn setting(&self, key: &str) -> Result<String> {
        let def = known(key)?;
        Ok(self
            .stored_setting(def.key)?
            .unwrap_or_else(|| def.default.to_string()))
    }

    /// The value explicitly stored for a key, if any.
    pub fn stored_setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    /// Every setting's effective value (stored, else the default) in one query: for code that
    /// reads many keys per message (the inbound policy), where a query per key would show.
    pub fn effective_settings(&self) -> Result<std::collections::HashMap<&'static str, String>> {
        let mut stored: std::collections::HashMap<String, String> = self
            .conn
            .prepare_cached("SELECT key, value FROM settings")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(settings::SETTINGS
            .iter()
            .map(|s| {
                let v = stored
                    .remove(s.key)
                    .unwrap_or_else(|| s.default.to_string());
                (s.key, v)
            })
            .collect())
    }

    pub fn setting_size(&self, key: &str) -> Result<u64> {
        settings::parse_size(&self.setting(key)?).map_err(CoreError::Invalid)
    }

    pub fn setting_u64(&self, key: &str) -> Result<u64> {
        let v = self.setting(key)?;
        v.parse()
            .map_err(|_| CoreError::Invalid(format!("setting {key} = '{v}' is not a number")))
    }

    pub fn setting_duration(&self, key: &str) -> Result<Duration> {
        settings::parse_duration(&self.setting(key)?).map_err(CoreError::Invalid)
    }

    pub fn setting_bool(&self, key: &str) -> Result<bool> {
        Ok(self.setting(key)? == "true")
    }

    /// Validates and stores a setting; returns the normalised value.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<String> {
        let def = known(key)?;
        let normalised = settings::validate(def, value)
            .map_err(|why| CoreError::Invalid(format!("{key}: {why}")))?;
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![def.key, normalised],
        )?;
        Ok(normalised)
    }

    /// Removes a stored value so the default applies again. Returns whether one was stored.
    pub fn unset_setting(&self, key: &str) -> Result<bool> {
        let def = known(key)?;
        Ok(self
            .conn
            .execute("DELETE FROM settings WHERE key = ?1", [def.key])?
            > 0)
    }
}

/// `mailctl.db-wal` / `mailctl.db-shm` beside the database.
pub fn wal_file(db: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = db.as_os_str().to_os_string();
    name.push(suffix);
    name.into()
}

/// Reads a non-negative integer column (SQLite integers are signed).
pub(crate) fn count(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<u64> {
    Ok(row.get::<_, i64>(idx)?.max(0) as u64)
}

fn known(key: &str) -> Result<&'static Setting> {
    settings::lookup(key).ok_or_else(|| {
        let close: Vec<&str> = settings::SETTINGS
            .iter()
            .map(|s| s.key)
            .filter(|k| k.contains(key) || key.contains(k.split('.').next_back().unwrap_or(k)))
            .take(3)
            .collect();
        let hint = if close.is_empty() {
            "; `mailctl config list` shows every key".to_string()
        } else {
            format!("; did you mean {}?", close.join(", "))
        };
        CoreError::Invalid(format!("unknown setting '{key}'{hint}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_migrates_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let dd = DataDir::new(dir.path());
        let db = Db::open(&dd).unwrap();
        assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION);
        drop(db);
        let db = Db::open(&dd).unwrap();
        assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION);
    }

    #[test]
    fn refuses_a_newer_schema() {
        let dir = tempfile::tempdir().unwrap();
        let dd = DataDir::new(dir.path());
        let db = Db::open(&dd).unwrap();
        db.conn()
            .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        drop(db);
        let err = Db::open(&dd).err().unwrap().to_string();
        assert!(err.contains("newer than this mailctl knows"), "{err}");
    }

    #[test]
    fn settings_default_set_unset() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&DataDir::new(dir.path())).unwrap();
        assert_eq!(db.setting("smtp.max_message_size").unwrap(), "25M");
        assert_eq!(db.setting_size("smtp.max_message_size").unwrap(), 25 << 20);
        db.set_setting("smtp.max_message_size", "10M").unwrap();
        assert_eq!(db.setting_size("smtp.max_message_size").unwrap(), 10 << 20);
        assert!(db.set_setting("smtp.max_message_size", "big").is_err());
        assert!(db.unset_setting("smtp.max_message_size").unwrap());
        assert_eq!(db.setting("smtp.max_message_size").unwrap(), "25M");
        let e = db
            .set_setting("max_message_size", "1")
            .unwrap_err()
            .to_string();
        assert!(e.contains("did you mean smtp.max_message_size"), "{e}");
    }
}
