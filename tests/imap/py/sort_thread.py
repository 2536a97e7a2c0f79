"""SORT, SORT=DISPLAY, ESORT (with PARTIAL) and THREAD (ORDEREDSUBJECT, REFERENCES) through
imaplib, on messages delivered over SMTP. Messages are named by their Message-ID so the
expectations do not depend on the order the files got their UIDs in."""
import imaplib
import re
import time

from imapt import check, lib, send_mail, wait_files

MSGS = [
    ("a", "Mon, 02 Jan 2023 10:00:00 +0000", '"Zed" <zed@x.org>', "Plans", ""),
    ("b", "Mon, 02 Jan 2023 11:00:00 +0000", "anna@x.org", "Re: Plans", "References: <a@t>\r\n"),
    ("c", "Mon, 02 Jan 2023 12:00:00 +0000", "=?utf-8?q?=C3=89mile?= <emile@x.org>",
     "Re: [fwd: Plans]", "References: <a@t> <b@t>\r\n"),
    ("d", "Mon, 02 Jan 2023 09:00:00 +0000", "mike@x.org", "Other topic", ""),
    ("e", "Mon, 02 Jan 2023 13:00:00 +0000", "bob@x.org", "Re: lost", "In-Reply-To: <gone@t>\r\n"),
    ("f", "Mon, 02 Jan 2023 14:00:00 +0000", "carl@x.org", "Re: lost", "References: <gone@t>\r\n"),
    # No Date: sorts by its arrival (now); it references itself.
    ("g", None, "dave@x.org", "loop", "References: <g@t>\r\n"),
]
for i, (mid, date, frm, subject, extra) in enumerate(MSGS):
    raw = "From: %s\r\nTo: alice@example.test\r\nSubject: %s\r\nMessage-ID: <%s@t>\r\n%s%s\r\nbody %s\r\n" % (
        frm, subject, mid, "Date: %s\r\n" % date if date else "", extra, mid)
    send_mail(subject, raw=raw)
    wait_files(i + 1)

m = lib()
caps = check(m.capability())[0].decode().upper().split()
for c in ["SORT", "SORT=DISPLAY", "ESORT", "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES"]:
    assert c in caps, (c, caps)
check(m.select("INBOX"))

# seq and UID of each message, by Message-ID.
seq_of, uid_of = {}, {}
data = check(m.fetch("1:*", "(UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])"))
for item in data:
    if isinstance(item, tuple):
        seq = int(item[0].split()[0])
        uid = int(re.search(rb"UID (\d+)", item[0]).group(1))
        mid = re.search(rb"<(\w)@t>", item[1]).group(1).decode()
        seq_of[mid], uid_of[mid] = seq, uid
assert len(seq_of) == 7, seq_of
name = {v: k for k, v in seq_of.items()}
uname = {v: k for k, v in uid_of.items()}


def sort(criteria, *search, uid=False):
    if uid:
        typ, data = m.uid("SORT", criteria, "UTF-8", *search)
    else:
        typ, data = m.sort(criteria, "UTF-8", *search)
    assert typ == "OK", (criteria, typ, data)
    names = uname if uid else name
    return "".join(names[int(n)] for n in data[0].split())


assert sort("(DATE)", "ALL") == "dabcefg"
assert sort("(REVERSE DATE)", "ALL") == "gfecbad"
assert sort("(SUBJECT DATE)", "ALL") == "gefdabc"
assert sort("(FROM)", "ALL") == "befgcda"
assert sort("(DISPLAYFROM)", "ALL") == "befgdac"
# ARRIVAL is the internal date, to the second: messages delivered within one second tie,
# and ties go by sequence number, REVERSE or not (RFC 5256 §3).
arrived = {}
for item in check(m.fetch("1:*", "(INTERNALDATE)")):
    seq = int(item.split()[0])
    arrived[name[seq]] = imaplib.Internaldate2tuple(item)
by_arrival = sorted(arrived, key=lambda k: (-time.mktime(arrived[k]), seq_of[k]))
assert sort("(REVERSE ARRIVAL)", "ALL", uid=True) == "".join(by_arrival), (arrived, by_arrival)
assert sort("(DATE)", "SUBJECT", "plans") == "abc"
assert sort("(DATE)", "SUBJECT", "nothing-matches") == ""

# ESORT: MIN/MAX are the first and last in sort order; ALL keeps the order.
typ, data = m._simple_command("SORT", "RETURN", "(MIN MAX COUNT ALL)", "(REVERSE DATE)", "UTF-8", "ALL")
assert typ == "OK", data
es = m.untagged_responses.pop("ESEARCH")[0].decode()
want = "MIN %d MAX %d COUNT 7 ALL " % (seq_of["g"], seq_of["d"])
assert want in es, (es, want)
order = []
for part in es.split("ALL ")[1].split(","):
    lo, _, hi = part.partition(":")
    order += [lo] if not hi else [str(n) for n in range(int(lo), int(hi) + 1)]
assert "".join(name[int(n)] for n in order) == "gfecbad", es

typ, data = m._simple_command("SORT", "RETURN", "(PARTIAL 3:2)", "(DATE)", "UTF-8", "ALL")
assert typ == "OK", data
es = m.untagged_responses.pop("ESEARCH")[0].decode()
assert "PARTIAL (2:3 " in es, es

typ, data = m._simple_command("SORT", "(DATE)", "KOI8-R", "ALL")
assert typ == "NO" and b"BADCHARSET" in data[0], (typ, data)


def thread(algorithm, *search):
    typ, data = m.thread(algorithm, "UTF-8", *search)
    assert typ == "OK", (algorithm, typ, data)
    return re.sub(rb"\d+", lambda x: name[int(x.group())].encode(), data[0]).decode()


assert thread("REFERENCES", "ALL") == "(d)(a b c)((e)(f))(g)", thread("REFERENCES", "ALL")
assert thread("ORDEREDSUBJECT", "ALL") == "(d)(a (b)(c))(e f)(g)", thread("ORDEREDSUBJECT", "ALL")
assert thread("REFERENCES", "FROM", "anna") == "(b)"
typ, data = m.uid("THREAD", "REFERENCES", "UTF-8", "ALL")
assert typ == "OK" and str(uid_of["g"]).encode() in data[0], data
m.logout()
print("sort_thread ok")
