"""NOTIFY (RFC 5465) over real sockets: mail delivered over SMTP into INBOX reaches a
session that has another folder selected as `* STATUS INBOX`, between commands and in IDLE,
without the client polling; the selected folder's news come as EXISTS; NOTIFY NONE stops it.
Every wait is bounded by the socket timeout."""
import select

import imapt


def wait_for(conn, prefix, secs=15):
    """Reads unsolicited responses until one starts with `prefix` (bounded: 50 lines, `secs`)."""
    conn.sock.settimeout(secs)
    seen = []
    for _ in range(50):
        r = conn.response()
        seen.append(r)
        if r.startswith(prefix):
            return r
    raise AssertionError(("never got", prefix, seen))


a = imapt.Raw()
a.login()
assert b" NOTIFY" in a.ok("CAPABILITY")[0]
a.ok("CREATE Work")
a.ok("SELECT Work")
a.ok("NOTIFY SET (selected (MessageNew MessageExpunge)) (inboxes (MessageNew))")

# Between commands: nothing sent, the STATUS arrives on its own.
imapt.send_mail("notify-1")
r = wait_for(a, b"* STATUS INBOX ")
assert b"MESSAGES 1 " in r and b"UIDNEXT 2 " in r, r

# In IDLE as well.
a.send("i IDLE\r\n")
assert a.response().startswith(b"+ "), "idling"
imapt.send_mail("notify-2")
r = wait_for(a, b"* STATUS INBOX ")
assert b"MESSAGES 2 " in r, r
a.send("DONE\r\n")
_, t = a.until("i")
assert t.startswith(b"i OK"), t

# The selected folder: another session's APPEND shows as EXISTS, unasked.
b = imapt.Raw()
b.login()
msg = "Subject: to work\r\n\r\nhi\r\n"
b.ok("APPEND Work {%d+}\r\n%s" % (len(msg), msg))
wait_for(a, b"* 1 EXISTS")

# Unsupported events and bad syntax get the RFC's answers.
u, t = a.no("NOTIFY SET (personal (AnnotationChange))", code="BADEVENT")
a.bad("NOTIFY SET (personal)")

# NOTIFY NONE: quiet again (a short bounded wait proves nothing arrives).
a.ok("NOTIFY NONE")
imapt.send_mail("notify-3")
imapt.wait_files(3)
# select() on the socket: a read that times out would spoil the buffered reader. Every
# response so far was read whole, so nothing waits in its buffer.
a.sock.settimeout(imapt.TIMEOUT)
readable, _, _ = select.select([a.sock], [], [], 2)
assert not readable, ("unexpected after NOTIFY NONE", a.response())
a.ok("NOOP")
a.ok("LOGOUT")
b.ok("LOGOUT")
print("ok")
