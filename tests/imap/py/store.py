"""STORE +FLAGS/-FLAGS/FLAGS and .SILENT; the Maildir file name follows (S F R D T P,
sorted), keywords stay in the index; a rename by another Maildir program is noticed."""
import os
import re
import time

from imapt import login, untagged, maildir_files, MAILDIR

r = login()
r.ok("SELECT INBOX")
u = r.ok("UID FETCH 1:3 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
subj = {}
for x in untagged(u, "FETCH"):
    subj[int(re.search(rb"UID (\d+)", x).group(1))] = re.search(rb"Subject: (\S+)", x).group(1)


def disk_flags(uid):
    """The info part after ':2,' of the file holding UID `uid` (found by its Subject)."""
    for unique, (sub, name) in maildir_files().items():
        with open(os.path.join(MAILDIR, sub, name), "rb") as fh:
            if re.search(rb"(?m)^Subject: " + re.escape(subj[uid]) + rb"\r?$", fh.read()):
                return name.split(":2,")[1] if ":2," in name else ""
    raise AssertionError(("no file for", uid))


def flags_of(resp, n):
    f = [x for x in untagged(resp, "FETCH") if x.startswith(b"* %d FETCH" % n)]
    assert len(f) == 1, (n, resp)
    return set(re.search(rb"FLAGS \(([^)]*)\)", f[0]).group(1).split()) - {b"\\Recent"}


u = r.ok("STORE 1 +FLAGS (\\Flagged)")
assert flags_of(u, 1) == {b"\\Flagged"}, u
assert disk_flags(1) == "F"
u = r.ok("STORE 1 +FLAGS.SILENT (\\Seen)")
assert not untagged(u, "FETCH"), (".SILENT still answered", u)
assert disk_flags(1) == "FS"
u = r.ok("STORE 1 -FLAGS (\\Flagged)")
assert flags_of(u, 1) == {b"\\Seen"}, u
assert disk_flags(1) == "S"
u = r.ok("STORE 2 FLAGS (\\Answered \\Draft $Label1)")
assert flags_of(u, 2) == {b"\\Answered", b"\\Draft", b"$Label1"}, u
assert disk_flags(2) == "DR", "keywords are not file-name letters"
u = r.ok("STORE 2 +FLAGS ($Forwarded)")
assert disk_flags(2) == "DPR", disk_flags(2)
u = r.ok("STORE 3 +FLAGS (\\Deleted)")
assert disk_flags(3) == "T"
# UID STORE answers with UID in each FETCH.
u = r.ok("UID STORE 1:3 FLAGS ()")
f = untagged(u, "FETCH")
assert len(f) == 3 and all(b"UID " in x for x in f), u
assert [disk_flags(i) for i in (1, 2, 3)] == ["", "", ""]
# Every file has left new/ once it has flags set through IMAP.
assert all(sub == "cur" for sub, _ in maildir_files().values()), maildir_files()
# Keywords survive a new session (they live in the index).
r.ok("STORE 1 +FLAGS ($Important)")
r2 = login()
r2.ok("EXAMINE INBOX")
u = r2.ok("FETCH 1 (FLAGS)")
assert b"$Important" in untagged(u, "FETCH")[0], u
r2.cmd("LOGOUT")
r.bad("STORE 1 +FLAGS (\\Bogus")
u, t = r.cmd("STORE 9 +FLAGS (\\Seen)")
assert t.split(b" ")[1] in (b"BAD", b"NO"), t

# Another Maildir program (mutt) flags message 3 by renaming its file: the next NOOP says so.
for unique, (sub, name) in maildir_files().items():
    with open(os.path.join(MAILDIR, sub, name), "rb") as fh:
        if subj[3] in fh.read():
            os.rename(os.path.join(MAILDIR, sub, name), os.path.join(MAILDIR, "cur", unique + ":2,F"))
deadline = time.monotonic() + 5
while True:
    u = r.ok("NOOP")
    if untagged(u, "FETCH") or time.monotonic() > deadline:
        break
    time.sleep(0.2)
assert flags_of(u, 3) == {b"\\Flagged"}, u
r.cmd("LOGOUT")
print("ok")
