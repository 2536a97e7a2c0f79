//! One credential table, run against every way a client logs in: SMTP AUTH PLAIN (smtplib),
//! IMAP AUTHENTICATE PLAIN and LOGIN (imaplib), POP3 AUTH PLAIN and USER/PASS (poplib), all
//! against one real `mailctl serve`. Every path must give the same verdict for the same
//! credentials, since they all go through `auth::sasl` and `auth::login`.
//! Needs python3.

mod common;

use common::{cli, serve};

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

const PASSWORD: &str = "correct horse battery";
/// `ban.threshold` for the test: above the failures one method's ordinary cases make.
const BAN_THRESHOLD: u32 = 5;

/// Logs in once with one method and prints `ok` or `refused` (or `error:` and what the
/// server said, for an answer that is neither). With a last argument N > 0, it first opens
/// a connection, then fails N logins on other connections from the same address (which
/// bans it), then logs in on the first one and prints that verdict and whether a new
/// connection is still admitted.
const CLIENT: &str = r#"
import base64, imaplib, poplib, smtplib, socket, sys
method, port, src, user, pw, authz, ban_after = sys.argv[1:8]
port, ban_after = int(port), int(ban_after)
HOST = "127.0.0.1"
_create = socket.create_connection
def create(addr, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None, **kw):
    # Each method logs in from its own loopback address, so bans stay apart.
    return _create(addr, timeout, (src, 0), **kw)
socket.create_connection = create

class Refused(Exception):
    pass

def connect():
    try:
        if method == "smtp-plain":
            c = smtplib.SMTP(HOST, port, timeout=30)
            c.ehlo("client.test")
            return c
        if method.startswith("imap"):
            return imaplib.IMAP4(HOST, port, timeout=30)
        return poplib.POP3(HOST, port, timeout=30)
    except (smtplib.SMTPException, imaplib.IMAP4.error, poplib.error_proto, ConnectionError, EOFError):
        raise Refused()

def sasl_plain(z, u, p):
    return f"{z}\0{u}\0{p}"

def login(c, u, p, z):
    try:
        if method == "smtp-plain":
            b64 = base64.b64encode(sasl_plain(z, u, p).encode()).decode()
            code, msg = c.docmd("AUTH", "PLAIN " + b64)
            if code == 235:
                return "ok"
            if code in (535, 421):
                return "refused"
            return f"error:{code} {msg.decode()}"
        if method == "imap-authenticate":
            c.authenticate("PLAIN", lambda _: sasl_plain(z, u, p).encode())
            return "ok"
        if method == "imap-login":
            c.login(u, p)
            return "ok"
        if method == "pop3-plain":
            b64 = base64.b64encode(sasl_plain(z, u, p).encode()).decode()
            c._shortcmd("AUTH PLAIN " + b64)
            return "ok"
        if method == "pop3-user":
            c.user(u)
            c.pass_(p)
            return "ok"
    except imaplib.IMAP4.abort:
        return "refused"
    except imaplib.IMAP4.error as e:
        # imaplib raises NO with the server's text, BAD as "command error: BAD".
        return f"error:{e}" if "command error: BAD" in str(e) else "refused"
    except poplib.error_proto as e:
        text = str(e)
        return "refused" if "[AUTH]" in text or "too many" in text else f"error:{text}"
    except (smtplib.SMTPServerDisconnected, ConnectionError, EOFError):
        return "refused"
    raise SystemExit(f"unknown method {method}")

def close(c):
    try:
        if method == "smtp-plain":
            c.quit()
        elif method.startswith("imap"):
            c.logout()
        else:
            c.quit()
    except Exception:
        pass

try:
    first = connect()
except Refused:
    print("refused")
    sys.exit(0)
if ban_after == 0:
    print(login(first, user, pw, authz))
    close(first)
    sys.exit(0)
for i in range(ban_after):
    try:
        c = connect()
    except Refused:
        continue
    login(c, user, f"wrong {i}", "")
    close(c)
verdict = login(first, user, pw, authz)
try:
    close(connect())
    again = "ok"
except Refused:
    again = "refused"
print(f"{verdict} new-connection:{again}")
"#;

/// (method, listener, whether it carries an authorization identity).
const METHODS: [(&str, &str, bool); 5] = [
    ("smtp-plain", "submission", true),
    ("imap-authenticate", "imap", true),
    ("imap-login", "imap", false),
    ("pop3-plain", "pop3", true),
    ("pop3-user", "pop3", false),
];

struct Case {
    name: &'static str,
    user: &'static str,
    password: &'static str,
    /// `None`: no authzid (PLAIN sends an empty one); `Some`: only for SASL methods.
    authzid: Option<&'static str>,
    expect: &'static str,
}

const fn case(
    name: &'static str,
    user: &'static str,
    password: &'static str,
    authzid: Option<&'static str>,
    expect: &'static str,
) -> Case {
    Case {
        name,
        user,
        password,
        authzid,
        expect,
    }
}

const ALICE: &str = "alice@example.test";

const CASES: [Case; 9] = [
    case("right password", ALICE, PASSWORD, None, "ok"),
    case("wrong password", ALICE, "wrong", None, "refused"),
    case(
        "unknown user",
        "nobody@example.test",
        PASSWORD,
        None,
        "refused",
    ),
    case(
        "upper-case domain",
        "alice@EXAMPLE.TEST",
        PASSWORD,
        None,
        "ok",
    ),
    case("authzid empty", ALICE, PASSWORD, Some(""), "ok"),
    case("authzid equal", ALICE, PASSWORD, Some(ALICE), "ok"),
    // The same address, as `core::address` compares them.
    case(
        "authzid equal as address",
        ALICE,
        PASSWORD,
        Some("alice@EXAMPLE.TEST"),
        "ok",
    ),
    case(
        "authzid different",
        ALICE,
        PASSWORD,
        Some("bob@example.test"),
        "refused",
    ),
    case(
        "disabled user",
        "off@example.test",
        PASSWORD,
        None,
        "refused",
    ),
];

fn client(method: &str, port: &str, src: &str, user: &str, pw: &str, z: &str, ban: u32) -> String {
    let out = Command::new("python3")
        .args([
            "-c",
            CLIENT,
            method,
            port,
            src,
            user,
            pw,
            z,
            &ban.to_string(),
        ])
        .output()
        .expect("run python3");
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if out.status.success() {
        text
    } else {
        format!("error:{text} {}", String::from_utf8_lossy(&out.stderr))
    }
}

fn setup(dir: &Path) {
    let ok = |args: &[&str]| cli::ok(dir, args);
    ok(&["domain", "add", "example.test", "--create"]);
    ok(&["config", "set", "server.user", ""]);
    ok(&["config", "set", "dns.nameserver", "127.0.0.1:9"]);
    // Logins only: no message is judged, and nothing should look anything up.
    ok(&["config", "set", "inbound.checks", "false"]);
    ok(&["config", "set", "auth.plaintext", "loopback"]);
    ok(&["config", "set", "ban.threshold", &BAN_THRESHOLD.to_string()]);
    // Cheap hashes: the test is about the path, not argon2's cost.
    ok(&["config", "set", "auth.argon2_memory", "1M"]);
    ok(&["config", "set", "auth.argon2_iterations", "1"]);
    for user in [ALICE, "bob@example.test", "off@example.test"] {
        common::users::add_user(dir, user, PASSWORD, &[]);
    }
    ok(&["user", "set", "off@example.test", "--disable"]);
    mailctl::net::tls::write_self_signed(
        &["localhost".into()],
        &dir.join("tls/cert.pem"),
        &dir.join("tls/key.pem"),
    )
    .unwrap();
}

/// Every case through every method, then a ban reached on other connections while one
/// connection waits: every path must refuse the right password on it, and new connections.
#[test]
fn one_credential_table_for_every_login_path() {
    let dir = common::data_dir();
    setup(dir.path());
    const LISTENERS: [&str; 7] = [
        "smtp",
        "submission",
        "submissions",
        "imap",
        "imaps",
        "pop3",
        "pop3s",
    ];
    let mut cmd = Command::new(cli::BIN);
    cmd.arg("--data-dir")
        .arg(dir.path())
        .env_remove("MAILCTL_DATA_DIR")
        .args(["serve", "smtp", "imap", "pop3", "--allow-root"]);
    for l in LISTENERS {
        cmd.args(["--listen", &format!("{l}=127.0.0.1:0")]);
    }
    let server = serve::Serve::spawn(cmd, LISTENERS.len());

    // A POP3 maildrop takes one session at a time (RFC 1939 §8): the two POP3 paths take
    // turns, or a right password over one would meet [IN-USE] from the other.
    let pop3_turn = std::sync::Arc::new(std::sync::Mutex::new(()));
    let threads: Vec<_> = METHODS
        .iter()
        .enumerate()
        .map(|(i, &(method, listener, sasl))| {
            let turn = pop3_turn.clone();
            let port = server
                .addr(listener)
                .rsplit(':')
                .next()
                .unwrap()
                .to_string();
            std::thread::spawn(move || {
                let mut verdicts = BTreeMap::new();
                let src = format!("127.0.1.{}", i + 1);
                for c in CASES.iter().filter(|c| sasl || c.authzid.is_none()) {
                    let z = c.authzid.unwrap_or("");
                    let _turn = listener.starts_with("pop3").then(|| turn.lock());
                    let v = client(method, &port, &src, c.user, c.password, z, 0);
                    verdicts.insert(c.name, v);
                }
                let src = format!("127.0.2.{}", i + 1);
                let _turn = listener.starts_with("pop3").then(|| turn.lock());
                let v = client(method, &port, &src, ALICE, PASSWORD, "", BAN_THRESHOLD);
                verdicts.insert("banned IP after N failures", v);
                (method, verdicts)
            })
        })
        .collect();
    let table: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();

    let mut expected: BTreeMap<&str, &str> = CASES.iter().map(|c| (c.name, c.expect)).collect();
    expected.insert(
        "banned IP after N failures",
        "refused new-connection:refused",
    );
    let mut wrong = Vec::new();
    for (method, verdicts) in &table {
        for (case, got) in verdicts {
            if got != expected[case] {
                wrong.push(format!(
                    "{case} over {method}: got {got}, want {}",
                    expected[case]
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "verdicts differ:\n{}\nfull table: {table:#?}\nserver log:\n{}",
        wrong.join("\n"),
        server.log()
    );

    // One log line format for every protocol: which protocol, from where, who, and how.
    let log = server.log();
    for protocol in ["SMTP", "IMAP", "POP3"] {
        for result in ["ok", "failed", "banned"] {
            let found = log.lines().any(|l| {
                l.contains(" login ")
                    && l.contains(&format!("protocol=\"{protocol}\""))
                    && l.contains("ip=127.0.")
                    && l.contains("user=")
                    && l.contains(&format!("result=\"{result}\""))
            });
            assert!(found, "no {result} login line for {protocol}:\n{log}");
        }
    }
    server.stop();
}

/// How many login lines in `server`'s log say `result="ok" cached=CACHED`, waiting (at most
/// 10 s) for there to be `want`: the line is written before the reply, but read from the
/// daemon's stderr by another thread.
fn ok_lines(server: &serve::Serve, cached: bool, want: usize) -> usize {
    let needle = format!("result=\"ok\" cached={cached}");
    let count = || server.log().lines().filter(|l| l.contains(&needle)).count();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while count() < want && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    count()
}

/// The authentication cache, on by default, over IMAP: the second login with a password is
/// answered from it (the log line says so), yet `user passwd` makes the remembered old
/// password fail at once, `user set --disable` makes the remembered right one fail, and
/// SIGHUP forgets everything.
#[test]
fn cached_logins_see_passwd_disable_and_sighup_at_once() {
    let dir = common::data_dir();
    setup(dir.path());
    let server = serve::Serve::start(dir.path(), &["imap", "--allow-root"], &["imap", "imaps"]);
    let port = server.port("imap").to_string();
    let imap = |pw: &str| client("imap-login", &port, "127.0.3.1", ALICE, pw, "", 0);
    let expect = |pw: &str, verdict: &str, what: &str| {
        let got = imap(pw);
        assert_eq!(got, verdict, "{what}; server log:\n{}", server.log());
    };

    expect(PASSWORD, "ok", "first login");
    expect(PASSWORD, "ok", "second login");
    assert_eq!(ok_lines(&server, false, 1), 1, "{}", server.log());
    assert_eq!(ok_lines(&server, true, 1), 1, "{}", server.log());

    let out = cli::mailctl_stdin(
        dir.path(),
        &["user", "passwd", ALICE, "--password-stdin"],
        "a new password\n",
    );
    assert!(out.status.success(), "{}", cli::text(&out));
    expect(PASSWORD, "refused", "the old password after user passwd");
    expect("a new password", "ok", "the new password");
    expect("a new password", "ok", "the new password again");
    assert_eq!(ok_lines(&server, true, 2), 2, "{}", server.log());

    cli::ok(dir.path(), &["user", "set", ALICE, "--disable"]);
    expect(
        "a new password",
        "refused",
        "the remembered password, disabled",
    );
    cli::ok(dir.path(), &["user", "set", ALICE, "--enable"]);
    expect("a new password", "ok", "enabled again");
    assert_eq!(ok_lines(&server, true, 3), 3, "{}", server.log());

    // SIGHUP: the next login checks the hash again.
    let reloads = || server.log().matches("settings reloaded").count();
    let status = Command::new("kill")
        .args(["-HUP", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while reloads() == 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(reloads(), 1, "{}", server.log());
    let checked = ok_lines(&server, false, 0);
    expect("a new password", "ok", "after SIGHUP");
    assert_eq!(
        ok_lines(&server, false, checked + 1),
        checked + 1,
        "{}",
        server.log()
    );
    assert_eq!(ok_lines(&server, true, 0), 3, "{}", server.log());
    server.stop();
}
