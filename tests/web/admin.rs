//! The web administration and the user's settings over real HTTP (curl): who may reach
//! `/admin` (403 for everyone but administrators, on every route), the CSRF token on every
//! administrative POST, changes made through the pages seen by the CLI, and a password
//! changed on the settings page taking effect for IMAP at once (auth cache included).

use crate::common::cli::{json, mailctl_ok};
use crate::common::users::PASSWORD;
use crate::harness::{Client, imap_login, start, start_with};

const ALICE: &str = "alice@example.test";
const BOB: &str = "bob@example.test";

/// Every page of the administration.
const GETS: &[&str] = &[
    "/admin",
    "/admin/domains",
    "/admin/users",
    "/admin/users?page=2",
    "/admin/aliases",
    "/admin/queue",
    "/admin/queue/no-such-id",
    "/admin/bans",
    "/admin/dns/example.test",
];

/// Every state-changing route, with a form that would change something if accepted.
const POSTS: &[(&str, &[(&str, &str)])] = &[
    ("/admin/domains", &[("domain", "new.test")]),
    (
        "/admin/domains/remove",
        &[("domain", "example.test"), ("force", "1")],
    ),
    (
        "/admin/users",
        &[
            ("address", "carol@example.test"),
            ("password", "a long pass phrase"),
            ("quota", "0"),
        ],
    ),
    (
        "/admin/users/set",
        &[
            ("address", "bob@example.test"),
            ("quota", "1M"),
            ("admin", "1"),
            ("enabled", "1"),
        ],
    ),
    ("/admin/users/remove", &[("address", "bob@example.test")]),
    (
        "/admin/aliases",
        &[
            ("source", "info@example.test"),
            ("destinations", "bob@example.test"),
        ],
    ),
    (
        "/admin/aliases/remove",
        &[
            ("source", "info@example.test"),
            ("destinations", "bob@example.test"),
        ],
    ),
    ("/admin/queue/no-such-id", &[("action", "delete")]),
    ("/admin/bans/remove", &[("ip", "192.0.2.1")]),
];

fn with_csrf<'a>(fields: &[(&'a str, &'a str)], csrf: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut v = fields.to_vec();
    v.push(("csrf", csrf));
    v
}

/// Nothing any of the refused POSTs would have changed has changed.
fn nothing_changed(srv: &crate::harness::Server) {
    let p = srv.path();
    let domains = mailctl_ok(p, &["domain", "list"]);
    assert!(!domains.contains("new.test"), "{domains}");
    assert!(domains.contains("example.test"), "{domains}");
    let users = json(p, &["user", "list"]);
    let users = users.as_array().unwrap();
    assert_eq!(users.len(), 2, "{users:?}");
    let bob = users.iter().find(|u| u["address"] == BOB).unwrap();
    assert_eq!(
        (bob["role"].as_str(), bob["quota"].as_u64()),
        (Some("user"), Some(0))
    );
    assert_eq!(json(p, &["alias", "list"]).as_array().unwrap().len(), 0);
}

#[test]
fn only_administrators_reach_admin_and_every_admin_post_wants_the_csrf_token() {
    let srv = start(false, &[]);
    let p = srv.path();
    // The role, set and shown by the CLI.
    let set = json(p, &["user", "set", ALICE, "--admin"]);
    assert_eq!(set["role"], "admin", "{set}");
    assert_eq!(json(p, &["user", "show", ALICE])["role"], "admin");
    assert_eq!(json(p, &["user", "show", BOB])["role"], "user");

    // Without a session: the login page for a GET, a refusal for a POST.
    let mut anon = Client::new(&srv.base);
    for path in GETS {
        let r = anon.get(path);
        assert_eq!((r.status, r.header("location")), (303, "/login"), "{path}");
    }
    for (path, fields) in POSTS {
        assert_eq!(anon.post(path, fields).status, 403, "{path}");
    }

    // An ordinary user: 403 everywhere, also with a good CSRF token.
    let mut bob = Client::new(&srv.base);
    assert_eq!(bob.login(BOB, PASSWORD).status, 303);
    let bob_csrf = bob.get("/mail/INBOX").input("csrf");
    for path in GETS {
        let r = bob.get(path);
        assert_eq!(r.status, 403, "{path}: {}", r.text());
        assert!(r.text().contains("Administrators only"), "{path}");
    }
    for (path, fields) in POSTS {
        let r = bob.post(path, &with_csrf(fields, &bob_csrf));
        assert_eq!(r.status, 403, "{path}: {}", r.text());
        assert!(r.text().contains("Administrators only"), "{path}");
    }
    nothing_changed(&srv);

    // The administrator, without the token or with a wrong one: refused, nothing done.
    let mut alice = Client::new(&srv.base);
    assert_eq!(alice.login(ALICE, PASSWORD).status, 303);
    let csrf = alice.get("/admin").input("csrf");
    for (path, fields) in POSTS {
        for r in [
            alice.post(path, fields),
            alice.post(path, &with_csrf(fields, &bob_csrf)),
        ] {
            assert_eq!(r.status, 403, "{path}: {}", r.text());
            assert!(r.text().contains("CSRF"), "{path}: {}", r.text());
        }
    }
    nothing_changed(&srv);

    // With it, the pages work and the CLI sees their changes.
    for path in GETS
        .iter()
        .filter(|p| !p.contains("no-such") && !p.contains("/dns/"))
    {
        assert_eq!(alice.get(path).status, 200, "{path}");
    }
    assert_eq!(alice.get("/admin/queue/no-such-id").status, 400);
    let ok = |r: crate::harness::Answer| assert_eq!(r.status, 303, "{}", r.text());
    ok(alice.post("/admin/domains", &with_csrf(POSTS[0].1, &csrf)));
    ok(alice.post("/admin/users", &with_csrf(POSTS[2].1, &csrf)));
    ok(alice.post(
        "/admin/users/set",
        &with_csrf(
            &[("address", BOB), ("quota", "1M"), ("enabled", "1")],
            &csrf,
        ),
    ));
    ok(alice.post("/admin/aliases", &with_csrf(POSTS[5].1, &csrf)));
    let domains = mailctl_ok(p, &["domain", "list"]);
    assert!(domains.contains("new.test"), "{domains}");
    let bob_now = json(p, &["user", "show", BOB]);
    assert_eq!(bob_now["quota"], 1 << 20, "{bob_now}");
    assert_eq!(bob_now["role"], "user");
    assert!(json(p, &["user", "show", "carol@example.test"])["address"].is_string());
    let aliases = json(p, &["alias", "list"]);
    assert_eq!(aliases[0]["source"], "info@example.test", "{aliases}");
    // What the core refuses is said, and nothing is done.
    let weak = alice.post(
        "/admin/users",
        &with_csrf(
            &[("address", "dave@example.test"), ("password", "password")],
            &csrf,
        ),
    );
    assert_eq!(weak.status, 400, "{}", weak.text());
    let typo = alice.post(
        "/admin/aliases",
        &with_csrf(
            &[
                ("source", "sales@example.test"),
                ("destinations", "nobody@example.test"),
            ],
            &csrf,
        ),
    );
    assert_eq!(typo.status, 400);
    assert!(typo.text().contains("does not exist"), "{}", typo.text());
    let users = alice.get("/admin/users").text();
    assert!(
        users.contains("carol@example.test") && !users.contains("dave@"),
        "{users}"
    );

    // The role is read on every request: taken away, the next page is refused.
    mailctl_ok(p, &["user", "set", ALICE, "--no-admin"]);
    assert_eq!(alice.get("/admin").status, 403);
}

#[test]
fn a_password_changed_in_settings_is_the_one_imap_takes_at_once() {
    let srv = start_with(false, &[], &["imap"], &["imap", "imaps"]);
    // The old password is in the auth cache now.
    assert!(imap_login(&srv, ALICE, PASSWORD));
    let mut c = Client::new(&srv.base);
    assert_eq!(c.login(ALICE, PASSWORD).status, 303);
    let mut other = Client::new(&srv.base);
    assert_eq!(other.login(ALICE, PASSWORD).status, 303);
    let page = c.get("/settings");
    assert_eq!(page.status, 200, "{}", page.text());
    let csrf = page.input("csrf");
    let new = "a brand new pass phrase";
    let change = |c: &mut Client, old: &str, new: &str, again: &str, csrf: &str| {
        c.post(
            "/settings/password",
            &[("old", old), ("new", new), ("again", again), ("csrf", csrf)],
        )
    };
    // Refusals: no token, a wrong old password, two different new ones, a guessable one.
    let r = c.post(
        "/settings/password",
        &[("old", PASSWORD), ("new", new), ("again", new)],
    );
    assert_eq!(r.status, 403);
    assert_eq!(change(&mut c, "wrong", new, new, &csrf).status, 400);
    assert_eq!(change(&mut c, PASSWORD, new, "other", &csrf).status, 400);
    let weak = change(&mut c, PASSWORD, ALICE, ALICE, &csrf);
    assert_eq!(weak.status, 400);
    assert!(weak.text().contains("address"), "{}", weak.text());
    assert!(imap_login(&srv, ALICE, PASSWORD), "nothing changed yet");

    let ok = change(&mut c, PASSWORD, new, new, &csrf);
    assert_eq!(ok.status, 303, "{}", ok.text());
    assert!(
        !imap_login(&srv, ALICE, PASSWORD),
        "the old password (cached) is refused"
    );
    assert!(imap_login(&srv, ALICE, new));
    // This browser stays logged in (a new session id); the other one is logged out.
    assert_eq!(c.get("/settings").status, 200);
    assert_eq!(other.get("/mail/INBOX").status, 303);
}

#[test]
fn vacation_and_forwarding_from_settings_are_the_cli_scripts() {
    let srv = start(false, &[]);
    let p = srv.path();
    let mut c = Client::new(&srv.base);
    assert_eq!(c.login(ALICE, PASSWORD).status, 303);
    let csrf = c.get("/settings").input("csrf");
    let r = c.post(
        "/settings/vacation",
        &[
            ("subject", "Away"),
            ("body", "Back on Monday."),
            ("from", "2026-12-01"),
            ("until", "2026-12-24"),
            ("on", "1"),
            ("csrf", &csrf),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let r = c.post(
        "/settings/forward",
        &[
            ("to", "carol@example.org"),
            ("keep", "1"),
            ("on", "1"),
            ("csrf", &csrf),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    // One active script holds both rules, as `mailctl vacation set` + `forward set` make.
    let script = mailctl_ok(p, &["sieve", "get", ALICE, "mailctl-forward"]);
    assert!(
        script.contains("redirect :copy \"carol@example.org\";"),
        "{script}"
    );
    assert!(
        script.contains("vacation :subject \"Away\" \"Back on Monday.\";"),
        "{script}"
    );
    assert!(
        script.contains("currentdate :value \"le\" \"date\" \"2026-12-24\""),
        "{script}"
    );
    let page = c.get("/settings").text();
    assert!(
        page.contains("carol@example.org") && page.contains("Back on Monday."),
        "{page}"
    );
    // A bad window is refused; switching one off leaves the other.
    let r = c.post(
        "/settings/vacation",
        &[
            ("body", "x"),
            ("from", "2026-12-24"),
            ("until", "2026-12-01"),
            ("on", "1"),
            ("csrf", &csrf),
        ],
    );
    assert_eq!(r.status, 400, "{}", r.text());
    assert_eq!(
        c.post("/settings/forward", &[("off", "1"), ("csrf", &csrf)])
            .status,
        303
    );
    let list = json(p, &["sieve", "list", ALICE]);
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["mailctl-vacation"], "{list}");
    // Bob's settings are his own: the form names no user.
    let mut bob = Client::new(&srv.base);
    assert_eq!(bob.login(BOB, PASSWORD).status, 303);
    assert!(
        bob.get("/settings")
            .text()
            .contains("id=\"vacation-now\">Off.")
    );
}

/// The queue entries, as `mailctl queue list --json` gives them.
fn queue(p: &std::path::Path) -> Vec<serde_json::Value> {
    json(p, &["queue", "list"]).as_array().unwrap().clone()
}

#[test]
fn the_queue_and_bans_pages_act_through_the_cli_functions() {
    let srv = start(
        false,
        &[("ban.threshold", "3"), ("web.login_rate_limit", "100")],
    );
    let p = srv.path();
    mailctl_ok(p, &["user", "set", ALICE, "--admin"]);
    // Mail for an alias that forwards elsewhere waits in the queue (no DNS answers here).
    mailctl_ok(
        p,
        &["alias", "add", "info@example.test", "carol@example.org"],
    );
    let script = r#"
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=30)
s.sendmail("sender@example.org", ["info@example.test"], b"Subject: queued\r\n\r\nwaits\r\n")
s.quit()
"#;
    let port = srv.serve.port("smtp").to_string();
    crate::common::tools::python(script, &[&port]);
    // The message for the alias is delivered locally and replaced by its forwarded copy, a
    // message of its own: wait for that one, whose recipient is remote (how soon the first
    // is replaced depends on the engine).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let forwarded = |q: &[serde_json::Value]| {
        q.len() == 1 && q[0]["recipients"][0]["address"] == "carol@example.org"
    };
    while !forwarded(&queue(p)) {
        assert!(
            std::time::Instant::now() < deadline,
            "no forwarded copy: {:?}",
            queue(p)
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let id = queue(p)[0]["id"].as_str().unwrap().to_string();

    let mut c = Client::new(&srv.base);
    assert_eq!(c.login(ALICE, PASSWORD).status, 303);
    let list = c.get("/admin/queue");
    assert!(list.text().contains(&id), "{}", list.text());
    let csrf = list.input("csrf");
    let one = c.get(&format!("/admin/queue/{id}"));
    assert_eq!(one.status, 200);
    assert!(one.text().contains("carol@example.org") && one.text().contains("Subject: queued"));
    let act = |c: &mut Client, action: &str| {
        c.post(
            &format!("/admin/queue/{id}"),
            &[("action", action), ("csrf", &csrf)],
        )
    };
    assert_eq!(act(&mut c, "hold").status, 303);
    assert_eq!(queue(p)[0]["held"], true);
    assert_eq!(act(&mut c, "release").status, 303);
    assert_eq!(queue(p)[0]["held"], false);
    assert_eq!(act(&mut c, "retry").status, 303);
    assert_eq!(act(&mut c, "bogus").status, 400);
    assert_eq!(act(&mut c, "delete").status, 303);
    assert!(queue(p).is_empty());
    assert!(
        !p.join("queue").join(&id).exists(),
        "the spool file went too"
    );
    assert_eq!(act(&mut c, "delete").status, 400, "already gone");

    // A client address guesses until banned; the page lists it and lifts the ban.
    let mut guesser = Client::new(&srv.base);
    guesser.from = Some("127.0.0.2".into());
    for pw in ["guess1", "guess2", "guess3"] {
        guesser.login(BOB, pw);
    }
    assert_eq!(guesser.login(BOB, PASSWORD).status, 403, "banned");
    let bans = c.get("/admin/bans");
    assert!(bans.text().contains("127.0.0.2"), "{}", bans.text());
    let lift = |c: &mut Client| {
        c.post(
            "/admin/bans/remove",
            &[("ip", "127.0.0.2"), ("csrf", &csrf)],
        )
    };
    assert_eq!(lift(&mut c).status, 303);
    assert_eq!(json(p, &["ban", "list"]).as_array().unwrap().len(), 0);
    assert_eq!(lift(&mut c).status, 400, "no longer banned");
    assert_eq!(
        guesser.login(BOB, PASSWORD).status,
        303,
        "the ban is lifted"
    );
}
