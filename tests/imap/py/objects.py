"""OBJECTID, SAVEDATE, PREVIEW and METADATA against the Maildir backend (#19.2), in two runs
around a server restart: `make` stores things and prints the ids it saw as JSON, `check`
(given that JSON) reads them back."""
import json
import re
import sys

from imapt import caps, login

MSG = b"From: a@example.org\r\nSubject: obj\r\n\r\nHello   world,\r\n> quoted\r\nbye\r\n"

r = login()
c = caps(r.ok("CAPABILITY"))
for want in "OBJECTID SAVEDATE PREVIEW METADATA METADATA-SERVER LIST-METADATA".split():
    assert want in c, (want, c)

if sys.argv[1] == "make":
    u, t = r.cmd("CREATE Proj")
    m = re.search(rb"\[MAILBOXID \((\w+)\)\]", t)
    assert m, t
    box_id = m.group(1).decode()
    r.send(b"a1 APPEND Proj {%d+}\r\n" % len(MSG) + MSG + b"\r\n")
    u, t = r.until("a1")
    assert b" OK " in t, t
    r.ok("SELECT Proj")
    u = r.ok("FETCH 1 (EMAILID SAVEDATE PREVIEW)")
    m = re.search(rb"EMAILID \((\w+)\)", u[0])
    assert m and b'PREVIEW "Hello world, bye"' in u[0] and b"SAVEDATE \"" in u[0], u
    email_id = m.group(1).decode()
    r.ok("CREATE Other")
    r.ok("COPY 1 Other")
    r.ok('SETMETADATA Proj (/private/comment "mine")')
    r.ok('SETMETADATA "" (/shared/comment "server note")')
    print(json.dumps({"box": box_id, "email": email_id}))
else:
    st = json.loads(sys.argv[2])
    r.ok("RENAME Proj Project")
    u = r.ok("STATUS Project (MAILBOXID)")
    assert ("MAILBOXID (%s)" % st["box"]).encode() in u[0], (st, u)
    for box in ("Project", "Other"):
        r.ok("SELECT " + box)
        u = r.ok("FETCH 1 (EMAILID THREADID)")
        assert ("EMAILID (%s)" % st["email"]).encode() in u[0] and b"THREADID NIL" in u[0], u
        u = r.ok("SEARCH EMAILID %s SAVEDATESUPPORTED SAVEDSINCE 1-Jan-2020" % st["email"])
        assert u == [b"* SEARCH 1\r\n"], u
    u = r.ok("GETMETADATA Project /private/comment")
    assert u == [b'* METADATA Project (/private/comment "mine")\r\n'], u
    u = r.ok('GETMETADATA (DEPTH infinity) "" /shared')
    assert b'/shared/comment "server note"' in u[0] and b"/shared/admin \"mailto:postmaster@" in u[0], u
    u = r.ok('LIST "" "Pro*" RETURN (METADATA (/private/comment))')
    assert b'* METADATA Project (/private/comment "mine")\r\n' in u, u
    r.ok("UNSELECT")
    r.ok("DELETE Other")
    r.ok("CREATE Other")
    u = r.ok("GETMETADATA Other /private/comment")
    assert u == [b"* METADATA Other (/private/comment NIL)\r\n"], u
r.ok("LOGOUT")
