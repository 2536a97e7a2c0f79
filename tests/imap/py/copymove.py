"""COPY and MOVE with COPYUID (UIDPLUS), MOVE's untagged EXPUNGE before the tagged OK,
[TRYCREATE] for a missing destination. INBOX holds 4 messages."""
import re

from imapt import login, untagged, code_value

r = login()
u = r.ok("SELECT Archive")
vd_archive = int(code_value(u, "UIDVALIDITY"))
r.ok("SELECT INBOX")
r.ok("STORE 1 +FLAGS (\\Flagged)")
u, t = r.cmd("COPY 1:2 Archive")
m = re.match(rb"a\d+ OK \[COPYUID (\d+) (\S+) (\S+)\]", t)
assert m and int(m.group(1)) == vd_archive, t
assert m.group(2) in (b"1:2", b"1,2") and m.group(3) in (b"1:2", b"1,2"), t
assert not untagged(u, "EXPUNGE")
# MOVE of UID 3:4: COPYUID comes in an untagged OK before the EXPUNGEs (RFC 6851 3.3).
u, t = r.cmd("UID MOVE 3:4 Archive")
assert t.split(b" ")[1] == b"OK", t
cu = [x for x in u if x.startswith(b"* OK [COPYUID ")]
assert len(cu) == 1 and re.match(rb"\* OK \[COPYUID %d (3:4|3,4) (3:4|3,4)\]" % vd_archive, cu[0]), u
ex = untagged(u, "EXPUNGE")
assert ex in ([b"* 3 EXPUNGE\r\n", b"* 3 EXPUNGE\r\n"], [b"* 4 EXPUNGE\r\n", b"* 3 EXPUNGE\r\n"]), ex
assert u.index(cu[0]) < u.index(ex[0]), ("COPYUID before EXPUNGE", u)
# The flags travel with the copy.
r.ok("EXAMINE Archive")
u = r.ok("UID FETCH 1 (FLAGS)")
assert b"\\Flagged" in untagged(u, "FETCH")[0], u
u = r.ok("SEARCH ALL")
assert untagged(u, "SEARCH")[0] == b"* SEARCH 1 2 3 4\r\n", u
r.ok("SELECT INBOX")
r.no("COPY 1 NoSuchBox", "TRYCREATE")
r.no("MOVE 1 NoSuchBox", "TRYCREATE")
u, t = r.cmd("COPY 7 Archive")
assert t.split(b" ")[1] in (b"BAD", b"NO"), t
u = r.ok("UID COPY 99 Archive")  # a UID set matching nothing is no error (RFC 3501 6.4.8)
r.cmd("LOGOUT")
print("ok")
