//! The administration commands through the real binary: domains, users, aliases, settings,
//! status, exit codes, JSON shapes, hostile input, concurrent writers, generated files.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::cli::{BIN, mailctl, mailctl_ok, mailctl_stdin};
use common::users::{add_domain, add_user};
use serde_json::Value;

/// A fresh data directory for one test.
struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: common::data_dir(),
        }
    }

    /// A directory with no core at all, on either engine: where "not set up here" is the
    /// answer (a `database.url` names a configured core, so it is never such a directory).
    fn bare() -> Env {
        Env {
            dir: common::engine::sqlite_data_dir(),
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        mailctl(self.dir.path(), args)
    }

    fn run_stdin(&self, args: &[&str], input: &str) -> Output {
        mailctl_stdin(self.dir.path(), args, input)
    }

    fn ok(&self, args: &[&str]) -> String {
        mailctl_ok(self.dir.path(), args)
    }

    fn json(&self, args: &[&str]) -> Value {
        common::cli::json(self.dir.path(), args)
    }

    /// A fresh environment with cheap argon2 settings, one domain and two users.
    fn with_users() -> Env {
        let e = Env::new();
        let p = e.dir.path();
        add_domain(p, "example.test");
        // Cheap hashes: these tests check behaviour, not the work factor.
        e.ok(&["config", "set", "auth.argon2_memory", "1M"]);
        e.ok(&["config", "set", "auth.argon2_iterations", "1"]);
        for u in ["alice@example.test", "bob@example.test"] {
            add_user(p, u, "correct horse", &[]);
        }
        e
    }
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn domains_add_list_show_remove() {
    let e = Env::new();
    let j = e.json(&["domain", "add", "Bücher.Example", "--create"]);
    assert_eq!(j["domain"], "xn--bcher-kva.example");
    assert_eq!(j["unicode"], "bücher.example");
    let dup = e.run(&["domain", "add", "bücher.example"]);
    assert_eq!(code(&dup), 1);
    assert!(
        stderr(&dup).starts_with("mailctl: domain xn--bcher-kva.example already exists"),
        "{}",
        stderr(&dup)
    );

    e.ok(&["domain", "add", "example.test"]);
    let list = e.json(&["domain", "list"]);
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["domain"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["example.test", "xn--bcher-kva.example"]);
    for field in ["domain", "unicode", "users", "aliases", "created"] {
        assert!(list[0].get(field).is_some(), "domain list lacks {field}");
    }
    let text = e.ok(&["domain", "list"]);
    assert!(
        text.contains("bücher.example (xn--bcher-kva.example)"),
        "{text}"
    );

    e.run_stdin(
        &["user", "add", "u@example.test", "--password-stdin"],
        "longpassword\n",
    );
    let show = e.json(&["domain", "show", "example.test"]);
    assert_eq!(show["users"], 1);
    assert!(
        show["maildir_path"]
            .as_str()
            .unwrap()
            .ends_with("mail/example.test")
    );

    let refused = e.run(&["domain", "remove", "example.test"]);
    assert_eq!(code(&refused), 1);
    assert!(stderr(&refused).contains("--force"), "{}", stderr(&refused));
    e.ok(&["domain", "remove", "example.test", "--force"]);
    assert_eq!(code(&e.run(&["user", "show", "u@example.test"])), 1);
    assert_eq!(code(&e.run(&["domain", "remove", "example.test"])), 1);
    assert_eq!(code(&e.run(&["domain", "show", "nope.test"])), 1);
}

#[test]
fn exit_codes_distinguish_usage_from_failure() {
    let e = Env::bare();
    assert_eq!(code(&e.run(&["domain", "frobnicate"])), 2);
    assert_eq!(code(&e.run(&["domain", "add"])), 2);
    assert_eq!(code(&e.run(&["domain", "add", "a..b"])), 2);
    assert_eq!(code(&e.run(&["config", "set", "no.such.key", "1"])), 1);
    assert_eq!(
        code(&e.run(&["config", "set", "smtp.max_message_size", "huge"])),
        1
    );
    // No server here yet (issue 16.4): a failure, not an empty list.
    assert_eq!(code(&e.run(&["domain", "list"])), 1);
}

#[test]
fn users_lifecycle_and_passwords() {
    let e = Env::with_users();
    let list = e.json(&["user", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 2);
    for field in [
        "address", "unicode", "domain", "quota", "enabled", "created",
    ] {
        assert!(list[0].get(field).is_some(), "user list lacks {field}");
    }
    assert_eq!(
        code(&e.run_stdin(
            &["user", "test-password", "alice@example.test"],
            "correct horse\n"
        )),
        0
    );
    assert_eq!(
        code(&e.run_stdin(
            &["user", "test-password", "alice@example.test"],
            "correct horsE\n"
        )),
        1
    );
    assert_eq!(
        code(&e.run_stdin(
            &["user", "test-password", "nobody@example.test"],
            "correct horse\n"
        )),
        1
    );

    // Duplicate, unknown domain, short password, no password source.
    assert_eq!(
        code(&e.run_stdin(
            &["user", "add", "alice@example.test", "--password-stdin"],
            "x12345678\n"
        )),
        1
    );
    let o = e.run_stdin(
        &["user", "add", "carol@nowhere.test", "--password-stdin"],
        "x12345678\n",
    );
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("mailctl domain add nowhere.test"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        code(&e.run_stdin(
            &["user", "add", "carol@example.test", "--password-stdin"],
            "short\n"
        )),
        1
    );
    let o = e.run(&["user", "add", "carol@example.test"]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("--password-stdin"), "{}", stderr(&o));
    let o = e.run_stdin(
        &["user", "add", "carol+x@example.test", "--password-stdin"],
        "x12345678\n",
    );
    assert!(
        stderr(&o).contains("sub-address separator"),
        "{}",
        stderr(&o)
    );

    // Random password: printed once, and it works.
    let j = e.json(&[
        "user",
        "add",
        "carol@example.test",
        "--random-password",
        "--quota",
        "2G",
    ]);
    let pw = j["generated_password"].as_str().unwrap().to_string();
    assert_eq!(j["quota"], 2u64 << 30);
    assert_eq!(
        code(&e.run_stdin(
            &["user", "test-password", "carol@example.test"],
            &format!("{pw}\n")
        )),
        0
    );

    // passwd, set, disable.
    e.run_stdin(
        &["user", "passwd", "carol@example.test", "--password-stdin"],
        "another secret\n",
    );
    assert_eq!(
        code(&e.run_stdin(
            &["user", "test-password", "carol@example.test"],
            "another secret\n"
        )),
        0
    );
    let j = e.json(&[
        "user",
        "set",
        "carol@example.test",
        "--quota",
        "500M",
        "--disable",
    ]);
    assert_eq!(j["quota"], 500u64 << 20);
    assert_eq!(j["enabled"], false);
    assert_eq!(
        code(&e.run_stdin(
            &["user", "test-password", "carol@example.test"],
            "another secret\n"
        )),
        1
    );
    e.ok(&["user", "set", "carol@example.test", "--enable"]);
    assert_eq!(
        code(&e.run(&["user", "set", "carol@example.test", "--quota", "lots"])),
        2
    );

    // remove with --keep-mail keeps the Maildir; --purge deletes it. (The default, which
    // sets the mail aside, is tested in `removed_mail_is_not_resurrected`.)
    let maildir = e.dir.path().join("mail/example.test/carol");
    std::fs::create_dir_all(maildir.join("new")).unwrap();
    std::fs::write(maildir.join("new/1.msg"), "Subject: x\r\n\r\nhi\r\n").unwrap();
    let out = e.ok(&["user", "remove", "carol@example.test", "--keep-mail"]);
    assert!(out.contains("stays in") && maildir.exists(), "{out}");
    e.json(&[
        "user",
        "add",
        "carol@example.test",
        "--random-password",
        "--reuse-maildir",
    ]);
    e.ok(&["user", "remove", "carol@example.test", "--purge"]);
    assert!(!maildir.exists());
}

#[test]
fn removed_mail_is_not_resurrected() {
    let e = Env::with_users();
    let maildir = e.dir.path().join("mail/example.test/alice");
    std::fs::create_dir_all(maildir.join("cur")).unwrap();
    std::fs::create_dir_all(maildir.join("new")).unwrap();
    std::fs::write(maildir.join("new/1.a.h"), "Subject: private\r\n\r\nhi\r\n").unwrap();
    // Default: the mail moves to removed/<date>-<address>/, and the output says where.
    let j = e.json(&["user", "remove", "alice@example.test"]);
    let moved = j["moved_to"].as_str().unwrap().to_string();
    assert!(
        moved.contains("/removed/") && moved.ends_with("-alice@example.test"),
        "{j}"
    );
    assert!(Path::new(&moved).join("new/1.a.h").exists() && !maildir.exists());
    // A new alice starts empty.
    let o = e.run_stdin(
        &["user", "add", "alice@example.test", "--password-stdin"],
        "correct horse\n",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!maildir.join("new/1.a.h").exists());
    // A Maildir kept (or put) there is found, and only taken over on request.
    let o = e.run(&[
        "user",
        "remove",
        "alice@example.test",
        "--keep-mail",
        "--purge",
    ]);
    assert_eq!(code(&o), 2, "the choices exclude each other");
    std::fs::create_dir_all(maildir.join("new")).unwrap();
    std::fs::write(maildir.join("new/2.b.h"), "Subject: old\r\n\r\nhi\r\n").unwrap();
    e.ok(&["user", "remove", "alice@example.test", "--keep-mail"]);
    let o = e.run_stdin(
        &["user", "add", "alice@example.test", "--password-stdin"],
        "correct horse\n",
    );
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("already exists")
            && stderr(&o).contains("1 message")
            && stderr(&o).contains("--reuse-maildir"),
        "{}",
        stderr(&o)
    );
    let o = e.run_stdin(
        &[
            "user",
            "add",
            "alice@example.test",
            "--password-stdin",
            "--reuse-maildir",
        ],
        "correct horse\n",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("reusing the existing Maildir"));
}

#[test]
fn an_alias_never_silently_diverts_a_mailbox_or_points_nowhere() {
    let e = Env::with_users();
    // bob is a mailbox: an alias would take all his mail away.
    let o = e.run(&["alias", "add", "bob@example.test", "alice@example.test"]);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("is a mailbox") && stderr(&o).contains("--force"),
        "{}",
        stderr(&o)
    );
    assert_eq!(e.json(&["alias", "list"]).as_array().unwrap().len(), 0);
    // Keeping a copy is no diversion.
    e.ok(&[
        "alias",
        "add",
        "bob@example.test",
        "bob@example.test",
        "alice@example.test",
    ]);
    e.ok(&["alias", "remove", "bob@example.test"]);
    // --force does it, and says what changed.
    let out = e.ok(&[
        "alias",
        "add",
        "bob@example.test",
        "alice@example.test",
        "--force",
    ]);
    assert!(out.contains("no longer reaches"), "{out}");
    // A destination in our own domain that does not exist is a typo.
    let o = e.run(&[
        "alias",
        "add",
        "typo@example.test",
        "nosuchuser@example.test",
    ]);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("nosuchuser@example.test does not exist"),
        "{}",
        stderr(&o)
    );
    // Other domains' addresses and existing aliases are fine.
    e.ok(&[
        "alias",
        "add",
        "sales@example.test",
        "someone@elsewhere.test",
    ]);
    e.ok(&["alias", "add", "info@example.test", "sales@example.test"]);
}

#[test]
fn imported_hashes_verify_as_they_are() {
    let e = Env::with_users();
    let sha512 = "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1";
    let mut hashes = vec![
        ("s1", sha512.to_string()),
        ("s2", format!("{{SHA512-CRYPT}}{sha512}")),
        (
            "b1",
            "$2y$05$fdDzU/K/PETLXAePxymtHuoOEnmtT7NQtAfjRyI9ujlp3altqOCSm".to_string(),
        ),
        (
            "b2",
            "{BLF-CRYPT}$2y$05$fdDzU/K/PETLXAePxymtHuoOEnmtT7NQtAfjRyI9ujlp3altqOCSm".to_string(),
        ),
    ];
    // Hashes made by the system's own tools, where present.
    if let Ok(o) = Command::new("openssl")
        .args(["passwd", "-6", "secret"])
        .output()
        && o.status.success()
    {
        hashes.push((
            "o1",
            String::from_utf8(o.stdout).unwrap().trim().to_string(),
        ));
    }
    if let Ok(o) = Command::new("mkpasswd")
        .args(["-m", "sha-512", "secret"])
        .output()
        && o.status.success()
    {
        hashes.push((
            "m1",
            String::from_utf8(o.stdout).unwrap().trim().to_string(),
        ));
    }
    if let Ok(o) = Command::new("htpasswd")
        .args(["-nbBC", "5", "u", "secret"])
        .output()
        && o.status.success()
    {
        let line = String::from_utf8(o.stdout).unwrap();
        hashes.push(("h1", line.trim().split_once(':').unwrap().1.to_string()));
    }
    // An argon2id hash from mailctl itself, imported into another account as Dovecot writes it.
    let j = e.json(&["user", "add", "tmp@example.test", "--random-password"]);
    let pw = j["generated_password"].as_str().unwrap().to_string();
    for (name, hash) in &hashes {
        let addr = format!("{name}@example.test");
        e.ok(&["user", "add", &addr, "--password-hash", hash]);
        assert_eq!(
            code(&e.run_stdin(&["user", "test-password", &addr], "secret\n")),
            0,
            "{name}: {hash}"
        );
        assert_eq!(
            code(&e.run_stdin(&["user", "test-password", &addr], "Secret\n")),
            1,
            "{name}"
        );
    }
    assert!(hashes.len() >= 4);
    let _ = pw;
    for bad in ["{PLAIN}secret", "$1$abc$def", "nonsense", "{MD5-CRYPT}$1$x"] {
        assert_eq!(
            code(&e.run(&["user", "add", "bad@example.test", "--password-hash", bad])),
            2,
            "{bad}"
        );
    }
}

#[test]
fn aliases_lists_catch_alls_and_loops() {
    let e = Env::with_users();
    e.ok(&[
        "alias",
        "add",
        "team@example.test",
        "alice@example.test",
        "bob@example.test",
        "friend@elsewhere.test",
    ]);
    e.ok(&["alias", "add", "@example.test", "alice@example.test"]);
    let o = e.run(&["alias", "add", "x@example.test", "team@example.test"]);
    assert!(o.status.success());
    let o = e.run(&["alias", "add", "team@example.test", "x@example.test"]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("alias loop"), "{}", stderr(&o));
    let o = e.run(&["alias", "add", "a@nowhere.test", "alice@example.test"]);
    assert!(stderr(&o).contains("not served here"), "{}", stderr(&o));

    let list = e.json(&["alias", "list"]);
    let team = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["source"] == "team@example.test")
        .unwrap();
    assert_eq!(team["destinations"].as_array().unwrap().len(), 3);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|a| a["source"] == "@example.test")
    );

    e.ok(&[
        "alias",
        "remove",
        "team@example.test",
        "friend@elsewhere.test",
    ]);
    let list = e.json(&["alias", "list", "--domain", "example.test"]);
    let team = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["source"] == "team@example.test")
        .unwrap();
    assert_eq!(team["destinations"].as_array().unwrap().len(), 2);
    e.ok(&["alias", "remove", "team@example.test"]);
    assert_eq!(code(&e.run(&["alias", "remove", "team@example.test"])), 1);
}

#[test]
fn hostile_input_is_refused_and_changes_nothing() {
    let e = Env::with_users();
    let before = e.ok(&["--json", "user", "list"]);
    let long = format!("{}@example.test", "a".repeat(300));
    let sql = "x';DROP TABLE users;--@example.test";
    for bad in [
        "",
        "a",
        "a@@example.test",
        "a@example..test",
        "a\u{1}b@example.test",
        &long,
        sql,
        "@example.test",
        "a@",
    ] {
        let o = e.run(&["user", "add", bad, "--random-password"]);
        assert_eq!(code(&o), 2, "{bad:?} accepted: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.starts_with("mailctl: invalid address") && err.lines().count() <= 2,
            "{bad:?}: {err}"
        );
    }
    // SQL metacharacters that are legal in a local part are stored literally.
    e.ok(&["user", "add", "o'brien@example.test", "--random-password"]);
    assert!(e.ok(&["user", "list"]).contains("o'brien@example.test"));

    // A CSV with a broken line in the middle imports nothing.
    let csv = e.dir.path().join("users.csv");
    std::fs::write(&csv, "address,password\nc1@example.test,tr0ub4dor1\nnot-an-address,tr0ub4dor2\nc3@example.test,\"pass,word3\",1G\n").unwrap();
    let o = e.run(&["user", "import", csv.to_str().unwrap()]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("line 3:"), "{}", stderr(&o));
    let after: Value = serde_json::from_str(&e.ok(&["--json", "user", "list"])).unwrap();
    let before: Value = serde_json::from_str(&before).unwrap();
    assert_eq!(
        after.as_array().unwrap().len(),
        before.as_array().unwrap().len() + 1
    );

    // --skip-bad imports the good lines and still exits 1.
    let o = e.run(&[
        "--json",
        "user",
        "import",
        csv.to_str().unwrap(),
        "--skip-bad",
    ]);
    assert_eq!(code(&o), 1);
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["imported"], 2);
    assert_eq!(j["errors"][0]["line"], 3);
    assert_eq!(
        code(&e.run_stdin(
            &["user", "test-password", "c3@example.test"],
            "pass,word3\n"
        )),
        0
    );
}

#[test]
fn config_documents_and_validates_every_key() {
    let e = Env::new();
    e.ok(&["domain", "add", "example.test", "--create"]);
    let list = e.json(&["config", "list"]);
    let keys: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap())
        .collect();
    for k in [
        "hostname",
        "listen.smtp",
        "tls.cert",
        "smtp.max_message_size",
        "smtp.max_recipients",
        "relay.host",
        "relay.mode",
        "mynetworks",
        "queue.max_lifetime",
        "ban.threshold",
    ] {
        assert!(keys.contains(&k), "config list lacks {k}");
    }
    for row in list.as_array().unwrap() {
        assert!(!row["description"].as_str().unwrap().is_empty());
    }
    // Issue 18: a fresh server judges mail from port 25, and the text says why and how the
    // dev server differs.
    let checks = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "inbound.checks")
        .unwrap();
    assert_eq!(checks["default"], "true", "{checks}");
    let why = checks["description"].as_str().unwrap();
    assert!(
        why.contains("On by default") && why.contains("serve --dev") && why.contains("restart"),
        "{why}"
    );
    assert_eq!(e.ok(&["config", "get", "mynetworks"]).trim(), "");
    let out = e.ok(&["config", "set", "mynetworks", "192.0.2.7/24"]);
    assert_eq!(out.lines().next(), Some("mynetworks = 192.0.2.0/24"));
    // And what became of it: no daemon runs here (issue 16.3).
    assert!(out.contains("no daemon is running"), "{out}");
    assert_eq!(
        e.json(&["config", "get", "mynetworks"])["value"],
        "192.0.2.0/24"
    );
    let o = e.run(&["config", "set", "relay.mode", "sometimes"]);
    assert!(
        stderr(&o).contains("direct, relay, direct-then-relay"),
        "{}",
        stderr(&o)
    );
    e.ok(&["config", "unset", "mynetworks"]);
    assert_eq!(e.ok(&["config", "get", "mynetworks"]).trim(), "");
}

#[test]
fn status_reports_counts_or_says_not_set_up() {
    let e = Env::bare();
    let o = e.run(&["status"]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("no mailctl database"), "{}", stderr(&o));
    let e = Env::with_users();
    let j = e.json(&["status"]);
    assert_eq!(j["domains"], 1);
    assert_eq!(j["users"], 2);
    assert_eq!(j["listeners"][0]["service"], "smtp");
}

#[test]
fn two_processes_writing_at_once_both_succeed() {
    let e = Env::with_users();
    let children: Vec<_> = (0..2)
        .map(|p| {
            let dir = e.dir.path().to_path_buf();
            std::thread::spawn(move || {
                for i in 0..15 {
                    let o = mailctl(
                        &dir,
                        &[
                            "user",
                            "add",
                            &format!("p{p}u{i}@example.test"),
                            "--password-hash",
                            "$2y$05$fdDzU/K/PETLXAePxymtHuoOEnmtT7NQtAfjRyI9ujlp3altqOCSm",
                        ],
                    );
                    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
                    let o = mailctl(
                        &dir,
                        &[
                            "alias",
                            "add",
                            &format!("a{p}x{i}@example.test"),
                            "alice@example.test",
                        ],
                    );
                    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
                }
            })
        })
        .collect();
    for c in children {
        c.join().unwrap();
    }
    assert_eq!(e.json(&["user", "list"]).as_array().unwrap().len(), 32);
    assert_eq!(e.json(&["alias", "list"]).as_array().unwrap().len(), 30);
}

/// Issue 16.4: a mistyped --data-dir is an error naming the path, never a new empty server.
#[test]
fn a_missing_data_dir_is_an_error_not_a_new_server() {
    let e = Env::with_users();
    let typo = e.dir.path().join("typo");
    let run = |args: &[&str]| {
        Command::new(BIN)
            .arg("--data-dir")
            .arg(&typo)
            .args(args)
            .env_remove("MAILCTL_DATA_DIR")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    for args in [
        &["user", "list"][..],
        &["domain", "list"],
        &["alias", "list"],
        &["config", "set", "hostname", "mx.example.test"],
        &["config", "list"],
        &["queue", "list"],
        &["ban", "list"],
        &["dkim", "generate", "example.test"],
        &["domain", "add", "example.test"],
        &["status"],
        &["serve"],
        &["maildir", "import-mbox", "alice@example.test", "/dev/null"],
    ] {
        let o = run(args);
        assert_eq!(code(&o), 1, "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains(&typo.display().to_string()), "{args:?}: {err}");
        assert!(err.contains("hint:"), "{args:?}: {err}");
        assert!(!typo.exists(), "{args:?} created {}", typo.display());
    }
    // An existing directory without a database is no server either.
    std::fs::create_dir(&typo).unwrap();
    let o = run(&["user", "list"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("no mailctl database"), "{}", stderr(&o));
    assert!(!typo.join("mailctl.db").exists());
    // The explicit flag starts a new server.
    let o = run(&["domain", "add", "example.test", "--create"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(typo.join("mailctl.db").exists());
    assert_eq!(code(&run(&["user", "list"])), 0);
}

#[test]
fn data_dir_comes_from_the_environment() {
    // SQLite only: it checks that the SQLite file lands in the directory the variable names.
    let dir = common::engine::sqlite_data_dir();
    let o = Command::new(BIN)
        .env("MAILCTL_DATA_DIR", dir.path())
        .args(["domain", "add", "env.test", "--create"])
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(dir.path().join("mailctl.db").exists());
}

/// The committed man pages and completions are what the current clap definition generates.
/// Regenerate with `UPDATE_GENERATED=1 cargo test --test cli generated`.
#[test]
fn generated_man_pages_and_completions_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let bin = BIN;
    let man = tmp.path().join("man");
    assert!(
        Command::new(bin)
            .arg("man")
            .arg(&man)
            .status()
            .unwrap()
            .success()
    );
    let comp = tmp.path().join("completions");
    std::fs::create_dir_all(&comp).unwrap();
    for (shell, file) in [
        ("bash", "mailctl.bash"),
        ("zsh", "_mailctl"),
        ("fish", "mailctl.fish"),
        ("elvish", "mailctl.elv"),
        ("powershell", "_mailctl.ps1"),
    ] {
        let o = Command::new(bin)
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(o.status.success());
        std::fs::write(comp.join(file), o.stdout).unwrap();
    }
    let update = std::env::var_os("UPDATE_GENERATED").is_some();
    let mut stale = Vec::new();
    for sub in ["man", "completions"] {
        let fresh = tmp.path().join(sub);
        let committed = root.join(sub);
        if update {
            let _ = std::fs::remove_dir_all(&committed);
            std::fs::create_dir_all(&committed).unwrap();
        }
        let mut names: Vec<_> = std::fs::read_dir(&fresh)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        for name in &names {
            let new = std::fs::read(fresh.join(name)).unwrap();
            if update {
                std::fs::write(committed.join(name), &new).unwrap();
            } else if std::fs::read(committed.join(name)).ok().as_ref() != Some(&new) {
                stale.push(format!("{sub}/{}", name.to_string_lossy()));
            }
        }
        if !update {
            let committed_count = std::fs::read_dir(&committed)
                .map(|d| d.count())
                .unwrap_or(0);
            if committed_count != names.len() {
                stale.push(format!(
                    "{sub}/ holds {committed_count} files, expected {}",
                    names.len()
                ));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files {stale:?}; run `UPDATE_GENERATED=1 cargo test --test cli generated`"
    );
}

#[test]
fn broken_pipe_is_not_an_error() {
    let mut child = Command::new(BIN)
        .args(["completions", "bash"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert!(
        o.status.success() || o.status.code() == Some(0),
        "{:?} {}",
        o.status,
        stderr(&o)
    );
}

/// The provisioning example works as shipped, twice in a row (it is idempotent).
#[test]
fn provisioning_example_runs_and_is_idempotent() {
    if Command::new("jq").arg("--version").output().is_err() {
        panic!("jq is required (scripts/test installs it)");
    }
    let dir = common::data_dir();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/provision.sh");
    for _ in 0..2 {
        let o = Command::new("bash")
            .arg(&script)
            .arg(dir.path())
            .env("MAILCTL", BIN)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{}\n{}",
            String::from_utf8_lossy(&o.stdout),
            stderr(&o)
        );
        let j: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(j["users"], 2);
        assert_eq!(j["aliases"], 2);
    }
}

#[test]
fn guessable_passwords_and_malformed_hashes_are_refused_up_front() {
    let e = Env::with_users();
    // The address, its local part (any case) and the commonest passwords are refused, with the
    // reason and the flag that overrides it; --allow-weak is for scripts that must.
    for weak in [
        "davedave@example.test",
        "DaveDave",
        "evadevad",
        "Password123",
        "qwertyuiop",
    ] {
        let o = e.run_stdin(
            &["user", "add", "davedave@example.test", "--password-stdin"],
            &format!("{weak}\n"),
        );
        assert_eq!(code(&o), 1, "{weak} was accepted");
        assert!(
            stderr(&o).contains("--allow-weak"),
            "{weak}: {}",
            stderr(&o)
        );
    }
    let o = e.run_stdin(
        &["user", "add", "davedave@example.test", "--password-stdin"],
        "davedave\n",
    );
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("local part"), "{}", stderr(&o));
    let o = e.run_stdin(
        &[
            "user",
            "add",
            "davedave@example.test",
            "--password-stdin",
            "--allow-weak",
        ],
        "davedave\n",
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));

    // A truncated SHA512-CRYPT hash would lock the user out at the first login: refused now.
    let o = e.run(&[
        "user",
        "add",
        "erin@example.test",
        "--password-hash",
        "{SHA512-CRYPT}$6$abc$xyz",
    ]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("malformed"), "{}", stderr(&o));
    assert_eq!(code(&e.run(&["user", "show", "erin@example.test"])), 1);
}

/// Every time in every JSON document is RFC 3339 UTC (`...T...Z`), never epoch seconds or a
/// local time without a zone.
#[test]
fn json_times_are_rfc3339_utc() {
    fn walk(v: &Value, path: &str, bad: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    let timey = [
                        "created",
                        "until",
                        "date",
                        "expires",
                        "not_after",
                        "not_before",
                    ]
                    .contains(&k.as_str())
                        || k.ends_with("_at")
                        || k.starts_with("next_")
                        || k == "oldest"
                        || k == "newest"
                        || k == "last_attempt";
                    let ok = match v {
                        Value::String(s) => !timey || chrono_like(s),
                        Value::Null => true,
                        Value::Number(_) => !timey,
                        _ => {
                            walk(v, &format!("{path}.{k}"), bad);
                            true
                        }
                    };
                    if !ok {
                        bad.push(format!("{path}.{k} = {v}"));
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, path, bad)),
            _ => {}
        }
    }
    fn chrono_like(s: &str) -> bool {
        let b = s.as_bytes();
        b.len() == 20 && b[4] == b'-' && b[10] == b'T' && b[19] == b'Z'
    }
    let e = Env::with_users();
    e.ok(&["alias", "add", "team@example.test", "alice@example.test"]);
    // A mailbox with a message, and a queued message, so that their times are printed too.
    let mbox = e.dir.path().join("in.mbox");
    std::fs::write(
        &mbox,
        "From a@example.org Sun Dec  6 08:00:00 2026\nFrom: a@example.org\nDate: Sun, 6 Dec 2026 08:00:00 +0000\nSubject: x\n\nbody\n",
    )
    .unwrap();
    e.ok(&[
        "maildir",
        "import-mbox",
        "alice@example.test",
        mbox.to_str().unwrap(),
    ]);
    let o = e.run_stdin(
        &[
            "sendmail",
            "-f",
            "alice@example.test",
            "someone@example.org",
        ],
        "Subject: queued\n\nbody\n",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let mut bad = Vec::new();
    for args in [
        &["user", "list"][..],
        &["user", "show", "alice@example.test"],
        &["domain", "list"],
        &["domain", "show", "example.test"],
        &["alias", "list"],
        &["status"],
        &["queue", "list"],
        &["maildir", "ls", "alice@example.test"],
        &["ban", "list"],
        &["maildir", "walk", "alice@example.test"],
    ] {
        walk(&e.json(args), &args.join(" "), &mut bad);
    }
    assert!(bad.is_empty(), "not RFC 3339 UTC: {bad:#?}");
}
