"""Hostile input: an overlong line, oversized literals, a huge sequence set, names that try
to leave the Maildir or are malformed, another user's mailbox, deep nesting. After each the
server must still be alive and a fresh session must work."""
import os
import time

import imapt
from imapt import login, untagged, send_mail, wait_files, MAILDIR, BOB_MAILDIR


def still_fine():
    imapt.assert_alive()
    r = login()
    r.ok("NOOP")
    r.cmd("LOGOUT")


send_mail("for bob", to=imapt.BOB)
deadline = time.monotonic() + 20
while not imapt.maildir_files(root=BOB_MAILDIR) and time.monotonic() < deadline:
    time.sleep(0.05)
assert imapt.maildir_files(root=BOB_MAILDIR), "bob got no mail"
send_mail("one")
send_mail("two")
wait_files(2)

r = login()
r.ok("SELECT INBOX")

# A 100 KB line, and one without its CRLF: BYE and the connection ends (a peer that could
# send an endless line would hold the connection for ever); the server stays fine.
for tail in (b"\r\n", b""):
    r.send(b"h1 NOOP " + b"x" * 100_000 + tail)
    x = r.line()
    assert x.startswith(b"* BYE [TOOBIG]"), x[:200]
    try:
        x = r.line()
        raise AssertionError(("connection still open", x[:200]))
    except (EOFError, ConnectionResetError):
        pass
    r = login()
    r.ok("SELECT INBOX")
still_fine()

# Literals beyond the limit are refused before the data is asked for.
r.send(b"h3 APPEND INBOX {4000000000}\r\n")
x = r.line()
assert not x.startswith(b"+") and b"[TOOBIG]" in x and x.split(b" ")[1] in (b"NO", b"BAD"), x
r.send(b"h4 SEARCH TEXT {4000000000}\r\n")
x = r.line()
assert not x.startswith(b"+") and x.split(b" ")[1] in (b"NO", b"BAD"), x
r.ok("NOOP")
still_fine()

# 5000 ranges of 1:*: each message answered once, no blow-up.
u = r.ok("FETCH " + ",".join(["1:*"] * 5000) + " (FLAGS)")
assert sorted(int(x.split()[1]) for x in untagged(u, "FETCH")) == [1, 2], u
u = r.ok("UID FETCH 1:4294967295 (FLAGS)")
assert len(untagged(u, "FETCH")) == 2, u
r.bad("FETCH 1:4294967296 (FLAGS)")
r.bad("FETCH 0 (FLAGS)")
u = r.ok("SEARCH " + ",".join(["1:*"] * 5000))
still_fine()

# Names that try to escape the Maildir or are malformed.
before = set(os.listdir(os.path.dirname(MAILDIR)))
for name in ['"../x"', '"/etc"', '"a/../../b"', '".."', '"../bob"', '"a/./b"', '"&Jjo"', '"&-&"',
             '"/"', '"a//b"', '"x/.."', '"../../example.test/bob"',
             '"INBOX/../../x"']:
    for cmd in ["CREATE", "SELECT", "EXAMINE", "DELETE", "STATUS %s (MESSAGES)", "APPEND %s {1+}\r\nx",
                "SUBSCRIBE", "RENAME Sent %s"]:
        line = cmd % name if "%s" in cmd else "%s %s" % (cmd, name)
        u, t = r.cmd(line)
        status = t.split(b" ")[1]
        ok_status = (b"NO", b"BAD") if cmd == "SUBSCRIBE" else (b"NO",)
        assert status in ok_status, (line, t)
        # SUBSCRIBE may not check existence (RFC 3501 6.3.6), but it must not create anything.
# U+2028/U+2029 and a C1 control in modified UTF-7, raw 8-bit without ENABLE IMAP4rev2:
# refused by every command that takes a name or a pattern, before anything is created.
for name in [b'"A&ICg-B"', b'"A&ICk-B"', b'"A&AIU-B"', '"Entwürfe"'.encode()]:
    for cmd in [b"CREATE %s", b"SELECT %s", b"EXAMINE %s", b"DELETE %s", b"STATUS %s (MESSAGES)",
                b"SUBSCRIBE %s", b"UNSUBSCRIBE %s", b"RENAME Sent %s", b"COPY 1 %s", b"MOVE 1 %s",
                b'LIST "" %s', b'LSUB "" %s', b"GETQUOTAROOT %s", b"APPEND %s {1+}\r\nx"]:
        u, t = r.cmd(cmd.replace(b"%s", name))
        if name == b'"A&AIU-B"' and cmd.startswith((b"LIST", b"LSUB")):
            # A pattern the strict modified UTF-7 decoder refuses matches nothing (as Dovecot).
            assert t.split(b" ")[1] == b"OK" and not u, (cmd, name, u, t)
            continue
        assert t.split(b" ")[1] in (b"NO", b"BAD"), (cmd, name, t)
r.ok("SELECT INBOX")
# NUL is not allowed anywhere in a mailbox name.
for cmd in ["CREATE", "SELECT"]:
    r.send(b"n1 " + cmd.encode() + b" {3+}\r\na\x00b\r\n")
    u, t = r.until("n1")
    assert t.split(b" ")[1] in (b"NO", b"BAD"), t
assert set(os.listdir(os.path.dirname(MAILDIR))) == before, "a directory appeared beside alice's Maildir"
assert not os.path.exists("/etc/cur") and not os.path.exists("/etc/new")
assert not [n for n in os.listdir(MAILDIR) if ".." in n or "/" in n], os.listdir(MAILDIR)
still_fine()

# Another user's mailbox is unreachable and invisible.
r.no('SELECT "../bob"')
for ref, pat in [('""', '"*"'), ('"../"', '"*"'), ('"/"', '"*"'), ('""', '"../*"'), ('"~bob"', '"*"')]:
    u, t = r.cmd("LIST %s %s" % (ref, pat))
    got = b"".join(untagged(u, "LIST"))
    assert b"bob" not in got and b".." not in got, (ref, pat, u)
u = r.ok('LIST "" "*"')
names = {x.rsplit(b" ", 1)[1].strip(b'"\r\n') for x in untagged(u, "LIST")}
assert names == {b"INBOX", b"Archive", b"Drafts", b"Junk", b"Sent", b"Trash"}, names
still_fine()


def ok_or_bad(r, text):
    """OK or BAD; a line over the 64 KiB limit gets BYE instead, and a fresh session."""
    if len(text) > 65_000:
        r.send("z %s\r\n" % text)
        x = r.line()
        assert x.startswith(b"* BYE [TOOBIG]"), x[:200]
        r = login()
        r.ok("SELECT INBOX")
        return r
    u, t = r.cmd(text)
    assert t.split(b" ")[1] in (b"OK", b"BAD"), t[:200]
    return r


# Deep nesting: BAD, not a crash or a stack overflow.
for depth in (1000, 10_000):
    r.bad("SEARCH " + "(" * depth + "ALL" + ")" * depth)
    still_fine()
    r = ok_or_bad(r, "SEARCH " + "NOT " * depth + "ALL")
    still_fine()
    r = ok_or_bad(r, "SEARCH " + "OR ALL " * depth + "ALL")
    still_fine()
u, t = r.cmd("FETCH 1 (" + "FLAGS " * 5000 + ")")
assert t.split(b" ")[1] in (b"OK", b"BAD"), t[:200]
r.bad("FETCH 1 BODY[" + "1." * 5000 + "1]")
r.bad(b"\xff\xfe\x00garbage")
r.ok("NOOP")

# A NUL stored by another program never reaches an ordinary literal (0x80 instead, as
# Dovecot), while BINARY sends it in a literal8.
with open(os.path.join(MAILDIR, "new", "1700000001.M1P1.nul"), "wb") as f:
    f.write(b"Subject: nul\r\n\r\nbody\x00text\r\n")
x = login()
x.ok("SELECT INBOX")
u = x.ok("FETCH 1:* (BODY.PEEK[] RFC822.HEADER BODY.PEEK[TEXT])")
assert not any(b"\x00" in l for l in u), u
nul = [l for l in u if b"body\x80text" in l]
assert len(nul) == 1, u
n = int(nul[0].split()[1])
u = x.ok("FETCH %d (BINARY.PEEK[1])" % n)
assert b"BINARY[1] ~{11}\r\nbody\x00text\r\n" in u[0], u
x.close()

# A literal cut short by a vanishing client.
x = login()
x.send(b"c1 APPEND INBOX {100000}\r\n")
x.line()
x.send(b"partial")
x.close()
still_fine()
r.cmd("LOGOUT")
print("ok")
