//! The schema's numbered migrations, one list for both engines (issue 21). A migration is
//! either SQL both engines take as it is ([`Migration::Both`]) or a pair written for each
//! ([`Migration::Pair`]) where their types differ: SQLite's `INTEGER PRIMARY KEY` (the rowid)
//! is an identity `BIGINT` in PostgreSQL, `INTEGER` is `BIGINT` (PostgreSQL's `INTEGER` is
//! 32 bits; timestamps and sizes are not), `REAL` is `DOUBLE PRECISION`, `BLOB` is `BYTEA`,
//! `WITHOUT ROWID` has no equivalent (every PostgreSQL table is a heap), and a `COLLATE
//! NOCASE` index is an index on `lower(…)` (queries that search case-insensitively say
//! `lower(x) = lower(?1)` there). Both schemas have the same tables, columns and meaning, so
//! one statement text serves both engines (see `core::sql`).
//!
//! SQLite counts applied migrations in `PRAGMA user_version`; PostgreSQL has no such thing,
//! so it keeps the count in the one-row table `mailctl_schema`. Append only: a released
//! migration never changes.
//!
//! Not here: running them (`Db::open` in `core::db` for SQLite, [`migrate_postgres`] here).

use super::sql::{Sql, args};
use super::{CoreError, Result};

pub enum Migration {
    /// The same text on both engines.
    Both(&'static str),
    /// Each engine its own text, for the same schema change.
    Pair {
        sqlite: &'static str,
        postgres: &'static str,
    },
    /// PostgreSQL only: state that a SQLite server keeps elsewhere (the mailbox index, a
    /// file in each Maildir there); on SQLite the migration is counted and does nothing.
    PostgresOnly(&'static str),
}

impl Migration {
    pub fn sqlite(&self) -> &'static str {
        match self {
            Migration::Both(s) | Migration::Pair { sqlite: s, .. } => s,
            Migration::PostgresOnly(_) => "",
        }
    }

    pub fn postgres(&self) -> &'static str {
        match self {
            Migration::Both(s) | Migration::Pair { postgres: s, .. } => s,
            Migration::PostgresOnly(s) => s,
        }
    }
}

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings a PostgreSQL database's schema up to date, unhurried (`Sql::unhurried`); refuses
/// one newer than this binary knows. `place` names the database in errors (no password).
pub(crate) fn migrate_postgres(sql: &Sql, place: &str) -> Result<()> {
    sql.unhurried(|| sql.transaction(|| migrate_locked(sql, place)))
}

fn migrate_locked(sql: &Sql, place: &str) -> Result<()> {
    // Several nodes may start at once against a fresh database: the first takes this
    // lock and migrates, the others wait and then find nothing to do. An advisory lock,
    // because even `CREATE TABLE IF NOT EXISTS` races with itself in PostgreSQL.
    sql.batch(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))?;
    sql.batch("CREATE TABLE IF NOT EXISTS mailctl_schema (version BIGINT NOT NULL)")?;
    let found = postgres_version(sql)?;
    if found > SCHEMA_VERSION {
        return Err(CoreError::SchemaTooNew {
            path: place.to_string(),
            found,
            known: SCHEMA_VERSION,
            // No pre-upgrade copy on PostgreSQL (`core::upgrade`): its backups are pg_dump's.
            restore: "; or go back to the database from before the upgrade: restore the pg_dump taken before it"
                .to_string(),
        });
    }
    for m in MIGRATIONS.iter().skip(found as usize) {
        sql.batch(m.postgres())?;
    }
    if found < SCHEMA_VERSION {
        sql.execute("DELETE FROM mailctl_schema", &[])?;
        sql.execute(
            "INSERT INTO mailctl_schema (version) VALUES (?1)",
            args![SCHEMA_VERSION],
        )?;
    }
    Ok(())
}

/// The advisory lock key of schema migrations ("mailctl" in ASCII): any constant that other
/// applications sharing the database are unlikely to use.
const MIGRATION_LOCK: i64 = 0x006d_6169_6c63_746c;

/// The number of migrations applied to a PostgreSQL database (0: none yet).
pub(crate) fn postgres_version(sql: &Sql) -> Result<i64> {
    Ok(sql
        .query_opt("SELECT max(version) FROM mailctl_schema", &[])?
        .map(|r| r.get::<Option<i64>>(0))
        .transpose()?
        .flatten()
        .unwrap_or(0))
}

pub const MIGRATIONS: &[Migration] = &[
    // 1: administration tables.
    Migration::Pair {
        sqlite: "CREATE TABLE domains (
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
        postgres: "CREATE TABLE domains (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created BIGINT NOT NULL
    );
    CREATE TABLE users (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        domain_id BIGINT NOT NULL REFERENCES domains(id),
        address TEXT NOT NULL UNIQUE,
        password TEXT NOT NULL,
        quota BIGINT NOT NULL DEFAULT 0,
        enabled BIGINT NOT NULL DEFAULT 1,
        created BIGINT NOT NULL
    );
    CREATE INDEX users_domain ON users(domain_id);
    CREATE TABLE aliases (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        domain_id BIGINT NOT NULL REFERENCES domains(id),
        source TEXT NOT NULL,
        destination TEXT NOT NULL,
        created BIGINT NOT NULL,
        UNIQUE (source, destination)
    );
    CREATE INDEX aliases_domain ON aliases(domain_id);
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );",
    },
    // 2: the mail queue and auth-failure bans (see core/queue.rs and core/bans.rs).
    Migration::Pair {
        sqlite: "CREATE TABLE queue_messages (
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
        postgres: "CREATE TABLE queue_messages (
        id TEXT PRIMARY KEY,
        mail_from TEXT NOT NULL,
        auth_user TEXT,
        remote_ip TEXT NOT NULL,
        helo TEXT NOT NULL,
        smtputf8 BIGINT NOT NULL DEFAULT 0,
        size BIGINT NOT NULL,
        created BIGINT NOT NULL,
        held BIGINT NOT NULL DEFAULT 0
    );
    CREATE TABLE queue_recipients (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        message_id TEXT NOT NULL REFERENCES queue_messages(id) ON DELETE CASCADE,
        address TEXT NOT NULL,
        original TEXT,
        local BIGINT NOT NULL,
        status TEXT NOT NULL DEFAULT 'queued',
        attempts BIGINT NOT NULL DEFAULT 0,
        next_attempt BIGINT NOT NULL,
        last_error TEXT,
        updated BIGINT NOT NULL
    );
    CREATE INDEX queue_recipients_message ON queue_recipients(message_id);
    CREATE INDEX queue_recipients_due ON queue_recipients(status, local, next_attempt);
    CREATE TABLE auth_failures (
        ip TEXT NOT NULL,
        at BIGINT NOT NULL
    );
    CREATE INDEX auth_failures_ip ON auth_failures(ip, at);
    CREATE TABLE bans (
        ip TEXT PRIMARY KEY,
        until BIGINT NOT NULL,
        failures BIGINT NOT NULL,
        created BIGINT NOT NULL
    );",
    },
    // 3: outbound delivery (see core/outqueue.rs): a lease so two processes never attempt
    // the same recipient at once, and the history of attempts with the remote's replies.
    Migration::Pair {
        sqlite: "ALTER TABLE queue_recipients ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
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
        postgres: "ALTER TABLE queue_recipients ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;
    CREATE TABLE queue_attempts (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        recipient_id BIGINT NOT NULL REFERENCES queue_recipients(id) ON DELETE CASCADE,
        message_id TEXT NOT NULL REFERENCES queue_messages(id) ON DELETE CASCADE,
        at BIGINT NOT NULL,
        host TEXT NOT NULL,
        outcome TEXT NOT NULL,
        reply TEXT NOT NULL
    );
    CREATE INDEX queue_attempts_message ON queue_attempts(message_id);",
    },
    // 4: whether the sender was told that a message is delayed (queue.delay_warning).
    Migration::Pair {
        sqlite: "ALTER TABLE queue_messages ADD COLUMN warned INTEGER NOT NULL DEFAULT 0;",
        postgres: "ALTER TABLE queue_messages ADD COLUMN warned BIGINT NOT NULL DEFAULT 0;",
    },
    // 5: spool integrity and one owner per queue entry (see core/queue.rs, core/spool.rs):
    // the spool file's length and SHA-256 taken while it was written, why a message was
    // quarantined, and which process holds a recipient's lease.
    Migration::Pair {
        sqlite: "ALTER TABLE queue_messages ADD COLUMN spool_len INTEGER;
    ALTER TABLE queue_messages ADD COLUMN spool_sha256 TEXT;
    ALTER TABLE queue_messages ADD COLUMN quarantined TEXT;
    ALTER TABLE queue_recipients ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';",
        postgres: "ALTER TABLE queue_messages ADD COLUMN spool_len BIGINT;
    ALTER TABLE queue_messages ADD COLUMN spool_sha256 TEXT;
    ALTER TABLE queue_messages ADD COLUMN quarantined TEXT;
    ALTER TABLE queue_recipients ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';",
    },
    // 6: delivery status notification parameters (RFC 3461, see core/dsn.rs): RET and ENVID
    // per message, NOTIFY and ORCPT per recipient; and the MX hosts whose STARTTLS failed,
    // so the next attempt does not fall back to plaintext.
    Migration::Pair {
        sqlite: "ALTER TABLE queue_messages ADD COLUMN dsn_ret TEXT;
    ALTER TABLE queue_messages ADD COLUMN dsn_envid TEXT;
    ALTER TABLE queue_recipients ADD COLUMN dsn_notify INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE queue_recipients ADD COLUMN dsn_orcpt TEXT;
    CREATE TABLE outbound_tls_failures (
        host TEXT PRIMARY KEY,
        at INTEGER NOT NULL,
        reason TEXT NOT NULL
    );",
        postgres: "ALTER TABLE queue_messages ADD COLUMN dsn_ret TEXT;
    ALTER TABLE queue_messages ADD COLUMN dsn_envid TEXT;
    ALTER TABLE queue_recipients ADD COLUMN dsn_notify BIGINT NOT NULL DEFAULT 0;
    ALTER TABLE queue_recipients ADD COLUMN dsn_orcpt TEXT;
    CREATE TABLE outbound_tls_failures (
        host TEXT PRIMARY KEY,
        at BIGINT NOT NULL,
        reason TEXT NOT NULL
    );",
    },
    // 7: the Maildir++ folder local copies go to ('' = INBOX; 'Junk' for mail the inbound
    // checks judged junk, see inbound/).
    Migration::Both("ALTER TABLE queue_messages ADD COLUMN folder TEXT NOT NULL DEFAULT '';"),
    // 8: greylisting (see core/greylist.rs): triplets, client networks and SPF-passing
    // sender domains that retried correctly, and the administrator's allow list.
    Migration::Pair {
        sqlite: "CREATE TABLE greylist_triplets (
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
        postgres: "CREATE TABLE greylist_triplets (
        client TEXT NOT NULL,
        sender TEXT NOT NULL,
        recipient TEXT NOT NULL,
        first_seen BIGINT NOT NULL,
        last_seen BIGINT NOT NULL,
        passes BIGINT NOT NULL DEFAULT 0,
        PRIMARY KEY (client, sender, recipient)
    );
    CREATE TABLE greylist_clients (
        client TEXT PRIMARY KEY,
        passes BIGINT NOT NULL,
        last_seen BIGINT NOT NULL
    );
    CREATE TABLE greylist_domains (
        domain TEXT PRIMARY KEY,
        last_seen BIGINT NOT NULL
    );
    CREATE TABLE greylist_allow (
        entry TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        created BIGINT NOT NULL
    );",
    },
    // 9: outbound abuse limits (see core/sendlimit.rs): a user's own limits (NULL: the
    // server's submission.max_* settings), and one row per message an authenticated user
    // submitted, with its recipient count, kept a day for the sliding windows.
    Migration::Pair {
        sqlite: "ALTER TABLE users ADD COLUMN send_per_hour INTEGER;
    ALTER TABLE users ADD COLUMN send_rcpts_per_day INTEGER;
    CREATE TABLE submissions (
        user TEXT NOT NULL,
        at INTEGER NOT NULL,
        rcpts INTEGER NOT NULL
    );
    CREATE INDEX submissions_user ON submissions(user, at);
    CREATE INDEX submissions_at ON submissions(at);",
        postgres: "ALTER TABLE users ADD COLUMN send_per_hour BIGINT;
    ALTER TABLE users ADD COLUMN send_rcpts_per_day BIGINT;
    CREATE TABLE submissions (
        \"user\" TEXT NOT NULL,
        at BIGINT NOT NULL,
        rcpts BIGINT NOT NULL
    );
    CREATE INDEX submissions_user ON submissions(\"user\", at);
    CREATE INDEX submissions_at ON submissions(at);",
    },
    // 10: per-domain and per-user inbound policy (see core/overrides.rs, inbound/recipients.rs):
    // one small table rather than nullable columns on domains/users, because the MX reads
    // every override for every message and this keeps that read as small as the set of
    // overrides (usually empty), not a scan of every user; the rows go with their domain or
    // user (ON DELETE CASCADE). NULL = follow the next level (user -> domain -> server).
    // And the folder per recipient ('' or NULL = the message's folder), since one message to
    // several recipients with different thresholds can go to one's Junk and another's INBOX.
    Migration::Pair {
        sqlite: "CREATE TABLE inbound_overrides (
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
        postgres: "CREATE TABLE inbound_overrides (
        domain_id BIGINT UNIQUE REFERENCES domains(id) ON DELETE CASCADE,
        user_id BIGINT UNIQUE REFERENCES users(id) ON DELETE CASCADE,
        spam_junk_score DOUBLE PRECISION,
        spam_reject_score DOUBLE PRECISION,
        spam_action TEXT,
        dmarc_reject TEXT,
        dmarc_quarantine TEXT,
        CHECK ((domain_id IS NULL) <> (user_id IS NULL))
    );
    ALTER TABLE queue_recipients ADD COLUMN folder TEXT;",
    },
    // 11: port 25's pre-greeting test (see core/screen.rs): clients that waited for the
    // greeting and then said HELO/EHLO, and when, so they are greeted at once for a while.
    Migration::Pair {
        sqlite: "CREATE TABLE screen_passes (
        ip TEXT PRIMARY KEY,
        passed INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX screen_passes_passed ON screen_passes(passed);",
        postgres: "CREATE TABLE screen_passes (
        ip TEXT PRIMARY KEY,
        passed BIGINT NOT NULL
    );
    CREATE INDEX screen_passes_passed ON screen_passes(passed);",
    },
    // 12: users' Sieve scripts (see core/sieve.rs): one row per script, at most one active
    // per user (the partial unique index makes a second one impossible, whatever the caller
    // does); they go with their user. `updated` keys delivery's compiled-script cache.
    Migration::Pair {
        sqlite: "CREATE TABLE sieve_scripts (
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        content TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 0,
        created INTEGER NOT NULL,
        updated INTEGER NOT NULL,
        PRIMARY KEY (user_id, name)
    );
    CREATE UNIQUE INDEX sieve_scripts_active ON sieve_scripts(user_id) WHERE active = 1;",
        postgres: "CREATE TABLE sieve_scripts (
        user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        content TEXT NOT NULL,
        active BIGINT NOT NULL DEFAULT 0,
        created BIGINT NOT NULL,
        updated BIGINT NOT NULL,
        PRIMARY KEY (user_id, name)
    );
    CREATE UNIQUE INDEX sieve_scripts_active ON sieve_scripts(user_id) WHERE active = 1;",
    },
    // 13: the delivery history (see core/history.rs). A message's timeline is copied here in
    // the transaction that removes its queue rows, and kept for queue.history_retention, so `mailctl trace` can
    // answer "why didn't it arrive?" after the queue has forgotten it.
    Migration::Pair {
        sqlite: "CREATE TABLE history_messages (
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
        postgres: "CREATE TABLE history_messages (
        id TEXT PRIMARY KEY,
        mail_from TEXT NOT NULL,
        auth_user TEXT,
        remote_ip TEXT NOT NULL,
        helo TEXT NOT NULL,
        header_message_id TEXT,
        inbound_verdicts TEXT,
        size BIGINT NOT NULL,
        created BIGINT NOT NULL,
        finished BIGINT NOT NULL,
        outcome TEXT NOT NULL,
        bounce_sent BIGINT NOT NULL
    );
    CREATE INDEX history_messages_finished ON history_messages(finished);
    CREATE INDEX history_messages_header ON history_messages(header_message_id);
    CREATE INDEX history_messages_from ON history_messages(lower(mail_from));
    CREATE TABLE history_recipients (
        message_id TEXT NOT NULL REFERENCES history_messages(id) ON DELETE CASCADE,
        address TEXT NOT NULL,
        original TEXT,
        local BIGINT NOT NULL,
        status TEXT NOT NULL,
        attempts BIGINT NOT NULL,
        last_error TEXT
    );
    CREATE INDEX history_recipients_message ON history_recipients(message_id);
    CREATE INDEX history_recipients_address ON history_recipients(lower(address));
    CREATE TABLE history_attempts (
        message_id TEXT NOT NULL REFERENCES history_messages(id) ON DELETE CASCADE,
        recipient TEXT NOT NULL,
        at BIGINT NOT NULL,
        host TEXT NOT NULL,
        outcome TEXT NOT NULL,
        reply TEXT NOT NULL
    );
    CREATE INDEX history_attempts_message ON history_attempts(message_id);",
    },
    // 14: vacation replies sent (see core/vacation.rs), so each sender hears once per
    // (user, handle) per period (RFC 5230 §4.2); a row is worthless after `expires`.
    Migration::Pair {
        sqlite: "CREATE TABLE vacation_replies (
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        sender TEXT NOT NULL,
        handle TEXT NOT NULL,
        sent INTEGER NOT NULL,
        expires INTEGER NOT NULL,
        PRIMARY KEY (user_id, sender, handle)
    ) WITHOUT ROWID;
    CREATE INDEX vacation_replies_expires ON vacation_replies(expires);",
        postgres: "CREATE TABLE vacation_replies (
        user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        sender TEXT NOT NULL,
        handle TEXT NOT NULL,
        sent BIGINT NOT NULL,
        expires BIGINT NOT NULL,
        PRIMARY KEY (user_id, sender, handle)
    );
    CREATE INDEX vacation_replies_expires ON vacation_replies(expires);",
    },
    // 15: one heartbeat row per running node (see core/cluster.rs), for `cluster status`.
    Migration::Pair {
        sqlite: "CREATE TABLE cluster_nodes (
        node TEXT PRIMARY KEY,
        hostname TEXT NOT NULL,
        pid INTEGER NOT NULL,
        version TEXT NOT NULL,
        started INTEGER NOT NULL,
        listeners TEXT NOT NULL,
        stopped INTEGER NOT NULL DEFAULT 0,
        last_seen_ms INTEGER NOT NULL,
        interval_ms INTEGER NOT NULL,
        claims INTEGER NOT NULL DEFAULT 0,
        last_error TEXT NOT NULL DEFAULT ''
    ) WITHOUT ROWID;",
        postgres: "CREATE TABLE cluster_nodes (
        node TEXT PRIMARY KEY,
        hostname TEXT NOT NULL,
        pid BIGINT NOT NULL,
        version TEXT NOT NULL,
        started BIGINT NOT NULL,
        listeners TEXT NOT NULL,
        stopped BIGINT NOT NULL DEFAULT 0,
        last_seen_ms BIGINT NOT NULL,
        interval_ms BIGINT NOT NULL,
        claims BIGINT NOT NULL DEFAULT 0,
        last_error TEXT NOT NULL DEFAULT ''
    );",
    },
    // 16: Backup MX: what the primary answered to a recipient verification callout (Postfix's
    // verify cache), so a recipient known yesterday is still accepted while it is down.
    Migration::Pair {
        sqlite: "CREATE TABLE verify_cache (
        address TEXT PRIMARY KEY,
        good INTEGER NOT NULL,
        reply TEXT NOT NULL,
        checked INTEGER NOT NULL
    );
    CREATE INDEX verify_cache_checked ON verify_cache(checked);",
        postgres: "CREATE TABLE verify_cache (
        address TEXT PRIMARY KEY,
        good BIGINT NOT NULL,
        reply TEXT NOT NULL,
        checked BIGINT NOT NULL
    );
    CREATE INDEX verify_cache_checked ON verify_cache(checked);",
    },
    // 17: the mailbox index of every account (on SQLite a file in each Maildir): its
    // tables, per-account views and change trigger are described with the index's own
    // schema (`maildir::index::schema`).
    Migration::PostgresOnly(crate::maildir::index::POSTGRES_TABLES),
    // 18: a user's role, `user` or `admin` (who may use the web administration).
    Migration::Both("ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'user';"),
    super::dircache::MIGRATION, // 19: directory changes counted / notified (core::dircache)
    super::dircache::BANS_MIGRATION, // 20: ban changes too (core::bans through the cache)
];

#[cfg(test)]
mod tests;
