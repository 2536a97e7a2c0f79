"""Per-user caps over a real connection (imap.max_mailboxes = 30, imap.max_subscriptions = 30,
imap.max_keywords = 8): CREATE and SUBSCRIBE of names that do not exist stop at the cap with
NO [LIMIT], a 10 KiB keyword is refused with NO [LIMIT], and nothing is left behind."""
import os

import imapt
from imapt import login, send_mail, wait_files, MAILDIR

r = login()
# Five default folders; 25 more fit.
for i in range(25):
    r.ok("CREATE box%d" % i)
u, t = r.no("CREATE box25", "LIMIT")
assert not os.path.exists(os.path.join(MAILDIR, ".box25")), "created despite the refusal"
u, t = r.no("CREATE deep/er/still", "LIMIT")
for i in range(30):
    r.ok("SUBSCRIBE nowhere%d" % i)
r.ok("SUBSCRIBE nowhere29")
r.no("SUBSCRIBE nowhere30", "LIMIT")

send_mail("kw")
wait_files(1)
r.ok("SELECT INBOX")
r.no("STORE 1 +FLAGS (%s)" % ("k" * 10240), "LIMIT")
r.ok("STORE 1 +FLAGS (%s)" % " ".join("kw%d" % i for i in range(8)))
r.no("STORE 1 +FLAGS (one-more)", "LIMIT")
u = r.ok("FETCH 1 FLAGS")
assert b"one-more" not in u[0] and b"kkkk" not in u[0], u
r.ok("LOGOUT")
print("ok")
