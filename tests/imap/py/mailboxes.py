"""CREATE/DELETE/RENAME (INBOX rename too), SUBSCRIBE/UNSUBSCRIBE/LSUB, LIST patterns,
LIST-EXTENDED selection and return options, STATUS. INBOX holds 3 new messages."""
import os
import re

from imapt import login, untagged, MAILDIR

r = login()


def listed(resps):
    """{name: (attributes, delimiter)} of LIST/LSUB responses."""
    out = {}
    for x in resps:
        m = re.match(rb'\* (?:LIST|LSUB) \(([^)]*)\) (NIL|"[^"]*") (.*)\r\n', x)
        if m:
            name = m.group(3).decode()
            if name.startswith('"'):
                name = name[1:-1]
            out[name] = (set(m.group(1).decode().lower().split()), m.group(2).decode())
    return out


def names(cmd):
    return set(listed(r.ok(cmd)))


all_ = listed(r.ok('LIST "" "*"'))
assert set(all_) == {"INBOX", "Archive", "Drafts", "Junk", "Sent", "Trash"}, all_
assert all(d == '"/"' for _, d in all_.values()), all_
# The delimiter query.
u = r.ok('LIST "" ""')
assert len(u) == 1 and re.match(rb'\* LIST \(\\Noselect\) "/" ""', u[0]), u
su = listed(r.ok('LIST "" "*" RETURN (SPECIAL-USE)'))
for box, attr in [("Sent", "\\sent"), ("Drafts", "\\drafts"), ("Trash", "\\trash"),
                  ("Junk", "\\junk"), ("Archive", "\\archive")]:
    assert attr in su[box][0], (box, su[box])

r.ok('CREATE "Projects/2024"')
assert os.path.isdir(os.path.join(MAILDIR, ".Projects.2024", "cur")), os.listdir(MAILDIR)
r.no('CREATE "Projects/2024"')
r.no("CREATE INBOX")
r.ok('CREATE "Projects/2025/"')  # a trailing delimiter is allowed and ignored (RFC 3501 6.3.3)
assert names('LIST "" "%"') == {"INBOX", "Archive", "Drafts", "Junk", "Sent", "Trash", "Projects"}
assert names('LIST "" "Projects/%"') == {"Projects/2024", "Projects/2025"}
assert names('LIST "Projects/" "%"') == {"Projects/2024", "Projects/2025"}
assert {"Projects", "Projects/2024", "Projects/2025"} <= names('LIST "" "*"')
assert names('LIST "" "*2024"') == {"Projects/2024"}
assert names('LIST "" "inbox"') == {"INBOX"}
ch = listed(r.ok('LIST "" "Proj*" RETURN (CHILDREN)'))
assert "\\haschildren" in ch["Projects"][0], ch
assert "\\hasnochildren" in ch["Projects/2024"][0], ch

# RENAME moves the children with the parent.
r.ok("RENAME Projects Work")
got = names('LIST "" "*"')
assert {"Work", "Work/2024", "Work/2025"} <= got and not any(n.startswith("Projects") for n in got), got
r.no("RENAME NoSuch Other")
r.no("RENAME Work Sent")
# RENAME INBOX: the messages move to the new folder, INBOX stays and is empty.
r.ok("RENAME INBOX Old")
st = r.ok("STATUS Old (MESSAGES)")
assert re.search(rb"MESSAGES 3\)", st[0]), st
st = r.ok("STATUS INBOX (MESSAGES)")
assert re.search(rb"MESSAGES 0\)", st[0]), st

r.ok("DELETE Work/2024")
r.no("DELETE Work/2024", "NONEXISTENT")
r.no("DELETE INBOX")
assert "Work/2024" not in names('LIST "" "*"')
assert not os.path.exists(os.path.join(MAILDIR, ".Work.2024"))

# Subscriptions.
r.ok("CREATE Sub1")
r.ok("SUBSCRIBE Sub1")
assert "Sub1" in names('LSUB "" "*"')
sub = listed(r.ok('LIST (SUBSCRIBED) "" "*"'))
assert "Sub1" in sub and "\\subscribed" in sub["Sub1"][0], sub
r.ok("UNSUBSCRIBE Sub1")
assert "Sub1" not in names('LSUB "" "*"')
assert "Sub1" not in listed(r.ok('LIST (SUBSCRIBED) "" "*"'))

# LIST-STATUS: a STATUS for each selectable match, after its LIST line.
r.ok("APPEND Sub1 {12+}\r\nSubject: x\r\n")
u = r.ok('LIST "" "*" RETURN (CHILDREN SPECIAL-USE STATUS (MESSAGES UNSEEN))')
st = {}
for x in untagged(u, "STATUS"):
    m = re.match(rb'\* STATUS "?([^"(]*?)"? \((.*)\)\r\n', x)
    st[m.group(1).decode()] = m.group(2).decode()
assert st.get("Old") == "MESSAGES 3 UNSEEN 3", st
assert st.get("Sub1") == "MESSAGES 1 UNSEEN 1", st
assert st.get("INBOX") == "MESSAGES 0 UNSEEN 0", st

# STATUS with every item.
u = r.ok("STATUS Old (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN SIZE HIGHESTMODSEQ)")
s = u[0].decode()
for item in ["MESSAGES 3", "UNSEEN 3", "UIDNEXT ", "UIDVALIDITY ", "SIZE ", "HIGHESTMODSEQ ", "RECENT "]:
    assert item in s, (item, s)
r.no("STATUS NoSuch (MESSAGES)")
r.bad("STATUS Old (BOGUS)")

# Non-ASCII names travel in modified UTF-7 and are stored that way on disk.
r.ok('CREATE "&ZeVnLIqe-"')
assert "&ZeVnLIqe-" in names('LIST "" "*"')
assert os.path.isdir(os.path.join(MAILDIR, ".&ZeVnLIqe-")), os.listdir(MAILDIR)
r.cmd("LOGOUT")
print("ok")
