//! Integration tests of `mailctl serve pop3`: the real binary on ephemeral loopback ports,
//! mail delivered through its own SMTP listener, fetched with Python's poplib, raw sockets,
//! fetchmail, getmail6 and curl. Needs python3, curl, fetchmail and getmail6.

mod common;

#[path = "pop3/clients.rs"]
mod clients;
#[path = "pop3/harness.rs"]
mod harness;
#[path = "pop3/hostile.rs"]
mod hostile;

use harness::*;

/// Every command through poplib: STAT/LIST/UIDL/RETR/TOP/DELE/RSET/NOOP/QUIT; sizes match
/// what RETR sends; deletions happen at QUIT only; UIDLs are stable across sessions.
#[test]
fn poplib_full_session_and_stable_uidls() {
    let dir = data_dir();
    let server = Server::start(dir.path());
    deliver(&server, 3, "a");
    assert_eq!(inbox(dir.path(), 3).len(), 3);
    let out = python(
        r#"
import poplib, sys
pw = sys.argv[2]
p = poplib.POP3("127.0.0.1", int(sys.argv[1]), timeout=30)
caps = p.capa()
for c in ["TOP", "UIDL", "USER", "SASL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "STLS"]:
    assert c in caps, (c, caps)
p.user("alice@example.test"); p.pass_(pw)
count, size = p.stat()
assert count == 3, count
_, listing, _ = p.list()
sizes = [int(l.split()[1]) for l in listing]
assert sum(sizes) == size
_, uidls, _ = p.uidl()
uidls = [u.split()[1].decode() for u in uidls]
assert len(set(uidls)) == 3
last_lines = set()
for i in range(3):
    resp, lines, octets = p.retr(i + 1)
    # poplib strips CRLFs and the stuffing: rebuild what was sent, unstuffed.
    assert sum(len(l) + 2 for l in lines) == sizes[i], (lines, sizes[i])
    last_lines.add(lines[-1])
    assert int(resp.split()[1]) == sizes[i], resp
# Local delivery runs on several threads, so numbers need not follow sending order.
assert last_lines == {b".dotted a-0", b".dotted a-1", b".dotted a-2"}, last_lines
_, top, _ = p.top(1, 0)
assert top[-1] == b"" and any(l.startswith(b"Subject: a-") for l in top), top
p.noop()
p.dele(1)
try:
    p.retr(1); raise SystemExit("RETR of a deleted message succeeded")
except poplib.error_proto as e:
    assert b"deleted" in e.args[0], e
p.rset()
assert p.stat()[0] == 3
p.dele(2)
assert p.stat()[0] == 2
p.quit()
p = poplib.POP3("127.0.0.1", int(sys.argv[1]), timeout=30)
p.user("alice@example.test"); p.pass_(pw)
_, again, _ = p.uidl()
again = [u.split()[1].decode() for u in again]
assert again == [uidls[0], uidls[2]], (again, uidls)
p.quit()
print(" ".join(uidls))
"#,
        &[&server.port("pop3"), PASSWORD],
    );
    assert_eq!(out.split_whitespace().count(), 3);
    let files = inbox(dir.path(), 2);
    assert_eq!(files.len(), 2, "exactly message 2 deleted");
    // RETR marked the survivors \Seen (Dovecot-compatible).
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.ends_with(":2,S"), "{name}");
    }
}

/// Raw-socket error paths: before auth, bad numbers, DELE twice, overlong line, no QUIT,
/// a flood of bad commands, `[IN-USE]` and AUTH PLAIN with the continuation.
#[test]
fn raw_socket_error_paths() {
    let dir = data_dir();
    let server = Server::start(dir.path());
    deliver(&server, 2, "r");
    assert_eq!(inbox(dir.path(), 2).len(), 2);
    python(
        r#"
import socket, sys, base64
port, pw = int(sys.argv[1]), sys.argv[2]
def conn():
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    f = s.makefile("rb")
    assert f.readline().startswith(b"+OK")
    return s, f
def cmd(s, f, line):
    s.sendall(line + b"\r\n")
    return f.readline()
s, f = conn()
for c in [b"STAT", b"LIST", b"RETR 1", b"DELE 1", b"PASS x"]:
    r = cmd(s, f, c); assert r.startswith(b"-ERR"), (c, r)
assert cmd(s, f, b"USER alice@example.test").startswith(b"+OK")
assert cmd(s, f, b"PASS " + pw.encode()).startswith(b"+OK maildrop has 2 messages")
# A second session on the same maildrop is refused while this one holds it.
s2, f2 = conn()
cmd(s2, f2, b"USER alice@example.test")
r = cmd(s2, f2, b"PASS " + pw.encode())
assert r.startswith(b"-ERR [IN-USE]"), r
s2.close()
for c in [b"RETR 0", b"RETR 3", b"RETR -1", b"RETR x", b"RETR 99999999999999999999", b"TOP 1 x", b"LIST 1 2"]:
    r = cmd(s, f, c); assert r.startswith(b"-ERR"), (c, r)
# Numbers past u32 are refused as such, not taken modulo or saturated.
for c in [b"TOP 1 4294967296", b"TOP 1 99999999999999999999", b"DELE 4294967296", b"LIST 4294967297"]:
    r = cmd(s, f, c); assert r.startswith(b"-ERR") and b"out of range" in r, (c, r)
assert cmd(s, f, b"DELE 1").startswith(b"+OK")
r = cmd(s, f, b"DELE 1"); assert r.startswith(b"-ERR"), r
r = cmd(s, f, b"RETR 1"); assert r.startswith(b"-ERR"), r
assert cmd(s, f, b"NOOP").startswith(b"+OK")
# An overlong line ends the session (without UPDATE: the DELE must not be applied).
r = cmd(s, f, b"NOOP " + b"x" * 5000); assert r.startswith(b"-ERR line too long"), r
assert f.read() == b"", "connection closed after an overlong line"
s.close()
# AUTH PLAIN with the "+ " continuation; the lock was released by the dropped session.
s, f = conn()
for _ in range(50):
    r = cmd(s, f, b"AUTH PLAIN")
    assert r == b"+ \r\n", r
    r = cmd(s, f, base64.b64encode(b"\0alice@example.test\0" + pw.encode()))
    if not r.startswith(b"-ERR [IN-USE]"):
        break
    import time; time.sleep(0.1)
assert r.startswith(b"+OK maildrop has 2 messages"), r
assert cmd(s, f, b"QUIT").startswith(b"+OK")
# A flood of bad commands ends the connection.
s, f = conn()
s.sendall(b"BOGUS\r\n" * 200)
lines = f.read().split(b"\r\n")
assert lines[-2] == b"-ERR too many errors, closing connection", lines[-3:]
assert len(lines) < 50, len(lines)
"#,
        &[&server.port("pop3"), PASSWORD],
    );
    assert_eq!(
        inbox(dir.path(), 2).len(),
        2,
        "nothing deleted without QUIT"
    );
}

/// `auth.plaintext = never`: USER/AUTH refused on the plain port until STLS, then allowed;
/// the implicit-TLS port works at once.
#[test]
fn plaintext_refused_until_stls_and_pop3s() {
    let dir = data_dir();
    mailctl_ok(dir.path(), &["config", "set", "auth.plaintext", "never"]);
    let server = Server::start(dir.path());
    deliver(&server, 1, "t");
    assert_eq!(inbox(dir.path(), 1).len(), 1);
    python(
        r#"
import poplib, ssl, sys
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
p = poplib.POP3("127.0.0.1", int(sys.argv[1]), timeout=30)
caps = p.capa()
assert "STLS" in caps and "USER" not in caps and "SASL" not in caps, caps
try:
    p.user("alice@example.test"); raise SystemExit("USER accepted in clear")
except poplib.error_proto as e:
    assert b"[AUTH]" in e.args[0], e
p.stls(context=ctx)
assert "STLS" not in p.capa()
p.user("alice@example.test"); p.pass_(sys.argv[3])
assert p.stat()[0] == 1
p.quit()
p = poplib.POP3_SSL("127.0.0.1", int(sys.argv[2]), context=ctx, timeout=30)
p.user("alice@example.test"); p.pass_(sys.argv[3])
assert p.stat()[0] == 1
p.quit()
"#,
        &[&server.port("pop3"), &server.port("pop3s"), PASSWORD],
    );
}

/// Failed logins feed the per-IP ban: once over `ban.threshold`, new connections are refused.
#[test]
fn failed_logins_ban_the_address() {
    let dir = data_dir();
    mailctl_ok(dir.path(), &["config", "set", "ban.threshold", "3"]);
    let server = Server::start(dir.path());
    let out = python(
        r#"
import poplib, sys
for i in range(3):
    p = poplib.POP3("127.0.0.1", int(sys.argv[1]), timeout=30)
    p.user("alice@example.test")
    try:
        p.pass_("wrong"); raise SystemExit("wrong password accepted")
    except poplib.error_proto as e:
        assert b"[AUTH]" in e.args[0], e
    p.close()
try:
    p = poplib.POP3("127.0.0.1", int(sys.argv[1]), timeout=30)
    raise SystemExit("banned address got a greeting: %r" % p.welcome)
except poplib.error_proto as e:
    print(e.args[0].decode())
"#,
        &[&server.port("pop3")],
    );
    assert!(
        out.contains("too many failed logins"),
        "{out}\n{}",
        server.log()
    );
}

/// What IMAP does to a Maildir during a POP3 session (flag renames, moves new/ → cur/,
/// expunges) must not corrupt the session's view: the expunged message is an error for that
/// message only, renamed ones are still served, and QUIT still deletes what was asked.
#[test]
fn concurrent_maildir_changes_do_not_corrupt_the_session() {
    let dir = data_dir();
    let server = Server::start(dir.path());
    deliver(&server, 3, "x");
    let files = inbox(dir.path(), 3);
    assert_eq!(files.len(), 3);
    let md = dir.path().join("mail/example.test/alice");
    python(
        r#"
import poplib, os, sys
port, pw, md = int(sys.argv[1]), sys.argv[2], sys.argv[3]
p = poplib.POP3("127.0.0.1", port, timeout=30)
p.user("alice@example.test"); p.pass_(pw)
_, listing, _ = p.uidl()
uidls = [l.split()[1].decode() for l in listing]
# Local delivery runs on several threads, so message numbers need not follow sending order:
# learn each number's subject first.
subject = {}
for i in (1, 2, 3):
    _, head, _ = p.top(i, 0)
    subject[i] = [l for l in head if l.startswith(b"Subject: ")][0][9:]
def path_of(u):
    for sub in ("new", "cur"):
        for n in os.listdir(os.path.join(md, sub)):
            if n.split(":")[0] == u:
                return os.path.join(md, sub, n)
# "IMAP": flag message 1 (moved to cur/ with F), expunge message 2.
os.rename(path_of(uidls[0]), os.path.join(md, "cur", uidls[0] + ":2,F"))
os.unlink(path_of(uidls[1]))
_, lines, _ = p.retr(1)
assert lines[-1] == b".dotted " + subject[1], lines
try:
    p.retr(2); raise SystemExit("RETR of an expunged message succeeded")
except poplib.error_proto as e:
    assert b"vanished" in e.args[0], e
_, lines, _ = p.retr(3)
assert lines[-1] == b".dotted " + subject[3], lines
p.dele(1); p.dele(2)
assert p.quit().startswith(b"+OK"), "QUIT"
"#,
        &[&server.port("pop3"), PASSWORD, md.to_str().unwrap()],
    );
    let left = inbox(dir.path(), 1);
    assert_eq!(left.len(), 1);
    let name = left[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.ends_with(":2,S"),
        "message 3 left, marked seen: {name}"
    );
}

/// Benchmark (run with `cargo test --release --test pop3 -- --ignored bench --nocapture`):
/// 20 clients each RETR 200 messages of 4 KiB placed in their Maildirs; prints messages per
/// second and the server's peak RSS. Bounded: 30 s socket timeouts, fixed message count.
#[test]
#[ignore]
fn bench_20_clients_200_messages() {
    const CLIENTS: usize = 20;
    const MESSAGES: usize = 200;
    let dir = data_dir();
    let p = dir.path();
    // Cheap hashes: the benchmark measures POP3, not argon2.
    mailctl_ok(p, &["config", "set", "auth.argon2_memory", "1MiB"]);
    mailctl_ok(p, &["config", "set", "auth.argon2_iterations", "1"]);
    let body = "x".repeat(76) + "\r\n";
    let msg = format!("Subject: bench\r\n\r\n{}", body.repeat(4096 / body.len()));
    for c in 0..CLIENTS {
        let user = format!("b{c}@example.test");
        add_user(p, &user, PASSWORD, &[]);
        let new = p.join(format!("mail/example.test/b{c}/new"));
        std::fs::create_dir_all(&new).unwrap();
        for m in 0..MESSAGES {
            std::fs::write(
                new.join(format!("{}.M{m}P{c}.bench", 1_700_000_000 + m)),
                &msg,
            )
            .unwrap();
        }
    }
    let server = Server::start(p);
    let out = python(
        r#"
import poplib, sys, threading, time
port, pw, clients = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
counts = [0] * clients
def run(c):
    p = poplib.POP3("127.0.0.1", port, timeout=30)
    p.user(f"b{c}@example.test"); p.pass_(pw)
    n, _ = p.stat()
    for i in range(n):
        p.retr(i + 1)
        counts[c] += 1
    p.quit()
t0 = time.monotonic()
ts = [threading.Thread(target=run, args=(c,)) for c in range(clients)]
[t.start() for t in ts]; [t.join(120) for t in ts]
dt = time.monotonic() - t0
print(sum(counts), f"{sum(counts)/dt:.0f}")
"#,
        &[&server.port("pop3"), PASSWORD, &CLIENTS.to_string()],
    );
    let mut it = out.split_whitespace();
    let total: usize = it.next().unwrap().parse().unwrap();
    let rate = it.next().unwrap();
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.pid())).unwrap();
    let hwm = status
        .lines()
        .find(|l| l.starts_with("VmHWM"))
        .unwrap_or("VmHWM: ?")
        .to_string();
    println!("pop3 bench: {total} messages, {rate} msgs/s, server {hwm}");
    assert_eq!(total, CLIENTS * MESSAGES, "every message retrieved");
}

/// A message stored with bare LF and bare CR line ends and lines starting with `.` goes out
/// with CRLF only (never a lone CR or LF) and byte-stuffing, and LIST/STAT announce exactly
/// the octets RETR sends (before stuffing).
#[test]
fn bare_lf_and_cr_on_disk_are_sent_as_crlf_with_exact_sizes() {
    let dir = data_dir();
    let new = dir.path().join("mail/example.test/alice/new");
    std::fs::create_dir_all(&new).unwrap();
    std::fs::write(
        new.join("1700000000.M1P1.host"),
        b"Subject: lf\r\r.one\r..two\nend",
    )
    .unwrap();
    let server = Server::start(dir.path());
    let out = python(
        r#"
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30)
f = s.makefile("rb"); f.readline()
s.sendall(b"USER alice@example.test\r\nPASS " + sys.argv[2].encode() + b"\r\nLIST 1\r\nSTAT\r\nRETR 1\r\nQUIT\r\n")
for _ in range(5): sys.stdout.write(f.readline().decode())
data = b""
while not data.endswith(b"\r\n.\r\n"):
    data += f.readline()
sys.stdout.write(repr(data))
"#,
        &[&server.port("pop3"), PASSWORD],
    );
    let wire = b"Subject: lf\r\n\r\n..one\r\n...two\r\nend\r\n.\r\n";
    let size = wire.len() - 3 - 2; // minus the terminator and the two stuffing dots
    assert!(
        out.contains(&format!(
            "+OK 1 {size}\r\n+OK 1 {size}\r\n+OK {size} octets\r\n"
        )),
        "{out}"
    );
    assert!(
        out.ends_with(r"b'Subject: lf\r\n\r\n..one\r\n...two\r\nend\r\n.\r\n'"),
        "{out}"
    );
}

/// POP3's UIDLs and the index IMAP uses name messages by the same key, the Maildir unique
/// name: every UIDL is a message the index knows, and its UID stays the same.
#[test]
fn uidls_match_the_uid_index() {
    let dir = data_dir();
    let server = Server::start(dir.path());
    deliver(&server, 3, "u");
    inbox(dir.path(), 3);
    let out = python(
        r#"
import poplib, sys
p = poplib.POP3("127.0.0.1", int(sys.argv[1]), timeout=30)
p.user("alice@example.test"); p.pass_(sys.argv[2])
_, listing, _ = p.uidl()
print(" ".join(l.split()[1].decode() for l in listing))
p.quit()
"#,
        &[&server.port("pop3"), PASSWORD],
    );
    let mut uidls: Vec<String> = out.split_whitespace().map(str::to_string).collect();
    uidls.sort();
    let root = dir.path().join("mail/example.test/alice");
    let mut ix = mailctl::maildir::index::Index::open(&root).unwrap();
    ix.sync("INBOX", &root).unwrap();
    let mut indexed: Vec<String> = (1..=3)
        .filter_map(|uid| ix.unique_of("INBOX", uid).unwrap())
        .collect();
    indexed.sort();
    assert_eq!(uidls, indexed);
}
