"""COMPRESS=DEFLATE (RFC 4978) over a raw socket with Python's zlib as the peer: commands and
large FETCH answers through the compressed stream, [COMPRESSIONACTIVE] the second time, and
a decompression bomb (a 256 MiB line that deflates to ~250 KB) ends in BYE without the
server's peak memory growing by anything like its inflated size."""
import io
import os
import zlib

from imapt import Raw, login, num, untagged

SERVER_PID = os.environ["SERVER_PID"]


class Inflating(io.RawIOBase):
    """The server's side of the stream, inflated (raw deflate, wbits -15)."""

    def __init__(self, sock):
        self.sock = sock
        self.z = zlib.decompressobj(-15)
        self.buf = b""

    def readable(self):
        return True

    def readinto(self, b):
        while not self.buf:
            data = self.sock.recv(65536)
            if not data:
                return 0
            self.buf = self.z.decompress(data)
        n = min(len(b), len(self.buf))
        b[:n] = self.buf[:n]
        self.buf = self.buf[n:]
        return n


def compress(r):
    u, t = r.cmd("COMPRESS DEFLATE")
    assert t.split(b" ", 2)[1] == b"OK", t
    out = zlib.compressobj(6, zlib.DEFLATED, -15)
    raw = r.sock

    class Z:
        def sendall(self, data):
            raw.sendall(out.compress(data) + out.flush(zlib.Z_SYNC_FLUSH))

        def __getattr__(self, name):
            return getattr(raw, name)

    r.f = io.BufferedReader(Inflating(raw))
    r.sock = Z()
    return out, raw


def peak_kib():
    for line in open("/proc/%s/status" % SERVER_PID):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


r = login()
compress(r)
u = r.ok("SELECT INBOX")
n = num(u, "EXISTS")
assert n >= 50, u
u = r.ok("FETCH 1:* (FLAGS BODY.PEEK[])")
assert len(untagged(u, "FETCH")) == n, len(u)
msg = b"From: z@example.test\r\nSubject: compressed\r\n\r\n" + b"zip " * 5000 + b"\r\n"
r.send(b"ap APPEND INBOX {%d+}\r\n%s\r\n" % (len(msg), msg))
u, t = r.until("ap")
assert t.startswith(b"ap OK [APPENDUID"), t
u = r.ok("UID FETCH %s BODY.PEEK[]" % t.split()[4].decode().rstrip("]"))
assert msg in u[-1], u[-1][:200]
u, t = r.no("COMPRESS DEFLATE", "COMPRESSIONACTIVE")
r.ok("LIST \"\" *")
r.ok("LOGOUT")
r.close()

# The bomb: one endless line, sent in pieces so the server can answer while we send.
before = peak_kib()
r = login()
z, raw = compress(r)
closed = False
try:
    for _ in range(256):
        raw.sendall(z.compress(b"x" * (1 << 20)) + z.flush(zlib.Z_SYNC_FLUSH))
except (BrokenPipeError, ConnectionResetError):
    closed = True
try:
    line = r.line()
    assert line.startswith(b"* BYE [TOOBIG]"), line
except (EOFError, ConnectionResetError):
    assert closed
after = peak_kib()
assert after - before < 64 * 1024, ("peak memory grew", before, after)
print("bomb: peak %d -> %d KiB" % (before, after))
