"""CONTEXT=SORT (RFC 5267 §4) on the wire: an imaplib client keeps a copy of a
`UID SORT RETURN (ALL UPDATE)` result by applying only the ADDTO/REMOVEFROM positions it
is sent, while mail arrives over SMTP and another session changes flags and expunges; the
copy must equal a fresh UID SORT after every step. A raw session checks the order of the
lines (ADDTO after EXISTS), updates during IDLE, tag reuse and CANCELUPDATE."""
import imaplib
import re

from imapt import Raw, check, lib, send_mail, wait_files

imaplib.Commands.setdefault("CANCELUPDATE", ("SELECTED",))
SORT = ("(REVERSE SUBJECT)", "UTF-8", "UNSEEN")
files = 0  # in INBOX now


def mail(subject):
    global files
    send_mail(subject, raw="From: carol@example.org\r\nTo: alice@example.test\r\n"
              "Subject: %s\r\n\r\nbody\r\n" % subject)
    files += 1
    wait_files(files)


def uids(set_text):
    """A sequence-set in its order: `5,3:4` is 5 3 4."""
    out = []
    for part in set_text.split(","):
        lo, _, hi = part.partition(":")
        out += [int(lo)] if not hi else list(range(int(lo), int(hi) + 1))
    return out


def apply(copy, line, tag):
    """One `(TAG "t") UID ADDTO (p set p set)` or REMOVEFROM, as RFC 5267 §4.3.3/§4.3.4
    say a client applies it: pairs in order, each set starting at its position."""
    m = re.fullmatch(r'\(TAG "([^"]+)"\) UID (ADDTO|REMOVEFROM) \((.*)\)', line)
    assert m and m.group(1) == tag, line
    words = m.group(3).split()
    for pos, members in zip(words[::2], words[1::2]):
        at = int(pos) - 1
        for i, uid in enumerate(uids(members)):
            if m.group(2) == "ADDTO":
                copy.insert(at + i, uid)
            else:
                assert copy.pop(at) == uid, (line, copy)


for s in ["b", "d", "f"]:
    mail(s)

m = lib()
caps = check(m.capability())[0].decode().upper().split()
assert "CONTEXT=SORT" in caps and "CONTEXT=SEARCH" in caps and "ESORT" in caps, caps
check(m.select("INBOX"))
check(m.uid("SORT", "RETURN", "(ALL UPDATE)", *SORT))
first = m.untagged_responses.pop("ESEARCH")[0].decode()
tag, start = re.fullmatch(r'\(TAG "([^"]+)"\) UID ALL (\S+)', first).groups()
copy = uids(start)

other = lib()
check(other.select("INBOX"))
uid_of = {}


def learn():
    """The UID of each subject, as the other session sees the mailbox now."""
    check(other.noop())
    for item in check(other.uid("FETCH", "1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")):
        if isinstance(item, tuple):
            subject = re.search(rb"Subject: (\w+)", item[1]).group(1).decode()
            uid_of[subject] = int(re.search(rb"UID (\d+)", item[0]).group(1))


learn()


def store(subject, change):
    check(other.uid("STORE", str(uid_of[subject]), change))


def expunge(subject):
    global files
    store(subject, r"+FLAGS.SILENT (\Deleted)")
    check(other.expunge())
    files -= 1


steps = [
    ("deliver c and e", lambda: (mail("c"), mail("e"))),
    ("read d", lambda: store("d", r"+FLAGS (\Seen)")),
    ("expunge e", lambda: expunge("e")),
    ("deliver a", lambda: mail("a")),
    ("unread d", lambda: store("d", r"-FLAGS (\Seen)")),
    ("read f and b", lambda: (store("f", r"+FLAGS (\Seen)"), store("b", r"+FLAGS (\Seen)"))),
]
for what, step in steps:
    step()
    learn()
    check(m.noop())
    for line in m.untagged_responses.pop("ESEARCH", []):
        apply(copy, line.decode(), tag)
    fresh = [int(n) for n in check(m.uid("SORT", *SORT))[0].split()]
    assert copy == fresh, (what, copy, fresh)
    if what == "deliver c and e":
        # f e d c b: e lands second, c fourth.
        assert copy == [uid_of[s] for s in "fedcb"], copy

check(m._simple_command("CANCELUPDATE", '"%s"' % tag))
mail("g")
check(m.noop())
assert "ESEARCH" not in m.untagged_responses, m.untagged_responses
m.logout()
other.logout()

# The lines themselves, in order, on a raw connection.
r = Raw()
r.login()
r.ok("SELECT INBOX")
u, t = r.cmd("SORT RETURN (UPDATE) (SUBJECT) UTF-8 ALL", tag="s1")
assert t.startswith(b"s1 OK") and u[0].startswith(b'* ESEARCH (TAG "s1") ALL '), (u, t)
# A tag naming a live context cannot start another (RFC 5267 §4.3).
u, t = r.cmd("SORT RETURN (UPDATE) (SUBJECT) UTF-8 ALL", tag="s1")
assert t.startswith(b"s1 BAD"), (u, t)
mail("a0")
u = r.ok("NOOP")
exists = next(i for i, l in enumerate(u) if l.endswith(b" EXISTS\r\n"))
addto = next(i for i, l in enumerate(u) if l.startswith(b'* ESEARCH (TAG "s1") ADDTO ('))
assert exists < addto, u
# a a0 b ...: the new one is second in subject order, named by its sequence number.
seq = int(u[exists].split()[1])
assert u[addto] == b'* ESEARCH (TAG "s1") ADDTO (2 %d)\r\n' % seq, u
# During IDLE the update comes unasked, after the EXISTS.
r.send("i IDLE\r\n")
assert r.response().startswith(b"+"), "no IDLE continuation"
mail("a1")
lines = []
while not lines or not lines[-1].startswith(b"* ESEARCH"):
    lines.append(r.response())
    assert len(lines) < 10, lines
assert any(l.endswith(b" EXISTS\r\n") for l in lines[:-1]), lines
assert lines[-1] == b'* ESEARCH (TAG "s1") ADDTO (3 %d)\r\n' % (seq + 1), lines
r.send("DONE\r\n")
r.until("i")
r.ok('CANCELUPDATE "s1"')
r.ok("LOGOUT")
print("sort_context ok")
