"""Asserts through IMAP (imaps) that INBOX holds argv[1] messages, argv[2] \\Flagged, argv[3] \\Seen."""
import sys

import imapt
from imapt import check

total, flagged, seen = (int(x) for x in sys.argv[1:4])
m = imapt.lib(tls=True)
n = int(check(m.select("INBOX", readonly=True))[0])
assert n == total, (n, total)
assert len(check(m.search(None, "FLAGGED"))[0].split()) == flagged
assert len(check(m.search(None, "SEEN"))[0].split()) == seen
assert len(check(m.search(None, "DELETED"))[0].split()) == 0
m.logout()
