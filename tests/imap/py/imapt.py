"""Shared helpers for mailctl's IMAP test scripts.

A raw IMAP client that reads whole responses (literals included) so scripts can assert
exact lines and their order, plus imaplib and smtplib shortcuts. Configuration comes from
the environment the Rust harness sets (tests/imap/harness.rs). Every socket has a timeout;
nothing here waits unbounded.
"""

import base64
import imaplib
import os
import re
import smtplib
import socket
import ssl
import time

USER = "alice@example.test"
BOB = "bob@example.test"
PW = os.environ.get("IMAP_PASSWORD", "")
PORT = int(os.environ.get("IMAP_PORT", "0"))
IMAPS = int(os.environ.get("IMAPS_PORT", "0"))
SMTP = int(os.environ.get("SMTP_PORT", "0"))
CERT = os.environ.get("IMAP_CERT", "")
MAILDIR = os.environ.get("ALICE_MAILDIR", "")
BOB_MAILDIR = os.environ.get("BOB_MAILDIR", "")
TIMEOUT = 15
# A response line longer than this is a server bug, not something to buffer forever.
MAX_LINE = 1 << 20

LITERAL_END = re.compile(rb"\{(\d+)\+?\}\r\n$")


def tls_ctx():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


class Raw:
    """One IMAP connection on a plain socket; `greeting` is the server's first line."""

    def __init__(self, port=None, tls=False, timeout=TIMEOUT):
        self.sock = socket.create_connection(("127.0.0.1", port or PORT), timeout=timeout)
        if tls:
            self.sock = tls_ctx().wrap_socket(self.sock, server_hostname="localhost")
        self.f = self.sock.makefile("rb")
        self.n = 0
        self.greeting = self.response()

    def starttls(self):
        """Upgrades after a tagged OK to STARTTLS; the old reader is dropped with any bytes
        it might have buffered, which is exactly what a careful client does."""
        self.f = None
        self.sock = tls_ctx().wrap_socket(self.sock, server_hostname="localhost")
        self.f = self.sock.makefile("rb")

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def line(self):
        l = self.f.readline(MAX_LINE)
        if not l:
            raise EOFError("connection closed by server")
        assert l.endswith(b"\r\n"), ("line without CRLF", l[:200])
        return l

    def response(self):
        """One response: a line, with any literals and the lines continuing after them."""
        out = self.line()
        while True:
            m = LITERAL_END.search(out)
            if not m:
                return out
            n = int(m.group(1))
            data = self.f.read(n)
            assert len(data) == n, ("short literal", n, len(data))
            out += data + self.line()

    def tag(self):
        self.n += 1
        return "a%d" % self.n

    def cmd(self, text, tag=None):
        """Sends `TAG text`, returns (untagged and continuation responses, tagged line)."""
        tag = tag or self.tag()
        self.send("%s %s\r\n" % (tag, text) if isinstance(text, str) else tag.encode() + b" " + text + b"\r\n")
        return self.until(tag)

    def until(self, tag):
        t = tag.encode() + b" "
        untagged = []
        while True:
            r = self.response()
            if r.startswith(t):
                return untagged, r
            untagged.append(r)

    def ok(self, text, code=None):
        """cmd() that must end in a tagged OK (with `code` if given); returns the untagged."""
        u, t = self.cmd(text)
        status = t.split(b" ", 2)[1] if b" " in t else b""
        assert status == b"OK", (text, t, u[-5:])
        if code:
            assert ("[" + code).encode() in t, (text, code, t)
        return u

    def no(self, text, code=None, status=b"NO"):
        u, t = self.cmd(text)
        assert t.split(b" ", 2)[1] == status, (text, "expected", status, t)
        if code:
            assert ("[" + code).encode() in t, (text, code, t)
        return u, t

    def bad(self, text):
        return self.no(text, status=b"BAD")

    def login(self, user=USER, pw=None):
        return self.ok("LOGIN %s %s" % (quote(user), quote(PW if pw is None else pw)))

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def login(port=None):
    """A logged-in Raw session on the plain port (needs auth.plaintext loopback)."""
    r = Raw(port)
    r.login()
    return r


def lib(tls=False):
    """A logged-in imaplib session."""
    if tls:
        m = imaplib.IMAP4_SSL("127.0.0.1", IMAPS, ssl_context=tls_ctx(), timeout=TIMEOUT)
    else:
        m = imaplib.IMAP4("127.0.0.1", PORT, timeout=TIMEOUT)
    m.login(USER, PW)
    return m


def check(resp, what=""):
    """imaplib (typ, data) that must be OK; returns data."""
    typ, data = resp
    assert typ == "OK", (what, typ, data)
    return data


def untagged(responses, word):
    """The untagged responses whose first word after `*` (or after `* n`) is `word`."""
    out = []
    w = word.encode().upper()
    for r in responses:
        parts = r.split(b" ", 3)
        if len(parts) >= 2 and parts[0] == b"*":
            if parts[1].upper().rstrip(b"\r\n") == w or (len(parts) >= 3 and parts[1].isdigit() and parts[2].upper().rstrip(b"\r\n") == w):
                out.append(r)
    return out


def one(responses, word):
    got = untagged(responses, word)
    assert len(got) == 1, (word, "expected once in", responses)
    return got[0]


def code_value(responses, code):
    """The value of `* OK [CODE value]` among responses, or None."""
    for r in responses:
        m = re.match(rb"\* OK \[" + code.encode() + rb"(?: ([^\]]*))?\]", r)
        if m:
            return m.group(1)
    return None


def num(responses, word):
    """n of `* n WORD`."""
    return int(one(responses, word).split(b" ")[1])


def caps(responses):
    """The capability names (upper-case) of a `* CAPABILITY` response or `[CAPABILITY ...]`."""
    for r in responses:
        m = re.search(rb"(?:^\* CAPABILITY|\[CAPABILITY) ([^\]\r\n]*)", r)
        if m:
            return set(m.group(1).decode().upper().split())
    return None


def send_mail(subject, body="hello\r\n", to=USER, extra_headers="", raw=None):
    """One message to `to` through the server's MX listener."""
    if raw is None:
        raw = (
            "From: Carol Example <carol@example.org>\r\nTo: %s\r\nSubject: %s\r\n"
            "Date: Mon, 02 Jan 2023 10:00:00 +0000\r\nMessage-ID: <%s@example.org>\r\n%s\r\n%s"
            % (to, subject, re.sub(r"\W", "", subject) + str(time.monotonic_ns()), extra_headers, body)
        )
    with smtplib.SMTP("127.0.0.1", SMTP, timeout=TIMEOUT) as s:
        s.sendmail("carol@example.org", [to], raw.encode() if isinstance(raw, str) else raw)


def maildir_files(folder="", root=None):
    """{unique: (sub, filename)} of a folder (``""`` = INBOX) in new/ and cur/."""
    md = root or MAILDIR
    if folder:
        md = os.path.join(md, "." + folder)
    out = {}
    for sub in ("new", "cur"):
        d = os.path.join(md, sub)
        if os.path.isdir(d):
            for n in os.listdir(d):
                out[n.split(":")[0]] = (sub, n)
    return out


def wait_files(n, folder="", secs=20):
    """Waits (bounded) until a folder holds at least n files; returns them."""
    deadline = time.monotonic() + secs
    while True:
        f = maildir_files(folder)
        if len(f) >= n or time.monotonic() > deadline:
            assert len(f) >= n, ("timed out waiting for", n, "files, have", len(f))
            return f
        time.sleep(0.05)


def file_bytes(subject, folder=""):
    """The bytes on disk of the message whose Subject header is `subject`."""
    md = MAILDIR if not folder else os.path.join(MAILDIR, "." + folder)
    for unique, (sub, name) in maildir_files(folder).items():
        with open(os.path.join(md, sub, name), "rb") as fh:
            data = fh.read()
        if re.search(rb"(?m)^Subject: " + re.escape(subject.encode()) + rb"\r?$", data):
            return data
    raise AssertionError("no file with subject %r" % subject)


def plain(user=USER, pw=None):
    return base64.b64encode(b"\0" + user.encode() + b"\0" + (PW if pw is None else pw).encode()).decode()


def assert_alive():
    """The server process still runs (not exited, not a zombie)."""
    pid = int(os.environ["SERVER_PID"])
    with open("/proc/%d/stat" % pid) as fh:
        state = fh.read().rsplit(")", 1)[1].split()[0]
    assert state != "Z", "server exited"
