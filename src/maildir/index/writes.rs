//! The row writes that end STORE, EXPUNGE and the placing of new messages (APPEND, COPY,
//! MOVE, delivery): the messages' new flags, their removal (with the `expunged` rows
//! QRESYNC reads) or their new rows, and the folder's UIDNEXT and HIGHESTMODSEQ moved past
//! them, inside the caller's locked transaction.
//!
//! On SQLite each row is one statement: a local call, cheap. On PostgreSQL every statement
//! costs the server a round of work while the folder's row lock is held, and an IMAP STORE
//! or EXPUNGE names one message more often than not, so the rows of a chunk and the
//! folder's update go as one statement (a data-modifying `WITH`), deferred
//! ([`Sql::defer`]) to travel with the COMMIT: a one-message STORE is two round trips
//! (BEGIN, lock and read; this and COMMIT), where it was one statement more per message
//! and a round trip per statement.
//!
//! Not here: deciding what changes and touching the files (`flags.rs`, `uids.rs`).

use super::Result;
use super::uids::NewMessage;
use crate::core::multirow;
use crate::core::sql::{Sql, Value, args};

/// Rows per statement on PostgreSQL (see `core::multirow`).
const CHUNK: usize = 64;

/// One STORE change: (UID, letters, keywords, new MODSEQ).
pub(super) type FlagsChange = (u32, String, String, u64);

/// Writes STORE's changes and the folder's new HIGHESTMODSEQ. Every change leaves new/.
pub(super) fn flags(
    sql: &Sql,
    folder: &str,
    changes: &[FlagsChange],
    highestmodseq: u64,
) -> Result<()> {
    if changes.is_empty() {
        return Ok(());
    }
    if !sql.is_postgres() {
        for (uid, letters, keywords, modseq) in changes {
            sql.execute(
                "UPDATE messages SET flags = ?3, keywords = ?4, modseq = ?5, in_new = 0 \
                 WHERE folder = ?1 AND uid = ?2",
                args![folder, *uid as i64, letters, keywords, *modseq as i64],
            )?;
        }
        return set_highestmodseq(sql, folder, highestmodseq);
    }
    for part in multirow::chunks(changes, CHUNK) {
        let mut a: Vec<Value> = args![folder, highestmodseq as i64].to_vec();
        for (uid, letters, keywords, modseq) in part {
            a.extend_from_slice(args![*uid as i64, letters, keywords, *modseq as i64]);
        }
        let rows = multirow::values(
            "(CAST(?1 AS BIGINT), CAST(?2 AS TEXT), CAST(?3 AS TEXT), CAST(?4 AS BIGINT))",
            part.len(),
            2,
        );
        sql.defer(
            &format!(
                "WITH v (uid, flags, keywords, modseq) AS (VALUES {rows}), \
                 m AS (UPDATE messages AS t SET flags = v.flags, keywords = v.keywords, \
                       modseq = v.modseq, in_new = 0 FROM v WHERE t.folder = ?1 AND t.uid = v.uid) \
                 UPDATE folders SET highestmodseq = ?2 WHERE name = ?1"
            ),
            &a,
        )?;
    }
    Ok(())
}

/// Removes the rows of expunged messages, records each UID with its MODSEQ (QRESYNC's
/// VANISHED), and moves the folder's HIGHESTMODSEQ past them.
pub(super) fn expunges(
    sql: &Sql,
    folder: &str,
    gone: &[(u32, u64)],
    highestmodseq: u64,
) -> Result<()> {
    if gone.is_empty() {
        return Ok(());
    }
    if !sql.is_postgres() {
        for &(uid, modseq) in gone {
            sql.execute(
                "DELETE FROM messages WHERE folder = ?1 AND uid = ?2",
                args![folder, uid as i64],
            )?;
            super::uids::record_expunged(sql, folder, uid, modseq)?;
        }
        return set_highestmodseq(sql, folder, highestmodseq);
    }
    for part in multirow::chunks(gone, CHUNK) {
        let mut a: Vec<Value> = args![folder, highestmodseq as i64].to_vec();
        for &(uid, modseq) in part {
            a.extend_from_slice(args![uid as i64, modseq as i64]);
        }
        let rows = multirow::values("(CAST(?1 AS BIGINT), CAST(?2 AS BIGINT))", part.len(), 2);
        // The expunged rows go to the account's table itself: an upsert names its conflict,
        // which a view's does not have (as `uids::record_expunged`).
        sql.defer(
            &format!(
                "WITH v (uid, modseq) AS (VALUES {rows}), \
                 d AS (DELETE FROM messages AS t USING v WHERE t.folder = ?1 AND t.uid = v.uid), \
                 e AS (INSERT INTO mailbox_index.mailbox_expunged (account, folder, uid, modseq) \
                       SELECT current_setting('mailctl.account'), ?1, v.uid, v.modseq FROM v \
                       ON CONFLICT (account, folder, uid) DO UPDATE SET modseq = excluded.modseq) \
                 UPDATE folders SET highestmodseq = ?2 WHERE name = ?1"
            ),
            &a,
        )?;
    }
    Ok(())
}

/// Inserts the rows of messages just placed, each (UID, MODSEQ, message), and sets the
/// folder's UIDNEXT and HIGHESTMODSEQ.
pub(super) fn placed(
    sql: &Sql,
    folder: &str,
    placed: &[(u32, u64, &NewMessage)],
    uidnext: u32,
    highestmodseq: u64,
) -> Result<()> {
    let row = format!(
        "(?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8, ?9, coalesce(?10, {}))",
        super::schema::new_email_id(sql)
    );
    let columns = "folder, uid, uniq, flags, modseq, size, internal_date, in_new, keywords, \
                   save_date, email_id";
    let now = super::now();
    let values = |(uid, modseq, p): &(u32, u64, &NewMessage)| {
        args![
            folder,
            *uid as i64,
            &p.unique,
            &p.letters,
            *modseq as i64,
            p.size as i64,
            p.internal_date,
            &p.keywords,
            now,
            p.email_id.map(|id| id as i64)
        ]
        .to_vec()
    };
    let set_folder = "UPDATE folders SET uidnext = ?2, highestmodseq = ?3 WHERE name = ?1";
    let folder_args = args![folder, uidnext as i64, highestmodseq as i64];
    if !sql.is_postgres() {
        let insert = format!("INSERT INTO messages ({columns}) VALUES {row}");
        for p in placed {
            sql.execute(&insert, &values(p))?;
        }
        sql.execute(set_folder, folder_args)?;
        return Ok(());
    }
    if placed.is_empty() {
        sql.defer(set_folder, folder_args)?;
    }
    for part in multirow::chunks(placed, CHUNK) {
        let mut a = folder_args.to_vec();
        for p in part {
            a.extend(values(p));
        }
        let rows = multirow::values(&row, part.len(), 3);
        sql.defer(
            &format!("WITH i AS (INSERT INTO messages ({columns}) VALUES {rows}) {set_folder}"),
            &a,
        )?;
    }
    Ok(())
}

fn set_highestmodseq(sql: &Sql, folder: &str, highestmodseq: u64) -> Result<()> {
    sql.execute(
        "UPDATE folders SET highestmodseq = ?2 WHERE name = ?1",
        args![folder, highestmodseq as i64],
    )?;
    Ok(())
}
