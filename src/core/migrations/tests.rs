use super::*;

#[test]
fn sqlite_and_postgres_texts_describe_the_same_tables() {
    // Whatever the types, both engines get the same tables and columns in the same
    // migration: compare the identifiers each text creates or alters.
    let names = |s: &str| {
        let mut v: Vec<String> = s
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| w.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
            .map(str::to_string)
            .filter(|w| w != "lower")
            .collect();
        v.sort();
        v.dedup();
        v
    };
    for (i, m) in MIGRATIONS.iter().enumerate() {
        if matches!(m, Migration::PostgresOnly(_)) || m.sqlite().contains("CREATE TRIGGER") {
            continue;
        }
        assert_eq!(
            names(m.sqlite()),
            names(m.postgres()),
            "migration {}",
            i + 1
        );
        assert!(
            !m.postgres().contains("WITHOUT ROWID"),
            "migration {}",
            i + 1
        );
        assert!(!m.postgres().contains(" INTEGER"), "migration {}", i + 1);
    }
}

#[test]
fn every_sqlite_migration_applies_in_order() {
    let sql = Sql::sqlite(rusqlite::Connection::open_in_memory().unwrap());
    for (i, m) in MIGRATIONS.iter().enumerate() {
        sql.batch(m.sqlite())
            .unwrap_or_else(|e| panic!("migration {}: {e}", i + 1));
    }
}
