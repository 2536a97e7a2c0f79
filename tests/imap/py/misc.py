"""NAMESPACE, ID, ENABLE, GETQUOTAROOT/GETQUOTA (alice has a 10M quota), IDLE...DONE with a
delivery during IDLE. INBOX holds 1 message."""
import re
import socket
import time

from imapt import login, untagged, send_mail

r = login()
u = r.ok("NAMESPACE")
assert untagged(u, "NAMESPACE") == [b'* NAMESPACE (("" "/")) NIL NIL\r\n'], u
u = r.ok('ID ("name" "mailctl-tests" "version" "1")')
i = untagged(u, "ID")
assert len(i) == 1 and (i[0] == b"* ID NIL\r\n" or i[0].startswith(b"* ID (")), u
r.ok("ID NIL")
r.bad("ID (\"name\")")  # odd number of list items
u = r.ok("ENABLE CONDSTORE X-NO-SUCH-THING")
assert untagged(u, "ENABLED") == [b"* ENABLED CONDSTORE\r\n"], u
u = r.ok("ENABLE X-NO-SUCH-THING")
assert untagged(u, "ENABLED") == [b"* ENABLED\r\n"], u

u = r.ok("GETQUOTAROOT INBOX")
qr = untagged(u, "QUOTAROOT")
m = re.match(rb'\* QUOTAROOT INBOX (\S+)\r\n', qr[0]) if qr else None
assert m, u
root = m.group(1)
q = untagged(u, "QUOTA")
assert len(q) == 1, u
m = re.match(rb"\* QUOTA %s \(STORAGE (\d+) (\d+)\)\r\n" % re.escape(root), q[0])
assert m and int(m.group(2)) in (10240, 9765) and 0 < int(m.group(1)) < 100, q
u = r.ok(b"GETQUOTA " + root)
assert untagged(u, "QUOTA") == q, u

# IDLE: continuation, then new mail pushed without any command, DONE ends it.
r.ok("SELECT INBOX")
r.send("i1 IDLE\r\n")
c = r.line()
assert c.startswith(b"+"), c
send_mail("during idle")
r.sock.settimeout(5)
got = []
deadline = time.monotonic() + 5
while time.monotonic() < deadline:
    try:
        x = r.response()
    except socket.timeout:
        break
    assert not x.startswith(b"i1 "), ("tagged reply before DONE", x)
    got.append(x)
    if x == b"* 2 EXISTS\r\n":
        break
assert b"* 2 EXISTS\r\n" in got, got
r.sock.settimeout(15)
r.send("DONE\r\n")
u, t = r.until("i1")
assert t.startswith(b"i1 OK"), (u, t)
# Anything but DONE during IDLE is a protocol error; whatever the server does with it, a
# following DONE (or the error itself) ends the IDLE and the session goes on.
r.send("i2 IDLE\r\n")
assert r.line().startswith(b"+")
r.send("NOOP\r\nDONE\r\n")
u, t = r.until("i2")
assert t.split(b" ")[1] in (b"OK", b"BAD", b"NO"), t
r.ok("NOOP")
# RFC 9208 GETQUOTAROOT: "NO - getquotaroot error: no such mailbox or permission denied".
r.no("GETQUOTAROOT NoSuchBox")
r.cmd("LOGOUT")
print("ok")
