"""APPEND: flags and internal date, synchronising literal (+ continuation) and LITERAL+,
APPENDUID, keywords, [TRYCREATE], [TOOBIG] over APPENDLIMIT without sending the data."""
import re

from imapt import login, caps, code_value, one

MSG = b"From: a@example.org\r\nSubject: draft one\r\n\r\nbody of the draft\r\n"
r = login()
c = caps(r.ok("CAPABILITY"))
limit = [int(x[12:]) for x in c if x.startswith("APPENDLIMIT=")][0]
assert limit > len(MSG), limit

# Synchronising literal: the server must ask for the data with "+".
r.send(b'p1 APPEND Drafts (\\Seen \\Draft) "02-Jan-2023 10:00:00 +0000" {%d}\r\n' % len(MSG))
cont = r.line()
assert cont.startswith(b"+"), cont
r.send(MSG + b"\r\n")
u, t = r.until("p1")
m = re.match(rb"p1 OK \[APPENDUID (\d+) (\d+)\]", t)
assert m, t
vd, uid = int(m.group(1)), int(m.group(2))
u = r.ok("EXAMINE Drafts")
assert int(code_value(u, "UIDVALIDITY")) == vd, (vd, u)
u = r.ok("UID FETCH %d (FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])" % uid)
f = one(u, "FETCH")
assert re.search(rb'INTERNALDATE " ?0?2-Jan-2023 10:00:00 \+0000"', f), f
fl = re.search(rb"FLAGS \(([^)]*)\)", f).group(1).split()
# \Recent too: no read-write session has seen it yet, and EXAMINE shows it (RFC 3501 2.3.2).
assert sorted(fl) == [b"\\Draft", b"\\Recent", b"\\Seen"], fl
assert b"RFC822.SIZE %d" % len(MSG) in f, f
assert MSG in f, f

# LITERAL+: no continuation, data follows at once; a keyword and \Flagged.
r.send(b"p2 APPEND INBOX (\\Flagged $Work) {%d+}\r\n%s\r\n" % (len(MSG), MSG))
u, t = r.until("p2")
assert not any(x.startswith(b"+") for x in u), ("continuation for LITERAL+", u)
m = re.match(rb"p2 OK \[APPENDUID (\d+) (\d+)\]", t)
assert m, t
r.ok("SELECT INBOX")
u = r.ok("UID FETCH %s (FLAGS)" % m.group(2).decode())
f = one(u, "FETCH")
assert b"\\Flagged" in f and b"$Work" in f, f
# The keyword is now a defined flag of the mailbox (FLAGS/PERMANENTFLAGS).
u = r.ok("SELECT INBOX")
assert b"$Work" in one(u, "FLAGS"), u
# A second APPEND to INBOX: the selected mailbox reports it.
r.send(b"p3 APPEND INBOX {%d+}\r\n%s\r\n" % (len(MSG), MSG))
u, t = r.until("p3")
assert t.startswith(b"p3 OK [APPENDUID"), t
u = r.ok("NOOP") if not any(x.endswith(b" EXISTS\r\n") for x in u) else u
assert any(x == b"* 2 EXISTS\r\n" for x in u), u

# A missing destination: NO [TRYCREATE], before any data is asked for.
r.send(b"p4 APPEND NoSuchBox {%d}\r\n" % len(MSG))
x = r.line()
if x.startswith(b"+"):
    r.send(MSG + b"\r\n")
    x = r.until("p4")[1]
assert x.startswith(b"p4 NO [TRYCREATE]"), x

# Over APPENDLIMIT: refused before the data is sent, and the session continues.
r.send(b"p5 APPEND INBOX {%d}\r\n" % (limit + 1))
x = r.line()
assert x.startswith(b"p5 NO [TOOBIG]") or x.startswith(b"p5 BAD"), x
assert b"[TOOBIG]" in x, x
r.ok("NOOP")
# A bad date-time is a syntax error.
r.send(b'p6 APPEND INBOX "31-Foo-2023 10:00:00 +0000" {%d+}\r\n%s\r\n' % (len(MSG), MSG))
u, t = r.until("p6")
assert t.startswith(b"p6 BAD"), t
r.ok("NOOP")
r.cmd("LOGOUT")
print("ok")
