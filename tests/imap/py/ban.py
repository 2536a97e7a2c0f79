"""Failed logins feed the per-IP ban (ban.threshold = 3): after three failures a new
connection is refused (BYE greeting or closed), even with the right password."""
import socket

from imapt import Raw, PW

for i in range(3):
    r = Raw()
    r.no("LOGIN alice@example.test wrong%d" % i, "AUTHENTICATIONFAILED")
    r.close()
try:
    r = Raw()
    g = r.greeting
    assert g.startswith(b"* BYE"), ("banned address got a greeting", g)
    print(g.decode().strip())
except (EOFError, ConnectionResetError, socket.timeout, BrokenPipeError) as e:
    print("closed", e)
