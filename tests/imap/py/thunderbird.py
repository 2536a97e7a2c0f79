"""A Thunderbird-like client with imaplib on port 143 with STARTTLS (auth.plaintext never):
CAPABILITY, STARTTLS, ID, ENABLE QRESYNC, LIST (SUBSCRIBED) ... RETURN (CHILDREN SPECIAL-USE),
SELECT, UID FETCH FLAGS; then a restart that resyncs with SELECT (QRESYNC ...) and
UID FETCH (CHANGEDSINCE n VANISHED) after another session changed things; then IDLE.
INBOX holds 5 messages."""
import imaplib
import re
import socket
import time

import imapt
from imapt import tls_ctx, check, send_mail, Raw, IMAPS

imaplib.Commands.setdefault("ID", ("NONAUTH", "AUTH", "SELECTED"))


def start():
    m = imaplib.IMAP4("127.0.0.1", imapt.PORT, timeout=imapt.TIMEOUT)
    assert "STARTTLS" in m.capabilities and "LOGINDISABLED" in m.capabilities, m.capabilities
    check(m.starttls(ssl_context=tls_ctx()), "STARTTLS")
    for c in ["IMAP4REV1", "AUTH=PLAIN", "SASL-IR", "ID", "ENABLE"]:
        assert c in m.capabilities, (c, m.capabilities)
    check(m.login(imapt.USER, imapt.PW), "LOGIN")
    caps = check(m.capability())[0].decode().upper().split()
    for c in ["IDLE", "CONDSTORE", "QRESYNC", "LIST-EXTENDED", "SPECIAL-USE", "MOVE", "UIDPLUS"]:
        assert c in caps, (c, caps)
    typ, dat = m._simple_command("ID", '("name" "Thunderbird" "version" "128.0")')
    assert typ == "OK", dat
    m._untagged_response(typ, dat, "ID")
    check(m.enable("QRESYNC"))
    en = m.untagged_responses.pop("ENABLED", [])
    assert any(b"QRESYNC" in x.upper().split() for x in en if x), en
    return m


def select_qresync(m, arg):
    m.untagged_responses.clear()
    typ, dat = m._simple_command("SELECT", "INBOX", arg)
    assert typ == "OK", dat
    m.state = "SELECTED"
    return dict(m.untagged_responses)


m = start()
check(m.subscribe("Sent"))
typ, dat = m._simple_command("LIST", "(SUBSCRIBED)", '""', '"*"', "RETURN", "(CHILDREN SPECIAL-USE)")
assert typ == "OK", dat
lines = m._untagged_response(typ, dat, "LIST")[1]
sent = [x for x in lines if x and x.endswith(b' "/" Sent')]
assert sent and b"\\Sent" in sent[0] and b"\\Subscribed" in sent[0] and b"\\HasNoChildren" in sent[0], lines
ur = select_qresync(m, None)
uv = int(ur["UIDVALIDITY"][0])
hms = int(ur["HIGHESTMODSEQ"][0])
assert int(ur["EXISTS"][-1]) == 5, ur
dat = check(m.uid("FETCH", "1:*", "(FLAGS)"))
assert len([x for x in dat if x]) == 5, dat
m.logout()

# While "Thunderbird" is closed another client reads UID 2 and deletes UID 3.
o = Raw(IMAPS, tls=True)
o.login()
o.ok("SELECT INBOX")
o.ok("UID STORE 2 +FLAGS (\\Seen)")
o.ok("UID STORE 3 +FLAGS.SILENT (\\Deleted)")
o.ok("EXPUNGE")
o.cmd("LOGOUT")

m = start()
ur = select_qresync(m, "(QRESYNC (%d %d))" % (uv, hms))
van = ur.get("VANISHED", [])
assert van == [b"(EARLIER) 3"], ur
fetched = ur.get("FETCH", [])
assert len(fetched) == 1 and b"UID 2" in fetched[0] and b"\\Seen" in fetched[0], ur
m.untagged_responses.clear()
dat = check(m.uid("FETCH", "1:*", "(FLAGS)", "(CHANGEDSINCE %d VANISHED)" % hms))
assert m.untagged_responses.get("VANISHED") == [b"(EARLIER) 3"], m.untagged_responses
assert len([x for x in dat if x]) == 1 and b"UID 2" in dat[0], dat

# IDLE until new mail arrives.
m.send(b"T9 IDLE\r\n")
assert m.readline().startswith(b"+")
send_mail("for thunderbird")
m.sock.settimeout(5)
got = b""
deadline = time.monotonic() + 5
while b"EXISTS" not in got and time.monotonic() < deadline:
    try:
        got = m.readline()
    except socket.timeout:
        break
assert re.match(rb"\* 5 EXISTS\r\n", got), got
m.send(b"DONE\r\n")
while not got.startswith(b"T9 "):
    got = m.readline()
assert got.startswith(b"T9 OK"), got
m.sock.settimeout(imapt.TIMEOUT)
m.logout()
print("ok")
