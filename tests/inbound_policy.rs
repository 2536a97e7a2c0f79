//! Per-domain and per-user inbound policy (#18 points 3, 5): `domain set` and `user set`
//! through the CLI, and their thresholds and actions applied by the MX per recipient with
//! the real rspamd.

mod common;
#[path = "outbound/dns.rs"]
#[allow(dead_code)]
mod dns;

use std::path::Path;

use common::cli::{json, mailctl, ok};
use common::scanners::{self, GTUBE};
use common::tools::python_text;

/// rspamd scores it above 2 (no Date, no Message-ID) and below the server's junk score 6.
const SLOPPY: &str = "From: <alice@sender.test>\r\nSubject: hi\r\n\r\nhello\r\n";

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn domain_set_and_user_set_round_trip_and_refuse_bad_input() {
    let data = common::data_dir();
    let p = data.path();
    ok(p, &["domain", "add", "ours.test", "--create"]);
    ok(p, &["user", "add", "bob@ours.test", "--random-password"]);

    let v = json(
        p,
        &[
            "domain",
            "set",
            "ours.test",
            "--spam-junk-score",
            "2.5",
            "--spam-action",
            "junk",
        ],
    );
    assert_eq!(v["overrides"]["spam_junk_score"], 2.5, "{v:#}");
    assert_eq!(v["effective"]["spam_action"]["value"], "junk", "{v:#}");
    assert_eq!(
        v["effective"]["spam_reject_score"]["from"], "server",
        "{v:#}"
    );
    let v = json(p, &["domain", "set", "ours.test", "--dmarc-reject", "tag"]);
    assert_eq!(
        v["overrides"]["spam_junk_score"], 2.5,
        "earlier flags kept: {v:#}"
    );
    assert_eq!(v["effective"]["dmarc_reject"]["value"], "tag", "{v:#}");

    let v = json(
        p,
        &["user", "set", "bob@ours.test", "--spam-reject-score", "9"],
    );
    let t = &v["inbound"]["effective"];
    assert_eq!(t["spam_reject_score"]["value"], 9.0, "{v:#}");
    assert_eq!(t["spam_reject_score"]["from"], "user", "{v:#}");
    assert_eq!(t["spam_junk_score"]["from"], "domain", "{v:#}");
    let v = json(p, &["user", "show", "bob@ours.test"]);
    assert_eq!(v["inbound"]["overrides"]["spam_reject_score"], 9.0, "{v:#}");
    let v = json(p, &["domain", "show", "ours.test"]);
    assert_eq!(v["inbound"]["overrides"]["dmarc_reject"], "tag", "{v:#}");
    let text = common::cli::mailctl_ok(p, &["domain", "show", "ours.test"]);
    assert!(text.contains("junk at 2.5 (domain)"), "{text}");

    // Errors: exit 1 with a hint; nothing changed.
    for (args, want) in [
        (
            vec!["domain", "set", "ours.test", "--spam-junk-score", "lots"],
            "is not a score",
        ),
        (
            vec!["domain", "set", "nowhere.test", "--spam-junk-score", "3"],
            "domain add nowhere.test",
        ),
        (
            vec!["user", "set", "bob@ours.test", "--spam-junk-score", "12"],
            "below the junk score",
        ),
        (
            vec!["user", "set", "nobody@ours.test", "--spam-junk-score", "3"],
            "user list",
        ),
    ] {
        let o = mailctl(p, &args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {o:?}");
        assert!(stderr(&o).contains(want), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("hint"), "{args:?}: {}", stderr(&o));
    }
    let o = mailctl(p, &["domain", "set", "ours.test", "--spam-action", "drop"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "a word clap knows is a usage error: {o:?}"
    );
    let o = mailctl(p, &["domain", "set", "ours.test"]);
    assert_eq!(o.status.code(), Some(2), "nothing to set: {o:?}");

    // `default` unsets one value, --clear all of them.
    let v = json(
        p,
        &[
            "user",
            "set",
            "bob@ours.test",
            "--spam-reject-score",
            "default",
        ],
    );
    assert_eq!(
        v["inbound"]["effective"]["spam_reject_score"]["from"], "server",
        "{v:#}"
    );
    let v = json(p, &["domain", "set", "ours.test", "--clear"]);
    assert_eq!(v["overrides"], serde_json::json!({}), "{v:#}");
    assert_eq!(v["effective"]["spam_junk_score"]["from"], "server", "{v:#}");
}

/// One smtplib transaction per (recipients, message file): `sent` or the DATA refusal.
fn send_all(port: u16, jobs: &[(&[&str], &Path)]) -> String {
    let lines: Vec<String> = jobs
        .iter()
        .map(|(to, file)| {
            format!(
                r#"
try:
    s.sendmail("alice@sender.test", {to:?}, open("{}", "rb").read())
    print("sent")
except smtplib.SMTPDataError as e:
    print(e.smtp_code, e.smtp_error.decode())"#,
                file.display()
            )
        })
        .collect();
    let script = format!(
        "import smtplib\ns = smtplib.SMTP(\"127.0.0.1\", {port}, timeout=60)\ns.ehlo(\"mail.sender.test\"){}\ns.quit()\n",
        lines.join("")
    );
    let (ran, out) = python_text(&script, &[]);
    assert!(ran, "{out}");
    out
}

fn messages(p: &Path, user: &str, domain: &str, folder: &str, n: usize) -> Vec<String> {
    let md = common::maildir::of(p, user, domain).join(folder);
    common::maildir::read(&common::maildir::wait(&md, n))
}

#[test]
fn the_mx_applies_each_recipients_thresholds_with_real_rspamd() {
    let dns = dns::DnsServer::start(&[
        ("test", ""),
        ("sender.test", "@ IN TXT \"v=spf1 ip4:127.0.0.1 -all\"\n"),
    ]);
    let ns = dns.addr();
    let rspamd = scanners::rspamd(&ns);
    let data = common::data_dir();
    let p = data.path();
    for d in ["ours.test", "other.test"] {
        ok(p, &["domain", "add", d, "--create"]);
    }
    ok(p, &["config", "set", "hostname", "mx.ours.test"]);
    ok(p, &["config", "set", "dnsbl.zones", ""]);
    ok(p, &["config", "set", "inbound.rspamd", &rspamd.addr]);
    common::mx::checks_on(p, &ns);
    for u in ["bob@ours.test", "carol@other.test", "strict@ours.test"] {
        ok(p, &["user", "add", u, "--random-password"]);
    }
    // ours.test junks at 2; other.test keeps the server's 6 but only tags spam; strict
    // refuses at 2.
    ok(p, &["domain", "set", "ours.test", "--spam-junk-score", "2"]);
    ok(p, &["domain", "set", "other.test", "--spam-action", "tag"]);
    ok(
        p,
        &[
            "user",
            "set",
            "strict@ours.test",
            "--spam-junk-score",
            "1",
            "--spam-reject-score",
            "2",
        ],
    );
    let sloppy = p.join("sloppy.eml");
    std::fs::write(&sloppy, SLOPPY).unwrap();
    let gtube = p.join("gtube.eml");
    let gtube_msg = format!(
        "From: <alice@sender.test>\r\nSubject: gtube\r\nDate: Sun, 06 Dec 2026 10:00:00 +0000\r\nMessage-ID: <g@sender.test>\r\n\r\n{GTUBE}\r\n"
    );
    std::fs::write(&gtube, gtube_msg).unwrap();

    let srv = common::mx::start(p);
    let out = send_all(
        srv.port("smtp"),
        &[
            // One message, two recipients: bob's domain junks it, carol's server default does not.
            (&["bob@ours.test", "carol@other.test"], &sloppy),
            // strict's own reject score: refused at DATA, as strict is the only recipient.
            (&["strict@ours.test"], &sloppy),
            // strict refuses, carol accepts: delivered, strict's copy in its Junk.
            (&["strict@ours.test", "carol@other.test"], &sloppy),
            // GTUBE (rspamd's own reject) to a tag-only domain: INBOX, with the header only.
            (&["carol@other.test"], &gtube),
        ],
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}\n{}", srv.log());
    assert_eq!(lines[0], "sent", "{out}\n{}", srv.log());
    assert!(
        lines[1].starts_with("550 ") && lines[1].contains("rspamd"),
        "{out}\n{}",
        srv.log()
    );
    assert_eq!(lines[2], "sent", "{out}\n{}", srv.log());
    assert_eq!(lines[3], "sent", "{out}\n{}", srv.log());

    let bob_junk = messages(p, "bob", "ours.test", ".Junk", 1);
    assert_eq!(bob_junk.len(), 1, "{}", srv.log());
    assert!(bob_junk[0].contains("X-Spam: Yes\r\n"), "{}", bob_junk[0]);
    let carol = messages(p, "carol", "other.test", "", 3);
    assert_eq!(carol.len(), 3, "carol's INBOX: {}", srv.log());
    let tagged: Vec<&String> = carol
        .iter()
        .filter(|m| m.contains("Subject: gtube"))
        .collect();
    assert_eq!(tagged.len(), 1, "{carol:?}");
    assert!(tagged[0].contains("X-Spam-Status: Yes"), "{}", tagged[0]);
    let strict_junk = messages(p, "strict", "ours.test", ".Junk", 1);
    assert_eq!(strict_junk.len(), 1, "{}", srv.log());
    // Nothing went elsewhere.
    assert!(common::maildir::files(&common::maildir::of(p, "bob", "ours.test")).is_empty());
    assert!(common::maildir::files(&common::maildir::of(p, "strict", "ours.test")).is_empty());
    assert!(
        common::maildir::files(&common::maildir::of(p, "carol", "other.test").join(".Junk"))
            .is_empty()
    );
    assert!(
        srv.log().contains("per recipient: 1 of 2 to Junk"),
        "{}",
        srv.log()
    );

    // `check message` says which thresholds applied to whom.
    let o = mailctl(
        p,
        &[
            "--json",
            "check",
            "message",
            sloppy.to_str().unwrap(),
            "--ip",
            "127.0.0.1",
            "--helo",
            "mail.sender.test",
            "--from",
            "alice@sender.test",
            "--to",
            "bob@ours.test",
            "--to",
            "strict@ours.test",
            "--nameserver",
            &ns,
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let r = &v["recipients"];
    assert_eq!(
        r[0]["thresholds"]["spam_junk_score"]["from"], "domain",
        "{v:#}"
    );
    assert_eq!(r[0]["junk"], true, "{v:#}");
    assert_eq!(
        r[1]["thresholds"]["spam_reject_score"]["from"], "user",
        "{v:#}"
    );
    assert_eq!(r[1]["action"], "reject", "{v:#}");
    assert_eq!(v["decision"], "junk", "{v:#}");
    let text = common::cli::mailctl_ok(
        p,
        &[
            "check",
            "message",
            sloppy.to_str().unwrap(),
            "--ip",
            "127.0.0.1",
            "--helo",
            "mail.sender.test",
            "--from",
            "alice@sender.test",
            "--to",
            "carol@other.test",
            "--nameserver",
            &ns,
        ],
    );
    assert!(
        text.contains("tag (domain)") && text.contains("6 (server)"),
        "{text}"
    );
}
