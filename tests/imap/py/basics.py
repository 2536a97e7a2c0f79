"""CAPABILITY, NOOP, LOGOUT ordering, LOGIN, AUTHENTICATE PLAIN with and without SASL-IR,
bad credentials, wrong-state commands. Needs auth.plaintext loopback."""
import imapt
from imapt import Raw, caps, plain

r = Raw()
assert r.greeting.startswith(b"* OK"), r.greeting
c = caps(r.ok("CAPABILITY"))
for want in ["IMAP4REV1", "STARTTLS", "AUTH=PLAIN", "SASL-IR", "LITERAL+", "ID", "ENABLE"]:
    assert want in c, (want, c)
assert "LOGINDISABLED" not in c, c
r.ok("NOOP")
# Pipelined commands in one packet are answered in order, each untagged before its tag.
r.send("p1 NOOP\r\np2 CAPABILITY\r\np3 NOOP\r\n")
seq = [r.response() for _ in range(4)]
assert seq[0].startswith(b"p1 OK") and seq[1].startswith(b"* CAPABILITY "), seq
assert seq[2].startswith(b"p2 OK") and seq[3].startswith(b"p3 OK"), seq
# Commands that need a login are refused in the not-authenticated state.
for cmd in ["SELECT INBOX", "LIST \"\" \"*\"", "STATUS INBOX (MESSAGES)", "FETCH 1 FLAGS"]:
    u, t = r.cmd(cmd)
    assert t.split(b" ")[1] in (b"NO", b"BAD"), (cmd, t)
# Unknown command and missing arguments: BAD; the session goes on.
r.bad("FROBNICATE")
r.bad("LOGIN")
r.no("LOGIN alice@example.test wrong", "AUTHENTICATIONFAILED")
r.no("AUTHENTICATE PLAIN " + plain(pw="wrong"), "AUTHENTICATIONFAILED")
u = r.login()
# After login the full capability list (either in the tagged OK or on request).
c = caps(r.ok("CAPABILITY"))
for want in ("IMAP4REV1 IMAP4REV2 LITERAL+ SASL-IR ENABLE ID IDLE NAMESPACE UIDPLUS MOVE UNSELECT "
             "CHILDREN SPECIAL-USE LIST-EXTENDED LIST-STATUS ESEARCH SEARCHRES CONDSTORE QRESYNC "
             "QUOTA BINARY STATUS=SIZE WITHIN").split():
    assert want in c, (want, c)
assert any(x.startswith("APPENDLIMIT=") and x[12:].isdigit() for x in c), c
# Authenticated state refuses a second LOGIN.
u, t = r.cmd("LOGIN alice@example.test x")
assert t.split(b" ")[1] in (b"BAD", b"NO"), t
# LOGOUT: untagged BYE first, then the tagged OK, then the server closes.
u, t = r.cmd("LOGOUT")
assert len(u) == 1 and u[0].startswith(b"* BYE"), u
assert t.startswith(b"a") and t.split(b" ")[1] == b"OK", t
assert r.f.read(1) == b"", "connection still open after LOGOUT"

# AUTHENTICATE PLAIN without an initial response: "+" continuation, then the credentials.
r = Raw()
r.send("x1 AUTHENTICATE PLAIN\r\n")
cont = r.line()
assert cont.startswith(b"+"), cont
r.send(plain() + "\r\n")
u, t = r.until("x1")
assert t.startswith(b"x1 OK"), (u, t)
r.cmd("LOGOUT")

# The client may cancel the exchange with "*": BAD, still not authenticated.
r = Raw()
r.send("x2 AUTHENTICATE PLAIN\r\n")
assert r.line().startswith(b"+")
r.send("*\r\n")
u, t = r.until("x2")
assert t.startswith(b"x2 BAD"), t
# SASL-IR: the credentials on the command line.
u, t = r.cmd("AUTHENTICATE PLAIN " + plain())
assert t.split(b" ")[1] == b"OK", t
# Unknown mechanism.
r2 = Raw()
u, t = r2.cmd("AUTHENTICATE X-UNKNOWN")
assert t.split(b" ")[1] in (b"NO", b"BAD"), t
r2.cmd("LOGOUT")
r.cmd("LOGOUT")

# The third failure in one session ends it: tagged NO, then BYE and the close.
r = Raw()
r.no("LOGIN nobody@example.test wrong", "AUTHENTICATIONFAILED")
r.no("LOGIN alice@example.test wrong", "AUTHENTICATIONFAILED")
r.send("x3 LOGIN alice@example.test wrong\r\n")
assert r.response().startswith(b"x3 NO [AUTHENTICATIONFAILED]")
assert r.response().startswith(b"* BYE")
assert r.f.read(1) == b""

# imaplib agrees.
m = imapt.lib()
imapt.check(m.noop())
assert m.logout()[0] == "BYE"
# And on the implicit-TLS port.
m = imapt.lib(tls=True)
imapt.check(m.noop())
m.logout()
print("ok")
