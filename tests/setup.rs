//! `setup`: the non-interactive form for every flag, missing answers and re-runs; the
//! interactive wizard driven in a real pseudo-terminal (tmux); the systemd unit.

mod common;
#[path = "outbound/dns.rs"]
#[allow(dead_code)]
mod dns;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::certs;
use common::cli::{BIN, mailctl, mailctl_stdin};
use common::serve::Serve;
use serde_json::Value;

fn json(o: &Output) -> Value {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn get(dir: &Path, key: &str) -> String {
    let o = mailctl(dir, &["config", "get", key]);
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}

const FULL: &[&str] = &[
    "--json",
    "setup",
    "--non-interactive",
    "--hostname",
    "mail.example.test",
    "--domain",
    "example.test",
    "--admin",
    "admin@example.test",
    "--password-stdin",
    "--tls",
    "self-signed",
    "--services",
    "smtp,submission,imaps,pop3s",
    "--relay-host",
    "smarthost.example.net:2525",
    "--public-ip",
    "192.0.2.10",
    "--service-user",
    "nobody",
    "--no-dns-check",
];

#[test]
fn non_interactive_sets_up_everything_it_is_told() {
    let dir = common::data_dir();
    let j = json(&mailctl_stdin(dir.path(), FULL, "a long secret\n"));
    assert_eq!(j["hostname"], "mail.example.test");
    // The DNS records to publish, including the DKIM key setup made.
    let recs = j["dns_records"].as_array().unwrap();
    let has = |name: &str, ty: &str| recs.iter().any(|r| r["name"] == name && r["type"] == ty);
    assert!(
        has("example.test", "MX")
            && has("mail.example.test", "A")
            && has("_dmarc.example.test", "TXT"),
        "{recs:?}"
    );
    assert!(
        recs.iter()
            .any(|r| r["name"] == "mail._domainkey.example.test"
                && r["value"].as_str().unwrap().starts_with("v=DKIM1;")),
        "{recs:?}"
    );
    assert!(dir.path().join("dkim/example.test.mail.key").exists());
    assert_eq!(j["admin"], "admin@example.test");
    // Issue 16.4: the "Next:" hints carry the data directory they were given.
    let dd = format!("--data-dir {}", dir.path().display());
    for n in j["next"].as_array().unwrap() {
        let n = n.as_str().unwrap();
        assert!(!n.starts_with("mailctl ") || n.contains(&dd), "{n}");
    }
    assert_eq!(
        j["services"],
        serde_json::json!(["smtp", "submission", "imaps", "pop3s"])
    );
    assert_eq!(get(dir.path(), "hostname"), "mail.example.test");
    assert_eq!(get(dir.path(), "listen.smtp"), "0.0.0.0:25");
    assert_eq!(get(dir.path(), "listen.imap"), "");
    assert_eq!(get(dir.path(), "listen.pop3s"), "0.0.0.0:995");
    assert_eq!(get(dir.path(), "relay.host"), "smarthost.example.net");
    assert_eq!(get(dir.path(), "relay.port"), "2525");
    assert_eq!(get(dir.path(), "relay.mode"), "relay");
    assert_eq!(get(dir.path(), "public_ip"), "192.0.2.10");
    assert_eq!(get(dir.path(), "server.user"), "nobody");
    let cert = get(dir.path(), "tls.cert");
    assert!(
        std::fs::read_to_string(&cert)
            .unwrap()
            .contains("BEGIN CERTIFICATE")
    );
    use std::os::unix::fs::PermissionsExt;
    let key_mode = std::fs::metadata(get(dir.path(), "tls.key"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(key_mode, 0o600);
    // The SQLite file holds password hashes (a PostgreSQL core keeps them in its database).
    if common::engine::engine() == common::engine::Engine::Sqlite {
        let db_mode = std::fs::metadata(dir.path().join("mailctl.db"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(db_mode, 0o600, "the database holds password hashes");
    }
    // The mailbox works, and the role addresses reach it.
    let o = mailctl_stdin(
        dir.path(),
        &["user", "test-password", "admin@example.test"],
        "a long secret\n",
    );
    assert!(o.status.success());
    let aliases = json(&mailctl(dir.path(), &["--json", "alias", "list"]));
    let sources: Vec<&str> = aliases
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["abuse@example.test", "postmaster@example.test"]);
}

#[test]
fn missing_answers_fail_clearly_and_change_nothing() {
    let dir = common::data_dir();
    let cases: &[(&[&str], &str)] = &[
        (&["setup", "--non-interactive"], "--hostname"),
        (
            &[
                "setup",
                "--non-interactive",
                "--hostname",
                "mail.example.test",
            ],
            "--domain",
        ),
        (
            &[
                "setup",
                "--non-interactive",
                "--hostname",
                "mail.example.test",
                "--domain",
                "example.test",
            ],
            "--admin",
        ),
        (
            &[
                "setup",
                "--non-interactive",
                "--hostname",
                "mail.example.test",
                "--domain",
                "example.test",
                "--admin",
                "a@example.test",
            ],
            "--password-stdin",
        ),
        (
            &[
                "setup",
                "--non-interactive",
                "--hostname",
                "mail.example.test",
                "--domain",
                "example.test",
                "--admin",
                "a@example.test",
                "--random-password",
            ],
            "--tls",
        ),
    ];
    for (args, hint) in cases {
        let o = mailctl(dir.path(), args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.starts_with("mailctl: --non-interactive needs") && err.contains(hint),
            "{args:?}: {err}"
        );
    }
    let bad: &[(&[&str], &str)] = &[
        (&["--hostname", "not a host"], "--hostname"),
        (&["--services", "smtp,gopher"], "gopher"),
        (&["--tls", "relative.pem,key.pem"], "absolute"),
        (
            &["--tls", "/nonexistent/cert.pem,/nonexistent/key.pem"],
            "cannot read",
        ),
        (&["--relay-host", "relay.example.net:notaport"], "bad port"),
    ];
    for (extra, needle) in bad {
        let base = [
            ("--hostname", "mail.example.test"),
            ("--domain", "example.test"),
            ("--admin", "a@example.test"),
            ("--tls", "self-signed"),
        ];
        let mut args = vec!["setup", "--non-interactive", "--random-password"];
        for (flag, value) in base {
            if flag != extra[0] {
                args.extend_from_slice(&[flag, value]);
            }
        }
        args.extend_from_slice(extra);
        let o = mailctl(dir.path(), &args);
        assert!(!o.status.success(), "{extra:?}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(needle),
            "{extra:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let o = mailctl(dir.path(), &["--json", "domain", "list"]);
    assert_eq!(
        json(&o),
        serde_json::json!([]),
        "a failed setup must not leave a domain behind"
    );
}

#[test]
fn rerun_keeps_settings_and_loses_nothing() {
    let dir = common::data_dir();
    json(&mailctl_stdin(dir.path(), FULL, "a long secret\n"));
    let cert_before = std::fs::read(get(dir.path(), "tls.cert")).unwrap();
    // Mail and extra state that a re-run must not touch.
    let maildir = dir.path().join("mail/example.test/admin/new");
    std::fs::create_dir_all(&maildir).unwrap();
    std::fs::write(maildir.join("1.host"), "Subject: keep me\r\n\r\nbody\r\n").unwrap();
    mailctl(
        dir.path(),
        &["config", "set", "smtp.max_message_size", "10M"],
    );

    let j = json(&mailctl(
        dir.path(),
        &[
            "--json",
            "setup",
            "--non-interactive",
            "--no-dns-check",
            "--service-user",
            "nobody",
        ],
    ));
    let steps = j["steps"].to_string();
    assert!(
        steps.contains("password kept") && steps.contains("kept"),
        "{steps}"
    );
    assert!(
        steps.contains("kept the existing key"),
        "a re-run must not replace the DKIM key: {steps}"
    );
    assert_eq!(
        get(dir.path(), "listen.imap"),
        "",
        "re-run must keep the chosen services"
    );
    assert_eq!(get(dir.path(), "relay.host"), "smarthost.example.net");
    assert_eq!(get(dir.path(), "smtp.max_message_size"), "10M");
    assert_eq!(
        std::fs::read(get(dir.path(), "tls.cert")).unwrap(),
        cert_before
    );
    assert!(maildir.join("1.host").exists());
    let o = mailctl_stdin(
        dir.path(),
        &["user", "test-password", "admin@example.test"],
        "a long secret\n",
    );
    assert!(o.status.success(), "re-run changed the password");

    // A second domain and a password reset are explicit.
    let j = json(&mailctl_stdin(
        dir.path(),
        &[
            "--json",
            "setup",
            "--non-interactive",
            "--domain",
            "second.test",
            "--admin",
            "admin@example.test",
            "--reset-password",
            "--password-stdin",
            "--no-dns-check",
            "--service-user",
            "nobody",
        ],
        "another secret\n",
    ));
    assert!(j["steps"].to_string().contains("password changed"));
    assert_eq!(
        json(&mailctl(dir.path(), &["--json", "domain", "list"]))
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn systemd_unit_passes_systemd_analyze_verify() {
    let analyze = Command::new("systemd-analyze").arg("--version").output();
    assert!(
        analyze.is_ok(),
        "systemd-analyze is required (scripts/test installs systemd)"
    );
    let dir = tempfile::tempdir().unwrap();
    let unit = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/systemd/mailctl.service"),
    )
    .unwrap()
    .replace("/usr/local/bin/mailctl", BIN)
    .replace("/var/lib/mailctl", dir.path().to_str().unwrap());
    for directive in [
        "ProtectSystem=strict",
        "PrivateTmp=true",
        "NoNewPrivileges=true",
        "CapabilityBoundingSet=CAP_NET_BIND_SERVICE",
        "ExecReload=/bin/kill -HUP $MAINPID",
        "Type=notify",
    ] {
        assert!(unit.contains(directive), "unit lacks {directive}");
    }
    let path = dir.path().join("mailctl.service");
    std::fs::write(&path, unit).unwrap();
    let o = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .output()
        .unwrap();
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let problems: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("mailctl.service"))
        .collect();
    assert!(
        o.status.success() && problems.is_empty(),
        "systemd-analyze verify: {out}"
    );
}

/// Drives the wizard in a real terminal: tmux runs it, send-keys types the answers.
#[test]
fn interactive_wizard_in_a_terminal() {
    assert!(
        Command::new("tmux").arg("-V").output().is_ok(),
        "tmux is required (scripts/test installs it)"
    );
    let dir = tempfile::tempdir().unwrap();
    let session = format!("mailctl-setup-{}", std::process::id());
    let socket = dir.path().join("tmux.sock");
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .arg("-S")
            .arg(&socket)
            .args(args)
            .output()
            .unwrap()
    };
    let done = dir.path().join("done");
    let cmd = format!(
        "{BIN} --data-dir {} setup --no-dns-check --service-user nobody --public-ip 192.0.2.20; echo EXIT=$? > {}; sleep 30",
        dir.path().join("data").display(),
        done.display()
    );
    let o = tmux(&[
        "new-session",
        "-d",
        "-s",
        &session,
        "-x",
        "160",
        "-y",
        "50",
        &cmd,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let screen = || {
        String::from_utf8_lossy(&tmux(&["capture-pane", "-p", "-t", &session]).stdout).into_owned()
    };
    let wait_for = |text: &str| {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30) {
            if screen().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the wizard never showed {text:?}; screen:\n{}", screen());
    };
    let send = |keys: &[&str]| {
        assert!(
            tmux(&[&["send-keys", "-t", &session][..], keys].concat())
                .status
                .success()
        );
    };
    wait_for("Mail host name");
    send(&["C-u", "mail.wizard.test", "Enter"]);
    wait_for("First mail domain");
    send(&["Enter"]); // default derived from the host name: wizard.test
    wait_for("First mailbox");
    send(&["Enter"]); // default admin@wizard.test
    wait_for("Password for admin@wizard.test");
    send(&["wizard-secret-1", "Enter"]);
    wait_for("Repeat the password");
    send(&["wizard-secret-1", "Enter"]);
    // Issue 16.2: each path is checked as it is typed; a wrong one costs one answer.
    let certs = tempfile::tempdir().unwrap();
    let (good_c, good_k) = certs::make(certs.path(), "good", "mail.wizard.test");
    let (wrong_c, wrong_k) = certs::make(certs.path(), "wrong", "www.elsewhere.test");
    wait_for("TLS certificate");
    send(&["Down", "Enter"]); // "Certificate and key files I name" (after self-signed)
    wait_for("Certificate chain (PEM) path");
    send(&[&wrong_c.display().to_string(), "Enter"]);
    wait_for("not for this server's host name mail.wizard.test");
    send(&["C-u", &good_c.display().to_string(), "Enter"]);
    wait_for("Private key (PEM) path");
    send(&[&wrong_k.display().to_string(), "Enter"]);
    wait_for("does not belong to the certificate");
    send(&["C-u", &good_k.display().to_string(), "Enter"]);
    wait_for("Services to enable");
    send(&["Enter"]);
    wait_for("Relay host");
    send(&["Enter"]);
    let start = Instant::now();
    loop {
        let s = screen();
        if s.contains("Install the systemd unit") && !s.contains("Set up mail.wizard.test") {
            send(&["n"]);
            std::thread::sleep(Duration::from_millis(300));
        }
        if screen().contains("Set up mail.wizard.test for wizard.test") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no final confirmation; screen:\n{}",
            screen()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    send(&["y"]);
    let start = Instant::now();
    while !done.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the wizard did not finish; screen:\n{}",
            screen()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let s = screen();
    tmux(&["kill-session", "-t", &session]);
    assert_eq!(
        std::fs::read_to_string(&done).unwrap().trim(),
        "EXIT=0",
        "screen:\n{s}"
    );
    assert!(
        s.contains("mailbox: admin@wizard.test (created, administrator)"),
        "{s}"
    );
    let data = dir.path().join("data");
    assert_eq!(get(&data, "hostname"), "mail.wizard.test");
    assert_eq!(get(&data, "public_ip"), "192.0.2.20");
    assert_eq!(get(&data, "tls.cert"), good_c.display().to_string());
    let o = mailctl_stdin(
        &data,
        &["user", "test-password", "admin@wizard.test"],
        "wizard-secret-1\n",
    );
    assert!(
        o.status.success(),
        "the password typed in the wizard does not work"
    );
    send_through_the_configured_server(&data, "admin@wizard.test", "wizard-secret-1");
}

/// Starts the configured server (on test ports) and sends a message with swaks through
/// submission with STARTTLS and AUTH, as a new user's mail client would; it must land in the
/// mailbox the wizard created.
fn send_through_the_configured_server(data: &Path, user: &str, password: &str) {
    mailctl(data, &["config", "set", "dns.nameserver", "127.0.0.1:9"]);
    let child = Serve::start(
        data,
        &["smtp", "pop3"],
        &["smtp", "submission", "submissions", "pop3", "pop3s"],
    );
    let addrs: std::collections::HashMap<&str, String> = [
        ("sub", child.addr("submission").to_string()),
        ("pop3", child.addr("pop3").to_string()),
    ]
    .into_iter()
    .collect();
    let addr = addrs["sub"].clone();
    let (host, port) = addr.rsplit_once(':').unwrap();
    let o = Command::new("swaks")
        .args(["--server", host, "--port", port, "--tls", "--auth", "PLAIN"])
        .args([
            "--auth-user",
            user,
            "--auth-password",
            password,
            "--from",
            user,
            "--to",
            user,
        ])
        .args([
            "--header",
            "Subject: hello from the wizard test",
            "--timeout",
            "20",
        ])
        .output()
        .expect("swaks is required (scripts/test installs it)");
    let (local, domain) = user.split_once('@').unwrap();
    let new = data.join("mail").join(domain).join(local).join("new");
    let start = Instant::now();
    let mut found = false;
    while start.elapsed() < Duration::from_secs(20) && !found {
        found = std::fs::read_dir(&new)
            .map(|d| d.count() > 0)
            .unwrap_or(false);
        std::thread::sleep(Duration::from_millis(100));
    }
    // And fetch it back over POP3 with curl, as a mail client would.
    let fetched = Command::new("curl")
        .args([
            "-s",
            "--max-time",
            "20",
            "-u",
            &format!("{user}:{password}"),
            &format!("pop3://{}/1", addrs["pop3"]),
        ])
        .output()
        .expect("curl is required");
    child.stop();
    assert!(
        o.status.success(),
        "swaks: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(found, "the message never reached {user}'s Maildir");
    let body = String::from_utf8_lossy(&fetched.stdout);
    assert!(
        body.contains("Subject: hello from the wizard test"),
        "curl pop3 fetched: {body}"
    );
}

/// Setup ends with `dns check` against the configured resolver and lists what is missing.
#[test]
fn setup_reports_what_dns_still_lacks() {
    let srv = dns::DnsServer::start(&[
        ("example.test", "@ IN MX 10 mail\nmail IN A 192.0.2.10\n"),
        ("test", ""),
    ]);
    let dir = common::data_dir();
    // Settings need a server to live in (issue 16.4): start one with its domain.
    mailctl(dir.path(), &["domain", "add", "example.test", "--create"]);
    mailctl(
        dir.path(),
        &["config", "set", "dns.nameserver", &srv.addr()],
    );
    mailctl(dir.path(), &["config", "set", "dnsbl.zones", ""]);
    let args: Vec<&str> = FULL
        .iter()
        .copied()
        .filter(|a| *a != "--no-dns-check")
        .collect();
    let j = json(&mailctl_stdin(dir.path(), &args, "a long secret\n"));
    let findings = j["dns_check"].as_array().expect("dns_check in the summary");
    let status = |check: &str| {
        findings
            .iter()
            .filter(|f| f["check"] == check)
            .map(|f| f["status"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert!(status("MX").contains(&"pass".to_string()), "{findings:#?}");
    assert!(
        status("DMARC").contains(&"fail".to_string())
            && status("SPF").contains(&"fail".to_string()),
        "{findings:#?}"
    );
    assert!(
        status("DKIM").contains(&"fail".to_string()),
        "the new key is not published yet: {findings:#?}"
    );
}

/// Issue 16.2: a certificate and key that do not belong together, or a certificate for another
/// host, are refused by `setup --tls` and by `config set tls.*`, with the reason.
#[test]
fn tls_pairs_and_names_are_checked() {
    let dir = common::data_dir();
    let certs = tempfile::tempdir().unwrap();
    let (good_c, good_k) = certs::make(certs.path(), "good", "mail.example.test");
    let (_, other_k) = certs::make(certs.path(), "other", "mail.example.test");
    let (wrong_c, wrong_k) = certs::make(certs.path(), "wrong", "www.elsewhere.test");
    let with_tls = |tls: String| -> Vec<String> {
        let mut v: Vec<String> = FULL.iter().map(|s| s.to_string()).collect();
        let i = v.iter().position(|a| a == "self-signed").unwrap();
        v[i] = tls;
        v
    };
    let run = |args: &[String]| {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        mailctl_stdin(dir.path(), &a, "a long secret\n")
    };
    let o = run(&with_tls(format!(
        "{},{}",
        good_c.display(),
        other_k.display()
    )));
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("does not belong to the certificate"), "{err}");
    let o = run(&with_tls(format!(
        "{},{}",
        wrong_c.display(),
        wrong_k.display()
    )));
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("www.elsewhere.test") && err.contains("mail.example.test"),
        "{err}"
    );
    let o = run(&with_tls(format!(
        "{},{}",
        good_c.display(),
        good_k.display()
    )));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // config set checks the same, against the other half as configured.
    let o = mailctl(
        dir.path(),
        &["config", "set", "tls.key", &other_k.display().to_string()],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("does not belong") && err.contains("setup --non-interactive --tls"),
        "{err}"
    );
    let o = mailctl(
        dir.path(),
        &["config", "set", "tls.cert", &wrong_c.display().to_string()],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(get(dir.path(), "tls.cert"), good_c.display().to_string());
}
