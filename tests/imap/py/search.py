"""SEARCH over four appended messages with known flags, dates and sizes: flags, addresses,
SUBJECT with an encoded word, BODY/TEXT in a base64 UTF-8 body, UID and sequence sets,
OR/NOT, internal and sent dates, LARGER/SMALLER, HEADER, ESEARCH and SEARCHRES, errors."""
import base64
import re

from imapt import login, untagged

B64 = base64.encodebytes("Grüße aus München, es gibt Käsekuchen.\r\n".encode()).replace(b"\n", b"\r\n")
MSGS = [
    (r"(\Seen)", "01-Mar-2023 09:00:00 +0000",
     b"From: Alice Smith <alice.smith@example.org>\r\nSubject: Quarterly report\r\n"
     b"Date: Wed, 01 Mar 2023 09:00:00 +0000\r\nMessage-ID: <q1@example.org>\r\n\r\nthe numbers are attached\r\n"),
    (r"(\Flagged)", "15-Jun-2023 12:00:00 +0000",
     b"From: bob@example.net\r\nSubject: Lunch?\r\nDate: Thu, 15 Jun 2023 12:00:00 +0000\r\n"
     b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + B64),
    (r"(\Answered \Seen)", "10-Jan-2024 08:00:00 +0000",
     b"From: carol@example.com\r\nSubject: =?UTF-8?B?" + base64.b64encode("Überweisung".encode()) + b"?=\r\n"
     b"Date: Wed, 10 Jan 2024 08:00:00 +0000\r\n\r\n" + b"x" * 76 * 70 + b"\r\n"),
    (r"(\Deleted)", "20-Feb-2024 18:30:00 +0000",
     b"From: dave@example.com\r\nSubject: Re: Quarterly report\r\nDate: Tue, 20 Feb 2024 18:30:00 +0000\r\n\r\nsee you\r\n"),
]

r = login()
for flags, date, msg in MSGS:
    r.send(b'ap APPEND INBOX %s "%s" {%d+}\r\n%s\r\n' % (flags.encode(), date.encode(), len(msg), msg))
    u, t = r.until("ap")
    assert t.startswith(b"ap OK"), t
r.ok("SELECT INBOX")


def search(cmd, data=None):
    if data is None:
        u = r.ok(cmd)
    else:
        r.send(b"sl " + cmd.encode() + b" {%d+}\r\n" % len(data) + data + b"\r\n")
        u, t = r.until("sl")
        assert t.startswith(b"sl OK"), (cmd, t)
    s = untagged(u, "SEARCH")
    assert len(s) == 1, (cmd, u)
    return sorted(int(x) for x in s[0].split()[2:])


cases = [
    ("SEARCH ALL", [1, 2, 3, 4]),
    ("SEARCH SEEN", [1, 3]), ("SEARCH UNSEEN", [2, 4]), ("SEARCH FLAGGED", [2]),
    ("SEARCH ANSWERED", [3]), ("SEARCH DELETED", [4]), ("SEARCH UNDELETED", [1, 2, 3]),
    ("SEARCH NOT SEEN", [2, 4]), ("SEARCH UNANSWERED UNFLAGGED", [1, 4]),
    ("SEARCH FROM smith", [1]), ("SEARCH FROM example.net", [2]), ("SEARCH FROM \"@example.com\"", [3, 4]),
    ("SEARCH SUBJECT quarterly", [1, 4]), ("SEARCH SUBJECT \"re: QUARTERLY\"", [4]),
    ("SEARCH TEXT numbers", [1]), ("SEARCH TEXT lunch", [2]), ("SEARCH BODY lunch", []),
    ("SEARCH BODY \"see you\"", [4]),
    ("SEARCH OR FLAGGED ANSWERED", [2, 3]), ("SEARCH NOT FROM smith", [2, 3, 4]),
    ("SEARCH OR (SEEN FROM smith) DELETED", [1, 4]), ("SEARCH NOT (UNSEEN OR FLAGGED DELETED)", [1, 3]),
    ("SEARCH 2:3", [2, 3]), ("SEARCH 1,3:*", [1, 3, 4]), ("SEARCH *", [4]),
    ("SEARCH UID 3:*", [3, 4]), ("SEARCH UID 2,4 SEEN", []), ("SEARCH 1:* UID 1:2", [1, 2]),
    ("UID SEARCH 2:4 SEEN", [3]), ("UID SEARCH UID 9999", []),
    ("SEARCH SINCE 1-Jan-2024", [3, 4]), ("SEARCH BEFORE 1-Jan-2024", [1, 2]),
    ("SEARCH ON 15-Jun-2023", [2]), ("SEARCH SENTBEFORE 1-Jan-2024", [1, 2]),
    ("SEARCH SENTSINCE 20-Feb-2024", [4]), ("SEARCH SENTON 10-Jan-2024", [3]),
    ("SEARCH LARGER 4000", [3]), ("SEARCH SMALLER 4000", [1, 2, 4]),
    ("SEARCH HEADER Message-ID \"<q1@\"", [1]), ("SEARCH HEADER MIME-Version \"\"", [2]),
    ("SEARCH KEYWORD $Nothing", []), ("SEARCH UNKEYWORD $Nothing", [1, 2, 3, 4]),
]
for cmd, want in cases:
    got = search(cmd)
    assert got == want, (cmd, "got", got, "want", want)
# Decoded text: the base64 UTF-8 body and the encoded-word subject, with CHARSET UTF-8.
assert search("SEARCH CHARSET UTF-8 BODY", "Käsekuchen".encode()) == [2]
assert search("SEARCH CHARSET UTF-8 TEXT", "München".encode()) == [2]
assert search("SEARCH CHARSET UTF-8 SUBJECT", "Überweisung".encode()) == [3]
assert search("SEARCH CHARSET UTF-8 BODY", "Zürich".encode()) == []
assert search("SEARCH BODY gibt") == [2]

# ESEARCH (RFC 4731).
u = r.ok("SEARCH RETURN (MIN MAX COUNT ALL) UNDELETED")
e = untagged(u, "ESEARCH")
assert len(e) == 1 and not untagged(u, "SEARCH"), u
m = re.match(rb'\* ESEARCH \(TAG "(a\d+)"\) (.*)\r\n', e[0])
assert m, e
items = m.group(2).split()
d = dict(zip(items[::2], items[1::2]))
assert d[b"MIN"] == b"1" and d[b"MAX"] == b"3" and d[b"COUNT"] == b"3", d
assert d[b"ALL"] in (b"1:3", b"1,2,3", b"1:2,3", b"1,2:3"), d
u = r.ok("UID SEARCH RETURN (COUNT) SEEN")
assert re.match(rb'\* ESEARCH \(TAG "a\d+"\) UID COUNT 2\r\n', untagged(u, "ESEARCH")[0]), u
u = r.ok("SEARCH RETURN (MIN MAX COUNT) KEYWORD $Nothing")
assert re.match(rb'\* ESEARCH \(TAG "a\d+"\) COUNT 0\r\n', untagged(u, "ESEARCH")[0]), u
u = r.ok("SEARCH RETURN () FLAGGED")  # RETURN () means ALL
assert re.match(rb'\* ESEARCH \(TAG "a\d+"\) ALL 2\r\n', untagged(u, "ESEARCH")[0]), u
# SEARCHRES: the saved result is "$".
r.ok("SEARCH RETURN (SAVE) FLAGGED")
u = r.ok("FETCH $ (FLAGS)")
f = untagged(u, "FETCH")
assert len(f) == 1 and f[0].startswith(b"* 2 FETCH"), u

# Errors.
r.bad("SEARCH BOGUS")
r.bad("SEARCH SINCE 32-Jan-2024")
r.bad("SEARCH LARGER x")
r.bad("SEARCH OR SEEN")
r.no("SEARCH CHARSET X-NO-SUCH ALL", "BADCHARSET")
r.ok("NOOP")
r.cmd("LOGOUT")
print("ok")
