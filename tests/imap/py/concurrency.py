"""Two sessions on alice's INBOX: A idles, B stores flags and expunges, A is told each change
during IDLE; a message delivered through SMTP reaches A's IDLE as EXISTS. Prints the delay of
each notification (figures, not assertions: the bound is only a timeout). INBOX: 3 messages."""
import socket
import time

from imapt import login, send_mail

a = login()
a.ok("SELECT INBOX")
b = login()
b.ok("SELECT INBOX")


def idle_until(want, secs=2.0):
    """Reads A's IDLE until a response equal to `want` (or one of several) arrives."""
    wants = want if isinstance(want, list) else [want]
    seen = []
    t0 = time.monotonic()
    a.sock.settimeout(secs)
    try:
        while time.monotonic() - t0 < secs:
            x = a.response()
            seen.append(x)
            if any(x.startswith(w) for w in wants):
                return time.monotonic() - t0, seen
    except socket.timeout:
        pass
    raise AssertionError(("no %r within %.1fs during IDLE" % (wants, secs), seen))


a.send("i1 IDLE\r\n")
assert a.line().startswith(b"+")
b.ok("STORE 2 +FLAGS (\\Flagged)")
dt_flag, seen = idle_until(b"* 2 FETCH (")
assert b"\\Flagged" in seen[-1], seen
b.ok("STORE 1 +FLAGS.SILENT (\\Deleted)")
b.ok("EXPUNGE")
dt_expunge, seen = idle_until(b"* 1 EXPUNGE\r\n")
t0 = time.monotonic()
send_mail("while idling")
dt_exists, seen = idle_until(b"* 3 EXISTS\r\n")
dt_exists = time.monotonic() - t0
a.sock.settimeout(15)
a.send("DONE\r\n")
u, t = a.until("i1")
assert t.startswith(b"i1 OK"), t
# After the IDLE, A's view agrees with B's: the same UIDs in the same order.
# B has not been told about the delivery yet (it was not idling): a NOOP first.
b.ok("NOOP")
ua = a.ok("UID SEARCH ALL")
ub = b.ok("UID SEARCH ALL")
assert [x for x in ua if x.startswith(b"* SEARCH")] == [x for x in ub if x.startswith(b"* SEARCH")], (ua, ub)
print("flag %.3fs expunge %.3fs exists %.3fs" % (dt_flag, dt_expunge, dt_exists))
a.cmd("LOGOUT")
b.cmd("LOGOUT")
