"""imap.timeout.login = 2s: a silent peer, a peer that dribbles a byte at a time, a peer that
stalls in the implicit-TLS handshake and one that sends an endless line without CRLF are all
disconnected; a logged-in session is not. Waits are upper bounds only (LIMIT is far above 2 s)."""
import socket
import time

import imapt
from imapt import Raw

LIMIT = 20


def until_closed(sock, secs=LIMIT):
    """Everything the server sends until it closes; fails if it is still open after `secs`."""
    sock.settimeout(secs)
    got = b""
    while True:
        try:
            chunk = sock.recv(4096)
        except ConnectionResetError:
            return got
        except socket.timeout:
            raise AssertionError(("connection still open", got[-200:]))
        if not chunk:
            return got
        got += chunk


def connect(port):
    return socket.create_connection(("127.0.0.1", port), timeout=LIMIT)


# Silent after the greeting.
s = connect(imapt.PORT)
got = until_closed(s)
assert got.startswith(b"* OK") and got.endswith(b"* BYE no login in time\r\n"), got

# A byte every 0.3 s, never a whole line: the deadline runs from the connection.
s = connect(imapt.PORT)
s.settimeout(0.3)
got = b""
deadline = time.monotonic() + LIMIT
while True:
    assert time.monotonic() < deadline, ("a dribbling peer kept the connection", got)
    try:
        s.sendall(b"x")
    except (BrokenPipeError, ConnectionResetError):
        break
    try:
        chunk = s.recv(4096)
        if not chunk:
            break
        got += chunk
    except socket.timeout:
        pass
    except ConnectionResetError:
        break
assert b"* BYE no login in time" in got, got

# Implicit TLS, and the handshake never starts.
s = connect(imapt.IMAPS)
assert until_closed(s) == b""

# Half a ClientHello, then nothing.
s = connect(imapt.IMAPS)
s.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")
assert until_closed(s) == b""

# An endless line without CRLF: BYE [TOOBIG] as soon as it passes the limit.
s = connect(imapt.PORT)
s.sendall(b"a1 LOGIN " + b"x" * 70_000)
got = until_closed(s)
assert b"* BYE [TOOBIG]" in got, got

# Logged in, the pre-login deadline no longer applies.
r = Raw()
r.login()
time.sleep(3)
r.ok("NOOP")
r.cmd("LOGOUT")
print("ok")
