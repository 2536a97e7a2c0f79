"""FETCH: FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE, BODY[] byte-equal to the
delivered file (CRLF), BODY.PEEK vs \\Seen, HEADER.FIELDS, partials, MIME parts, BINARY and
BINARY.SIZE of a base64 part, the RFC822 items and macros, errors."""
import re

from imapt import login, send_mail, wait_files, file_bytes, untagged, one

send_mail("simple one", "Hello World, this is the body.\r\n")
wait_files(1)
MULTI = (
    "From: Carol Example <carol@example.org>\r\nTo: alice@example.test\r\nSubject: multi part\r\n"
    "Date: Mon, 02 Jan 2023 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"XYZ\"\r\n\r\npreamble\r\n"
    "--XYZ\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\npart one text\r\n"
    "--XYZ\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    "AAFiaW5hcnn/\r\n--XYZ--\r\n"
)
send_mail(None, raw=MULTI)
wait_files(2)
BIN = b"\x00\x01binary\xff"

r = login()
r.ok("SELECT INBOX")
# Delivery order is not sequence order for certain: learn which is which.
u = r.ok("FETCH 1:2 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
seq = {}
for x in untagged(u, "FETCH"):
    m = re.match(rb"\* (\d) FETCH \(BODY\[HEADER\.FIELDS \(\"?SUBJECT\"?\)\] \{(\d+)\}\r\nSubject: ([a-z ]+)\r\n\r\n\)\r\n", x)
    assert m, x
    assert int(m.group(2)) == len(b"Subject: " + m.group(3) + b"\r\n\r\n"), x
    seq[m.group(3).decode()] = int(m.group(1))
s, mp = seq["simple one"], seq["multi part"]


def fetch(n, items):
    u = r.ok("FETCH %d %s" % (n, items))
    f = [x for x in untagged(u, "FETCH") if x.startswith(b"* %d FETCH" % n)]
    assert len(f) >= 1, (items, u)
    return f[0]


def literal(resp, item):
    """The literal or quoted value of `item` in a FETCH response."""
    i = resp.index(item.encode() + b" ")
    rest = resp[i + len(item) + 1:]
    m = re.match(rb"~?\{(\d+)\}\r\n", rest)
    if m:
        return rest[m.end():m.end() + int(m.group(1))]
    m = re.match(rb'"((?:[^"\\]|\\.)*)"', rest)
    assert m, (item, rest[:80])
    return m.group(1)


crlf = lambda b: re.sub(rb"(?<!\r)\n", b"\r\n", b)
disk = crlf(file_bytes("simple one"))
f = fetch(s, "(FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)")
assert re.search(rb"FLAGS \((\\Recent)?\)", f), f
assert re.search(rb'INTERNALDATE "[ 0-9]\d-[A-Z][a-z]{2}-\d{4} \d\d:\d\d:\d\d [+-]\d{4}"', f), f
assert b"RFC822.SIZE %d" % len(disk) in f, (len(disk), f)
assert b'ENVELOPE ("Mon, 02 Jan 2023 10:00:00 +0000" "simple one" (("Carol Example" NIL "carol" "example.org"))' in f, f
assert b'((NIL NIL "alice" "example.test"))' in f, f
# BODY.PEEK[] leaves \Seen alone; the bytes are exactly the file's.
f = fetch(s, "BODY.PEEK[]")
assert literal(f, "BODY[]") == disk, (literal(f, "BODY[]")[:200], disk[:200])
assert b"\\Seen" not in fetch(s, "FLAGS"), "PEEK set \\Seen"
f = fetch(s, "BODY[]")
assert literal(f, "BODY[]") == disk
assert b"\\Seen" in fetch(s, "FLAGS"), "BODY[] did not set \\Seen"
head, text = disk.split(b"\r\n\r\n", 1)
assert literal(fetch(s, "BODY.PEEK[HEADER]"), "BODY[HEADER]") == head + b"\r\n\r\n"
assert literal(fetch(s, "BODY.PEEK[TEXT]"), "BODY[TEXT]") == text
assert literal(fetch(s, "BODY.PEEK[1]<0.10>"), "BODY[1]<0>") == b"Hello Worl"
assert literal(fetch(s, "BODY.PEEK[]<6.5>"), "BODY[]<6>") == disk[6:11]
assert literal(fetch(s, "BODY.PEEK[]<%d.10>" % (len(disk) + 5)), "BODY[]<%d>" % (len(disk) + 5)) == b""
assert literal(fetch(s, "RFC822.HEADER"), "RFC822.HEADER") == head + b"\r\n\r\n"
assert literal(fetch(s, "RFC822.TEXT"), "RFC822.TEXT") == text
assert literal(fetch(s, "RFC822"), "RFC822") == disk
f = fetch(s, "BODY.PEEK[HEADER.FIELDS.NOT (RECEIVED RETURN-PATH FROM TO DATE MESSAGE-ID)]")
m = re.search(rb"BODY\[HEADER\.FIELDS\.NOT \([^)]*\)\] \{(\d+)\}\r\n", f)
h = f[m.end():m.end() + int(m.group(1))] if m else b""
assert b"Subject: simple one\r\n" in h and b"Received:" not in h and h.endswith(b"\r\n\r\n"), f
bs = fetch(s, "BODYSTRUCTURE").upper()
assert b'BODYSTRUCTURE ("TEXT" "PLAIN" ' in bs and b' "7BIT" %d ' % len(text) in bs, bs
for macro, items in [("FAST", [b"FLAGS", b"INTERNALDATE", b"RFC822.SIZE"]),
                     ("ALL", [b"FLAGS", b"INTERNALDATE", b"RFC822.SIZE", b"ENVELOPE"]),
                     ("FULL", [b"FLAGS", b"INTERNALDATE", b"RFC822.SIZE", b"ENVELOPE", b"BODY ("])]:
    f = fetch(s, macro)
    assert all(i in f for i in items), (macro, f)

# The multipart message.
bs = fetch(mp, "BODYSTRUCTURE").upper()
assert bs.startswith(b'* %d FETCH (BODYSTRUCTURE (("TEXT" "PLAIN" ("CHARSET" "US-ASCII")' % mp), bs
assert b'("APPLICATION" "OCTET-STREAM" NIL NIL NIL "BASE64" 12' in bs, bs
assert b' "MIXED" ("BOUNDARY" "XYZ")' in bs, bs
assert literal(fetch(mp, "BODY.PEEK[1]"), "BODY[1]") == b"part one text"
assert literal(fetch(mp, "BODY.PEEK[2]"), "BODY[2]") == b"AAFiaW5hcnn/"
assert literal(fetch(mp, "BODY.PEEK[2.MIME]"), "BODY[2.MIME]").startswith(b"Content-Type: application/octet-stream\r\n")
f = fetch(mp, "BINARY.PEEK[2]")
assert literal(f, "BINARY[2]") == BIN, f
assert b"BINARY[2] ~{%d}" % len(BIN) in f, ("a NUL needs a literal8", f)
assert b"BINARY.SIZE[2] %d" % len(BIN) in fetch(mp, "BINARY.SIZE[2]")
assert literal(fetch(mp, "BINARY.PEEK[1]"), "BINARY[1]") == b"part one text"
assert literal(fetch(mp, "BINARY.PEEK[2]<1.3>"), "BINARY[2]<1>") == BIN[1:4]
assert b"\\Seen" not in fetch(mp, "FLAGS")

# UID FETCH always carries UID; a missing UID is no error, a missing number is.
u = r.ok("UID FETCH 1:* (FLAGS)")
assert len(untagged(u, "FETCH")) == 2 and all(b"UID " in x for x in untagged(u, "FETCH")), u
u = r.ok("UID FETCH 99 (FLAGS)")
assert not untagged(u, "FETCH"), u
u, t = r.cmd("FETCH 3 (FLAGS)")
assert t.split(b" ")[1] in (b"BAD", b"NO"), t
r.bad("FETCH 1 (BOGUS)")
r.bad("FETCH 1 BODY[9999999999999999]")
r.bad("FETCH x FLAGS")
r.ok("NOOP")
r.cmd("LOGOUT")
print("ok")
