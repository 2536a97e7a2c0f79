"""SELECT and EXAMINE of an INBOX holding 3 new messages: every required untagged response
and response code, READ-WRITE/READ-ONLY, and a failed SELECT leaving no mailbox selected."""
import re

from imapt import login, one, num, code_value, untagged

r = login()
u = r.ok("SELECT INBOX", "READ-WRITE")
flags = one(u, "FLAGS")
for f in [b"\\Seen", b"\\Answered", b"\\Flagged", b"\\Deleted", b"\\Draft"]:
    assert f in flags, (f, flags)
pf = code_value(u, "PERMANENTFLAGS")
assert pf is not None and b"\\*" in pf and b"\\Seen" in pf and b"\\Deleted" in pf, (pf, u)
assert num(u, "EXISTS") == 3, u
# RFC 3501 6.3.1: RECENT is required; nothing has seen these three before this session.
assert num(u, "RECENT") == 3, u
uidvalidity = int(code_value(u, "UIDVALIDITY"))
assert uidvalidity > 0, u
assert int(code_value(u, "UIDNEXT")) == 4, u
assert int(code_value(u, "HIGHESTMODSEQ")) > 0, u
# RFC 3501: the first unseen message.
assert code_value(u, "UNSEEN") == b"1", u
# Untagged responses come before the tagged OK and none is tagged.
assert all(x.startswith(b"* ") for x in u), u

# EXAMINE: read-only, the same counts, STORE refused; RECENT no longer counts for this session.
u = r.ok("EXAMINE INBOX", "READ-ONLY")
assert num(u, "EXISTS") == 3 and int(code_value(u, "UIDVALIDITY")) == uidvalidity, u
r.no("STORE 1 +FLAGS (\\Flagged)")
u = r.ok("FETCH 1 (FLAGS)")
assert b"\\Flagged" not in one(u, "FETCH"), u
# FETCH BODY[] in EXAMINE must not set \Seen.
r.ok("FETCH 1 BODY[]")
u = r.ok("FETCH 1 (FLAGS)")
assert b"\\Seen" not in one(u, "FETCH"), u

# UIDVALIDITY is stable across sessions.
r2 = login()
u = r2.ok("EXAMINE INBOX")
assert int(code_value(u, "UIDVALIDITY")) == uidvalidity, u
r2.cmd("LOGOUT")

# A failed SELECT leaves the session with no mailbox selected.
r.ok("SELECT INBOX")
r.no("SELECT NoSuchBox")
u, t = r.cmd("FETCH 1 (FLAGS)")
assert t.split(b" ")[1] in (b"BAD", b"NO"), ("FETCH after failed SELECT", t)
# SELECT with the CONDSTORE parameter (RFC 7162 3.1.8).
u = r.ok("SELECT INBOX (CONDSTORE)")
assert int(code_value(u, "HIGHESTMODSEQ")) > 0, u
# CONDSTORE is now enabled: FETCH responses caused by STORE carry MODSEQ (RFC 7162 3.1).
u = r.ok("STORE 1 +FLAGS (\\Flagged)")
assert all(re.search(rb"MODSEQ \(\d+\)", x) for x in untagged(u, "FETCH")), u
# Folders are case-sensitive except INBOX.
r.ok("SELECT inbox")
r.ok("SELECT Sent")
r.cmd("LOGOUT")
print("ok")
