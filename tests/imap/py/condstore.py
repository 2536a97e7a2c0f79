"""CONDSTORE (RFC 7162): MODSEQ in FETCH, CHANGEDSINCE, STORE UNCHANGEDSINCE -> [MODIFIED];
QRESYNC: ENABLE, SELECT (QRESYNC ...) with VANISHED (EARLIER) and changed flags, VANISHED
instead of EXPUNGE, UID FETCH ... (CHANGEDSINCE n VANISHED), [CLOSED]. INBOX: 5 messages."""
import re

from imapt import login, untagged, code_value


def expand(s):
    out = set()
    for part in s.decode().split(","):
        a, _, b = part.partition(":")
        lo, hi = sorted((int(a), int(b or a)))
        out.update(range(lo, hi + 1))
    return out


def modseq(x):
    return int(re.search(rb"MODSEQ \((\d+)\)", x).group(1))


a = login()
u = a.ok("SELECT INBOX (CONDSTORE)")
uv = int(code_value(u, "UIDVALIDITY"))
h0 = int(code_value(u, "HIGHESTMODSEQ"))
u = a.ok("FETCH 1:* (FLAGS MODSEQ)")
f = untagged(u, "FETCH")
assert len(f) == 5 and all(0 < modseq(x) <= h0 for x in f), u
u = a.ok("STORE 2 +FLAGS (\\Seen)")
m2 = modseq(untagged(u, "FETCH")[0])
assert m2 > h0, (h0, u)
u = a.ok("FETCH 1:* (FLAGS) (CHANGEDSINCE %d)" % h0)
f = untagged(u, "FETCH")
assert len(f) == 1 and f[0].startswith(b"* 2 FETCH") and b"MODSEQ" in f[0], u
u = a.ok("UID FETCH 1:* (FLAGS) (CHANGEDSINCE %d)" % m2)
assert not untagged(u, "FETCH"), u
# UNCHANGEDSINCE: message 2 changed after h0, so it is left alone and named in MODIFIED.
u, t = a.cmd("STORE 1:3 (UNCHANGEDSINCE %d) +FLAGS (\\Flagged)" % h0)
m = re.match(rb"a\d+ OK \[MODIFIED (\S+)\]", t)
assert m and expand(m.group(1)) == {2}, t
u = a.ok("FETCH 1:3 (FLAGS)")
fl = {int(x.split()[1]): x for x in untagged(u, "FETCH")}
assert b"\\Flagged" in fl[1] and b"\\Flagged" in fl[3] and b"\\Flagged" not in fl[2], u
u = a.ok("STATUS Sent (HIGHESTMODSEQ)")
assert re.search(rb"HIGHESTMODSEQ \d+", u[0]), u
u = a.ok("UID FETCH 1:* (MODSEQ)")
h1 = max(modseq(x) for x in untagged(u, "FETCH"))

# Session b remembers (uv, h1); session a then expunges UID 4 and flags UID 5.
a.ok("UID STORE 4 +FLAGS.SILENT (\\Deleted)")
a.ok("EXPUNGE")
a.ok("UID STORE 5 +FLAGS (\\Answered)")

b = login()
u = b.ok("ENABLE QRESYNC")
assert b"QRESYNC" in untagged(u, "ENABLED")[0], u
u = b.ok("SELECT INBOX (QRESYNC (%d %d 1:5))" % (uv, h1))
v = untagged(u, "VANISHED")
assert len(v) == 1, u
m = re.match(rb"\* VANISHED \(EARLIER\) (\S+)\r\n", v[0])
assert m and expand(m.group(1)) == {4}, v
f = untagged(u, "FETCH")
assert len(f) == 1 and re.search(rb"UID 5\b", f[0]) and b"\\Answered" in f[0] and b"MODSEQ" in f[0], u
# With QRESYNC on, an expunge is reported as VANISHED (by UID), never EXPUNGE.
b.ok("UID STORE 3 +FLAGS.SILENT (\\Deleted)")
u = b.ok("EXPUNGE")
assert not untagged(u, "EXPUNGE") and untagged(u, "VANISHED") == [b"* VANISHED 3\r\n"], u
u = b.ok("UID FETCH 1:* (FLAGS) (CHANGEDSINCE %d VANISHED)" % h1)
v = untagged(u, "VANISHED")
assert len(v) == 1 and v[0].startswith(b"* VANISHED (EARLIER) "), u
assert {3, 4} <= expand(v[0].split()[3]), v
# Selecting another mailbox first closes this one: [CLOSED] before anything else.
u = b.ok("SELECT Sent")
assert u[0].startswith(b"* OK [CLOSED]"), u
# A wrong UIDVALIDITY: a plain SELECT, no VANISHED.
u = b.ok("SELECT INBOX (QRESYNC (%d %d))" % (uv + 1, h1))
assert not untagged(u, "VANISHED"), u
# session a sees b's expunge at its next command
u = a.ok("NOOP")
assert untagged(u, "EXPUNGE") == [b"* 3 EXPUNGE\r\n"], u
a.cmd("LOGOUT")
b.cmd("LOGOUT")
print("ok")
