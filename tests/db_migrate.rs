//! `mailctl db migrate --to postgres://…` (issue 21.5) against a real PostgreSQL 15: a
//! populated single-box SQLite server moves into PostgreSQL and answers every administration
//! command as before, passwords included; new rows continue after the copied ids; a second
//! move, or a move into a database that already holds a server, is refused and changes
//! nothing.

mod common;

use std::path::Path;
use std::time::Duration;

use common::cli::{command, run, text};
use common::postgres::PgServer;
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
    let dir = tempfile::tempdir().unwrap();
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
