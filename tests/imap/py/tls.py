"""auth.plaintext never: LOGINDISABLED before STARTTLS, LOGIN/AUTHENTICATE refused with
[PRIVACYREQUIRED], STARTTLS discards plaintext pipelined after it (command injection,
CVE-2011-0411 style), and after TLS the login works; implicit TLS on the imaps port."""
from imapt import Raw, caps, plain, quote, PW, USER, IMAPS

r = Raw()
c = caps(r.ok("CAPABILITY"))
assert "LOGINDISABLED" in c and "STARTTLS" in c, c
assert not any(x.startswith("AUTH=") for x in c), ("AUTH= advertised in clear", c)
r.no("LOGIN %s %s" % (quote(USER), quote(PW)), "PRIVACYREQUIRED")
r.no("AUTHENTICATE PLAIN " + plain(), "PRIVACYREQUIRED")
# STARTTLS with a command pipelined in the same packet: the server must answer STARTTLS,
# switch to TLS, and never execute the injected plaintext command.
r.send("t1 STARTTLS\r\nt2 LOGIN %s %s\r\nt3 NOOP\r\n" % (quote(USER), quote(PW)))
u, t = r.until("t1")
assert t.startswith(b"t1 OK"), (u, t)
r.starttls()
u, t = r.cmd("CAPABILITY", tag="t4")
# Had t2/t3 been run, their tagged replies would arrive before t4's.
assert all(not x.startswith(b"t2") and not x.startswith(b"t3") for x in u), u
c = caps(u)
assert "LOGINDISABLED" not in c and "STARTTLS" not in c and "AUTH=PLAIN" in c, c
# Not logged in (the injected LOGIN did not happen): SELECT is refused.
u, t = r.cmd("SELECT INBOX")
assert t.split(b" ")[1] in (b"NO", b"BAD"), t
# STARTTLS twice is an error.
u, t = r.cmd("STARTTLS")
assert t.split(b" ")[1] in (b"NO", b"BAD"), t
r.login()
r.ok("SELECT INBOX")
r.cmd("LOGOUT")

# Implicit TLS: AUTH=PLAIN offered at once, no STARTTLS, no LOGINDISABLED.
r = Raw(IMAPS, tls=True)
assert r.greeting.startswith(b"* OK"), r.greeting
c = caps(r.ok("CAPABILITY"))
assert "AUTH=PLAIN" in c and "LOGINDISABLED" not in c and "STARTTLS" not in c, c
u, t = r.cmd("AUTHENTICATE PLAIN " + plain())
assert t.split(b" ")[1] == b"OK", t
r.cmd("LOGOUT")
print("ok")
