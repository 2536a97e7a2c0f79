"""Failed logins on one connection are answered after a growing pause (0.5, 1, 2 s) and the
third closes the connection; a right password after a wrong one still works. The pauses are
checked as lower bounds (the point of the delay), the end as an upper bound."""
import time

from imapt import Raw

r = Raw()
pauses = []
for i in range(3):
    t0 = time.monotonic()
    if i < 2:
        r.no("LOGIN alice@example.test wrong%d" % i, "AUTHENTICATIONFAILED")
    else:
        u, t = r.cmd("LOGIN alice@example.test wrong%d" % i)
        assert b"AUTHENTICATIONFAILED" in t, t
        assert r.line().startswith(b"* BYE"), "no BYE after the third failure"
        try:
            r.line()
            raise AssertionError("connection still open after three failures")
        except (EOFError, ConnectionResetError):
            pass
    pauses.append(time.monotonic() - t0)
assert pauses[0] >= 0.45 and pauses[1] >= 0.95 and pauses[2] >= 1.95, pauses

r = Raw()
r.no("LOGIN alice@example.test wrong", "AUTHENTICATIONFAILED")
r.login()
r.ok("NOOP")
print(" ".join("%.1f" % p for p in pauses))
