"""Folder names containing '.' (#19.2): `make` creates "v1.2" and "v1.2/rc.1" with imaplib and
appends one message to each; `check` (after a server restart) lists, selects and fetches them
by the same names, and looks at the directories they live in (Dovecot's `~` escape)."""
import os
import sys

from imapt import MAILDIR, lib, check

M = lib()
if sys.argv[1] == "make":
    check(M.create('"v1.2"'), "create")
    check(M.create('"v1.2/rc.1"'), "create child")
    for box, subject in (("v1.2", "dotted"), ("v1.2/rc.1", "deeper")):
        msg = ("From: a@example.org\r\nSubject: %s\r\n\r\nhello\r\n" % subject).encode()
        check(M.append('"%s"' % box, None, None, msg), "append")
else:
    typ, data = M.list('""', '"v1*"')
    names = sorted(d.decode().rsplit(" ", 1)[1] for d in data)
    assert names == ["v1.2", "v1.2/rc.1"], data
    for box, subject in (("v1.2", "dotted"), ("v1.2/rc.1", "deeper")):
        typ, data = M.select('"%s"' % box)
        assert typ == "OK" and data == [b"1"], (box, typ, data)
        typ, data = M.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        assert typ == "OK" and (b"Subject: " + subject.encode()) in data[0][1], data
    assert os.path.isdir(os.path.join(MAILDIR, ".v1~2e2", "cur"))
    assert os.path.isdir(os.path.join(MAILDIR, ".v1~2e2.rc~2e1", "cur"))
    assert not any(n.startswith(".v1.") for n in os.listdir(MAILDIR)), os.listdir(MAILDIR)
M.logout()
