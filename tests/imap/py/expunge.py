"""CHECK, CLOSE (expunges without untagged EXPUNGE), UNSELECT (expunges nothing), EXPUNGE
(one untagged EXPUNGE per message, numbers as they shift), UID EXPUNGE (only the given
UIDs). INBOX holds 6 messages, UIDs 1..6."""
import re

from imapt import login, num, untagged

r = login()
u = r.ok("SELECT INBOX")
assert num(u, "EXISTS") == 6
r.ok("CHECK")
# UNSELECT does not expunge.
r.ok("STORE 1 +FLAGS.SILENT (\\Deleted)")
u = r.ok("UNSELECT")
assert not untagged(u, "EXPUNGE"), u
u, t = r.cmd("FETCH 1 FLAGS")
assert t.split(b" ")[1] in (b"BAD", b"NO"), ("no mailbox after UNSELECT", t)
u = r.ok("SELECT INBOX")
assert num(u, "EXISTS") == 6, u
# EXPUNGE of 1 (still \Deleted), 2 and 4: each untagged EXPUNGE carries the sequence number
# the message has at that moment (RFC 3501 7.4.1), in whatever order the server chooses;
# replaying them on the UID list checks every number.
r.ok("STORE 2,4 +FLAGS.SILENT (\\Deleted)")
u = r.ok("EXPUNGE")
ex = [int(x.split()[1]) for x in untagged(u, "EXPUNGE")]
assert len(ex) == 3, u
# Replay the expunges on the UID list to check every number was valid when sent.
uids = [1, 2, 3, 4, 5, 6]
for n in ex:
    assert 1 <= n <= len(uids), (ex, uids)
    del uids[n - 1]
assert uids == [3, 5, 6], (ex, uids)
u = r.ok("UID SEARCH ALL")
assert re.search(rb"\* SEARCH 3 5 6\r\n", u[0]), u
# UID EXPUNGE removes only the named UIDs among the \Deleted ones.
r.ok("STORE 1:* +FLAGS.SILENT (\\Deleted)")
u = r.ok("UID EXPUNGE 5")
assert [x for x in untagged(u, "EXPUNGE")] == [b"* 2 EXPUNGE\r\n"], u
# CLOSE expunges UID 3 (still \Deleted) and keeps UID 6.
r.ok("UID STORE 6 -FLAGS.SILENT (\\Deleted)")
u = r.ok("CLOSE")
assert not untagged(u, "EXPUNGE"), ("CLOSE must expunge silently", u)
u = r.ok("EXAMINE INBOX")
assert num(u, "EXISTS") == 1, u
# CLOSE on a read-only mailbox expunges nothing; EXPUNGE there is refused.
r.no("EXPUNGE")
r.ok("CLOSE")
u, t = r.cmd("CLOSE")
assert t.split(b" ")[1] in (b"BAD", b"NO"), ("CLOSE with nothing selected", t)
r.cmd("LOGOUT")
print("ok")
