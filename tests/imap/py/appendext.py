"""MULTIAPPEND (RFC 3502), CATENATE (RFC 4469) and UTF8=ACCEPT (RFC 6855) through the real
server: imaplib for the UTF-8 folder, a raw socket for the multi-literal commands."""
import imaplib
import re

from imapt import PW, USER, PORT, caps, login

M1 = b"From: a@example.test\r\nSubject: one\r\n\r\nfirst body\r\n"
M2 = b"From: b@example.test\r\nSubject: two\r\n\r\nsecond body\r\n"


def lit(b):
    return b"{%d+}\r\n%s" % (len(b), b)


r = login()
c = caps(r.ok("CAPABILITY"))
for cap in (b"MULTIAPPEND", b"CATENATE", b"UTF8=ACCEPT", b"COMPRESS=DEFLATE"):
    assert cap.decode() in c or cap in c, (cap, c)
r.ok("CREATE Multi")

# MULTIAPPEND: one APPENDUID with both UIDs.
u, t = r.cmd(b"APPEND Multi (\\Seen) " + lit(M1) + b" (\\Flagged) " + lit(M2))
m = re.match(rb"a\d+ OK \[APPENDUID (\d+) 1:2\]", t)
assert m, t
uv = m.group(1).decode()

# All or nothing: a bad URL in the third message leaves the folder as it was.
u, t = r.cmd(b"APPEND Multi " + lit(M1) + b" " + lit(M2) + b' CATENATE (URL "/Multi/;UID=9")')
assert b"NO [BADURL /Multi/;UID=9]" in t, t
u = r.ok("STATUS Multi (MESSAGES UIDNEXT)")
assert b"MESSAGES 2 UIDNEXT 3" in u[0], u

# CATENATE: the header of message 1, new text, part of message 2's body; within MULTIAPPEND.
u, t = r.cmd(
    b'APPEND Multi CATENATE (URL "/Multi;UIDVALIDITY=%s/;UID=1/;SECTION=HEADER" TEXT '
    % uv.encode()
    + lit(b"catenated ")
    + b' URL "/Multi/;UID=2/;SECTION=TEXT/;PARTIAL=0.6") '
    + lit(M2)
)
assert re.match(rb"a\d+ OK \[APPENDUID \d+ 3:4\]", t), t
r.ok("EXAMINE Multi")
u = r.ok("FETCH 3 BODY.PEEK[]")
want = b"From: a@example.test\r\nSubject: one\r\n\r\ncatenated second"
assert b"{%d}\r\n%s)" % (len(want), want) in u[0], u
# Someone else's mail, or another server's: [BADURL].
for bad in (b"imap://bob%40example.test@localhost/INBOX/;UID=1", b"imap://alice@elsewhere.test/INBOX/;UID=1"):
    u, t = r.cmd(b'APPEND Multi CATENATE (URL "' + bad + b'")')
    assert b"NO [BADURL " in t, (bad, t)
r.ok("LOGOUT")

# UTF8=ACCEPT with imaplib: a UTF-8 folder name, quoted, no modified UTF-7.
im = imaplib.IMAP4("127.0.0.1", PORT)
im.login(USER, PW)
typ, data = im._simple_command("ENABLE", "UTF8=ACCEPT")
assert typ == "OK", (typ, data)
assert im.untagged_responses.get("ENABLED") == [b"UTF8=ACCEPT"], im.untagged_responses
im._mode_utf8()
typ, data = im.create('"Entwürfe"')
assert typ == "OK", data
typ, data = im.list('""', "Entw*")
assert data == ['(\\HasNoChildren) "/" "Entwürfe"'.encode()], data
msg = "From: a@example.test\r\nSubject: Grüße\r\n\r\nü\r\n".encode()
typ, data = im._simple_command("APPEND", '"Entwürfe"', "UTF8 (~{%d+}\r\n" % len(msg) + msg.decode() + ")")
assert typ == "OK", (typ, data)
typ, data = im.select('"Entwürfe"')
assert typ == "OK" and data == [b"1"], data
typ, data = im.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
assert "Subject: Grüße".encode() in data[0][1], data
im.logout()

# Without UTF8=ACCEPT the same folder is modified UTF-7 on the wire.
r = login()
u = r.ok('LIST "" Entw*')
assert u == [b'* LIST (\\HasNoChildren) "/" Entw&APw-rfe\r\n'], u
