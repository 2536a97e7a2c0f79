"""Changes on the server between mbsync runs: flag mb-100..102, expunge mb-200 and mb-201,
append late-0 and late-1."""
import imapt
from imapt import check


def uid_of(m, tag):
    got = check(m.uid("SEARCH", None, "HEADER", "Message-ID", '"<%s@"' % tag))[0].split()
    assert len(got) == 1, (tag, got)
    return got[0].decode()


m = imapt.lib(tls=True)
check(m.select("INBOX"))
for t in ["mb-100", "mb-101", "mb-102"]:
    check(m.uid("STORE", uid_of(m, t), "+FLAGS", "(\\Flagged)"))
for t in ["mb-200", "mb-201"]:
    check(m.uid("STORE", uid_of(m, t), "+FLAGS", "(\\Deleted)"))
check(m.expunge())
for i in range(2):
    check(m.append("INBOX", None, None,
                   b"From: x@example.org\r\nSubject: late-%d\r\nMessage-ID: <late-%d@example.org>\r\n\r\nlate\r\n" % (i, i)))
m.logout()
