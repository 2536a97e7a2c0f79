//! Peers that never log in, guess passwords or send endless lines, against a live server.
//! Waits are upper bounds for "it closed"; the login pauses are checked as lower bounds,
//! since the pause is what is being tested.

use crate::harness::*;

/// `pop3.timeout.login = 2s`: silent and dribbling peers on 110 and a peer stalling the TLS
/// handshake on 995 are cut off; an endless line without CRLF is refused and closed; a
/// logged-in session outlives the pre-login deadline.
#[test]
fn peers_that_never_log_in_are_cut_off_at_the_login_deadline() {
    let dir = data_dir();
    mailctl_ok(dir.path(), &["config", "set", "pop3.timeout.login", "2s"]);
    let server = Server::start(dir.path());
    python(
        r#"
import socket, sys, time
port, tls_port, pw = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
LIMIT = 20
def until_closed(s):
    s.settimeout(LIMIT)
    got = b""
    while True:
        try:
            c = s.recv(4096)
        except ConnectionResetError:
            return got
        except socket.timeout:
            raise AssertionError(("connection still open", got[-200:]))
        if not c:
            return got
        got += c
def connect(p):
    return socket.create_connection(("127.0.0.1", p), timeout=LIMIT)

got = until_closed(connect(port))
assert got.startswith(b"+OK") and got.endswith(b"-ERR no login in time\r\n"), got

s = connect(port); s.settimeout(0.3)
got = b""; deadline = time.monotonic() + LIMIT
while True:
    assert time.monotonic() < deadline, ("a dribbling peer kept the connection", got)
    try:
        s.sendall(b"U")
    except (BrokenPipeError, ConnectionResetError):
        break
    try:
        c = s.recv(4096)
        if not c: break
        got += c
    except socket.timeout:
        pass
    except ConnectionResetError:
        break
assert b"-ERR no login in time" in got, got

assert until_closed(connect(tls_port)) == b""
s = connect(tls_port); s.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")
assert until_closed(s) == b""

s = connect(port); s.sendall(b"USER " + b"x" * 20000)
got = until_closed(s)
assert b"-ERR line too long" in got, got

s = connect(port); f = s.makefile("rb"); f.readline()
s.sendall(b"USER alice@example.test\r\nPASS " + pw.encode() + b"\r\n")
f.readline(); assert f.readline().startswith(b"+OK maildrop"), "login"
time.sleep(3)
s.sendall(b"NOOP\r\n"); assert f.readline() == b"+OK \r\n"
s.sendall(b"QUIT\r\n"); assert f.readline().startswith(b"+OK")
"#,
        &[&server.port("pop3"), &server.port("pop3s"), PASSWORD],
    );
}

/// Failed logins on one connection are answered after 0.5, 1 and 2 seconds and the third
/// ends it; a right password after a wrong one works.
#[test]
fn failed_logins_are_answered_after_a_growing_pause() {
    let dir = data_dir();
    let server = Server::start(dir.path());
    let out = python(
        r#"
import socket, sys, time
port, pw = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(("127.0.0.1", port), timeout=20)
f = s.makefile("rb"); f.readline()
pauses = []
for i in range(3):
    s.sendall(b"USER alice@example.test\r\n"); assert f.readline().startswith(b"+OK")
    t0 = time.monotonic()
    s.sendall(b"PASS wrong\r\n")
    assert f.readline() == b"-ERR [AUTH] authentication failed\r\n"
    pauses.append(time.monotonic() - t0)
assert f.readline().startswith(b"-ERR too many errors"), "closing line"
assert f.readline() == b"", "still open after three failures"
assert pauses[0] >= 0.45 and pauses[1] >= 0.95 and pauses[2] >= 1.95, pauses
s = socket.create_connection(("127.0.0.1", port), timeout=20)
f = s.makefile("rb"); f.readline()
s.sendall(b"USER alice@example.test\r\nPASS wrong\r\nUSER alice@example.test\r\nPASS " + pw.encode() + b"\r\n")
lines = [f.readline() for _ in range(4)]
assert lines[1].startswith(b"-ERR [AUTH]") and lines[3].startswith(b"+OK maildrop"), lines
print(" ".join("%.1f" % p for p in pauses))
"#,
        &[&server.port("pop3"), PASSWORD],
    );
    assert_eq!(out.split_whitespace().count(), 3, "{out}");
}
