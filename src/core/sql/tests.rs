use super::*;
use proptest::prelude::*;

#[test]
fn placeholders_become_dollar_numbers() {
    assert_eq!(
        to_postgres("INSERT INTO t (a, b) VALUES (?1, ?2) ON CONFLICT (a) DO NOTHING"),
        "INSERT INTO t (a, b) VALUES ($1, $2) ON CONFLICT (a) DO NOTHING"
    );
    assert_eq!(to_postgres("a = ?10 OR b = ?2"), "a = $10 OR b = $2");
    assert_eq!(to_postgres("a = ? AND b = ?"), "a = $1 AND b = $2");
    assert_eq!(to_postgres("a = ?3 AND b = ?"), "a = $3 AND b = $4");
}

#[test]
fn literals_identifiers_and_comments_are_left_alone() {
    assert_eq!(
        to_postgres("SELECT '?1', 'it''s ?', \"q?\" FROM t WHERE x = ?1"),
        "SELECT '?1', 'it''s ?', \"q?\" FROM t WHERE x = $1"
    );
    assert_eq!(
        to_postgres("SELECT 1 -- why ?1\nWHERE a = ?1"),
        "SELECT 1 -- why ?1\nWHERE a = $1"
    );
    // An unterminated literal is copied as it is; the server reports the syntax error.
    assert_eq!(to_postgres("SELECT 'open ?1"), "SELECT 'open ?1");
}

proptest! {
    /// Whatever the text, translation never panics, keeps everything but placeholders,
    /// and leaves no `?` outside quotes and comments.
    #[test]
    fn translation_changes_only_placeholders(sql in "[a-z ?0-9'\"$,=\n-]{0,60}") {
        let out = to_postgres(&sql);
        let strip = |s: &str| s.chars().filter(|c| !c.is_ascii_digit() && *c != '?' && *c != '$').collect::<String>();
        prop_assert_eq!(strip(&sql), strip(&out));
        if !sql.contains(['\'', '"']) && !sql.contains("--") {
            prop_assert!(!out.contains('?'));
        }
    }
}

#[test]
fn lock_ids_are_fnv_1a_so_every_node_and_build_agrees() {
    // The published FNV-1a 64 test vectors.
    assert_eq!(lock_id("") as u64, 0xcbf2_9ce4_8422_2325);
    assert_eq!(lock_id("a") as u64, 0xaf63_dc4c_8601_ec8c);
    assert_ne!(lock_id("ban 192.0.2.1"), lock_id("ban 192.0.2.2"));
}

#[test]
fn sqlite_round_trip_and_transactions() {
    let sql = Sql::sqlite(rusqlite::Connection::open_in_memory().unwrap());
    sql.batch("CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER, f REAL, b BLOB)")
        .unwrap();
    let n = sql
        .execute(
            "INSERT INTO t VALUES (?1, ?2, ?3, ?4)",
            &[
                Value::from("a"),
                Value::from(7i64),
                Value::from(0.5),
                Value::Blob(vec![1, 2]),
            ],
        )
        .unwrap();
    assert_eq!(n, 1);
    let r = sql
        .query_one("SELECT k, n, f, b, NULL FROM t", &[])
        .unwrap();
    assert_eq!(r.get::<String>(0).unwrap(), "a");
    assert_eq!(r.get::<u64>(1).unwrap(), 7);
    assert_eq!(r.get::<f64>(2).unwrap(), 0.5);
    assert_eq!(r.get::<Vec<u8>>(3).unwrap(), vec![1, 2]);
    assert_eq!(r.get::<Option<i64>>(4).unwrap(), None);
    assert!(r.get::<i64>(0).is_err(), "text is not read as a number");
    // A failed transaction leaves nothing behind, a nested one joins its outer one.
    let failed: Result<()> = sql.transaction(|| {
        sql.execute("INSERT INTO t (k) VALUES (?1)", args!["b"])?;
        sql.transaction(|| sql.execute("INSERT INTO t (k) VALUES (?1)", args!["c"]))?;
        Err(CoreError::Invalid("stop".into()))
    });
    assert!(failed.is_err());
    let count = sql.query_one("SELECT count(*) FROM t", &[]).unwrap();
    assert_eq!(count.get::<i64>(0).unwrap(), 1);
    sql.transaction(|| sql.execute("INSERT INTO t (k) VALUES (?1)", args!["d"]))
        .unwrap();
    let count = sql.query_one("SELECT count(*) FROM t", &[]).unwrap();
    assert_eq!(count.get::<i64>(0).unwrap(), 2);
}
